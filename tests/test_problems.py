"""The problem catalogue: each record's minimiser, minimum, residuals and metadata agree; the
regression data, L3's four losses and L0's sigmoid neuron match their hand formulas."""

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.problems import (
    PROBLEMS,
    REGRESSION_LOSSES,
    SIGMOID_NEURON_DATA,
    Problem,
    get_problem,
    linear_params,
    linear_regression_data,
    logistic_regression_data,
    regression_problem,
    rosenbrock,
    scaled_quadratic,
    sigmoid_neuron,
    sigmoid_neuron_loss,
    sigmoid_neuron_params,
    sphere,
)
from jaxopt_lectures.problems import worked_examples as wx


def _newton_logistic(data, steps=30):
    """The logistic-regression minimiser by Newton's method in NumPy (no closed form exists).

    With A = [X 1], margins mᵢ = yᵢ(Aθ)ᵢ: ∇ = −(1/n) Aᵀ(σ(−m) ⊙ y), ∇² = (1/n) Aᵀ diag(σ(m)σ(−m)) A.
    """
    X, y = (np.asarray(a) for a in data)
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    theta = np.zeros(A.shape[1])  # θ = (w, b), the layout of regression_problem
    for _ in range(steps):
        m = y * (A @ theta)
        s = 1 / (1 + np.exp(m))  # σ(−m)
        grad = -A.T @ (s * y) / len(y)
        hess = (A.T * (s * (1 - s))) @ A / len(y)
        theta = theta - np.linalg.solve(hess, grad)
    return theta


LS_DATA, LS_TRUTH = linear_regression_data(jax.random.key(0), n=60, d=3, noise=0.1)
LOGISTIC_DATA, LOGISTIC_TRUTH = logistic_regression_data(jax.random.key(3), n=2000, d=2, noise=1.0)
LS_PROBLEM = regression_problem(LS_DATA)
LOGISTIC_PROBLEM = regression_problem(LOGISTIC_DATA, "logistic", x_star=_newton_logistic(LOGISTIC_DATA))

ALL = [
    *PROBLEMS.values(),
    rosenbrock(6),
    SPHERE_5 := sphere(5),
    scaled_quadratic(2.5),
    LS_PROBLEM,
    LOGISTIC_PROBLEM,
]
LECTURE_PROBLEMS = (
    "quadratic_l0", "error_surface_l0", "separable_quadratic_l0", "coupled_quadratic_l0", "parabola_l0",
    "saddle", "scaled_quadratic_b10", "tanh_saturated",
)  # fmt: skip
CLASSIC_PROBLEMS = ("rosenbrock", "beale", "booth", "himmelblau", "sphere")
MGH_PROBLEMS = ("wood", "powell_singular", "freudenstein_roth", "bard", "box_3d", "osborne1", "exponential_fit")
SINGULAR_MINIMA = ("powell_singular",)  # a minimum whose Hessian is singular (positive semidefinite), by design


def _ids(p):
    return p.name


@functools.cache
def _derivatives(problem):
    """f, ∇f and ∇²f at x0, x_star and every listed minimiser (rows in that order), from one
    compiled program per problem (op-by-op evaluation would compile every primitive)."""
    points = np.vstack([problem.x0, problem.x_star, problem.minimizers])
    fgh = jax.jit(jax.vmap(lambda x: (problem.fun(x), jax.grad(problem.fun)(x), jax.hessian(problem.fun)(x))))
    return tuple(np.asarray(a) for a in fgh(jnp.asarray(points)))


def test_the_issue_lists_problems_are_registered():
    assert {"quadratic_l0", "rosenbrock", "beale"} <= set(PROBLEMS)
    assert set(LECTURE_PROBLEMS) | set(CLASSIC_PROBLEMS) | set(MGH_PROBLEMS) == set(PROBLEMS)
    # the lectures' problems first, then the classic ones, then MGH's (the listing order of `list --problems`)
    assert list(PROBLEMS) == [*LECTURE_PROBLEMS, *CLASSIC_PROBLEMS, *MGH_PROBLEMS]


# --------------------------------------------------------------------------------------------
# Every problem: the stated x_star, f_star, residuals, Hessian
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("problem", ALL, ids=_ids)
def test_x_star_is_a_stationary_point_with_the_stated_value(problem):
    """For a saddle too: its x_star is the stationary point and f_star the value there."""
    f, g, _ = _derivatives(problem)
    assert f[1] == pytest.approx(problem.f_star, abs=1e-12)
    np.testing.assert_allclose(g[1], 0.0, atol=1e-10)
    # The start is not x_star, and for a minimum it is visibly higher.
    assert not np.array_equal(problem.x0, problem.x_star)
    if problem.kind == "minimum":
        assert f[0] > problem.f_star + 1e-3


@pytest.mark.parametrize("problem", ALL, ids=_ids)
def test_hessian_at_x_star_is_positive_definite_for_a_minimum_indefinite_for_a_saddle(problem):
    eig = np.linalg.eigvalsh(_derivatives(problem)[2][1])
    if problem.name in SINGULAR_MINIMA:
        assert np.all(eig > -1e-12) and np.min(np.abs(eig)) < 1e-12  # a minimum, Hessian singular
    elif problem.kind == "minimum":
        assert np.all(eig > 0)  # a strict minimum
    else:
        assert problem.kind == "saddle" and eig.min() < 0 < eig.max()


@pytest.mark.parametrize("problem", ALL, ids=_ids)
def test_every_listed_minimizer_is_a_strict_minimum_with_value_f_star(problem):
    assert problem.minimizers.ndim == 2 and problem.minimizers.shape[1] == problem.dim
    f, g, h = _derivatives(problem)
    for k in range(2, 2 + len(problem.minimizers)):
        assert f[k] == pytest.approx(problem.f_star, abs=1e-12)
        np.testing.assert_allclose(g[k], 0.0, atol=1e-10)
        assert np.all(np.linalg.eigvalsh(h[k]) > (-1e-12 if problem.name in SINGULAR_MINIMA else 0))


@pytest.mark.parametrize("problem", [p for p in ALL if p.residual_fn is not None], ids=_ids)
def test_residuals_follow_the_half_sum_of_squares_convention(problem):
    for x in (problem.x0, problem.x_star, np.random.default_rng(0).normal(size=problem.dim)):
        x = jnp.asarray(x)
        assert float(0.5 * jnp.sum(problem.residual_fn(x) ** 2)) == pytest.approx(float(problem.fun(x)), rel=1e-12, abs=1e-14)


def test_sum_of_squares_problems_have_residuals():
    for name in ("quadratic_l0", "error_surface_l0", "separable_quadratic_l0", "parabola_l0", "scaled_quadratic_b10",
                 "tanh_saturated", *CLASSIC_PROBLEMS):  # fmt: skip
        assert get_problem(name).residual_fn is not None, name
    for p in (rosenbrock(6), sphere(4), scaled_quadratic(3), LS_PROBLEM):
        assert p.residual_fn is not None
    # f* < 0 or f unbounded below: no residual form exists
    assert get_problem("coupled_quadratic_l0").residual_fn is None and get_problem("saddle").residual_fn is None


@pytest.mark.parametrize("problem", ALL, ids=_ids)
def test_fun_works_under_jit_and_vmap(problem):
    """_derivatives evaluates under jit and vmap; evaluated point by point, eagerly, f agrees."""
    f = _derivatives(problem)[0]
    np.testing.assert_allclose(f[:2], [float(problem.fun(jnp.asarray(x))) for x in (problem.x0, problem.x_star)], rtol=1e-14)


# --------------------------------------------------------------------------------------------
# Known values, problem by problem
# --------------------------------------------------------------------------------------------


def test_known_values():
    q, r, b = get_problem("quadratic_l0"), get_problem("rosenbrock"), get_problem("beale")
    assert float(q.fun(jnp.array([-5.0, -2.0]))) == pytest.approx(0.1 * 25 + 2 * 4)
    assert q.x0.tolist() == [-5.0, -2.0]
    np.testing.assert_allclose(np.diag(_derivatives(q)[2][1]), [0.2, 4.0])  # ∇²f at x* = 0
    assert r.x0.tolist() == [-1.2, 1.0] and r.x_star.tolist() == [1.0, 1.0]
    assert float(r.fun(jnp.asarray(r.x0))) == pytest.approx(24.2)  # MGH: f(x0) = 24.2
    assert b.x0.tolist() == [1.0, 1.0] and b.x_star.tolist() == [3.0, 0.5]
    assert float(b.fun(jnp.asarray(b.x0))) == pytest.approx(14.203125)  # MGH 5 at (1, 1)


def test_lecture_functions_are_the_lectures_formulas():
    rng = np.random.default_rng(1)
    formulas = {
        "error_surface_l0": lambda w: 0.05 + (w[0] - 3) ** 2 / 4 + (w[1] - 4) ** 2 / 9 - (w[0] - 3) * (w[1] - 4) / 6,
        "separable_quadratic_l0": lambda v: 3 * v[0] ** 2 + 2 * v[1] ** 2 + 4 * v[2] ** 2 + 6,
        "coupled_quadratic_l0": lambda x: x[0] ** 2 + x[0] * (1 - x[1]) + x[1] ** 2 - x[1] * x[2] + x[2] ** 2 + x[2],
        "parabola_l0": lambda x: x[0] ** 2,
        "saddle": lambda v: v[0] ** 2 - v[1] ** 2,
        "scaled_quadratic_b10": lambda v: 0.5 * (v[0] ** 2 + 10 * v[1] ** 2),
        "tanh_saturated": lambda x: 0.5 * math.tanh(x[0]) ** 2,
        "booth": lambda v: (v[0] + 2 * v[1] - 7) ** 2 + (2 * v[0] + v[1] - 5) ** 2,
        "himmelblau": lambda v: (v[0] ** 2 + v[1] - 11) ** 2 + (v[0] + v[1] ** 2 - 7) ** 2,
        "sphere": lambda v: v[0] ** 2 + v[1] ** 2,
    }
    for name, formula in formulas.items():
        p = get_problem(name)
        for x in (p.x0, rng.normal(size=p.dim) * 2):
            assert float(p.fun(jnp.asarray(x))) == pytest.approx(formula(x), rel=1e-13), name
    # the starts
    assert get_problem("error_surface_l0").x0.tolist() == list(wx.E_START) == [1.5, 2.0]
    assert get_problem("parabola_l0").x0.tolist() == [10.0]
    assert get_problem("tanh_saturated").x0.tolist() == [4.0]
    assert get_problem("scaled_quadratic_b10").x0.tolist() == [10.0, 1.0]
    assert float(get_problem("booth").fun(jnp.zeros(2))) == 74.0
    assert float(get_problem("himmelblau").fun(jnp.zeros(2))) == 170.0


def test_error_surface_gradient_and_hessian_are_example_1s():
    p = get_problem("error_surface_l0")
    _, g, h = _derivatives(p)  # row 0: at x0 = E_START
    np.testing.assert_allclose(g[0], wx.E_GRAD_AT_START, rtol=1e-14)
    np.testing.assert_allclose(h[0], wx.E_HESSIAN, rtol=1e-14)


def test_tanh_saturated_shows_the_vanishing_gradient():
    """f′(4) = tanh(4)·tanh′(4): the lecture's tanh′(4) ≈ 0.0013 times tanh(4) ≈ 0.9993."""
    p = get_problem("tanh_saturated")
    _, grads, hessians = _derivatives(p)
    g = float(grads[0, 0])  # f′(x0)
    assert g == pytest.approx(math.tanh(4.0) * wx.TANH_PRIME_AT_X, rel=1e-13)
    assert float(jax.grad(jnp.tanh)(4.0)) == pytest.approx(wx.TANH_PRIME_AT_X, rel=1e-13)
    assert wx.TANH_PRIME_AT_X == pytest.approx(wx.TANH_PRIME_AT_X_PRINTED, abs=5e-5)
    assert float(p.fun(jnp.asarray(p.x0))) > 0.99 * 0.5  # almost the supremum ½ …
    assert 0 < g < 2e-3  # … yet the gradient almost vanishes
    assert hessians[1, 0, 0] == pytest.approx(1.0)  # f″(0) = tanh′(0)² = 1


def test_saddle_is_reached_on_its_axis_and_escaped_off_it():
    p = get_problem("saddle")
    assert p.kind == "saddle" and p.minimizers.shape == (0, 2)
    np.testing.assert_allclose(np.linalg.eigvalsh(_derivatives(p)[2][1]), [-2.0, 2.0])
    # 60 GD steps (η = 0.1: x ← 0.8x, y ← 1.2y) from (1, 0), on the attracting axis, end at the
    # saddle (0.8⁶⁰ ≈ 1.5e-6); from x0 = (1, 1e-3) they escape (1.2⁶⁰·1e-3 ≈ 56).
    starts = jnp.array([[1.0, 0.0], p.x0])
    result = jax.vmap(lambda x: jl.minimize(p.fun, x, jl.sgd(0.1), max_steps=60, gtol=0.0))(starts)
    np.testing.assert_allclose(result.params[0], [0.8**60, 0.0], rtol=1e-12)
    assert 0 <= float(result.value[0]) - p.f_star < 1e-11  # stuck at the saddle
    assert float(result.value[1]) < p.f_star - 1.0 and abs(float(result.params[1, 1])) > 1.0  # escaped


def test_himmelblau_has_four_minima_and_gd_from_x0_reaches_x_star():
    p = get_problem("himmelblau")
    assert p.minimizers.shape == (4, 2)
    np.testing.assert_array_equal(p.minimizers[0], p.x_star)
    assert p.x_star.tolist() == [3.0, 2.0]
    assert len({tuple(np.round(m, 3)) for m in p.minimizers}) == 4  # four distinct points
    for m in p.minimizers:  # each solves x² + y = 11, x + y² = 7
        assert m[0] ** 2 + m[1] == pytest.approx(11.0, abs=1e-13) and m[0] + m[1] ** 2 == pytest.approx(7.0, abs=1e-13)
    result = jl.minimize(p.fun, jnp.asarray(p.x0), jl.sgd(0.01), max_steps=2000, gtol=1e-8)
    assert bool(result.converged)
    np.testing.assert_allclose(result.params, p.x_star, atol=1e-7)


def test_scaled_quadratic_builder():
    p = scaled_quadratic(4)
    assert p.name == "scaled_quadratic_b4" and p.x0.tolist() == [4.0, 1.0]
    assert float(p.fun(jnp.array([2.0, 3.0]))) == 0.5 * (4 + 4 * 9)
    np.testing.assert_allclose(_derivatives(get_problem("scaled_quadratic_b10"))[2][1], np.diag([1.0, 10.0]))
    assert get_problem("scaled_quadratic_b10").description == scaled_quadratic(10).description
    for bad in (0, -1.0, float("nan"), float("inf"), True, "2"):
        with pytest.raises(ValueError, match="positive"):
            scaled_quadratic(bad)


def test_extended_rosenbrock():
    p = rosenbrock(6)
    assert p.name == "rosenbrock_6" and p.dim == 6 and p.bounds is None
    assert p.x0.tolist() == [-1.2, 1.0] * 3
    assert float(p.fun(jnp.asarray(p.x0))) == pytest.approx(3 * 24.2)
    for bad in (0, 3, -2, 2.0, True):
        with pytest.raises(ValueError, match="even integer"):
            rosenbrock(bad)


def test_sphere_builder():
    assert sphere(2) is not get_problem("sphere") and sphere(2).name == "sphere"
    p = sphere(7)
    assert p.name == "sphere_7" and p.dim == 7 and p.bounds is None
    assert float(p.fun(jnp.asarray(p.x0))) == 7.0
    np.testing.assert_allclose(_derivatives(SPHERE_5)[2][1], 2 * np.eye(5))
    for bad in (0, -2, 2.0, True):
        with pytest.raises(ValueError, match="integer"):
            sphere(bad)


# --------------------------------------------------------------------------------------------
# The records
# --------------------------------------------------------------------------------------------


def test_records_are_frozen_and_documented():
    p = get_problem("beale")
    with pytest.raises(AttributeError):
        p.f_star = 1.0
    with pytest.raises(ValueError):
        p.x0[0] = 2.0  # read-only array
    with pytest.raises(ValueError):
        get_problem("himmelblau").minimizers[0, 0] = 0.0
    for problem in ALL:
        assert problem.source and problem.description
        if problem.dim <= 2 and problem.name in PROBLEMS:
            assert problem.bounds is not None, problem.name  # every registered 1-D and 2-D problem can be plotted
        if problem.bounds is not None:
            for (lo, hi), start, best in zip(problem.bounds, problem.x0, problem.x_star, strict=True):
                assert lo <= start <= hi and lo <= best <= hi
    for name in LECTURE_PROBLEMS:  # each lecture problem cites its lecture and catalogue section
        source = get_problem(name).source
        assert any(f"L{i}" in source for i in range(5)) and "ALGORITHMS.md §" in source, name


def test_get_problem_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="quadratic_l0, .*rosenbrock, beale, booth, himmelblau"):
        get_problem("himmelblau_typo")


def test_problem_validates_shapes_and_kinds():
    with pytest.raises(ValueError, match="one shape"):
        Problem("bad", lambda x: x @ x, x0=[1.0, 2.0], x_star=[0.0], f_star=0.0)
    with pytest.raises(ValueError, match="bounds"):
        Problem("bad", lambda x: x @ x, x0=[1.0], x_star=[0.0], f_star=0.0, bounds=((1.0, -1.0),))
    with pytest.raises(ValueError, match="kind"):
        Problem("bad", lambda x: x @ x, x0=[1.0], x_star=[0.0], f_star=0.0, kind="maximum")
    with pytest.raises(ValueError, match="shape"):
        Problem("bad", lambda x: x @ x, x0=[1.0], x_star=[0.0], f_star=0.0, minimizers=[[0.0, 1.0]])
    with pytest.raises(ValueError, match="one of the minimizers"):
        Problem("bad", lambda x: x @ x, x0=[1.0], x_star=[0.0], f_star=0.0, minimizers=[[1.0]])
    p = Problem("ok", lambda x: x @ x, x0=[1.0], x_star=[0.0], f_star=0.0)
    assert p.kind == "minimum" and p.minimizers.tolist() == [[0.0]]
    assert Problem("s", lambda x: x[0] ** 2 - x[1] ** 2, x0=[1.0, 1.0], x_star=[0.0, 0.0], f_star=0.0,
                   kind="saddle").minimizers.shape == (0, 2)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Regression: data, L3's four losses, regression_problem
# --------------------------------------------------------------------------------------------


def _np_losses(w, b, X, y):
    """The four losses, written from their textbook formulas in NumPy float64."""
    yhat = X @ w + b
    return {
        "least_squares": np.mean(0.5 * (yhat - y) ** 2),
        "absolute": np.mean(np.abs(yhat - y)),
        "hinge": np.mean(np.maximum(0.0, 1.0 - y * yhat)),
        "logistic": np.mean(np.log1p(np.exp(-y * yhat))),
    }


def test_the_four_losses_match_their_formulas():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(25, 4))
    w, b = rng.normal(size=4), 0.3
    y_real = rng.normal(size=25)
    y_sign = np.where(rng.normal(size=25) > 0, 1.0, -1.0)
    params = {"w": jnp.asarray(w), "b": jnp.asarray(b)}
    labels = {"least_squares": y_real, "absolute": y_real, "hinge": y_sign, "logistic": y_sign}

    @jax.jit  # one program for all of it (op-by-op evaluation would compile every primitive)
    def values_and_grads(params, X):
        return {
            name: jax.value_and_grad(loss)(params, (X, jnp.asarray(labels[name])))
            for name, loss in REGRESSION_LOSSES.items()
        }

    got = values_and_grads(params, jnp.asarray(X))
    for name in REGRESSION_LOSSES:
        expected = _np_losses(w, b, X, labels[name])[name]
        assert float(got[name][0]) == pytest.approx(expected, rel=1e-13), name
    # gradients of the smooth ones, by hand: least squares (1/n)Σ(ŷ − y)(x, 1); logistic −(1/n)Σ σ(−yŷ) y (x, 1)
    yhat = X @ w + b
    g = got["least_squares"][1]
    np.testing.assert_allclose(g["w"], X.T @ (yhat - y_real) / 25, rtol=1e-12)
    assert float(g["b"]) == pytest.approx(np.mean(yhat - y_real), rel=1e-12)
    g = got["logistic"][1]
    s = 1 / (1 + np.exp(y_sign * yhat))
    np.testing.assert_allclose(g["w"], -X.T @ (s * y_sign) / 25, rtol=1e-12)
    assert float(g["b"]) == pytest.approx(-np.mean(s * y_sign), rel=1e-12)
    # the non-smooth ones: sign(ŷ − y) and −y·[yŷ < 1] (no data point sits on a kink here)
    np.testing.assert_allclose(got["absolute"][1]["w"], X.T @ np.sign(yhat - y_real) / 25, rtol=1e-12)
    np.testing.assert_allclose(got["hinge"][1]["w"], -X.T @ (y_sign * (y_sign * yhat < 1)) / 25, rtol=1e-12)


def test_logistic_loss_is_bce_with_01_labels_and_stable():
    X = np.array([[1.0], [-2.0], [0.5]])
    y = np.array([1.0, -1.0, -1.0])
    w, b = 1.5, -0.2
    t = (y + 1) / 2
    p = 1 / (1 + np.exp(-(X[:, 0] * w + b)))
    bce = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    logistic = jax.jit(REGRESSION_LOSSES["logistic"])
    assert float(logistic({"w": jnp.array([w]), "b": jnp.array(b)}, (X, y))) == pytest.approx(bce, rel=1e-13)
    # margins yŷ = (1e4, 2e4, −5e3): log(1 + e^{5e3}) overflows when written naively; here it is 5e3
    huge = {"w": jnp.array([1e4]), "b": jnp.array(0.0)}
    assert float(logistic(huge, (X, y))) == pytest.approx(5e3 / 3, rel=1e-12)
    assert float(logistic(huge, (X, -y))) == pytest.approx(1e4, rel=1e-12)


def test_linear_regression_data():
    (X, y), truth = linear_regression_data(jax.random.key(3), n=60, d=3, noise=0.0)  # LS_DATA's shapes
    assert X.shape == (60, 3) and y.shape == (60,) and truth["w"].shape == (3,) and truth["b"].shape == ()
    np.testing.assert_allclose(y, X @ truth["w"] + truth["b"], rtol=1e-13)  # noise 0: exact
    (X2, y2), _ = linear_regression_data(jax.random.key(3), n=60, d=3, noise=0.0)
    np.testing.assert_array_equal(X, X2)  # same key, same data
    (_, y3), _ = linear_regression_data(jax.random.key(3), n=60, d=3, noise=0.5)
    assert np.std(np.asarray(y3 - y)) == pytest.approx(0.5, rel=0.3)
    for kwargs, match in (({"n": 0}, "n must"), ({"d": 1.5}, "d must"), ({"noise": -1.0}, "noise")):
        with pytest.raises(ValueError, match=match):
            linear_regression_data(jax.random.key(0), **kwargs)


def test_logistic_regression_data():
    (X, y), truth = logistic_regression_data(jax.random.key(4), n=2000, d=2, noise=0.0)  # LOGISTIC_DATA's shapes
    assert set(np.unique(np.asarray(y)).tolist()) == {-1.0, 1.0}
    assert np.all(np.asarray(y * (X @ truth["w"] + truth["b"])) >= 0)  # noise 0: separable by the truth
    # noise 1: P(y = +1 | x) = σ(wᵀx + b), so the logistic MLE (Newton's, LOGISTIC_PROBLEM.x_star) on
    # 2000 examples recovers the truth (standard error ≈ 0.06 per coordinate here)
    truth = [*np.asarray(LOGISTIC_TRUTH["w"]), float(LOGISTIC_TRUTH["b"])]
    np.testing.assert_allclose(LOGISTIC_PROBLEM.x_star, truth, atol=0.25)
    assert np.max(np.abs(truth)) > 0.5  # … and the truth is not trivially 0


def test_least_squares_problem_x_star_is_numpys_lstsq():
    X, y = (np.asarray(a) for a in LS_DATA)
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    np.testing.assert_allclose(LS_PROBLEM.x_star, theta, rtol=1e-10, atol=1e-12)
    assert LS_PROBLEM.f_star == pytest.approx(0.5 * np.mean((A @ theta - y) ** 2), rel=1e-12)
    assert LS_PROBLEM.x0.tolist() == [0.0] * 4 and LS_PROBLEM.name == "least_squares_regression"
    # small noise: the fit is near the truth
    np.testing.assert_allclose(theta, [*np.asarray(LS_TRUTH["w"]), float(LS_TRUTH["b"])], atol=0.1)
    # fun is the loss function at the unflattened parameters
    params = {"w": jnp.asarray(theta[:3]), "b": jnp.asarray(theta[3])}
    assert float(REGRESSION_LOSSES["least_squares"](params, LS_DATA)) == pytest.approx(LS_PROBLEM.f_star, rel=1e-14)


def test_regression_problem_without_closed_form_needs_x_star():
    for loss in ("absolute", "hinge", "logistic"):
        with pytest.raises(ValueError, match="no closed-form minimiser"):
            regression_problem(LOGISTIC_DATA, loss)
    with pytest.raises(ValueError, match="loss must be one of"):
        regression_problem(LS_DATA, "squared")
    with pytest.raises(ValueError, match="shape"):
        regression_problem((LS_DATA[0], LS_DATA[1][:-1]))
    assert LOGISTIC_PROBLEM.residual_fn is None and "no closed form" in LOGISTIC_PROBLEM.source


def test_losses_work_with_fit():
    """fit(loss_fn, params, data, ...) with data = (X, y): SGD on least squares reaches lstsq's θ."""
    params, history = jl.fit(
        REGRESSION_LOSSES["least_squares"], linear_params(3), LS_DATA, jl.sgd(0.1),
        epochs=60, batch_size=10, key=jax.random.key(0), progress=False,
    )  # fmt: skip
    theta = np.concatenate([np.asarray(params["w"]), [float(params["b"])]])
    np.testing.assert_allclose(theta, LS_PROBLEM.x_star, atol=0.05)
    assert history.train_loss[-1] < 1.5 * LS_PROBLEM.f_star
    assert linear_params(2)["w"].shape == (2,) and linear_params(2)["b"].shape == ()


# --------------------------------------------------------------------------------------------
# L0's sigmoid neuron (§10 example 4)
# --------------------------------------------------------------------------------------------


def test_sigmoid_neuron_and_its_bce_loss():
    params = sigmoid_neuron_params()
    assert float(params["w"]) == wx.NEURON_W and float(params["b"]) == wx.NEURON_B
    assert float(sigmoid_neuron(params, wx.NEURON_X)) == pytest.approx(wx.NEURON_Y_HAT, rel=1e-12)
    y_hat, y = wx.NEURON_Y_HAT, wx.NEURON_Y
    by_hand = -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))
    value_and_grad = jax.jit(jax.value_and_grad(sigmoid_neuron_loss))
    loss, grads = value_and_grad(params, SIGMOID_NEURON_DATA)  # the default batch: the example's pair
    assert float(loss) == pytest.approx(by_hand, rel=1e-13)
    assert float(loss) == pytest.approx(wx.NEURON_LOSS, rel=1e-14)
    assert float(sigmoid_neuron_loss(params)) == float(loss)
    assert float(grads["w"]) == pytest.approx(wx.NEURON_GRAD_W, rel=1e-12)
    assert float(grads["b"]) == pytest.approx(wx.NEURON_GRAD_B, rel=1e-12)
    # exact where σ saturates: s = −900, where −log σ(−900) written naively is −log 0 = inf
    far = {"w": jnp.asarray(300.0), "b": jnp.asarray(0.0)}
    loss, grads = value_and_grad(far, (np.array([-3.0]), np.array([1.0])))
    assert float(loss) == 900.0 and float(grads["b"]) == -1.0
