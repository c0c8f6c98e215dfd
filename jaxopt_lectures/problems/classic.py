"""Classic unconstrained test functions, with the starting points of their literature.

Moré, Garbow & Hillstrom, "Testing unconstrained optimization software", ACM TOMS 7 (1981),
numbers the problems used here: MGH 1 (Rosenbrock), MGH 5 (Beale), MGH 21 (extended Rosenbrock).
"""

from __future__ import annotations

import math

import jax.numpy as jnp

from ._problem import Problem, register_problem

__all__ = ["beale", "rosenbrock"]

_SQRT2 = math.sqrt(2.0)


# ----------------------------------------------------------------------------------------------
# Rosenbrock
# ----------------------------------------------------------------------------------------------


def _rosenbrock_residuals(x):
    # MGH 21: r_{2i−1} = 10 (x_{2i} − x_{2i−1}²), r_{2i} = 1 − x_{2i−1}; f = Σ r². Scaled by √2 so
    # that f = ½‖r‖², the least-squares convention of Problem.residual_fn.
    odd, even = x[0::2], x[1::2]
    return _SQRT2 * jnp.concatenate([10.0 * (even - odd**2), 1.0 - odd])


def _rosenbrock(x):
    odd, even = x[0::2], x[1::2]
    return jnp.sum(100.0 * (even - odd**2) ** 2 + (1.0 - odd) ** 2)  # Σ 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)²


def rosenbrock(n: int = 2) -> Problem:
    """The (extended) Rosenbrock function in ``n`` variables, ``n`` even.

    f(x) = Σ_{i=1}^{n/2} 100 (x_{2i} − x_{2i−1}²)² + (1 − x_{2i−1})², start (−1.2, 1, −1.2, 1, …),
    minimum f = 0 at (1, …, 1). For n = 2 it is Rosenbrock's banana valley (MGH problem 1); for
    larger n, uncoupled copies of it (MGH problem 21).
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 2 or n % 2:
        raise ValueError(f"n must be an even integer ≥ 2, got {n!r}")
    return Problem(
        name="rosenbrock" if n == 2 else f"rosenbrock_{n}",
        fun=_rosenbrock,
        x0=[-1.2, 1.0] * (n // 2),
        x_star=[1.0] * n,
        f_star=0.0,
        residual_fn=_rosenbrock_residuals,
        bounds=((-2.0, 2.0), (-1.0, 3.0)) if n == 2 else None,
        source=(
            "Rosenbrock, Comput. J. 3 (1960); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), "
            + ("problem 1" if n == 2 else "problem 21 (extended Rosenbrock)")
        ),
        description=f"Rosenbrock's curved valley{'' if n == 2 else f', {n} variables'}",
    )


# ----------------------------------------------------------------------------------------------
# Beale
# ----------------------------------------------------------------------------------------------

_BEALE_Y = (1.5, 2.25, 2.625)


def _beale_residuals(x):
    # MGH 5: r_i = y_i − x1 (1 − x2^i), i = 1, 2, 3; f = Σ r². Scaled by √2 so that f = ½‖r‖².
    return _SQRT2 * jnp.stack([y - x[0] * (1.0 - x[1] ** i) for i, y in enumerate(_BEALE_Y, start=1)])


def _beale(x):
    return sum((y - x[0] * (1.0 - x[1] ** i)) ** 2 for i, y in enumerate(_BEALE_Y, start=1))


beale = Problem(
    name="beale",
    fun=_beale,
    x0=(1.0, 1.0),
    x_star=(3.0, 0.5),
    f_star=0.0,
    residual_fn=_beale_residuals,
    bounds=((-4.5, 4.5), (-4.5, 4.5)),
    source="Beale (1958); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), problem 5; L4 / cs231n figure (ALGORITHMS.md §10 example 8)",
    description="Beale's function: flat plateaus and a narrow curved valley",
)

register_problem(rosenbrock(2))
register_problem(beale)
