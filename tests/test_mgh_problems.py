"""The Moré–Garbow–Hillstrom least-squares problems and the exponential fit (problems/mgh.py):
residual convention, the hard-coded minimisers, scipy's Levenberg–Marquardt from the starts, and
the values MGH print (ACM TOMS 7 (1981); their f = Σ rᵢ² is 2·fun here)."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import least_squares

from jaxopt_lectures import problems
from jaxopt_lectures.problems import LEAST_SQUARES_PROBLEMS, PROBLEMS, get_problem, mgh

MGH_PROBLEMS = ("wood", "powell_singular", "freudenstein_roth", "bard", "box_3d", "osborne1")
NEW = (*MGH_PROBLEMS, "exponential_fit")
MGH_NUMBER = {"wood": 14, "powell_singular": 13, "freudenstein_roth": 2, "bard": 8, "box_3d": 12, "osborne1": 17}


@functools.cache
def _compiled(name):
    """residual_fn, its Jacobian, fun and ∇fun, each jitted once per problem (op by op, every
    primitive would compile on its own)."""
    p = get_problem(name)
    return tuple(jax.jit(f) for f in (p.residual_fn, jax.jacfwd(p.residual_fn), p.fun, jax.grad(p.fun)))


def _lm(name, x0, tol=1e-15):
    """scipy's MINPACK Levenberg–Marquardt in float64 with the exact (JAX) Jacobian."""
    r, jac, _, _ = _compiled(name)
    return least_squares(
        lambda x: np.asarray(r(x)), np.asarray(x0, dtype=np.float64), jac=lambda x: np.asarray(jac(x)),
        method="lm", xtol=tol, ftol=tol, gtol=tol,
    )  # fmt: skip


@pytest.mark.parametrize("name", NEW)
def test_fun_is_half_the_squared_residual_norm(name):
    """fun and residual_fn are written separately (fun as the expanded formula where it is short)."""
    p = get_problem(name)
    r, _, f, _ = _compiled(name)
    rng = np.random.default_rng(MGH_PROBLEMS.index(name) if name in MGH_PROBLEMS else 99)
    points = [p.x0, p.x_star, *(p.x_star + 0.3 * rng.normal(size=(3, p.dim))), *rng.normal(size=(2, p.dim))]
    for x in points:
        x = jnp.asarray(x)
        assert float(f(x)) == pytest.approx(0.5 * float(jnp.sum(r(x) ** 2)), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("name", NEW)
def test_x_star_has_value_f_star_and_a_zero_gradient(name):
    """f(x*) = f* and ‖∇f(x*)‖ ≤ 1e-7: for bard, osborne1 and exponential_fit x* is a hard-coded
    numerical minimiser (17 significant digits), so its gradient is small, not exactly 0
    (≤ 1e-13 for the digits in mgh.py; 1e-7 leaves room for other BLAS/XLA roundings)."""
    p = get_problem(name)
    _, _, f, g = _compiled(name)
    for x in p.minimizers:
        assert float(f(jnp.asarray(x))) == pytest.approx(p.f_star, rel=1e-10, abs=1e-14)
        assert float(jnp.linalg.norm(g(jnp.asarray(x)))) <= 1e-7
    assert float(f(jnp.asarray(p.x0))) > p.f_star + 1e-3


# Where scipy's LM goes from the problem's start (all but freudenstein_roth: to x_star).
LM_FROM_X0 = {name: get_problem(name).x_star for name in NEW} | {"freudenstein_roth": mgh.FREUDENSTEIN_ROTH_LOCAL_MIN}


@pytest.mark.parametrize("name", NEW)
def test_scipy_levenberg_marquardt_from_x0_reaches_the_minimum(name):
    p = get_problem(name)
    result = _lm(name, p.x0)
    if name == "powell_singular":
        # At a singular minimum LM converges only linearly, x_k → 0 by a constant factor, so the
        # relative tests xtol/ftol = 1e-15 never hold: it runs to its evaluation budget (f ≈ 1e-270 then).
        assert result.status == 0 and result.nfev == 100 * p.dim  # scipy's default budget with a jac
    else:
        assert result.success
    value = 0.5 * float(np.sum(result.fun**2))
    target = LM_FROM_X0[name]
    expected = p.f_star if name != "freudenstein_roth" else float(p.fun(jnp.asarray(target)))
    assert value == pytest.approx(expected, rel=1e-10, abs=1e-20)
    # LM alone (no Newton polish) stops within 1.4e-8 of the hard-coded points (module docstring).
    np.testing.assert_allclose(result.x, target, rtol=0, atol=1e-6)


def test_freudenstein_roth_lm_from_x0_finds_the_local_minimum_and_nearer_starts_the_global():
    """Honest about MGH 2: from MGH's start (0.5, −2), LM converges to the local minimum
    (11.41…, −0.8968…) with MGH's f = 48.9842…, not to (5, 4); from (6, 3) or (0.5, 3) it finds (5, 4)."""
    p = get_problem("freudenstein_roth")
    local = np.array(mgh.FREUDENSTEIN_ROTH_LOCAL_MIN)
    np.testing.assert_allclose(_lm("freudenstein_roth", p.x0).x, local, atol=1e-6)
    assert 48.9842 <= 2 * float(p.fun(jnp.asarray(local))) < 48.9843  # MGH: f = 48.9842…
    assert 11.41 <= local[0] < 11.42 and -0.8969 < local[1] <= -0.8968  # MGH: (11.41…, −0.8968…)
    assert float(jnp.linalg.norm(_compiled("freudenstein_roth")[3](jnp.asarray(local)))) <= 1e-7
    assert p.minimizers.tolist() == [[5.0, 4.0]]  # only the global one is listed
    for start in ((6.0, 3.0), (0.5, 3.0)):
        result = _lm("freudenstein_roth", start)
        np.testing.assert_allclose(result.x, p.x_star, atol=1e-10)
        assert 0.5 * np.sum(result.fun**2) < 1e-20


def test_published_mgh_values():
    """MGH print f = Σ rᵢ² = 2·fun, to the digits they give ("8.21487…" read as 8.21487 ≤ f < 8.21488)."""
    assert 8.21487e-3 <= 2 * get_problem("bard").f_star < 8.21488e-3  # MGH 8: f = 8.21487…·10⁻³
    assert 5.46489e-5 <= 2 * get_problem("osborne1").f_star < 5.46490e-5  # MGH 17: f = 5.46489…·10⁻⁵
    for name in ("wood", "powell_singular", "freudenstein_roth", "box_3d"):
        assert get_problem(name).f_star == 0.0  # MGH: f = 0
    # MGH 8's other value: f = 17.4286… at (0.8406…, −∞, −∞), where u/(v x2 + w x3) → 0 and f → Σ(y − x1)²
    bard = get_problem("bard")
    assert 17.4286 <= 2 * float(bard.fun(jnp.array([0.8406, -1e12, -1e12]))) < 17.4287
    y = mgh._BARD_Y
    assert 0.8406 <= y.mean() < 0.8407 and 17.4286 <= np.sum((y - y.mean()) ** 2) < 17.4287
    # f at the starts, by hand from MGH's residuals (MGH's sum of squares, so 2·fun):
    # Wood (−3, −1, −3, −1): 100² + 4² + 90·10² + 4² + 10·4² + 0 = 19192;
    # Powell (3, −1, 0, 1): 7² + 5 + 1 + 10·2⁴ = 215; Freudenstein–Roth (0.5, −2): 19.5² + 4.5² = 400.5
    for name, value in (("wood", 19192.0), ("powell_singular", 215.0), ("freudenstein_roth", 400.5)):
        p = get_problem(name)
        # a few ulps: √90·(…) and √10·(…) residuals square to integers only to rounding, and the order
        # of the sum is XLA:CPU's
        assert 2 * float(p.fun(jnp.asarray(p.x0))) == pytest.approx(value, rel=4 * np.finfo(float).eps), name


def test_powell_singular_hessian_is_singular_at_the_minimum():
    """Its description says so: at 0 the Hessian is JᵀJ of rows (1, 10, 0, 0) and √5(0, 0, 1, −1), rank 2."""
    p = get_problem("powell_singular")
    hessian = np.asarray(jax.hessian(p.fun)(jnp.asarray(p.x_star)))
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian), [0.0, 0.0, 10.0, 101.0], atol=1e-12)
    assert np.linalg.matrix_rank(hessian) == 2 and "singular" in p.description


def test_box_3d_minimizers():
    """f = 0 at (1, 10, 1), (10, 1, −1) (listed) and on the line x1 = x2, x3 = 0 (not strict, not listed)."""
    p = get_problem("box_3d")
    assert p.x_star.tolist() == [1.0, 10.0, 1.0]
    assert p.minimizers.tolist() == [[1.0, 10.0, 1.0], [10.0, 1.0, -1.0]]
    assert p.residual_fn(jnp.asarray(p.x0)).shape == (10,)  # m = 10
    f = _compiled("box_3d")[2]
    for x in p.minimizers:
        assert float(f(jnp.asarray(x))) < 1e-30
    for s in (-2.0, 0.5, 3.0):
        assert float(f(jnp.array([s, s, 0.0]))) == 0.0


def test_exponential_fit_data_and_minimiser():
    t, y = mgh.EXPONENTIAL_FIT_T, mgh.EXPONENTIAL_FIT_Y
    assert t.tolist() == [0.5 * i for i in range(10)]
    np.testing.assert_array_less(np.abs(y - (2.0 * np.exp(-0.5 * t) + 0.3)), 0.0135)  # the fixed perturbation
    p = get_problem("exponential_fit")
    assert p.f_star > 1e-4 and p.x0.tolist() == [1.0, 1.0, 0.0]
    np.testing.assert_allclose(p.x_star, [2.0, 0.5, 0.3], atol=0.01)
    with pytest.raises(ValueError):
        y[0] = 0.0  # read-only data


@pytest.mark.parametrize("name", NEW)
def test_float32_under_jit_and_vmap(name):
    """float32 in, float32 out (data cast to the input's dtype, x64 enabled); values agree with float64."""
    p = get_problem(name)
    points = np.vstack([p.x0, p.x_star])
    batch32 = jnp.asarray(points, dtype=jnp.float32)
    f32, r32, g32 = jax.jit(jax.vmap(lambda x: (p.fun(x), p.residual_fn(x), jax.grad(p.fun)(x))))(batch32)
    assert f32.dtype == r32.dtype == g32.dtype == jnp.float32
    f64 = np.array([float(p.fun(jnp.asarray(x))) for x in points])
    np.testing.assert_allclose(np.asarray(f32, dtype=np.float64), f64, rtol=1e-5, atol=1e-6)


def test_records_cite_mgh_and_are_registered():
    assert [n for n in PROBLEMS if n in NEW] == list(NEW)
    for name in NEW:
        p = get_problem(name)
        assert p.residual_fn is not None and p.kind == "minimum" and p.source and p.description
        assert getattr(problems, name) is p and name in problems.__all__
        if name in MGH_NUMBER:
            assert "Moré, Garbow & Hillstrom, ACM TOMS 7 (1981)" in p.source
            assert f"problem {MGH_NUMBER[name]}" in p.source
    fr = get_problem("freudenstein_roth")
    assert fr.bounds is not None  # the one 2-D problem here can be plotted
    for (lo, hi), a, b, c in zip(fr.bounds, fr.x0, fr.x_star, mgh.FREUDENSTEIN_ROTH_LOCAL_MIN, strict=True):
        assert lo <= min(a, b, c) and max(a, b, c) <= hi


def test_least_squares_problems():
    assert "LEAST_SQUARES_PROBLEMS" in problems.__all__
    assert LEAST_SQUARES_PROBLEMS == ("rosenbrock", "beale", *NEW)
    for name in LEAST_SQUARES_PROBLEMS:
        p = get_problem(name)
        r = p.residual_fn(jnp.asarray(p.x0))
        assert r.ndim == 1 and r.shape[0] >= 2  # a residual vector for Gauss–Newton / LM
