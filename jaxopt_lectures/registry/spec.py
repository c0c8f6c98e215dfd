"""The registry's types and functions: :class:`OptimizerSpec`, :class:`Variant`, :class:`Peer`,
:func:`register` (which checks a spec and names the entry in every error), :func:`get`, :func:`names`.

The entries themselves are in :mod:`.first_order` (ALGORITHMS.md §1–4) and :mod:`.curvature`
(§6–7); :mod:`jaxopt_lectures.registry` imports both.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import optax

__all__ = [
    "CURVATURE_FAMILIES", "DRIVERS", "EXTRA_ARGS", "FIRST_ORDER_FAMILIES", "REGISTRY", "OptimizerSpec", "Peer",
    "Variant", "get", "names", "register", "unregister",
]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Variant:
    """One lecture variant: the keyword arguments that select it and where it is taught."""

    kwargs: Mapping[str, Any]
    lecture: str = ""
    extra_args: tuple[str, ...] = ()

    @classmethod
    def of(cls, lecture: str = "", extra_args: tuple[str, ...] = (), **kwargs: Any) -> Variant:
        """``Variant.of("L4", eps_in_sqrt=True)``: the variant setting ``eps_in_sqrt=True``, taught in L4."""
        return cls(kwargs=MappingProxyType(kwargs), lecture=lecture, extra_args=extra_args)


@dataclasses.dataclass(frozen=True)
class Peer:
    """Another library's implementation of the same iterates.

    Attributes:
      target: the peer's callable as a dotted path (``"optax.adam"``, ``"torch.optim.Adam"``,
        ``"scipy.optimize.minimize"``); :attr:`library` is its first component.
      variant: our variant it matches (``None``: the registry defaults).
      kwargs: further keyword arguments on our side the match needs (beyond the variant's).
      arguments: our keyword → the peer's keyword, for the hyperparameters that carry over
        (``{"decay": "alpha"}``); ``"betas[0]"`` places a value in a tuple argument.
      fixed: the peer's keyword arguments with fixed values (``{"method": "BFGS"}``).
      note: what differs or needs care (round-off order, a flag of theirs).
    """

    target: str
    variant: str | None = None
    kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    arguments: Mapping[str, str] = dataclasses.field(default_factory=dict)
    fixed: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    note: str = ""

    @property
    def library(self) -> str:
        return self.target.split(".")[0]

    def resolve(self) -> Callable[..., Any]:
        """The peer's callable (imports its library: raises ``ImportError`` where it is absent)."""
        module, _, attr = self.target.rpartition(".")
        return getattr(importlib.import_module(module), attr)

    def peer_kwargs(self, ours: Mapping[str, Any]) -> dict[str, Any]:
        """The peer's keyword arguments for our keyword arguments ``ours`` (only mapped ones carry)."""
        out: dict[str, Any] = dict(self.fixed)
        slots: dict[str, dict[int, Any]] = {}
        for name, target in ((n, self.arguments[n]) for n in ours if n in self.arguments):
            value = ours[name]
            if target.endswith("]"):
                base, index = target[:-1].split("[")
                slots.setdefault(base, {})[int(index)] = value
            else:
                out[target] = value
        for base, items in slots.items():
            out[base] = tuple(items[i] for i in range(len(items)))
        return out


#: Families of methods driven by the gradient alone, with a learning rate (ALGORITHMS.md §1–4).
FIRST_ORDER_FAMILIES = ("gd", "momentum", "adaptive", "adam", "heuristic")
#: Families that use a line search, the Hessian or the residuals instead (ALGORITHMS.md §6–7).
CURVATURE_FAMILIES = ("line_search", "conjugate_gradient", "newton", "least_squares", "quasi_newton")
#: The loops that run an optimizer, by the extra arguments it needs: ``residual_fn`` → least_squares.
DRIVERS = ("minimize", "least_squares")
#: The extra arguments an ``update`` may need, passed the optax way.
EXTRA_ARGS = ("value", "grad", "value_fn", "residual_fn")


@dataclasses.dataclass(frozen=True)
class OptimizerSpec:
    """A registered optimizer.

    Attributes:
      name: the public name (also the factory's name in ``jaxopt_lectures``).
      factory: ``factory(**kwargs) -> optax.GradientTransformation(ExtraArgs)``.
      primitive: the ``scale_by_<name>`` transformation without the learning rate.
      family: one of :data:`FIRST_ORDER_FAMILIES` or :data:`CURVATURE_FAMILIES`.
      lecture: where the lectures teach it (L0–L4) and its ALGORITHMS.md section.
      defaults: keyword arguments that work on the lectures' small test problems.
      extra_args: extra arguments ``update`` always needs (``value``, ``grad``, ``value_fn``,
        ``residual_fn``); a variant may add its own.
      variants: the lecture variants, name → :class:`Variant` (its keyword arguments).
      peers: other libraries computing the same iterates, each a :class:`Peer`.
      learning_rate_arg: the name of the factory's learning-rate argument, ``None`` when it has
        none (the curvature methods: their step comes from a line search or the model).
    """

    name: str
    factory: Callable[..., optax.GradientTransformation] | None = None
    primitive: Callable[..., optax.GradientTransformation] | None = None
    family: str | None = None
    lecture: str | None = None
    defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    extra_args: tuple[str, ...] = ()
    variants: Mapping[str, Variant] = dataclasses.field(default_factory=dict)
    peers: tuple[Peer, ...] = ()
    learning_rate_arg: str | None = "learning_rate"

    def make(self, **overrides: Any) -> optax.GradientTransformation:
        """The optimizer with ``defaults`` updated by ``overrides``."""
        return self.factory(**{**self.defaults, **overrides})

    def variant_kwargs(self, variant: str | None = None, **overrides: Any) -> dict[str, Any]:
        """The keyword arguments of ``variant`` (``None``: the defaults): defaults, the variant's, overrides."""
        chosen = {} if variant is None else self._variant(variant).kwargs
        return {**self.defaults, **chosen, **overrides}

    def make_variant(self, variant: str | None = None, **overrides: Any) -> optax.GradientTransformation:
        """The optimizer of the named variant (``None``: the defaults), with ``overrides``."""
        return self.factory(**self.variant_kwargs(variant, **overrides))

    def needs(self, **kwargs: Any) -> tuple[str, ...]:
        """Extra arguments the optimizer built with ``kwargs`` needs in ``update``."""
        needed = list(self.extra_args)
        for variant in self.variants.values():
            if variant.extra_args and all(kwargs.get(k, self.defaults.get(k)) == v for k, v in variant.kwargs.items()):
                needed.extend(a for a in variant.extra_args if a not in needed)
        return tuple(needed)

    def driver_for(self, **kwargs: Any) -> str:
        """The loop for the optimizer built with ``kwargs`` (:data:`DRIVERS`): least_squares if it needs residuals."""
        return "least_squares" if "residual_fn" in self.needs(**kwargs) else "minimize"

    @property
    def driver(self) -> str:
        """The loop that runs the registry defaults (:meth:`driver_for`)."""
        return self.driver_for()

    @property
    def first_order(self) -> bool:
        """Driven by the gradient alone (a family of :data:`FIRST_ORDER_FAMILIES`)."""
        return self.family in FIRST_ORDER_FAMILIES

    @property
    def parameters(self) -> dict[str, Any]:
        """The factory's keyword arguments → default, the registry's first (``inspect.Parameter.empty``: none)."""
        params = inspect.signature(self.factory).parameters.values()
        return {p.name: self.defaults.get(p.name, p.default) for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}

    def _variant(self, name: str) -> Variant:
        try:
            return self.variants[name]
        except KeyError:
            raise KeyError(f"{self.name} has no variant {name!r}; known: {', '.join(self.variants)}") from None


_REGISTRY: dict[str, OptimizerSpec] = {}
REGISTRY: Mapping[str, OptimizerSpec] = MappingProxyType(_REGISTRY)


def _check_spec(spec: OptimizerSpec) -> None:
    """Every fact a consumer reads is present and consistent; errors name the entry."""
    who = f"optimizer {getattr(spec, 'name', spec)!r}"
    if not isinstance(spec, OptimizerSpec):
        raise TypeError(f"register takes an OptimizerSpec; got {spec!r}")
    if not isinstance(spec.name, str) or not spec.name.isidentifier():
        raise ValueError(f"{who}: name must be a Python identifier (it is the factory's name)")
    missing = [f for f in ("factory", "primitive", "family", "lecture") if not getattr(spec, f)]
    if missing:
        raise ValueError(f"{who}: missing required field(s) {', '.join(missing)}")
    for field in ("factory", "primitive"):
        if not callable(getattr(spec, field)):
            raise TypeError(f"{who}: {field} must be callable; got {getattr(spec, field)!r}")
    families = FIRST_ORDER_FAMILIES + CURVATURE_FAMILIES
    if spec.family not in families:
        raise ValueError(f"{who}: family must be one of {', '.join(families)}; got {spec.family!r}")
    extras = set(spec.extra_args).union(*(v.extra_args for v in spec.variants.values()))
    if extras - set(EXTRA_ARGS):
        raise ValueError(f"{who}: unknown extra argument(s) {sorted(extras - set(EXTRA_ARGS))}; known: {EXTRA_ARGS}")
    params = inspect.signature(spec.factory).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if spec.learning_rate_arg is not None and spec.learning_rate_arg not in params and not takes_any:
        raise ValueError(f"{who}: learning_rate_arg {spec.learning_rate_arg!r} is not an argument of {spec.factory!r}")
    for name, variant in {None: Variant(kwargs={}), **spec.variants}.items():
        what = "its defaults" if name is None else f"variant {name!r}"
        if name is not None and not isinstance(variant, Variant):
            raise TypeError(f"{who}: {what} must be a Variant; got {variant!r}")
        try:
            spec.factory(**{**spec.defaults, **variant.kwargs})
        except Exception as err:  # noqa: BLE001 - any rejection is reported with the entry's name
            raise ValueError(f"{who}: the factory rejects {what} {dict(variant.kwargs)!r}: {err}") from err
    for peer in spec.peers:
        if not isinstance(peer, Peer):
            raise TypeError(f"{who}: peers must be Peer entries; got {peer!r}")
        if peer.variant is not None and peer.variant not in spec.variants:
            raise ValueError(f"{who}: peer {peer.target} matches unknown variant {peer.variant!r}")
        unknown = [a for a in (*peer.kwargs, *peer.arguments) if a not in params and not takes_any]
        if unknown:
            raise ValueError(f"{who}: peer {peer.target} names argument(s) {unknown} the factory does not take")


def register(spec: OptimizerSpec) -> OptimizerSpec:
    """Add ``spec`` to the registry after checking it (:data:`REGISTRY` is a live, read-only view)."""
    _check_spec(spec)
    if spec.name in _REGISTRY:
        raise ValueError(f"optimizer {spec.name!r}: a spec of that name is registered already")
    _REGISTRY[spec.name] = spec
    return spec


def unregister(name: str) -> OptimizerSpec:
    """Remove and return the spec called ``name`` (for tests that register a throwaway entry)."""
    return _REGISTRY.pop(get(name).name)


def names(family: str | None = None) -> list[str]:
    """Registered names, in registration order, optionally of one family."""
    return [n for n, s in _REGISTRY.items() if family is None or s.family == family]


def get(name: str) -> OptimizerSpec:
    """The spec called ``name``; an unknown name raises ``KeyError`` listing the known ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown optimizer {name!r}; known: {', '.join(_REGISTRY)}") from None
