"""Registry-wide (issue 14, item 2): finite in, finite out. All-zero gradients (no 0/0), and
float32 gradients of 1e30 and 1e−30 (squares that overflow and underflow) give every optimizer and
variant finite updates and states of the parameters' dtypes; the 0/0 guard of the ε-methods maps
only an exact 0/0 to 0, so a NaN gradient is not swallowed, and a traced ε agrees with a concrete
one. A new registry entry is covered without edits here. Part of the suite of test_invariants.py;
cases, trees and the problem: invariant_problems.py.
"""

import inspect
import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import cases
from invariant_problems import CASES, FLOAT32_TREES, assert_finite_outputs, one_per_entry, tree_signature
from jaxopt_lectures import registry


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


# --------------------------------------------------------------------------------------------
# Finite in, finite out: zero gradients, gradients of 1e±30 in float32
# --------------------------------------------------------------------------------------------
_F32 = FLOAT32_TREES["float32 dict"]


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
            assert_finite_outputs(updates, state, x0, initial, when, nan_free_only=beyond)
            assert tree_signature(state) == tree_signature(initial), when
            if not first_order:
                assert all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree.leaves(p)), when
