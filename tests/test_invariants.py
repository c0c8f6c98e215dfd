"""Registry-wide contracts real model code relies on (issue 14, item 2): every optimizer and
variant of the registry keeps its state's structure, shapes and dtypes across updates on the
parameter trees models have (an empty dict and mixed float16/bfloat16/float32/float64 leaves
included), runs under ``lax.scan``, is traced once under ``jit``, and builds its state from shapes
and dtypes alone. A new registry entry is covered without edits here. The same suite goes on in
test_invariants_hyperparams.py (``optax.inject_hyperparams``, drawn hyperparameters and trees),
test_invariants_finite.py (finite in, finite out; NaN gradients) and test_invariants_bitwise.py
(jit and eager compute the same bits); the optax wrappers (``MultiSteps``, ``apply_if_finite``,
clipping) and checkpoints are in test_invariants_wrappers.py. Cases, trees and the problem:
invariant_problems.py.
"""

import chex
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from invariant_problems import (
    CASES, TREES, assert_parameter_dtypes_kept, invariant_problem, leaf_dtypes, one_per_entry, step_function,
    tree_signature,
)  # fmt: skip
from jaxopt_lectures import registry


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
        assert_parameter_dtypes_kept(params, jax.tree.map(lambda u: u[-1], updates), state, f"after update {k}")
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
    assert flat.dtype == jnp.result_type(jnp.float32, *leaf_dtypes(params))
    back = flat.unravel(flat.vec * 3.0)
    assert leaf_dtypes(back) == leaf_dtypes(params)
    for key, leaf in params.items():  # each leaf tripled, then rounded to its own dtype
        tripled = (leaf.astype(flat.dtype) * 3).astype(leaf.dtype)
        np.testing.assert_array_equal(np.asarray(back[key]), np.asarray(tripled))
    empty = flatten({})
    assert empty.vec.shape == (0,) and empty.unravel(empty.vec) == {}


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
