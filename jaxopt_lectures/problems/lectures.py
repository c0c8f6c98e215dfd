"""Functions the lectures work with (ALGORITHMS.md §6, §8, §10).

Each function is written once here; its numbers live in :mod:`.worked_examples`, examples print
them and ``tests/test_worked_examples.py`` asserts them. Registered (in this order):

=========================  ============================================  =======================
name                       f                                             source
=========================  ============================================  =======================
``quadratic_l0``           0.1 x1² + 2 x2²                               L0, §10 example 5
``error_surface_l0``       E(w1, w2) of the momentum example             L0, §10 example 1
``separable_quadratic_l0`` 3x² + 2y² + 4z² + 6                           L0, §10 example 2
``coupled_quadratic_l0``   x1² + x1(1 − x2) + x2² − x2x3 + x3² + x3       L0, §10 example 3
``parabola_l0``            x²                                            L0, §10 example 5
``saddle``                 x² − y² (a saddle, no minimum)                L0, L2, §8; §10 example 8
``scaled_quadratic_b10``   ½(x² + 10 y²) = ``scaled_quadratic(10)``       L2, §6 exercise
``tanh_saturated``         ½ tanh²(x) from the saturated x = 4           L0, §8 vanishing gradient
=========================  ============================================  =======================

Two of them are not plain minimisation problems; their records say so:

* ``saddle`` has ``kind="saddle"``: f = x² − y² has no minimum (it is unbounded below along y);
  ``x_star`` = (0, 0) is its only stationary point, a saddle, and ``f_star`` = 0 the value there.
  An optimizer started at ``x0`` = (1, 10⁻³), almost on the attracting x-axis, first heads for
  the saddle, lingers, then escapes along y: f − f_star < 0 means it escaped, f − f_star → 0 that
  it is stuck at the saddle. ``minimizers`` is empty.
* ``tanh_saturated`` minimises ½ tanh²(x), the squared error of one tanh unit whose target is 0,
  started at the saturated pre-activation x = 4. tanh itself cannot be the problem: it has no
  minimiser (inf tanh = −1 is approached as x → −∞), so no ``x_star``/``f_star`` exist and a
  minimiser of tanh only shows divergence. The squared error keeps the lecture's point, the
  vanishing gradient: f′(x) = tanh(x)·tanh′(x) with tanh′(4) ≈ 0.0013, so at x0 the gradient is
  ≈ 0.0013 although f(x0) ≈ 0.499 is almost its supremum ½; the minimum f = 0 at x = 0 is strict
  (f″(0) = 1).
"""

from __future__ import annotations

import math

import jax.numpy as jnp

from . import worked_examples as wx
from ._problem import Problem, register_problem

__all__ = [
    "coupled_quadratic_l0",
    "error_surface_l0",
    "parabola_l0",
    "quadratic_l0",
    "saddle",
    "scaled_quadratic",
    "separable_quadratic_l0",
    "tanh_saturated",
]

# ----------------------------------------------------------------------------------------------
# §10 example 5: 0.1 x1² + 2 x2²
# ----------------------------------------------------------------------------------------------


def _quadratic_l0(x):
    return 0.1 * x[0] ** 2 + 2.0 * x[1] ** 2  # f = 0.1 x1² + 2 x2²


def _quadratic_l0_residuals(x):
    return jnp.stack([math.sqrt(0.2) * x[0], 2.0 * x[1]])  # ½‖r‖² = 0.1 x1² + 2 x2²


quadratic_l0 = register_problem(Problem(
    name="quadratic_l0",
    fun=_quadratic_l0,
    x0=wx.QUADRATIC_L0_START,
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

# ----------------------------------------------------------------------------------------------
# §10 example 1: E(w1, w2)
# ----------------------------------------------------------------------------------------------


def _error_surface_l0(w):
    d1, d2 = w[0] - 3.0, w[1] - 4.0
    return 0.05 + d1**2 / 4.0 + d2**2 / 9.0 - d1 * d2 / 6.0  # E = 0.05 + (w1−3)²/4 + (w2−4)²/9 − (w1−3)(w2−4)/6


def _error_surface_l0_residuals(w):
    # Completing the square: E = 0.05 + ((w1−3)/2 − (w2−4)/6)² + (w2−4)²/12, so with
    # r = (√2((w1−3)/2 − (w2−4)/6), √2 (w2−4)/√12, √0.1) we have E = ½‖r‖² (the constant as a residual).
    d1, d2 = w[0] - 3.0, w[1] - 4.0
    return jnp.stack([
        math.sqrt(2.0) * (d1 / 2.0 - d2 / 6.0),
        math.sqrt(2.0 / 12.0) * d2,
        jnp.full_like(d1, math.sqrt(0.1)),
    ])


error_surface_l0 = register_problem(Problem(
    name="error_surface_l0",
    fun=_error_surface_l0,
    x0=wx.E_START,
    x_star=wx.E_MINIMIZER,
    f_star=wx.E_MIN_VALUE,
    residual_fn=_error_surface_l0_residuals,
    bounds=((0.0, 6.0), (0.0, 7.0)),
    source="L0 (momentum worked example), ALGORITHMS.md §10 example 1; start w(t) = (1.5, 2) of the example",
    description=(
        "E(w1, w2) = 0.05 + (w1−3)²/4 + (w2−4)²/9 − (w1−3)(w2−4)/6, a tilted elliptic bowl with "
        "minimum E = 0.05 at (3, 4)"
    ),
))

# ----------------------------------------------------------------------------------------------
# §10 example 2: 3x² + 2y² + 4z² + 6
# ----------------------------------------------------------------------------------------------


def _separable_quadratic_l0(x):
    return 3.0 * x[0] ** 2 + 2.0 * x[1] ** 2 + 4.0 * x[2] ** 2 + 6.0  # E = 3x² + 2y² + 4z² + 6


def _separable_quadratic_l0_residuals(x):
    # ½‖r‖² with r = (√6 x, 2y, √8 z, √12): 3x² + 2y² + 4z² + 6
    return jnp.stack([math.sqrt(6.0) * x[0], 2.0 * x[1], math.sqrt(8.0) * x[2], jnp.full_like(x[0], math.sqrt(12.0))])


separable_quadratic_l0 = register_problem(Problem(
    name="separable_quadratic_l0",
    fun=_separable_quadratic_l0,
    x0=wx.SEPARABLE_START,
    x_star=wx.SEPARABLE_MINIMIZER,
    f_star=wx.SEPARABLE_MIN_VALUE,
    residual_fn=_separable_quadratic_l0_residuals,
    source="L0 (per-axis learning rates), ALGORITHMS.md §10 example 2; start (1, 1, 1) chosen here (the lecture has none)",
    description=(
        "3x² + 2y² + 4z² + 6, curvatures 6, 4, 8: per-axis rates 1/6, 1/4, 1/8; GD diverges for η > 1/4; "
        "the fastest single rate is 1/6 (contraction 1/3), not the slide's 1/8 (contraction 1/2)"
    ),
))

# ----------------------------------------------------------------------------------------------
# §10 example 3: the coupled 3-variable quadratic
# ----------------------------------------------------------------------------------------------


def _coupled_quadratic_l0(x):
    x1, x2, x3 = x[0], x[1], x[2]
    return x1**2 + x1 * (1.0 - x2) + x2**2 - x2 * x3 + x3**2 + x3  # f = x1² + x1(1 − x2) + x2² − x2x3 + x3² + x3


coupled_quadratic_l0 = register_problem(Problem(
    name="coupled_quadratic_l0",
    fun=_coupled_quadratic_l0,
    x0=wx.COUPLED_START,
    x_star=wx.COUPLED_MINIMIZER,
    f_star=wx.COUPLED_MIN_VALUE,
    # no residual_fn: f* = −1 < 0, so f is not ½‖r‖² of any residual
    source="L0 (classifying a critical point), ALGORITHMS.md §10 example 3; start (0, 0, 0) chosen here",
    description=(
        "x1² + x1(1 − x2) + x2² − x2x3 + x3² + x3: minimum −1 at (−1, −1, −1), "
        "Hessian eigenvalues 2 − √2, 2, 2 + √2"
    ),
))

# ----------------------------------------------------------------------------------------------
# §10 example 5: x²
# ----------------------------------------------------------------------------------------------


def _parabola(x):
    return x[0] ** 2  # f = x²


def _parabola_residuals(x):
    return math.sqrt(2.0) * x  # ½‖√2 x‖² = x²


parabola_l0 = register_problem(Problem(
    name="parabola_l0",
    fun=_parabola,
    x0=(wx.PARABOLA_START,),
    x_star=(0.0,),
    f_star=0.0,
    residual_fn=_parabola_residuals,
    bounds=((-10.5, 10.5),),
    source="L0 (after d2l, 'Gradient descent'), ALGORITHMS.md §10 example 5; start x = 10 as in d2l",
    description="x² in one variable: GD from 10 is slow at η = 0.05 (x ← 0.9x) and diverges at η = 1.1 (x ← −1.2x)",
))

# ----------------------------------------------------------------------------------------------
# A saddle: x² − y²
# ----------------------------------------------------------------------------------------------


def _saddle(x):
    return x[0] ** 2 - x[1] ** 2  # f = x² − y²


saddle = register_problem(Problem(
    name="saddle",
    fun=_saddle,
    x0=(1.0, 1e-3),
    x_star=(0.0, 0.0),
    f_star=0.0,
    kind="saddle",
    bounds=((-1.5, 1.5), (-1.5, 1.5)),
    source=(
        "L0, L2 (classifying critical points, ALGORITHMS.md §8; Goodfellow et al., Deep Learning §8.2.3), "
        "L4 / cs231n saddle figure (§10 example 8); start (1, 10⁻³) chosen here"
    ),
    description=(
        "x² − y²: no minimum (unbounded below); x_star = (0, 0) is its saddle point, f_star = 0 the "
        "value there, Hessian eigenvalues 2 and −2"
    ),
))

# ----------------------------------------------------------------------------------------------
# L2's exact line-search exercise: ½(x² + b y²)
# ----------------------------------------------------------------------------------------------


def scaled_quadratic(b: float = 10.0) -> Problem:
    """½(x² + b y²) from (b, 1), the exact line-search exercise of L2 (ALGORITHMS.md §6).

    Steepest descent with the exact search gives x_k = b((b−1)/(b+1))^k, y_k = (−(b−1)/(b+1))^k
    (:func:`.worked_examples.exact_line_search_iterates`): the condition number b sets the rate.
    ``b`` must be a positive number; ``scaled_quadratic(10)`` is registered as
    ``"scaled_quadratic_b10"``.
    """
    if isinstance(b, bool) or not isinstance(b, (int, float)) or not math.isfinite(b) or b <= 0:
        raise ValueError(f"b must be a positive finite number, got {b!r}")
    b = float(b)
    sqrt_b = math.sqrt(b)

    def fun(x):
        return 0.5 * (x[0] ** 2 + b * x[1] ** 2)  # f = ½(x² + b y²)

    def residual_fn(x):
        return jnp.stack([x[0], sqrt_b * x[1]])  # ½‖(x, √b y)‖²

    return Problem(
        name=f"scaled_quadratic_b{b:g}",
        fun=fun,
        x0=(b, 1.0),
        x_star=(0.0, 0.0),
        f_star=0.0,
        residual_fn=residual_fn,
        bounds=((-0.25 * b, 1.25 * b), (-1.25, 1.25)),
        source="L2 (exact line search exercise), ALGORITHMS.md §6; start (b, 1) of the exercise",
        description=f"½(x² + b y²) with b = {b:g} (condition number {max(b, 1 / b):g}): steepest descent zigzags",
    )


register_problem(scaled_quadratic(10.0))

# ----------------------------------------------------------------------------------------------
# §8: vanishing gradient of a saturated tanh unit
# ----------------------------------------------------------------------------------------------


def _tanh_saturated(x):
    return 0.5 * jnp.tanh(x[0]) ** 2  # f = ½ tanh²(x)


def _tanh_saturated_residuals(x):
    return jnp.tanh(x)  # r = tanh(x), target 0


tanh_saturated = register_problem(Problem(
    name="tanh_saturated",
    fun=_tanh_saturated,
    x0=(wx.TANH_SATURATED_X,),
    x_star=(0.0,),
    f_star=0.0,
    residual_fn=_tanh_saturated_residuals,
    bounds=((-5.0, 5.0),),
    source="L0 (vanishing gradient, tanh′(4) ≈ 0.0013), ALGORITHMS.md §8; squared error of one tanh unit, target 0",
    description=(
        "½ tanh²(x) from the saturated x = 4: f′(4) = tanh(4)·tanh′(4) ≈ 0.0013 (vanishing gradient); "
        "tanh itself has no minimum, so its squared error is minimised"
    ),
))
