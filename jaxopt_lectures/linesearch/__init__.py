"""Step rules as transformations: halving, Armijo, strong Wolfe, exact (ALGORITHMS.md §6; L2, L3, L4).

Each search chains *after* a direction: the incoming ``updates`` are the search direction d, the
output is α·d, and the extra arguments ``value`` (f(x)), ``grad`` (∇f(x)) and ``value_fn`` (f) come
the optax way (``jaxopt_lectures.minimize`` and ``fit`` pass all three). On the 1-D function

    φ(α) = f(x + α d),   φ(0) = f(x),   φ'(0) = gᵀd,

the lectures' four searches accept

    halving   α = 2⁻ᵏ, the first with φ(α) < φ(0)                          (L3 eq. 5–7)
    Armijo    α = α₀ sᵏ, the first with φ(α) ≤ φ(0) + c1 α gᵀd              (L3)
    Wolfe     Armijo and |φ'(α)| ≤ c2 |gᵀd|  (strong Wolfe; N&W alg. 3.5/3.6) (L3)
    exact     α = argmin_{α ≥ 0} φ(α): bracketing, then Brent                  (L3 eq. 9, L4)

Failures are data (STYLE.md habit 10): every state records ``step_size``, ``value`` (f at the
accepted point), ``num_evals`` (evaluations of f, or of f and ∇f for Wolfe) and ``failed``. A
search that fails takes the best step it saw that lowered f, or 0 if none did; a non-finite
φ(α) counts as +∞, so the output is never NaN. A direction with gᵀd ≥ 0 (not a descent
direction, known when ``grad`` is passed) fails at once with step 0.

Steepest descent with the exact search (the L2 exercise, ALGORITHMS.md §10.6) is
``optax.chain(optax.scale(-1.0), scale_by_exact_line_search())``.

What optax has and is reused: ``optax.scale_by_zoom_linesearch`` is the strong-Wolfe search of
Nocedal & Wright alg. 3.5/3.6, so ``scale_by_wolfe_line_search`` wraps it (adding the failure rule
above). ``optax.scale_by_backtracking_linesearch`` carries its step size over between calls and,
when it fails, keeps its last (tiny, possibly worse) step, so the lectures' Armijo rule (restart
at α₀ every call, best step on failure) is written here; the tests check both accept the same step
on a quadratic. optax has no halving or exact search.

One module per family, each citing its lecture: :mod:`.phi` (φ, φ', the slope, the step and the
pieces every search shares), :mod:`.backtracking` (halving, Armijo), :mod:`.wolfe` (Moré–Thuente
and the strong-Wolfe transformation), :mod:`.exact` (bracketing, Brent, the secant polish).

**The registry** (:mod:`.registry`): :data:`LINE_SEARCHES` maps each name to a
:class:`LineSearchSpec` (factory, acceptance rule, lecture, needed extra arguments, and how to read
f and ∇f from a state that stores them). The curvature methods accept any registered name as
``line_search=``, the loop core reuses a registered search's stored f and ∇f, and the README's
table is :func:`line_search_table`. A new search is its module (built from :mod:`.phi`) plus one
:func:`register_line_search` call in :mod:`.registry`; the registry-wide tests then cover it.
"""

from .backtracking import ArmijoLineSearchState, HalvingLineSearchState, scale_by_armijo_line_search, scale_by_halving_line_search
from .exact import ExactLineSearchState, scale_by_exact_line_search
from .registry import (
    LINE_SEARCHES, LineSearchSpec, get_line_search, line_search_names, line_search_table, register_line_search,
    unregister_line_search,
)  # fmt: skip
from .wolfe import WOLFE_METHODS, WolfeLineSearchState, scale_by_wolfe_line_search

__all__ = [
    "ArmijoLineSearchState", "ExactLineSearchState", "HalvingLineSearchState", "WOLFE_METHODS", "WolfeLineSearchState",
    "scale_by_armijo_line_search", "scale_by_exact_line_search", "scale_by_halving_line_search",
    "scale_by_wolfe_line_search",
    "LINE_SEARCHES", "LineSearchSpec", "get_line_search", "line_search_names", "line_search_table",
    "register_line_search", "unregister_line_search",
]  # fmt: skip
