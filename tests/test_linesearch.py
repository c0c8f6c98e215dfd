"""Line searches (ALGORITHMS.md §6): defining inequalities, the L2 exercise (§10.6), failure paths,
jit/vmap, composition with minimize, and agreement with optax's own searches."""

import dataclasses
import functools

import jax
import jax.numpy as jnp
import linesearch_checks as checks
import numpy as np
import optax
import pytest
from linesearch_checks import A, quadratic, rosenbrock, run

import jaxopt_lectures as jl
from jaxopt_lectures.linesearch import (
    LINE_SEARCHES,
    scale_by_armijo_line_search,
    scale_by_exact_line_search,
    scale_by_halving_line_search,
    scale_by_wolfe_line_search,
)


def wiggly(x):  # non-convex 1-D
    return jnp.sum(jnp.sin(3.0 * x) + 0.1 * x**2)


PROBLEMS = [
    (quadratic, jnp.array([2.0, 2.0])),
    (rosenbrock, jnp.array([-1.2, 1.0])),
    (wiggly, jnp.array([-1.0])),
]
IDS = ["quadratic", "rosenbrock", "wiggly"]


def alpha_of(state):
    return float(state.step_size)


@pytest.mark.parametrize("f,x", PROBLEMS, ids=IDS)
def test_halving_decreases(f, x):
    u, s, g, d = run(scale_by_halving_line_search(), f, x)
    a = alpha_of(s)
    assert not bool(s.failed)
    assert f(x + a * d) < f(x)
    # the first power of ½ that decreases: 2a did not (unless a = 1)
    assert a == 1.0 or f(x + 2 * a * d) >= f(x)
    assert np.log2(a) == int(np.log2(a))
    np.testing.assert_allclose(u, a * d)
    assert int(s.num_evals) == 1 - int(np.log2(a))


@pytest.mark.parametrize("f,x", PROBLEMS, ids=IDS)
def test_armijo_inequality(f, x):
    c1, shrink = 1e-4, 0.5
    u, s, g, d = run(scale_by_armijo_line_search(c1=c1, shrink=shrink), f, x)
    a = alpha_of(s)
    assert not bool(s.failed) and a > 0
    slope = float(g @ d)
    assert f(x + a * d) <= f(x) + c1 * a * slope
    # backtracking: the previous trial a/shrink violated it (unless a = α₀)
    assert a == 1.0 or f(x + a / shrink * d) > f(x) + c1 * (a / shrink) * slope
    np.testing.assert_allclose(float(s.value), f(x + a * d))


@pytest.mark.parametrize(
    "f,x,c2", [(*p, 0.9) for p in PROBLEMS] + [(rosenbrock, jnp.array([-1.2, 1.0]), 0.1)], ids=IDS + ["rosenbrock-c2=0.1"]
)
@pytest.mark.parametrize("method", ["more-thuente", "zoom"])
def test_wolfe_inequalities(f, x, c2, method):
    c1 = 1e-4
    u, s, g, d = run(scale_by_wolfe_line_search(c1=c1, c2=c2, method=method), f, x)
    a = alpha_of(s)
    assert not bool(s.failed) and a > 0
    slope = float(g @ d)
    assert f(x + a * d) <= f(x) + c1 * a * slope  # sufficient decrease
    assert abs(float(jax.grad(f)(x + a * d) @ d)) <= c2 * abs(slope) + 1e-12  # strong curvature
    assert float(s.decrease_error) == 0.0 and float(s.curvature_error) == 0.0
    assert int(s.num_evals) >= 1
    # the state holds f and ∇f at the accepted point (minimize reuses them)
    np.testing.assert_allclose(float(s.value), f(x + a * d), rtol=1e-12, atol=1e-15)  # f(x*) = 0 here
    np.testing.assert_allclose(s.grad, jax.grad(f)(x + a * d), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("f,x", PROBLEMS, ids=IDS)
def test_exact_is_a_local_minimum_of_phi(f, x):
    u, s, g, d = run(scale_by_exact_line_search(), f, x)
    a = alpha_of(s)
    assert not bool(s.failed) and a > 0
    phi = lambda t: f(x + t * d)  # noqa: E731
    assert phi(a) < phi(0.0)
    for h in (1e-3, 1e-5):
        assert phi(a) <= phi(a * (1 + h)) + 1e-14 and phi(a) <= phi(a * (1 - h)) + 1e-14
    dphi = float(jax.grad(phi)(a))
    assert abs(dphi) <= 1e-5 * (abs(float(g @ d)) + 1.0)


def test_exact_on_quadratic_is_closed_form():
    m = np.random.default_rng(0).standard_normal((6, 6))
    H = jnp.asarray(m @ m.T + 0.5 * np.eye(6))
    c = jnp.arange(6.0)
    f = lambda x: 0.5 * x @ H @ x - c @ x  # noqa: E731
    x = jnp.ones(6)
    g = jax.grad(f)(x)
    d = -g + 0.03 * jnp.arange(6.0)  # not the gradient direction (that one is the L2 test below)
    assert float(g @ d) < 0
    _, s, _, _ = run(scale_by_exact_line_search(), f, x, d)
    expected = -float(g @ d) / float(d @ H @ d)  # α* = −gᵀd / dᵀHd
    np.testing.assert_allclose(alpha_of(s), expected, rtol=1e-10)
    assert not bool(s.failed)


def test_l2_exercise_steepest_descent_exact():
    """ALGORITHMS.md §6/§10.6: f = ½(x² + b y²) from (b, 1), b = 0.1."""
    b = 0.1
    f = lambda w: 0.5 * (w[0] ** 2 + b * w[1] ** 2)  # noqa: E731
    opt = optax.chain(optax.scale(-1.0), scale_by_exact_line_search())
    r = jl.minimize(f, jnp.array([b, 1.0]), opt, max_steps=10, gtol=0.0, record=True)
    iterates = np.concatenate([np.asarray(r.history.params), np.asarray(r.params)[None]])
    k = np.arange(11)
    q = (b - 1) / (b + 1)
    np.testing.assert_allclose(iterates[:, 0], b * q**k, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(iterates[:, 1], (-q) ** k, rtol=1e-9, atol=1e-14)
    grads = np.stack([np.asarray(jax.grad(f)(jnp.asarray(w))) for w in iterates])
    for k in range(10):
        cos = grads[k] @ grads[k + 1] / (np.linalg.norm(grads[k]) * np.linalg.norm(grads[k + 1]))
        assert abs(cos) < 1e-8
    assert not bool(r.state[1].failed)


# --------------------------------------------------------------------------------------------
# Over the registry: every registered search (and the Wolfe search's zoom method) passes the
# checks of linesearch_checks.py; a newly registered search is covered by registering it
# --------------------------------------------------------------------------------------------

#: The registered searches, plus ``wolfe`` with ``method="zoom"`` (optax's zoom inside).
SPECS = {
    **LINE_SEARCHES,
    "wolfe-zoom": dataclasses.replace(
        LINE_SEARCHES["wolfe"], name="wolfe-zoom", factory=functools.partial(scale_by_wolfe_line_search, method="zoom")
    ),
}
SEARCHES = {n: s.factory for n, s in SPECS.items()}


@pytest.mark.parametrize("name", SEARCHES)
@pytest.mark.parametrize("check", checks.CHECKS, ids=lambda c: c.__name__)
def test_every_search(check, name):
    check(SPECS[name])


@pytest.mark.parametrize("name", [n for n, s in SPECS.items() if s.evaluation is not None])
def test_stored_evaluation_is_f_and_grad_at_the_step(name):
    checks.stored_evaluation_is_f_and_grad_at_the_step(SPECS[name])


@pytest.mark.parametrize("name", ["armijo", "exact"])
def test_budget_exhausted_takes_best_step(name):
    # f decreases without bound along d: nothing satisfies "bracketed"; Armijo with a tiny
    # budget and a huge α₀ never meets the inequality on a steep-walled function
    if name == "exact":
        f = lambda x: -jnp.sum(x)  # noqa: E731
        ls = scale_by_exact_line_search(max_steps=5)
    else:
        f = lambda x: jnp.sum(x**2)  # noqa: E731
        ls = scale_by_armijo_line_search(initial_step=1e6, max_steps=3, c1=0.5)
    x = jnp.array([1.0])
    u, s, _, _ = run(ls, f, x, d=jnp.array([1.0 if name == "exact" else -1.0]))  # descent directions
    assert bool(s.failed)
    assert int(s.num_evals) <= 5
    assert np.all(np.isfinite(np.asarray(u)))
    if name == "exact":
        assert alpha_of(s) > 0 and float(s.value) < float(f(x))  # best improving step seen
    else:
        assert alpha_of(s) == 0.0  # α = 1e6, 5e5, 2.5e5 all raise f: none improved


@pytest.mark.parametrize(
    "factory,kwargs,match",
    [
        (scale_by_armijo_line_search, {"c1": 0.0}, "c1"),
        (scale_by_armijo_line_search, {"c1": 1.0}, "c1"),
        (scale_by_armijo_line_search, {"shrink": 1.0}, "shrink"),
        (scale_by_armijo_line_search, {"shrink": -0.5}, "shrink"),
        (scale_by_armijo_line_search, {"max_steps": 0}, "max_steps"),
        (scale_by_armijo_line_search, {"max_steps": 2.5}, "max_steps"),
        (scale_by_armijo_line_search, {"initial_step": 0.0}, "initial_step"),
        (scale_by_wolfe_line_search, {"c1": 0.5, "c2": 0.4}, "c1 < c2"),
        (scale_by_wolfe_line_search, {"c2": 1.0}, "c2"),
        (scale_by_wolfe_line_search, {"method": "hager-zhang"}, "method"),
        (scale_by_wolfe_line_search, {"xtol": 0.0}, "xtol"),
        (scale_by_halving_line_search, {"max_steps": True}, "max_steps"),
        (scale_by_exact_line_search, {"max_steps": 1}, "max_steps"),
        (scale_by_exact_line_search, {"tol": 0.0}, "tol"),
    ],
)
def test_validation(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**kwargs)


def test_armijo_matches_optax_backtracking():
    f, x = quadratic, jnp.array([2.0, 2.0])
    ours = optax.chain(optax.scale(-1.0), scale_by_armijo_line_search(c1=1e-4, shrink=0.5))
    theirs = optax.chain(
        optax.scale(-1.0),
        optax.scale_by_backtracking_linesearch(
            max_backtracking_steps=30, slope_rtol=1e-4, decrease_factor=0.5, increase_factor=1.0
        ),
    )
    for d_scale in (1.0, 3.0):  # 3·(−g) forces at least one backtrack
        g = jax.grad(f)(x)
        outs = []
        for opt in (ours, theirs):
            u, _ = jax.jit(lambda x: opt.update(d_scale * g, opt.init(x), x, value=f(x), grad=g, value_fn=f))(x)
            outs.append(u)
        np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)


def test_wolfe_matches_optax_zoom():
    f, x = quadratic, jnp.array([2.0, 2.0])
    ours = optax.chain(optax.scale(-1.0), scale_by_wolfe_line_search(c1=1e-4, c2=0.1, method="zoom"))
    theirs = optax.chain(
        optax.scale(-1.0),
        optax.scale_by_zoom_linesearch(
            max_linesearch_steps=30, slope_rtol=1e-4, curv_rtol=0.1, approx_dec_rtol=None, initial_guess_strategy="one"
        ),
    )
    g = jax.grad(f)(x)
    outs = [jax.jit(lambda x: opt.update(g, opt.init(x), x, value=f(x), grad=g, value_fn=f)[0])(x) for opt in (ours, theirs)]
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)
    # on a quadratic with c2 = 0.1 the zoom's interpolation lands on the exact minimiser
    exact = -float(g @ -g) / float(g @ A @ g)
    np.testing.assert_allclose(outs[0], exact * -g, rtol=1e-3)


# Moré & Thuente's test functions (their §5, Table 1–6 setups): φ and φ'.
def _mt1(a, beta=2.0):
    return -a / (a**2 + beta)


def _mt2(a, beta=0.004):
    return (a + beta) ** 5 - 2.0 * (a + beta) ** 4


def _mt3(a, beta=0.01, ell=39.0):
    phi0 = jnp.where(a <= 1 - beta, 1 - a, jnp.where(a >= 1 + beta, a - 1, (a - 1) ** 2 / (2 * beta) + beta / 2))
    return phi0 + 2 * (1 - beta) / (ell * jnp.pi) * jnp.sin(ell * jnp.pi / 2 * a)


def _mt_yanai(a, b1, b2):
    g = lambda b: jnp.sqrt(1 + b**2) - b  # noqa: E731
    return g(b1) * jnp.sqrt((1 - a) ** 2 + b2**2) + g(b2) * jnp.sqrt(a**2 + b1**2)


MT_FUNCTIONS = {  # name: (φ, c1, c2): the paper's c2; its c1 = c2 for 2–6 is halved (we require c1 < c2)
    "1": (_mt1, 1e-3, 0.1),
    "2": (_mt2, 0.05, 0.1),
    "3": (_mt3, 0.05, 0.1),
    "4": (lambda a: _mt_yanai(a, 1e-3, 1e-3), 5e-4, 1e-3),
    "5": (lambda a: _mt_yanai(a, 0.01, 1e-3), 5e-4, 1e-3),
    "6": (lambda a: _mt_yanai(a, 1e-3, 0.01), 5e-4, 1e-3),
}


@pytest.mark.parametrize("alpha0", [1e-3, 1e-1, 1e1, 1e3])
@pytest.mark.parametrize("name", MT_FUNCTIONS)
def test_more_thuente_takes_scipys_dcsrch_steps(name, alpha0):
    """Moré–Thuente's own test problems from four starting steps each: the same accepted step and
    the same number of trials as scipy's port of MINPACK-2 ``dcsrch`` (the same algorithm, in
    NumPy). rtol 1e-8: the two evaluate the interpolation formulas in different orders."""
    from scipy.optimize._dcsrch import DCSRCH

    phi, c1, c2 = MT_FUNCTIONS[name]
    xtol = 1e-10
    dphi = jax.grad(phi)
    calls = []

    def phi_np(a):
        calls.append(a)
        return float(phi(jnp.asarray(a, jnp.float64)))

    search = DCSRCH(phi_np, lambda a: float(dphi(jnp.asarray(a, jnp.float64))), c1, c2, xtol, 0.0, 1e10)
    a_ref, *_, task = search(alpha0, phi0=float(phi(0.0)), derphi0=float(dphi(0.0)), maxiter=30)
    assert task[:4] == b"CONV", task

    f = lambda x: phi(x[0])  # noqa: E731 - φ(α) = f(0 + α·1)
    ls = scale_by_wolfe_line_search(c1=c1, c2=c2, initial_step=alpha0, xtol=xtol, max_steps=30)
    u, s, _, _ = run(ls, f, jnp.zeros(1, jnp.float64), d=jnp.ones(1, jnp.float64))
    assert not bool(s.failed)
    np.testing.assert_allclose(alpha_of(s), a_ref, rtol=1e-8)
    assert int(s.num_evals) == len(calls)


# --------------------------------------------------------------------------------------------
# Badly scaled problems: the cubic step after a large overshoot (issue 14)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e4, 1e6, 1e8])
def test_more_thuente_after_a_huge_overshoot_in_float32_still_steps(scale):
    """f = (s w₀)² + w₁² from (1, 1) along −∇f: the unit trial overshoots by ~10⁸ (θ ~ 10²⁴ against
    derivative terms ~10¹⁶). The plain (γ − dx) + θ cancelled to 0 in float32, the next trial was
    α = 0 and the search gave up; the cancellation-free form interpolates α ≈ 1/(2s²). At s = 10⁸
    the unit trial overflows f to +∞: the trials shrink tenfold until f is finite (halving took
    ~55 trials, past the budget of 30), then interpolate."""
    f = lambda w: (scale * w[0]) ** 2 + w[1] ** 2  # noqa: E731
    w = jnp.ones(2, jnp.float32)
    g = jax.grad(f)(w)
    opt = optax.chain(optax.scale(-1.0), jl.scale_by_wolfe_line_search())
    _, s = opt.update(g, opt.init(w), w, value=f(w), grad=g, value_fn=f)
    assert not bool(s[1].failed) and float(s[1].value) < 0.01 * float(f(w))
    assert float(s[1].step_size) == pytest.approx(0.5 / scale**2, rel=1e-2)


_SCIPY_METHOD = {"bfgs": "BFGS", "lbfgs": "L-BFGS-B", "nonlinear_cg": "CG"}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scale", [1e2, 1e4, 1e6, 1e8])
@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "nonlinear_cg"])
def test_curvature_methods_on_badly_scaled_quadratics_reach_the_minimum_as_scipy_does(method, scale, dtype):
    """f = (s w₀)² + w₁² from (1, 1), s = 10²…10⁸: scipy's BFGS, L-BFGS-B and CG (float64) reach
    ‖∇f‖ ≤ 10⁻⁶ in 2–6 iterations at every scale. Before the fixes BFGS and CG ended where they
    started (f = s², the Moré–Thuente step collapsed to α = 0) or stalled with f = 1: a Wolfe step
    whose decrease lies below f's last float32 bit (f = 1 + (10⁴w₀)², w₀ ~ 10⁻⁸) was refused, and a
    unit trial that overflows f (s = 10⁸ in float32: f(α = 1) ≈ 10⁴⁸) was followed by ~55 halvings.

    float64: ‖∇f‖ ≤ 10⁻⁶ in at most scipy's iterations + 2 (the first steps differ: scipy's first
    trial is 1/‖g‖, ours 1 for BFGS and CG). float32: the iterates reach the resolution of f, so
    either ‖∇f‖ ≤ 10⁻⁶ or the loop stops as ``stalled`` at a point where f ≤ 10⁻²⁰ (at s = 10⁸ the
    gradient 2s²w₀ of a w₀ whose f-term underflows is still ~10⁻⁵); within 20 steps.
    """
    from scipy.optimize import minimize as scipy_minimize

    dt = getattr(jnp, dtype)  # float64: the suite runs with x64 on (conftest)
    f = lambda w: (scale * w[0]) ** 2 + w[1] ** 2  # noqa: E731
    r = jl.minimize(f, jnp.ones(2, dt), getattr(jl, method)(), max_steps=100)
    assert r.params.dtype == dt
    summary = (r.reason_name, int(r.num_steps), float(r.value), float(r.grad_norm))
    if dtype == "float64":
        ref = scipy_minimize(lambda w: (scale * w[0]) ** 2 + w[1] ** 2, np.ones(2),
                             jac=lambda w: np.array([2 * scale**2 * w[0], 2 * w[1]]),
                             method=_SCIPY_METHOD[method], options={"gtol": 1e-6})  # fmt: skip
        assert ref.success
        assert r.reason_name == "gtol" and int(r.num_steps) <= ref.nit + 2, (summary, ref.nit)
    else:
        assert r.reason_name == "gtol" or (r.reason_name == "stalled" and float(r.value) <= 1e-20), summary
        assert int(r.num_steps) <= 20, summary
    assert float(r.value) <= 1e-12 and float(jnp.max(jnp.abs(r.params))) <= 1e-6, summary


def test_armijo_reports_the_value_at_the_step_it_accepted():
    """f(x) = −x − 0.2x² + 0.4x³ from 0 along +1 with c1 = 0.9: α = 1 gives φ = −0.8, lower but
    above the Armijo line (−0.9), and is refused; α = ½ gives φ = −0.5 ≤ −0.45 and is taken. The
    state reports φ(½) = −0.5 (it used to report the lowest φ seen, −0.8)."""
    f = lambda x: jnp.sum(-x - 0.2 * x**2 + 0.4 * x**3)  # noqa: E731
    x = jnp.zeros(1)
    g = jax.grad(f)(x)
    opt = optax.chain(optax.scale(-1.0), jl.scale_by_armijo_line_search(c1=0.9))
    _, s = opt.update(g, opt.init(x), x, value=f(x), grad=g, value_fn=f)
    assert float(s[1].step_size) == 0.5 and not bool(s[1].failed)
    assert float(s[1].value) == pytest.approx(-0.5, abs=1e-15)
