"""Classic unconstrained test functions, with the starting points of their literature.

Moré, Garbow & Hillstrom, "Testing unconstrained optimization software", ACM TOMS 7 (1981),
numbers the problems used here: MGH 1 (Rosenbrock), MGH 5 (Beale), MGH 21 (extended Rosenbrock).
Booth's and Himmelblau's functions and the sphere are in the benchmark surveys (Jamil & Yang,
"A literature survey of benchmark functions for global optimization problems", Int. J. Math.
Model. Numer. Optim. 4 (2013)); Himmelblau's is from his book Applied Nonlinear Programming
(McGraw-Hill, 1972). Where these give no start, the one chosen here is said in ``source``.

All five are sums of squares, and each has ``residual_fn`` with ``fun(x) == ½‖r(x)‖²``: the
textbook residuals scaled by √2 (the textbooks write f = Σ r²).
"""

from __future__ import annotations

import math

import jax.numpy as jnp

from ..optimizers.base import check_integer
from ._problem import Problem, register_problem

__all__ = ["beale", "booth", "himmelblau", "rosenbrock", "sphere"]

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


# ----------------------------------------------------------------------------------------------
# Booth
# ----------------------------------------------------------------------------------------------


def _booth_residuals(x):
    # r = (x1 + 2x2 − 7, 2x1 + x2 − 5); f = Σ r². Scaled by √2 so that f = ½‖r‖².
    return _SQRT2 * jnp.stack([x[0] + 2.0 * x[1] - 7.0, 2.0 * x[0] + x[1] - 5.0])


def _booth(x):
    return (x[0] + 2.0 * x[1] - 7.0) ** 2 + (2.0 * x[0] + x[1] - 5.0) ** 2  # (x1 + 2x2 − 7)² + (2x1 + x2 − 5)²


booth = Problem(
    name="booth",
    fun=_booth,
    x0=(0.0, 0.0),
    x_star=(1.0, 3.0),
    f_star=0.0,
    residual_fn=_booth_residuals,
    bounds=((-10.0, 10.0), (-10.0, 10.0)),
    source="Booth's function; Jamil & Yang, Int. J. Math. Model. Numer. Optim. 4 (2013); start (0, 0) chosen here",
    description="Booth's function (x1 + 2x2 − 7)² + (2x1 + x2 − 5)²: a quadratic, minimum 0 at (1, 3), condition number 9",
)

# ----------------------------------------------------------------------------------------------
# Himmelblau
# ----------------------------------------------------------------------------------------------

#: Himmelblau's four minima, all with f = 0 (the non-integer ones to float64 precision, from
#: solving x² + y = 11, x + y² = 7 in 40-digit arithmetic).
HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.8051180869527448531, 3.1313125182505729658),
    (-3.7793102533777468919, -3.2831859912861694123),
    (3.5844283403304917449, -1.8481265269644035535),
)


def _himmelblau_residuals(x):
    # r = (x1² + x2 − 11, x1 + x2² − 7); f = Σ r². Scaled by √2 so that f = ½‖r‖².
    return _SQRT2 * jnp.stack([x[0] ** 2 + x[1] - 11.0, x[0] + x[1] ** 2 - 7.0])


def _himmelblau(x):
    return (x[0] ** 2 + x[1] - 11.0) ** 2 + (x[0] + x[1] ** 2 - 7.0) ** 2  # (x1² + x2 − 11)² + (x1 + x2² − 7)²


himmelblau = Problem(
    name="himmelblau",
    fun=_himmelblau,
    x0=(0.0, 0.0),
    x_star=HIMMELBLAU_MINIMA[0],
    f_star=0.0,
    residual_fn=_himmelblau_residuals,
    bounds=((-5.0, 5.0), (-5.0, 5.0)),
    minimizers=HIMMELBLAU_MINIMA,
    source="Himmelblau, Applied Nonlinear Programming (McGraw-Hill, 1972); start (0, 0) chosen here",
    description=(
        "Himmelblau's function: four minima with f = 0, at (3, 2), (−2.805, 3.131), (−3.779, −3.283) "
        "and (3.584, −1.848) (all in `minimizers`); x_star = (3, 2), the one gradient descent reaches from (0, 0)"
    ),
)

# ----------------------------------------------------------------------------------------------
# Sphere
# ----------------------------------------------------------------------------------------------


def _sphere_residuals(x):
    return _SQRT2 * x  # ½‖√2 x‖² = Σ x²


def _sphere(x):
    return jnp.sum(x**2)  # Σ xᵢ²


def sphere(n: int = 2) -> Problem:
    """The sphere f(x) = Σ xᵢ² in ``n`` ≥ 1 variables, from (1, …, 1); minimum 0 at the origin.

    The best-conditioned problem there is (Hessian 2I): a baseline every method should solve.
    ``sphere(2)`` is the registered ``"sphere"``, ``sphere(n)`` is named ``"sphere_<n>"``.
    """
    check_integer("n", n)
    return Problem(
        name="sphere" if n == 2 else f"sphere_{n}",
        fun=_sphere,
        x0=[1.0] * n,
        x_star=[0.0] * n,
        f_star=0.0,
        residual_fn=_sphere_residuals,
        bounds=((-1.5, 1.5),) * n if n <= 2 else None,
        source="the sphere function; Jamil & Yang, Int. J. Math. Model. Numer. Optim. 4 (2013); start (1, …, 1) chosen here",
        description=f"the sphere Σ xᵢ² in {n} variable{'s' if n > 1 else ''}: Hessian 2I, perfectly conditioned",
    )


register_problem(rosenbrock(2))
register_problem(beale)
register_problem(booth)
register_problem(himmelblau)
register_problem(sphere(2))
