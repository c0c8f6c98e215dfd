"""The catalogue as data: every optimizer with every fact a consumer needs.

Tests, sweeps, the figures, the benchmarks and the command line iterate this registry instead of
naming algorithms, so a new optimizer is picked up everywhere by registering it once: its factory,
the name of its learning-rate argument (or ``None``), the extra arguments ``update`` needs (and
hence which loop drives it: :func:`jaxopt_lectures.minimize` or
:func:`jaxopt_lectures.least_squares`), defaults that work on the lectures' small problems, its
lecture variants as *name → keyword arguments*, and its peers in other libraries as structured
:class:`Peer` entries (callable, argument mapping, matching variant).

>>> from jaxopt_lectures.registry import REGISTRY, get
>>> spec = get("rprop")
>>> spec.family, spec.variants["irprop+"].extra_args, spec.learning_rate_arg
('heuristic', ('value',), 'learning_rate')
>>> dict(spec.variant_kwargs("rprop+"))
{'learning_rate': 0.01, 'variant': 'rprop+'}
>>> opt = spec.make_variant("rprop+")
>>> get("levenberg_marquardt").driver, get("lbfgs").driver
('least_squares', 'minimize')
>>> [p.target for p in get("adam").peers]
['optax.adam', 'torch.optim.Adam']

A spec is checked when it is registered: a name registered twice, a missing field, defaults or a
variant whose keyword arguments the factory rejects, or a peer naming an unknown variant fail
with a message naming the entry.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import optax

from . import optimizers as opt
from . import second_order as so

__all__ = [
    "CURVATURE_FAMILIES", "DRIVERS", "FIRST_ORDER_FAMILIES", "REGISTRY", "OptimizerSpec", "Peer", "Variant", "get",
    "names", "register", "unregister",
]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Variant:
    """One lecture variant: the keyword arguments that select it and where it is taught."""

    kwargs: Mapping[str, Any]
    lecture: str = ""
    extra_args: tuple[str, ...] = ()


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


def _v(lecture: str = "", extra_args: tuple[str, ...] = (), **kwargs: Any) -> Variant:
    return Variant(kwargs=MappingProxyType(kwargs), lecture=lecture, extra_args=extra_args)


def _peer(target: str, variant: str | None = None, arguments: Mapping[str, str] | None = None, **kw: Any) -> Peer:
    return Peer(target, variant, arguments=MappingProxyType(dict(arguments or {})), **kw)


# our learning rate → theirs
_OPTAX_LR = {"learning_rate": "learning_rate"}
_TORCH_LR = {"learning_rate": "lr"}
_ADAM_OPTAX = {**_OPTAX_LR, "b1": "b1", "b2": "b2", "eps": "eps"}
_ADAM_TORCH = {**_TORCH_LR, "b1": "betas[0]", "b2": "betas[1]", "eps": "eps"}

register(OptimizerSpec(
    "sgd", opt.sgd, opt.scale_by_sgd, "gd", "L0–L4, ALGORITHMS.md §1",
    defaults={"learning_rate": 0.1},
    variants={"gd": _v("L0–L4")},
    peers=(_peer("optax.sgd", "gd", _OPTAX_LR), _peer("torch.optim.SGD", "gd", _TORCH_LR)),
))
register(OptimizerSpec(
    "momentum", opt.momentum, opt.scale_by_momentum, "momentum", "L0–L4, ALGORITHMS.md §2",
    defaults={"learning_rate": 0.1, "beta": 0.9},
    variants={
        "classic": _v("L2, L3 eq. 8, L4 impl. 1", form="classic"),
        "ema": _v("L0, L1", form="ema"),
        "dampened": _v("L4 impl. 2", form="dampened"),
    },
    peers=(
        _peer("optax.sgd", "classic", {**_OPTAX_LR, "beta": "momentum"}),
        _peer("torch.optim.SGD", "classic", {**_TORCH_LR, "beta": "momentum"}),
    ),
))
register(OptimizerSpec(
    "nesterov", opt.nesterov, opt.scale_by_nesterov, "momentum", "L2, L4, ALGORITHMS.md §2",
    defaults={"learning_rate": 0.1, "beta": 0.9},
    variants={"lookahead": _v("L2, L4 (Sutskever 2013)")},
    peers=(
        _peer("optax.sgd", "lookahead", {**_OPTAX_LR, "beta": "momentum"}, fixed={"nesterov": True},
              note="torch's and optax's parameters are our look-ahead points"),
        _peer("torch.optim.SGD", "lookahead", {**_TORCH_LR, "beta": "momentum"}, fixed={"nesterov": True}),
    ),
))
register(OptimizerSpec(
    "adagrad", opt.adagrad, opt.scale_by_adagrad, "adaptive", "L0, L1, L2, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.5},
    variants={
        "eps_in_sqrt": _v("L0, L1, L4", eps_in_sqrt=True),
        "eps_outside": _v("L2", eps_in_sqrt=False),
        "initial_accumulator": _v("optax's s0 = 0.1", initial_accumulator=0.1),
    },
    peers=(
        _peer("optax.adagrad", "initial_accumulator", {**_OPTAX_LR, "eps": "eps", "initial_accumulator": "initial_accumulator_value"}),
        _peer("torch.optim.Adagrad", "eps_outside", {**_TORCH_LR, "eps": "eps", "initial_accumulator": "initial_accumulator_value"}),
    ),
))
register(OptimizerSpec(
    "rmsprop", opt.rmsprop, opt.scale_by_rmsprop, "adaptive", "L0, L1, L2, L3, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={
        "eps_in_sqrt": _v("L0, L1, L4", eps_in_sqrt=True),
        "eps_outside": _v("torch", eps_in_sqrt=False),
        "centered": _v("Graves 2013, torch centered", centered=True),
        "momentum": _v("torch momentum", momentum=0.9),
        "nesterov": _v("L2", momentum=0.9, nesterov=True),
        "first_grad": _v("L4: G(0) = g0^2", init="first_grad"),
        "scalar": _v("L3 eq. 35", scalar=True),
    },
    peers=(
        _peer("optax.rmsprop", "eps_in_sqrt", {**_OPTAX_LR, "decay": "decay", "eps": "eps", "eps_in_sqrt": "eps_in_sqrt",
              "centered": "centered", "momentum": "momentum", "nesterov": "nesterov"}),
        _peer("torch.optim.RMSprop", "eps_outside", {**_TORCH_LR, "decay": "alpha", "eps": "eps", "centered": "centered",
              "momentum": "momentum"}),
    ),
))
register(OptimizerSpec(
    "adadelta", opt.adadelta, opt.scale_by_adadelta, "adaptive", "L1, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 1.0},
    variants={
        "eps_in_sqrt": _v("L4, Zeiler 2012", eps_in_sqrt=True),
        "eps_outside": _v("L1", eps_in_sqrt=False),
    },
    peers=(
        _peer("optax.adadelta", "eps_in_sqrt", {**_OPTAX_LR, "rho": "rho", "eps": "eps"}),
        _peer("torch.optim.Adadelta", "eps_in_sqrt", {**_TORCH_LR, "rho": "rho", "eps": "eps"}),
    ),
))
register(OptimizerSpec(
    "adam", opt.adam, opt.scale_by_adam, "adam", "L0, L1, L3, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={
        "kingma_ba": _v("Kingma & Ba 2015, L0 slide"),
        "eps_in_sqrt": _v("L0 alg. 6, L4", eps_in_sqrt=True),
        "no_bias_correction": _v("L1", bias_correction=False),
        "scalar": _v("L3 eq. 38", scalar=True),
    },
    peers=(_peer("optax.adam", "kingma_ba", _ADAM_OPTAX), _peer("torch.optim.Adam", "kingma_ba", _ADAM_TORCH)),
))
register(OptimizerSpec(
    "adamax", opt.adamax, opt.scale_by_adamax, "adam", "L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.02},
    variants={
        "catalogue": _v("Kingma & Ba alg. 2, m/(u+eps)"),
        "eps_in_max": _v("optax, torch", eps_in_max=True),
    },
    peers=(_peer("optax.adamax", "eps_in_max", _ADAM_OPTAX), _peer("torch.optim.Adamax", "eps_in_max", _ADAM_TORCH)),
))
register(OptimizerSpec(
    "nadam", opt.nadam, opt.scale_by_nadam, "adam", "L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"dozat": _v("Dozat 2016", correction="dozat"), "adam": _v("ALGORITHMS.md §3 literally", correction="adam")},
    peers=(_peer("optax.nadam", "dozat", _ADAM_OPTAX),),
))
register(OptimizerSpec(
    "yogi", opt.yogi, opt.scale_by_yogi, "adam", "L0, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"optax": _v("optax.yogi"), "paper": _v("Zaheer et al. alg. 2", bias_correction=False)},
    peers=(_peer("optax.yogi", "optax", _ADAM_OPTAX),),
))
register(OptimizerSpec(
    "amsgrad", opt.amsgrad, opt.scale_by_amsgrad, "adam", "L0, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"corrected": _v("optax", max_of="corrected"), "raw": _v("torch amsgrad=True", max_of="raw")},
    peers=(
        _peer("optax.amsgrad", "corrected", _ADAM_OPTAX),
        _peer("torch.optim.Adam", "raw", _ADAM_TORCH, fixed={"amsgrad": True}),
    ),
))
register(OptimizerSpec(
    "rprop", opt.rprop, opt.scale_by_rprop, "heuristic", "L1, L3, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01},
    variants={
        "rprop-": _v("L4", variant="rprop-"),
        "rprop+": _v("L4, Riedmiller & Braun 1993", variant="rprop+"),
        "irprop-": _v("L4, Igel & Huesken 2000", variant="irprop-"),
        "irprop+": _v("L4, Igel & Huesken 2000", extra_args=("value",), variant="irprop+"),
    },
    peers=(
        _peer("torch.optim.Rprop", "irprop-", {**_TORCH_LR, "eta_minus": "etas[0]", "eta_plus": "etas[1]",
              "min_step": "step_sizes[0]", "max_step": "step_sizes[1]"}),
    ),
))
register(OptimizerSpec(
    "delta_delta", opt.delta_delta, opt.scale_by_delta_delta, "heuristic", "L1, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01, "gamma": 1e-4},
    variants={"jacobs": _v("Jacobs 1988")},
))
register(OptimizerSpec(
    "delta_bar_delta", opt.delta_bar_delta, opt.scale_by_delta_bar_delta, "heuristic", "L1, L3, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01, "kappa": 1e-3, "phi": 0.1, "theta": 0.7},
    variants={"jacobs": _v("Jacobs 1988")},
))
register(OptimizerSpec(
    "quickprop", opt.quickprop, opt.scale_by_quickprop, "heuristic", "L1, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01, "max_growth": 1.75},
    variants={"fahlman": _v("Fahlman 1988")},
))

# --------------------------------------------------------------------------------------------
# Curvature methods (ALGORITHMS.md §6–7): no learning rate; they need the loss or the residuals
# --------------------------------------------------------------------------------------------

_SEARCH_EXTRAS = ("value", "grad", "value_fn")

register(OptimizerSpec(
    "steepest_descent", so.steepest_descent, so.scale_by_steepest_descent, "line_search", "L2, L3 eq. 9, L4, ALGORITHMS.md §6",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={
        "exact": _v("L3 eq. 9, L2 exercise", line_search="exact"),
        "armijo": _v("L3", line_search="armijo"),
        "halving": _v("L3 eq. 5–7", line_search="halving"),
    },
))
register(OptimizerSpec(
    "nonlinear_cg", so.nonlinear_cg, so.scale_by_nonlinear_cg, "conjugate_gradient", "L2, L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={
        "fr": _v("Fletcher–Reeves", variant="fr"),
        "pr": _v("Polak–Ribière", variant="pr"),
        "pr+": _v("Polak–Ribière+, max(0, β)", variant="pr+"),
    },
    peers=(_peer("scipy.optimize.minimize", "pr+", fixed={"method": "CG"}),),
))
register(OptimizerSpec(
    "newton", so.newton, so.scale_by_newton, "newton", "L2, L4, ALGORITHMS.md §7",
    extra_args=("value_fn",), learning_rate_arg=None,
    variants={
        "pure": _v("L2, L4: w − H⁻¹g", line_search=None),
        "armijo": _v("damped Newton with backtracking", extra_args=("value", "grad"), line_search="armijo"),
    },
))
register(OptimizerSpec(
    "newton_cg", so.newton_cg, so.scale_by_newton_cg, "newton", "L4 (Hessian-free), ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={"truncated": _v("N&W alg. 7.1")},
    peers=(_peer("scipy.optimize.minimize", "truncated", fixed={"method": "Newton-CG"}),),
))
register(OptimizerSpec(
    "gauss_newton", so.gauss_newton, so.scale_by_gauss_newton, "least_squares", "L4, ALGORITHMS.md §7",
    extra_args=("residual_fn",), learning_rate_arg=None,
    variants={
        "pure": _v("L4: w − (JᵀJ)⁻¹Jᵀr", line_search=None),
        "armijo": _v("damped Gauss–Newton", extra_args=_SEARCH_EXTRAS, line_search="armijo"),
    },
))
register(OptimizerSpec(
    "levenberg_marquardt", so.levenberg_marquardt, so.scale_by_levenberg_marquardt, "least_squares",
    "L4, ALGORITHMS.md §7",
    extra_args=("residual_fn",), learning_rate_arg=None,
    variants={
        "dense": _v("L4", matrix_free=False),
        "matrix_free": _v("L4: JVP/VJP and CG", matrix_free=True),
        "minpack": _v(
            "Marquardt 1963, Moré 1978 (MINPACK lmder): μD², QR of [J; √μ D], trust region; noise-aware",
            scaling="marquardt", solver="qr", damping_rule="trust_region", noise_aware=True,
        ),
    },
    peers=(_peer("scipy.optimize.least_squares", "minpack", fixed={"method": "lm"}, note="MINPACK lmder: the same trial points"),),
))
register(OptimizerSpec(
    "bfgs", so.bfgs, so.scale_by_bfgs, "quasi_newton", "L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={"wolfe": _v("N&W alg. 6.1")},
    peers=(_peer("scipy.optimize.minimize", "wolfe", fixed={"method": "BFGS"}),),
))
register(OptimizerSpec(
    "lbfgs", so.lbfgs, so.scale_by_lbfgs, "quasi_newton", "L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={"wolfe": _v("N&W alg. 7.5")},
    peers=(
        _peer("optax.lbfgs", "wolfe", {"memory_size": "memory_size"},
              note="given line_search=scale_by_wolfe_line_search(method='zoom'), optax's search"),
        _peer("scipy.optimize.minimize", "wolfe", fixed={"method": "L-BFGS-B"}),
    ),
))
