"""Curvature methods (ALGORITHMS.md §6–7): generic behaviour over the registry and argument checks
(issue 4, item 2). Hand-written NumPy loops of each update are in test_second_order_reference.py,
the lectures' facts in test_second_order_lectures.py; convergence on the test problems and the
cross-checks against scipy and optax are in test_second_order_convergence.py. Cases and problems:
second_order_problems.py.
"""

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
from invariant_problems import one_per_entry
from second_order_problems import CASES, CURVATURE, X0, build, extras, fun, residuals, steps


# --------------------------------------------------------------------------------------------
# Generic behaviour over every registered curvature method and variant
# --------------------------------------------------------------------------------------------


def test_cases_cover_the_curvature_families():
    """Every registered curvature method has cases here, and ALGORITHMS.md §6–7's are all
    registered (a new one may join them)."""
    assert {c.values[0] for c in CASES} == set(CURVATURE)
    assert set(CURVATURE) >= {
        "steepest_descent", "nonlinear_cg", "newton", "newton_cg", "gauss_newton", "levenberg_marquardt", "bfgs",
        "lbfgs",
    }  # fmt: skip


@pytest.mark.parametrize(("name", "vname"), one_per_entry(CASES))  # every variant in the slow pass
def test_eager_equals_jit(name, vname):
    # XLA fuses the jitted program differently from op-by-op execution, so the two round
    # differently; CG solves and line searches amplify that (κ ≈ 1e3 here) to ~1e-10
    xs_jit, _ = steps(build(name, vname), X0, 3)
    xs_eager, _ = steps(build(name, vname), X0, 3, jit=False)
    np.testing.assert_allclose(np.stack(xs_jit), np.stack(xs_eager), rtol=1e-8, atol=1e-10)
    assert np.all(np.isfinite(np.stack(xs_jit)))  # pure Newton may go uphill here, but never to NaN


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_dict_pytree_equals_flat_vector(name, vname):
    """Directions are computed on the flattened parameters: a dict of leaves gives the same steps."""
    split = lambda x: {"a": x[:2], "b": x[2:].reshape(1, 2)}  # noqa: E731
    join = lambda t: jnp.concatenate([t["a"], t["b"].ravel()])  # noqa: E731
    xs_tree, _ = steps(build(name, vname), split(X0), 3, f=lambda t: fun(join(t)), r=lambda t: residuals(join(t)))
    xs_flat, _ = steps(build(name, vname), X0, 3)
    np.testing.assert_allclose(np.stack([join(t) for t in xs_tree]), np.stack(xs_flat), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_float32_parameters_stay_float32(name, vname):
    x = X0.astype(jnp.float32)
    xs, state = steps(build(name, vname), x, 2)
    assert all(y.dtype == jnp.float32 for y in xs)
    assert np.all(np.isfinite(np.asarray(xs[-1])))
    floats = [leaf for leaf in jax.tree.leaves(state) if jnp.issubdtype(leaf.dtype, jnp.floating)]
    assert all(leaf.dtype == jnp.float32 for leaf in floats), [leaf.dtype for leaf in floats]


@pytest.mark.parametrize(("name", "vname"), one_per_entry(CASES))  # every variant in the slow pass
def test_vmap_over_starting_points_equals_loop(name, vname):
    spec = registry.get(name)
    solve = jl.least_squares if "residual_fn" in spec.needs(**spec.variants[vname].kwargs) else jl.minimize
    target = residuals if solve is jl.least_squares else fun
    starts = jnp.stack([X0, X0 * 0.5, X0 + 0.3])
    run = lambda x0: solve(target, x0, build(name, vname), max_steps=4, gtol=0.0)  # noqa: E731
    batch = jax.jit(jax.vmap(run))(starts)
    for i, x0 in enumerate(starts):
        one = jax.jit(run)(x0)
        np.testing.assert_allclose(batch.params[i], one.params, rtol=1e-10, atol=1e-12)
        assert int(batch.num_steps[i]) == int(one.num_steps)


@pytest.mark.parametrize(("name", "vname"), one_per_entry(CASES))  # every variant in the slow pass
def test_composes_in_optax_chain(name, vname):
    """After an inactive clip (threshold far above ‖g‖) the chain takes the same steps; extras
    reach the method through optax.chain, and unknown extra arguments are ignored."""
    chained = optax.chain(optax.clip_by_global_norm(1e6), build(name, vname))
    xs_chain, _ = steps(chained, X0, 2)
    xs_plain, _ = steps(build(name, vname), X0, 2)
    np.testing.assert_allclose(np.stack(xs_chain), np.stack(xs_plain), rtol=1e-12)
    opt = build(name, vname)
    g = jax.grad(fun)(X0)
    u, _ = opt.update(g, opt.init(X0), X0, value=fun(X0), grad=g, unknown_extra=1.0, **extras())
    assert np.all(np.isfinite(np.asarray(u)))


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_missing_extra_arguments_raise_naming_them(name, vname):
    spec = registry.get(name)
    needed = spec.needs(**spec.variants[vname].kwargs)
    opt = build(name, vname)
    g = jax.grad(fun)(X0)
    if "residual_fn" in needed:
        with pytest.raises(TypeError, match="residual_fn"):
            opt.update(g, opt.init(X0), X0, value=fun(X0), grad=g, value_fn=fun)
    if "value_fn" in needed:
        with pytest.raises(TypeError, match="value_fn"):
            opt.update(g, opt.init(X0), X0, value=fun(X0), grad=g, residual_fn=residuals)


def test_line_search_can_be_a_name_or_a_transformation():
    by_name = steps(jl.bfgs(line_search="armijo"), X0, 3)[0]
    by_transform = steps(jl.bfgs(line_search=jl.scale_by_armijo_line_search()), X0, 3)[0]
    # bitwise: the same search object either way, stepped eagerly on the same numbers
    np.testing.assert_array_equal(np.stack(by_name), np.stack(by_transform))
    custom = steps(jl.nonlinear_cg(line_search=jl.scale_by_wolfe_line_search(c2=0.5)), X0, 3)[0]
    assert fun(custom[-1]) < fun(X0)


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------

# (method, keyword arguments, regex of the message): each case's ``bad_arguments`` (tests/cases.py)
BAD_ARGS = [(name, kw, pattern) for name in CURVATURE for kw, pattern in cases.CASES[name].bad_arguments]


@pytest.mark.parametrize(("name", "kwargs", "pattern"), BAD_ARGS, ids=lambda a: str(a) if isinstance(a, dict) else None)
def test_bad_arguments_raise_naming_the_argument_and_range(name, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        registry.get(name).factory(**kwargs)


def test_line_search_of_the_wrong_type_raises():
    with pytest.raises(TypeError, match="line_search"):
        jl.bfgs(line_search=0.5)


def test_traced_damping_passes_and_vmaps():
    """Damping may be a traced array: one compiled program over a grid equals separate runs."""
    p = get_problem("exponential_fit")
    x0 = jnp.asarray(p.x0)
    grid = jnp.asarray([1e-3, 1.0, 100.0])
    run = lambda mu: jl.least_squares(p.residual_fn, x0, jl.levenberg_marquardt(damping=mu), max_steps=3).params  # noqa: E731
    batch = jax.jit(jax.vmap(run))(grid)
    for i, mu in enumerate([1e-3, 1.0, 100.0]):
        np.testing.assert_allclose(batch[i], run(mu), rtol=1e-10)
    assert not np.allclose(batch[0], batch[2])
    newton = lambda lam: jl.minimize(fun, X0, jl.newton(damping=lam), max_steps=2).params  # noqa: E731
    nb = jax.jit(jax.vmap(newton))(grid)
    np.testing.assert_allclose(nb[1], newton(1.0), rtol=1e-10)
