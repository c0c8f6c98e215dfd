"""Functions the lectures work with (ALGORITHMS.md §10).

Each function is written once here; examples print it and tests assert its numbers.
"""

from __future__ import annotations

import math

import jax.numpy as jnp

from ._problem import Problem, register_problem

__all__ = ["quadratic_l0"]


def _quadratic_l0(x):
    return 0.1 * x[0] ** 2 + 2.0 * x[1] ** 2  # f = 0.1 x1² + 2 x2²


def _quadratic_l0_residuals(x):
    return jnp.stack([math.sqrt(0.2) * x[0], 2.0 * x[1]])  # ½‖r‖² = 0.1 x1² + 2 x2²


quadratic_l0 = register_problem(Problem(
    name="quadratic_l0",
    fun=_quadratic_l0,
    x0=(-5.0, -2.0),
    x_star=(0.0, 0.0),
    f_star=0.0,
    residual_fn=_quadratic_l0_residuals,
    bounds=((-5.5, 1.5), (-3.0, 1.5)),
    source="L0 (after d2l, 'Momentum'), ALGORITHMS.md §10 example 5; start (−5, −2) as in d2l",
    description=(
        "ill-conditioned quadratic 0.1 x1² + 2 x2² (Hessian eigenvalues 0.2 and 4): GD oscillates at "
        "η = 0.4 and diverges above 0.5; momentum at η = 0.6 converges with β = 0.5"
    ),
))
