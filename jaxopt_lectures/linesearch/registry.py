"""The line searches by name: one entry each, read by every consumer (ALGORITHMS.md §6).

Every place that accepts a search by name, lists the searches or needs to know what a search
stores reads this registry, so a new search is picked up everywhere by writing its module and
registering it here (STYLE.md habit 13: one source of truth per fact):

* the curvature methods' ``line_search="<name>"`` (:func:`jaxopt_lectures.second_order.common.resolve_line_search`);
* the loop core, which reuses f and ∇f a search stored at its step (``evaluation``,
  :mod:`jaxopt_lectures.engine`);
* the README's table of searches (:func:`line_search_table`) and the registry-wide tests.

>>> from jaxopt_lectures.linesearch import get_line_search, line_search_names
>>> line_search_names()
['halving', 'armijo', 'wolfe', 'exact']
>>> spec = get_line_search("armijo")
>>> spec.needs, spec.lecture
(('value_fn', 'grad'), 'L3, ALGORITHMS.md §6 (N&W eq. 3.4, alg. 3.1)')
>>> search = spec.factory(c1=0.1)
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import optax

from .. import programs
from ..table import markdown_table, text_table
from .backtracking import scale_by_armijo_line_search, scale_by_halving_line_search
from .exact import scale_by_exact_line_search
from .wolfe import WolfeLineSearchState, scale_by_wolfe_line_search

__all__ = [
    "LINE_SEARCHES", "LineSearchSpec", "get_line_search", "line_search_names", "line_search_table",
    "register_line_search", "unregister_line_search",
]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class LineSearchSpec:
    """A registered line search.

    Attributes:
      name: the name the curvature methods accept (``line_search="<name>"``).
      factory: ``factory(**hyperparameters) -> optax.GradientTransformationExtraArgs``, the search
        chained after a direction (input d, output α d); keyword-only hyperparameters, all
        defaulted, so that ``factory()`` is the lectures' search.
      rule: one line, the acceptance rule on φ(α) = f(x + α d).
      lecture: where the lectures teach it and its ALGORITHMS.md section.
      needs: the extra arguments its ``update`` requires (``"value_fn"``, ``"grad"``, ...); the
        others it uses (``value``: evaluated when missing) are optional.
      state_type: the type of its state, when the state stores f and ∇f at the step it returns
        (set together with ``evaluation``).
      evaluation: ``evaluation(state) -> (f, ∇f)`` at x + α d, read from such a state; the loop
        core then reuses them instead of evaluating again. They must be exactly f and ∇f at the
        returned point (finite whenever that point is: a failed search reports f(x), ∇f(x)).

    A search's state records what happened (STYLE.md habit 10): ``step_size``, ``value``,
    ``num_evals``, ``failed`` and an :class:`~jaxopt_lectures.optimizers.base.Evaluations`
    (counted by the loop core), as the states of :mod:`.phi`'s ``init_state``; the registry-wide
    tests (tests/test_linesearch.py) check that, and the failure rule of §6, for every entry.
    """

    name: str
    factory: Callable[..., optax.GradientTransformationExtraArgs]
    rule: str
    lecture: str
    needs: tuple[str, ...]
    state_type: type | None = None
    evaluation: Callable[[Any], tuple[Any, Any]] | None = None


_LINE_SEARCHES: dict[str, LineSearchSpec] = {}
#: Every registered search by name, in registration order (a read-only live view).
LINE_SEARCHES: Mapping[str, LineSearchSpec] = MappingProxyType(_LINE_SEARCHES)

# the extra arguments the loops pass (minimize and fit: value, grad, value_fn; least_squares also
# residual_fn), the only ones a search can need
_EXTRA_ARGS = ("value", "grad", "value_fn", "residual_fn")


def _check(spec: Any) -> None:
    if not isinstance(spec, LineSearchSpec):
        raise TypeError(f"register_line_search takes a LineSearchSpec; got {spec!r}")
    entry = f"line search {spec.name!r}"
    if not isinstance(spec.name, str) or not spec.name:
        raise (ValueError if isinstance(spec.name, str) else TypeError)(f"{entry}: name must be a non-empty string")
    if spec.name in _LINE_SEARCHES:
        raise ValueError(f"{entry} is registered already (unregister_line_search({spec.name!r}) first)")
    if not callable(spec.factory):
        raise TypeError(f"{entry}: factory must be callable (hyperparameters -> transformation); got {spec.factory!r}")
    for field in ("rule", "lecture"):
        if not isinstance(getattr(spec, field), str) or not getattr(spec, field).strip():
            raise ValueError(f"{entry}: {field} must be a non-empty string (see LineSearchSpec)")
    if not isinstance(spec.needs, tuple) or any(n not in _EXTRA_ARGS for n in spec.needs):
        raise ValueError(f"{entry}: needs must be a tuple of names from {_EXTRA_ARGS}; got {spec.needs!r}")
    if (spec.state_type is None) != (spec.evaluation is None):
        raise ValueError(f"{entry}: set state_type and evaluation together (a state storing f, ∇f), or neither")
    if spec.state_type is not None and not isinstance(spec.state_type, type):
        raise TypeError(f"{entry}: state_type must be a class; got {spec.state_type!r}")
    if spec.evaluation is not None and not callable(spec.evaluation):
        raise TypeError(f"{entry}: evaluation must be callable (state -> (f, ∇f)); got {spec.evaluation!r}")
    try:
        built = spec.factory()
    except Exception as err:  # noqa: BLE001 - any failure means the defaults do not build a search
        raise TypeError(f"{entry}: factory() must build the search with its defaults; it raised {err!r}") from err
    if not isinstance(built, optax.GradientTransformation):
        raise TypeError(f"{entry}: factory() must return an optax transformation; got {type(built).__name__}")


def register_line_search(spec: LineSearchSpec) -> LineSearchSpec:
    """Add ``spec`` to :data:`LINE_SEARCHES`, after checking it; returns it.

    Raises ``ValueError`` for a name registered already, an empty name, rule or lecture, ``needs``
    naming anything but extra arguments the loops pass, or ``state_type`` without ``evaluation``
    (or vice versa); ``TypeError`` for a field of the wrong type (a name that is not a string, a
    factory, ``evaluation`` or ``state_type`` that is not callable or a class) or a factory whose
    ``factory()`` does not build a transformation. Every message names the entry. Compiled loop programs are
    forgotten (:func:`jaxopt_lectures.programs.clear`): they resolved names and state types when
    they were traced.
    """
    _check(spec)
    _LINE_SEARCHES[spec.name] = spec
    programs.clear()
    return spec


def unregister_line_search(name: str) -> LineSearchSpec:
    """Remove the search called ``name`` and return its spec — for tests that register throwaway
    searches (a fixture's teardown); the library's own entries are meant to stay. Compiled loop
    programs are forgotten, as by :func:`register_line_search`."""
    spec = get_line_search(name)
    del _LINE_SEARCHES[name]
    programs.clear()
    return spec


def get_line_search(name: str) -> LineSearchSpec:
    """The spec called ``name``; an unknown name raises ``KeyError`` listing the known ones."""
    try:
        return _LINE_SEARCHES[name]
    except (KeyError, TypeError):
        raise KeyError(f"unknown line search {name!r}; known: {', '.join(_LINE_SEARCHES)}") from None


def line_search_names() -> list[str]:
    """Registered names, in registration order."""
    return list(_LINE_SEARCHES)


def line_search_table(markdown: bool = True) -> str:
    """Every registered search: name, acceptance rule, lecture, needed extra arguments, and whether
    it stores f and ∇f at its step (the README's table, ``markdown=True``; else plain text)."""
    header = ("line search", "rule", "lecture", "needs", "stores f, ∇f")
    rows = [
        (f"`{s.name}`" if markdown else s.name, s.rule, s.lecture, ", ".join(s.needs), "yes" if s.evaluation else "no")
        for s in _LINE_SEARCHES.values()
    ]
    return markdown_table(header, rows) if markdown else text_table(header, rows)


# --------------------------------------------------------------------------------------------
# The lectures' searches (ALGORITHMS.md §6), in the order the lectures introduce them
# --------------------------------------------------------------------------------------------

register_line_search(LineSearchSpec(
    "halving", scale_by_halving_line_search, "α = 2⁻ᵏ, the first with φ(α) < φ(0)", "L3 eq. 5–7, ALGORITHMS.md §6",
    needs=("value_fn",),
))
register_line_search(LineSearchSpec(
    "armijo", scale_by_armijo_line_search, "α = α₀ sᵏ, the first with φ(α) ≤ φ(0) + c1 α gᵀd",
    "L3, ALGORITHMS.md §6 (N&W eq. 3.4, alg. 3.1)", needs=("value_fn", "grad"),
))
register_line_search(LineSearchSpec(
    "wolfe", scale_by_wolfe_line_search,
    "φ(α) ≤ φ(0) + c1 α gᵀd and |φ'(α)| ≤ c2 |gᵀd| (strong Wolfe: Moré–Thuente, or optax's zoom)",
    "L3, ALGORITHMS.md §6 (N&W alg. 3.5/3.6)", needs=("value_fn", "grad"),
    state_type=WolfeLineSearchState, evaluation=operator.attrgetter("value", "grad"),
))
register_line_search(LineSearchSpec(
    "exact", scale_by_exact_line_search, "α = argmin_{α ≥ 0} φ(α): bracketing, then Brent",
    "L3 eq. 9, L4, ALGORITHMS.md §6 and §10.6", needs=("value_fn",),
))
