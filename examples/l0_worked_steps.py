"""L0's worked examples 1 and 4 by the book (ALGORITHMS.md §10.1, §10.4).

Run:  python examples/l0_worked_steps.py [PNG] [--quick] [--no-plot]

One GD step and one heavy-ball step on E(w1, w2) = 0.05 + (w1−3)²/4 + (w2−4)²/9 − (w1−3)(w2−4)/6
from w(t) = (1.5, 2) after w(t−1) = (1, 1), η = 0.3: GD gives (1.625, 2.058333), heavy ball with the
stated β = 0.6 gives (1.925, 2.658333); the slide's (2.075, 2.958) is the step for β = 0.9. Then the
forward and backward pass of a sigmoid neuron and one Adam step: w = b = −1.9 (the slide's −2.081 /
−2.079 is not Adam). The figure draws the steps on E's contours.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l0_worked_steps.png); the exit status is 1 if a claim does not hold. The code is the ``l0_worked_steps`` entry of
``jaxopt_lectures/figures/l0.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l0_worked_steps"))
