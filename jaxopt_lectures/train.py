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

Each step is :func:`engine.minibatch_advance`, so ``fit`` has the loop core's divergence rule: a
non-finite loss, gradient or parameter stops the run at its last finite parameters, and the
history says where (``reason``, ``stopped_epoch``, ``stopped_step``); it counts evaluations too.

The compiled run is cached on the loss function and the optimizer's factory and non-float
arguments (:mod:`programs`): a second ``fit`` with the same loss, an optimizer from the same factory
(other learning rates included) and data of the same shapes does not compile again.

What optax lacks and is written here: optax has no training loop; Flax/Equinox examples write
a Python loop over batches, one dispatch per step.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from . import engine, programs
from .optimizers.base import check_choice, check_integer, check_optimizer, check_scalar_output, check_start

__all__ = ["SAMPLING_MODES", "FitHistory", "batch_indices", "fit"]

SAMPLING_MODES = ("shuffle", "replacement", "full")


class FitHistory(NamedTuple):
    """What :func:`fit` saw. Arrays are NumPy.

    Attributes:
      train_loss: [epochs] loss on all training data at the end of each epoch.
      val_loss: [epochs] loss on ``validation_data`` at the end of each epoch (None without it).
      step_losses: [epochs, steps_per_epoch] loss of each minibatch before its step.
      reason: ``"max_steps"`` (every epoch ran) or ``"diverged"`` (:mod:`engine`'s rule: a
        minibatch loss, gradient, parameter or an epoch's loss on all data became non-finite; the
        parameters returned are the last finite ones and the losses from there on are NaN).
      stopped_epoch, stopped_step: where a diverged run stopped (epoch from 0, minibatch within
        it); None when it did not.
      num_steps: optimizer steps taken (the diverging one included).
      num_fun_evals, num_grad_evals, num_hvp_evals: evaluations of the loss on minibatches (the
        per-epoch losses on all data not counted), line-search trials included.
      opt_state: the optimizer state after the last step, and ``next_epoch`` the index of the epoch
        a continuation starts with: ``fit(…, opt_state=h.opt_state, initial_epoch=h.next_epoch)``
        with the same ``key`` continues the run exactly (the same minibatches, bitwise the same
        numbers as one longer run).
    """

    train_loss: np.ndarray
    val_loss: np.ndarray | None
    step_losses: np.ndarray
    reason: str = "max_steps"
    stopped_epoch: int | None = None
    stopped_step: int | None = None
    num_steps: int = 0
    num_fun_evals: int = 0
    num_grad_evals: int = 0
    num_hvp_evals: int = 0
    opt_state: Any = None
    next_epoch: int = 0


def num_examples(data: Any, name: str = "data") -> int:
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


def check_fit_args(n: int, epochs: Any, batch_size: Any, sampling: str) -> None:
    _check_sampling(n, batch_size, sampling)
    check_integer("epochs", epochs)


def check_key(key: Any) -> None:
    """A PRNG key: ``jax.random.key(seed)`` (typed) or a raw ``jax.random.PRNGKey(seed)`` (uint32)."""
    dtype = getattr(key, "dtype", None)
    typed = dtype is not None and jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key)
    raw = isinstance(dtype, np.dtype) and dtype == np.uint32 and jnp.ndim(key) == 1
    if not (typed or raw):
        raise TypeError(f"key must be a PRNG key such as jax.random.key(0) (it draws the minibatches); got {key!r}")


def _check_model(loss_fn: Any, params: Any, data: Any) -> jax.ShapeDtypeStruct:
    """``loss_fn(params, batch)`` is a scalar and ``params`` are real, finite floating point (a NaN
    start would stop the run at once with no finite parameters to return). Returns the loss's
    shape and dtype (from one ``jax.eval_shape``)."""
    check_start("params", params)
    return check_scalar_output("loss_fn", loss_fn, params, data)


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


def _epochs(carry, first_chunk, fresh, data, validation_data, key, first, epochs, *, loss_fn, opt, chunk,
            batch_size, sampling, batch_sharding=None):
    """Epochs ``first, …, first + chunk − 1`` as one ``lax.scan`` of :func:`engine.minibatch_advance`;
    those ≥ ``epochs`` change nothing.

    With ``first_chunk``, ``carry`` holds the initial parameters: the loss on all data is evaluated
    there and the state is ``optimizer.init(params)`` (``fresh``) or the one given.
    """
    opt = optax.with_extra_args_support(opt)

    def begin(c):
        state = jax.lax.cond(fresh, lambda: opt.init(c.params), lambda: c.opt_state)
        return engine.minibatch_start(opt, c.params, jnp.asarray(loss_fn(c.params, data), c.value.dtype), state)

    carry = jax.lax.cond(first_chunk, begin, lambda c: c, carry)

    def run(c, e):
        c, losses = epoch_steps(opt, loss_fn, c, data, key, e, batch_size, sampling, batch_sharding=batch_sharding)
        val = loss_fn(c.params, validation_data) if validation_data is not None else jnp.zeros_like(c.value)
        stopped = c.reason == engine.DIVERGED
        return c, (losses, jnp.where(stopped, jnp.nan, c.value), jnp.where(stopped, jnp.nan, val))

    def epoch(c, e):
        out_shape = jax.eval_shape(run, c, e)[1]
        skip = lambda c, e: (c, jax.tree.map(lambda a: jnp.full(a.shape, jnp.nan, a.dtype), out_shape))  # noqa: E731
        return jax.lax.cond(e < epochs, run, skip, c, e)

    return jax.lax.scan(epoch, carry, first + jnp.arange(chunk))


def epoch_steps(opt, loss_fn, c: engine.MinibatchLoop, data, key, epoch, batch_size, sampling, *,
                batch_sharding=None, idx=None):
    """Epoch ``epoch`` of ``fit`` (and of every ``sweep_fit`` row): its minibatches, drawn with
    ``fold_in(key, epoch)``, a step of :func:`engine.minibatch_advance` on each, then the loss on
    all data (:func:`engine.monitor`). Returns the carry and the minibatch losses.

    ``batch_sharding`` (data-parallel ``fit``, :mod:`data_parallel`): each minibatch is constrained
    to it, so its examples are split over the devices and XLA all-reduces the gradient's mean.
    ``idx``: the epoch's [steps, batch] example indices when drawn already (``key`` is then unused;
    several seeds draw them once per seed for all configurations)."""
    n = num_examples(data)
    if idx is None:
        idx = batch_indices(jax.random.fold_in(key, epoch), n, n if sampling == "full" else batch_size, sampling)

    def step(c, i):
        batch = jax.tree.map(lambda x: x[i], data)
        if batch_sharding is not None:
            batch = jax.lax.with_sharding_constraint(batch, batch_sharding)
        return engine.minibatch_advance(opt, loss_fn, c, batch)

    c, losses = jax.lax.scan(step, c, idx)
    return engine.monitor(c, loss_fn(c.params, data)), losses


def _program(loss_fn, split, chunk, batch_size, sampling, batch_sharding=None):
    """The compiled chunk of epochs for this loss and optimizer, ``run(split.floats, *args)``
    (cached in :mod:`programs`: the optimizer's floats are runtime inputs)."""
    settings = {"chunk": chunk, "batch_size": batch_size, "sampling": sampling}
    if batch_sharding is not None:  # data-parallel: a program of its own (one device: the key as before)
        settings["batch_sharding"] = batch_sharding

    def body(functions, opt, *args):
        (loss,) = functions
        return _epochs(*args, loss_fn=loss, opt=opt, **settings)

    return programs.optimizer_program("fit", (loss_fn,), split, tuple(sorted(settings.items())), body)


def _placeholder_state(optimizer, params):
    """Host zeros shaped like ``optimizer.init(params)`` (the compiled run replaces them)."""
    opt = optax.with_extra_args_support(optimizer)
    shapes = jax.eval_shape(opt.init, params)
    if all(isinstance(s.dtype, np.dtype) for s in jax.tree.leaves(shapes)):
        return jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), shapes)
    return opt.init(params)  # e.g. PRNG keys in the state: initialise eagerly


def _initial_carry(value: jax.ShapeDtypeStruct, optimizer, params, opt_state):
    """The loop's carry before the first chunk (``value``: the loss's shape and dtype)."""
    state = _placeholder_state(optimizer, params) if opt_state is None else opt_state
    zero = np.zeros((), np.int32)
    return engine.MinibatchLoop(zero, params, state, np.zeros((), value.dtype), zero,
                                engine.Evaluations(zero, zero, zero))  # fmt: skip


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
    initial_epoch: int = 0,
    devices: Any = None,
) -> tuple[Any, FitHistory]:
    """Train ``params`` on ``data`` with minibatches for ``epochs`` epochs.

    Args:
      loss_fn: ``loss_fn(params, batch) -> scalar``, ``batch`` shaped like ``data`` with the
        batch on the leading axis (a mean over the batch, so batch sizes are comparable).
      params: initial parameters (pytree of real floating arrays; a concrete NaN or ±inf raises).
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
      initial_epoch: the index of the first epoch (its minibatches come from
        ``fold_in(key, initial_epoch)``): with ``opt_state`` and a previous run's
        ``history.next_epoch``, a resumed run equals one uninterrupted run.
      devices: data parallelism (:mod:`data_parallel`): a device count k (``jax.devices()[:k]``)
        or a sequence of jax devices of one platform. Each minibatch is split over them, the
        parameters and optimizer state are replicated, and the result equals one device's up to
        rounding. ``batch_size`` (all n examples for ``sampling="full"``) must be a multiple of
        their number. One device runs the one-device path on it; ``None`` (default) is today's run.

    Returns:
      ``(params, history)`` with a :class:`FitHistory`.

    Examples:
      >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
      >>> x = jnp.linspace(-1.0, 1.0, 32); data = (x, 3.0 * x)
      >>> loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
      >>> w, hist = jl.fit(loss, 0.0, data, jl.sgd(0.5), epochs=20, batch_size=8, key=jax.random.key(0))
      >>> round(float(w), 4), hist.step_losses.shape
      (3.0, (20, 4))
    """
    n = num_examples(data)
    check_fit_args(n, epochs, batch_size, sampling)
    mesh, device = None, None
    if devices is not None:  # checked before anything is traced or compiled
        from . import data_parallel  # only data-parallel runs read it (it imports sweeps, which import this)

        devices = data_parallel.resolve_devices(devices)
        if len(devices) > 1:
            data_parallel.check_divides(len(devices), n, batch_size, sampling)
            mesh = data_parallel.mesh(devices)
        elif devices[0] != jax.devices()[0]:
            device = devices[0]
    check_key(key)
    check_optimizer(optimizer)
    value = _check_model(loss_fn, params, data)
    if validation_data is not None:
        num_examples(validation_data, "validation_data")
    if device is not None:  # one device that is not the default: the one-device run, placed there
        with jax.default_device(device):
            return _fit(loss_fn, params, data, optimizer, value, epochs, batch_size, key, sampling, validation_data,
                        progress, opt_state, initial_epoch, None)
    return _fit(loss_fn, params, data, optimizer, value, epochs, batch_size, key, sampling, validation_data,
                progress, opt_state, initial_epoch, mesh)


def _fit(loss_fn, params, data, optimizer, value, epochs, batch_size, key, sampling, validation_data, progress,
         opt_state, initial_epoch, mesh):
    """:func:`fit` after its checks; ``mesh``: the data-parallel mesh (None: one device)."""
    n = num_examples(data)
    epochs = int(epochs)
    check_integer("initial_epoch", initial_epoch, low=0, why="the index of the first epoch")
    start = int(initial_epoch)
    batch_size = None if sampling == "full" else int(batch_size)
    steps_per_epoch = 1 if sampling == "full" else n // batch_size
    fresh = opt_state is None
    carry = _initial_carry(value, optimizer, params, opt_state)
    host, batch_sharding = (lambda x: x), None
    if mesh is not None:  # replicate the model, the data and the key; the batch is split inside the program
        from . import data_parallel

        carry, data, validation_data, key = data_parallel.replicate((carry, data, validation_data, key), mesh)
        host, batch_sharding = data_parallel.fetch, data_parallel.batch_sharding(mesh)
    bar = _progress_bar(progress, epochs)
    chunk = _chunk_size(epochs, bar is not None)
    try:
        split = programs.split_optimizer(optimizer)
    except programs.Uncacheable:
        split = programs.whole(optimizer)
    run = _program(loss_fn, split, chunk, batch_size, sampling, batch_sharding)
    num_chunks = -(-epochs // chunk)
    outs = []
    try:
        for c in range(num_chunks):
            args = (carry, c == 0, fresh, data, validation_data, key, start + c * chunk, start + epochs)
            try:
                carry, out = run(split.floats, *args)
            except programs.TRACER_ERRORS:  # a factory that needs a float as a Python value: floats fixed
                split = programs.whole(optimizer)
                run = _program(loss_fn, split, chunk, batch_size, sampling, batch_sharding)
                carry, out = run(split.floats, *args)
            out = host(out)
            outs.append(out)
            done = int(host(carry.reason)) != engine.RUNNING
            if bar is not None:
                last = min(chunk, epochs - c * chunk) - 1
                post = {"train": f"{float(out[1][last]):.4g}"}
                if validation_data is not None:
                    post["val"] = f"{float(out[2][last]):.4g}"
                bar.set_postfix(post, refresh=False)
                bar.update(last + 1)
            if done:  # diverged: the remaining epochs would change nothing
                break
    finally:
        if bar is not None:
            bar.close()
    step_losses, train, val = (np.concatenate([np.asarray(o[i]) for o in outs])[:epochs] for i in range(3))
    if len(train) < epochs:  # stopped early: the epochs not run are NaN
        pad = epochs - len(train)
        step_losses = np.concatenate([step_losses, np.full((pad, *step_losses.shape[1:]), np.nan, step_losses.dtype)])
        train, val = (np.concatenate([a, np.full(pad, np.nan, a.dtype)]) for a in (train, val))
    counts = host((carry.reason, carry.k, carry.evaluations))
    reason = int(engine.finish(counts[0]))
    stopped = None
    if reason == engine.DIVERGED:
        last = max(int(counts[1]) - 1, 0)  # the step that produced the non-finite number
        epoch, step = divmod(last, steps_per_epoch)
        stopped = (start + epoch, step)
    history = FitHistory(
        train_loss=train,
        val_loss=val if validation_data is not None else None,
        step_losses=step_losses,
        reason=engine.REASONS[reason],
        stopped_epoch=None if stopped is None else stopped[0],
        stopped_step=None if stopped is None else stopped[1],
        num_steps=int(counts[1]),
        num_fun_evals=int(counts[2].fun),
        num_grad_evals=int(counts[2].grad),
        num_hvp_evals=int(counts[2].hvp),
        opt_state=carry.opt_state,
        next_epoch=start + epochs,
    )
    return carry.params, history
