"""One test case per registry entry: every fact about an optimizer the registry-wide suites need.

The registry (:mod:`jaxopt_lectures.registry`) holds what a *user* needs to know about an
optimizer; this table holds what the *tests* need on top: its NumPy reference loop
(tests/reference.py), the hyperparameters each test problem needs, the valid ranges of its
arguments, the hyperparameters its peers run with, the branches of its rule a trajectory must
take, and the few places where a generic assertion does not apply to it, each with its reason.
Every suite reads :data:`CASES` instead of keeping tables of names, so a new optimizer is tested
everywhere by one :func:`jaxopt_lectures.registry.register` call and one :func:`register_case` call
(tests/test_registry_extension.py shows it with a throwaway sign-SGD); tests/test_cases.py fails
when a registry entry has no case.

Which suite reads which field is said at the field. Fields a method does not need keep their
empty defaults (a curvature method has no reference loop here: its update's NumPy loops are in
test_second_order.py; a method without peers has no peer hyperparameters).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import reference as ref

__all__ = ["CASES", "Case", "Range", "register_case", "unregister_case"]


class Range(NamedTuple):
    """A float argument's valid values: ``low``–``high`` (``high`` None: +∞, open), ends open or
    closed, and ``cap``, the largest value property tests draw where ``high`` is None (values that
    keep a few steps of the tests' problems finite)."""

    low: float
    high: float | None
    low_open: bool = False
    high_open: bool = True
    cap: float | None = None


# The intervals the lectures and ALGORITHMS.md §1–4 give, shared by many arguments.
NONNEGATIVE = Range(0.0, None, cap=1.0)  # η, ε, s₀, Δmin, γ, κ: [0, ∞)
DECAY = Range(0.0, 1.0)  # β, γ, ρ, β1, β2 and RMSProp's momentum α: [0, 1)
_ADAM = {"learning_rate": NONNEGATIVE, "b1": DECAY, "b2": DECAY, "eps": NONNEGATIVE}
# The Adam family's runs against their peers: a non-default β1 and β2
_PEER_ADAM = {"learning_rate": 0.1, "b1": 0.8, "b2": 0.99, "eps": 1e-8}


@dataclasses.dataclass(frozen=True)
class Case:
    """What the registry-wide suites need to know about one registry entry.

    test_reference_loops.py (first-order methods):
      reference: the plain NumPy loop ``reference(grad_fn, w0, steps, lr, **kwargs)`` taking every
        argument of the factory (tests/reference.py); ``None`` for the curvature methods.
      reference_overrides: hyperparameters for its 5-dimensional problem (moves 1–3 units in 25
        steps, the stiff direction oscillates; ε large enough that where it sits shows).
      flag_combinations: label → keyword arguments: combinations of flags, beyond the registered
        variants, that each select another formula.
      schedules: label → keyword arguments run with an exponentially decaying η.
      branches: ``kwargs ↦ set`` of the branch counters the per-weight rule must take (the
        ``stats`` of the reference loop), for the sign and curvature heuristics.
      same_iterates: pairs of variants that are the same method under a constant η.
    test_transformations*.py:
      transform_overrides: hyperparameters for its 9-dimensional problem.
      vmap_hyperparameter: (argument, two values) vmapped with the learning rate, or None.
      lr_is_initial_value: η enters only the first steps (Rprop's Δ₀, the delta rules' η₀,
        Quickprop's GD steps): changing it mid-run need not change the iterates.
    test_validation.py, test_invariants*.py:
      ranges: every float argument of the factory → its :class:`Range`.
      choices: every string argument → the values it accepts.
      unranged: number arguments without a range (a real number, or None).
      conditional_ranges: argument → (keyword arguments, the narrower range it has under them).
      ordered: pairs (a, b) of arguments that must satisfy a ≤ b.
      lr_schedule_refused: η₀ is copied into a per-weight state at ``init``, so a schedule is
        refused with a TypeError.
      moves_dead_coordinate: a weight whose gradient is always 0 moves (Yogi's v₀ > 0, m₀ > 0).
      inactive: argument → the keyword arguments under which changing it cannot show within 3
        steps of test_invariants_hyperparams' problem (the branch it enters is never taken).
      beyond_float32: the gradient scales of test_invariants_finite's test ("1e30",
        "1e-30") whose exact result lies beyond float32 (±∞ is then right; only NaN is refused).
    test_peers.py:
      peer_hyperparameters: the registry peer's target → label → our hyperparameters for one
        run of the pair (``spec.make_variant(peer.variant, **peer.kwargs, **these)``, the peer
        with ``peer.peer_kwargs`` of the same keyword arguments); label "" is the main run.
      peer_tests: the registry peer's target → ``"test_module::test_function"`` comparing with
        it elsewhere (the curvature methods, whose extra arguments a peer run would need).
    test_solve.py (first-order methods reach the minimum from some rate of a grid):
      minimize_overrides: hyperparameters the first-order convergence test needs.
      minimize_lr_decay: η decays by this factor per step there (methods whose step does not
        shrink with the gradient hover at distance ~η around the minimum otherwise).
    test_second_order.py, test_second_order_convergence.py, test_sweep_sharding.py (curvature):
      measured_steps: problem → steps measured to ‖∇f‖ ≤ 1e-6 with the registry defaults.
      bad_arguments: (keyword arguments, regex of the message) the factory must refuse.
      replicated_update: variant → why its update is replicated over a sharded mesh.
    """

    reference: Callable[..., list] | None = None
    reference_overrides: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    flag_combinations: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    schedules: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    branches: Callable[[Mapping[str, Any]], set[str]] | None = None
    same_iterates: tuple[tuple[str, str], ...] = ()
    transform_overrides: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    vmap_hyperparameter: tuple[str, tuple[float, float]] | None = None
    lr_is_initial_value: bool = False
    ranges: Mapping[str, Range] = dataclasses.field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    unranged: tuple[str, ...] = ()
    conditional_ranges: Mapping[str, tuple[Mapping[str, Any], Range]] = dataclasses.field(default_factory=dict)
    ordered: tuple[tuple[str, str], ...] = ()
    lr_schedule_refused: bool = False
    moves_dead_coordinate: bool = False
    inactive: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    beyond_float32: tuple[str, ...] = ()
    peer_hyperparameters: Mapping[str, Mapping[str, Mapping[str, Any]]] = dataclasses.field(default_factory=dict)
    peer_tests: Mapping[str, str] = dataclasses.field(default_factory=dict)
    minimize_overrides: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    minimize_lr_decay: float | None = None
    measured_steps: Mapping[str, int] = dataclasses.field(default_factory=dict)
    bad_arguments: tuple[tuple[Mapping[str, Any], str], ...] = ()
    replicated_update: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def range_of(self, arg: str, kwargs: Mapping[str, Any]) -> Range | None:
        """The range of ``arg`` for the optimizer built with ``kwargs`` (None: not ranged)."""
        condition, narrower = self.conditional_ranges.get(arg, (None, None))
        if condition is not None and all(kwargs.get(k) == v for k, v in condition.items()):
            return narrower
        return self.ranges.get(arg)


_CASES: dict[str, Case] = {}
#: registry name → :class:`Case` (a live, read-only view; tests/test_cases.py checks it covers the registry)
CASES: Mapping[str, Case] = MappingProxyType(_CASES)


def register_case(name: str, case: Case) -> Case:
    """Add the case of the registry entry ``name`` (one call, next to ``registry.register``)."""
    if not isinstance(case, Case):
        raise TypeError(f"case of {name!r}: register_case takes a Case; got {case!r}")
    if name in _CASES:
        raise ValueError(f"case of {name!r}: a case of that name is registered already")
    _CASES[name] = case
    return case


def unregister_case(name: str) -> Case:
    """Remove and return the case of ``name`` (for a throwaway entry)."""
    try:
        return _CASES.pop(name)
    except KeyError:
        raise KeyError(f"no case {name!r}; known: {', '.join(_CASES)}") from None


def _runs(runs: Mapping[str, Mapping[str, Any]], *targets: str) -> dict[str, Mapping[str, Mapping[str, Any]]]:
    """The same peer runs (label → our hyperparameters) for each of ``targets``."""
    return dict.fromkeys(targets, runs)


# --------------------------------------------------------------------------------------------
# §1–2 gradient descent and momentum
# --------------------------------------------------------------------------------------------

register_case("sgd", Case(
    reference=ref.sgd_ref, reference_overrides={"learning_rate": 0.15}, schedules={"gd": {}},
    ranges={"learning_rate": NONNEGATIVE},
    # lr·λmax = 1.5 on test_peers' problem: oscillates across the steep direction
    peer_hyperparameters=_runs({"": {"learning_rate": 0.15}}, "optax.sgd", "torch.optim.SGD"),
))
_BETAS_05 = {"classic-beta0.5": {"form": "classic", "beta": 0.5}, "ema-beta0.5": {"form": "ema", "beta": 0.5},
             "dampened-beta0.5": {"form": "dampened", "beta": 0.5}}  # fmt: skip
register_case("momentum", Case(
    reference=ref.momentum_ref, reference_overrides={"learning_rate": 0.05}, flag_combinations=_BETAS_05,
    schedules={"classic": {"form": "classic"}, "ema": {"form": "ema"}, "dampened": {"form": "dampened"}},
    # v ← βv + (1−β)g, w ← w − ηv  ≡  Δw ← −η(1−β)g + βΔw under a constant η (not under a schedule)
    same_iterates=(("ema", "dampened"),),
    vmap_hyperparameter=("beta", (0.5, 0.8)),
    ranges={"learning_rate": NONNEGATIVE, "beta": DECAY}, choices={"form": ("classic", "ema", "dampened")},
    peer_hyperparameters=_runs({"": {"learning_rate": 0.05, "beta": 0.8}}, "optax.sgd", "torch.optim.SGD"),
))
register_case("nesterov", Case(
    reference=ref.nesterov_ref, reference_overrides={"learning_rate": 0.05},
    flag_combinations={"beta0.5": {"beta": 0.5}},
    schedules={"lookahead": {}}, vmap_hyperparameter=("beta", (0.5, 0.8)),
    ranges={"learning_rate": NONNEGATIVE, "beta": DECAY},
    peer_hyperparameters=_runs({"": {"learning_rate": 0.05, "beta": 0.8}}, "optax.sgd", "torch.optim.SGD"),
))

# --------------------------------------------------------------------------------------------
# §3 per-parameter adaptive rates
# --------------------------------------------------------------------------------------------

register_case("adagrad", Case(
    reference=ref.adagrad_ref, reference_overrides={"learning_rate": 0.5, "eps": 1e-3},
    flag_combinations={
        "eps_outside-initial_accumulator": {"eps_in_sqrt": False, "initial_accumulator": 0.1},
        "eps0-sqrt": {"eps": 0.0, "eps_in_sqrt": True},
        "eps0-outside": {"eps": 0.0, "eps_in_sqrt": False},
    },
    schedules={"eps_in_sqrt": {}}, vmap_hyperparameter=("eps", (1e-3, 1e-1)),
    ranges={"learning_rate": NONNEGATIVE, "eps": NONNEGATIVE, "initial_accumulator": NONNEGATIVE},
    peer_hyperparameters={
        "optax.adagrad": {"": {"learning_rate": 0.8, "eps": 1e-3}},  # with the variant's s₀ = 0.1
        "torch.optim.Adagrad": {"": {"learning_rate": 0.8, "eps": 1e-3, "initial_accumulator": 0.0}},
    },
))
_RMS = {"decay": 0.9, "eps": 1e-3}
_RMS_RUNS = {  # what torch.optim.RMSprop and optax.rmsprop both take
    "": {"learning_rate": 0.05, **_RMS},
    "centered": {"learning_rate": 0.02, **_RMS, "centered": True},
    "momentum": {"learning_rate": 0.01, **_RMS, "momentum": 0.9},
    "centered,momentum": {"learning_rate": 0.01, **_RMS, "centered": True, "momentum": 0.9},
}
register_case("rmsprop", Case(
    reference=ref.rmsprop_ref, reference_overrides={"learning_rate": 0.05, "eps": 1e-3},
    flag_combinations={
        "centered-eps_outside": {"centered": True, "eps_in_sqrt": False},
        "momentum-eps_outside": {"momentum": 0.9, "eps_in_sqrt": False},
        "nesterov-eps_outside": {"momentum": 0.9, "nesterov": True, "eps_in_sqrt": False},
        "centered-momentum": {"centered": True, "momentum": 0.5},
        "centered-nesterov": {"centered": True, "momentum": 0.5, "nesterov": True},
        "first_grad-eps_outside": {"init": "first_grad", "eps_in_sqrt": False},
        "first_grad-centered": {"init": "first_grad", "centered": True},
        "first_grad-nesterov": {"init": "first_grad", "momentum": 0.5, "nesterov": True},
        "scalar-eps_outside": {"scalar": True, "eps_in_sqrt": False},
        "scalar-first_grad": {"scalar": True, "init": "first_grad"},
        "scalar-momentum": {"scalar": True, "momentum": 0.9},
        "decay0.5": {"decay": 0.5},
        "eps0": {"eps": 0.0},
        "eps0-centered-outside": {"eps": 0.0, "centered": True, "eps_in_sqrt": False},
    },
    schedules={"plain": {}, "momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9, "nesterov": True}},
    vmap_hyperparameter=("decay", (0.5, 0.9)),
    ranges={"learning_rate": NONNEGATIVE, "decay": DECAY, "eps": NONNEGATIVE, "momentum": DECAY},
    choices={"init": ("zeros", "first_grad")},
    # Nesterov needs α > 0; centred, γ = 0 makes the centred variance g² − g² ≡ 0
    conditional_ranges={"momentum": ({"nesterov": True}, Range(0.0, 1.0, low_open=True)),
                        "decay": ({"centered": True}, Range(0.0, 1.0, low_open=True))},
    # constant η: a step that does not shrink with the gradient hovers at distance ~η (the lectures decay η, §5)
    minimize_lr_decay=0.995,
    peer_hyperparameters={
        "torch.optim.RMSprop": _RMS_RUNS,
        "optax.rmsprop": {**_RMS_RUNS, "eps_in_sqrt=False": {"learning_rate": 0.05, **_RMS, "eps_in_sqrt": False},
                          "momentum,nesterov": {"learning_rate": 0.01, **_RMS, "momentum": 0.9, "nesterov": True}},
    },
))
register_case("adadelta", Case(
    reference=ref.adadelta_ref, reference_overrides={"learning_rate": 1.0, "eps": 1e-2},
    flag_combinations={"rho0.5-eps_outside": {"rho": 0.5, "eps_in_sqrt": False}}, schedules={"eps_in_sqrt": {}},
    # the default ε = 1e-6 makes the first steps ~1e-6 long (√(D+ε) with D = 0): too short to compare
    transform_overrides={"eps": 1e-2}, vmap_hyperparameter=("rho", (0.5, 0.9)),
    ranges={"learning_rate": NONNEGATIVE, "rho": DECAY, "eps": NONNEGATIVE},
    minimize_lr_decay=0.999,  # as RMSProp's
    peer_hyperparameters=_runs({"": {"learning_rate": 20.0, "rho": 0.8, "eps": 1e-4}},
                               "optax.adadelta", "torch.optim.Adadelta"),
))
register_case("adam", Case(
    reference=ref.adam_ref, reference_overrides={"learning_rate": 0.1, "eps": 1e-3},
    flag_combinations={
        "eps_in_sqrt-no_bias_correction": {"eps_in_sqrt": True, "bias_correction": False},
        "scalar-eps_in_sqrt": {"scalar": True, "eps_in_sqrt": True},
        "scalar-no_bias_correction": {"scalar": True, "bias_correction": False},
        "b1_0.5-b2_0.9": {"b1": 0.5, "b2": 0.9},
        "eps0": {"eps": 0.0},
    },
    schedules={"kingma_ba": {}, "eps_in_sqrt-no_bias_correction": {"eps_in_sqrt": True, "bias_correction": False}},
    vmap_hyperparameter=("b1", (0.5, 0.9)), ranges=_ADAM,
    # ε = 1e-8 moves the iterates by ~2e-9 where it sits; ε = 1e-3 pins the placement (test_peers)
    peer_hyperparameters=_runs({"": _PEER_ADAM, "eps=1e-3": {**_PEER_ADAM, "eps": 1e-3}},
                               "optax.adam", "torch.optim.Adam"),
))
register_case("adamax", Case(
    reference=ref.adamax_ref, reference_overrides={"learning_rate": 0.1, "eps": 1e-3},
    flag_combinations={"b2_0.8": {"b2": 0.8}, "eps_in_max-b2_0.8": {"b2": 0.8, "eps_in_max": True},
                       "eps0": {"eps": 0.0}},
    schedules={"catalogue": {}}, vmap_hyperparameter=("b1", (0.5, 0.9)), ranges=_ADAM,
    peer_hyperparameters=_runs({"": {**_PEER_ADAM, "eps": 1e-3}}, "optax.adamax", "torch.optim.Adamax"),
))
register_case("nadam", Case(
    reference=ref.nadam_ref, reference_overrides={"learning_rate": 0.1, "eps": 1e-3},
    flag_combinations={
        "dozat-b1_0.5": {"correction": "dozat", "b1": 0.5, "b2": 0.9},
        "adam-b1_0.5": {"correction": "adam", "b1": 0.5, "b2": 0.9},
        "eps0": {"eps": 0.0},
    },
    schedules={"dozat": {}}, vmap_hyperparameter=("b1", (0.5, 0.9)), ranges=_ADAM,
    choices={"correction": ("dozat", "adam")},
    peer_hyperparameters=_runs({"": _PEER_ADAM}, "optax.nadam"),
))
register_case("yogi", Case(
    reference=ref.yogi_ref, reference_overrides={"learning_rate": 0.1},
    flag_combinations={
        "b2_0.9": {"b2": 0.9},
        "paper-acc0-eps0": {"bias_correction": False, "initial_accumulator": 0.0, "eps": 0.0},
        "acc0.5": {"initial_accumulator": 0.5},
    },
    schedules={"optax": {}}, vmap_hyperparameter=("b1", (0.5, 0.9)),
    ranges={**_ADAM, "initial_accumulator": NONNEGATIVE},
    moves_dead_coordinate=True,  # v₀ = m₀ = 1e-6 > 0: a weight whose gradient is always 0 steps by m̂/(√v̂ + ε)
    # both libraries' defaults (β1 0.9, β2 0.999, ε 1e-3, v₀ = m₀ = 1e-6), then others
    peer_hyperparameters=_runs({"": {"learning_rate": 0.1}, "b1,b2,eps": {**_PEER_ADAM, "eps": 1e-4}}, "optax.yogi"),
))
register_case("amsgrad", Case(
    reference=ref.amsgrad_ref, reference_overrides={"learning_rate": 0.1, "eps": 1e-3},
    flag_combinations={
        "corrected-b2_0.9": {"max_of": "corrected", "b2": 0.9},
        "raw-b2_0.9": {"max_of": "raw", "b2": 0.9},
        "raw-eps0": {"max_of": "raw", "eps": 0.0},
    },
    schedules={"raw": {"max_of": "raw"}},
    vmap_hyperparameter=("b1", (0.5, 0.9)),  # not b2: with shrinking |g| the max keeps v̂₁ = g₁² for any β2
    ranges=_ADAM, choices={"max_of": ("corrected", "raw")},
    inactive={"b2": {"max_of": "corrected"}},  # |g| shrinks: max(v̂max, v̂) stays v̂₁ = g₁² for any β2
    peer_hyperparameters=_runs({"": _PEER_ADAM}, "optax.amsgrad", "torch.optim.Adam"),
))

# --------------------------------------------------------------------------------------------
# §4 sign- and curvature-heuristic rules
# --------------------------------------------------------------------------------------------

_RPROP_BRANCHES = {
    "rprop-": {"grow", "shrink", "keep"},
    "rprop+": {"grow", "shrink", "keep", "backtrack"},
    "irprop-": {"grow", "shrink", "keep", "no_step"},
    "irprop+": {"grow", "shrink", "keep", "backtrack", "no_step"},  # the loss went up, and did not
}


def _rprop_branches(kw: Mapping[str, Any]) -> set[str]:
    """The variant's branches, and the bounds of Δ where they are tight enough to be met."""
    return (_RPROP_BRANCHES[kw["variant"]] | ({"at_max_step"} if kw.get("max_step", 50.0) < 1 else set())
            | ({"at_min_step"} if kw.get("min_step", 1e-6) > 1e-3 else set()))  # fmt: skip


_BOUNDS = {"min_step": 0.03, "max_step": 0.25}
register_case("rprop", Case(
    reference=ref.rprop_ref, reference_overrides={"learning_rate": 0.1},
    flag_combinations={
        "rprop--bounds": {"variant": "rprop-", **_BOUNDS},
        "rprop+-bounds": {"variant": "rprop+", **_BOUNDS},
        "irprop--bounds": {"variant": "irprop-", **_BOUNDS},
        "irprop+-etas": {"variant": "irprop+", "eta_minus": 0.3, "eta_plus": 1.5},
    },
    branches=_rprop_branches, vmap_hyperparameter=("eta_plus", (1.1, 1.5)),
    lr_is_initial_value=True, lr_schedule_refused=True,  # Δ₀
    ranges={
        "learning_rate": NONNEGATIVE, "eta_minus": Range(0.0, 1.0, low_open=True),
        "eta_plus": Range(1.0, None, low_open=True, cap=3.0),
        "min_step": NONNEGATIVE, "max_step": Range(0.0, float("inf"), high_open=False, cap=5.0),  # inf: no cap on Δ
    },
    choices={"variant": ("rprop-", "rprop+", "irprop-", "irprop+")}, ordered=(("min_step", "max_step"),),
    # no gradient changes sign in 3 steps: Δ only grows, never meets Δmin, and 0.01·1.2ᵗ stays far below Δmax
    inactive={"eta_minus": {}, "min_step": {}, "max_step": {}},
    minimize_overrides={"min_step": 0.0},
    # Δ₀, η⁻, η⁺, Δmin, Δmax: Δ both grows to Δmax and shrinks to Δmin within test_peers' 30 steps
    peer_hyperparameters={"torch.optim.Rprop": {"": {"learning_rate": 0.05, "eta_minus": 0.4, "eta_plus": 1.3,
                                                     "min_step": 1e-3, "max_step": 0.1}}},
))
register_case("delta_delta", Case(
    reference=ref.delta_delta_ref, reference_overrides={"learning_rate": 0.18, "gamma": 1e-3},
    flag_combinations={"min_rate": {"min_rate": 0.17}},
    branches=lambda kw: {"agree", "disagree"} | ({"clamped"} if kw.get("min_rate") is not None else set()),
    vmap_hyperparameter=("gamma", (1e-3, 1e-2)), lr_is_initial_value=True, lr_schedule_refused=True,  # η₀
    ranges={"learning_rate": NONNEGATIVE, "gamma": NONNEGATIVE}, unranged=("min_rate",),  # any real, or None: no clamp
    # η ← η + γ g(t) g(t−1) ≈ γ g² = 1e56 and the step η g ≈ γ g³ = 1e86 for g = 1e30
    beyond_float32=("1e30",),
    minimize_overrides={"gamma": 1e-6},  # the default meta-rate diverges on Beale's large gradients
))
register_case("delta_bar_delta", Case(
    reference=ref.delta_bar_delta_ref, reference_overrides={"learning_rate": 0.15, "kappa": 1e-2},
    flag_combinations={"theta0.3-phi0.3": {"theta": 0.3, "phi": 0.3}},
    branches=lambda kw: {"increase", "decrease", "unchanged"},
    vmap_hyperparameter=("kappa", (1e-3, 1e-2)), lr_is_initial_value=True, lr_schedule_refused=True,  # η₀
    ranges={"learning_rate": NONNEGATIVE, "kappa": NONNEGATIVE, "phi": Range(0.0, 1.0, high_open=False),
            "theta": DECAY},
    inactive={"phi": {}, "theta": {}},  # ḡ and g never disagree in sign in 3 steps, and ḡ enters only through that sign
))
register_case("quickprop", Case(
    reference=ref.quickprop_ref, reference_overrides={"learning_rate": 0.05},
    flag_combinations={"max_growth1.2": {"max_growth": 1.2}}, schedules={"fahlman": {}},
    branches=lambda kw: {"gd", "mu", "capped", "shrinking", "sign_change"},
    vmap_hyperparameter=("max_growth", (1.2, 1.75)),
    lr_is_initial_value=True,  # η sizes only the GD steps: the first, and after a step of exactly 0
    ranges={"learning_rate": NONNEGATIVE, "max_growth": Range(0.0, None, low_open=True, cap=3.0)},
))

# --------------------------------------------------------------------------------------------
# §6–7 curvature methods: their reference loops, peers and convergence are in test_second_order*.py
# --------------------------------------------------------------------------------------------

_CONV = "test_second_order_convergence::"
_DAMPING = Range(0.0, None)
_CG_TOL = Range(0.0, None, low_open=True)

register_case("steepest_descent", Case(
    measured_steps={"rosenbrock": 13808, "rosenbrock_100": 16232, "beale": 223, "wood": 7658,
                    "powell_singular": 223256, "logistic": 24},  # exact search
    bad_arguments=(({"line_search": "golden"}, r"line_search.*'halving', 'armijo', 'wolfe', 'exact'"),),
))
register_case("nonlinear_cg", Case(
    measured_steps={"rosenbrock": 31, "rosenbrock_100": 19, "beale": 11, "wood": 39, "powell_singular": 64,
                    "logistic": 12},  # PR+ with Wolfe
    bad_arguments=(
        ({"variant": "hs"}, r"variant.*'fr', 'pr', 'pr\+'"),
        ({"restart_every": 0}, r"restart_every.*integer ≥ 1"),
        ({"restart_every": 2.5}, r"restart_every.*integer"),
    ),
    peer_tests={"scipy.optimize.minimize": _CONV + "test_scipy_minimize_peers_reach_scipys_minima"},
))
register_case("newton", Case(
    ranges={"damping": _DAMPING},
    measured_steps={"rosenbrock": 6, "rosenbrock_100": 6, "beale": 47, "wood": 28, "powell_singular": 16,
                    "logistic": 6},
    bad_arguments=(({"damping": -1.0}, r"damping.*\[0"), ({"damping": float("nan")}, r"damping")),
))
register_case("newton_cg", Case(
    ranges={"cg_tol": _CG_TOL, "damping": _DAMPING},
    measured_steps={"rosenbrock": 64, "rosenbrock_100": 64, "beale": 11, "wood": 279, "powell_singular": 20,
                    "logistic": 6},  # Armijo
    bad_arguments=(({"cg_tol": 0.0}, r"cg_tol.*\(0"), ({"max_cg_steps": 0}, r"max_cg_steps.*integer ≥ 1")),
    peer_tests={"scipy.optimize.minimize": _CONV + "test_scipy_minimize_peers_reach_scipys_minima"},
))
register_case("gauss_newton", Case(
    measured_steps={"rosenbrock": 2, "rosenbrock_100": 2, "beale": 11, "wood": 50, "powell_singular": 10,
                    "logistic": 16},
    replicated_update={"pure": "jnp.linalg.lstsq (an SVD custom call)"},
))
register_case("levenberg_marquardt", Case(
    ranges={"damping": _DAMPING, "increase": Range(1.0, None, low_open=True),
            "decrease": Range(0.0, 1.0, low_open=True), "cg_tol": _CG_TOL},
    inactive={
        "increase": {},  # every first trial lowers f: none rejected
        "cg_tol": {},  # unused when dense; matrix-free CG on 3 unknowns is exact
        # MINPACK's trust region sets μ by its own search from Δ: the lecture's μ₀ and ÷ factor are unused
        "damping": {"damping_rule": "trust_region"},
        "decrease": {"damping_rule": "trust_region"},
    },
    measured_steps={"rosenbrock": 16, "rosenbrock_100": 16, "beale": 6, "wood": 77, "powell_singular": 10,
                    "logistic": 15},  # μ₀ = 1e-3
    bad_arguments=(
        ({"damping": -1e-3}, r"damping.*\[0"),
        ({"increase": 1.0}, r"increase.*\(1"),
        ({"decrease": 1.0}, r"decrease.*\(0, 1\)"),
        ({"decrease": 0.0}, r"decrease.*\(0, 1\)"),
        ({"max_tries": 0}, r"max_tries.*integer ≥ 1"),
    ),
    peer_tests={"scipy.optimize.least_squares": "test_nist::test_trust_region_takes_minpacks_trial_steps"},
))
register_case("bfgs", Case(
    measured_steps={"rosenbrock": 34, "rosenbrock_100": 268, "beale": 13, "wood": 28, "powell_singular": 33,
                    "logistic": 22},
    peer_tests={"scipy.optimize.minimize": _CONV + "test_scipy_minimize_peers_reach_scipys_minima"},
))
register_case("lbfgs", Case(
    measured_steps={"rosenbrock": 35, "rosenbrock_100": 37, "beale": 15, "wood": 87, "powell_singular": 46,
                    "logistic": 11},
    bad_arguments=(({"memory_size": 0}, r"memory_size.*integer ≥ 1"),),
    peer_tests={
        "optax.lbfgs": _CONV + "test_lbfgs_matches_optax_lbfgs_iterates_on_a_quadratic",
        "scipy.optimize.minimize": _CONV + "test_scipy_minimize_peers_reach_scipys_minima",
    },
))
