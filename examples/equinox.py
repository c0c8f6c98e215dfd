"""Equinox: an ``eqx.nn.MLP`` on scikit-learn's digits, trained two ways with this library.

Run:  python examples/equinox.py     (needs: pip install -e ".[frameworks]")

(The script is called ``equinox.py``, as the package it shows: run as a script, its own folder
would come first on ``sys.path`` and ``import equinox`` would import the script itself, so it
takes that folder off the path before importing.)

The data are scikit-learn's bundled 8×8 digits (1,797 images, 10 classes; no download),
standardised with the training split's mean and deviation, 75 % train / 25 % test with a fixed seed.
The model is a 64-64-10 tanh ``eqx.nn.MLP``; the loss is the mean cross-entropy.

1. ``jaxopt_lectures.fit`` (minibatch training, L3; ALGORITHMS.md §9) on the model's arrays. The
   equinox idiom: ``params, static = eqx.partition(model, eqx.is_array)`` splits the model into a
   pytree of arrays (what ``fit`` trains) and everything else (activation functions, sizes), which
   the loss closes over and joins back with ``eqx.combine(params, static)``. The optimizer is the
   lectures' heavy-ball momentum (L0–L4, ALGORITHMS.md §2).
2. The loop an equinox user writes: one ``eqx.filter_jit`` step, ``eqx.filter_value_and_grad``,
   and the lectures' Adam (ALGORITHMS.md §3) used like any optax optimizer on
   ``eqx.filter(model, eqx.is_array)``, the updates applied with ``eqx.apply_updates``.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]  # not this script as `equinox`

import equinox as eqx  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import jaxopt_lectures as jl  # noqa: E402


def load_data(seed=0):
    """Standardised digits: ``(x_train, y_train), (x_test, y_test)`` (float32 images, int labels)."""
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(x_train)  # the test split is scaled with the training statistics
    return ((scaler.transform(x_train).astype(np.float32), y_train),
            (scaler.transform(x_test).astype(np.float32), y_test))  # fmt: skip


def make_model(key):
    return eqx.nn.MLP(in_size=64, out_size=10, width_size=64, depth=1, activation=jnp.tanh, key=key)


def model_loss(model, x, y):
    logits = jax.vmap(model)(x)  # an eqx.nn.MLP maps one example; vmap over the batch
    return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, y))


@eqx.filter_jit
def accuracy(model, x, y):
    return jnp.mean(jnp.argmax(jax.vmap(model)(x), axis=-1) == y)


def train_with_fit(model, data, *, epochs, key):
    """Way 1: ``fit`` on the array part of the model; the rest is closed over in the loss."""
    params, static = eqx.partition(model, eqx.is_array)

    def loss_fn(params, batch):
        return model_loss(eqx.combine(params, static), *batch)

    params, history = jl.fit(loss_fn, params, data, jl.momentum(0.05, beta=0.9),
                             epochs=epochs, batch_size=64, key=key)  # fmt: skip
    return eqx.combine(params, static), history


def train_with_a_loop(model, data, *, epochs, seed):
    """Way 2: a plain ``eqx.filter_jit`` step with the lectures' Adam as an optax optimizer."""
    optimizer = jl.adam(1e-2)
    opt_state = optimizer.init(eqx.filter(model, eqx.is_array))

    @eqx.filter_jit
    def step(model, opt_state, x, y):
        loss, grads = eqx.filter_value_and_grad(model_loss)(model, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, eqx.filter(model, eqx.is_array))
        return eqx.apply_updates(model, updates), opt_state, loss

    x, y = data
    rng = np.random.default_rng(seed)
    epoch_losses = []
    for _ in range(epochs):
        order = rng.permutation(len(y))
        losses = []
        for idx in np.array_split(order, len(y) // 64):  # about 64 images a step
            model, opt_state, loss = step(model, opt_state, x[idx], y[idx])
            losses.append(float(loss))
        epoch_losses.append(np.mean(losses))
    return model, np.array(epoch_losses)


def main(epochs=30, seed=0):
    """Train both ways and print; returns the numbers (losses and test accuracies)."""
    train, (x_test, y_test) = load_data(seed)
    fit_key, model_key = jax.random.split(jax.random.key(seed))
    model = make_model(model_key)

    fitted, history = train_with_fit(model, train, epochs=epochs, key=fit_key)
    looped, epoch_losses = train_with_a_loop(model, train, epochs=epochs, seed=seed)
    result = {
        "fit_first_loss": float(history.train_loss[0]),
        "fit_final_loss": float(history.train_loss[-1]),
        "fit_test_accuracy": float(accuracy(fitted, x_test, y_test)),
        "loop_first_loss": float(epoch_losses[0]),
        "loop_final_loss": float(epoch_losses[-1]),
        "loop_test_accuracy": float(accuracy(looped, x_test, y_test)),
    }
    print(f"fit, momentum:  {history.num_steps} steps, training loss {result['fit_first_loss']:.4f} after "
          f"epoch 1 -> {result['fit_final_loss']:.4f}, test accuracy {result['fit_test_accuracy']:.3f}")
    print(f"loop, Adam:     {epochs} epochs, mean batch loss {result['loop_first_loss']:.4f} in epoch 1 -> "
          f"{result['loop_final_loss']:.4f}, test accuracy {result['loop_test_accuracy']:.3f}")
    return result


if __name__ == "__main__":
    main()
