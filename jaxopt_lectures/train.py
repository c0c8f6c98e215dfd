"""Minibatch training: ``fit`` (L3 §§ on stochastic gradient, ALGORITHMS.md §9).

Each epoch is a compiled ``lax.scan`` over its minibatches, and the epochs themselves are a
``lax.scan`` too, in chunks of 64: Python runs once per 64 epochs (per epoch, or per few epochs,
when a progress bar is drawn), so a small model trains at the speed of its arithmetic, not of
Python dispatch. The three sampling modes of L3:

* ``"shuffle"`` — sampling without replacement (L3 eq. 24–25): each epoch draws a random
  permutation and cuts it into ⌊n/b⌋ disjoint batches of b examples. The n mod b examples left
  over by the cut sit out that epoch only (the next permutation is new), so every batch has the
  same size. The error e = ĝ_B − ḡ of a batch gradient has E‖e‖² = (n − b)/(n − 1) · σ²/b with
  σ² = (1/n) Σᵢ ‖gᵢ − ḡ‖² (the finite-population correction; L3 eq. 30 writes it (1 − b/n)σ²/b,
  which is the same number when σ² is the sample variance with 1/(n − 1)).
* ``"replacement"`` — bootstrap batches (L3 eq. 31): ⌊n/b⌋ batches per epoch, each of b indices
  drawn independently and uniformly; E‖e‖² = σ²/b with the same σ².
* ``"full"`` — batch gradient descent: one step per epoch on all n examples.

Optimizers that take extra arguments receive ``value`` (the batch loss), ``grad`` and
``value_fn`` bound to the current batch, so a line search or iRprop+ sees the function whose
gradient it is given.

The compiled run is cached on ``(loss_fn, optimizer)`` (when both are hashable, as functions and
optax transformations are): a second ``fit`` with the same two objects and data shapes does not
compile again.

What optax lacks and is written here: optax has no training loop; Flax/Equinox examples write
a Python loop over batches, one dispatch per step.
"""

from __future__ import annotations

import functools
import math
import sys
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .optimizers._base import check_choice, check_integer

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


def _num_examples(data: Any, name: str = "data") -> int:
    leaves = jax.tree.leaves(data)
    if not leaves:
        raise ValueError(f"{name} must be a pytree of arrays with a leading example axis; got no arrays")
    sizes = {int(jnp.shape(x)[0]) if jnp.ndim(x) else -1 for x in leaves}
    if -1 in sizes:
        raise ValueError(f"every array in {name} needs a leading example axis; got a scalar")
    if len(sizes) != 1:
        raise ValueError(f"every array in {name} needs the same leading example axis; got sizes {sorted(sizes)}")
    n = sizes.pop()
    if n < 1:
        raise ValueError(f"{name} holds no examples (leading axis of length 0)")
    return n



def batch_indices(key: jax.Array, n: int, batch_size: int, sampling: str = "shuffle") -> jax.Array:
    """The example indices of one epoch, shaped [steps, batch_size] (see the module docstring).

    ``"shuffle"``: the first ⌊n/b⌋·b entries of a random permutation of 0..n−1, so the rows are
    disjoint and n mod b examples sit out; ``"replacement"``: ⌊n/b⌋ rows of b independent uniform
    draws; ``"full"``: one row 0..n−1 (``batch_size`` ignored).
    """
    check_integer("n", n)
    _check_sampling(n, batch_size, sampling)
    if sampling == "full":
        return jnp.arange(n)[None, :]
    steps = n // batch_size
    if sampling == "shuffle":
        return jax.random.permutation(key, n)[: steps * batch_size].reshape(steps, batch_size)
    return jax.random.randint(key, (steps, batch_size), 0, n)  # "replacement"


def _check_sampling(n: int, batch_size: Any, sampling: str) -> None:
    """The sampling mode is known and 1 ≤ b ≤ n (b is not used by ``"full"``)."""
    check_choice("sampling", sampling, SAMPLING_MODES)
    if sampling != "full":
        check_integer("batch_size", batch_size, high=n, why="at most the n examples")


def _check_fit_args(n: int, epochs: Any, batch_size: Any, sampling: str) -> None:
    _check_sampling(n, batch_size, sampling)
    check_integer("epochs", epochs)


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


# The epochs run as a compiled ``lax.scan`` over chunks of _CHUNK epochs (the last chunk padded
# with epochs that change nothing), so one program serves every ``epochs``: a second fit with the
# same loss, optimizer and shapes compiles nothing. With a progress bar the chunk shrinks to the
# power of two that gives about _BAR_UPDATES updates (1 epoch per update up to 100 epochs).
_CHUNK = 64
_BAR_UPDATES = 100


def _chunk_size(epochs: int, bar: bool) -> int:
    if not bar:
        return _CHUNK
    return min(_CHUNK, 1 << max(0, math.ceil(math.log2(epochs / _BAR_UPDATES))))


def _run_epochs(params, opt_state, fresh, data, validation_data, key, first, epochs, *, chunk, loss_fn, optimizer,
                batch_size, sampling):
    """Epochs ``first, …, first + chunk − 1`` as one ``lax.scan``; those ≥ ``epochs`` change nothing.

    With ``fresh`` True, ``opt_state`` is a placeholder of the right shapes and the state starts
    from ``optimizer.init(params)``, computed here rather than op by op in Python.
    """
    n = _num_examples(data)
    bsize = n if sampling == "full" else batch_size
    opt = optax.with_extra_args_support(optimizer)
    opt_state = jax.lax.cond(fresh, lambda: opt.init(params), lambda: opt_state)

    def step(carry, idx):
        p, s = carry
        batch = jax.tree.map(lambda x: x[idx], data)
        value_fn = lambda q: loss_fn(q, batch)  # noqa: E731 - bound to this batch
        value, grad = jax.value_and_grad(value_fn)(p)
        updates, s = opt.update(grad, s, p, value=value, grad=grad, value_fn=value_fn)
        return (optax.apply_updates(p, updates), s), value

    def run(carry, e):
        idx = batch_indices(jax.random.fold_in(key, e), n, bsize, sampling)  # epoch e's batches
        (p, s), losses = jax.lax.scan(step, carry, idx)
        train = loss_fn(p, data)  # the full training loss at the end of the epoch
        val = loss_fn(p, validation_data) if validation_data is not None else jnp.zeros_like(train)
        return (p, s), (losses, train, val)

    def epoch(carry, e):
        out_shape = jax.eval_shape(run, carry, e)[1]
        skip = lambda c, e: (c, jax.tree.map(lambda a: jnp.full(a.shape, jnp.nan, a.dtype), out_shape))  # noqa: E731
        return jax.lax.cond(e < epochs, run, skip, carry, e)

    (params, opt_state), outs = jax.lax.scan(epoch, (params, opt_state), first + jnp.arange(chunk))
    return params, opt_state, outs


def _jit_run(chunk, loss_fn, optimizer, batch_size, sampling):
    static = {"chunk": chunk, "loss_fn": loss_fn, "optimizer": optimizer, "batch_size": batch_size, "sampling": sampling}
    return jax.jit(functools.partial(_run_epochs, **static))


# A few recent programs, so that fit(…) called again with the same loss and optimizer objects
# skips compiling; bounded, so that a sweep over fresh closures does not keep them all alive.
_jit_run_cached = functools.lru_cache(maxsize=8)(_jit_run)


def _compiled_run(*static):
    try:
        return _jit_run_cached(*static)
    except TypeError:  # an unhashable loss or optimizer: compile for this call only
        return _jit_run(*static)


def _placeholder_state(optimizer, params):
    """Host zeros shaped like ``optimizer.init(params)`` (the compiled run replaces them)."""
    opt = optax.with_extra_args_support(optimizer)
    shapes = jax.eval_shape(opt.init, params)
    if all(isinstance(s.dtype, np.dtype) for s in jax.tree.leaves(shapes)):
        return jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), shapes)
    return opt.init(params)  # e.g. PRNG keys in the state: initialise eagerly


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
      key: PRNG key; the same key gives the same batches (epoch e, counted from 0, draws them
        with ``jax.random.fold_in(key, e)``, so a longer run starts with the same epochs).
      sampling: ``"shuffle"``, ``"replacement"`` or ``"full"`` (module docstring).
      validation_data: optional pytree like ``data``; its loss is recorded per epoch.
      progress: tqdm bar over epochs with the current losses (on stderr); default on when
        stderr is a terminal. It updates about 100 times per run (every epoch up to 100).
      opt_state: continue from this optimizer state instead of ``optimizer.init(params)``.

    Returns:
      ``(params, history)`` with a :class:`FitHistory`.

    Example:
      >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
      >>> x = jnp.linspace(-1.0, 1.0, 32); data = (x, 3.0 * x)
      >>> loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
      >>> w, hist = jl.fit(loss, 0.0, data, jl.sgd(0.5), epochs=20, batch_size=8, key=jax.random.key(0))
      >>> round(float(w), 4), hist.step_losses.shape
      (3.0, (20, 4))
    """
    n = _num_examples(data)
    _check_fit_args(n, epochs, batch_size, sampling)
    if validation_data is not None:
        _num_examples(validation_data, "validation_data")
    epochs = int(epochs)
    batch_size = None if sampling == "full" else int(batch_size)
    fresh = opt_state is None
    if fresh:
        opt_state = _placeholder_state(optimizer, params)
    bar = _progress_bar(progress, epochs)
    chunk = _chunk_size(epochs, bar is not None)
    run = _compiled_run(chunk, loss_fn, optimizer, batch_size, sampling)
    num_chunks = -(-epochs // chunk)
    outs = []
    try:
        for c in range(num_chunks):
            params, opt_state, out = run(params, opt_state, fresh and c == 0, data, validation_data, key, c * chunk, epochs)
            outs.append(out)
            if bar is not None:
                last = min(chunk, epochs - c * chunk) - 1
                post = {"train": f"{float(out[1][last]):.4g}"}
                if validation_data is not None:
                    post["val"] = f"{float(out[2][last]):.4g}"
                bar.set_postfix(post, refresh=False)
                bar.update(last + 1)
    finally:
        if bar is not None:
            bar.close()
    step_losses, train, val = (np.concatenate([np.asarray(o[i]) for o in outs])[:epochs] for i in range(3))
    history = FitHistory(
        train_loss=train,
        val_loss=val if validation_data is not None else None,
        step_losses=step_losses,
    )
    return params, history
