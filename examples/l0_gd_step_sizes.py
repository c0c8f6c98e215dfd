"""L0: gradient descent on f = x² with η = 0.05 and η = 1.1 (ALGORITHMS.md §10.5).

Run:  python examples/l0_gd_step_sizes.py [PNG] [--quick] [--no-plot]

From x0 = 10, ten steps: η = 0.05 multiplies x by 0.9 per step (slow: x10 = 3.486784401), η = 1.1
by −1.2 (divergent: x10 = 61.917364224). Both runs are ``minimize(..., record=True)`` with ``sgd``;
the figure shows the iterates on the parabola.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l0_gd_step_sizes.png); the exit status is 1 if a claim does not hold. The code is the ``l0_gd_step_sizes`` entry of
``jaxopt_lectures/figures/l0.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l0_gd_step_sizes"))
