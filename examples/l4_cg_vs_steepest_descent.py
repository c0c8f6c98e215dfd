"""L2 / L4: nonlinear conjugate gradients vs steepest descent (§6, §7, §10.6).

Run:  python examples/l4_cg_vs_steepest_descent.py [PNG] [--quick] [--no-plot]

½(x² + 10 y²) from (10, 1): steepest descent with the exact line search follows L2's closed form
x_k = b q^k, y_k = (−q)^k with orthogonal consecutive gradients and needs exactly
⌈log(ε/‖g0‖)/log q⌉ steps; Fletcher–Reeves CG with the same search stops in 2. On Rosenbrock from
(−1.2, 1) Polak–Ribière+ CG with a strong-Wolfe search takes a few dozen steps, steepest descent
thousands.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l4_cg_vs_steepest_descent.png); the exit status is 1 if a claim does not hold. The code is the ``l4_cg_vs_steepest_descent`` entry of
``jaxopt_lectures/figures/l4.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main

if __name__ == "__main__":
    sys.exit(example_main("l4_cg_vs_steepest_descent"))
