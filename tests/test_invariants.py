"""Registry-wide contracts real model code relies on (issue 14, first part): every optimizer and
variant of the registry keeps its state's structure, shapes and dtypes across updates on the
parameter trees models have, runs under ``lax.scan``, and works under
``optax.inject_hyperparams`` inside ``jit``. A new registry entry is covered without edits here."""

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxopt_lectures import registry


def _cases():
    for name in registry.names():
        spec = registry.get(name)
        for vname, variant in (spec.variants or {"": None}).items():
            yield pytest.param(name, dict(variant.kwargs) if variant else {}, id=f"{name}-{vname}")


CASES = list(_cases())

TREES = {
    "array": jnp.array([0.5, -1.0, 2.0]),
    "dict": {"w": jnp.array([[0.5, -1.0], [2.0, 0.3]]), "b": jnp.array([0.1, -0.2])},
    "list": [jnp.array([0.5, -1.0]), jnp.array([2.0])],
    "nested tuple with a 0-d leaf": (jnp.array(0.7), (jnp.array([0.5, -1.0]), jnp.array(-0.3))),
}


def _problem(params):
    """f = Σ (x − 1)² + Σ x⁴/4 over the leaves, and its residuals (x − 1, x²/√2) as a tree."""

    def residual_fn(p):
        return jax.tree.map(lambda x: jnp.concatenate([jnp.ravel(x - 1.0), jnp.ravel(x**2) / jnp.sqrt(2.0)]), p)

    def fun(p):
        return 0.5 * sum(jnp.sum(r**2) for r in jax.tree.leaves(residual_fn(p)))

    return fun, residual_fn


def _signature(tree):
    return jax.tree.structure(tree), [(jnp.shape(x), jnp.result_type(x)) for x in jax.tree.leaves(tree)]


def _step(opt, fun, residual_fn):
    def step(params, state):
        value, grad = jax.value_and_grad(fun)(params)
        updates, state = opt.update(grad, state, params, value=value, grad=grad, value_fn=fun, residual_fn=residual_fn)
        return optax.apply_updates(params, updates), state

    return step


# the default run takes a dict (and scans over it); the slow pass adds the bare array, the list and
# the nested tuple with a 0-d leaf
_TREE_PARAMS = [t if t == "dict" else pytest.param(t, marks=pytest.mark.slow) for t in TREES]


@pytest.mark.parametrize("tree", _TREE_PARAMS)
@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_state_keeps_its_structure_shapes_and_dtypes_and_a_scan_runs(name, kwargs, tree):
    params = TREES[tree]
    fun, residual_fn = _problem(params)
    opt = optax.with_extra_args_support(registry.get(name).make(**kwargs))
    state = opt.init(params)
    step = jax.jit(_step(opt, fun, residual_fn))
    first = _signature(state)
    p = params
    for k in range(3):
        p, state = step(p, state)
        assert _signature(state) == first, f"state changed after update {k + 1}"
        assert _signature(p) == _signature(params)
        assert all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree.leaves(p))

    if tree == "dict":  # lax.scan needs the carry's structure fixed: 5 steps in one scan
        def body(carry, _):
            return step(*carry), None

        (p5, _), _ = jax.lax.scan(body, (params, opt.init(params)), None, length=5)
        assert _signature(p5) == _signature(params)


def _float_hyperparameters(spec, kwargs):
    merged = {**spec.defaults, **kwargs}
    return {k: v for k, v in merged.items() if isinstance(v, float)}


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_inject_hyperparams_works_under_jit(name, kwargs):
    spec = registry.get(name)
    merged = {**spec.defaults, **kwargs}
    floats = _float_hyperparameters(spec, kwargs)
    signature = inspect.signature(spec.factory).parameters  # integers, flags, strings stay static
    static = tuple(k for k, prm in signature.items() if k not in floats and not isinstance(prm.default, float))
    tx = optax.with_extra_args_support(optax.inject_hyperparams(spec.factory, static_args=static)(**merged))
    params = TREES["array"]
    fun, residual_fn = _problem(params)
    state = tx.init(params)
    step = jax.jit(_step(tx, fun, residual_fn))
    p1, s1 = step(params, state)
    assert _signature(s1) == _signature(state)
    if "learning_rate" in floats:  # the injected rate is read: doubling it changes the step …
        state.hyperparams["learning_rate"] = 2 * state.hyperparams["learning_rate"]
        p2, _ = step(params, state)
        if np.array_equal(np.asarray(p1), np.asarray(p2)):
            # … or, where it is the initial per-weight step Δ₀ kept in the state (Rprop, the delta
            # rules), a state initialised with the doubled rate takes another first step
            doubled = {**merged, "learning_rate": 2 * merged["learning_rate"]}
            tx2 = optax.with_extra_args_support(optax.inject_hyperparams(spec.factory, static_args=static)(**doubled))
            p2, _ = jax.jit(_step(tx2, fun, residual_fn))(params, tx2.init(params))
        assert not np.array_equal(np.asarray(p1), np.asarray(p2))


@pytest.mark.parametrize("name", [n for n in registry.names() if "learning_rate" in inspect.signature(registry.get(n).factory).parameters])
@pytest.mark.parametrize("bad", [None, "0.1", [0.1, 0.2], True], ids=["None", "str", "list", "bool"])
def test_a_learning_rate_that_is_not_a_number_is_refused_by_name(name, bad):
    """None used to be accepted and read by optax as "no scaling": the −η sign vanished and the
    optimizer climbed (adam(None) took f from 2 to 7459 in 50 steps)."""
    spec = registry.get(name)
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        spec.make(learning_rate=bad)


def test_centered_rmsprop_refuses_a_zero_decay():
    """γ = 0 makes the centred variance s − m̄² = g² − g² = 0 at every step: the step was η g/√ε."""
    import jaxopt_lectures as jl

    with pytest.raises(ValueError, match=r"decay must lie in \(0, 1\) with centered=True"):
        jl.rmsprop(0.01, decay=0.0, centered=True)
    jl.rmsprop(0.01, decay=0.0)  # uncentred γ = 0 is plain g/√(g² + ε): allowed


_WITH_EPS = [n for n in registry.names() if registry.get(n).family in registry.FIRST_ORDER_FAMILIES
             and "eps" in inspect.signature(registry.get(n).factory).parameters]  # fmt: skip


@pytest.mark.parametrize("eps", [0.0, 1e-8])
@pytest.mark.parametrize("name", _WITH_EPS)
def test_a_nan_gradient_is_not_swallowed_and_traced_eps_agrees(name, eps):
    """The 0/0 guard (ε = 0, or a traced ε) maps only an exact 0/0 to 0: a NaN gradient gives a NaN
    step the loops can see (it used to become a zero step with NaN left in the state, a frozen
    weight), a zero gradient a zero step; a concrete and a traced ε give the same numbers."""
    spec = registry.get(name)
    w = jnp.ones(3)
    g = jnp.array([jnp.nan, 0.5, 0.0])

    def update(e):
        tx = spec.make(eps=e)
        return tx.update(g, tx.init(w), w, value=1.0)[0]

    concrete = np.asarray(update(eps))
    traced = np.asarray(jax.jit(update)(eps))
    assert np.isnan(concrete[0]) and np.isnan(traced[0])
    assert np.isfinite(concrete[1:]).all()
    assert concrete[2] == 0.0 or name == "yogi"  # yogi moves a dead coordinate by design (test_validation)
    np.testing.assert_allclose(traced, concrete, rtol=1e-12)


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_init_from_shapes_and_dtypes_alone(name, kwargs):
    """``init(jax.ShapeDtypeStruct(...))`` builds the state a real array would (optax's L-BFGS allows
    it; the curvature methods used to fail inside ``ravel_pytree``)."""
    opt = registry.get(name).make(**kwargs)
    params = TREES["dict"]
    abstract = jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), params)
    assert _signature(opt.init(abstract)) == _signature(opt.init(params))
