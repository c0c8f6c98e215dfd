"""Minibatch training: ``fit`` (L3 §§ on stochastic gradient, ALGORITHMS.md §9).

Each epoch is one compiled ``lax.scan`` over its minibatches; Python only runs once per epoch
(to draw the progress bar). The three sampling modes of L3:

* ``"shuffle"`` — sampling without replacement (L3 eq. 24–25): each epoch draws a random
  permutation and cuts it into ⌊n/b⌋ disjoint batches of b examples. The n mod b examples left
  over by the cut sit out that epoch only (the next permutation is new), so every batch has the
  same size and the gradient noise is the (1 − b/n)σ²/b of L3 eq. 30.
* ``"replacement"`` — bootstrap batches (L3 eq. 31): ⌊n/b⌋ batches per epoch, each of b indices
  drawn independently and uniformly; gradient noise σ²/b.
* ``"full"`` — batch gradient descent: one step per epoch on all n examples.

Optimizers that take extra arguments receive ``value`` (the batch loss), ``grad`` and
``value_fn`` bound to the current batch, so a line search or iRprop+ sees the function whose
gradient it is given.

What optax lacks and is written here: optax has no training loop; Flax/Equinox examples write
a Python loop over batches, one dispatch per step.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

__all__ = ["SAMPLING_MODES", "FitHistory", "batch_indices", "fit"]

SAMPLING_MODES = ("shuffle", "replacement", "full")


class FitHistory(NamedTuple):
    """What :func:`fit` saw. Arrays are NumPy.

    Attributes:
      train_loss: [epochs] loss on all training data at the end of each epoch.
      val_loss: [epochs] loss on ``validation_data`` at the end of each epoch (None without it).
      step_losses: [epochs, steps_per_epoch] loss of each minibatch before its step.
    """

    train_loss: np.ndarray
    val_loss: np.ndarray | None
    step_losses: np.ndarray


def _num_examples(data: Any) -> int:
    leaves = jax.tree.leaves(data)
    if not leaves:
        raise ValueError("data must be a pytree of arrays with a leading example axis; got no arrays")
    sizes = {int(jnp.shape(x)[0]) if jnp.ndim(x) else -1 for x in leaves}
    if len(sizes) != 1 or -1 in sizes:
        raise ValueError(f"every array in data needs the same leading example axis; got sizes {sorted(sizes)}")
    return sizes.pop()


def batch_indices(key: jax.Array, n: int, batch_size: int, sampling: str = "shuffle") -> jax.Array:
    """The example indices of one epoch, shaped [steps, batch_size] (see the module docstring)."""
    if sampling == "full":
        return jnp.arange(n)[None, :]
    steps = n // batch_size
    if sampling == "shuffle":
        return jax.random.permutation(key, n)[: steps * batch_size].reshape(steps, batch_size)
    if sampling == "replacement":
        return jax.random.randint(key, (steps, batch_size), 0, n)
    raise ValueError(f"sampling must be one of {SAMPLING_MODES}; got {sampling!r}")


def _check_fit_args(n: int, epochs: Any, batch_size: Any, sampling: str) -> None:
    if sampling not in SAMPLING_MODES:
        raise ValueError(f"sampling must be one of {SAMPLING_MODES}; got {sampling!r}")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be an integer ≥ 1; got {epochs!r}")
    if sampling != "full":
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or not 1 <= batch_size <= n:
            raise ValueError(f"batch_size must be an integer in [1, n] = [1, {n}]; got {batch_size!r}")


def _progress_bar(progress: bool | None, epochs: int):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("progress=True needs tqdm: pip install 'jaxopt-lectures[progress]'") from err
    return tqdm(total=epochs, unit="epoch", file=sys.stderr)


def fit(
    loss_fn: Callable[[Any, Any], jax.Array],
    params: Any,
    data: Any,
    optimizer: optax.GradientTransformation,
    *,
    epochs: int,
    batch_size: int | None = None,
    key: jax.Array,
    sampling: str = "shuffle",
    validation_data: Any = None,
    progress: bool | None = None,
    opt_state: Any = None,
) -> tuple[Any, FitHistory]:
    """Train ``params`` on ``data`` with minibatches for ``epochs`` epochs.

    Args:
      loss_fn: ``loss_fn(params, batch) -> scalar``, ``batch`` shaped like ``data`` with the
        batch on the leading axis (a mean over the batch, so batch sizes are comparable).
      params: initial parameters (pytree).
      data: pytree of arrays sharing a leading example axis of length n.
      optimizer: any optax transformation (extra args get ``value``, ``grad``, ``value_fn``).
      epochs: number of passes (integer ≥ 1).
      batch_size: b in [1, n] (ignored for ``sampling="full"``).
      key: PRNG key; the same key gives the same batches.
      sampling: ``"shuffle"``, ``"replacement"`` or ``"full"`` (module docstring).
      validation_data: optional pytree like ``data``; its loss is recorded per epoch.
      progress: tqdm bar over epochs with the current losses; default on when stderr is a
        terminal.
      opt_state: continue from this optimizer state instead of ``optimizer.init(params)``.

    Returns:
      ``(params, history)`` with a :class:`FitHistory`.
    """
    n = _num_examples(data)
    _check_fit_args(n, epochs, batch_size, sampling)
    opt = optax.with_extra_args_support(optimizer)
    if opt_state is None:
        opt_state = opt.init(params)
    bsize = n if sampling == "full" else batch_size

    def step(carry, idx):
        p, s = carry
        batch = jax.tree.map(lambda x: x[idx], data)
        value_fn = lambda q: loss_fn(q, batch)  # noqa: E731 - bound to this batch
        value, grad = jax.value_and_grad(value_fn)(p)
        updates, s = opt.update(grad, s, p, value=value, grad=grad, value_fn=value_fn)
        return (optax.apply_updates(p, updates), s), value

    def epoch(p, s, epoch_key):
        idx = batch_indices(epoch_key, n, bsize, sampling)
        (p, s), losses = jax.lax.scan(step, (p, s), idx)
        train = loss_fn(p, data)
        val = loss_fn(p, validation_data) if validation_data is not None else jnp.zeros(())
        return p, s, losses, train, val

    epoch = jax.jit(epoch)
    bar = _progress_bar(progress, epochs)
    step_losses, train_losses, val_losses = [], [], []
    try:
        for epoch_key in jax.random.split(key, epochs):
            params, opt_state, losses, train, val = epoch(params, opt_state, epoch_key)
            step_losses.append(losses)
            train_losses.append(train)
            val_losses.append(val)
            if bar is not None:
                post = {"train": f"{float(train):.4g}"}
                if validation_data is not None:
                    post["val"] = f"{float(val):.4g}"
                bar.set_postfix(post)
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    history = FitHistory(
        train_loss=np.asarray(jnp.stack(train_losses)),
        val_loss=np.asarray(jnp.stack(val_losses)) if validation_data is not None else None,
        step_losses=np.asarray(jnp.stack(step_losses)),
    )
    return params, history
