"""Registry-wide contracts real model code relies on (issue 14, item 2): every optimizer and
variant of the registry keeps its state's structure, shapes and dtypes across updates on the
parameter trees models have (an empty dict and mixed float16/bfloat16/float32/float64 leaves
included), runs under ``lax.scan``, is traced once under ``jit`` and computes there the bits eager
execution computes (without the two rewrites by which XLA:CPU rounds otherwise), works under
``optax.inject_hyperparams`` inside ``jit`` (each injected float changes the steps), and turns
finite inputs (zero gradients, gradients of 1e±30 in float32, hyperparameters and trees drawn by
hypothesis) into finite outputs. A new registry entry is covered without edits here; the optax
wrappers (``MultiSteps``, ``apply_if_finite``, clipping) and checkpoints are in
test_invariants_wrappers.py.
"""

import inspect
import json
import math
import os
import platform
import subprocess
import sys

import chex
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cases
from jaxopt_lectures import registry


def _cases():
    for name in registry.names():
        spec = registry.get(name)
        for vname, variant in (spec.variants or {"": None}).items():
            yield pytest.param(name, dict(variant.kwargs) if variant else {}, id=f"{name}-{vname}")


CASES = list(_cases())


def one_per_entry(cases, all_slow=False):
    """The default run takes each registry entry's first variant; the slow pass every variant
    (``all_slow``: every case in the slow pass only)."""
    seen, out = set(), []
    for case in cases:
        first = case.values[0] not in seen and not all_slow
        seen.add(case.values[0])
        out.append(case if first else pytest.param(*case.values, id=case.id, marks=pytest.mark.slow))
    return out


TREES = {
    "array": jnp.array([0.5, -1.0, 2.0]),
    "dict": {"w": jnp.array([[0.5, -1.0], [2.0, 0.3]]), "b": jnp.array([0.1, -0.2])},
    "list": [jnp.array([0.5, -1.0]), jnp.array([2.0])],
    # 0-d leaves of a fixed dtype, as an initializer makes them: jnp.array(0.7) would be weakly
    # typed, and optax.apply_updates returns it strongly typed (a new input type for jit)
    "nested tuple with a 0-d leaf": (jnp.asarray(0.7, float), (jnp.array([0.5, -1.0]), jnp.asarray(-0.3, float))),
    "empty dict": {},
    # a model in mixed precision: every leaf keeps its own dtype (float64 only under x64, which
    # tests/conftest.py turns on for the whole suite)
    "mixed dtypes": {
        "h": jnp.array([0.5, -1.0], jnp.float16),
        "b": jnp.array([[2.0, 0.3]], jnp.bfloat16),
        "s": jnp.array(0.7, jnp.float32),
        **({"d": jnp.array([0.1, -0.2, 0.3], jnp.float64)} if jax.config.jax_enable_x64 else {}),
    },
}


def invariant_problem(params):
    """f = Σ (x − 1)² + Σ x⁴/4 over the leaves, and its residuals (x − 1, x²/√2) as a tree."""

    def residual_fn(p):
        return jax.tree.map(lambda x: jnp.concatenate([jnp.ravel(x - 1.0), jnp.ravel(x**2) / jnp.sqrt(2.0)]), p)

    def fun(p):
        return 0.5 * sum(jnp.sum(r**2) for r in jax.tree.leaves(residual_fn(p)))

    return fun, residual_fn


def tree_signature(tree):
    return jax.tree.structure(tree), [(jnp.shape(x), jnp.result_type(x)) for x in jax.tree.leaves(tree)]


def step_function(opt, fun, residual_fn, with_updates=False):
    def step(params, state):
        value, grad = jax.value_and_grad(fun)(params)
        updates, state = opt.update(grad, state, params, value=value, grad=grad, value_fn=fun, residual_fn=residual_fn)
        new = optax.apply_updates(params, updates)
        return (new, state, updates) if with_updates else (new, state)

    return step


def _dtypes(tree):
    return [jnp.result_type(x) for x in jax.tree.leaves(tree)]


def _parameter_mirrors(state, params):
    """The dicts in ``state`` with the keys of the parameter dict ``params``: per-parameter
    statistics (momenta, second moments, step sizes, the last gradient a search saw)."""
    if not isinstance(params, dict) or not params:
        return []
    nodes = jax.tree.leaves(state, is_leaf=lambda x: isinstance(x, dict))
    return [n for n in nodes if isinstance(n, dict) and set(n) == set(params)]


def _assert_parameter_dtypes_kept(params, updates, state, when):
    """Updates and every floating per-parameter state leaf have their parameter's dtype (a rule
    may keep integer codes, as Rprop's int8 signs). The flat vectors of the curvature methods are
    in the promoted compute dtype (second_order/_common.Flat); their stability is the signature's."""
    assert _dtypes(updates) == _dtypes(params), f"update dtypes {_dtypes(updates)}, params {_dtypes(params)} {when}"
    for mirror in _parameter_mirrors(state, params):
        for key, leaf in mirror.items():
            if leaf is not None and jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
                assert jnp.result_type(leaf) == params[key].dtype, f"state leaf {key!r}: {jnp.result_type(leaf)} {when}"


# the default run takes the mixed-precision dict (and scans over it) and the empty dict for each
# registry entry's first variant; the slow pass every variant, and adds the float64 dict, the bare
# array, the list and the nested tuple with a 0-d leaf
_DEFAULT_TREES = ("mixed dtypes", "empty dict")
_TREE_PARAMS = [t if t in _DEFAULT_TREES else pytest.param(t, marks=pytest.mark.slow) for t in TREES]


@pytest.mark.parametrize("tree", _TREE_PARAMS)
@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))
def test_state_keeps_its_structure_shapes_and_dtypes_and_a_scan_runs(name, kwargs, tree):
    """Five updates in one ``lax.scan``, whose carry must keep its tree structure, shapes, dtypes
    and weak types after every update (what ``while_loop`` and checkpoint templates need too);
    the compiled scan is traced once, so a second call with the state it returned hits it."""
    params = TREES[tree]
    fun, residual_fn = invariant_problem(params)
    opt = optax.with_extra_args_support(registry.get(name).make(**kwargs))
    state = opt.init(params)
    step = step_function(opt, fun, residual_fn, with_updates=True)

    def five_updates(p, s):
        def body(carry, _):
            p, s, updates = step(*carry)
            return (p, s), updates

        (p, s), updates = jax.lax.scan(body, (p, s), None, length=5)
        return p, s, updates

    chex.clear_trace_counter()
    run = jax.jit(chex.assert_max_traces(five_updates, n=1))
    p = params
    for k in (5, 10):
        p, state, updates = run(p, state)
        assert tree_signature(state) == tree_signature(opt.init(params)), f"state changed after update {k}"
        assert tree_signature(p) == tree_signature(params)
        _assert_parameter_dtypes_kept(params, jax.tree.map(lambda u: u[-1], updates), state, f"after update {k}")
        assert all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree.leaves(p))
    if tree == "empty dict":
        assert updates == {} and p == {}


def test_the_flat_view_keeps_each_leaf_dtype_and_the_empty_tree():
    """The curvature methods' flat vector (``ravel_pytree``) promotes mixed leaves to one compute
    dtype; the way back must cast each leaf to its own dtype again, and an empty tree is the
    empty vector (nothing to concatenate)."""
    from jaxopt_lectures.second_order.common import flatten

    params = TREES["mixed dtypes"]
    flat = flatten(params)
    assert flat.dtype == jnp.result_type(jnp.float32, *_dtypes(params))
    back = flat.unravel(flat.vec * 3.0)
    assert _dtypes(back) == _dtypes(params)
    for key, leaf in params.items():  # each leaf tripled, then rounded to its own dtype
        tripled = (leaf.astype(flat.dtype) * 3).astype(leaf.dtype)
        np.testing.assert_array_equal(np.asarray(back[key]), np.asarray(tripled))
    empty = flatten({})
    assert empty.vec.shape == (0,) and empty.unravel(empty.vec) == {}


def _float_hyperparameters(spec, kwargs):
    merged = {**spec.defaults, **kwargs}
    return {k: v for k, v in merged.items() if isinstance(v, float)}


def _inactive(name, kwargs, arg):
    """An injected float whose change cannot show within 3 steps on test_inject_hyperparams' problem
    (f = Σ (x − 1)² + x⁴/4 from x = (0.5, −1, 2)), because the branch it enters is never taken for
    these variant keywords: the case's ``inactive`` says which and why (tests/cases.py)."""
    condition = cases.CASES[name].inactive.get(arg)
    return condition is not None and all(kwargs.get(k) == v for k, v in condition.items())


@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))
def test_inject_hyperparams_works_under_jit(name, kwargs):
    spec = registry.get(name)
    merged = {**spec.defaults, **kwargs}
    floats = _float_hyperparameters(spec, kwargs)
    signature = inspect.signature(spec.factory).parameters  # integers, flags, strings stay static
    static = tuple(k for k, prm in signature.items() if k not in floats and not isinstance(prm.default, float))
    tx = optax.with_extra_args_support(optax.inject_hyperparams(spec.factory, static_args=static)(**merged))
    params = TREES["array"]
    fun, residual_fn = invariant_problem(params)
    state = tx.init(params)
    step = jax.jit(step_function(tx, fun, residual_fn))
    p1, s1 = step(params, state)
    assert tree_signature(s1) == tree_signature(state)
    if "learning_rate" in floats:  # the injected rate is read: doubling it changes the step …
        state.hyperparams["learning_rate"] = 2 * state.hyperparams["learning_rate"]
        p2, _ = step(params, state)
        if np.array_equal(np.asarray(p1), np.asarray(p2)):
            # … or, where it is the initial per-weight step Δ₀ kept in the state (Rprop, the delta
            # rules), a state initialised with the doubled rate takes another first step
            doubled = {**merged, "learning_rate": 2 * merged["learning_rate"]}
            tx2 = optax.with_extra_args_support(optax.inject_hyperparams(spec.factory, static_args=static)(**doubled))
            p2, _ = jax.jit(step_function(tx2, fun, residual_fn))(params, tx2.init(params))
        assert not np.array_equal(np.asarray(p1), np.asarray(p2))

    # Every other injected float, changed in the state, changes the next three steps of the same
    # compiled program — or, for a value the state copies at init (AdaGrad's and Yogi's s₀,
    # Levenberg–Marquardt's μ₀), a state initialised with it does — unless this problem never
    # takes the branch it enters (the case's ``inactive`` says why).
    def three_steps(s):
        p = params
        for _ in range(3):
            p, s = step(p, s)
        return np.asarray(p)

    unchanged = three_steps(tx.init(params))
    wrong = []
    for arg in sorted(set(state.hyperparams) - {"learning_rate"}):
        r = cases.CASES[name].ranges[arg]
        value = float(state.hyperparams[arg])
        changed = _rescaled(r, value, 3.0) if value != r.low else (0.5 if r.high == 1.0 else 1.0)
        moved = tx.init(params)
        moved.hyperparams[arg] = jnp.asarray(changed, moved.hyperparams[arg].dtype)
        reinitialised = optax.inject_hyperparams(spec.factory, static_args=static)(**{**merged, arg: changed})
        effect = [not np.array_equal(three_steps(s), unchanged) for s in (moved, reinitialised.init(params))]
        if any(effect) == _inactive(name, kwargs, arg):
            wrong.append(f"{arg}: {value} → {changed} {'changed' if any(effect) else 'did not change'} the steps")
    assert not wrong, wrong


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
    assert concrete[2] == 0.0 or cases.CASES[name].moves_dead_coordinate  # (Yogi's m₀, v₀ > 0)
    np.testing.assert_allclose(traced, concrete, rtol=1e-12)


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_init_from_shapes_and_dtypes_alone(name, kwargs):
    """``init(jax.ShapeDtypeStruct(...))`` builds the state a real array would (optax's L-BFGS allows
    it; the curvature methods used to fail inside ``ravel_pytree``)."""
    opt = registry.get(name).make(**kwargs)
    params = TREES["dict"]
    abstract = jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), params)
    assert tree_signature(opt.init(abstract)) == tree_signature(opt.init(params))



def test_a_line_search_sums_the_slope_of_16_bit_leaves_in_float32():
    """φ'(0) = gᵀd over bfloat16/float16 leaves is summed in the search's float32 (at least): as a
    bfloat16 dot, 1000 products of 1 + 2⁻⁷ came out as 1008 (8 bits of significand), not
    1007.8125; and XLA:CPU rounded such a dot otherwise inside a fused program than alone."""
    from jaxopt_lectures.linesearch.phi import slope

    g = {"b": jnp.full(1000, 1.0 + 2.0**-7, jnp.bfloat16), "h": jnp.full(3, 0.5, jnp.float16)}
    d = {"b": jnp.ones(1000, jnp.bfloat16), "h": jnp.full(3, -2.0, jnp.float16)}
    want = 1000 * (1.0 + 2.0**-7) - 3.0  # 1004.8125, exact in float32
    assert float(slope(g, d, jnp.float32)) == want
    assert float(jax.jit(slope, static_argnums=2)(g, d, jnp.float32)) == want


# --------------------------------------------------------------------------------------------
# Finite in, finite out: zero gradients, gradients of 1e±30 in float32
# --------------------------------------------------------------------------------------------

_F32 = jax.tree.map(lambda x: x.astype(jnp.float32), TREES["dict"])


def _scaled_problem(scale, center):
    """f = (s/2) Σ ‖r‖² with r = (x − c, (x − c)²/√2) per leaf: its gradient s(x − c)(1 + (x − c)²)
    is s times an O(1) number, and at x = c the gradient and the residuals are exactly 0 (a
    minimum with H = s I)."""
    root = jnp.sqrt(scale)

    def residual(x, c):
        d = x - c
        return root.astype(x.dtype) * jnp.concatenate([jnp.ravel(d), jnp.ravel(d**2) / math.sqrt(2.0)])

    def residual_fn(p):
        return jax.tree.map(residual, p, center)

    def fun(p):
        return 0.5 * sum(jnp.sum(r**2) for r in jax.tree.leaves(residual_fn(p)))

    return fun, residual_fn


def _assert_finite_outputs(updates, state, params, initial, when, nan_free_only=False):
    """Updates finite and of the parameters' dtypes; the state without NaN, and finite wherever it
    was finite at ``init`` (the +∞ a state starts from — Newton's λ_min, a search's errors and last
    value, iRprop+'s last loss — means "not computed yet" and may stay).
    """
    assert _dtypes(updates) == _dtypes(params), when
    for path, u in jax.tree_util.tree_leaves_with_path(updates):
        bad = np.isnan(u) if nan_free_only else ~np.isfinite(u)
        assert not bad.any(), f"update{jax.tree_util.keystr(path)} = {u} {when}"
    for (path, x), x0 in zip(jax.tree_util.tree_leaves_with_path(state), jax.tree.leaves(initial)):
        if not jnp.issubdtype(jnp.result_type(x), jnp.floating):
            continue
        x, x0 = np.asarray(x, np.float64), np.asarray(x0, np.float64)
        where = f"state{jax.tree_util.keystr(path)} = {x} {when}"
        assert not np.isnan(x).any(), where
        assert nan_free_only or np.isfinite(x[np.isfinite(x0)]).all(), where


@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))
def test_finite_inputs_give_finite_outputs(name, kwargs):
    """All-zero gradients (no 0/0), and float32 gradients of 1e30 and 1e−30 (squares that overflow
    and underflow), give finite updates and states of the parameters' dtypes, over 3 updates.

    The first-order methods take the gradients as data: ∇f(x₀) times 1, −0.5 and 2 (signs change,
    so the sign rules take every branch) times s, and losses s f(x₀) times 1, 0.9, 1.1 (iRprop+
    sees the loss fall, then rise). The curvature methods, which evaluate f themselves and whose
    steps do not grow with s, follow their own iterates on s f.
    """
    spec = registry.get(name)
    opt = optax.with_extra_args_support(spec.make(**kwargs))
    first_order = spec.family in registry.FIRST_ORDER_FAMILIES

    @jax.jit
    def step(p, state, scale, center, g, value):
        fun, residual_fn = _scaled_problem(scale, center)
        if not first_order:
            value, g = jax.value_and_grad(fun)(p)
        updates, state = opt.update(g, state, p, value=value, grad=g, value_fn=fun, residual_fn=residual_fn)
        return optax.apply_updates(p, updates), state, updates

    x0 = _F32
    initial = opt.init(x0)
    scenarios = {"zero": (1.0, x0), "1e30": (1e30, jax.tree.map(lambda x: x + 0.5, x0)),
                 "1e-30": (1e-30, jax.tree.map(lambda x: x + 0.5, x0))}  # fmt: skip
    for label, (scale, center) in scenarios.items():
        scale = jnp.float32(scale)
        fun, _ = _scaled_problem(scale, center)
        f0, g0 = jax.value_and_grad(fun)(x0)
        if label == "zero":
            assert not any(bool(jnp.any(g != 0)) for g in jax.tree.leaves(g0)) and float(f0) == 0.0
        else:
            assert all(bool(jnp.all(jnp.isfinite(g))) for g in jax.tree.leaves(g0))
        p, state = x0, initial
        for k, factor in enumerate((1.0, -0.5, 2.0)):
            g = jax.tree.map(lambda x: x * jnp.float32(factor), g0)
            value = f0 * jnp.float32((1.0, 0.9, 1.1)[k])
            p, state, updates = step(p, state, scale, center, g, value)
            when = f"at update {k + 1} with gradients of scale {label}"
            # where the exact result lies beyond float32 its rounding is ±∞, which is right, not a
            # defect (the case's ``beyond_float32``): the update and state need only be free of NaN
            beyond = label in cases.CASES[name].beyond_float32
            _assert_finite_outputs(updates, state, x0, initial, when, nan_free_only=beyond)
            assert tree_signature(state) == tree_signature(initial), when
            if not first_order:
                assert all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree.leaves(p)), when


# --------------------------------------------------------------------------------------------
# Property: drawn hyperparameters and tree shapes
# --------------------------------------------------------------------------------------------


def _float_arguments(name, kwargs):
    """Every float hyperparameter of the registry case: the factory's float defaults, the
    registry's defaults and the variant's keywords."""
    spec = registry.get(name)
    signature = inspect.signature(spec.factory).parameters
    merged = {k: p.default for k, p in signature.items() if isinstance(p.default, float)}
    merged.update({k: v for k, v in {**spec.defaults, **kwargs}.items() if isinstance(v, float)})
    return merged


def _rescaled(r, value, factor):
    """``value`` moved by ``factor`` ∈ [0.1, 10] inside the argument's valid range: a decay β in
    (0, 1) by its odds β/(1 − β), a factor above 1 (η⁺, μ's increase) by its excess over 1, the
    rest (rates, ε, bounds) by itself. A value at the low end (a zero default) stays."""
    low, high = r.low, r.high
    if value == low:
        return value
    if high == 1.0:
        odds = (value - low) / (1.0 - value) * factor
        return low + odds / (1.0 + odds) * (1.0 - low)
    return low + (value - low) * factor


def test_every_float_hyperparameter_has_a_range():
    """A new float argument must get a range in its case (tests/cases.py) to be drawn."""
    for case in CASES:
        missing = set(_float_arguments(*case.values)) - set(cases.CASES[case.values[0]].ranges)
        assert not missing, f"{case.id}: no range for {sorted(missing)}"


_LEAF_DTYPES = [jnp.float32, jnp.bfloat16] + ([jnp.float64] if jax.config.jax_enable_x64 else [])


@st.composite
def _trees(draw):
    """A dict of 1–3 leaves with 0–2 dimensions of sizes 1–4 and drawn dtypes, values in [−1, 1]
    (float16 is left out: its steps on this problem may lie beyond 65504 after a drawn rate)."""
    shapes = draw(st.lists(st.lists(st.integers(1, 4), max_size=2), min_size=1, max_size=3), label="shapes")
    dtypes = [draw(st.sampled_from(_LEAF_DTYPES), label="dtype") for _ in shapes]
    rng = np.random.default_rng(draw(st.integers(0, 2**16), label="seed"))
    leaves = [jnp.asarray(rng.uniform(-1.0, 1.0, size=shape), dtype) for shape, dtype in zip(shapes, dtypes)]
    return {f"p{i}": leaf for i, leaf in enumerate(leaves)}


def _drawn_case_runs(data, name, kwargs):
    ranges = cases.CASES[name].ranges
    drawn = {arg: _rescaled(ranges[arg], value, 10.0 ** data.draw(st.floats(-1.0, 1.0), label=arg))
             for arg, value in _float_arguments(name, kwargs).items()}  # fmt: skip
    params = data.draw(_trees(), label="params")
    opt = optax.with_extra_args_support(registry.get(name).make(**{**kwargs, **drawn}))
    fun, residual_fn = invariant_problem(params)
    step = jax.jit(step_function(opt, fun, residual_fn, with_updates=True))
    initial = opt.init(params)
    p, state = params, initial
    for k in range(3):
        p, state, updates = step(p, state)
        assert tree_signature(state) == tree_signature(initial), f"state changed after update {k + 1}"
        _assert_parameter_dtypes_kept(params, updates, state, f"after update {k + 1}")
        _assert_finite_outputs(updates, state, params, initial, f"at update {k + 1}")


_PROPERTY_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=12, **_PROPERTY_SETTINGS)
@given(data=st.data())
def test_property_drawn_hyperparameters_and_trees_keep_the_state_and_stay_finite(data):
    """Hyperparameters within a factor 10 of the defaults (in their valid ranges) and small trees
    of mixed dtypes, for registry cases drawn at random (each example compiles one step, ~0.5 s;
    the slow pass runs every case)."""
    case = data.draw(st.sampled_from(CASES), label="case")
    _drawn_case_runs(data, *case.values)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "kwargs"), CASES)
@settings(max_examples=8, **_PROPERTY_SETTINGS)
@given(data=st.data())
def test_property_every_case_with_drawn_hyperparameters_and_trees(name, kwargs, data):
    _drawn_case_runs(data, name, kwargs)


# --------------------------------------------------------------------------------------------
# jit and eager: the same bits
# --------------------------------------------------------------------------------------------

# XLA:CPU's compiled program rounds otherwise than the same operations run one by one in exactly
# two ways here: LLVM contracts a·b + c into one fused multiply-add (one rounding instead of two;
# AVX2 and later have the instruction), and the algebraic simplifier reassociates and folds
# constants — (1 − β)·(−η·g) into (−η(1 − β))·g in momentum's dampened form, Nadam's β1·m/c,
# the dense products of Newton, Gauss–Newton and Levenberg–Marquardt. Both move an update by an
# ulp or so (measured: ≤ 4e-16 relative in float64, 2e-15 after LM's CG); test_transformations.py
# and test_second_order.py compare jit with eager to that rounding on the machine's own ISA. Here
# the two are switched off, and then every update and state is equal bit for bit: nothing else
# (a hyperparameter baked in at another precision, a branch taken at trace time, a weak type)
# tells the compiled program from eager execution.
_NO_FMA_NO_ALGSIMP = "--xla_cpu_max_isa=AVX --xla_disable_hlo_passes=algsimp"

_FLOAT32_TREES = {"float32 dict": _F32}


def leaf_bits(tree):
    """Each leaf's bytes as unsigned integers of its width (NaN payloads and −0 compared too)."""
    return jax.tree.map(lambda x: np.asarray(x).view(f"u{np.asarray(x).dtype.itemsize}"), tree)


def _jit_eager_mismatches(ids, tree):
    """Run in a subprocess started with ``_NO_FMA_NO_ALGSIMP``: for each case, two updates run
    eagerly (``jax.disable_jit``: every operation on its own, control flow in Python) and, on the
    same inputs, jitted; the messages of those whose updates or states differ in any bit."""
    params = {**TREES, **_FLOAT32_TREES}[tree]
    fun, residual_fn = invariant_problem(params)
    failures = []
    for case in CASES:
        if case.id not in ids:
            continue
        opt = optax.with_extra_args_support(registry.get(case.values[0]).make(**case.values[1]))

        def update(g, state, p, value, opt=opt):
            return opt.update(g, state, p, value=value, grad=g, value_fn=fun, residual_fn=residual_fn)

        compiled_update = jax.jit(update)
        p, state = params, opt.init(params)
        for k in range(2):
            value, g = jax.value_and_grad(fun)(p)
            with jax.disable_jit():
                eager = update(g, state, p, value)
            compiled = compiled_update(g, state, p, value)
            try:
                chex.assert_trees_all_equal(leaf_bits(compiled), leaf_bits(eager), strict=True)
            except AssertionError as error:
                failures.append(f"{case.id}, update {k + 1}: {error}")
                break
            p, state = optax.apply_updates(p, eager[0]), eager[1]
    return failures


_BITWISE_RUNS = [
    pytest.param("dict", "one variant per entry", id="float64 dict-one variant per entry", marks=pytest.mark.slow),
    pytest.param("dict", "every variant", id="float64 dict-every variant", marks=pytest.mark.slow),
    pytest.param("float32 dict", "every variant", id="float32 dict-every variant", marks=pytest.mark.slow),
]


_X86 = platform.machine().lower() in ("x86_64", "amd64")


@pytest.mark.skipif(not _X86, reason="--xla_cpu_max_isa=AVX names an x86 level")
@pytest.mark.parametrize(("tree", "which"), _BITWISE_RUNS)
def test_jit_and_eager_give_the_same_bits_without_fma_and_reassociation(tree, which):
    import jaxopt_lectures
    from hang_guard import HANG_GUARD_SECONDS

    if which == "every variant":
        ids = [c.id for c in CASES]
    else:
        ids = [c.id for c in one_per_entry(CASES) if not c.marks]
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(jaxopt_lectures.__file__)))
    worker = (
        "import json, sys\n"
        "import jax\n"
        "jax.config.update('jax_enable_x64', True)\n"  # as tests/conftest.py
        f"sys.path[:0] = [{package_root!r}, {tests_dir!r}]\n"
        "import test_invariants\n"
        f"print(json.dumps(test_invariants._jit_eager_mismatches({ids!r}, {tree!r})))\n"
    )
    flags = f"{os.environ.get('XLA_FLAGS', '')} {_NO_FMA_NO_ALGSIMP}".strip()
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "XLA_FLAGS": flags}
    run = dict(env=env, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    proc = subprocess.run([sys.executable, "-c", worker], **run)
    assert proc.returncode == 0, proc.stderr[-4000:]
    failures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not failures, "\n\n".join(failures)
