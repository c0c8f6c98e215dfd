"""The lectures' worked examples 1, 4 and 5 of ALGORITHMS.md §10, as the catalogue states them
(its values are the correct arithmetic; where a slide's numbers are wrong the catalogue says so
and the math is what is asserted), and the Nesterov equivalence of §2: the lecture's look-ahead
loop, written by hand, equals ``nesterov`` after the re-parameterisation w̃ = w + βv.

Each example drives the package's optimizer with the example's own gradient and compares with the
numbers printed in the catalogue (to the digits the catalogue gives) and with the recurrence the
lecture writes, run by hand in NumPy float64 (to round-off).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl

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


W_PREV = np.array([1.0, 1.0])  # w(t−1)
W_NOW = np.array([1.5, 2.0])  # w(t)
ETA_1 = 0.3


def test_example1_the_function():
    np.testing.assert_allclose(e1_grad(W_NOW), jax.grad(e1)(jnp.asarray(W_NOW)), rtol=1e-14)
    assert e1((3.0, 4.0)) == pytest.approx(0.05, abs=1e-15)  # minimum (3, 4), E = 0.05
    np.testing.assert_allclose(e1_grad((3.0, 4.0)), 0.0, atol=1e-15)
    hessian = np.array([[1 / 2, -1 / 6], [-1 / 6, 2 / 9]])  # constant: E is quadratic
    np.testing.assert_allclose(e1_grad(W_NOW + [1e-3, 0]) - e1_grad(W_NOW), 1e-3 * hessian[0], rtol=1e-9)
    np.testing.assert_allclose(e1_grad(W_NOW + [0, 1e-3]) - e1_grad(W_NOW), 1e-3 * hessian[1], rtol=1e-9)
    assert np.all(np.linalg.eigvalsh(hessian) > 0)  # a minimum, not a saddle


def test_example1_gradient_descent_step():
    w = run_optimizer(jl.sgd(ETA_1), e1_grad, W_NOW, 1)[-1]
    # ∇E(1.5, 2) = (−5/12, −7/36): w1 = 1.5 + 0.3·5/12 = 1.625, w2 = 2 + 0.3·7/36 = 2.058333…
    np.testing.assert_allclose(w, [1.625, 2.0 + 0.3 * 7 / 36], rtol=RTOL)
    np.testing.assert_allclose(w, [1.625, 2.058333], atol=5e-7)  # the digits the catalogue prints


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
    w = _heavy_ball_step(0.6)
    np.testing.assert_allclose(w, [1.625 + 0.6 * 0.5, 2.0 + 0.3 * 7 / 36 + 0.6 * 1.0], rtol=RTOL)
    np.testing.assert_allclose(w, [1.925, 2.658333], atol=5e-7)  # the catalogue's numbers


def test_example1_the_slides_momentum_numbers_use_beta_09():
    """The slide states β = 0.6 but prints (2.075, 2.958): that is β = 0.9 (catalogue note)."""
    np.testing.assert_allclose(_heavy_ball_step(0.9), [2.075, 2.958333], atol=5e-7)
    assert np.max(np.abs(_heavy_ball_step(0.6) - [2.075, 2.958333])) > 0.1


# --------------------------------------------------------------------------------------------
# Example 4 (L0): one Adam step for a sigmoid neuron with the BCE loss
# --------------------------------------------------------------------------------------------

X4, Y4 = 3.5, 0.5


def bce(params):
    y_hat = jax.nn.sigmoid(params["w"] * X4 + params["b"])
    return -(Y4 * jnp.log(y_hat) + (1 - Y4) * jnp.log(1 - y_hat))


P4 = {"w": jnp.asarray(-2.0), "b": jnp.asarray(-2.0)}


def test_example4_forward_and_backward_pass():
    y_hat = jax.nn.sigmoid(P4["w"] * X4 + P4["b"])  # σ(−2·3.5 − 2) = σ(−9)
    assert float(y_hat) == pytest.approx(1.234e-4, rel=5e-4)
    loss, grads = jax.value_and_grad(bce)(P4)
    assert float(loss) == pytest.approx(4.5001, abs=5e-5)
    assert float(grads["w"]) == pytest.approx(-1.74957, abs=5e-6)  # (ŷ − y)·x
    assert float(grads["b"]) == pytest.approx(-0.49988, abs=5e-6)  # ŷ − y


@pytest.mark.parametrize("b2", [0.99, 0.999])
@pytest.mark.parametrize("eps_in_sqrt", [False, True], ids=["eps_outside", "eps_in_sqrt"])
def test_example4_first_adam_step_is_eta_times_sign(b2, eps_in_sqrt):
    opt = jl.adam(learning_rate=0.1, b1=0.9, b2=b2, eps=1e-8, eps_in_sqrt=eps_in_sqrt)
    state = opt.init(P4)
    updates, state = opt.update(jax.grad(bce)(P4), state, P4)
    new = optax.apply_updates(P4, updates)
    # After bias correction m̂ = g and v̂ = g², so the step is η g/(|g| + ε) (or η g/√(g² + ε)):
    # η·sign(g) up to η ε/|g| ≤ 0.1 · 1e-8/0.4999 = 2e-9, hence the tolerance 1e-8.
    assert float(new["w"]) == pytest.approx(-1.9, abs=1e-8)
    assert float(new["b"]) == pytest.approx(-1.9, abs=1e-8)
    # not the slide's −2.081 / −2.079 (its forward pass and signs are wrong, catalogue note)
    assert abs(float(new["w"]) + 2.081) > 0.1 and abs(float(new["b"]) + 2.079) > 0.1


def test_example4_without_bias_correction_the_step_differs():
    """L1's Adam without bias correction: m = 0.1g, v = (1−β2)g², so the first step is
    η·0.1/√(1−β2)·sign(g): 3.16η for β2 = 0.999 (not η), which the test above would catch."""
    opt = jl.adam(learning_rate=0.1, b1=0.9, b2=0.999, eps=1e-8, bias_correction=False)
    updates, _ = opt.update(jax.grad(bce)(P4), opt.init(P4), P4)
    assert float(updates["w"]) == pytest.approx(0.1 * 0.1 / np.sqrt(0.001), rel=1e-6)


# --------------------------------------------------------------------------------------------
# Example 5 (L0, after d2l): GD and momentum on f = 0.1 x1² + 2 x2²
# --------------------------------------------------------------------------------------------

X0_5 = np.array([-5.0, -2.0])  # d2l's start
STEPS_5 = 20  # d2l's train_2d default
LAMBDAS = np.array([0.2, 4.0])  # Hessian eigenvalues; the axes are its eigenvectors


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
    for x in ([1.0, 2.0], [-5.0, -2.0], [0.3, -0.7]):
        assert float(p.fun(jnp.asarray(x))) == pytest.approx(float(f5(np.asarray(x))), rel=1e-14)


def test_example5_gd_oscillates_at_04():
    ws = run_optimizer(jl.sgd(0.4), f5_grad, X0_5, STEPS_5)
    # per axis x ← (1 − ηλ)x: factors 0.92 and −0.6
    t = np.arange(STEPS_5 + 1)[:, None]
    np.testing.assert_allclose(ws, X0_5 * (1 - 0.4 * LAMBDAS) ** t, rtol=RTOL, atol=ATOL)
    assert np.all(ws[1:, 1] * ws[:-1, 1] < 0)  # x2 flips sign at every step: it oscillates
    assert np.all(np.diff(f5(ws)) < 0)  # … and still converges
    assert f5(ws[-1]) < 0.1


def test_example5_gd_diverges_at_06():
    ws = run_optimizer(jl.sgd(0.6), f5_grad, X0_5, STEPS_5)
    t = np.arange(STEPS_5 + 1)[:, None]
    np.testing.assert_allclose(ws, X0_5 * (1 - 0.6 * LAMBDAS) ** t, rtol=RTOL, atol=ATOL)
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
    runs = {}
    for beta in (0.5, 0.25):
        ws = run_optimizer(jl.momentum(0.6, beta=beta, form="classic"), f5_grad, X0_5, STEPS_5)
        np.testing.assert_allclose(ws, d2l_momentum(0.6, beta), rtol=RTOL, atol=ATOL)
        runs[beta] = ws
    gd = run_optimizer(jl.sgd(0.6), f5_grad, X0_5, STEPS_5)

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
    slow = run_optimizer(jl.sgd(0.05), lambda x: 2 * x, [10.0], 10)[:, 0]
    fast = run_optimizer(jl.sgd(1.1), lambda x: 2 * x, [10.0], 10)[:, 0]
    np.testing.assert_allclose(slow, 10 * 0.9 ** np.arange(11), rtol=RTOL)
    np.testing.assert_allclose(fast, 10 * (-1.2) ** np.arange(11), rtol=RTOL)
    assert slow[-1] == pytest.approx(3.486784401, rel=1e-9)  # still far from 0 after 10 steps
    assert abs(fast[-1]) == pytest.approx(61.917364224, rel=1e-9)


def test_example5_exponential_vs_polynomial_decay_on_noisy_sgd():
    """L0 (d2l 'SGD'): f = x1² + 2x2² from (−5, −2), gradients plus N(0, 1) noise, η = 0.1·s(t)
    with d2l's s(t) = exp(−0.1t) or (1 + 0.1t)^(−1/2), t = 2, 3, … (d2l increments t before use),
    1000 steps. Exponential decay sums to a finite Σηₜ ≈ 0.86 and stalls far from the minimum;
    polynomial decay (Ση = ∞, Robbins–Monro) gets there. Fixed noise: deterministic."""
    steps = 1000
    noise = jnp.asarray(np.random.default_rng(0).normal(size=(steps, 2)))
    lam = jnp.array([2.0, 4.0])
    schedules = {
        "exponential": lambda k: 0.1 * jnp.exp(-0.1 * (k + 2)),
        "polynomial": lambda k: 0.1 * (1 + 0.1 * (k + 2)) ** -0.5,
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

        final[kind] = np.asarray(train(jnp.asarray([-5.0, -2.0])))
    eta_sum = {k: float(sum(s(k_) for k_ in range(steps))) for k, s in schedules.items()}
    assert eta_sum["exponential"] == pytest.approx(0.1 * np.exp(-0.2) / (1 - np.exp(-0.1)), rel=1e-6)
    assert eta_sum["polynomial"] > 15
    # x1 contracts by ≈ exp(−2Ση) ≈ 0.18 under exponential decay: x1 ≈ −0.9 ± 0.2 (noise)
    assert final["exponential"][0] < -0.4
    assert np.all(np.abs(final["polynomial"]) < 0.3)


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
