"""The problem, cases and drivers of the registry-wide GradientTransformation contract
(STYLE.md habit 8; test_transformations.py and test_transformations_compose.py).

Problem: E(w) = ½ dᵀAd + (λ/4) Σ dᵢ⁴ + 1 with d = w − c in 9 dimensions, A a rotated SPD matrix
(eigenvalues 0.5 … 5), so every coordinate is coupled to every other one and each leaf of a
pytree sees a different gradient. Its gradient is written out (cheaper to run eagerly and to
compile than autodiff; autodiff is not what is tested here). Each case (every first-order registry
entry and lecture variant, ALGORITHMS.md §1–4) runs with its registry defaults plus the variant's
keywords; its plain eager run and its jitted step are computed once per process (``plain_run``,
``jitted_step``) and shared by the tests of both modules.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.flatten_util import ravel_pytree

import cases
from jaxopt_lectures import registry

__all__ = [
    "A", "ATOL", "C", "CASES", "FIRST_ORDER", "LAM", "N", "RTOL", "STEPS", "TREE_TEMPLATE", "W0", "assert_same",
    "build", "case_kwargs", "jitted_step", "leaf_signature", "make_step", "plain_run", "run", "to_tree",
    "value_and_grad_flat", "value_and_grad_tree",
]  # fmt: skip


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
