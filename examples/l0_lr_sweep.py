"""L0: a learning-rate sweep of GD on 3x² + 2y² + 4z² + 6 (ALGORITHMS.md §10.2).

Run:  python examples/l0_lr_sweep.py [PNG] [--quick] [--no-plot]

60 rates in [0.01, 0.3] as one compiled ``sweep``: GD diverges exactly for η > 2/λmax = 1/4, the
fastest single rate is 2/(λmin + λmax) = 1/6 (error × 1/3 per step), not the slide's 1/8 (× 1/2);
the per-axis rates 1/λᵢ come from ``analysis.learning_rate_bounds``.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l0_lr_sweep.png); the exit status is 1 if a claim does not hold. The code is the ``l0_lr_sweep`` entry of
``jaxopt_lectures/figures/l0_analysis.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l0_lr_sweep"))
