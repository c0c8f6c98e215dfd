"""The registry-wide contract of a GradientTransformation (STYLE.md habit 8), for EVERY registered
optimizer and EVERY registered lecture variant:

* eager == jit, and no recompilation on a second call (state structure and dtypes stable);
* nested dict/tuple pytrees give the same result as the flattened vector;
* float32, float64 and bfloat16 parameters keep their dtype (updates, new params, state);
* (in test_transformations_compose.py) it composes with ``optax.chain``, ``optax.MultiSteps`` and
  ``optax.inject_hyperparams``, ``jax.vmap`` over a hyperparameter grid equals a Python loop, and
  unknown extra keyword arguments are tolerated the optax way.

The formulas themselves are checked elsewhere (tests/test_reference_loops.py against NumPy loops,
tests/test_peers.py against torch/optax); here each optimizer runs with its registry defaults plus
the variant's keywords, and the point is that the *same* arithmetic comes out however the
transformation is driven.

Problem (transformation_problem.py): E(w) = ½ dᵀAd + (λ/4) Σ dᵢ⁴ + 1 with d = w − c in 9 dimensions, A a rotated SPD matrix
(eigenvalues 0.5 … 5), so every coordinate is coupled to every other one and each leaf of a
pytree sees a different gradient. Its gradient is written out (cheaper to run eagerly and to
compile than autodiff; autodiff is not what is tested here). The irprop+ variant gets the loss as
``value=`` (the registry says so through ``spec.needs``).

Speed: compiling one small XLA program costs ~0.3 s here, so each case compiles two (the jitted
step, shared by the eager-vs-jit and the recompilation tests, and the vmapped grid run) and
everything else runs eagerly; the plain eager run of each case, the reference of several tests,
is computed once.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.flatten_util import ravel_pytree

from jaxopt_lectures import registry
from transformation_problem import (
    CASES, FIRST_ORDER, W0, assert_same, build, jitted_step, leaf_signature, make_step, plain_run, run, to_tree,
    value_and_grad_flat, value_and_grad_tree,
)  # fmt: skip


def test_gradient_is_the_gradient():
    """The hand-written gradient is ∇E (else every test below would run on a non-gradient)."""
    def loss(w):
        return value_and_grad_flat(w)[0]

    w = jnp.asarray(W0)
    np.testing.assert_allclose(value_and_grad_flat(w)[1], jax.grad(loss)(w), rtol=1e-13)


def test_cases_cover_the_whole_registry():
    """Every registered first-order optimizer contributes a case (one without variants would escape)."""
    assert {c.values[0] for c in CASES} == set(FIRST_ORDER)
    assert {s.family for s in registry.REGISTRY.values()} <= {*registry.FIRST_ORDER_FAMILIES, *registry.CURVATURE_FAMILIES}


# --------------------------------------------------------------------------------------------
# eager == jit; no recompilation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_eager_equals_jit(name, vname):
    ws_eager, us_eager = plain_run(name, vname)
    opt, jstep, _ = jitted_step(name, vname)
    ws_jit, us_jit, _ = run(jstep, opt.init, jnp.asarray(W0))
    assert_same(us_jit, us_eager, "updates, jit vs eager")
    assert_same(ws_jit, ws_eager, "params, jit vs eager")


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_no_recompilation_on_second_call(name, vname):
    opt, jstep, counter = jitted_step(name, vname)
    w = jnp.asarray(W0)
    state0 = opt.init(w)
    w1, state1, _ = jstep(w, state0)
    # The state after a step must look exactly like the initial one (structure, shapes, dtypes,
    # weak types): otherwise the second call, and every lax.scan/while_loop carry, recompiles.
    assert jax.tree.structure(state1) == jax.tree.structure(state0)
    assert leaf_signature(state1) == leaf_signature(state0)
    w2, state2, _ = jstep(w1, state1)
    _ = jstep(w2, state2)
    # new values of the same shapes and dtypes: a fresh start elsewhere
    w_other = jnp.asarray(W0[::-1].copy())
    _ = jstep(w_other, opt.init(w_other))
    assert counter["traces"] == 1, f"the jitted step was traced {counter['traces']} times"


# --------------------------------------------------------------------------------------------
# pytrees
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_nested_pytree_equals_flat_vector(name, vname):
    opt, _, needs_value = build(name, vname)
    ws_flat, us_flat = plain_run(name, vname)
    tree0 = to_tree(W0)
    np.testing.assert_array_equal(ravel_pytree(tree0)[0], W0)
    ws_tree, us_tree, state = run(make_step(opt, value_and_grad_tree, needs_value), opt.init, tree0)
    # Elementwise rules give bit-identical numbers; the scalar variants (‖g‖² over all leaves)
    # sum leaf by leaf instead of in one pass, a round-off difference covered by RTOL.
    assert_same(us_tree, us_flat, "updates, pytree vs flat")
    assert_same(ws_tree, ws_flat, "params, pytree vs flat")
    # Wherever the state mirrors the parameters it keeps their tree structure (None leaf included).
    tree_def = jax.tree.structure(tree0)
    mirrors = [
        sub for sub in jax.tree.leaves(state, is_leaf=lambda x: isinstance(x, dict))
        if isinstance(sub, dict) and jax.tree.leaves(sub)  # (a field unused by a variant may be all None)
    ]
    for sub in mirrors:
        assert jax.tree.structure(sub) == tree_def


# --------------------------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------------------------

DTYPES = [
    pytest.param(jnp.float32, id="float32"),
    pytest.param(jnp.float64, id="float64"),
    pytest.param(jnp.bfloat16, id="bfloat16"),
]

# Three leaves p, q, r of 3 numbers each. A floating state leaf of shape (3,) mirrors a parameter
# (momenta, second moments, previous gradients, step sizes ...): it must sit at that parameter's
# dict key and have its dtype. Scalar leaves (step counts, the scalar second moments, iRprop+'s
# last loss) may have their own dtype.
_KEYS = ("p", "q", "r")


def _typed_tree(dtypes: dict) -> dict:
    return {k: jnp.asarray(W0[3 * i : 3 * i + 3], dtypes[k]) for i, k in enumerate(_KEYS)}


def _value_and_grad_any_dtype(tree: dict):
    """E and ∇E computed in the widest dtype of the leaves (float32 at least), each gradient leaf
    cast back to its parameter's dtype, as autodiff through a mixed-precision model would give."""
    dt = jnp.result_type(jnp.float32, *[x.dtype for x in tree.values()])
    value, g = value_and_grad_flat(jnp.concatenate([tree[k].astype(dt) for k in _KEYS]))
    return value, {k: g[3 * i : 3 * i + 3].astype(tree[k].dtype) for i, k in enumerate(_KEYS)}


def _check_dtypes(opt, needs_value: bool, params: dict, steps: int = 2) -> dict:
    """Run ``steps`` steps; every update, parameter and mirroring state leaf keeps its dtype."""
    dtype_of = {k: v.dtype for k, v in params.items()}
    state = opt.init(params)
    for t in range(steps):
        value, grads = _value_and_grad_any_dtype(params)
        assert {k: g.dtype for k, g in grads.items()} == dtype_of
        extra = {"value": value} if needs_value else {}
        updates, state = opt.update(grads, state, params, **extra)
        params = optax.apply_updates(params, updates)
        for k in dtype_of:
            assert updates[k].dtype == dtype_of[k], f"update of {k}, step {t}"
            assert params[k].dtype == dtype_of[k], f"new params {k}, step {t}"
            assert bool(jnp.all(jnp.isfinite(updates[k].astype(jnp.float32)))), f"update of {k}, step {t}"
        for path, leaf in jax.tree_util.tree_leaves_with_path(state):
            where = f"state{jax.tree_util.keystr(path)}, step {t}"
            assert not bool(jnp.any(jnp.isnan(jnp.asarray(leaf).astype(jnp.float32)))), where
            # floating leaves only: a rule may remember just signs (Rprop's int8 sign state)
            if jnp.shape(leaf) == (3,) and jnp.issubdtype(leaf.dtype, jnp.floating):
                last = path[-1]
                assert isinstance(last, jax.tree_util.DictKey) and last.key in dtype_of, where
                assert leaf.dtype == dtype_of[last.key], where
    return params


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("name", "vname"), CASES)
def test_parameter_dtype_is_kept(name, vname, dtype):
    opt, _, needs_value = build(name, vname)
    params = _check_dtypes(opt, needs_value, _typed_tree(dict.fromkeys(_KEYS, dtype)))
    if dtype is jnp.float32:
        # The float32 run follows the float64 one up to float32 round-off: ~6e-8 per operation,
        # amplified at most by the ratios of the curvature rules (Quickprop's g/(g_old − g)) over
        # 2 steps. 1e-4 is far below what computing in a narrower dtype (bfloat16: 4e-3 per
        # operation) or a dropped term would give.
        params64 = _check_dtypes(opt, needs_value, _typed_tree(dict.fromkeys(_KEYS, jnp.float64)))
        for k in params:
            np.testing.assert_allclose(params[k], params64[k], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_mixed_dtype_pytree_keeps_each_leaf_dtype(name, vname):
    """One tree with a bfloat16, a float32 and a float64 leaf: the dtype policy is per leaf."""
    opt, _, needs_value = build(name, vname)
    _check_dtypes(opt, needs_value, _typed_tree({"p": jnp.bfloat16, "q": jnp.float32, "r": jnp.float64}))
