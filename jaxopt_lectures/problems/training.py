"""Training problems: a loss over data with a random initialisation, for ``fit`` and ``sweep_fit``.

The problems of :data:`~jaxopt_lectures.problems.PROBLEMS` are functions of a point; a *training*
problem is what minibatch training and its searches (seeds, successive halving, population-based
training: :mod:`jaxopt_lectures.sweeps`) need: ``loss_fn(params, batch)``, ``init_params(key)``,
``data(key, dtype)`` → ``(train, validation)`` and the lecture's batch size and epochs. The
command line's ``sweep --problem NAME`` runs ``sweep_fit`` on them.

* ``sin_regression`` — L3's notebook (ALGORITHMS.md §10 example 7): the 1-10-20-10-1 ReLU MLP
  (Glorot-uniform weights, as the L3 figure) on y = sin(x) + U(0, 0.8), 100 training and 100
  validation points, MSE, batch 16; the validation MSE cannot go below the noise floor 0.8²/12.

Examples:
  >>> import jax
  >>> from jaxopt_lectures.problems import get_training_problem
  >>> p = get_training_problem("sin_regression")
  >>> (x, y), (x_val, y_val) = p.data(jax.random.key(0))
  >>> x.shape, p.batch_size, round(p.loss_floor, 4)
  ((100, 1), 16, 0.0533)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from ..init import mlp_init
from . import sin_regression as sr

__all__ = ["TRAINING_PROBLEMS", "TrainingProblem", "get_training_problem", "register_training_problem"]


class TrainingProblem(NamedTuple):
    """A loss over data with a random start (see the module docstring).

    Attributes:
      name: registry key.
      description: one line, with the lecture it comes from.
      loss_fn: ``loss_fn(params, batch) -> scalar`` (a mean over the batch).
      init_params: ``init_params(key, dtype) -> params``.
      data: ``data(key, dtype) -> (train, validation)``, each a pytree with a leading example axis.
      batch_size, epochs: the lecture's minibatch size and a default run length.
      sampling: ``fit``'s sampling mode the lecture uses.
      loss_floor: the lowest expected loss on fresh data (None when unknown).
    """

    name: str
    description: str
    loss_fn: Callable[[Any, Any], jax.Array]
    init_params: Callable[..., Any]
    data: Callable[..., tuple[Any, Any]]
    batch_size: int
    epochs: int
    sampling: str = "shuffle"
    loss_floor: float | None = None


TRAINING_PROBLEMS: dict[str, TrainingProblem] = {}


def register_training_problem(problem: TrainingProblem) -> TrainingProblem:
    """Add ``problem`` to :data:`TRAINING_PROBLEMS` (a name may be registered once)."""
    if not isinstance(problem, TrainingProblem):
        raise TypeError(f"problem must be a TrainingProblem; got {type(problem).__name__}")
    if problem.name in TRAINING_PROBLEMS:
        raise ValueError(f"a training problem named {problem.name!r} is already registered")
    TRAINING_PROBLEMS[problem.name] = problem
    return problem


def get_training_problem(name: str) -> TrainingProblem:
    """The registered training problem ``name`` (``KeyError`` listing the names otherwise)."""
    try:
        return TRAINING_PROBLEMS[name]
    except KeyError:
        raise KeyError(f"unknown training problem {name!r}; registered: {', '.join(TRAINING_PROBLEMS)}") from None


def _sin_init(key: jax.Array, dtype: Any = jnp.float32) -> Any:
    return mlp_init(key, sr.LAYER_SIZES, "xavier_uniform", dtype=dtype)


def _sin_data(key: jax.Array, dtype: Any = jnp.float32) -> tuple[Any, Any]:
    return sr.sin_regression_data(key, dtype=dtype)


register_training_problem(TrainingProblem(
    name="sin_regression",
    description="L3 notebook: 1-10-20-10-1 ReLU MLP on y = sin(x) + U(0, 0.8), 100 + 100 points, MSE",
    loss_fn=sr.mse_loss,
    init_params=_sin_init,
    data=_sin_data,
    batch_size=16,
    epochs=100,
    loss_floor=sr.NOISE_FLOOR,
))  # fmt: skip
