"""Registry-wide: the optax wrappers training code puts around an optimizer, and checkpoints of every
optimizer's state (issue 14, items 2 and 3). A new registry entry is covered without edits here.

* ``optax.MultiSteps(opt, every_k_schedule=2)``, ``optax.apply_if_finite(opt,
  max_consecutive_errors=2)`` and ``optax.chain(optax.clip_by_global_norm(1.0), opt)`` wrap every
  registry case: init, three jitted updates traced once, the state's structure, shapes and dtypes
  unchanged, finite parameters.
* Extra arguments (``value``, ``grad``, ``value_fn``, ``residual_fn``) reach the optimizer through
  all three in optax 0.2.8 — through ``MultiSteps`` only when its ``update`` is called as a method
  (or wrapped as ``GradientTransformationExtraArgs(ms.init, ms.update)``):
  ``optax.with_extra_args_support(ms)`` and ``ms.gradient_transformation()`` build a plain
  ``GradientTransformation`` whose update drops them, and a curvature method then asks for them
  by name (pinned below).
* ``MultiSteps`` calls the inner update at every mini-step with the running mean of the gradients
  and the extra arguments of *that* call, and keeps its result only every k-th: fed the same
  full-batch gradient k times it is the method taking a step every k-th call (bitwise, below);
  with different gradients a line search would see the last mini-batch's ``value`` and ``grad``
  next to the mean direction. The mean itself is checked for every first-order case in
  test_transformations_compose.py (``test_multisteps_equals_one_step_on_the_mean_gradient``).
* ``apply_if_finite`` skips a NaN gradient: a zero update, the inner state kept bit for bit, and
  the next finite step is the method's own.
* checkpoints: ``jaxopt_lectures.checkpoint`` restores bfloat16 and float16 leaves bit for bit and
  every registry optimizer's state on a mixed-precision tree; ``flax.serialization`` and orbax
  round trips run when those are installed (neither is a dependency).
"""

from __future__ import annotations

import chex
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import registry
from invariant_problems import CASES, TREES, invariant_problem, leaf_bits, one_per_entry, step_function, tree_signature

def _multisteps(opt):
    """``optax.MultiSteps(opt, 2)`` as a transformation that forwards the extra arguments (see the
    module docstring)."""
    ms = optax.MultiSteps(opt, every_k_schedule=2)
    return optax.GradientTransformationExtraArgs(ms.init, ms.update)


def _apply_if_finite(opt):
    return optax.apply_if_finite(opt, max_consecutive_errors=2)


def _clipped(opt):
    return optax.chain(optax.clip_by_global_norm(1.0), opt)


WRAPPERS = {
    "MultiSteps(k=2)": _multisteps,
    "apply_if_finite": _apply_if_finite,
    "chain(clip_by_global_norm(1.0), ·)": _clipped,
    # the three stacked as a training loop might: one program per entry in the default run
    "clip, apply_if_finite, MultiSteps": lambda opt: _clipped(_apply_if_finite(_multisteps(opt))),
}
_STACK = "clip, apply_if_finite, MultiSteps"

# The default run compiles the stack of the three once per registry entry; the slow pass each
# wrapper alone around every variant.
WRAPPED_CASES = [
    pytest.param(*case.values, wrapper, id=f"{case.id}-{wrapper}", marks=case.marks)
    for wrapper in WRAPPERS
    for case in (one_per_entry(CASES) if wrapper == _STACK else one_per_entry(CASES, all_slow=True))
]

PARAMS = TREES["dict"]


def _make(name, kwargs):
    return registry.get(name).make(**kwargs)


@pytest.mark.parametrize(("name", "kwargs", "wrapper"), WRAPPED_CASES)
def test_wrapped_optimizer_runs_jitted_and_keeps_its_state(name, kwargs, wrapper):
    opt = WRAPPERS[wrapper](_make(name, kwargs))
    fun, residual_fn = invariant_problem(PARAMS)
    state = opt.init(PARAMS)
    chex.clear_trace_counter()
    step = jax.jit(chex.assert_max_traces(step_function(opt, fun, residual_fn), n=1))
    p = PARAMS
    for k in range(3):  # MultiSteps: mini-step, step, mini-step (the stack: also a clipped gradient)
        p, new_state = step(p, state)
        assert tree_signature(new_state) == tree_signature(state), f"state changed after update {k + 1}"
        assert tree_signature(p) == tree_signature(PARAMS)
        assert all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree.leaves(p)), f"update {k + 1}"
        state = new_state
    # ‖∇f(x₀)‖ ≈ 9 > 1, so the clip is active; and every optimizer moves within 3 calls
    assert float(optax.tree.norm(jax.grad(fun)(PARAMS))) > 1.0
    assert not all(bool(jnp.all(a == b)) for a, b in zip(jax.tree.leaves(p), jax.tree.leaves(PARAMS)))


CURVATURE_CASES = [c for c in one_per_entry(CASES) if registry.get(c.values[0]).family in registry.CURVATURE_FAMILIES]


def _extras(fun, residual_fn, params):
    value, grad = jax.value_and_grad(fun)(params)
    return grad, {"value": value, "grad": grad, "value_fn": fun, "residual_fn": residual_fn}


@pytest.mark.parametrize(("name", "kwargs"), CURVATURE_CASES)
def test_multisteps_on_a_full_batch_gradient_is_the_method_every_second_call(name, kwargs):
    """Two calls with the same gradient and extras, then the method's own step: the running mean of
    g and g is g exactly, so the emitted update and the inner state are the method's, bit for bit
    (eager on both sides: ``jax.disable_jit`` runs MultiSteps' ``lax.cond`` branch in Python)."""
    fun, residual_fn = invariant_problem(PARAMS)
    # the accumulator in the gradients' float64 (its default float32 would round g)
    plain = _make(name, kwargs)
    ms = optax.MultiSteps(_make(name, kwargs), every_k_schedule=2, accumulator_dtype=jnp.float64)
    with jax.disable_jit():
        p_plain, s_plain = PARAMS, plain.init(PARAMS)
        p_ms, s_ms = PARAMS, ms.init(PARAMS)
        for _ in range(2):
            g, extras = _extras(fun, residual_fn, p_plain)
            u_plain, s_plain = plain.update(g, s_plain, p_plain, **extras)
            u_mini, s_ms = ms.update(g, s_ms, p_ms, **extras)  # the mini-step proposes no change
            assert all(bool(jnp.all(u == 0)) for u in jax.tree.leaves(u_mini))
            assert not bool(ms.has_updated(s_ms))
            u_ms, s_ms = ms.update(g, s_ms, p_ms, **extras)
            assert bool(ms.has_updated(s_ms))
            chex.assert_trees_all_equal(leaf_bits(u_ms), leaf_bits(u_plain), strict=True)
            chex.assert_trees_all_equal(leaf_bits(s_ms.inner_opt_state), leaf_bits(s_plain), strict=True)
            p_plain, p_ms = optax.apply_updates(p_plain, u_plain), optax.apply_updates(p_ms, u_ms)
        assert not all(bool(jnp.all(a == b)) for a, b in zip(jax.tree.leaves(p_plain), jax.tree.leaves(PARAMS)))


@pytest.mark.parametrize("through", ["with_extra_args_support", "gradient_transformation"])
def test_multisteps_as_a_plain_transformation_drops_the_extra_arguments(through):
    """Pinned optax 0.2.8 behaviour the module docstring documents: wrapped these two ways
    MultiSteps forwards no extra arguments, and BFGS's line search asks for ``value_fn``."""
    ms = optax.MultiSteps(jl.bfgs(), every_k_schedule=2)
    tx = optax.with_extra_args_support(ms) if through == "with_extra_args_support" else ms.gradient_transformation()
    fun, residual_fn = invariant_problem(PARAMS)
    g, extras = _extras(fun, residual_fn, PARAMS)
    with pytest.raises(TypeError, match="value_fn"):
        optax.with_extra_args_support(tx).update(g, tx.init(PARAMS), PARAMS, **extras)


@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))
def test_apply_if_finite_skips_a_nan_gradient_and_keeps_the_state(name, kwargs):
    fun, residual_fn = invariant_problem(PARAMS)
    plain, guarded = _make(name, kwargs), optax.apply_if_finite(_make(name, kwargs), max_consecutive_errors=2)
    with jax.disable_jit():  # eager on both sides, so the finite steps agree bit for bit
        g, extras = _extras(fun, residual_fn, PARAMS)
        u, s = guarded.update(g, guarded.init(PARAMS), PARAMS, **extras)
        p = optax.apply_updates(PARAMS, u)
        g, extras = _extras(fun, residual_fn, p)
        nan_g = jax.tree.map(lambda x: x.at[(0,) * x.ndim].set(jnp.nan), g)  # one NaN entry
        u_nan, s_nan = guarded.update(nan_g, s, p, **{**extras, "grad": nan_g})
        assert all(bool(jnp.all(x == 0)) for x in jax.tree.leaves(u_nan))
        chex.assert_trees_all_equal(leaf_bits(s_nan.inner_state), leaf_bits(s.inner_state), strict=True)
        assert int(s_nan.notfinite_count) == 1 and int(s_nan.total_notfinite) == 1 and not bool(s_nan.last_finite)
        u_next, s_next = guarded.update(g, s_nan, p, **extras)
        u_ref, s_ref = plain.update(g, s.inner_state, p, **extras)
        chex.assert_trees_all_equal(leaf_bits(u_next), leaf_bits(u_ref), strict=True)
        chex.assert_trees_all_equal(leaf_bits(s_next.inner_state), leaf_bits(s_ref), strict=True)
        assert int(s_next.notfinite_count) == 0 and int(s_next.total_notfinite) == 1


# --------------------------------------------------------------------------------------------
# Checkpoints
# --------------------------------------------------------------------------------------------


def test_checkpoint_restores_bfloat16_and_float16_bit_for_bit(tmp_path):
    """np.savez writes a bfloat16 array as raw void bytes ('|V2') that np.load cannot type again
    (restore used to refuse it: 'stored |V2[3], template bfloat16[3]'); the module stores its bits."""
    specials = [0.0, -0.0, 1.5, -2.25, 3e-3, np.inf, -np.inf, np.nan, 1e-40]  # 1e-40: a bfloat16 subnormal
    tree = {
        "bf16": jnp.asarray(specials, jnp.bfloat16),
        "f16": jnp.asarray(specials[:-1] + [65504.0], jnp.float16),
        "nested": (jnp.asarray(2.5, jnp.bfloat16), {"f32": jnp.arange(3, dtype=jnp.float32)}),
        "key": jax.random.key(3),
    }
    path = tmp_path / "mixed.npz"
    jl.checkpoint.save(path, tree)
    back = jl.checkpoint.restore(path, like=tree)
    assert jax.tree.structure(back) == jax.tree.structure(tree)
    for (where, a), b in zip(jax.tree_util.tree_leaves_with_path(back), jax.tree.leaves(tree)):
        if jax.dtypes.issubdtype(b.dtype, jax.dtypes.prng_key):
            a, b = jax.random.key_data(a), jax.random.key_data(b)
        assert np.asarray(a).dtype == np.asarray(b).dtype, jax.tree_util.keystr(where)
        np.testing.assert_array_equal(leaf_bits(a), leaf_bits(b), err_msg=jax.tree_util.keystr(where))
    with pytest.raises(ValueError, match=r"path \['bf16'\]: stored bfloat16\[9\], template float32\[9\]"):
        jl.checkpoint.restore(path, like={**tree, "bf16": jnp.zeros(9, jnp.float32)})


def _random_state(name, kwargs, params):
    """The optimizer's initial state, and one of its structure, shapes and dtypes filled with
    random bits-worth of values (normals, sign-mixed integers, booleans), so that a round trip that
    loses precision, a sign or a dtype shows."""
    initial = _make(name, kwargs).init(params)
    rng = np.random.default_rng(0)

    def fill(x):
        x = np.asarray(x)
        if x.dtype == bool:
            return jnp.asarray(rng.random(x.shape) < 0.5)
        if np.issubdtype(x.dtype, np.integer):
            return jnp.asarray(rng.integers(-100, 100, x.shape).astype(x.dtype))
        return jnp.asarray(rng.normal(size=x.shape) * 1e3, x.dtype)

    return initial, jax.tree.map(fill, initial)


@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))  # every variant: slow pass
def test_checkpoint_round_trips_every_optimizer_state_on_a_mixed_precision_tree(name, kwargs, tmp_path):
    template, state = _random_state(name, kwargs, TREES["mixed dtypes"])
    path = tmp_path / "state.npz"
    jl.checkpoint.save(path, state)
    back = jl.checkpoint.restore(path, like=template)
    chex.assert_trees_all_equal(leaf_bits(back), leaf_bits(state), strict=True)


@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))  # every variant: slow pass
def test_flax_serialization_round_trips_every_optimizer_state(name, kwargs):
    serialization = pytest.importorskip("flax.serialization")
    template, state = _random_state(name, kwargs, TREES["mixed dtypes"])
    back = serialization.from_bytes(template, serialization.to_bytes(state))
    chex.assert_trees_all_equal(leaf_bits(back), leaf_bits(state), strict=True)
    back = serialization.from_state_dict(template, serialization.to_state_dict(state))
    chex.assert_trees_all_equal(leaf_bits(back), leaf_bits(state), strict=True)


@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))  # every variant: slow pass
def test_orbax_round_trips_every_optimizer_state(name, kwargs, tmp_path):
    ocp = pytest.importorskip("orbax.checkpoint")
    template, state = _random_state(name, kwargs, TREES["mixed dtypes"])
    with ocp.StandardCheckpointer() as checkpointer:
        checkpointer.save(tmp_path / "state", state)
        checkpointer.wait_until_finished()
        back = checkpointer.restore(tmp_path / "state", template)
    chex.assert_trees_all_equal(leaf_bits(back), leaf_bits(state), strict=True)
