"""The registry-wide contract of a GradientTransformation (STYLE.md habit 8), for EVERY registered
optimizer and EVERY registered lecture variant:

* eager == jit, and no recompilation on a second call (state structure and dtypes stable);
* nested dict/tuple pytrees give the same result as the flattened vector;
* float32, float64 and bfloat16 parameters keep their dtype (updates, new params, state);
* it composes: ``optax.chain`` after ``clip_by_global_norm``, ``optax.MultiSteps``,
  ``optax.inject_hyperparams`` (including a learning rate changed mid-run);
* ``jax.vmap`` over a (learning_rate, other hyperparameter) grid, compiled once, equals a Python
  loop over the grid;
* unknown extra keyword arguments are tolerated the optax way.

The formulas themselves are checked elsewhere (tests/test_reference_loops.py against NumPy loops,
tests/test_peers.py against torch/optax); here each optimizer runs with its registry defaults plus
the variant's keywords, and the point is that the *same* arithmetic comes out however the
transformation is driven.

Problem: E(w) = ½ dᵀAd + (λ/4) Σ dᵢ⁴ + 1 with d = w − c in 9 dimensions, A a rotated SPD matrix
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

import functools
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.flatten_util import ravel_pytree

import cases
from jaxopt_lectures import registry

STEPS = 4  # enough for every state field (momenta, previous gradients, sign memories) to matter

# Round-off tolerance for "the same arithmetic driven differently" in float64. Both sides run the
# same float64 operations; XLA may fuse elementwise chains, contract a*b+c, and sum reductions
# (the matvec of the problem, ‖g‖² of the scalar variants) in another order, so one update can
# differ by a few ulps (~1e-16 relative) and STEPS mildly expanding steps keep that below ~1e-14.
# 1e-12 leaves two orders of margin, while any real difference (a hyperparameter baked in as a
# float32 constant: ~1e-8; a lost state update or a swapped flag: ≥ 1e-4) is far above it. ATOL
# covers update components that are exactly 0 on one side (irprop− skips a step on sign changes).
RTOL, ATOL = 1e-12, 1e-15

# --------------------------------------------------------------------------------------------
# The problem
# --------------------------------------------------------------------------------------------

N = 9
_rng = np.random.default_rng(20240601)
_Q, _ = np.linalg.qr(_rng.normal(size=(N, N)))
A = _Q @ np.diag(np.linspace(0.5, 5.0, N)) @ _Q.T
A = 0.5 * (A + A.T)
C = np.linspace(-1.0, 1.0, N)
LAM = 0.1
W0 = np.array([1.5, -0.7, 0.3, 2.0, -1.8, 0.9, -0.2, 1.1, -1.4])


def value_and_grad_flat(w: jax.Array):
    """E(w) and ∇E(w) = A d + λ d³, computed in the dtype of ``w``."""
    d = w - jnp.asarray(C, w.dtype)
    ad = jnp.asarray(A, w.dtype) @ d
    d3 = d * d * d
    return 0.5 * (d @ ad) + 0.25 * LAM * (d @ d3) + 1.0, ad + LAM * d3


def test_gradient_is_the_gradient():
    """The hand-written gradient is ∇E (else every test below would run on a non-gradient)."""
    def loss(w):
        return value_and_grad_flat(w)[0]

    w = jnp.asarray(W0)
    np.testing.assert_allclose(value_and_grad_flat(w)[1], jax.grad(loss)(w), rtol=1e-13)


# A nested pytree with the same 9 numbers: dict → tuple of arrays, a nested dict, and a None leaf
# (an empty subtree, as frozen or absent parameters appear in Flax/Equinox trees). Leaves of one
# shape keep the eager runs cheap (one compiled kernel per primitive); shapes and ranks are not
# what is tested here.
TREE_TEMPLATE = {
    "a": (jnp.zeros(3), jnp.zeros(3)),
    "b": {"c": jnp.zeros(3), "d": None},
}
_, _unravel = ravel_pytree(TREE_TEMPLATE)


def to_tree(w: Any) -> Any:
    return _unravel(jnp.asarray(w, jnp.float64))


def value_and_grad_tree(tree: Any):
    flat, unravel = ravel_pytree(tree)
    value, g = value_and_grad_flat(flat)
    return value, unravel(g)


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------

# The first-order optimizers (a learning rate, the gradient alone); the curvature methods of
# ALGORITHMS.md §6–7 have their own generic tests in test_second_order.py.
FIRST_ORDER = {name: spec for name, spec in registry.REGISTRY.items() if spec.first_order}

CASES = [
    pytest.param(name, vname, id=f"{name}-{vname}")
    for name, spec in FIRST_ORDER.items()
    for vname in spec.variants
]

def case_kwargs(name: str, vname: str, **overrides: Any) -> dict:
    """Registry defaults (meant for the lectures' problems), the case's ``transform_overrides`` for
    this one (tests/cases.py), the variant's keywords."""
    spec = registry.get(name)
    return {**spec.defaults, **cases.CASES[name].transform_overrides, **spec.variants[vname].kwargs, **overrides}


def build(name: str, vname: str, **overrides: Any):
    """(optimizer, kwargs, needs_value) for a registry case."""
    kwargs = case_kwargs(name, vname, **overrides)
    spec = registry.get(name)
    return spec.factory(**kwargs), kwargs, "value" in spec.needs(**kwargs)


def make_step(opt, value_and_grad, needs_value: bool):
    """One training step ``(params, state) -> (params, state, updates)``."""

    def step(params, state):
        value, grads = value_and_grad(params)
        extra = {"value": value} if needs_value else {}
        updates, state = opt.update(grads, state, params, **extra)
        return optax.apply_updates(params, updates), state, updates

    return step


def run(step, init, params, steps: int = STEPS):
    """Drive ``step``; returns (flat params w_0..w_steps, flat updates u_1..u_steps, final state)."""
    state = init(params)
    ws, us = [np.asarray(ravel_pytree(params)[0])], []
    for _ in range(steps):
        params, state, updates = step(params, state)
        ws.append(np.asarray(ravel_pytree(params)[0]))
        us.append(np.asarray(ravel_pytree(updates)[0]))
    return np.stack(ws), np.stack(us), state


@functools.lru_cache(maxsize=None)
def plain_run(name: str, vname: str):
    """The reference of several tests: the optimizer stepped eagerly on the flat vector."""
    opt, _, needs_value = build(name, vname)
    ws, us, _ = run(make_step(opt, value_and_grad_flat, needs_value), opt.init, jnp.asarray(W0))
    assert np.all(np.isfinite(us))
    # a run whose updates are all ~0 would make every comparison against it vacuous
    assert np.max(np.abs(us)) > 1e-4, f"{name}-{vname} hardly moves on the test problem"
    return ws, us


@functools.lru_cache(maxsize=None)
def jitted_step(name: str, vname: str):
    """The jitted step of a case and a counter of how often jax traced it."""
    opt, _, needs_value = build(name, vname)
    inner = make_step(opt, value_and_grad_flat, needs_value)
    counter = {"traces": 0}

    def step(params, state):
        counter["traces"] += 1  # runs only while jax traces the function: once per compilation
        return inner(params, state)

    return opt, jax.jit(step), counter


def assert_same(actual: np.ndarray, expected: np.ndarray, what: str, rtol: float = RTOL, atol: float = ATOL):
    assert actual.shape == expected.shape, what
    for t in range(expected.shape[0]):  # name the first step that differs
        np.testing.assert_allclose(actual[t], expected[t], rtol=rtol, atol=atol, err_msg=f"{what}, step {t}")


def leaf_signature(tree: Any) -> list:
    return [(jnp.shape(x), jnp.result_type(x), getattr(x, "weak_type", False)) for x in jax.tree.leaves(tree)]


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


# --------------------------------------------------------------------------------------------
# Composition: optax.chain with clipping, MultiSteps, inject_hyperparams
# --------------------------------------------------------------------------------------------

MAX_NORM = 0.5  # ‖∇E‖ ≈ 10 near W0, so clipping is active at every step below (asserted)


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_composes_after_clip_by_global_norm(name, vname):
    opt, _, needs_value = build(name, vname)
    chained = optax.chain(optax.clip_by_global_norm(MAX_NORM), opt)
    _, us_chain, _ = run(make_step(chained, value_and_grad_flat, needs_value), chained.init, jnp.asarray(W0))

    def clipped(w):  # the clipped gradient by hand: g · min(1, c/‖g‖)
        value, g = value_and_grad_flat(w)
        norm = jnp.linalg.norm(g)
        assert float(norm) > MAX_NORM  # clipping really changes the gradient
        return value, g * jnp.minimum(1.0, MAX_NORM / norm)

    _, us_ref, _ = run(make_step(opt, clipped, needs_value), opt.init, jnp.asarray(W0))
    assert np.max(np.abs(us_ref)) > 1e-4
    assert_same(us_chain, us_ref, "updates, chain(clip, opt) vs opt(clipped gradient)")


K = 3  # MultiSteps accumulation
# Three different "minibatch" gradients around the full gradient (fixed offsets whose mean is
# not 0, so feeding any single one, the sum, or the plain gradient would fail the comparison).
_OFFSETS = np.random.default_rng(7).normal(scale=2.0, size=(K, N))


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_multisteps_equals_one_step_on_the_mean_gradient(name, vname):
    opt, _, needs_value = build(name, vname)
    # accumulator in float64: the default float32 accumulator would round the mean to ~1e-7
    multi = optax.MultiSteps(opt, every_k_schedule=K, accumulator_dtype=jnp.float64)
    offsets = jnp.asarray(_OFFSETS)

    def micro_step(w, state, i):
        value, g = value_and_grad_flat(w)
        extra = {"value": value} if needs_value else {}
        updates, state = multi.update(g + offsets[i], state, w, **extra)
        return optax.apply_updates(w, updates), state, updates

    def mean_gradient(w):
        value, g = value_and_grad_flat(w)
        return value, jnp.mean(g[None, :] + offsets, axis=0)

    direct_step = make_step(opt, mean_gradient, needs_value)

    w_multi, s_multi = jnp.asarray(W0), multi.init(jnp.asarray(W0))
    w_ref, s_ref = jnp.asarray(W0), opt.init(jnp.asarray(W0))

    # Under jit, MultiSteps puts the inner update in a lax.cond whose branches must return the
    # same types; tracing it (no compilation) checks that.
    jax.eval_shape(micro_step, w_multi, s_multi, 0)

    for cycle in range(2):  # two full accumulation cycles: the inner state carries over
        for i in range(K):
            # The numbers, op by op: eager lax.cond would compile each branch on every call,
            # and compiling a jitted micro-step costs ~0.5 s per case; under disable_jit the
            # cond takes its Python branch and every operation runs eagerly.
            with jax.disable_jit():
                w_multi, s_multi, updates = micro_step(w_multi, s_multi, i)
            if i < K - 1:  # mini-steps propose no change
                np.testing.assert_array_equal(updates, np.zeros(N))
        w_prev = w_ref
        w_ref, s_ref, _ = direct_step(w_ref, s_ref)
        assert np.max(np.abs(w_ref - w_prev)) > 1e-4
        # running mean acc + (g − acc)/(n+1) vs (g1+g2+g3)/3: round-off only
        np.testing.assert_allclose(w_multi, w_ref, rtol=RTOL, atol=ATOL, err_msg=f"cycle {cycle}")


def _static_args(kwargs: dict) -> tuple[str, ...]:
    """inject_hyperparams: floats become injected arrays; strings, bools, ints and None stay static."""
    return tuple(k for k, v in kwargs.items() if not isinstance(v, float))


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_inject_hyperparams_equals_plain(name, vname):
    _, kwargs, needs_value = build(name, vname)
    injected = optax.inject_hyperparams(registry.get(name).factory, static_args=_static_args(kwargs))(**kwargs)
    ws_inj, us_inj, state = run(make_step(injected, value_and_grad_flat, needs_value), injected.init, jnp.asarray(W0))
    ws_ref, us_ref = plain_run(name, vname)
    # every float hyperparameter (defaults included) is injected, i.e. held as an array in the state
    bound = inspect.signature(registry.get(name).factory).bind(**kwargs)
    bound.apply_defaults()
    assert set(state.hyperparams) == {k for k, v in bound.arguments.items() if isinstance(v, float)}
    assert "learning_rate" in state.hyperparams
    assert_same(us_inj, us_ref, "updates, inject_hyperparams vs plain")
    assert_same(ws_inj, ws_ref, "params, inject_hyperparams vs plain")


# Where ``learning_rate`` is only an initial value, not a per-step rate (a case's
# ``lr_is_initial_value``: Rprop's Δ₀ and the delta rules' η₀ are copied into the state at init,
# Quickprop uses η only for its first (GD) step and for weights whose last step was exactly 0),
# changing it mid-run must still be handled (the swap reference below), but it cannot change the
# iterates.
SWITCH_AT = 2


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_inject_hyperparams_learning_rate_changed_mid_run(name, vname):
    spec = registry.get(name)
    _, kwargs, needs_value = build(name, vname)
    lr0 = kwargs["learning_rate"]
    lr1 = 3.0 * lr0
    injected = optax.inject_hyperparams(spec.factory, static_args=_static_args(kwargs))(**kwargs)
    step_inj = make_step(injected, value_and_grad_flat, needs_value)

    w = jnp.asarray(W0)
    state = injected.init(w)
    us_inj = []
    for t in range(STEPS):
        if t == SWITCH_AT:
            state.hyperparams["learning_rate"] = jnp.asarray(lr1, state.hyperparams["learning_rate"].dtype)
        w, state, u = step_inj(w, state)
        us_inj.append(np.asarray(u))
    us_inj = np.stack(us_inj)

    # Reference: one state driven by factory(η0) up to the switch and by factory(η1) after it.
    opt0, opt1 = spec.factory(**kwargs), spec.factory(**{**kwargs, "learning_rate": lr1})
    w = jnp.asarray(W0)
    state = opt0.init(w)
    us_ref = []
    for t in range(STEPS):
        w, state, u = make_step(opt0 if t < SWITCH_AT else opt1, value_and_grad_flat, needs_value)(w, state)
        us_ref.append(np.asarray(u))
    assert_same(us_inj, np.stack(us_ref), "updates, injected learning_rate switch vs factory swap")

    if not cases.CASES[name].lr_is_initial_value:
        _, us_const = plain_run(name, vname)
        gap = np.max(np.abs(us_inj[SWITCH_AT:] - us_const[SWITCH_AT:]))
        assert gap > 1e-6, "changing the injected learning_rate had no effect"


# --------------------------------------------------------------------------------------------
# vmap over a hyperparameter grid
# --------------------------------------------------------------------------------------------

# One float hyperparameter besides the learning rate (a case's ``vmap_hyperparameter``), with two
# values that both work on this problem and give visibly different iterates (sgd has none: its
# grid is over η alone).
# Two steps: the second reads the state the first wrote from traced hyperparameters (momenta,
# bias corrections at t = 2, sign memories, adapted rates). Unrolled rather than a lax.scan, which
# costs twice the compile time for this.
VMAP_STEPS = 2


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_vmap_over_hyperparameter_grid_equals_python_loop(name, vname):
    spec = registry.get(name)
    _, kwargs, needs_value = build(name, vname)
    lr = kwargs["learning_rate"]
    lrs = (0.5 * lr, lr)
    other = cases.CASES[name].vmap_hyperparameter
    hp_name, hp_values = other if other else (None, (0.0,))
    grid = [(a, b) for a in lrs for b in hp_values]

    def make(lr_, hp_):
        kw = {**kwargs, "learning_rate": lr_}
        if hp_name:
            kw[hp_name] = hp_
        return spec.factory(**kw)

    traces = 0

    def full_run(lr_, hp_):
        """The whole run, the optimizer built from traced hyperparameters (init included)."""
        nonlocal traces
        traces += 1
        opt = make(lr_, hp_)
        step = make_step(opt, value_and_grad_flat, needs_value)
        w = jnp.asarray(W0)
        state = opt.init(w)
        ws = []
        for _ in range(VMAP_STEPS):
            w, state, _ = step(w, state)
            ws.append(w)
        return jnp.stack(ws)

    batched = jax.jit(jax.vmap(full_run))
    ws_vmap = np.asarray(batched(jnp.asarray([g[0] for g in grid]), jnp.asarray([g[1] for g in grid])))
    assert traces == 1  # one program for the whole grid

    for i, (lr_, hp_) in enumerate(grid):
        opt = make(lr_, hp_)  # concrete Python floats: the validated, eager path
        ws_loop, _, _ = run(make_step(opt, value_and_grad_flat, needs_value), opt.init, jnp.asarray(W0), VMAP_STEPS)
        assert_same(ws_vmap[i], ws_loop[1:], f"grid point learning_rate={lr_}, {hp_name}={hp_}")

    # Both hyperparameters really enter the computation (a traced value silently replaced by a
    # default would make grid points coincide).
    final = ws_vmap[:, -1].reshape(len(lrs), len(hp_values), N)
    assert np.max(np.abs(final[0] - final[1])) > 1e-6, "learning_rate has no effect"
    if hp_name:
        assert np.max(np.abs(final[:, 0] - final[:, 1])) > 1e-6, f"{hp_name} has no effect"


# --------------------------------------------------------------------------------------------
# Unknown extra arguments
# --------------------------------------------------------------------------------------------


def _with_extras(transform):
    """A step passing ``value`` to every optimizer (the optax way: those that do not need it
    ignore it) plus keyword arguments nobody here knows."""

    def step(params, state):
        value, grads = value_and_grad_flat(params)
        updates, state = transform.update(
            grads, state, params, value=value, foo=jnp.float64(3.0), value_fn=lambda w: w, bar="baz"
        )
        return optax.apply_updates(params, updates), state, updates

    return step


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_unknown_extra_args_are_tolerated(name, vname):
    spec = registry.get(name)
    opt, kwargs, needs_value = build(name, vname)
    _, us_ref = plain_run(name, vname)
    w0 = jnp.asarray(W0)

    # the optimizer itself (jaxopt_lectures' chain); extra args must not enter the arithmetic,
    # so the numbers are bit-identical to the plain run's (both eager: the same operations, one by
    # one, on the same numbers, so bitwise holds on any CPU)
    assert isinstance(opt, optax.GradientTransformationExtraArgs)
    _, us, _ = run(_with_extras(opt), opt.init, w0)
    np.testing.assert_array_equal(us, us_ref)

    # inside optax.chain, next to transformations without extra-args support
    chained = optax.chain(optax.identity(), opt, optax.scale(1.0))
    _, us, _ = run(_with_extras(chained), chained.init, w0)
    np.testing.assert_array_equal(us, us_ref)

    # the scale_by_<name> primitive alone (built from the keywords it shares with the alias)
    prim_params = inspect.signature(spec.primitive).parameters
    prim = spec.primitive(**{k: v for k, v in kwargs.items() if k in prim_params})
    assert isinstance(prim, optax.GradientTransformationExtraArgs)
    state = prim.init(w0)
    value, grads = value_and_grad_flat(w0)
    extra = {"value": value} if needs_value else {}
    u_plain, _ = prim.update(grads, state, w0, **extra)
    u_extra, _ = prim.update(grads, state, w0, value=value, foo=1.0, value_fn=lambda w: w)
    np.testing.assert_array_equal(u_extra, u_plain)
