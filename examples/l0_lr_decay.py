"""L0 (after d2l): exponential vs polynomial learning-rate decay on noisy SGD (§10.5, §5).

Run:  python examples/l0_lr_decay.py [PNG] [--quick] [--no-plot]

SGD on x1² + 2 x2² from (−5, −2) with N(0, 1) noise added to the gradient, η = 0.1·e^(−0.1t)
or 0.1·(1 + 0.1t)^(−½), t = 2, 3, … (d2l's), 1000 steps, using the library's schedules. The
exponential rates sum to 0.86, so SGD stops far from the minimum; the polynomial ones sum to ∞
(Robbins–Monro) and SGD reaches the minimum's noise ball.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l0_lr_decay.png); the exit status is 1 if a claim does not hold. The code is the ``l0_lr_decay`` entry of
``jaxopt_lectures/figures/l0.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l0_lr_decay"))
