"""Nonlinear least-squares test problems of Moré, Garbow & Hillstrom, and an exponential curve fit.

Moré, Garbow & Hillstrom, "Testing unconstrained optimization software", ACM TOMS 7 (1981) 17–41
("MGH" below), give each problem as residuals f_i(x), i = 1..m, with the objective Σ f_i², a
starting point and the known minimum. Here: MGH 2 (Freudenstein and Roth), MGH 8 (Bard), MGH 12
(Box three-dimensional, with m = 10), MGH 13 (Powell singular), MGH 14 (Wood) and MGH 17
(Osborne 1); beside them ``exponential_fit``, a three-parameter exponential-decay curve fit on data
made here. MGH 1 (Rosenbrock) and MGH 5 (Beale) are in :mod:`.classic`.

Each record's ``residual_fn`` is MGH's residual vector as printed (not rescaled), and ``fun`` is
½ Σ f_i², the convention of ``Problem.residual_fn`` (fun = ½‖r‖², ALGORITHMS.md §7). So every
``f_star`` here is half the value MGH print: Bard's minimum f = 8.21487…·10⁻³ in MGH is
``f_star`` = 4.107…·10⁻³. (:mod:`.classic` does it the other way round: there ``fun`` is the
textbook Σ r² and ``residual_fn`` is scaled by √2.)

Where a minimiser is known only numerically (Bard, Osborne 1, the exponential fit, Freudenstein and
Roth's local minimum) its digits are hard-coded below, computed in float64 by
``scipy.optimize.least_squares(method="lm", xtol=ftol=gtol=1e-15)`` with the exact Jacobian
(``jax.jacfwd`` of ``residual_fn``) from the problem's start, then polished by a few Newton steps
x ← x − ∇²f⁻¹∇f (``jax.hessian``), keeping the iterate with the smallest ‖∇f‖: LM alone stops at
‖∇f‖ ≈ 5e-13 (Bard), 3e-10 (Osborne 1, badly conditioned: Hessian eigenvalues 2e-5 … 5e4), 7e-12
(exponential fit) and 9e-7 (Freudenstein–Roth local minimum, a large-residual point where
Gauss–Newton converges only linearly); after the Newton steps ‖∇f‖ ≤ 1e-13, and x moved by at most
1.4e-8. ``f_star`` is ``fun(x_star)`` there.

Every function is pure ``jax.numpy``: it runs under ``jit`` and ``vmap``, and in the dtype of its
argument (data and constants are cast to it, so float32 stays float32 with x64 enabled).
:data:`LEAST_SQUARES_PROBLEMS` names the catalogue's problems meant for Gauss–Newton and
Levenberg–Marquardt.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from ._problem import Problem, register_problem

__all__ = [
    "LEAST_SQUARES_PROBLEMS",
    "bard",
    "box_3d",
    "exponential_fit",
    "freudenstein_roth",
    "osborne1",
    "powell_singular",
    "wood",
]

_SQRT5 = math.sqrt(5.0)
_SQRT10 = math.sqrt(10.0)
_SQRT90 = math.sqrt(90.0)


def _const(x, values):
    """``values`` (float64 NumPy data) as an array of ``x``'s float dtype: float32 in, float32 out."""
    return jnp.asarray(values, dtype=jnp.result_type(x, 0.0))


# ----------------------------------------------------------------------------------------------
# Wood (MGH 14)
# ----------------------------------------------------------------------------------------------


def _wood_residuals(x):
    # MGH 14 (m = 6): f1 = 10(x2 − x1²), f2 = 1 − x1, f3 = √90 (x4 − x3²), f4 = 1 − x3,
    # f5 = √10 (x2 + x4 − 2), f6 = 10^(−1/2) (x2 − x4).
    x1, x2, x3, x4 = x[0], x[1], x[2], x[3]
    return jnp.stack([
        10.0 * (x2 - x1**2), 1.0 - x1, _SQRT90 * (x4 - x3**2), 1.0 - x3,
        _SQRT10 * (x2 + x4 - 2.0), (x2 - x4) / _SQRT10,
    ])  # fmt: skip


def _wood(x):
    x1, x2, x3, x4 = x[0], x[1], x[2], x[3]
    # ½ [100(x2 − x1²)² + (1 − x1)² + 90(x4 − x3²)² + (1 − x3)² + 10(x2 + x4 − 2)² + 0.1(x2 − x4)²]
    return 0.5 * (
        100.0 * (x2 - x1**2) ** 2 + (1.0 - x1) ** 2 + 90.0 * (x4 - x3**2) ** 2 + (1.0 - x3) ** 2
        + 10.0 * (x2 + x4 - 2.0) ** 2 + 0.1 * (x2 - x4) ** 2
    )  # fmt: skip


wood = Problem(
    name="wood",
    fun=_wood,
    x0=(-3.0, -1.0, -3.0, -1.0),
    x_star=(1.0, 1.0, 1.0, 1.0),
    f_star=0.0,
    residual_fn=_wood_residuals,
    source="Colville (1968); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), problem 14 (Wood function)",
    description="Wood's function: two coupled Rosenbrock valleys in 4 variables, minimum 0 at (1, 1, 1, 1)",
)

# ----------------------------------------------------------------------------------------------
# Powell singular (MGH 13)
# ----------------------------------------------------------------------------------------------


def _powell_singular_residuals(x):
    # MGH 13 (m = 4): f1 = x1 + 10 x2, f2 = √5 (x3 − x4), f3 = (x2 − 2 x3)², f4 = √10 (x1 − x4)².
    x1, x2, x3, x4 = x[0], x[1], x[2], x[3]
    return jnp.stack([x1 + 10.0 * x2, _SQRT5 * (x3 - x4), (x2 - 2.0 * x3) ** 2, _SQRT10 * (x1 - x4) ** 2])


def _powell_singular(x):
    x1, x2, x3, x4 = x[0], x[1], x[2], x[3]
    # ½ [(x1 + 10x2)² + 5(x3 − x4)² + (x2 − 2x3)⁴ + 10(x1 − x4)⁴]
    return 0.5 * ((x1 + 10.0 * x2) ** 2 + 5.0 * (x3 - x4) ** 2 + (x2 - 2.0 * x3) ** 4 + 10.0 * (x1 - x4) ** 4)


powell_singular = Problem(
    name="powell_singular",
    fun=_powell_singular,
    x0=(3.0, -1.0, 0.0, 1.0),
    x_star=(0.0, 0.0, 0.0, 0.0),
    f_star=0.0,
    residual_fn=_powell_singular_residuals,
    source="Powell, Comput. J. 5 (1962); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), problem 13",
    description=(
        "Powell's singular function: minimum 0 at the origin, where the Hessian (and the Jacobian of "
        "the residuals) is singular, rank 2: Newton and Gauss–Newton converge only linearly there"
    ),
)

# ----------------------------------------------------------------------------------------------
# Freudenstein and Roth (MGH 2)
# ----------------------------------------------------------------------------------------------

#: MGH 2's local minimum (MGH: (11.41…, −0.8968…), f = 48.9842…; here fun = 24.4921…), computed as
#: the module docstring says from MGH's start (0.5, −2): Gauss–Newton and Levenberg–Marquardt go
#: there from that start, not to the global minimum (5, 4).
FREUDENSTEIN_ROTH_LOCAL_MIN = (11.41277898690209, -0.8968052532744767)


def _freudenstein_roth_residuals(x):
    # MGH 2 (m = 2): f1 = −13 + x1 + ((5 − x2) x2 − 2) x2, f2 = −29 + x1 + ((x2 + 1) x2 − 14) x2.
    x1, x2 = x[0], x[1]
    return jnp.stack([-13.0 + x1 + ((5.0 - x2) * x2 - 2.0) * x2, -29.0 + x1 + ((x2 + 1.0) * x2 - 14.0) * x2])


def _freudenstein_roth(x):
    x1, x2 = x[0], x[1]
    # ½ [(x1 − x2³ + 5x2² − 2x2 − 13)² + (x1 + x2³ + x2² − 14x2 − 29)²]
    return 0.5 * ((x1 - x2**3 + 5.0 * x2**2 - 2.0 * x2 - 13.0) ** 2 + (x1 + x2**3 + x2**2 - 14.0 * x2 - 29.0) ** 2)


freudenstein_roth = Problem(
    name="freudenstein_roth",
    fun=_freudenstein_roth,
    x0=(0.5, -2.0),
    x_star=(5.0, 4.0),
    f_star=0.0,
    residual_fn=_freudenstein_roth_residuals,
    bounds=((-2.0, 14.0), (-3.0, 6.0)),
    source="Freudenstein & Roth, J. ACM 10 (1963); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), problem 2",
    description=(
        "Freudenstein and Roth's function: global minimum 0 at (5, 4), and a local minimum f = 24.49 "
        "(MGH's 48.98/2) at (11.41, −0.8968) that Gauss–Newton and LM reach from the start"
    ),
)

# ----------------------------------------------------------------------------------------------
# Bard (MGH 8)
# ----------------------------------------------------------------------------------------------

# MGH 8 data, i = 1..15: u_i = i, v_i = 16 − i, w_i = min(u_i, v_i).
_BARD_Y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39])
_BARD_U = np.arange(1.0, 16.0)
_BARD_V = 16.0 - _BARD_U
_BARD_W = np.minimum(_BARD_U, _BARD_V)


def _bard_residuals(x):
    # MGH 8 (m = 15): f_i = y_i − (x1 + u_i / (v_i x2 + w_i x3)).
    u, v, w, y = (_const(x, a) for a in (_BARD_U, _BARD_V, _BARD_W, _BARD_Y))
    return y - (x[0] + u / (v * x[1] + w * x[2]))


def _bard(x):
    return 0.5 * jnp.sum(_bard_residuals(x) ** 2)


bard = Problem(
    name="bard",
    fun=_bard,
    x0=(1.0, 1.0, 1.0),
    # scipy's LM from x0 (xtol=ftol=gtol=1e-15, float64), then Newton steps: see the module docstring
    x_star=(0.08241055974978893, 1.1330360920297216, 2.343695178642537),
    f_star=0.0041074386532894865,  # fun(x_star); MGH print f = 2·f_star = 8.21487…·10⁻³
    residual_fn=_bard_residuals,
    source="Bard, SIAM J. Numer. Anal. 7 (1970); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), problem 8",
    description="Bard's rational fit, 3 parameters to 15 points: minimum 8.21487e-3/2 at (0.0824, 1.133, 2.344)",
)

# ----------------------------------------------------------------------------------------------
# Box three-dimensional (MGH 12)
# ----------------------------------------------------------------------------------------------

_BOX_M = 10
_BOX_T = 0.1 * np.arange(1.0, _BOX_M + 1.0)  # t_i = 0.1 i
# x3's coefficient e^{−t_i} − e^{−10 t_i}, computed once in float64 (as a constant it rounds alike
# eagerly and under jit; computed inside the function, XLA would constant-fold it under jit with an
# exp that differs in the last bit from the run-time one)
_BOX_C = np.exp(-_BOX_T) - np.exp(-10.0 * _BOX_T)


def _box_3d_residuals(x):
    # MGH 12 (m = 10 here; MGH allow any m ≥ 3): f_i = e^{−t_i x1} − e^{−t_i x2} − x3 (e^{−t_i} − e^{−10 t_i}).
    t, c = _const(x, _BOX_T), _const(x, _BOX_C)
    return jnp.exp(-t * x[0]) - jnp.exp(-t * x[1]) - x[2] * c


def _box_3d(x):
    return 0.5 * jnp.sum(_box_3d_residuals(x) ** 2)


box_3d = Problem(
    name="box_3d",
    fun=_box_3d,
    x0=(0.0, 10.0, 20.0),
    x_star=(1.0, 10.0, 1.0),
    f_star=0.0,
    residual_fn=_box_3d_residuals,
    minimizers=((1.0, 10.0, 1.0), (10.0, 1.0, -1.0)),
    source="Box, Comput. J. 9 (1966); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), problem 12 (m = 10)",
    description=(
        "Box's three-dimensional exponential fit (m = 10): f = 0 at (1, 10, 1) and (10, 1, −1) (both in "
        "`minimizers`) and on the whole line x1 = x2, x3 = 0 (not strict minima, so not listed)"
    ),
)

# ----------------------------------------------------------------------------------------------
# Osborne 1 (MGH 17)
# ----------------------------------------------------------------------------------------------

# MGH 17 data, i = 1..33, t_i = 10 (i − 1).
_OSBORNE1_Y = np.array([
    0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685, 0.658, 0.628, 0.603,
    0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411,
    0.406,
])  # fmt: skip
_OSBORNE1_T = 10.0 * np.arange(33.0)


def _osborne1_residuals(x):
    # MGH 17 (m = 33): f_i = y_i − (x1 + x2 e^{−t_i x4} + x3 e^{−t_i x5}). The model is linear in
    # (x1, x2, x3): A(x4, x5) @ (x1, x2, x3), A's rows (1, e^{−t_i x4}, e^{−t_i x5}). As one dot
    # product it rounded alike eagerly and under jit/vmap (XLA CPU, jax 0.10), where the sum written
    # out did not (multiply-adds fused under jit): at the minimum the residuals (~1e-4) cancel O(1)
    # terms, so one ulp there moved f by 2e-14 relative.
    t, y = _const(x, _OSBORNE1_T), _const(x, _OSBORNE1_Y)
    a = jnp.stack([jnp.ones_like(t), jnp.exp(-t * x[3]), jnp.exp(-t * x[4])], axis=-1)
    return y - a @ x[:3]


def _osborne1(x):
    return 0.5 * jnp.sum(_osborne1_residuals(x) ** 2)


osborne1 = Problem(
    name="osborne1",
    fun=_osborne1,
    x0=(0.5, 1.5, -1.0, 0.01, 0.02),
    # scipy's LM from x0 (xtol=ftol=gtol=1e-15, float64), then Newton steps: see the module docstring
    x_star=(0.37541005210695194, 1.9358469127123537, -1.4646871366134093, 0.01286753464005726, 0.022122699661672667),
    f_star=2.7324473487413466e-05,  # fun(x_star) (±2e-14 relative); MGH print f = 2·f_star = 5.46489…·10⁻⁵
    residual_fn=_osborne1_residuals,
    source="Osborne (1972); Moré, Garbow & Hillstrom, ACM TOMS 7 (1981), problem 17 (Osborne 1)",
    description="Osborne's sum of two exponentials plus a constant, 5 parameters to 33 points: minimum 5.46489e-5/2",
)

# ----------------------------------------------------------------------------------------------
# Exponential-decay curve fit
# ----------------------------------------------------------------------------------------------

#: The exponential fit's data: t = 0, 0.5, …, 4.5 and y = 2 e^{−0.5 t} + 0.3 plus the fixed
#: perturbation below (so the fit does not reach 0). Float64 NumPy arrays.
EXPONENTIAL_FIT_T = 0.5 * np.arange(10.0)
_EXPONENTIAL_FIT_NOISE = np.array([0.012, -0.009, 0.004, 0.010, -0.013, 0.006, -0.002, -0.008, 0.011, -0.005])
EXPONENTIAL_FIT_Y = 2.0 * np.exp(-0.5 * EXPONENTIAL_FIT_T) + 0.3 + _EXPONENTIAL_FIT_NOISE
for _a in (EXPONENTIAL_FIT_T, EXPONENTIAL_FIT_Y):
    _a.setflags(write=False)


def _exponential_fit_residuals(x):
    # r_i = a e^{−b t_i} + c − y_i with x = (a, b, c); linear in (a, c), written as one dot product
    # as in _osborne1_residuals (the cancellation at the minimum is the same).
    t, y = _const(x, EXPONENTIAL_FIT_T), _const(x, EXPONENTIAL_FIT_Y)
    a = jnp.stack([jnp.exp(-x[1] * t), jnp.ones_like(t)], axis=-1)
    return a @ jnp.stack([x[0], x[2]]) - y


def _exponential_fit(x):
    return 0.5 * jnp.sum(_exponential_fit_residuals(x) ** 2)


exponential_fit = Problem(
    name="exponential_fit",
    fun=_exponential_fit,
    x0=(1.0, 1.0, 0.0),
    # scipy's LM from x0 (xtol=ftol=gtol=1e-15, float64), then Newton steps: see the module docstring
    x_star=(2.0024131270525203, 0.5047597810067297, 0.3047621759499442),
    f_star=0.00034692453805056106,  # fun(x_star)
    residual_fn=_exponential_fit_residuals,
    source=(
        "curve fit y = a e^(−b t) + c for Gauss–Newton and Levenberg–Marquardt (ALGORITHMS.md §7, L4); "
        "data made here: (a, b, c) = (2, 0.5, 0.3) at t = 0, 0.5, …, 4.5 plus a fixed perturbation; start (1, 1, 0)"
    ),
    description="exponential-decay fit a e^(−b t) + c to 10 perturbed points: f* > 0 at x* ≈ (2.002, 0.505, 0.305)",
)

#: The catalogue's least-squares problems for Gauss–Newton and Levenberg–Marquardt: MGH's
#: (Rosenbrock, Beale and this module's six) and the exponential curve fit. Each has ``residual_fn``.
LEAST_SQUARES_PROBLEMS = (
    "rosenbrock", "beale", "wood", "powell_singular", "freudenstein_roth", "bard", "box_3d", "osborne1",
    "exponential_fit",
)  # fmt: skip

register_problem(wood)
register_problem(powell_singular)
register_problem(freudenstein_roth)
register_problem(bard)
register_problem(box_3d)
register_problem(osborne1)
register_problem(exponential_fit)
