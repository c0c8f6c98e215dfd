"""L0 (after d2l): GD and momentum on 0.1 x1² + 2 x2² (ALGORITHMS.md §10.5).

Run:  python examples/l0_momentum.py [PNG] [--quick] [--no-plot]

Twenty steps from (−5, −2): GD at η = 0.4 oscillates along x2 and converges, at 0.6 diverges
(|x2| × 1.4 per step); momentum at η = 0.6 converges with β = 0.5 (spectral radius √0.5) and
oscillates more with β = 0.25 (a real negative root −0.86: x2 flips sign at every step).

It prints each claim of the lecture next to the computed value and saves the figure (default
./l0_momentum.png); the exit status is 1 if a claim does not hold. The code is the ``l0_momentum`` entry of
``jaxopt_lectures/figures/l0.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l0_momentum"))
