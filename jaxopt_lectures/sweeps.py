"""Hyperparameter sweeps as one compiled program: ``sweep`` (full batch) and ``sweep_fit`` (minibatches).

L0 (ALGORITHMS.md §10.2 and §10.5) reads the right learning rate off a sweep: on 3x² + 2y² + 4z² + 6
GD is fastest at η = 2/(λmin + λmax) = 1/6 and diverges for η > 2/λmax = 1/4; momentum on
0.1 x1² + 2 x2² converges at η = 0.6 only with enough β. A sweep runs one optimizer factory
``make_optimizer(**hyperparameters)`` over a grid of hyperparameters:

* **one compiled program per sweep.** The configurations are ``jax.vmap``-ed: each builds its
  optimizer inside the mapped function from traced hyperparameters (the optimizers of this
  library, and optax's, accept tracers), so the step is traced once for all of them. Values that
  cannot be traced — non-floating grids (strings such as ``variant``, integers that set shapes such
  as ``memory_size``, flags), and floats the factory turns into Python numbers — are split off
  automatically: one compiled group per distinct combination of them, results back in the
  caller's order.
* **isolation.** There is no arithmetic across configurations. A configuration whose loss,
  gradient or parameters become non-finite stops there — its parameters stay at its last finite
  iterate (as in :func:`~jaxopt_lectures.minimize`; its optimizer state is not kept, which for a
  small model would cost as much as the step) and its remaining ``values`` are NaN — and is
  reported as diverged; nothing raises and no other row changes (see below).
* **scale-out.** The configuration axis is sharded over a 1-D ``jax.sharding.Mesh`` of
  ``devices`` (default: every local device), padded to a multiple of the device count with copies
  of a valid configuration whose rows are dropped. ``devices=jax.devices()`` after
  ``jax.distributed.initialize()`` spans every host (each process passes the same arguments and
  receives the whole result). The numbers are those of one device: bitwise where a
  configuration's arithmetic is elementwise; to rounding where XLA picks another kernel for the
  smaller per-device batch (a batched matrix product sums in another order). Isolation likewise:
  a row never reads another row's numbers; removing a configuration changes only the batch size.

What a row holds (``n`` configurations in caller order):

* ``sweep``: ``values[i, k]`` = f(x_{k+1}), the objective after step k + 1 (so ``values[:, -1]``
  is f after ``steps`` steps); ``initial_value`` = f(x0), the same for every row.
* ``sweep_fit``: ``values[i, e]`` = the loss on all of ``data`` after epoch e (``fit``'s
  ``history.train_loss``); ``step_losses[i, e, j]`` = the loss of minibatch j of epoch e before
  its step; ``initial_value`` = the loss on all of ``data`` at the initial parameters.
* ``final_values = values[:, -1]``; ``diverged[i]`` is True when configuration i stopped on a
  non-finite number or ends above its start (``final_values[i] > initial_value``).

Grid values: floats are traced; integers, booleans, strings and None are static (integers often
set shapes: pass ``[1.0, 2.0]`` to trace a numeric hyperparameter).

What optax lacks and is written here: optax has no sweep driver (one vmaps a hand-written loop,
as the README's "traced arrays" section does); this module adds the grid, the static/traced
split, divergence bookkeeping and the device mesh around that idea.

Example:
  >>> import jax.numpy as jnp, numpy as np, jaxopt_lectures as jl
  >>> from jaxopt_lectures.problems import get_problem
  >>> p = get_problem("separable_quadratic_l0")      # 3x² + 2y² + 4z² + 6 from (1, 1, 1)
  >>> etas = np.linspace(0.01, 0.3, 60)
  >>> r = jl.sweep(jl.sgd, {"learning_rate": etas}, p.fun, jnp.asarray(p.x0), steps=100)
  >>> r.values.shape, bool(np.all(r.diverged == (etas > 0.25)))
  ((60, 100), True)
  >>> fastest = etas[np.argmin(r.steps_to(6 + 1e-12))]  # fewest steps to f − 6 ≤ 1e-12
  >>> bool(abs(fastest - 1 / 6) <= etas[1] - etas[0])  # one grid step from 2/(λmin + λmax)
  True
"""

from __future__ import annotations

import functools
import inspect
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from . import engine, programs
from .table import text_table
from .optimizers.base import check_callable, check_integer, check_scalar_value, check_start
from .train import check_fit_args, check_key, num_examples, epoch_steps

__all__ = ["SweepBest", "SweepResult", "sweep", "sweep_fit"]

# What tracing a hyperparameter that the factory needs as a Python value raises.
_TRACER_ERRORS = (
    jax.errors.ConcretizationTypeError,  # also TracerBoolConversionError: `if eta > 0:`
    jax.errors.TracerIntegerConversionError,
    jax.errors.TracerArrayConversionError,
)


class SweepBest(NamedTuple):
    """The configuration with the lowest final loss among those that did not diverge."""

    index: int
    config: dict[str, Any]
    final_value: float


class SweepResult(NamedTuple):
    """Outcome of :func:`sweep` / :func:`sweep_fit` (NumPy arrays, configurations in caller order).

    Attributes:
      configs: hyperparameter name → [n] array of each configuration's value.
      values: [n, steps] (``sweep``: f after each step) or [n, epochs] (``sweep_fit``: the
        training loss after each epoch); NaN from the step at which a configuration stopped.
      final_values: ``values[:, -1]``.
      diverged: [n] bool: stopped on a non-finite loss, gradient or parameter, or
        ``final_values > initial_value``.
      initial_value: the loss at the start (f(x0), or the training loss of the initial params).
      params: the final parameters (the last finite ones), each leaf with a leading [n] axis.
      step_losses: ``sweep_fit`` only: [n, epochs, steps_per_epoch] minibatch losses before each
        step (None for ``sweep``).
      num_programs: compiled groups (1 unless some hyperparameters could not be traced).
      num_devices: devices the configuration axis was sharded over.
      reason: [n] int: each row's stop reason, an index into ``engine.REASONS`` (``diverged``, or
        ``max_steps`` for a row that ran all its steps); ``reason_names`` gives the words.
      num_fun_evals, num_grad_evals, num_hvp_evals: [n] evaluations each row spent (line-search
        trials included; ``sweep_fit``: on minibatches, the per-epoch losses on all data not counted).
    """

    configs: dict[str, np.ndarray]
    values: np.ndarray
    final_values: np.ndarray
    diverged: np.ndarray
    initial_value: float
    params: Any
    step_losses: np.ndarray | None = None
    num_programs: int = 1
    num_devices: int = 1
    reason: np.ndarray | None = None
    num_fun_evals: np.ndarray | None = None
    num_grad_evals: np.ndarray | None = None
    num_hvp_evals: np.ndarray | None = None

    @property
    def reason_names(self) -> list[str]:
        """Each row's stop reason in words."""
        return [engine.REASONS[int(c)] for c in self.reason]

    def config(self, index: int) -> dict[str, Any]:
        """Configuration ``index`` as keyword arguments of ``make_optimizer`` (Python scalars)."""
        return {name: _python(col[index]) for name, col in self.configs.items()}

    def best(self) -> SweepBest:
        """The non-diverged configuration with the lowest final loss (the first one on a tie)."""
        ok = ~self.diverged & np.isfinite(self.final_values)
        if not ok.any():
            raise ValueError("every configuration diverged: there is no best one")
        i = int(np.flatnonzero(ok)[np.argmin(self.final_values[ok])])
        return SweepBest(i, self.config(i), float(self.final_values[i]))

    def steps_to(self, target: float) -> np.ndarray:
        """[n] float: the first step (epoch for ``sweep_fit``) after which the loss is ≤ ``target``;
        0 when the start is, ``inf`` when never. The fewest steps is the fastest convergence."""
        hit = self.values <= target
        out = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1.0, np.inf)
        return np.where(self.initial_value <= target, 0.0, out)

    def table(self, sort: bool = False) -> str:
        """A text table: one row per configuration, its final loss, whether it diverged."""
        order = np.arange(len(self.final_values))
        if sort:  # best first, diverged last
            order = np.lexsort((np.nan_to_num(self.final_values, nan=np.inf), self.diverged))
        best = self.best().index if not self.diverged.all() else -1
        rows = []
        for i in order:
            cells = [_cell(col[i]) for col in self.configs.values()]
            final = self.final_values[i]
            cells += [f"{final:.6g}" if np.isfinite(final) else "—", "yes" if self.diverged[i] else "no"]
            rows.append([*cells, "best" if i == best else ""])
        return text_table([*self.configs, "final loss", "diverged", ""], rows)

    def __str__(self) -> str:
        return self.table()


def _python(value: Any) -> Any:
    """A grid entry as a Python scalar (NumPy scalars unwrapped; None and strings of object arrays kept)."""
    return value.item() if isinstance(value, np.generic) else value


def _cell(value: Any) -> str:
    value = _python(value)
    return f"{value:.4g}" if isinstance(value, float) else str(value)


# --------------------------------------------------------------------------------------------
# Arguments: the grid, the factory's names, the devices (all checked before anything compiles)
# --------------------------------------------------------------------------------------------


def _configurations(grid: Any, product: bool) -> dict[str, np.ndarray]:
    """name → [n] values: the Cartesian product (last name fastest) or the zipped columns."""
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(f"grid must map at least one hyperparameter name to a 1-D array of values; got {grid!r}")
    columns = {}
    for name, values in grid.items():
        if not isinstance(name, str):
            raise TypeError(f"grid names must be strings (keyword arguments of make_optimizer); got {name!r}")
        try:
            arr = np.asarray(values)
        except ValueError:  # NumPy's "inhomogeneous shape": a ragged nested list
            raise ValueError(f"grid[{name!r}] must be a 1-D array of values; got a ragged {values!r}") from None
        if arr.ndim != 1:
            raise ValueError(f"grid[{name!r}] must be a 1-D array of values; got shape {arr.shape}")
        if arr.size == 0:
            raise ValueError(f"grid[{name!r}] is empty: give at least one value")
        columns[name] = arr
    if not product:
        lengths = {name: len(col) for name, col in columns.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(
                f"with product=False every grid array needs the same length (they are zipped); got {lengths}"
            )
        return columns
    index = np.array(list(itertools.product(*(range(len(col)) for col in columns.values())))).reshape(-1, len(columns))
    return {name: col[index[:, j]] for j, (name, col) in enumerate(columns.items())}


def _check_factory(make_optimizer: Callable, names: Sequence[str]) -> None:
    """Every grid name is a keyword of ``make_optimizer`` and every required keyword is given."""
    if not callable(make_optimizer):
        raise TypeError(
            f"make_optimizer must be callable (**hyperparameters → transformation); got {make_optimizer!r}"
        )
    try:
        params = inspect.signature(make_optimizer).parameters.values()
    except (TypeError, ValueError):  # no signature (some builtins): the eager build checks
        return
    named = [p for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if not any(p.kind == p.VAR_KEYWORD for p in params):
        unknown = [n for n in names if n not in {p.name for p in named}]
        if unknown:
            accepted = ", ".join(p.name for p in named) or "nothing"
            listed = ", ".join(map(repr, unknown))
            raise TypeError(f"make_optimizer does not accept the grid name(s) {listed}; it takes {accepted}")
    missing = [p.name for p in named if p.default is p.empty and p.name not in names]
    if missing:
        raise TypeError(
            f"make_optimizer needs {', '.join(map(repr, missing))}: add it to the grid, or fix it with "
            "functools.partial or a lambda"
        )


def _build(make_optimizer: Callable, config: dict[str, Any], index: int) -> optax.GradientTransformation:
    """The concrete optimizer of one configuration (range checks of the library run here)."""
    try:
        opt = make_optimizer(**config)
    except (TypeError, ValueError) as err:
        cls = ValueError if isinstance(err, ValueError) else TypeError
        raise cls(f"make_optimizer(**{config!r}) (configuration {index}): {err}") from err
    if not isinstance(opt, optax.GradientTransformation):
        raise TypeError(f"make_optimizer must return an optax GradientTransformation; got {type(opt).__name__}")
    return opt


def _static_groups(rows: list[dict[str, Any]], traced: Sequence[str]) -> dict[tuple, list[int]]:
    """Row indices by their untraced values ``((name, value), …)``, groups in order of first appearance."""
    groups: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(tuple((k, v) for k, v in row.items() if k not in traced), []).append(i)
    return groups


def _validate(make_optimizer: Callable, rows: list[dict[str, Any]], configs: dict[str, np.ndarray],
              traced: Sequence[str]) -> None:
    """Build every configuration once, concretely, so that bad values fail before anything compiles.

    Per group of equal non-float values, the factory is first called once with each float column
    as a NumPy array of the group's values: this library's range checks test every element of a
    concrete array, so one call validates the whole group (a sweep of 256 learning rates builds one
    ``adam`` instead of 256). If that call fails for any reason — a bad value, or a factory that
    wants Python scalars — every configuration of the group is built on its own, which names the
    first bad one. A factory that accepts arrays without checking them is not checked per value.
    """
    for static, members in _static_groups(rows, traced).items():
        columns = {name: configs[name][members] for name in traced}
        try:
            if not isinstance(make_optimizer(**dict(static), **columns), optax.GradientTransformation):
                raise TypeError
        except Exception:  # noqa: BLE001 - any failure: find (and report) the configuration one by one
            for i in members:
                _build(make_optimizer, rows[i], i)


def _mesh(devices: Any) -> Mesh:
    devices = jax.local_devices() if devices is None else list(devices)
    if not devices or not all(isinstance(d, jax.Device) for d in devices):
        raise ValueError(
            f"devices must be a non-empty sequence of jax devices (e.g. jax.local_devices()[:2]); got {devices!r}"
        )
    if len(set(devices)) != len(devices):
        raise ValueError(f"devices must not repeat a device; got {devices!r}")
    return Mesh(np.array(devices), ("config",))


def _put(x: Any, sharding: NamedSharding) -> Any:
    """A pytree on ``sharding``; across hosts every process passes the same host values."""

    def put(a):
        if sharding.is_fully_addressable:
            return jax.device_put(a, sharding)
        if jnp.issubdtype(jnp.result_type(a), jax.dtypes.prng_key):
            return jax.random.wrap_key_data(put(jax.random.key_data(a)), impl=jax.random.key_impl(a))
        a = np.asarray(a)
        return jax.make_array_from_callback(a.shape, sharding, lambda index: a[index])

    return jax.tree.map(put, x)


def _fetch(x: Any) -> Any:
    """NumPy copies of a pytree of (possibly multi-host) arrays."""

    def get(a):
        if a.is_fully_addressable:
            return np.asarray(a)
        from jax.experimental import multihost_utils

        return np.asarray(multihost_utils.process_allgather(a, tiled=True))

    return jax.tree.map(get, x)


# --------------------------------------------------------------------------------------------
# The compiled programs: one configuration's run, vmapped over the configuration axis
# --------------------------------------------------------------------------------------------


def _optimizer(make_optimizer, static, hp):
    return optax.with_extra_args_support(make_optimizer(**dict(static), **hp))


def _counts(c: Any) -> dict[str, jax.Array]:
    """A row's stop reason and evaluation counts, from the loop core's carry."""
    ev = c.evaluations
    return {"reason": engine.finish(c.reason), "num_fun_evals": ev.fun, "num_grad_evals": ev.grad, "num_hvp_evals": ev.hvp}


def _full_batch_program(hps, ids, x0, *, make_optimizer, static, fun, residual_fn, steps):
    """values[i, k] = f(x_{k+1}) of configuration i (NaN once it diverged), final x, alive, f(x0),
    and each row's stop reason and evaluation counts. Steps of :func:`engine.advance` with only
    the divergence rule and ``max_steps = steps`` (a sweep's curves all have ``steps`` points)."""
    extra = {"value_fn": fun} if residual_fn is None else {"value_fn": fun, "residual_fn": residual_fn}
    objective = engine.Objective(jax.value_and_grad(fun), extra)
    rules = engine.Rules(gtol=-1.0, ftol=0.0, gdtol=0.0, max_steps=steps, stall_steps=0)  # -1: gtol off
    value0 = check_scalar_value("fun", jnp.asarray(fun(x0)))  # the start, shared by every configuration

    def one(hp):
        opt = _optimizer(make_optimizer, static, hp)

        def step(c, _):
            c, _ = engine.advance(opt, objective, rules, c)
            return c, jnp.where(c.reason == engine.DIVERGED, jnp.nan, c.value)

        c, values = jax.lax.scan(step, engine.start(opt, objective, x0, rules), None, length=steps)
        return c.params, values, c.reason != engine.DIVERGED, _counts(c)

    # ``ids`` carries the configuration axis, also when no hyperparameter is traced (hps == {})
    x, values, alive, counts = jax.vmap(lambda hp, _: one(hp))(hps, ids)
    return x, values, None, alive, value0, counts


def _minibatch_program(hps, ids, params, data, key, *, make_optimizer, static, loss_fn, epochs, batch_size, sampling):
    """``fit``'s epochs for every configuration, on the same batches (drawn outside the vmap)."""
    value0 = check_scalar_value("loss_fn", jnp.asarray(loss_fn(params, data)))  # traced after the grid's checks

    def one(hp):
        opt = _optimizer(make_optimizer, static, hp)

        def epoch(c, e):  # fit's epoch; the batches do not depend on the configuration: one draw for all
            c, losses = epoch_steps(opt, loss_fn, c, data, key, e, batch_size, sampling)
            return c, (jnp.where(c.reason == engine.DIVERGED, jnp.nan, c.value), losses)

        c = engine.minibatch_start(opt, params, value0)
        c, (values, losses) = jax.lax.scan(epoch, c, jnp.arange(epochs))
        return c.params, values, losses, c.reason != engine.DIVERGED, _counts(c)

    p, values, losses, alive, counts = jax.vmap(lambda hp, _: one(hp))(hps, ids)
    return p, values, losses, alive, value0, counts


def _compiled(program, make_optimizer, static, options):
    """The jitted ``program`` for one static group, from :mod:`programs`' cache: the same sweep run
    again (same factory and function objects) compiles nothing, and the programs go when the
    factory or the function does."""
    functions = {k: v for k, v in options.items() if callable(v)}
    rest = tuple(sorted((k, v) for k, v in options.items() if not callable(v)))
    names = list(functions)

    def make(get_factory, *getters):
        def run(*args):
            bound = {name: get() for name, get in zip(names, getters)}
            return program(*args, make_optimizer=get_factory(), static=static, **bound, **dict(rest))

        return run

    return programs.compiled(program.__name__, (make_optimizer, *functions.values()), (static, rest), make)


# --------------------------------------------------------------------------------------------
# The driver: split into static groups, shard, run, reassemble in caller order
# --------------------------------------------------------------------------------------------


def _run(program, make_optimizer, grid, product, devices, shared, options) -> SweepResult:
    configs = _configurations(grid, product)
    names = list(configs)
    _check_factory(make_optimizer, names)
    n = len(next(iter(configs.values())))
    rows = [{name: _python(configs[name][i]) for name in names} for i in range(n)]
    traced = [name for name in names if np.issubdtype(configs[name].dtype, np.floating)]
    _validate(make_optimizer, rows, configs, traced)
    mesh = _mesh(devices)
    along, replicated = NamedSharding(mesh, PartitionSpec("config")), NamedSharding(mesh, PartitionSpec())
    shared = _put(shared, replicated)

    while True:  # runs again only when a float turned out to need a Python value
        groups = _static_groups(rows, traced)
        outs, needs_value = [], []
        for static, members in groups.items():
            try:
                args = (static, members, configs, traced, mesh, along, shared, options)
                outs.append(_launch(program, make_optimizer, *args))
            except _TRACER_ERRORS:
                row = rows[members[0]]
                needs_value = [k for k in traced if not _traceable(program, make_optimizer, row, k, shared, options)]
                if not needs_value:
                    raise
                break
        if not needs_value:
            break
        traced = [name for name in traced if name not in needs_value]

    outs = _fetch(outs)
    first = outs[0]
    values = np.empty((n, *first[1].shape[1:]), first[1].dtype)
    losses = None if first[2] is None else np.empty((n, *first[2].shape[1:]), first[2].dtype)
    alive = np.empty(n, bool)
    params = jax.tree.map(lambda a: np.empty((n, *a.shape[1:]), a.dtype), first[0])
    counts = {name: np.empty(n, col.dtype) for name, col in first[5].items()}
    for members, (p, v, sl, a, _, c) in zip(groups.values(), outs):
        m = len(members)  # rows past m are padding
        values[members], alive[members] = v[:m], a[:m]
        if losses is not None:
            losses[members] = sl[:m]
        for dst, src in zip(jax.tree.leaves(params), jax.tree.leaves(p)):
            dst[members] = src[:m]
        for name, col in c.items():
            counts[name][members] = col[:m]
    initial = float(first[4])
    final = values[:, -1]
    with np.errstate(invalid="ignore"):
        diverged = ~alive | ~np.isfinite(final) | (final > initial)
    return SweepResult(configs, values, final, diverged, initial, params, losses, len(groups), mesh.devices.size,
                       **counts)  # fmt: skip


def _float_dtype(params: Any) -> Any:
    """The parameters' floating dtype, which traced hyperparameters take (so that a float64 grid
    with x64 enabled does not promote a float32 model's optimizer state); JAX's default float
    when the parameters have none."""
    floats = [leaf.dtype for leaf in jax.tree.leaves(params) if jnp.issubdtype(leaf.dtype, jnp.floating)]
    return jnp.result_type(*floats) if floats else jnp.result_type(float)


def _launch(program, make_optimizer, static, members, configs, traced, mesh, along, shared, options):
    """Start one static group's compiled program (asynchronously); rows padded to the mesh."""
    d = mesh.devices.size
    padded = np.concatenate([members, np.full(-len(members) % d, members[0])])
    dtype = _float_dtype(shared[0])
    hps = {name: _put(configs[name][padded].astype(dtype), along) for name in traced}
    run = _compiled(program, make_optimizer, static, options)
    return run(hps, _put(padded.astype(np.int32), along), *shared)


def _traceable(program, make_optimizer, row, name, shared, options) -> bool:
    """Does one step of configuration ``row`` trace with only ``name`` traced?"""
    static = tuple((k, v) for k, v in row.items() if k != name)
    options = {**options, ("steps" if "steps" in options else "epochs"): 1}
    run = functools.partial(program, make_optimizer=make_optimizer, static=static, **options)
    try:
        jax.eval_shape(run, {name: jnp.asarray([row[name]], _float_dtype(shared[0]))}, jnp.zeros(1, jnp.int32), *shared)
    except _TRACER_ERRORS:
        return False
    return True


def sweep(
    make_optimizer: Callable[..., optax.GradientTransformation],
    grid: Mapping[str, Any],
    fun: Callable[[Any], jax.Array],
    x0: Any,
    *,
    steps: int,
    product: bool = True,
    devices: Sequence[jax.Device] | None = None,
    residual_fn: Callable[[Any], Any] | None = None,
) -> SweepResult:
    """Minimise ``fun`` from ``x0`` for ``steps`` steps with every configuration of ``grid``.

    Lecture L0 (ALGORITHMS.md §10.2, §10.5); the module docstring says what rows mean.

    Args:
      make_optimizer: ``make_optimizer(**hyperparameters)`` → any optax transformation (this
        library's or optax's); it receives ``value``, ``grad`` and ``value_fn`` (and
        ``residual_fn`` when given), so line searches and ``rprop(variant="irprop+")`` work.
      grid: hyperparameter name → 1-D array of values. Floating values are traced; others
        (strings, integers, flags) give one compiled group per distinct combination.
      fun: scalar objective of a pytree of parameters.
      x0: the starting parameters, shared by every configuration.
      steps: steps per configuration (integer ≥ 1).
      product: the Cartesian product of the grid (the last name varies fastest), or, with
        False, the arrays zipped (equal lengths).
      devices: the devices the configuration axis is sharded over; default ``jax.local_devices()``.
      residual_fn: passed on as the extra argument ``residual_fn`` (Gauss–Newton, LM).

    Returns:
      A :class:`SweepResult`.

    Example:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> from jaxopt_lectures.problems import get_problem
      >>> q = get_problem("quadratic_l0")               # 0.1 x1² + 2 x2² (L0, ALGORITHMS.md §10.5)
      >>> r = jl.sweep(jl.momentum, {"learning_rate": [0.4, 0.6], "beta": [0.0, 0.5]}, q.fun,
      ...              jnp.asarray(q.x0), steps=20)
      >>> r.diverged.tolist(), r.best().config        # GD at η = 0.6 diverges; β = 0.5 rescues it
      ([False, False, True, False], {'learning_rate': 0.6, 'beta': 0.5})
    """
    check_integer("steps", steps, why="every configuration runs that many steps")
    check_start("x0", x0)
    check_callable("fun", fun)
    if residual_fn is not None:
        check_callable("residual_fn", residual_fn)
    options = {"fun": fun, "residual_fn": residual_fn, "steps": int(steps)}
    return _run(_full_batch_program, make_optimizer, grid, product, devices, (x0,), options)


def sweep_fit(
    make_optimizer: Callable[..., optax.GradientTransformation],
    grid: Mapping[str, Any],
    loss_fn: Callable[[Any, Any], jax.Array],
    params: Any,
    data: Any,
    *,
    epochs: int,
    batch_size: int | None = None,
    key: jax.Array,
    sampling: str = "shuffle",
    product: bool = True,
    devices: Sequence[jax.Device] | None = None,
) -> SweepResult:
    """:func:`~jaxopt_lectures.fit` for every configuration of ``grid``, on the same minibatches.

    ALGORITHMS.md §9. The batches of epoch e come from ``jax.random.fold_in(key, e)`` exactly as
    in ``fit``, once for all configurations, so a row equals ``fit`` with that configuration.
    ``values`` holds the training loss after each epoch, ``step_losses`` the minibatch losses.
    Arguments as in :func:`sweep` and :func:`~jaxopt_lectures.fit`.

    Example:
      >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
      >>> x = jnp.linspace(-1.0, 1.0, 32); data = (x, 3.0 * x)
      >>> loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
      >>> r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.1, 0.5, 0.9]}, loss, 0.0, data, epochs=5,
      ...                  batch_size=8, key=jax.random.key(0))
      >>> r.values.shape, r.step_losses.shape, r.best().config
      ((3, 5), (3, 5, 4), {'learning_rate': 0.9})
    """
    n = num_examples(data)
    check_fit_args(n, epochs, batch_size, sampling)
    check_key(key)
    check_start("params", params)
    check_callable("loss_fn", loss_fn, takes="(params, batch)")
    batch_size = None if sampling == "full" else int(batch_size)
    options = {"loss_fn": loss_fn, "epochs": int(epochs), "batch_size": batch_size, "sampling": sampling}
    return _run(_minibatch_program, make_optimizer, grid, product, devices, (params, data, key), options)
