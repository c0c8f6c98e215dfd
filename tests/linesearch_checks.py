"""What every registered line search must do (ALGORITHMS.md §6, STYLE.md habits 7, 8 and 10), as
functions of its :class:`~jaxopt_lectures.linesearch.LineSearchSpec`.

tests/test_linesearch.py runs each check over the registry; tests/test_linesearch_registry.py
runs them on a throwaway search registered by the test, so a new search is covered by
registering it. Each check builds the search with ``spec.factory()`` (its defaults).
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl

A = jnp.array([[3.0, 1.0], [1.0, 2.0]])
bvec = jnp.array([1.0, -1.0])


def quadratic(x):
    return 0.5 * x @ A @ x - bvec @ x


def rosenbrock(x):
    return (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] ** 2) ** 2


def nan_beyond(x):
    """(x − 3)² along x, NaN once x > 1: the minimiser along d lies in the NaN region."""
    v = jnp.sum((x - 3.0) ** 2)
    return jnp.where(jnp.all(x <= 1.0), v, jnp.nan)


def run(ls, f, x, d=None):
    """One search along d (default −∇f) from x; returns (step, state of the search, ∇f(x), d)."""
    g = jax.grad(f)(x)
    d = -g if d is None else d
    # one compiled program per test (eager mode would compile each lax.while_loop separately)
    u, state = jax.jit(lambda x, d: ls.update(d, ls.init(x), x, value=f(x), grad=g, value_fn=f))(x, d)
    return u, state, g, d


def ascent_direction_fails_with_step_zero(spec):
    """A direction with gᵀd > 0: the search fails, takes step 0 and reports f(x) (§6's failure rule)."""
    x = jnp.array([2.0, 2.0])
    g = jax.grad(quadratic)(x)
    u, s, _, _ = run(spec.factory(), quadratic, x, d=g)  # gᵀd > 0
    assert bool(s.failed)
    assert float(s.step_size) == 0.0
    assert np.all(np.asarray(u) == 0.0)
    np.testing.assert_allclose(float(s.value), quadratic(x))


def nan_region_gives_finite_step(spec):
    """Along d the minimiser lies where f is NaN: the step stays where f is finite, never NaN.

    Only the extra arguments the entry ``needs`` are passed (with ``params``): they suffice."""
    ls, f, x, d = spec.factory(), nan_beyond, jnp.array([0.0]), jnp.array([0.5])
    extras = {"value": f(x), "grad": jax.grad(f)(x), "value_fn": f}
    extras = {k: v for k, v in extras.items() if k in spec.needs}
    u, s = jax.jit(lambda x, d: ls.update(d, ls.init(x), x, **extras))(x, d)
    assert np.all(np.isfinite(np.asarray(u)))
    assert np.isfinite(float(s.value))
    assert 0.0 <= float(s.step_size) <= 2.0 + 1e-12  # stays where f is finite
    assert float(s.value) <= float(f(x))


def vmap_over_starting_points_equals_loop(spec):
    """``vmap`` over three starts == ``lax.map`` (a sequential loop), with an unknown extra argument."""
    ls = spec.factory()
    xs = jnp.array([[-1.2, 1.0], [0.5, 0.5], [2.0, -1.0]])

    def one(x):
        g = jax.grad(rosenbrock)(x)
        # an unknown extra argument (as fit or a user loop might pass) is ignored
        return ls.update(-g, ls.init(x), x, value=rosenbrock(x), grad=g, value_fn=rosenbrock, batch=1)

    (ub, sb), (ul, sl) = jax.jit(lambda xs: (jax.vmap(one)(xs), jax.lax.map(one, xs)))(xs)
    for i in range(len(xs)):
        u, s = ul[i], jax.tree.map(lambda a: a[i], sl)
        np.testing.assert_allclose(ub[i], u, rtol=1e-12)  # same float64 operations, batched or not
        np.testing.assert_allclose(sb.step_size[i], s.step_size, rtol=1e-12)
        assert int(sb.num_evals[i]) == int(s.num_evals)
        assert bool(sb.failed[i]) == bool(s.failed)


def composes_with_minimize_on_pytrees(spec):
    """Steepest descent chained with the search minimises the quadratic split over a dict and a
    tuple; the state's shapes and dtypes are those of ``init`` after the run."""
    opt = optax.chain(optax.scale(-1.0), spec.factory())

    def f(p):  # the quadratic above, with x split over a dict and a tuple
        return quadratic(jnp.concatenate([p["a"], p["b"][0]]))

    x0 = {"a": jnp.array([2.0]), "b": (jnp.array([2.0]),)}
    # gtol 1e-6: a value-only search resolves f to rounding, so ‖∇f‖ stalls near √ε·scale
    r = jl.minimize(f, x0, opt, max_steps=200, gtol=1e-6)
    assert bool(r.converged), r.reason_name
    assert jax.tree.structure(r.params) == jax.tree.structure(x0)
    x = jnp.concatenate([r.params["a"], r.params["b"][0]])
    np.testing.assert_allclose(x, jnp.linalg.solve(A, bvec), atol=2e-6)  # ‖x − x*‖ ≤ ‖∇f‖/λ_min ≈ 1e-6/1.4
    s0 = opt.init(x0)
    assert jax.tree.map(lambda a: (a.shape, a.dtype), s0) == jax.tree.map(lambda a: (a.shape, a.dtype), r.state)


def missing_extra_args_are_named(spec):
    """Leaving out any argument the entry ``needs`` raises ``TypeError`` naming it."""
    ls = spec.factory()
    x = jnp.ones(2)
    full = {"value": quadratic(x), "grad": jax.grad(quadratic)(x), "value_fn": quadratic}
    assert spec.needs and set(spec.needs) <= set(full)
    for name in spec.needs:
        with pytest.raises(TypeError, match=name):
            ls.update(-x, ls.init(x), x, **{k: v for k, v in full.items() if k != name})


def stored_evaluation_is_f_and_grad_at_the_step(spec):
    """An entry with ``evaluation``: its state is a ``state_type`` and ``evaluation(state)`` is
    f and ∇f at x + u, after a successful and after a failed (ascent) search."""
    assert spec.state_type is not None and spec.evaluation is not None
    ls = spec.factory()
    x = jnp.array([-1.2, 1.0])
    assert isinstance(ls.init(x), spec.state_type)
    g = jax.grad(rosenbrock)(x)
    search = jax.jit(lambda d: ls.update(d, ls.init(x), x, value=rosenbrock(x), grad=g, value_fn=rosenbrock))
    for d in (-g, g):  # descent, then ascent (step 0: f(x), ∇f(x)); one compiled program
        u, s = search(d)
        assert isinstance(s, spec.state_type)
        value, grad = spec.evaluation(s)
        x_new = x + u
        # rtol 1e-12: the same float64 evaluation, maybe fused differently by XLA
        np.testing.assert_allclose(float(value), float(rosenbrock(x_new)), rtol=1e-12)
        np.testing.assert_allclose(grad, jax.grad(rosenbrock)(x_new), rtol=1e-12, atol=1e-12)


#: Every check that applies to every registered search.
CHECKS = [
    ascent_direction_fails_with_step_zero,
    nan_region_gives_finite_step,
    vmap_over_starting_points_equals_loop,
    composes_with_minimize_on_pytrees,
    missing_extra_args_are_named,
]
