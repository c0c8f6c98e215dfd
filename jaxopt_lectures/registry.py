"""The catalogue as data: every optimizer with its family, lecture, defaults and variants.

Tests, sweeps and the command line iterate this registry instead of naming algorithms, so a new
optimizer is picked up everywhere by registering it once.

>>> from jaxopt_lectures.registry import REGISTRY, get
>>> spec = get("rprop")
>>> spec.family, spec.variants["irprop+"].extra_args
('heuristic', ('value',))
>>> opt = spec.make(variant="rprop+")
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import optax

from . import optimizers as opt
from . import second_order as so

__all__ = ["CURVATURE_FAMILIES", "FIRST_ORDER_FAMILIES", "REGISTRY", "OptimizerSpec", "Variant", "get", "names", "register"]


@dataclasses.dataclass(frozen=True)
class Variant:
    """One lecture variant: the keyword arguments that select it and where it is taught."""

    kwargs: Mapping[str, Any]
    lecture: str = ""
    extra_args: tuple[str, ...] = ()


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
      extra_args: extra arguments ``update`` needs (``value``, ``grad``, ``value_fn``, ...).
      variants: the lecture variants, each a :class:`Variant`.
      peers: what else computes the same iterates (for documentation and tests).
    """

    name: str
    factory: Callable[..., optax.GradientTransformation]
    primitive: Callable[..., optax.GradientTransformation]
    family: str
    lecture: str
    defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    extra_args: tuple[str, ...] = ()
    variants: Mapping[str, Variant] = dataclasses.field(default_factory=dict)
    peers: str = ""

    def make(self, **overrides: Any) -> optax.GradientTransformation:
        """The optimizer with ``defaults`` updated by ``overrides``."""
        return self.factory(**{**self.defaults, **overrides})

    def needs(self, **kwargs: Any) -> tuple[str, ...]:
        """Extra arguments the optimizer built with ``kwargs`` needs in ``update``."""
        needed = list(self.extra_args)
        for variant in self.variants.values():
            if variant.extra_args and all(kwargs.get(k, self.defaults.get(k)) == v for k, v in variant.kwargs.items()):
                needed.extend(a for a in variant.extra_args if a not in needed)
        return tuple(needed)


#: Families of methods driven by the gradient alone, with a learning rate (ALGORITHMS.md §1–4).
FIRST_ORDER_FAMILIES = ("gd", "momentum", "adaptive", "adam", "heuristic")
#: Families that use a line search, the Hessian or the residuals instead (ALGORITHMS.md §6–7).
CURVATURE_FAMILIES = ("line_search", "conjugate_gradient", "newton", "least_squares", "quasi_newton")

_REGISTRY: dict[str, OptimizerSpec] = {}
REGISTRY: Mapping[str, OptimizerSpec] = MappingProxyType(_REGISTRY)


def register(spec: OptimizerSpec) -> OptimizerSpec:
    """Add ``spec`` to the registry; names are unique."""
    if spec.name in _REGISTRY:
        raise ValueError(f"an optimizer named {spec.name!r} is registered already")
    _REGISTRY[spec.name] = spec
    return spec


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


register(OptimizerSpec(
    "sgd", opt.sgd, opt.scale_by_sgd, "gd", "L0–L4, ALGORITHMS.md §1",
    defaults={"learning_rate": 0.1},
    variants={"gd": _v("L0–L4")},
    peers="optax.sgd, torch.optim.SGD",
))
register(OptimizerSpec(
    "momentum", opt.momentum, opt.scale_by_momentum, "momentum", "L0–L4, ALGORITHMS.md §2",
    defaults={"learning_rate": 0.1, "beta": 0.9},
    variants={
        "classic": _v("L2, L3 eq. 8, L4 impl. 1", form="classic"),
        "ema": _v("L0, L1", form="ema"),
        "dampened": _v("L4 impl. 2", form="dampened"),
    },
    peers="classic: optax.sgd(momentum=β), torch.optim.SGD(momentum=β)",
))
register(OptimizerSpec(
    "nesterov", opt.nesterov, opt.scale_by_nesterov, "momentum", "L2, L4, ALGORITHMS.md §2",
    defaults={"learning_rate": 0.1, "beta": 0.9},
    variants={"lookahead": _v("L2, L4 (Sutskever 2013)")},
    peers="optax.sgd(nesterov=True), torch.optim.SGD(nesterov=True)",
))
register(OptimizerSpec(
    "adagrad", opt.adagrad, opt.scale_by_adagrad, "adaptive", "L0, L1, L2, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.5},
    variants={
        "eps_in_sqrt": _v("L0, L1, L4", eps_in_sqrt=True),
        "eps_outside": _v("L2", eps_in_sqrt=False),
        "initial_accumulator": _v("optax's s0 = 0.1", initial_accumulator=0.1),
    },
    peers="eps_in_sqrt=False: torch.optim.Adagrad; eps_in_sqrt=True, s0=0.1: optax.adagrad",
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
    peers="eps_in_sqrt=True: optax.rmsprop; eps_in_sqrt=False: torch.optim.RMSprop",
))
register(OptimizerSpec(
    "adadelta", opt.adadelta, opt.scale_by_adadelta, "adaptive", "L1, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 1.0},
    variants={
        "eps_in_sqrt": _v("L4, Zeiler 2012", eps_in_sqrt=True),
        "eps_outside": _v("L1", eps_in_sqrt=False),
    },
    peers="torch.optim.Adadelta, optax.adadelta",
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
    peers="optax.adam, torch.optim.Adam",
))
register(OptimizerSpec(
    "adamax", opt.adamax, opt.scale_by_adamax, "adam", "L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.02},
    variants={
        "catalogue": _v("Kingma & Ba alg. 2, m/(u+eps)"),
        "eps_in_max": _v("optax, torch", eps_in_max=True),
    },
    peers="eps_in_max=True: optax.adamax, torch.optim.Adamax",
))
register(OptimizerSpec(
    "nadam", opt.nadam, opt.scale_by_nadam, "adam", "L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"dozat": _v("Dozat 2016", correction="dozat"), "adam": _v("ALGORITHMS.md §3 literally", correction="adam")},
    peers="correction='dozat': optax.nadam",
))
register(OptimizerSpec(
    "yogi", opt.yogi, opt.scale_by_yogi, "adam", "L0, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"optax": _v("optax.yogi"), "paper": _v("Zaheer et al. alg. 2", bias_correction=False)},
    peers="optax.yogi",
))
register(OptimizerSpec(
    "amsgrad", opt.amsgrad, opt.scale_by_amsgrad, "adam", "L0, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"corrected": _v("optax", max_of="corrected"), "raw": _v("torch amsgrad=True", max_of="raw")},
    peers="max_of='corrected': optax.amsgrad; max_of='raw': torch.optim.Adam(amsgrad=True)",
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
    peers="variant='irprop-': torch.optim.Rprop",
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
    extra_args=_SEARCH_EXTRAS,
    variants={
        "exact": _v("L3 eq. 9, L2 exercise", line_search="exact"),
        "armijo": _v("L3", line_search="armijo"),
        "halving": _v("L3 eq. 5–7", line_search="halving"),
    },
))
register(OptimizerSpec(
    "nonlinear_cg", so.nonlinear_cg, so.scale_by_nonlinear_cg, "conjugate_gradient", "L2, L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS,
    variants={
        "fr": _v("Fletcher–Reeves", variant="fr"),
        "pr": _v("Polak–Ribière", variant="pr"),
        "pr+": _v("Polak–Ribière+, max(0, β)", variant="pr+"),
    },
    peers="scipy.optimize.minimize(method='CG') (PR+)",
))
register(OptimizerSpec(
    "newton", so.newton, so.scale_by_newton, "newton", "L2, L4, ALGORITHMS.md §7",
    extra_args=("value_fn",),
    variants={
        "pure": _v("L2, L4: w − H⁻¹g", line_search=None),
        "armijo": _v("damped Newton with backtracking", extra_args=("value", "grad"), line_search="armijo"),
    },
))
register(OptimizerSpec(
    "newton_cg", so.newton_cg, so.scale_by_newton_cg, "newton", "L4 (Hessian-free), ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS,
    variants={"truncated": _v("N&W alg. 7.1")},
    peers="scipy.optimize.minimize(method='Newton-CG')",
))
register(OptimizerSpec(
    "gauss_newton", so.gauss_newton, so.scale_by_gauss_newton, "least_squares", "L4, ALGORITHMS.md §7",
    extra_args=("residual_fn",),
    variants={
        "pure": _v("L4: w − (JᵀJ)⁻¹Jᵀr", line_search=None),
        "armijo": _v("damped Gauss–Newton", extra_args=_SEARCH_EXTRAS, line_search="armijo"),
    },
))
register(OptimizerSpec(
    "levenberg_marquardt", so.levenberg_marquardt, so.scale_by_levenberg_marquardt, "least_squares",
    "L4, ALGORITHMS.md §7",
    extra_args=("residual_fn",),
    variants={
        "dense": _v("L4", matrix_free=False),
        "matrix_free": _v("L4: JVP/VJP and CG", matrix_free=True),
        "minpack": _v(
            "Marquardt 1963, Moré 1978 (MINPACK lmder): μD², QR of [J; √μ D], trust region; noise-aware",
            scaling="marquardt", solver="qr", damping_rule="trust_region", noise_aware=True,
        ),
    },
    peers="scipy.optimize.least_squares(method='lm') (MINPACK)",
))
register(OptimizerSpec(
    "bfgs", so.bfgs, so.scale_by_bfgs, "quasi_newton", "L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS,
    variants={"wolfe": _v("N&W alg. 6.1")},
    peers="scipy.optimize.minimize(method='BFGS')",
))
register(OptimizerSpec(
    "lbfgs", so.lbfgs, so.scale_by_lbfgs, "quasi_newton", "L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS,
    variants={"wolfe": _v("N&W alg. 7.5")},
    peers="optax.lbfgs, scipy.optimize.minimize(method='L-BFGS-B')",
))
