"""Compiled programs, cached per user function and optimizer recipe: compile once, call many times.

An eager ``minimize(f, x0, jl.adam(0.01))`` used to trace and compile its loop on every call. The
drivers now ask :func:`compiled` for a jitted program identified by

* the kind of loop and its static settings (``max_steps``, ``record``, …),
* the user's functions (``f``, a residual or loss function, a sweep's factory), held weakly,
* the optimizer's *static* part: for a transformation built by a factory of this library (see
  :mod:`jaxopt_lectures.optimizers.recipe`), the factory and every argument that is not a float;
  for any other transformation, the object itself.

The floats of the recipe (learning rates, betas, damping, …), the starting point and the
tolerances are runtime inputs, so ten calls with ten starts, learning rates and tolerances run one
executable; a different ``max_steps``, variant string or function compiles anew (jax retraces
for new shapes or dtypes as usual).

Memory: at most :data:`MAX_PROGRAMS` programs are kept (least recently used dropped first), and a
program is dropped as soon as a function it was compiled for is garbage-collected (the cache holds
weak references only; the jitted program reaches the function through them at trace time). The
cache never holds the caller's arrays: they are arguments, not constants. A call made under a
transformation (``jit``, ``vmap``, ``grad`` of the caller) or with anything unhashable in the
optimizer's static part runs without the cache, traced into the caller's program as before.
"""

from __future__ import annotations

import collections
import inspect
import weakref
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import jax
import numpy as np
import optax

from .optimizers.recipe import recipe_of

__all__ = [
    "MAX_PROGRAMS", "Split", "Uncacheable", "clear", "compiled", "is_traced", "optimizer_program", "rebuild",
    "split_optimizer", "whole",
]  # fmt: skip

#: Most compiled programs kept at once.
MAX_PROGRAMS = 64

# What tracing a float that a factory needs as a Python value raises.
TRACER_ERRORS = (
    jax.errors.ConcretizationTypeError,  # also TracerBoolConversionError: `if eta > 0:`
    jax.errors.TracerIntegerConversionError,
    jax.errors.TracerArrayConversionError,
)


class Uncacheable(Exception):
    """Raised while splitting an optimizer that cannot key a cache (a tracer, an unhashable value)."""


# --------------------------------------------------------------------------------------------
# An optimizer as (static key, runtime floats), and back
# --------------------------------------------------------------------------------------------

_SLOT = ("float",)  # where a runtime float goes

try:  # True outside every transformation; private in JAX, so a JAX without it leaves it to the leaves
    from jax._src.core import trace_state_clean as _trace_state_clean
except ImportError:  # pragma: no cover
    _trace_state_clean = None


def is_traced(tree: Any) -> bool:
    """Is the caller under a transformation (jit, vmap, grad), or is any leaf of ``tree`` traced?

    Then the loop runs inline in the caller's trace, uncached: a function may close over the
    caller's tracers, which a separately compiled program must not capture.
    """
    if _trace_state_clean is not None and not _trace_state_clean():
        return True
    return any(isinstance(x, jax.core.Tracer) for x in jax.tree.leaves(tree))


def _split(value: Any, floats: list, objects: list) -> Any:
    if isinstance(value, jax.core.Tracer):
        raise Uncacheable("a traced argument")
    if value is None or isinstance(value, (bool, int, str)):
        return ("value", type(value), value)
    if isinstance(value, (float, np.floating)):
        floats.append(value)
        return _SLOT
    if isinstance(value, (np.ndarray, jax.Array)):
        if np.issubdtype(value.dtype, np.floating):
            floats.append(value)
            return _SLOT
        host = np.asarray(value)
        return ("array", host.shape, str(host.dtype), host.tobytes())
    if isinstance(value, optax.GradientTransformation):
        recipe = recipe_of(value)
        if recipe is None:  # held weakly, through its functions (which may close over arrays)
            objects.extend((value.init, value.update))
            return ("object", len(objects) - 2, type(value))
        args = tuple(_split(a, floats, objects) for a in recipe.args)
        kwargs = tuple((k, _split(v, floats, objects)) for k, v in recipe.kwargs)
        return ("recipe", recipe.factory, args, kwargs)
    if isinstance(value, (tuple, list)):
        return ("sequence", type(value), tuple(_split(v, floats, objects) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _split(value[k], floats, objects)) for k in value))
    return _hashable(("value", type(value), value))


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError as err:
        raise Uncacheable(str(err)) from None
    return key


def _join(static: Any, floats: Any, objects: Sequence) -> Any:
    if static is _SLOT:
        return next(floats)
    kind = static[0]
    if kind == "value":
        return static[2]
    if kind == "array":
        return np.frombuffer(static[3], dtype=static[2]).reshape(static[1])
    if kind == "object":
        return static[2](objects[static[1]], objects[static[1] + 1])
    if kind == "recipe":
        args = tuple(_join(a, floats, objects) for a in static[2])
        kwargs = {k: _join(v, floats, objects) for k, v in static[3]}
        return static[1](*args, **kwargs)
    if kind == "sequence":
        return static[1](_join(v, floats, objects) for v in static[2])
    if kind == "dict":
        return {k: _join(v, floats, objects) for k, v in static[1]}
    raise AssertionError(static)  # pragma: no cover


class Split(NamedTuple):
    """An optimizer as a cache key (``static``), its runtime floats, and the functions of the
    transformations without a recipe (``objects``: held weakly by the cache)."""

    static: Any
    floats: list
    objects: list


def split_optimizer(optimizer: optax.GradientTransformation) -> Split:
    """``rebuild(split.static, floats, objects)`` makes the same transformation again, with the
    floats replaced by whatever is passed (tracers inside a compiled program). Raises
    :class:`Uncacheable` when the transformation cannot key a cache."""
    floats: list = []
    objects: list = []
    static = _split(optimizer, floats, objects)
    return Split(static, floats, objects)


def rebuild(static: Any, floats: Any, objects: Sequence = ()) -> optax.GradientTransformation:
    """The transformation of :func:`split_optimizer`'s key with ``floats`` (and ``objects``) in place."""
    return _join(static, iter(floats), objects)


def whole(optimizer: optax.GradientTransformation) -> Split:
    """The transformation as one object, its floats fixed: for a factory that needs a float as a
    Python value, or one that cannot be split (its functions are still held weakly)."""
    return Split(("object", 0, type(optimizer)), [], [optimizer.init, optimizer.update])


# --------------------------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------------------------

_PROGRAMS: collections.OrderedDict = collections.OrderedDict()
_UNSWEPT = [False]  # a callback found the cache in the middle of a change: sweep at the next call


def _drop_dead(_ref: Any = None) -> None:
    """Forget every program compiled for a function that no longer exists (a weak reference's
    callback: it may run inside any allocation, so a cache in the middle of a change is left for
    the next call of :func:`compiled`)."""
    programs = _PROGRAMS
    if programs is None:  # interpreter shutdown: module globals are gone
        return
    try:
        dead = [k for k in list(programs) if any(r() is None for r in k[1])]
    except (RuntimeError, KeyError):
        _UNSWEPT[0] = True
        return
    _UNSWEPT[0] = False
    for key in dead:
        programs.pop(key, None)


def clear() -> None:
    """Forget every compiled program."""
    _PROGRAMS.clear()


class _IdentityRef:
    """A weak reference to a function that has no hash (a bound method of an unhashable object, such
    as a registry entry's ``make``), hashed and compared by the identity of what it refers to; a dead
    one equals nothing (its id may be reused before the sweep drops its programs)."""

    __slots__ = ("_ref", "_identity")

    def __init__(self, ref: Any, identity: tuple) -> None:
        self._ref, self._identity = ref, identity

    def __call__(self) -> Any:
        return self._ref()

    def __hash__(self) -> int:
        return hash(self._identity)

    def __eq__(self, other: Any) -> bool:
        return (isinstance(other, _IdentityRef) and self._identity == other._identity
                and self._ref() is not None and other._ref() is not None)  # fmt: skip


def _weak(function: Any) -> Any:
    if inspect.ismethod(function):  # a bound method is a new object at each access: refer to its parts
        ref = weakref.WeakMethod(function, _drop_dead)
        identity = (id(function.__self__), id(function.__func__))
    else:
        ref, identity = weakref.ref(function, _drop_dead), (id(function),)
    try:
        hash(ref)
    except TypeError:  # the function itself has no hash: key it by identity
        return _IdentityRef(ref, identity)
    return ref


def compiled(kind: str, functions: tuple, static: Any, make: Callable[..., Callable]) -> Callable:
    """The jitted ``make(*getters)``, cached under (kind, functions, static).

    ``getters`` are zero-argument callables returning each of ``functions`` (weak references when
    cached), which the program must call at trace time rather than capture the functions.
    Functions without a hash are keyed by identity; unhashable ``static`` or functions that cannot be
    referenced weakly compile uncached.
    """
    try:
        refs = tuple(_weak(f) for f in functions)
        key = (kind, refs, static)
        hash(key)
    except TypeError:
        getters = tuple((lambda f=f: f) for f in functions)
        return jax.jit(make(*getters))
    if _UNSWEPT[0]:
        _drop_dead()
    program = _PROGRAMS.get(key)
    if program is not None:
        _PROGRAMS.move_to_end(key)
        return program
    program = jax.jit(make(*refs))
    _PROGRAMS[key] = program
    while len(_PROGRAMS) > MAX_PROGRAMS:
        _PROGRAMS.popitem(last=False)
    return program


def optimizer_program(kind: str, functions: tuple, split: Split, static: Any, body: Callable) -> Callable:
    """The compiled ``body(functions, optimizer, *args)``, called as ``program(split.floats, *args)``.

    The optimizer is rebuilt inside the program from ``split`` with the floats as runtime inputs;
    the user's ``functions`` and the split's objects reach ``body`` through weak references, so
    ``body`` must not capture them itself. Cached under (kind, functions, split.static, static).
    """
    opt_static, count = split.static, len(functions)

    def make(*getters):
        def program(floats, *args):
            objects = [get() for get in getters[count:]]
            return body([get() for get in getters[:count]], rebuild(opt_static, floats, objects), *args)

        return program

    return compiled(kind, (*functions, *split.objects), (opt_static, static), make)
