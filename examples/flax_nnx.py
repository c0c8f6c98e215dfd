"""Flax NNX: an MLP on scikit-learn's digits, trained through ``nnx.Optimizer`` with iRprop+.

Run:  python examples/flax_nnx.py        (needs: pip install -e ".[frameworks]")

The data are scikit-learn's bundled 8×8 digits (1,797 images, 10 classes; no download),
standardised with the training split's mean and deviation, 75 % train / 25 % test with a fixed seed.
A 64-64-10 tanh MLP (``flax.nnx``) minimises the cross-entropy on the whole training set with
iRprop+ (Igel & Hüsken 2000; Lecture L4, ALGORITHMS.md §4): Rprop is a full-batch method, and its
"+" variants take a step back only when the loss went up, so ``update`` needs the loss value.
The registry says so: ``jaxopt_lectures.registry.get("rprop").variants["irprop+"].extra_args`` is
``("value",)``.

``nnx.Optimizer.update(model, grads, **kwargs)`` hands its keyword arguments to the optax
transformation's ``update`` (flax ≥ 0.11), so the loss goes in as ``value=loss`` — the same
keyword optax's own line searches read. Any optimizer of this library that needs extra
arguments (``value``, ``grad``, ``value_fn``) takes them the same way.

Rprop is quick here: this net separates the 1,347 training images within about 30 full-batch
steps, and the float32 cross-entropy reaches 0; the test accuracy (about 0.97) is the number to
watch.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import jaxopt_lectures as jl


def load_data(seed=0):
    """Standardised digits: ``(x_train, y_train), (x_test, y_test)`` (float32 images, int labels)."""
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(x_train)  # the test split is scaled with the training statistics
    return ((scaler.transform(x_train).astype(np.float32), y_train),
            (scaler.transform(x_test).astype(np.float32), y_test))  # fmt: skip


class MLP(nnx.Module):
    def __init__(self, sizes=(64, 64, 10), *, rngs: nnx.Rngs):
        self.hidden = nnx.Linear(sizes[0], sizes[1], rngs=rngs)
        self.out = nnx.Linear(sizes[1], sizes[2], rngs=rngs)

    def __call__(self, x):
        return self.out(jnp.tanh(self.hidden(x)))


def loss_fn(model, x, y):
    return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(model(x), y))


@nnx.jit
def train_step(model, optimizer, x, y):
    loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)
    optimizer.update(model, grads, value=loss)  # iRprop+ reads the loss E(w_t); nnx passes it on
    return loss


@nnx.jit
def accuracy(model, x, y):
    return jnp.mean(jnp.argmax(model(x), axis=-1) == y)


def main(num_steps=30, seed=0):
    """Train and print; returns the numbers (first and last training loss, both accuracies)."""
    (x_train, y_train), (x_test, y_test) = load_data(seed)
    model = MLP(rngs=nnx.Rngs(seed))
    needs = jl.registry.get("rprop").variants["irprop+"].extra_args
    optimizer = nnx.Optimizer(model, jl.rprop(0.01, variant="irprop+"), wrt=nnx.Param)
    print(f"iRprop+ needs {needs} in update; {len(y_train)} training and {len(y_test)} test images")
    losses = []
    for t in range(num_steps):
        losses.append(float(train_step(model, optimizer, x_train, y_train)))
        if t % 5 == 0 or t == num_steps - 1:
            print(f"step {t:4d}  loss {losses[-1]:.3e}")
    result = {
        "first_loss": losses[0],
        "final_loss": losses[-1],
        "train_accuracy": float(accuracy(model, x_train, y_train)),
        "test_accuracy": float(accuracy(model, x_test, y_test)),
    }
    print(f"train accuracy {result['train_accuracy']:.3f}  test accuracy {result['test_accuracy']:.3f}")
    return result


if __name__ == "__main__":
    main()
