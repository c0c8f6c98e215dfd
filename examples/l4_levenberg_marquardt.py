"""L4: Levenberg–Marquardt vs steepest descent on a curve fit (§7).

Run:  python examples/l4_levenberg_marquardt.py [PNG] [--quick] [--no-plot]

Fit y = a·exp(−b t) + c to ten points (``problems.exponential_fit``) from (1, 1, 0) with
``least_squares``: LM with the lectures' adaptive damping (÷10 after a step that lowers E, ×10 and
retry otherwise) converges in a handful of steps and ends as Gauss–Newton (μ → 0); steepest
descent with the exact search needs hundreds. The figure shows E − E* per step and the fits.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l4_levenberg_marquardt.png); the exit status is 1 if a claim does not hold. The code is the ``l4_levenberg_marquardt`` entry of
``jaxopt_lectures/figures/l4.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l4_levenberg_marquardt"))
