"""Tests of jaxopt_lectures.analysis (ALGORITHMS.md §8) on the lectures' examples 2 and 3 (§10),
against NumPy's dense eigenvalues, and on the failure paths. float64 (tests/conftest.py)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import analysis
from jaxopt_lectures.problems import get_problem, rosenbrock as rosenbrock_problem
from jaxopt_lectures.problems import worked_examples as wx

SEPARABLE = get_problem("separable_quadratic_l0")  # §10 example 2: 3x² + 2y² + 4z² + 6
COUPLED = get_problem("coupled_quadratic_l0")  # §10 example 3
rosenbrock = rosenbrock_problem().fun


def random_spd(rng, n, eigenvalues=None):
    """Q diag(λ) Qᵀ with a random orthogonal Q; λ drawn in [0.5, 10] unless given."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = rng.uniform(0.5, 10.0, n) if eigenvalues is None else np.asarray(eigenvalues, float)
    return (q * lam) @ q.T, np.sort(lam)


def quadratic(a, b=None):
    b = np.zeros(len(a)) if b is None else b
    a, b = jnp.asarray(a), jnp.asarray(b)
    return lambda x: 0.5 * x @ a @ x - b @ x


def dense_eigvalsh(f, x):
    return np.linalg.eigvalsh(np.asarray(jax.jit(jax.hessian(f))(jnp.asarray(x))))


def test_exports():
    assert jl.analysis is analysis
    for name in analysis.__all__:
        assert getattr(jl, name) is getattr(analysis, name) and name in jl.__all__


# --------------------------------------------------------------------------------------------
# §10 example 2: E = 3x² + 2y² + 4z² + 6
# --------------------------------------------------------------------------------------------

def test_separable_example_2():
    x = jnp.asarray(SEPARABLE.x_star)
    lam = jl.hessian_eigenvalues(SEPARABLE.fun, x)
    np.testing.assert_allclose(lam, sorted(wx.SEPARABLE_CURVATURES), rtol=1e-12)  # 4, 6, 8
    b = jl.learning_rate_bounds(SEPARABLE.fun, x)
    assert isinstance(b, jl.LearningRateBounds)
    # ascending λ = (4, 6, 8) ↔ rates (1/4, 1/6, 1/8): the per-axis rates 1/6, 1/4, 1/8 in axis order
    np.testing.assert_allclose(sorted(np.asarray(b.per_direction)), sorted(wx.SEPARABLE_AXIS_RATES), rtol=1e-12)
    np.testing.assert_allclose(b.fastest, wx.SEPARABLE_BEST_RATE, rtol=1e-12)  # 1/6, not the slide's 1/8
    np.testing.assert_allclose(b.contraction, wx.SEPARABLE_BEST_CONTRACTION, rtol=1e-12)  # 1/3
    np.testing.assert_allclose(b.divergence, wx.SEPARABLE_DIVERGENCE_RATE, rtol=1e-12)  # 0.25
    np.testing.assert_allclose(jl.condition_number(SEPARABLE.fun, x), 2.0, rtol=1e-12)
    assert jl.classify_critical_point(SEPARABLE.fun, x) == "minimum"
    np.testing.assert_allclose(jl.lipschitz_constant(SEPARABLE.fun, x).value, 8.0, rtol=1e-8)
    # quadratic: the Hessian is the same at the start
    np.testing.assert_allclose(jl.hessian_eigenvalues(SEPARABLE.fun, jnp.asarray(SEPARABLE.x0)), lam, rtol=1e-12)


def test_separable_rates_behave_as_stated():
    """GD at the 'fastest' rate contracts by 1/3 per step; just above 'divergence' it grows."""
    x0 = jnp.asarray(SEPARABLE.x0)
    b = jl.learning_rate_bounds(SEPARABLE.fun, x0)
    grad = jax.grad(SEPARABLE.fun)

    def run(eta, n=10):
        x = x0
        for _ in range(n):
            x = x - eta * grad(x)
        return float(jnp.max(jnp.abs(x)))

    np.testing.assert_allclose(run(b.fastest), (1 / 3) ** 10, rtol=1e-10)
    assert run(1.01 * b.divergence) > 1.0 > run(0.99 * b.divergence)


# --------------------------------------------------------------------------------------------
# §10 example 3 and the classification
# --------------------------------------------------------------------------------------------

def test_coupled_example_3():
    x = jnp.asarray(wx.COUPLED_MINIMIZER)
    np.testing.assert_allclose(jl.hessian_eigenvalues(COUPLED.fun, x), wx.COUPLED_EIGENVALUES, rtol=1e-12)
    np.testing.assert_allclose(wx.COUPLED_EIGENVALUES, [2 - math.sqrt(2), 2, 2 + math.sqrt(2)])
    assert jl.classify_critical_point(COUPLED.fun, x) == "minimum"
    np.testing.assert_allclose(jl.condition_number(COUPLED.fun, x), (2 + math.sqrt(2)) / (2 - math.sqrt(2)), rtol=1e-12)
    np.testing.assert_allclose(jl.lipschitz_constant(COUPLED.fun, x).value, 2 + math.sqrt(2), rtol=1e-7)


@pytest.mark.parametrize(
    "f, x, kind",
    [
        (lambda x: x[0] ** 2 - x[1] ** 2, [0.0, 0.0], "saddle"),
        (get_problem("saddle").fun, get_problem("saddle").x_star, "saddle"),
        (lambda x: -(x[0] ** 2) - 3 * x[1] ** 2 + 1, [0.0, 0.0], "maximum"),
        (lambda x: x[0] ** 4 + x[1] ** 2, [0.0, 0.0], "degenerate"),  # λ = 0, 2: second-order test fails
        (lambda x: x[0] ** 2 + 0 * x[1], [0.0, 5.0], "degenerate"),  # f independent of y
        (lambda x: jnp.cos(x[0]) + jnp.cos(x[1]), [jnp.pi, 0.0], "saddle"),  # λ = −cos: 1 at π, −1 at 0
        (rosenbrock, [1.0, 1.0], "minimum"),
    ],
)
def test_classify(f, x, kind):
    assert jl.classify_critical_point(f, jnp.asarray(x)) == kind


def test_classify_scale_free_and_tol():
    """The default tolerance is relative: scaling f by 10⁻⁶ keeps the answer; an explicit tol decides."""
    f = lambda x: 1e-6 * (x[0] ** 2 + 1e-3 * x[1] ** 2)  # noqa: E731
    assert jl.classify_critical_point(f, jnp.zeros(2)) == "minimum"
    assert jl.classify_critical_point(f, jnp.zeros(2), tol=1e-8) == "degenerate"  # λ = 2e-9 ≤ 1e-8


def test_classify_not_critical():
    with pytest.raises(ValueError, match="not a critical point.*grad_tol"):
        jl.classify_critical_point(COUPLED.fun, jnp.zeros(3))
    # grad_tol=inf classifies the Hessian anywhere
    assert jl.classify_critical_point(COUPLED.fun, jnp.zeros(3), grad_tol=float("inf")) == "minimum"


def test_condition_number_not_pd_is_inf():
    assert np.isinf(jl.condition_number(lambda x: x[0] ** 2 - x[1] ** 2, jnp.zeros(2)))
    assert np.isinf(jax.jit(lambda x: jl.condition_number(lambda y: y[0] ** 2 - y[1] ** 2, x))(jnp.zeros(2)))


# --------------------------------------------------------------------------------------------
# against NumPy's dense eigenvalues
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_spd_against_numpy(seed):
    rng = np.random.default_rng(seed)
    n = 6
    a, lam = random_spd(rng, n)
    f = quadratic(a, rng.standard_normal(n))
    x = jnp.asarray(rng.standard_normal(n))
    np.testing.assert_allclose(jl.hessian_eigenvalues(f, x), np.linalg.eigvalsh(a), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(jl.hessian_eigenvalues(f, x), lam, rtol=1e-10)
    np.testing.assert_allclose(jl.condition_number(f, x), lam[-1] / lam[0], rtol=1e-10)


def test_rosenbrock_against_numpy():
    """A non-quadratic function at points where the Hessian is indefinite and positive definite."""
    for x in ([-1.2, 1.0], [0.0, 1.0], [0.5, 0.1]):
        x = jnp.asarray(x)
        np.testing.assert_allclose(jl.hessian_eigenvalues(rosenbrock, x), dense_eigvalsh(rosenbrock, x), rtol=1e-10)
        # power iteration: largest |λ|; Rosenbrock's |λ2|/|λ1| is ≤ 0.03 here, so converged to ~tol
        ref = np.max(np.abs(dense_eigvalsh(rosenbrock, x)))
        np.testing.assert_allclose(jl.lipschitz_constant(rosenbrock, x).value, ref, rtol=1e-7)


# --------------------------------------------------------------------------------------------
# Lipschitz constant by power iteration
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
def test_lipschitz_against_dense(seed):
    """Spectrum with |λ₂|/|λ₁| = 0.5 (one eigenvalue negative, so |λ| not λ): the error of ‖Hv_k‖
    shrinks by 0.25 per step, so stopping at a relative change of 1e-10 leaves an error of about
    1e-10/(1 − 0.25); rtol 1e-8 leaves room for that and rounding."""
    rng = np.random.default_rng(seed)
    lam = np.array([-10.0, 5.0, 3.0, 1.0, -2.0, 0.5, 4.0, 2.5])
    a, _ = random_spd(rng, len(lam), lam)
    f = quadratic(a)
    x = jnp.asarray(rng.standard_normal(len(lam)))
    est = jl.lipschitz_constant(f, x, tol=1e-10, key=jax.random.PRNGKey(seed))
    assert isinstance(est, jl.LipschitzEstimate) and bool(est.converged)
    np.testing.assert_allclose(est.value, np.max(np.abs(np.linalg.eigvalsh(a))), rtol=1e-8)
    assert float(est.value) <= 10.0 * (1 + 1e-12)  # ‖Hv‖ with ‖v‖ = 1 is a lower bound
    assert int(est.iterations) < 100


def test_lipschitz_budget_and_jit():
    f = SEPARABLE.fun
    est = jl.lipschitz_constant(f, jnp.ones(3), num_iters=2, tol=0.0)
    assert int(est.iterations) == 2 and not bool(est.converged)
    jitted = jax.jit(lambda x: jl.lipschitz_constant(f, x).value)
    np.testing.assert_allclose(jitted(jnp.ones(3)), 8.0, rtol=1e-8)
    # a zero Hessian stops at once with 0, no NaN
    est = jl.lipschitz_constant(lambda x: jnp.sum(x), jnp.ones(3))
    assert float(est.value) == 0.0 and int(est.iterations) == 1


def test_lipschitz_never_forms_hessian():
    """n = 10⁵ diagonal quadratic (H would be 80 GB): it runs and finds the known max 100; and the
    jaxpr at n = 1000 has no n×n array."""
    n = 100_000
    d = jnp.concatenate([jnp.linspace(1.0, 50.0, n - 1), jnp.array([100.0])])  # |λ₂|/|λ₁| = 0.5
    f = lambda x: 0.5 * jnp.sum(d * x**2)  # noqa: E731
    est = jl.lipschitz_constant(f, jnp.ones(n))
    np.testing.assert_allclose(est.value, 100.0, rtol=1e-7)

    m = 1000
    dm = jnp.linspace(1.0, 2.0, m)
    jaxpr = jax.make_jaxpr(lambda x: jl.lipschitz_constant(lambda y: 0.5 * jnp.sum(dm * y**2), x).value)(jnp.ones(m))
    shapes = set()

    def collect(jpr):  # every variable of the program, inside while/cond/pjit bodies too
        for eqn in jpr.eqns:
            for var in [*eqn.invars, *eqn.outvars]:
                shapes.add(tuple(getattr(var.aval, "shape", ())))
            for p in eqn.params.values():
                for inner in p if isinstance(p, (tuple, list)) else [p]:
                    inner = getattr(inner, "jaxpr", inner)  # ClosedJaxpr → Jaxpr
                    if hasattr(inner, "eqns"):
                        collect(inner)

    collect(jaxpr.jaxpr)
    assert (m,) in shapes and not any(len(s) >= 2 for s in shapes), shapes


# --------------------------------------------------------------------------------------------
# L1 theorem 7.1 along a GD run
# --------------------------------------------------------------------------------------------

def test_gd_bound_convex_quadratic():
    rng = np.random.default_rng(3)
    a, lam = random_spd(rng, 5, [0.01, 0.1, 1.0, 3.0, 7.0])  # ill-conditioned: GD is slow, bound is O(1/t)
    b = rng.standard_normal(5)
    f = quadratic(a, b)
    x_star = np.linalg.solve(a, b)
    r = jl.gd_bound_check(f, jnp.zeros(5), jnp.asarray(x_star), 1 / 7.0, steps=200)
    assert isinstance(r, jl.GDBoundCheck) and bool(r.holds)
    np.testing.assert_allclose(r.lipschitz, 7.0, rtol=1e-8)  # estimated by power iteration at x0
    np.testing.assert_allclose(r.bounds, np.sum(x_star**2) / (2 / 7.0 * np.arange(1, 201)), rtol=1e-12)
    # plain NumPy loop of GD gives the same gaps
    w, gaps = np.zeros(5), []
    for _ in range(200):
        w = w - (a @ w - b) / 7.0
        gaps.append(0.5 * w @ a @ w - b @ w - (0.5 * x_star @ a @ x_star - b @ x_star))
    np.testing.assert_allclose(r.gaps, gaps, rtol=1e-9, atol=1e-13)


def test_gd_bound_logistic_regression():
    """Convex logistic loss, L = ‖X‖₂²/(4m) + μ (global); η = 1/L; x* from many Newton steps."""
    rng = np.random.default_rng(4)
    m, n = 40, 3
    X = jnp.asarray(rng.standard_normal((m, n)))
    y = jnp.asarray((rng.uniform(size=m) < 0.5).astype(float))
    mu = 1e-2

    def loss(w):
        z = X @ w["w"] + w["b"]
        return jnp.mean(jnp.logaddexp(0.0, z) - y * z) + 0.5 * mu * (jnp.sum(w["w"] ** 2) + w["b"] ** 2)

    xb = np.hstack([np.asarray(X), np.ones((m, 1))])
    L = np.linalg.norm(xb, 2) ** 2 / (4 * m) + mu
    flat = lambda v: loss({"w": v[:n], "b": v[n]})  # noqa: E731
    newton = jax.jit(lambda v: v - jnp.linalg.solve(jax.hessian(flat)(v), jax.grad(flat)(v)))
    v = jnp.zeros(n + 1)
    for _ in range(20):
        v = newton(v)
    w_star = {"w": v[:n], "b": v[n]}
    w0 = {"w": jnp.full(n, 2.0), "b": jnp.asarray(-1.0)}
    r = jl.gd_bound_check(loss, w0, w_star, 1 / L, steps=100, lipschitz=L)
    assert bool(r.holds) and np.all(np.asarray(r.gaps) >= -1e-12)
    # the local estimate at any point is below the global L
    assert float(jl.lipschitz_constant(loss, w0).value) <= L * (1 + 1e-9)


def test_gd_bound_misuse():
    f, x0, xs = SEPARABLE.fun, jnp.asarray(SEPARABLE.x0), jnp.asarray(SEPARABLE.x_star)
    with pytest.raises(ValueError, match=r"learning_rate must be ≤ 1/L"):
        jl.gd_bound_check(f, x0, xs, 0.2, steps=10)  # L = 8, 1/L = 0.125
    with pytest.raises(ValueError, match=r"learning_rate must be ≤ 1/L"):
        jl.gd_bound_check(f, x0, xs, 0.2, steps=10, lipschitz=8.0)
    # run anyway above the divergence threshold 2/L: the bound fails
    r = jl.gd_bound_check(f, x0, xs, 0.3, steps=10, check_learning_rate=False)
    assert not bool(r.holds)
    # within the hypothesis (η = 0.1 ≤ 1/8, f* given explicitly) it holds
    assert bool(jl.gd_bound_check(f, x0, xs, 0.1, steps=10, f_star=SEPARABLE.f_star).holds)


# --------------------------------------------------------------------------------------------
# pytrees and bad input
# --------------------------------------------------------------------------------------------

def test_pytree_equals_flat():
    rng = np.random.default_rng(5)
    a, _ = random_spd(rng, 5, [0.5, 1.0, 2.0, 4.0, 9.0])
    f_flat = quadratic(a)
    to_tree = lambda v: {"a": v[:2], "b": v[2:].reshape(1, 3)}  # noqa: E731
    f_tree = lambda t: f_flat(jnp.concatenate([t["a"], t["b"].ravel()]))  # noqa: E731
    v = jnp.asarray(rng.standard_normal(5))
    eig_tree, eig_flat = jl.hessian_eigenvalues(f_tree, to_tree(v)), jl.hessian_eigenvalues(f_flat, v)
    np.testing.assert_allclose(eig_tree, eig_flat, rtol=1e-12)
    np.testing.assert_allclose(jl.condition_number(f_tree, to_tree(v)), 18.0, rtol=1e-10)
    np.testing.assert_allclose(
        jl.lipschitz_constant(f_tree, to_tree(v)).value, jl.lipschitz_constant(f_flat, v).value, rtol=1e-12
    )
    bt, bf = jl.learning_rate_bounds(f_tree, to_tree(v)), jl.learning_rate_bounds(f_flat, v)
    for x, y in zip(bt, bf):
        np.testing.assert_allclose(x, y, rtol=1e-12)
    z = jnp.zeros(5)
    assert jl.classify_critical_point(f_tree, to_tree(z)) == jl.classify_critical_point(f_flat, z) == "minimum"
    rt = jl.gd_bound_check(f_tree, to_tree(v), to_tree(z), 1 / 9, steps=20)
    rf = jl.gd_bound_check(f_flat, v, z, 1 / 9, steps=20)
    np.testing.assert_allclose(rt.gaps, rf.gaps, rtol=1e-12)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: jl.classify_critical_point(SEPARABLE.fun, jnp.zeros(3), tol=-1.0), "tol"),
        (lambda: jl.classify_critical_point(SEPARABLE.fun, jnp.zeros(3), grad_tol=-1.0), "grad_tol"),
        (lambda: jl.learning_rate_bounds(SEPARABLE.fun, jnp.zeros(3), tol=-1.0), "tol"),
        (lambda: jl.lipschitz_constant(SEPARABLE.fun, jnp.zeros(3), num_iters=0), "num_iters"),
        (lambda: jl.lipschitz_constant(SEPARABLE.fun, jnp.zeros(3), num_iters=2.5), "num_iters"),
        (lambda: jl.lipschitz_constant(SEPARABLE.fun, jnp.zeros(3), tol=-1e-3), "tol"),
        (lambda: jl.gd_bound_check(SEPARABLE.fun, jnp.ones(3), jnp.zeros(3), 0.0, 5), "learning_rate"),
        (lambda: jl.gd_bound_check(SEPARABLE.fun, jnp.ones(3), jnp.zeros(3), 0.1, 0), "steps"),
        (lambda: jl.gd_bound_check(SEPARABLE.fun, jnp.ones(3), jnp.zeros(3), 0.1, 5, lipschitz=-1.0), "lipschitz"),
        (lambda: jl.learning_rate_bounds(lambda x: x[0] ** 2 - x[1] ** 2, jnp.zeros(2)), "positive definite"),
        (lambda: jl.learning_rate_bounds(lambda x: x[0] ** 4 + x[1] ** 2, jnp.zeros(2)), "positive definite"),
    ],
)
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()
