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
as the README's "traced arrays" section does); this package adds the grid, the static/traced
split, divergence bookkeeping and the device mesh around that idea.

The package: :mod:`.grid` (``sweep``, ``sweep_fit``: the grid search), :mod:`.driver` (static
groups, the tracing fallback, reassembly in caller order), :mod:`.loops` (the vmapped programs),
:mod:`.configs` (the grid's rows and the factory's checks), :mod:`.sharding` (the device mesh) and
:mod:`.result` (:class:`SweepResult`). Another search over configurations (random search, say)
is a sibling of :mod:`.grid` that hands its configurations to :func:`.driver.run_sweep` (as
zipped columns, ``product=False``); random search is one already: :mod:`.distributions`
(``uniform``, ``log_uniform``, ``choice`` as grid values, drawn with ``samples=N`` and
``sample_key`` on the host before compilation; Bergstra & Bengio 2012). The searches that decide
between epochs run the rows in segments on :mod:`.population`: successive halving is
:mod:`.halving` (``sweep_fit(..., halving=η)``, Jamieson & Talwalkar 2016: all but the best 1/η
stop at each rung), population-based training is :mod:`.pbt` (``sweep_fit(..., pbt=jl.PBT(...))``,
Jaderberg et al. 2017). Several seeds per configuration
(``sweep_fit(..., seeds=k)``: every configuration with k PRNG streams, a seed axis vmapped around
the configurations' in the same program) are :mod:`.seeds`, their result :mod:`.seeds_result`.

Examples:
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

from .distributions import Distribution, choice, log_uniform, sample_grid, uniform
from .grid import sweep, sweep_fit
from .halving import HalvingResult
from .pbt import PBT, PBTResult
from .result import SweepBest, SweepResult
from .seeds import SeedsBest, SeedsResult

__all__ = [
    "Distribution", "PBT", "PBTResult", "SweepBest", "SweepResult", "choice", "log_uniform", "sample_grid", "sweep",
    "sweep_fit", "uniform",
]  # fmt: skip
__all__ += ["HalvingResult"]  # successive halving: sweep_fit(..., halving=η)
__all__ += ["SeedsBest", "SeedsResult"]  # several seeds per configuration (.seeds)
