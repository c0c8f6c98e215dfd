"""The problem catalogue: each record's minimiser, minimum, residuals and metadata agree."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxopt_lectures.problems import PROBLEMS, Problem, get_problem, rosenbrock

ALL = [*PROBLEMS.values(), rosenbrock(4), rosenbrock(10)]


def test_the_first_three_are_registered():
    assert {"quadratic_l0", "rosenbrock", "beale"} <= set(PROBLEMS)


@pytest.mark.parametrize("problem", ALL, ids=lambda p: p.name)
def test_minimum_is_a_stationary_point_with_the_stated_value(problem):
    x_star = jnp.asarray(problem.x_star)
    assert float(problem.fun(x_star)) == pytest.approx(problem.f_star, abs=1e-12)
    np.testing.assert_allclose(jax.grad(problem.fun)(x_star), 0.0, atol=1e-10)
    # The start is not the minimum, and the Hessian at x* is positive definite (a strict minimum).
    assert float(problem.fun(jnp.asarray(problem.x0))) > problem.f_star + 1e-3
    assert np.all(np.linalg.eigvalsh(np.asarray(jax.hessian(problem.fun)(x_star))) > 0)


@pytest.mark.parametrize("problem", [p for p in ALL if p.residual_fn is not None], ids=lambda p: p.name)
def test_residuals_follow_the_half_sum_of_squares_convention(problem):
    for x in (problem.x0, problem.x_star, np.random.default_rng(0).normal(size=problem.dim)):
        x = jnp.asarray(x)
        assert float(0.5 * jnp.sum(problem.residual_fn(x) ** 2)) == pytest.approx(float(problem.fun(x)), rel=1e-12, abs=1e-14)


def test_known_values():
    q, r, b = get_problem("quadratic_l0"), get_problem("rosenbrock"), get_problem("beale")
    assert float(q.fun(jnp.array([-5.0, -2.0]))) == pytest.approx(0.1 * 25 + 2 * 4)
    assert q.x0.tolist() == [-5.0, -2.0]
    np.testing.assert_allclose(np.diag(np.asarray(jax.hessian(q.fun)(jnp.zeros(2)))), [0.2, 4.0])
    assert r.x0.tolist() == [-1.2, 1.0] and r.x_star.tolist() == [1.0, 1.0]
    assert float(r.fun(jnp.asarray(r.x0))) == pytest.approx(24.2)  # MGH: f(x0) = 24.2
    assert b.x0.tolist() == [1.0, 1.0] and b.x_star.tolist() == [3.0, 0.5]
    assert float(b.fun(jnp.asarray(b.x0))) == pytest.approx(14.203125)  # MGH 5 at (1, 1)


def test_extended_rosenbrock():
    p = rosenbrock(6)
    assert p.name == "rosenbrock_6" and p.dim == 6 and p.bounds is None
    assert p.x0.tolist() == [-1.2, 1.0] * 3
    assert float(p.fun(jnp.asarray(p.x0))) == pytest.approx(3 * 24.2)
    for bad in (0, 3, -2, 2.0, True):
        with pytest.raises(ValueError, match="even integer"):
            rosenbrock(bad)


def test_records_are_frozen_and_documented():
    p = get_problem("beale")
    with pytest.raises(AttributeError):
        p.f_star = 1.0
    with pytest.raises(ValueError):
        p.x0[0] = 2.0  # read-only array
    for problem in PROBLEMS.values():
        assert problem.source and problem.description
        if problem.dim == 2:
            (lo1, hi1), (lo2, hi2) = problem.bounds
            assert lo1 <= problem.x0[0] <= hi1 and lo2 <= problem.x0[1] <= hi2
            assert lo1 <= problem.x_star[0] <= hi1 and lo2 <= problem.x_star[1] <= hi2


def test_get_problem_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="quadratic_l0, rosenbrock, beale"):
        get_problem("himmelblau_typo")


def test_problem_validates_shapes():
    with pytest.raises(ValueError, match="one shape"):
        Problem("bad", lambda x: x @ x, x0=[1.0, 2.0], x_star=[0.0], f_star=0.0)
    with pytest.raises(ValueError, match="bounds"):
        Problem("bad", lambda x: x @ x, x0=[1.0], x_star=[0.0], f_star=0.0, bounds=((1.0, -1.0),))
