"""Registry-wide (issue 14, item 2): every optimizer's float hyperparameters work as data.
Each works under ``optax.inject_hyperparams`` inside ``jit`` (and each injected float changes the
steps, unless the case says why not), a learning rate that is not a number is refused by name, and
hyperparameters drawn by hypothesis within a factor 10 of the defaults, on drawn trees of mixed
dtypes, keep the state's structure and dtypes and stay finite. A new registry entry is covered
without edits here (its float arguments need ranges in tests/cases.py). Part of the suite of
test_invariants.py; cases, trees and the problem: invariant_problems.py.
"""

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cases
from invariant_problems import (
    CASES, TREES, assert_finite_outputs, assert_parameter_dtypes_kept, invariant_problem, one_per_entry,
    step_function, tree_signature,
)  # fmt: skip
from jaxopt_lectures import registry


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
        assert_parameter_dtypes_kept(params, updates, state, f"after update {k + 1}")
        assert_finite_outputs(updates, state, params, initial, f"at update {k + 1}")


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
