"""L4 / cs231n: GD, momentum and NAG (μ = 0.95) on an oblong quadratic (§10.8).

Run:  python examples/l4_gd_momentum_nag.py [PNG] [--quick] [--no-plot]

½(x² + 10 y²) from (10, 1), η = 0.02, until ‖∇f‖ ≤ 1e-6: GD creeps without overshooting,
momentum overshoots the minimum along the shallow axis, Nesterov's look-ahead overshoots less and
converges in fewer steps.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l4_gd_momentum_nag.png); the exit status is 1 if a claim does not hold. The code is the ``l4_gd_momentum_nag`` entry of
``jaxopt_lectures/figures/l4.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l4_gd_momentum_nag"))
