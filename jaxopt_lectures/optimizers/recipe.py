"""Transformations that remember how they were built, so a loop can rebuild them from traced floats.

``jl.adam(0.01)`` is an ordinary optax transformation. The public factories of this library are
wrapped by :func:`rebuildable`, which records the factory and the arguments of the call in the
transformation's ``init`` (a callable that forwards to the real one). The loop core
(:mod:`jaxopt_lectures.engine`) reads that :class:`Recipe`, passes the floating-point arguments as
runtime inputs of one compiled program and rebuilds the transformation inside it, so
``minimize(f, x0, jl.adam(0.01))`` and ``minimize(f, x0, jl.adam(0.02))`` share one compilation,
as sweeps do with their grids. Everything else (strings, integers, flags, schedules, nested
transformations' own non-float arguments) is part of what identifies the program.

What optax lacks and is written here: ``optax.inject_hyperparams`` moves hyperparameters into the
state (changing its structure); this keeps the transformation and its state exactly as the
factory makes them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import optax

__all__ = ["Recipe", "rebuildable", "recipe_of"]


class Recipe(NamedTuple):
    """``factory(*args, **dict(kwargs))`` rebuilds the transformation."""

    factory: Callable[..., optax.GradientTransformation]
    args: tuple
    kwargs: tuple[tuple[str, Any], ...]


class _RecipeInit:
    """An ``init`` function that also carries the :class:`Recipe` of its transformation."""

    __slots__ = ("_init", "recipe", "update", "__weakref__")

    def __init__(self, init: Callable, recipe: Recipe, update: Callable):
        self._init = init
        self.recipe = recipe
        self.update = update  # the recipe is this transformation's only beside this very update

    def __call__(self, params: Any) -> Any:
        return self._init(params)

    def __repr__(self) -> str:
        return f"<init of {getattr(self.recipe.factory, '__name__', 'transformation')}>"


def rebuildable(factory: Callable[..., optax.GradientTransformation]) -> Callable[..., optax.GradientTransformation]:
    """Wrap a factory so that each transformation it returns carries its :class:`Recipe`.

    The wrapper has the factory's name, docstring and signature (``functools.wraps``).
    """

    @functools.wraps(factory)
    def build(*args: Any, **kwargs: Any) -> optax.GradientTransformation:
        tx = factory(*args, **kwargs)
        recipe = Recipe(factory, args, tuple(kwargs.items()))
        return type(tx)(_RecipeInit(tx.init, recipe, tx.update), tx.update)

    return build


def recipe_of(transformation: Any) -> Recipe | None:
    """The :class:`Recipe` of a transformation built by a :func:`rebuildable` factory, else None.

    A transformation assembled from another one's ``init`` and its own ``update`` has none.
    """
    init = getattr(transformation, "init", None)
    if isinstance(init, _RecipeInit) and getattr(transformation, "update", None) is init.update:
        return init.recipe
    return None
