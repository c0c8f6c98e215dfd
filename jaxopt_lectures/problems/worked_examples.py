"""The numbers of the lectures' worked examples (ALGORITHMS.md §10), defined once (STYLE.md habit 9).

``tests/test_worked_examples.py`` asserts them against the package's optimizers and against the
lectures' recurrences run by hand; examples print them. The functions they belong to are problems
of this package (``get_problem(...)``, named beside each example below).

Conventions:

* Exact values are written as the fractions they are: ``13 / 8`` is 1.625 exactly, ``247 / 120`` is
  the float nearest to 2.058333…. Values with no finite form (σ(−9), √2) are computed with ``math``.
* ``*_PRINTED`` are the digits the catalogue (or a slide) prints; tests assert them only to the
  digits printed. Where a slide is wrong, ``SLIDE_*`` keeps its number so that a test can show the
  package does *not* reproduce it, and the comment says why it is wrong.
* Points are tuples of floats (immutable); wrap them in ``numpy.asarray`` / ``jnp.asarray``.

>>> from jaxopt_lectures.problems import worked_examples as wx
>>> wx.E_GD_STEP
(1.625, 2.058333333333333)
>>> wx.SEPARABLE_BEST_RATE, wx.SEPARABLE_BEST_CONTRACTION
(0.16666666666666666, 0.3333333333333333)
"""

from __future__ import annotations

import math

__all__ = [
    # example 1
    "E_BETA", "E_ETA", "E_GD_STEP", "E_GD_STEP_PRINTED", "E_GRAD_AT_START", "E_HESSIAN",
    "E_MINIMIZER", "E_MIN_VALUE", "E_MOMENTUM_STEP", "E_MOMENTUM_STEP_PRINTED", "E_PREV",
    "E_SLIDE_BETA", "E_SLIDE_MOMENTUM_STEP", "E_SLIDE_MOMENTUM_STEP_PRINTED", "E_START",
    # example 2
    "SEPARABLE_AXIS_RATES", "SEPARABLE_BEST_CONTRACTION", "SEPARABLE_BEST_RATE",
    "SEPARABLE_CURVATURES", "SEPARABLE_DIVERGENCE_RATE", "SEPARABLE_MINIMIZER",
    "SEPARABLE_MIN_VALUE", "SEPARABLE_SLIDE_CONTRACTION", "SEPARABLE_SLIDE_RATE", "SEPARABLE_START",
    # example 3
    "COUPLED_EIGENVALUES", "COUPLED_HESSIAN", "COUPLED_MINIMIZER", "COUPLED_MIN_VALUE", "COUPLED_START",
    # example 4
    "ADAM_B1", "ADAM_B2", "ADAM_B2_ALT", "ADAM_EPS", "ADAM_ETA", "NEURON_AFTER_ADAM", "NEURON_B",
    "NEURON_GRAD_B", "NEURON_GRAD_B_PRINTED", "NEURON_GRAD_W", "NEURON_GRAD_W_PRINTED", "NEURON_LOSS",
    "NEURON_LOSS_PRINTED", "NEURON_PRE_ACTIVATION", "NEURON_W", "NEURON_X", "NEURON_Y", "NEURON_Y_HAT",
    "NEURON_Y_HAT_PRINTED", "SLIDE_NEURON_AFTER_ADAM",
    # example 5
    "NOISY_SGD_CURVATURES", "NOISY_SGD_DECAY", "NOISY_SGD_ETA0", "NOISY_SGD_START", "NOISY_SGD_STEPS",
    "NOISY_SGD_T0", "PARABOLA_DIVERGENT_FINAL", "PARABOLA_DIVERGENT_RATE", "PARABOLA_SLOW_FINAL",
    "PARABOLA_SLOW_RATE", "PARABOLA_START", "PARABOLA_STEPS", "QUADRATIC_L0_CURVATURES",
    "QUADRATIC_L0_GD_DIVERGES", "QUADRATIC_L0_GD_OSCILLATES", "QUADRATIC_L0_MOMENTUM_BETA_CONVERGES",
    "QUADRATIC_L0_MOMENTUM_BETA_OSCILLATES", "QUADRATIC_L0_MOMENTUM_RATE", "QUADRATIC_L0_START",
    "QUADRATIC_L0_STEPS",
    # example 6 and §8
    "TANH_PRIME_AT_X", "TANH_PRIME_AT_X_PRINTED", "TANH_SATURATED_X", "exact_line_search_iterates",
]  # fmt: skip

# ----------------------------------------------------------------------------------------------
# Example 1 (L0): E(w1, w2) = 0.05 + (w1−3)²/4 + (w2−4)²/9 − (w1−3)(w2−4)/6
# problem "error_surface_l0"
# ----------------------------------------------------------------------------------------------

E_MINIMIZER = (3.0, 4.0)
E_MIN_VALUE = 0.05
E_HESSIAN = ((1 / 2, -1 / 6), (-1 / 6, 2 / 9))  # constant: E is quadratic; eigenvalues > 0
E_PREV = (1.0, 1.0)  # w(t−1)
E_START = (1.5, 2.0)  # w(t), where the example's step starts
E_ETA = 0.3
E_GRAD_AT_START = (-5 / 12, -7 / 36)  # ∇E(1.5, 2)
# GD: w − η∇E = (1.5 + 0.3·5/12, 2 + 0.3·7/36) = (13/8, 247/120)
E_GD_STEP = (13 / 8, 247 / 120)
E_GD_STEP_PRINTED = (1.625, 2.058333)
# heavy ball w − η∇E + βΔw with Δw = w(t) − w(t−1) = (0.5, 1) and the stated β = 0.6
E_BETA = 0.6
E_MOMENTUM_STEP = (77 / 40, 319 / 120)  # (13/8 + 0.3, 247/120 + 0.6)
E_MOMENTUM_STEP_PRINTED = (1.925, 2.658333)
# The slide states β = 0.6 but prints (2.075, 2.958): that is the step for β = 0.9.
E_SLIDE_BETA = 0.9
E_SLIDE_MOMENTUM_STEP = (83 / 40, 71 / 24)  # (13/8 + 0.45, 247/120 + 0.9)
E_SLIDE_MOMENTUM_STEP_PRINTED = (2.075, 2.958)

# ----------------------------------------------------------------------------------------------
# Example 2 (L0): E = 3x² + 2y² + 4z² + 6            problem "separable_quadratic_l0"
# ----------------------------------------------------------------------------------------------

SEPARABLE_CURVATURES = (6.0, 4.0, 8.0)  # Hessian diagonal (the eigenvalues; axes = eigenvectors)
SEPARABLE_MINIMIZER = (0.0, 0.0, 0.0)
SEPARABLE_MIN_VALUE = 6.0
SEPARABLE_START = (1.0, 1.0, 1.0)  # the lecture gives no start; this package's choice
SEPARABLE_AXIS_RATES = (1 / 6, 1 / 4, 1 / 8)  # 1/λᵢ: one step to the minimum along axis i
SEPARABLE_DIVERGENCE_RATE = 1 / 4  # 2/λmax: GD diverges for η > 0.25
SEPARABLE_BEST_RATE = 1 / 6  # 2/(λmin + λmax) = 2/12: the fastest single rate …
SEPARABLE_BEST_CONTRACTION = 1 / 3  # … contracts the error by max|1 − ηλᵢ| = (λmax−λmin)/(λmax+λmin)
SEPARABLE_SLIDE_RATE = 1 / 8  # the slide's "best" rate 1/λmax …
SEPARABLE_SLIDE_CONTRACTION = 1 / 2  # … contracts by only |1 − 4/8| per step

# ----------------------------------------------------------------------------------------------
# Example 3 (L0): f = x1² + x1(1 − x2) + x2² − x2x3 + x3² + x3   problem "coupled_quadratic_l0"
# ----------------------------------------------------------------------------------------------

COUPLED_MINIMIZER = (-1.0, -1.0, -1.0)  # ∇f = 0: 2x1 + 1 − x2 = −x1 + 2x2 − x3 = −x2 + 2x3 + 1 = 0
COUPLED_MIN_VALUE = -1.0  # 1 − 2 + 1 − 1 + 1 − 1
COUPLED_START = (0.0, 0.0, 0.0)  # the lecture gives no start (it solves ∇f = 0); this package's choice
COUPLED_HESSIAN = ((2.0, -1.0, 0.0), (-1.0, 2.0, -1.0), (0.0, -1.0, 2.0))
COUPLED_EIGENVALUES = (2 - math.sqrt(2), 2.0, 2 + math.sqrt(2))  # all > 0: a minimum

# ----------------------------------------------------------------------------------------------
# Example 4 (L0): one Adam step for a sigmoid neuron ŷ = σ(wx + b) with the BCE loss
# function jaxopt_lectures.problems.regression.sigmoid_neuron_loss
# ----------------------------------------------------------------------------------------------

NEURON_X = 3.5
NEURON_Y = 0.5
NEURON_W = -2.0
NEURON_B = -2.0
NEURON_PRE_ACTIVATION = NEURON_W * NEURON_X + NEURON_B  # −9 (the slide's forward pass is wrong)
NEURON_Y_HAT = 1 / (1 + math.exp(9.0))  # σ(−9)
NEURON_Y_HAT_PRINTED = 1.234e-4
# −[y log σ(−9) + (1−y) log σ(9)] = ½·(9 + log(1 + e⁻⁹)) + ½·log(1 + e⁻⁹) = 4.5 + log(1 + e⁻⁹)
NEURON_LOSS = 4.5 + math.log1p(math.exp(-9.0))
NEURON_LOSS_PRINTED = 4.5001
NEURON_GRAD_W = (NEURON_Y_HAT - NEURON_Y) * NEURON_X  # (ŷ − y)·x
NEURON_GRAD_W_PRINTED = -1.74957
NEURON_GRAD_B = NEURON_Y_HAT - NEURON_Y  # ŷ − y
NEURON_GRAD_B_PRINTED = -0.49988
ADAM_ETA = 0.1
ADAM_B1 = 0.9
ADAM_B2 = 0.99  # the slide's; ADAM_B2_ALT is Kingma & Ba's default; the first step is the same
ADAM_B2_ALT = 0.999
ADAM_EPS = 1e-8
# After bias correction m̂ = g, v̂ = g²: the first step is η·sign(g) (up to η ε/|g| ≈ 2e-9).
NEURON_AFTER_ADAM = (-1.9, -1.9)  # (w, b)
SLIDE_NEURON_AFTER_ADAM = (-2.081, -2.079)  # the slide's (w, b): not Adam (wrong forward pass and signs)

# ----------------------------------------------------------------------------------------------
# Example 5 (L0, after d2l): f = 0.1 x1² + 2 x2² (problem "quadratic_l0"), f = x² ("parabola_l0"),
# noisy SGD on f = x1² + 2 x2²
# ----------------------------------------------------------------------------------------------

QUADRATIC_L0_START = (-5.0, -2.0)  # d2l's start
QUADRATIC_L0_CURVATURES = (0.2, 4.0)  # Hessian eigenvalues; the axes are its eigenvectors
QUADRATIC_L0_STEPS = 20  # d2l's train_2d default
QUADRATIC_L0_GD_OSCILLATES = 0.4  # factors 1 − ηλ = 0.92, −0.6: x2 flips sign, converges
QUADRATIC_L0_GD_DIVERGES = 0.6  # 1 − 0.6·4 = −1.4: diverges
QUADRATIC_L0_MOMENTUM_RATE = 0.6
QUADRATIC_L0_MOMENTUM_BETA_CONVERGES = 0.5
QUADRATIC_L0_MOMENTUM_BETA_OSCILLATES = 0.25

PARABOLA_START = 10.0
PARABOLA_STEPS = 10
PARABOLA_SLOW_RATE = 0.05  # x ← 0.9x
PARABOLA_DIVERGENT_RATE = 1.1  # x ← −1.2x
PARABOLA_SLOW_FINAL = 3.486784401  # 10·0.9¹⁰ (exact decimal)
PARABOLA_DIVERGENT_FINAL = 61.917364224  # 10·1.2¹⁰ (exact decimal; the sign is +, ten flips)

NOISY_SGD_CURVATURES = (2.0, 4.0)  # ∇(x1² + 2x2²) = (2x1, 4x2), plus N(0, 1) noise
NOISY_SGD_START = (-5.0, -2.0)
NOISY_SGD_ETA0 = 0.1
NOISY_SGD_DECAY = 0.1  # exp(−0.1t) and (1 + 0.1t)^(−1/2)
NOISY_SGD_T0 = 2  # d2l increments t before its first use: t = 2, 3, …
NOISY_SGD_STEPS = 1000

# ----------------------------------------------------------------------------------------------
# Example 6 (L2, ALGORITHMS.md §6): exact line search on f = ½(x² + b y²) from (b, 1)
# problem builder scaled_quadratic(b)
# ----------------------------------------------------------------------------------------------


def exact_line_search_iterates(b: float, k: int) -> tuple[float, float]:
    """Steepest descent with the exact line search on ½(x² + b y²) from (b, 1), iterate k (L2).

    x_k = b ((b − 1)/(b + 1))^k,  y_k = (−(b − 1)/(b + 1))^k; consecutive gradients are orthogonal.
    """
    q = (b - 1) / (b + 1)
    return b * q**k, (-q) ** k


# ----------------------------------------------------------------------------------------------
# §8 (L0): the vanishing gradient of a saturated tanh unit     problem "tanh_saturated"
# ----------------------------------------------------------------------------------------------

TANH_SATURATED_X = 4.0
TANH_PRIME_AT_X = 1 - math.tanh(4.0) ** 2  # tanh′(4) = 1 − tanh²(4) = 0.0013409…
TANH_PRIME_AT_X_PRINTED = 0.0013
