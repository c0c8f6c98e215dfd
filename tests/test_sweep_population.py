"""The population runner under the searches (seeds, successive halving, PBT): segments and row keys.

A row run in segments must equal one uninterrupted run (bitwise: the same program, the same
minibatches), a row with its own key must equal ``fit`` with that key (bitwise: the same
arithmetic, one row per vmap lane), and ``sweep_fit``'s validation curve must be ``fit``'s.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.sweeps.population import Population

X = jnp.linspace(-1.0, 1.0, 32)
DATA = (X, 3.0 * X + 0.1 * jnp.sin(7.0 * X))
VALIDATION = (X[::3] + 0.01, 3.0 * X[::3])
P0 = {"a": jnp.zeros(()), "c": [jnp.zeros(2)]}
GRID = {"learning_rate": np.array([0.01, 0.1, 0.5, 5.0])}


def loss(p, b):
    return jnp.mean((p["a"] * b[0] + p["c"][0][0] - b[1]) ** 2) + 0.1 * jnp.sum(p["c"][0] ** 2)


def _population(**kwargs):
    pop = Population(jl.adam, GRID, loss, DATA, batch_size=8, sampling="shuffle", validation_data=VALIDATION, **kwargs)
    pop.start(P0)
    return pop


def test_segments_equal_one_run_bitwise():
    whole, whole_val, whole_losses = _population(key=jax.random.key(0)).run(np.arange(4), 0, 5)
    pop = _population(key=jax.random.key(0))
    first, _, _ = pop.run(np.arange(4), 0, 3)
    order = np.array([3, 0, 2])  # a subset, out of order: row 1 stops at epoch 3
    rest, rest_val, rest_losses = pop.run(order, 3, 2)
    np.testing.assert_array_equal(first, whole[:, :3])
    np.testing.assert_array_equal(rest, whole[order, 3:])
    np.testing.assert_array_equal(rest_val, whole_val[order, 3:])
    np.testing.assert_array_equal(rest_losses, whole_losses[order, 3:])
    assert pop.steps().tolist() == [20, 12, 20, 20]  # 4 minibatches of 8 per epoch


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_row_keys_equal_fit_bitwise(dtype):
    keys = jax.random.split(jax.random.key(1), 4)
    p0, data, validation = jax.tree.map(lambda a: a.astype(dtype), (P0, DATA, VALIDATION))
    pop = Population(jl.adam, GRID, loss, data, row_keys=keys, batch_size=8, sampling="shuffle",
                     validation_data=validation)  # fmt: skip
    pop.start(p0)
    values, val_values, _ = pop.run(np.arange(4), 0, 5)
    assert values.dtype == dtype
    for i, lr in enumerate(GRID["learning_rate"]):
        _, h = jl.fit(loss, p0, data, jl.adam(float(lr)), epochs=5, batch_size=8, key=keys[i],
                      validation_data=validation)  # fmt: skip
        np.testing.assert_array_equal(values[i], h.train_loss)
        np.testing.assert_array_equal(val_values[i], h.val_loss)


def test_copy_moves_carry_and_configuration():
    pop = _population(key=jax.random.key(0))
    pop.run(np.arange(4), 0, 2)
    pop.copy([0], [2])
    assert pop.configs["learning_rate"][0] == 0.5
    a, _, _ = pop.run([0, 2], 2, 2)
    np.testing.assert_array_equal(a[0], a[1])  # the same carry, configuration and minibatches


def test_sweep_fit_validation_curve_is_fits():
    r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.1, 0.3]}, loss, P0, DATA, epochs=4, batch_size=8,
                     key=jax.random.key(2), validation_data=VALIDATION)  # fmt: skip
    for i, lr in enumerate([0.1, 0.3]):
        _, h = jl.fit(loss, P0, DATA, jl.sgd(lr), epochs=4, batch_size=8, key=jax.random.key(2),
                      validation_data=VALIDATION)  # fmt: skip
        np.testing.assert_array_equal(r.val_values[i], h.val_loss)  # elementwise model: bitwise
    assert r.best().final_value == np.min(r.val_values[:, -1])
