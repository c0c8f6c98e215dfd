"""The ``Problem`` record and the catalogue that holds every test problem once (STYLE.md habit 9)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["PROBLEMS", "PROBLEM_KINDS", "Problem", "get_problem", "problem_names", "register_problem"]

#: What a problem's ``x_star`` is: a minimiser, or the saddle point of a function with no minimum.
PROBLEM_KINDS = ("minimum", "saddle")


def _frozen_array(x: Any) -> np.ndarray:
    """A read-only float64 copy, so a shared ``Problem`` cannot be changed in place."""
    arr = np.array(x, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@dataclasses.dataclass(frozen=True, eq=False)
class Problem:
    """A minimisation problem with its known solution and where it comes from.

    Attributes:
      name: the catalogue key (``get_problem(name)``).
      fun: ``fun(x) -> scalar`` for a 1-D JAX array ``x``; differentiable with ``jax.grad`` and
        pure, so it works under ``jit`` and ``vmap`` in any float dtype.
      x0: the starting point of the source (read-only float64 NumPy array; cast it as you need).
      x_star: a minimiser (read-only float64 NumPy array); the saddle point if ``kind="saddle"``.
      f_star: the minimum value ``fun(x_star)`` (the value at the saddle if ``kind="saddle"``).
      residual_fn: for least-squares problems, ``r(x)`` with ``fun(x) == ½‖r(x)‖²`` (the
        convention of Gauss–Newton and Levenberg–Marquardt, ALGORITHMS.md §7); else ``None``.
      bounds: plot bounds ``((x1_min, x1_max), (x2_min, x2_max))`` for 2-D problems (one pair per
        coordinate for 1-D ones), else ``None``.
      source: the citation: lecture and ALGORITHMS.md section, or the paper.
      description: one line for listings.
      kind: what ``x_star`` is, one of :data:`PROBLEM_KINDS`. ``"minimum"`` (the default): a strict
        minimiser, ``f_star`` the minimum value. ``"saddle"``: the function has no minimum;
        ``x_star`` is a stationary point that is a saddle (∇f = 0, Hessian indefinite) and
        ``f_star`` the value there, so f − f_star < 0 means an optimizer escaped the saddle.
      minimizers: every known minimiser with the value ``f_star``, one per row (read-only float64
        array of shape (k, dim)); for ``kind="minimum"`` ``x_star`` is one of them. Default:
        ``x_star`` alone for a minimum, none (shape (0, dim)) for a saddle. Himmelblau's function
        lists its four.
    """

    name: str
    fun: Callable[[Any], Any]
    x0: np.ndarray
    x_star: np.ndarray
    f_star: float
    residual_fn: Callable[[Any], Any] | None = None
    bounds: tuple[tuple[float, float], ...] | None = None
    source: str = ""
    description: str = ""
    kind: str = "minimum"
    minimizers: np.ndarray | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "x0", _frozen_array(self.x0))
        object.__setattr__(self, "x_star", _frozen_array(self.x_star))
        object.__setattr__(self, "f_star", float(self.f_star))
        if self.x0.ndim != 1 or self.x0.shape != self.x_star.shape:
            raise ValueError(
                f"problem {self.name!r}: x0 and x_star must be 1-D arrays of one shape; "
                f"got {self.x0.shape} and {self.x_star.shape}"
            )
        if self.bounds is not None:
            bounds = tuple((float(lo), float(hi)) for lo, hi in self.bounds)
            if len(bounds) != self.dim or any(lo >= hi for lo, hi in bounds):
                raise ValueError(f"problem {self.name!r}: bounds must give (low, high), low < high, per coordinate")
            object.__setattr__(self, "bounds", bounds)
        if self.kind not in PROBLEM_KINDS:
            raise ValueError(f"problem {self.name!r}: kind must be one of {PROBLEM_KINDS}, got {self.kind!r}")
        if self.minimizers is None:
            minimizers = self.x_star[None, :] if self.kind == "minimum" else np.empty((0, self.dim))
        else:
            minimizers = np.array(self.minimizers, dtype=np.float64)
            if minimizers.ndim != 2 or minimizers.shape[1] != self.dim:
                raise ValueError(
                    f"problem {self.name!r}: minimizers must have shape (k, {self.dim}), got {minimizers.shape}"
                )
        if self.kind == "minimum" and not np.any(np.all(minimizers == self.x_star, axis=1)):
            raise ValueError(f"problem {self.name!r}: x_star must be one of the minimizers")
        object.__setattr__(self, "minimizers", _frozen_array(minimizers))

    @property
    def dim(self) -> int:
        """The number of variables."""
        return int(self.x0.shape[0])


_PROBLEMS: dict[str, Problem] = {}
PROBLEMS: Mapping[str, Problem] = MappingProxyType(_PROBLEMS)


def register_problem(problem: Problem) -> Problem:
    """Add ``problem`` to :data:`PROBLEMS`; names are unique."""
    if problem.name in _PROBLEMS:
        raise ValueError(f"a problem named {problem.name!r} is registered already")
    _PROBLEMS[problem.name] = problem
    return problem


def problem_names() -> list[str]:
    """Registered problem names, in registration order."""
    return list(_PROBLEMS)


def get_problem(name: str) -> Problem:
    """The problem called ``name``; an unknown name raises ``KeyError`` listing the known ones."""
    try:
        return _PROBLEMS[name]
    except KeyError:
        raise KeyError(f"unknown problem {name!r}; known: {', '.join(_PROBLEMS)}") from None
