"""The lectures' worked examples 1–6 of ALGORITHMS.md §10, as the catalogue states them
(its values are the correct arithmetic; where a slide's numbers are wrong the catalogue says so
and the math is what is asserted), and the Nesterov equivalence of §2: the lecture's look-ahead
loop, written by hand, equals ``nesterov`` after the re-parameterisation w̃ = w + βv.

The examples' numbers live once, in ``jaxopt_lectures.problems.worked_examples`` (``wx``), their
functions in ``jaxopt_lectures.problems``. Each example drives the package's optimizer with the
example's own gradient (written here by hand in NumPy, and checked against the package's function)
and compares with those numbers (to the digits the catalogue prints, and exactly where they are
fractions) and with the recurrence the lecture writes, run by hand in NumPy float64 (to round-off).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.problems import get_problem, scaled_quadratic, sigmoid_neuron_loss, sigmoid_neuron_params
from jaxopt_lectures.problems import worked_examples as wx

# Round-off tolerance for "the package equals the hand-written recurrence" in float64: the same
# handful of operations per step, possibly associated differently (η(βv − g) vs βηv − ηg), so a
# few ulps per step; over ≤ 30 steps of these contracting maps well below 1e-12 relative.
RTOL, ATOL = 1e-12, 1e-14


def run_optimizer(opt, grad_fn, w0, steps: int) -> np.ndarray:
    """Iterates w_0 … w_steps of ``opt`` fed ``grad_fn(w)`` (a NumPy float64 function)."""
    w = jnp.asarray(w0, jnp.float64)
    state = opt.init(w)
    ws = [np.asarray(w)]
    for _ in range(steps):
        updates, state = opt.update(jnp.asarray(grad_fn(np.asarray(w))), state, w)
        w = optax.apply_updates(w, updates)
        ws.append(np.asarray(w))
    return np.stack(ws)


# --------------------------------------------------------------------------------------------
# Example 1 (L0): one GD step and one heavy-ball step on E(w1, w2)
# --------------------------------------------------------------------------------------------


def e1(w):
    w1, w2 = w
    return 0.05 + (w1 - 3) ** 2 / 4 + (w2 - 4) ** 2 / 9 - (w1 - 3) * (w2 - 4) / 6


def e1_grad(w):
    w1, w2 = w
    return np.array([(w1 - 3) / 2 - (w2 - 4) / 6, 2 * (w2 - 4) / 9 - (w1 - 3) / 6])


W_PREV = np.array(wx.E_PREV)  # w(t−1) = (1, 1)
W_NOW = np.array(wx.E_START)  # w(t) = (1.5, 2)
ETA_1 = wx.E_ETA  # 0.3


def test_example1_the_function():
    np.testing.assert_allclose(e1_grad(W_NOW), jax.grad(e1)(jnp.asarray(W_NOW)), rtol=1e-14)
    np.testing.assert_allclose(e1_grad(W_NOW), wx.E_GRAD_AT_START, rtol=1e-14)  # (−5/12, −7/36)
    assert e1(wx.E_MINIMIZER) == pytest.approx(wx.E_MIN_VALUE, abs=1e-15)  # minimum (3, 4), E = 0.05
    assert wx.E_MINIMIZER == (3.0, 4.0) and wx.E_MIN_VALUE == 0.05
    np.testing.assert_allclose(e1_grad(wx.E_MINIMIZER), 0.0, atol=1e-15)
    hessian = np.array(wx.E_HESSIAN)  # constant: E is quadratic
    np.testing.assert_allclose(hessian, [[1 / 2, -1 / 6], [-1 / 6, 2 / 9]], rtol=1e-15)
    np.testing.assert_allclose(e1_grad(W_NOW + [1e-3, 0]) - e1_grad(W_NOW), 1e-3 * hessian[0], rtol=1e-9)
    np.testing.assert_allclose(e1_grad(W_NOW + [0, 1e-3]) - e1_grad(W_NOW), 1e-3 * hessian[1], rtol=1e-9)
    assert np.all(np.linalg.eigvalsh(hessian) > 0)  # a minimum, not a saddle
    # the package's problem is this E, from w(t)
    p = get_problem("error_surface_l0")
    np.testing.assert_array_equal(p.x0, W_NOW)
    for w in (W_NOW, W_PREV, np.array([-0.7, 5.2])):
        assert float(p.fun(jnp.asarray(w))) == pytest.approx(e1(w), rel=1e-14)


def test_example1_gradient_descent_step():
    w = run_optimizer(jl.sgd(ETA_1), e1_grad, W_NOW, 1)[-1]
    # ∇E(1.5, 2) = (−5/12, −7/36): w1 = 1.5 + 0.3·5/12 = 1.625, w2 = 2 + 0.3·7/36 = 2.058333…
    np.testing.assert_allclose(wx.E_GD_STEP, [1.625, 2.0 + 0.3 * 7 / 36], rtol=1e-15)
    np.testing.assert_allclose(w, wx.E_GD_STEP, rtol=RTOL)
    np.testing.assert_allclose(w, wx.E_GD_STEP_PRINTED, atol=5e-7)  # the digits the catalogue prints


def _heavy_ball_step(beta: float) -> np.ndarray:
    """w(t+1) = w(t) − η∇E(w(t)) + βΔw with Δw = w(t) − w(t−1), through ``momentum(form="classic")``.

    The optimizer's velocity must hold the previous step Δw = (0.5, 1.0) when it sees ∇E(w(t)).
    Rather than writing into its state (whose layout is internal), it takes one step from w(t−1)
    on the gradient g₀ = −Δw/η, which makes v = −ηg₀ = Δw and lands on w(t) exactly as the lecture's
    previous step did; then the example's step follows.
    """
    delta = W_NOW - W_PREV
    grads = iter([-delta / ETA_1, None])

    def grad_fn(w):
        g = next(grads)
        return e1_grad(w) if g is None else g

    ws = run_optimizer(jl.momentum(ETA_1, beta=beta, form="classic"), grad_fn, W_PREV, 2)
    np.testing.assert_allclose(ws[1], W_NOW, rtol=RTOL)  # the set-up step reached w(t)
    return ws[2]


def test_example1_heavy_ball_momentum_step():
    w = _heavy_ball_step(wx.E_BETA)
    assert wx.E_BETA == 0.6
    np.testing.assert_allclose(w, [1.625 + 0.6 * 0.5, 2.0 + 0.3 * 7 / 36 + 0.6 * 1.0], rtol=RTOL)
    np.testing.assert_allclose(w, wx.E_MOMENTUM_STEP, rtol=RTOL)
    np.testing.assert_allclose(w, wx.E_MOMENTUM_STEP_PRINTED, atol=5e-7)  # the catalogue's numbers


def test_example1_the_slides_momentum_numbers_use_beta_09():
    """The slide states β = 0.6 but prints (2.075, 2.958): that is β = 0.9 (catalogue note)."""
    slide = _heavy_ball_step(wx.E_SLIDE_BETA)
    np.testing.assert_allclose(slide, wx.E_SLIDE_MOMENTUM_STEP, rtol=RTOL)
    np.testing.assert_allclose(slide, [2.075, 2.958333], atol=5e-7)
    np.testing.assert_allclose(slide, wx.E_SLIDE_MOMENTUM_STEP_PRINTED, atol=5e-4)  # the slide's digits
    assert np.max(np.abs(_heavy_ball_step(wx.E_BETA) - wx.E_SLIDE_MOMENTUM_STEP)) > 0.1


# --------------------------------------------------------------------------------------------
# Example 2 (L0): per-axis rates on E = 3x² + 2y² + 4z² + 6, and the fastest single rate
# --------------------------------------------------------------------------------------------


def test_example2_per_axis_rates_divergence_and_the_fastest_single_rate():
    p = get_problem("separable_quadratic_l0")
    lam = np.array(wx.SEPARABLE_CURVATURES)
    assert lam.tolist() == [6.0, 4.0, 8.0]  # ∂²/∂x² of 3x², 2y², 4z²
    np.testing.assert_allclose(jax.hessian(p.fun)(jnp.asarray(p.x0)), np.diag(lam), rtol=1e-15)
    assert float(p.fun(jnp.asarray(wx.SEPARABLE_MINIMIZER))) == wx.SEPARABLE_MIN_VALUE == 6.0
    np.testing.assert_allclose(p.x0, wx.SEPARABLE_START)

    # per-axis optimal rates 1/λᵢ: one GD step from x0 zeroes coordinate i
    np.testing.assert_allclose(wx.SEPARABLE_AXIS_RATES, [1 / 6, 1 / 4, 1 / 8], rtol=1e-15)
    for i, eta in enumerate(wx.SEPARABLE_AXIS_RATES):
        x1 = run_optimizer(jl.sgd(eta), lambda x: lam * x, p.x0, 1)[-1]  # ∇E = (6x, 4y, 8z)
        assert x1[i] == pytest.approx(0.0, abs=1e-15) and np.all(np.delete(x1, i) != 0)

    # A learning-rate sweep through minimize (vmapped over η; the problem's own gradient):
    # the per-step contraction max|1 − ηλᵢ| is measured as max_i |x_k,i / x_0,i|^(1/k).
    etas = np.arange(1, 15) / 48  # 1/48 … 14/48: contains 1/8 = 6/48, 1/6 = 8/48, 1/4 = 12/48
    k = 30

    @jax.jit
    @jax.vmap
    def final(eta):
        return jl.minimize(p.fun, jnp.asarray(p.x0), jl.sgd(eta), max_steps=k, gtol=0.0).params

    contraction = np.max(np.abs(np.asarray(final(jnp.asarray(etas))) / p.x0), axis=1) ** (1 / k)
    np.testing.assert_allclose(contraction, np.max(np.abs(1 - np.outer(etas, lam)), axis=1), rtol=1e-9)
    best = etas[np.argmin(contraction)]
    assert best == pytest.approx(wx.SEPARABLE_BEST_RATE, rel=1e-15)  # 2/(λmin + λmax) = 1/6 …
    assert wx.SEPARABLE_BEST_RATE == pytest.approx(2 / (lam.min() + lam.max()), rel=1e-15)
    assert contraction.min() == pytest.approx(wx.SEPARABLE_BEST_CONTRACTION, rel=1e-9)  # … contracting by 1/3,
    slide = contraction[np.isclose(etas, wx.SEPARABLE_SLIDE_RATE)][0]
    assert slide == pytest.approx(wx.SEPARABLE_SLIDE_CONTRACTION, rel=1e-9)  # the slide's 1/8 only by 1/2
    assert wx.SEPARABLE_BEST_CONTRACTION == pytest.approx(1 / 3) and wx.SEPARABLE_SLIDE_CONTRACTION == 0.5
    # GD diverges exactly above 2/λmax = 1/4 (at 1/4 itself the z-axis flips without decaying)
    assert wx.SEPARABLE_DIVERGENCE_RATE == pytest.approx(2 / lam.max(), rel=1e-15)
    np.testing.assert_array_equal(contraction > 1 + 1e-9, etas > wx.SEPARABLE_DIVERGENCE_RATE)


# --------------------------------------------------------------------------------------------
# Example 3 (L0): the critical point of the coupled quadratic and its Hessian's eigenvalues
# --------------------------------------------------------------------------------------------


def test_example3_critical_point_is_a_minimum():
    p = get_problem("coupled_quadratic_l0")
    H = np.array(wx.COUPLED_HESSIAN)
    np.testing.assert_allclose(jax.hessian(p.fun)(jnp.asarray(p.x0)), H, rtol=1e-15)
    # ∇f = (2x1 + 1 − x2, −x1 + 2x2 − x3, −x2 + 2x3 + 1) = Hx + (1, 0, 1) = 0
    x_star = np.linalg.solve(H, [-1.0, 0.0, -1.0])
    np.testing.assert_allclose(x_star, wx.COUPLED_MINIMIZER, rtol=1e-14)
    assert wx.COUPLED_MINIMIZER == (-1.0, -1.0, -1.0)
    np.testing.assert_allclose(jax.grad(p.fun)(jnp.asarray(x_star)), 0.0, atol=1e-14)
    x1, x2, x3 = x_star
    by_hand = x1**2 + x1 * (1 - x2) + x2**2 - x2 * x3 + x3**2 + x3
    assert by_hand == pytest.approx(wx.COUPLED_MIN_VALUE, rel=1e-14) and wx.COUPLED_MIN_VALUE == -1.0
    eig = np.linalg.eigvalsh(H)
    np.testing.assert_allclose(eig, wx.COUPLED_EIGENVALUES, rtol=1e-14)
    np.testing.assert_allclose(wx.COUPLED_EIGENVALUES, [2 - np.sqrt(2), 2, 2 + np.sqrt(2)], rtol=1e-15)
    assert np.all(eig > 0)  # all positive: a minimum


# --------------------------------------------------------------------------------------------
# Example 4 (L0): one Adam step for a sigmoid neuron with the BCE loss
# --------------------------------------------------------------------------------------------

X4, Y4 = wx.NEURON_X, wx.NEURON_Y  # 3.5, 0.5


def bce(params):
    """The lecture's BCE, written naively by hand (fine at ŷ = σ(−9))."""
    y_hat = jax.nn.sigmoid(params["w"] * X4 + params["b"])
    return -(Y4 * jnp.log(y_hat) + (1 - Y4) * jnp.log(1 - y_hat))


P4 = {"w": jnp.asarray(wx.NEURON_W), "b": jnp.asarray(wx.NEURON_B)}  # w = b = −2


def test_example4_forward_and_backward_pass():
    assert (X4, Y4, wx.NEURON_W, wx.NEURON_B) == (3.5, 0.5, -2.0, -2.0)
    y_hat = jax.nn.sigmoid(P4["w"] * X4 + P4["b"])  # σ(−2·3.5 − 2) = σ(−9)
    assert wx.NEURON_PRE_ACTIVATION == -9.0
    assert float(y_hat) == pytest.approx(wx.NEURON_Y_HAT, rel=1e-13)
    assert float(y_hat) == pytest.approx(wx.NEURON_Y_HAT_PRINTED, rel=5e-4)
    loss, grads = jax.value_and_grad(bce)(P4)
    assert float(loss) == pytest.approx(wx.NEURON_LOSS, rel=1e-13)
    assert float(loss) == pytest.approx(wx.NEURON_LOSS_PRINTED, abs=5e-5)
    assert float(grads["w"]) == pytest.approx(wx.NEURON_GRAD_W, rel=1e-12)
    assert float(grads["w"]) == pytest.approx(wx.NEURON_GRAD_W_PRINTED, abs=5e-6)  # (ŷ − y)·x
    assert float(grads["b"]) == pytest.approx(wx.NEURON_GRAD_B, rel=1e-12)
    assert float(grads["b"]) == pytest.approx(wx.NEURON_GRAD_B_PRINTED, abs=5e-6)  # ŷ − y
    # the package's neuron (stable BCE) is this one, at this start
    params = sigmoid_neuron_params()
    assert float(params["w"]) == wx.NEURON_W and float(params["b"]) == wx.NEURON_B
    p_loss, p_grads = jax.value_and_grad(sigmoid_neuron_loss)(params)
    assert float(p_loss) == pytest.approx(float(loss), rel=1e-13)
    assert float(p_grads["w"]) == pytest.approx(float(grads["w"]), rel=1e-12)
    assert float(p_grads["b"]) == pytest.approx(float(grads["b"]), rel=1e-12)


@pytest.mark.parametrize("b2", [wx.ADAM_B2, wx.ADAM_B2_ALT])
@pytest.mark.parametrize("eps_in_sqrt", [False, True], ids=["eps_outside", "eps_in_sqrt"])
def test_example4_first_adam_step_is_eta_times_sign(b2, eps_in_sqrt):
    assert (wx.ADAM_ETA, wx.ADAM_B1, wx.ADAM_EPS) == (0.1, 0.9, 1e-8) and {wx.ADAM_B2, wx.ADAM_B2_ALT} == {0.99, 0.999}
    opt = jl.adam(learning_rate=wx.ADAM_ETA, b1=wx.ADAM_B1, b2=b2, eps=wx.ADAM_EPS, eps_in_sqrt=eps_in_sqrt)
    state = opt.init(P4)
    updates, state = opt.update(jax.grad(bce)(P4), state, P4)
    new = optax.apply_updates(P4, updates)
    # After bias correction m̂ = g and v̂ = g², so the step is η g/(|g| + ε) (or η g/√(g² + ε)):
    # η·sign(g) up to η ε/|g| ≤ 0.1 · 1e-8/0.4999 = 2e-9, hence the tolerance 1e-8.
    w_new, b_new = wx.NEURON_AFTER_ADAM
    assert (w_new, b_new) == (wx.NEURON_W + wx.ADAM_ETA, wx.NEURON_B + wx.ADAM_ETA)  # −2 − 0.1·sign(g), g < 0
    assert float(new["w"]) == pytest.approx(w_new, abs=1e-8)
    assert float(new["b"]) == pytest.approx(b_new, abs=1e-8)
    # not the slide's −2.081 / −2.079 (its forward pass and signs are wrong, catalogue note)
    slide_w, slide_b = wx.SLIDE_NEURON_AFTER_ADAM
    assert abs(float(new["w"]) - slide_w) > 0.1 and abs(float(new["b"]) - slide_b) > 0.1


def test_example4_without_bias_correction_the_step_differs():
    """L1's Adam without bias correction: m = 0.1g, v = (1−β2)g², so the first step is
    η·0.1/√(1−β2)·sign(g): 3.16η for β2 = 0.999 (not η), which the test above would catch."""
    opt = jl.adam(learning_rate=wx.ADAM_ETA, b1=wx.ADAM_B1, b2=wx.ADAM_B2_ALT, eps=wx.ADAM_EPS, bias_correction=False)
    updates, _ = opt.update(jax.grad(bce)(P4), opt.init(P4), P4)
    assert float(updates["w"]) == pytest.approx(0.1 * 0.1 / np.sqrt(0.001), rel=1e-6)


# --------------------------------------------------------------------------------------------
# Example 5 (L0, after d2l): GD and momentum on f = 0.1 x1² + 2 x2²
# --------------------------------------------------------------------------------------------

X0_5 = np.array(wx.QUADRATIC_L0_START)  # d2l's start (−5, −2)
STEPS_5 = wx.QUADRATIC_L0_STEPS  # d2l's train_2d default, 20
LAMBDAS = np.array(wx.QUADRATIC_L0_CURVATURES)  # Hessian eigenvalues (0.2, 4); the axes are its eigenvectors


def f5(x):
    return 0.1 * x[..., 0] ** 2 + 2 * x[..., 1] ** 2


def f5_grad(x):
    return LAMBDAS * x


def test_example5_the_function_is_the_packages_problem():
    """The package keeps the lectures' functions once (jaxopt_lectures.problems); it must be
    the catalogue's f with d2l's start."""
    problems = pytest.importorskip("jaxopt_lectures.problems")
    if "quadratic_l0" not in problems.PROBLEMS:
        pytest.skip("jaxopt_lectures.problems has no quadratic_l0")
    p = problems.get_problem("quadratic_l0")
    np.testing.assert_array_equal(p.x0, X0_5)
    assert X0_5.tolist() == [-5.0, -2.0] and LAMBDAS.tolist() == [0.2, 4.0] and STEPS_5 == 20
    for x in ([1.0, 2.0], [-5.0, -2.0], [0.3, -0.7]):
        assert float(p.fun(jnp.asarray(x))) == pytest.approx(float(f5(np.asarray(x))), rel=1e-14)


def test_example5_gd_oscillates_at_04():
    eta = wx.QUADRATIC_L0_GD_OSCILLATES
    assert eta == 0.4
    ws = run_optimizer(jl.sgd(eta), f5_grad, X0_5, STEPS_5)
    # per axis x ← (1 − ηλ)x: factors 0.92 and −0.6
    t = np.arange(STEPS_5 + 1)[:, None]
    np.testing.assert_allclose(ws, X0_5 * (1 - eta * LAMBDAS) ** t, rtol=RTOL, atol=ATOL)
    assert np.all(ws[1:, 1] * ws[:-1, 1] < 0)  # x2 flips sign at every step: it oscillates
    assert np.all(np.diff(f5(ws)) < 0)  # … and still converges
    assert f5(ws[-1]) < 0.1


def test_example5_gd_diverges_at_06():
    eta = wx.QUADRATIC_L0_GD_DIVERGES
    assert eta == 0.6
    ws = run_optimizer(jl.sgd(eta), f5_grad, X0_5, STEPS_5)
    t = np.arange(STEPS_5 + 1)[:, None]
    np.testing.assert_allclose(ws, X0_5 * (1 - eta * LAMBDAS) ** t, rtol=RTOL, atol=ATOL)
    assert np.all(np.diff(f5(ws)) > 0)  # |1 − 0.6·4| = 1.4 > 1: every step goes uphill
    assert abs(ws[-1, 1]) > 1000


def d2l_momentum(eta: float, beta: float, steps: int = STEPS_5) -> np.ndarray:
    """d2l's momentum_2d, which L0 shows: v ← βv + g ; x ← x − ηv."""
    x, v = X0_5.copy(), np.zeros(2)
    xs = [x.copy()]
    for _ in range(steps):
        v = beta * v + f5_grad(x)
        x = x - eta * v
        xs.append(x.copy())
    return np.stack(xs)


def test_example5_momentum_at_06_converges_with_beta_05_and_oscillates_more_with_025():
    # d2l's v ← βv + g, x ← x − ηv is our "classic" form v ← βv − ηg, w ← w + v with the
    # velocity scaled by −η (identical iterates for a constant η).
    eta, converges, oscillates = (
        wx.QUADRATIC_L0_MOMENTUM_RATE, wx.QUADRATIC_L0_MOMENTUM_BETA_CONVERGES, wx.QUADRATIC_L0_MOMENTUM_BETA_OSCILLATES,
    )  # fmt: skip
    assert (eta, converges, oscillates) == (0.6, 0.5, 0.25)
    runs = {}
    for beta in (converges, oscillates):
        ws = run_optimizer(jl.momentum(eta, beta=beta, form="classic"), f5_grad, X0_5, STEPS_5)
        np.testing.assert_allclose(ws, d2l_momentum(eta, beta), rtol=RTOL, atol=ATOL)
        runs[beta] = ws
    gd = run_optimizer(jl.sgd(eta), f5_grad, X0_5, STEPS_5)

    assert f5(gd[-1]) > 1e6  # without momentum η = 0.6 diverges …
    assert f5(runs[0.5][-1]) < 1e-4  # … with β = 0.5 it converges
    assert f5(runs[0.25][-1]) < 0.1  # β = 0.25 converges too, but
    flips = {b: int(np.sum(ws[1:, 1] * ws[:-1, 1] < 0)) for b, ws in runs.items()}
    assert flips[0.25] == STEPS_5 and flips[0.5] < flips[0.25]  # x2 flips at every step,
    assert np.sum(np.abs(runs[0.25][:, 1])) > 2 * np.sum(np.abs(runs[0.5][:, 1]))  # wider swings,
    assert f5(runs[0.25][-1]) > 100 * f5(runs[0.5][-1])  # slower convergence

    # Why: along x2 (λ = 4) the map (x, v) ↦ (x − η(βv + λx), βv + λx) has complex eigenvalues
    # of modulus √β = 0.71 for β = 0.5, but a real negative one, −0.86, for β = 0.25.
    for beta, expected in ((0.5, np.sqrt(0.5)), (0.25, 0.859)):
        m = np.array([[1 - 0.6 * 4.0, -0.6 * beta], [4.0, beta]])
        eig = np.linalg.eigvals(m)
        assert np.max(np.abs(eig)) == pytest.approx(expected, abs=1e-3)
    assert np.all(np.isreal(np.linalg.eigvals(np.array([[1 - 2.4, -0.15], [4.0, 0.25]]))))


def test_example5_gd_on_x_squared_slow_and_divergent():
    """L0 also runs GD on f = x² from x = 10 for 10 steps: η = 0.05 is slow (factor 0.9), η = 1.1
    diverges (factor −1.2)."""
    x0, steps = wx.PARABOLA_START, wx.PARABOLA_STEPS
    assert (x0, steps, wx.PARABOLA_SLOW_RATE, wx.PARABOLA_DIVERGENT_RATE) == (10.0, 10, 0.05, 1.1)
    p = get_problem("parabola_l0")
    assert p.x0.tolist() == [x0] and float(p.fun(jnp.array([3.0]))) == 9.0  # the package's f = x², from 10
    slow = run_optimizer(jl.sgd(wx.PARABOLA_SLOW_RATE), lambda x: 2 * x, [x0], steps)[:, 0]
    fast = run_optimizer(jl.sgd(wx.PARABOLA_DIVERGENT_RATE), lambda x: 2 * x, [x0], steps)[:, 0]
    np.testing.assert_allclose(slow, 10 * 0.9 ** np.arange(11), rtol=RTOL)
    np.testing.assert_allclose(fast, 10 * (-1.2) ** np.arange(11), rtol=RTOL)
    assert slow[-1] == pytest.approx(wx.PARABOLA_SLOW_FINAL, rel=1e-9)  # still far from 0 after 10 steps
    assert abs(fast[-1]) == pytest.approx(wx.PARABOLA_DIVERGENT_FINAL, rel=1e-9)
    assert fast[-1] == pytest.approx(wx.PARABOLA_DIVERGENT_FINAL, rel=1e-9)  # ten sign flips: positive


def test_example5_exponential_vs_polynomial_decay_on_noisy_sgd():
    """L0 (d2l 'SGD'): f = x1² + 2x2² from (−5, −2), gradients plus N(0, 1) noise, η = 0.1·s(t)
    with d2l's s(t) = exp(−0.1t) or (1 + 0.1t)^(−1/2), t = 2, 3, … (d2l increments t before use),
    1000 steps. Exponential decay sums to a finite Σηₜ ≈ 0.86 and stalls far from the minimum;
    polynomial decay (Ση = ∞, Robbins–Monro) gets there. Fixed noise: deterministic."""
    steps = wx.NOISY_SGD_STEPS
    assert (steps, wx.NOISY_SGD_ETA0, wx.NOISY_SGD_DECAY, wx.NOISY_SGD_T0) == (1000, 0.1, 0.1, 2)
    assert wx.NOISY_SGD_CURVATURES == (2.0, 4.0) and wx.NOISY_SGD_START == (-5.0, -2.0)
    noise = jnp.asarray(np.random.default_rng(0).normal(size=(steps, 2)))
    lam = jnp.array(wx.NOISY_SGD_CURVATURES)  # ∇(x1² + 2x2²) = (2x1, 4x2)
    eta0, decay, t0 = wx.NOISY_SGD_ETA0, wx.NOISY_SGD_DECAY, wx.NOISY_SGD_T0
    schedules = {
        "exponential": lambda k: eta0 * jnp.exp(-decay * (k + t0)),
        "polynomial": lambda k: eta0 * (1 + decay * (k + t0)) ** -0.5,
    }
    final = {}
    for kind, schedule in schedules.items():
        opt = jl.sgd(schedule)

        @jax.jit
        def train(x0):
            def body(carry, n):
                x, state = carry
                updates, state = opt.update(lam * x + n, state, x)
                return (optax.apply_updates(x, updates), state), None

            (x, _), _ = jax.lax.scan(body, (x0, opt.init(x0)), noise)
            return x

        final[kind] = np.asarray(train(jnp.asarray(wx.NOISY_SGD_START)))
    eta_sum = {k: float(sum(s(k_) for k_ in range(steps))) for k, s in schedules.items()}
    assert eta_sum["exponential"] == pytest.approx(0.1 * np.exp(-0.2) / (1 - np.exp(-0.1)), rel=1e-6)
    assert eta_sum["polynomial"] > 15
    # x1 contracts by ≈ exp(−2Ση) ≈ 0.18 under exponential decay: x1 ≈ −0.9 ± 0.2 (noise)
    assert final["exponential"][0] < -0.4
    assert np.all(np.abs(final["polynomial"]) < 0.3)


# --------------------------------------------------------------------------------------------
# Example 6 (L2, §6): steepest descent with the exact line search on ½(x² + b y²) from (b, 1)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("b", [10.0, 2.5])
def test_example6_exact_line_search_iterates_and_orthogonal_gradients(b):
    p = get_problem("scaled_quadratic_b10") if b == 10.0 else scaled_quadratic(b)
    H = np.diag([1.0, b])
    np.testing.assert_allclose(jax.grad(p.fun)(jnp.asarray(p.x0)), H @ p.x0, rtol=1e-15)  # ∇f = Hx
    x = np.array(p.x0)
    assert x.tolist() == [b, 1.0]
    for k in range(12):
        np.testing.assert_allclose(x, wx.exact_line_search_iterates(b, k), rtol=1e-12)
        g = H @ x
        eta = (g @ g) / (g @ H @ g)  # exact search on a quadratic: argmin_η f(x − ηg)
        x = x - eta * g
        g_new = H @ x
        assert abs(g @ g_new) <= 1e-12 * np.linalg.norm(g) * np.linalg.norm(g_new)  # consecutive gradients ⟂
    # the rate is ((b − 1)/(b + 1))² per step in f
    assert float(p.fun(jnp.asarray(x))) == pytest.approx(float(p.fun(jnp.asarray(p.x0))) * ((b - 1) / (b + 1)) ** 24, rel=1e-10)


# --------------------------------------------------------------------------------------------
# Nesterov (§2): the look-ahead loop by hand == nesterov on w̃ = w + βv
# --------------------------------------------------------------------------------------------


def rosenbrock_grad(w):
    x, y = w
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


@pytest.mark.parametrize(
    ("beta", "schedule"),
    [
        pytest.param(0.9, False, id="beta0.9"),
        pytest.param(0.5, False, id="beta0.5"),
        pytest.param(0.9, True, id="beta0.9-decaying-eta"),
    ],
)
def test_nesterov_lookahead_loop_equals_nesterov(beta, schedule):
    steps, eta0 = 30, 1e-3
    w0 = np.array([-1.2, 1.0])  # Rosenbrock's classic start: a curved valley, far from quadratic

    lr = optax.exponential_decay(eta0, transition_steps=1, decay_rate=0.9) if schedule else eta0

    def eta(k):  # η(k) of step k = 0, 1, …; with a schedule it enters the velocity (v ← βv − η(k)g̃)
        # the schedule's own values (optax computes 0.9**k in float32; what is tested is where
        # η(k) enters, not optax's arithmetic)
        return float(lr(jnp.asarray(k, jnp.int32))) if schedule else eta0

    # The lecture's loop (L2, L4; Sutskever et al. 2013), by hand:
    #   g̃ = ∇E(w + βv) ; v ← βv − ηg̃ ; w ← w + v
    w, v = w0.copy(), np.zeros(2)
    lookahead, plain = [w + beta * v], [w.copy()]
    for k in range(steps):
        g = rosenbrock_grad(w + beta * v)
        v = beta * v - eta(k) * g
        w = w + v
        lookahead.append(w + beta * v)
        plain.append(w.copy())
    lookahead, plain = np.stack(lookahead), np.stack(plain)

    # The package holds w̃ = w + βv (w̃₀ = w₀ since v₀ = 0) and is fed ∇E at the point it holds.
    held = run_optimizer(jl.nesterov(lr, beta=beta), rosenbrock_grad, w0, steps)

    # Round-off only: the two forms associate the same terms differently (w̃ + βv' − ηg vs
    # (w + v') + βv'), a few ulps per step; Rosenbrock's curvature (up to ~1e3) amplifies that
    # over 30 steps to ≲1e-12 relative, so 1e-10 has margin. A wrong re-parameterisation (e.g.
    # w̃ = w, or η(k) read one step late) differs at ≥ 1e-4.
    np.testing.assert_allclose(held, lookahead, rtol=1e-10, atol=1e-12)
    # and this is a real identity, not a trivial one: w̃ and w differ by far more than rtol
    assert np.max(np.abs(lookahead - plain)) > 1e-3
    assert np.max(np.abs(held[-1] - w0)) > 1e-2  # the run went somewhere
