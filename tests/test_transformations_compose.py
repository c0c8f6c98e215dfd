"""The registry-wide contract of a GradientTransformation (STYLE.md habit 8), continued from
test_transformations.py, for EVERY registered first-order optimizer and EVERY registered lecture
variant:

* it composes: ``optax.chain`` after ``clip_by_global_norm``, ``optax.MultiSteps``,
  ``optax.inject_hyperparams`` (including a learning rate changed mid-run);
* ``jax.vmap`` over a (learning_rate, other hyperparameter) grid, compiled once, equals a Python
  loop over the grid;
* unknown extra keyword arguments are tolerated the optax way.

The problem, the cases and the plain eager run each test compares with (computed once per case):
transformation_problem.py.
"""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import cases
from jaxopt_lectures import registry
from transformation_problem import (
    ATOL, CASES, N, RTOL, STEPS, W0, assert_same, build, make_step, plain_run, run, value_and_grad_flat,
)  # fmt: skip


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
