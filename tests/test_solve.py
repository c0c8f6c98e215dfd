"""``minimize`` / ``least_squares``: the L3 stopping rules, divergence, vmap, pytrees."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import cases
import jaxopt_lectures as jl
from jaxopt_lectures import registry
from jaxopt_lectures.problems import get_problem
from jaxopt_lectures.solve import REASONS, least_squares, minimize


def sphere(x):
    return jnp.sum((x - 1.0) ** 2)


def test_gtol_fires_and_matches_a_hand_loop():
    """GD with η on ‖x − 1‖²: x_k − 1 = (1 − 2η)^k (x0 − 1), so the step count is known."""
    eta, gtol = 0.2, 1e-6
    r = minimize(sphere, jnp.zeros(3), jl.sgd(eta), gtol=gtol)
    # ‖∇f(x_k)‖ = 2·√3·0.6^k ≤ 1e-6  ⇔  k ≥ log(1e-6 / (2√3)) / log(0.6)
    k = int(np.ceil(np.log(gtol / (2 * np.sqrt(3))) / np.log(0.6)))
    assert r.reason_name == "gtol" and bool(r.converged) and not bool(r.diverged)
    assert int(r.num_steps) == k
    assert float(r.grad_norm) <= gtol
    np.testing.assert_allclose(r.params, 1 - 0.6**k, rtol=1e-12)


def test_ftol_and_gdtol_fire_and_are_reported():
    r = minimize(sphere, jnp.zeros(2), jl.sgd(0.1), gtol=0.0, ftol=1e-4)
    assert r.reason_name == "ftol" and bool(r.converged)
    # |f_{k+1} − f_k| = f_k(1 − 0.64): the first k where that is ≤ 1e-4
    f = lambda k: 2 * 0.8 ** (2 * k)  # noqa: E731
    k = next(k for k in range(1, 200) if abs(f(k) - f(k - 1)) <= 1e-4)
    assert int(r.num_steps) == k
    r = minimize(sphere, jnp.zeros(2), jl.sgd(0.1), gtol=0.0, gdtol=1e-3)
    assert r.reason_name == "gdtol"
    g = lambda k: 2 * np.sqrt(2) * 0.8**k  # noqa: E731  ‖∇f(x_k)‖
    k = next(k for k in range(1, 200) if g(k - 1) - g(k) <= 1e-3)
    assert int(r.num_steps) == k


def test_max_steps_is_not_convergence():
    r = minimize(sphere, jnp.zeros(2), jl.sgd(1e-3), max_steps=7)
    assert r.reason_name == "max_steps" and int(r.num_steps) == 7
    assert not bool(r.converged) and not bool(r.diverged)


def test_already_converged_start_takes_no_step():
    r = minimize(sphere, jnp.ones(2), jl.adam(0.1))
    assert r.reason_name == "gtol" and int(r.num_steps) == 0


def test_divergence_returns_the_last_finite_point():
    """GD with η = 1.1 on x²: x_k = (−1.2)^k, overflows float32 after ~480 steps."""
    r = minimize(lambda x: jnp.sum(x**2), jnp.ones(1, jnp.float32), jl.sgd(1.1), max_steps=10000)
    assert bool(r.diverged) and r.reason_name == "diverged" and not bool(r.converged)
    assert np.all(np.isfinite(r.params)) and np.isfinite(float(r.value))
    k = int(r.num_steps) - 1  # the last accepted iterate
    np.testing.assert_allclose(abs(float(r.params[0])), 1.2**k, rtol=1e-3)


def test_history_marks_entries_after_the_stop():
    r = minimize(sphere, jnp.zeros(2), jl.sgd(0.2), max_steps=100, record=True)
    n = int(r.num_steps)
    h = r.history
    assert h.values.shape == (100,) and h.params.shape == (100, 2)
    assert np.all(np.asarray(h.mask[:n])) and not np.any(np.asarray(h.mask[n:]))
    assert np.all(np.isnan(h.values[n:])) and np.all(np.isfinite(h.values[:n]))
    # f = 2(x − 1)² with x = 1 − 0.6^k: x − 1 cancels, losing ~ε/0.6^k relative (≤ 1e-9 at k = 30)
    np.testing.assert_allclose(h.values[:n], [2 * 0.36**k for k in range(n)], rtol=1e-8)
    np.testing.assert_allclose(h.params[1], [0.4, 0.4])


def test_vmap_over_starting_points_equals_a_loop():
    problem = get_problem("beale")
    x0s = jnp.array([[1.0, 1.0], [0.0, 0.0], [2.0, 0.2], [-1.0, 1.5]])
    opt = jl.adam(0.05)
    batched = jax.jit(jax.vmap(lambda x: minimize(problem.fun, x, opt, max_steps=400)))(x0s)
    for i, x0 in enumerate(x0s):
        single = minimize(problem.fun, x0, opt, max_steps=400)
        # the same ops on the same numbers, but batched: XLA:CPU picks other kernels for another
        # batch size, so a step may round differently (tests/rounding.py). Three starts converge
        # and agree to ~1e-15; the start (−1, 1.5) wanders 400 steps over Beale's flat region,
        # where Adam's normalised steps amplify a 1-ulp difference to 2e-7 relative (measured on
        # an AVX-512 Xeon): rtol = 1e-6
        np.testing.assert_allclose(batched.params[i], single.params, rtol=1e-6, atol=1e-12)
        assert int(batched.num_steps[i]) == int(single.num_steps)
        assert int(batched.reason[i]) == int(single.reason)


def test_vmap_over_hyperparameters_equals_a_loop():
    rates = jnp.array([0.01, 0.05, 0.2])
    f = get_problem("quadratic_l0").fun
    x0 = jnp.asarray(get_problem("quadratic_l0").x0)
    batched = jax.vmap(lambda lr: minimize(f, x0, jl.momentum(lr, 0.5), max_steps=300))(rates)
    for i, lr in enumerate(rates):
        single = minimize(f, x0, jl.momentum(float(lr), 0.5), max_steps=300)
        np.testing.assert_allclose(batched.value[i], single.value, rtol=1e-9, atol=1e-30)
        assert int(batched.num_steps[i]) == int(single.num_steps)


def test_pytree_parameters():
    def f(p):
        return jnp.sum((p["a"] - 2.0) ** 2) + jnp.sum((p["b"][0] + 1.0) ** 2) + (p["b"][1] - 3.0) ** 2

    p0 = {"a": jnp.zeros(3), "b": (jnp.zeros(2), jnp.zeros(()))}
    r = minimize(f, p0, jl.adam(0.1), max_steps=3000, gtol=1e-8)
    assert bool(r.converged)
    np.testing.assert_allclose(r.params["a"], 2.0, atol=1e-8)
    np.testing.assert_allclose(r.params["b"][0], -1.0, atol=1e-8)
    np.testing.assert_allclose(r.params["b"][1], 3.0, atol=1e-8)


def test_irprop_plus_gets_its_value_and_optax_line_search_its_value_fn():
    f = get_problem("beale").fun
    x0 = jnp.asarray(get_problem("beale").x0)
    # min_step 1e-12: with the default Δmin = 1e-6 the iterates cannot settle within gtol
    r = minimize(f, x0, jl.rprop(0.01, min_step=1e-12, variant="irprop+"), max_steps=2000)
    assert bool(r.converged), r.reason_name
    # optax's own L-BFGS with its zoom line search needs value, grad and value_fn
    r = minimize(f, x0, optax.lbfgs(), max_steps=200)
    assert bool(r.converged), r.reason_name
    np.testing.assert_allclose(r.params, [3.0, 0.5], atol=1e-6)


def test_least_squares_passes_the_residuals():
    seen = {}

    def spy(learning_rate):
        inner = jl.sgd(learning_rate)

        def update(u, s, p=None, residual_fn=None, **extra):
            seen["residual_fn"] = residual_fn
            return inner.update(u, s, p)

        return optax.GradientTransformationExtraArgs(inner.init, update)

    problem = get_problem("rosenbrock")
    r = least_squares(problem.residual_fn, jnp.asarray(problem.x0), spy(1e-3), max_steps=5)
    assert seen["residual_fn"] is problem.residual_fn
    np.testing.assert_allclose(r.value, problem.fun(r.params), rtol=1e-12)


FIRST_ORDER_RATES = np.logspace(-3, 1.5, 12)


@pytest.mark.parametrize("name", [n for n, s in registry.REGISTRY.items() if s.first_order])
@pytest.mark.parametrize("problem_name", ["quadratic_l0", "beale"])
def test_every_first_order_optimizer_reaches_the_minimum(name, problem_name):
    """Some rate of a 12-point log grid (one vmapped program) reaches f − f* ≤ 1e-10, with the
    hyperparameters and the decay of η its case asks for (tests/cases.py: e.g. RMSProp and
    AdaDelta hover at distance ~η around the minimum under a constant η, their step does not
    shrink with the gradient; the lectures decay η, §5)."""
    spec, case = registry.get(name), cases.CASES[name]
    problem = get_problem(problem_name)
    x0 = jnp.asarray(problem.x0)

    def run(lr):
        kwargs = {**spec.defaults, **case.minimize_overrides, spec.learning_rate_arg: lr}
        if case.minimize_lr_decay is not None:
            decay = case.minimize_lr_decay
            kwargs[spec.learning_rate_arg] = optax.exponential_decay(lr, transition_steps=1, decay_rate=decay)
        return minimize(problem.fun, x0, spec.factory(**kwargs), max_steps=4000, gtol=1e-9)

    results = jax.jit(jax.vmap(run))(jnp.asarray(FIRST_ORDER_RATES))
    gaps = np.where(np.asarray(results.diverged), np.inf, np.asarray(results.value) - problem.f_star)
    assert gaps.min() <= 1e-10, f"{name} on {problem_name}: best f − f* = {gaps.min():.3g}"
    best = int(np.argmin(gaps))
    np.testing.assert_allclose(results.params[best], problem.x_star, atol=1e-4)


def test_bad_arguments():
    with pytest.raises(ValueError, match="max_steps"):
        minimize(sphere, jnp.zeros(2), jl.sgd(0.1), max_steps=0)
    with pytest.raises(ValueError, match="gtol"):
        minimize(sphere, jnp.zeros(2), jl.sgd(0.1), gtol=-1.0)
    assert REASONS[0] == "running"
