"""L4 / cs231n: every first-order optimizer on Beale's function and at a saddle (§10.8).

Run:  python examples/l4_beale_saddle.py [PNG] [--quick] [--no-plot]

Beale from (1, 1): each of the 15 first-order optimizers with the best of a log grid of learning
rates (one vmapped program per optimizer) reaches the minimum (3, 0.5). The saddle x² − y² from
(1, 1e-3) at η = 0.01: GD lingers for ⌈ln 1000 / ln 1.02⌉ = 349 steps; RMSProp and the Adam family,
whose steps are ≈ η whatever the gradient's size, escape in about 1/η.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l4_beale_saddle.png); the exit status is 1 if a claim does not hold. The code is the ``l4_beale_saddle`` entry of
``jaxopt_lectures/figures/l4.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l4_beale_saddle"))
