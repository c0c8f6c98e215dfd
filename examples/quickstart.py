"""Quickstart: train a tiny MLP with jaxopt_lectures' Adam inside an optax chain.

Run:  python examples/quickstart.py

A 2-16-1 tanh network learns to tell points inside the circle x1² + x2² = 1 from points outside
it (synthetic data, binary cross-entropy). The optimizer is an ordinary optax transformation:
gradient clipping from optax, then the lectures' Adam (ALGORITHMS.md §3), in one ``optax.chain``.
The step is jitted; the loop is the one every optax user writes.
"""

import jax
import jax.numpy as jnp
import optax

import jaxopt_lectures


def make_data(key, n=512):
    x = jax.random.uniform(key, (n, 2), minval=-2.0, maxval=2.0)
    y = (jnp.sum(x**2, axis=1) < 1.0).astype(jnp.float32)  # 1 inside the unit circle
    return x, y


def init_params(key, sizes=(2, 16, 1)):
    keys = jax.random.split(key, len(sizes) - 1)
    glorot = jax.nn.initializers.glorot_normal()
    return [(glorot(k, (m, n)), jnp.zeros(n)) for k, m, n in zip(keys, sizes[:-1], sizes[1:])]


def logits(params, x):
    for w, b in params[:-1]:
        x = jnp.tanh(x @ w + b)
    w, b = params[-1]
    return (x @ w + b)[:, 0]


def loss_fn(params, x, y):
    return jnp.mean(optax.sigmoid_binary_cross_entropy(logits(params, x), y))


def accuracy(params, x, y):
    return jnp.mean((logits(params, x) > 0) == (y > 0.5))


optimizer = optax.chain(
    optax.clip_by_global_norm(1.0),  # optax's clipping ...
    jaxopt_lectures.adam(learning_rate=0.05, b1=0.9, b2=0.999),  # ... then our Adam
)


@jax.jit
def step(params, opt_state, x, y):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss


def main(num_steps=300):
    data_key, init_key = jax.random.split(jax.random.key(0))
    x, y = make_data(data_key)
    params = init_params(init_key)
    opt_state = optimizer.init(params)
    for t in range(num_steps + 1):
        if t % 50 == 0:
            print(f"step {t:4d}  loss {float(loss_fn(params, x, y)):.4f}  accuracy {float(accuracy(params, x, y)):.3f}")
        if t < num_steps:
            params, opt_state, _ = step(params, opt_state, x, y)


if __name__ == "__main__":
    main()
