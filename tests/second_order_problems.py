"""The cases and problems of the curvature-method tests (ALGORITHMS.md §6–7; test_second_order*.py):
every registered curvature method and variant as a case, the 4-D Rosenbrock function with its
residuals, a driver of k updates with every extra argument, and random SPD quadratics."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxopt_lectures import registry
from jaxopt_lectures.problems import rosenbrock

__all__ = ["CASES", "CURVATURE", "ROSEN4", "X0", "build", "extras", "fun", "quadratic", "residuals", "spd", "steps"]

CURVATURE = {n: s for n, s in registry.REGISTRY.items() if s.family in registry.CURVATURE_FAMILIES}
CASES = [pytest.param(n, v, id=f"{n}-{v}") for n, s in CURVATURE.items() for v in s.variants]

ROSEN4 = rosenbrock(4)
X0 = jnp.asarray([-1.2, 1.0, -0.5, 0.8])


def fun(x):
    return ROSEN4.fun(x)


def residuals(x):
    return ROSEN4.residual_fn(x)


def extras(f=fun, r=residuals):
    """Every extra argument any method needs; each ignores the ones it does not use."""
    return {"value_fn": f, "residual_fn": r}


def build(name, vname, **overrides):
    spec = registry.get(name)
    return spec.factory(**{**spec.defaults, **spec.variants[vname].kwargs, **overrides})


def steps(opt, x, k, f=fun, r=residuals, jit=True):
    """k updates from x with all extras; returns the iterates (k+1, n) and the final state."""

    def step(x, s):
        v, g = jax.value_and_grad(f)(x)
        u, s = opt.update(g, s, x, value=v, grad=g, **extras(f, r))
        return optax.apply_updates(x, u), s

    step = jax.jit(step) if jit else step
    s = opt.init(x)
    xs = [x]
    for _ in range(k):
        x, s = step(x, s)
        xs.append(x)
    return xs, s


def spd(n, seed=0, cond=10.0):
    """A random SPD matrix with eigenvalues spread log-uniformly over [1, cond]."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    lam = np.geomspace(1.0, cond, n)
    return (q * lam) @ q.T


def quadratic(h, b):
    h, b = jnp.asarray(h), jnp.asarray(b)
    return lambda x: 0.5 * x @ h @ x - b @ x
