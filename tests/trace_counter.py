"""A test function that records each time jax traces it (the compiled program never calls Python),
for the compile-once tests of test_engine.py and test_engine_cache.py."""

import jax.numpy as jnp

__all__ = ["traced_counter"]


def traced_counter():
    """(f, traces): f(x) = Σ (x − 1)² + 0.1 Σ x⁴, and the list it appends 1 to at every trace."""
    traces = []

    def f(x):
        traces.append(1)  # runs only while jax traces f (the compiled program never calls Python)
        return jnp.sum((x - 1.0) ** 2) + 0.1 * jnp.sum(x**4)

    return f, traces
