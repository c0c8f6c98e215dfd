"""L0 / L2: critical points classified by the Hessian's eigenvalues (§8, §10.3).

Run:  python examples/l0_critical_points.py [PNG] [--quick] [--no-plot]

L0's example 3 (eigenvalues 2 − √2, 2, 2 + √2 at (−1, −1, −1): a minimum), the saddle x² − y²,
tanh′(4) ≈ 0.0013 (the vanishing gradient), and every critical point of Himmelblau's function: ∇f = 0
solved as least squares on r = ∇f by Levenberg–Marquardt from a grid of 49 starts in one vmapped
program, then classified: four minima, one maximum, four saddles.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l0_critical_points.png); the exit status is 1 if a claim does not hold. The code is the ``l0_critical_points`` entry of
``jaxopt_lectures/figures/l0_analysis.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l0_critical_points"))
