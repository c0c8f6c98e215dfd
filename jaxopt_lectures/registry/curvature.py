"""The curvature methods' entries (ALGORITHMS.md §6–7): no learning rate; a line search, the
Hessian or the residuals instead. Adding one is one ``register(OptimizerSpec(...))`` here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .. import linesearch
from .. import second_order as so
from .spec import OptimizerSpec, Peer, Variant, register

__all__: list[str] = []  # the entries are reached through jaxopt_lectures.registry.REGISTRY

# --------------------------------------------------------------------------------------------
# Curvature methods (ALGORITHMS.md §6–7): no learning rate; they need the loss or the residuals
# --------------------------------------------------------------------------------------------

_SEARCH_EXTRAS = ("value", "grad", "value_fn")


class SearchVariants(Mapping):
    """Steepest descent's variants: one per registered line search, read live from
    :data:`jaxopt_lectures.linesearch.LINE_SEARCHES` (the default search first), so a search
    registered later is a variant too, with the lecture its entry gives."""

    def __init__(self, default: str):
        self.default = default

    def _names(self) -> list[str]:
        names = list(linesearch.LINE_SEARCHES)
        return [self.default, *(n for n in names if n != self.default)] if self.default in names else names

    def __getitem__(self, name: str) -> Variant:
        if name not in linesearch.LINE_SEARCHES:
            raise KeyError(name)
        return Variant.of(linesearch.LINE_SEARCHES[name].lecture, line_search=name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(linesearch.LINE_SEARCHES)


register(OptimizerSpec(
    "steepest_descent", so.steepest_descent, so.scale_by_steepest_descent, "line_search", "L2, L3 eq. 9, L4, ALGORITHMS.md §6",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants=SearchVariants(default="exact"),
))
register(OptimizerSpec(
    "nonlinear_cg", so.nonlinear_cg, so.scale_by_nonlinear_cg, "conjugate_gradient", "L2, L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={
        "fr": Variant.of("Fletcher–Reeves", variant="fr"),
        "pr": Variant.of("Polak–Ribière", variant="pr"),
        "pr+": Variant.of("Polak–Ribière+, max(0, β)", variant="pr+"),
    },
    peers=(Peer("scipy.optimize.minimize", "pr+", fixed={"method": "CG"}),),
))
register(OptimizerSpec(
    "newton", so.newton, so.scale_by_newton, "newton", "L2, L4, ALGORITHMS.md §7",
    extra_args=("value_fn",), learning_rate_arg=None,
    variants={
        "pure": Variant.of("L2, L4: w − H⁻¹g", line_search=None),
        "armijo": Variant.of("damped Newton with backtracking", extra_args=("value", "grad"), line_search="armijo"),
    },
))
register(OptimizerSpec(
    "newton_cg", so.newton_cg, so.scale_by_newton_cg, "newton", "L4 (Hessian-free), ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={"truncated": Variant.of("N&W alg. 7.1")},
    peers=(Peer("scipy.optimize.minimize", "truncated", fixed={"method": "Newton-CG"}),),
))
register(OptimizerSpec(
    "gauss_newton", so.gauss_newton, so.scale_by_gauss_newton, "least_squares", "L4, ALGORITHMS.md §7",
    extra_args=("residual_fn",), learning_rate_arg=None,
    variants={
        "pure": Variant.of("L4: w − (JᵀJ)⁻¹Jᵀr", line_search=None),
        "armijo": Variant.of("damped Gauss–Newton", extra_args=_SEARCH_EXTRAS, line_search="armijo"),
    },
))
register(OptimizerSpec(
    "levenberg_marquardt", so.levenberg_marquardt, so.scale_by_levenberg_marquardt, "least_squares",
    "L4, ALGORITHMS.md §7",
    extra_args=("residual_fn",), learning_rate_arg=None,
    variants={
        "dense": Variant.of("L4", matrix_free=False),
        "matrix_free": Variant.of("L4: JVP/VJP and CG", matrix_free=True),
        "minpack": Variant.of(
            "Marquardt 1963, Moré 1978 (MINPACK lmder): μD², QR of [J; √μ D], trust region; noise-aware",
            scaling="marquardt", solver="qr", damping_rule="trust_region", noise_aware=True,
        ),
    },
    peers=(Peer("scipy.optimize.least_squares", "minpack", fixed={"method": "lm"}, note="MINPACK lmder: the same trial points"),),
))
register(OptimizerSpec(
    "bfgs", so.bfgs, so.scale_by_bfgs, "quasi_newton", "L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={"wolfe": Variant.of("N&W alg. 6.1")},
    peers=(Peer("scipy.optimize.minimize", "wolfe", fixed={"method": "BFGS"}),),
))
register(OptimizerSpec(
    "lbfgs", so.lbfgs, so.scale_by_lbfgs, "quasi_newton", "L4, ALGORITHMS.md §7",
    extra_args=_SEARCH_EXTRAS, learning_rate_arg=None,
    variants={"wolfe": Variant.of("N&W alg. 7.5")},
    peers=(
        Peer("optax.lbfgs", "wolfe", arguments={"memory_size": "memory_size"},
              note="given line_search=scale_by_wolfe_line_search(method='zoom'), optax's search"),
        Peer("scipy.optimize.minimize", "wolfe", fixed={"method": "L-BFGS-B"}),
    ),
))
