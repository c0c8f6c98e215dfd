"""Lecture L0's analysis figures: a learning-rate sweep and the critical points classified by the Hessian.

ALGORITHMS.md §10.2 (GD on 3x² + 2y² + 4z² + 6: per-axis rates 1/λᵢ, divergence above 2/λmax,
the fastest rate 2/(λmin + λmax)), §10.3 and §8 (critical points classified by the Hessian's
eigenvalues; every critical point of Himmelblau's function). Each function registers one entry
of :data:`~jaxopt_lectures.figures.EXAMPLES`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import analysis, plotting
from ..optimizers import sgd
from ..problems import get_problem
from ..problems import worked_examples as wx
from ..second_order import levenberg_marquardt
from ..solve import least_squares
from ..sweeps import sweep
from .base import register_example
from .common import close, num, panels, run, vec

__all__: list[str] = []  # the entries are reached through EXAMPLES


# ----------------------------------------------------------------------------------------------
# L0: the learning-rate sweep and the analysis of critical points — §10.2, §10.3, §8
# ----------------------------------------------------------------------------------------------


@register_example("l0_lr_sweep", "A learning-rate sweep of GD on 3x² + 2y² + 4z² + 6", "L0, §10.2")
def _lr_sweep(claims, quick, plot):
    del quick
    p = get_problem("separable_quadratic_l0")
    x0 = jnp.asarray(p.x0, float)
    rates = np.linspace(0.01, 0.3, 60)
    result = sweep(sgd, {"learning_rate": rates}, p.fun, x0, steps=100)
    diverged = np.asarray(result.diverged)
    bounds = analysis.learning_rate_bounds(p.fun, x0)
    claims.append(("per-axis optimal rates 1/λᵢ", vec(wx.SEPARABLE_AXIS_RATES, 4),
                   vec(np.sort(np.asarray(bounds.per_direction))[::-1][[1, 0, 2]], 4),
                   close(sorted(wx.SEPARABLE_AXIS_RATES), np.sort(np.asarray(bounds.per_direction)), rtol=1e-12)))
    step = rates[1] - rates[0]
    claims.append((f"GD diverges exactly for η > 2/λmax (60 rates in [0.01, 0.3], grid step {step:.4f})",
                   f"η > {wx.SEPARABLE_DIVERGENCE_RATE:g}",
                   f"largest stable {num(rates[~diverged].max(), 4)}, smallest diverged {num(rates[diverged].min(), 4)}",
                   bool(np.all(diverged == (rates > wx.SEPARABLE_DIVERGENCE_RATE)))))
    to_tol = result.steps_to(p.f_star + 1e-10)
    early = np.asarray(result.values)[:, 7] - p.f_star  # f − 6 after 8 steps: before rounding at 6 hides it
    fastest = float(rates[np.argmin(np.where(diverged, np.inf, early))])
    claims.append(("the fastest single rate is 2/(λmin + λmax) = 1/6, not the slide's 1/8 (lowest f − 6 after 8 steps)",
                   f"{wx.SEPARABLE_BEST_RATE:.4f}", f"{fastest:.4f} (grid step {step:.4f})",
                   abs(fastest - wx.SEPARABLE_BEST_RATE) <= step))
    runs = {rate: run(p.fun, x0, sgd(rate), 30).path() for rate in (wx.SEPARABLE_BEST_RATE, wx.SEPARABLE_SLIDE_RATE)}
    # ‖x_30‖ / ‖x_29‖ (x* = 0): at 1/8 the faster components have decayed by 2^−30 relative: 1e-6 holds
    contraction = [float(np.linalg.norm(x[-1]) / np.linalg.norm(x[-2])) for x in runs.values()]
    claims.append(("error contraction per step: max|1 − ηλᵢ| = 1/3 at η = 1/6, 1/2 at the slide's 1/8",
                   f"{wx.SEPARABLE_BEST_CONTRACTION:.4f}, {wx.SEPARABLE_SLIDE_CONTRACTION:.4f}",
                   f"{contraction[0]:.4f}, {contraction[1]:.4f}",
                   close([wx.SEPARABLE_BEST_CONTRACTION, wx.SEPARABLE_SLIDE_CONTRACTION], contraction, rtol=1e-6)))
    if not plot:
        return None
    fig, (left, right) = panels(plot)
    stable = ~diverged
    left.semilogy(rates[stable], early[stable], "o-", ms=3, label="stable")
    left.plot(rates[diverged], np.full(diverged.sum(), early[stable].max()), "x", color="tab:red", label="diverged")
    left.axvline(wx.SEPARABLE_BEST_RATE, ls="--", color="0.5", lw=1)
    left.set(xlabel="learning rate", ylabel="f − f* after 8 steps", title="error after 8 steps")
    left.legend(loc="upper left", fontsize="small")
    right.plot(rates, to_tol, "o-", ms=3)
    for rate, text in ((wx.SEPARABLE_BEST_RATE, "1/6"), (wx.SEPARABLE_SLIDE_RATE, "1/8 (slide)"),
                       (wx.SEPARABLE_DIVERGENCE_RATE, "1/4: diverges above")):
        right.axvline(rate, ls="--", color="0.5", lw=1)
        right.annotate(text, (rate, 1.0), xycoords=("data", "axes fraction"), rotation=90, va="top", fontsize="small")
    right.set(xlabel="learning rate", ylabel="steps to f − f* ≤ 1e-10", title="speed")
    return fig


@register_example("l0_critical_points", "Critical points: classify by the Hessian's eigenvalues", "L0, L2, §8, §10.3")
def _critical_points(claims, quick, plot):
    del quick
    coupled = get_problem("coupled_quadratic_l0")
    x_star = jnp.asarray(wx.COUPLED_MINIMIZER)
    eig = np.asarray(analysis.hessian_eigenvalues(coupled.fun, x_star))
    kind = analysis.classify_critical_point(coupled.fun, x_star)
    claims.append(("x1² + x1(1 − x2) + x2² − x2x3 + x3² + x3 at (−1, −1, −1): eigenvalues 2 − √2, 2, 2 + √2",
                   vec(wx.COUPLED_EIGENVALUES, 5) + ": minimum", f"{vec(eig, 5)}: {kind}",
                   close(wx.COUPLED_EIGENVALUES, eig, rtol=1e-12) and kind == "minimum"))
    saddle = get_problem("saddle")
    kind = analysis.classify_critical_point(saddle.fun, jnp.zeros(2))
    claims.append(("x² − y² at 0: eigenvalues of both signs", "saddle", kind, kind == "saddle"))
    slope = float(jax.grad(lambda x: jnp.tanh(x))(wx.TANH_SATURATED_X))
    claims.append(("a saturated unit: tanh′(4), the vanishing gradient", num(wx.TANH_PRIME_AT_X_PRINTED),
                   num(slope, 5), close(wx.TANH_PRIME_AT_X, slope, rtol=1e-12)))

    # Every critical point of Himmelblau's function: ∇f = 0 solved as least squares on r = ∇f
    # (Levenberg–Marquardt from a grid of starts, one vmapped program), then classified.
    himmelblau = get_problem("himmelblau")
    grad = jax.grad(himmelblau.fun)
    starts = jnp.asarray(np.stack(np.meshgrid(np.linspace(-4.5, 4.5, 7), np.linspace(-4.5, 4.5, 7)), -1).reshape(-1, 2))
    solve = jax.jit(jax.vmap(lambda x: least_squares(grad, x, levenberg_marquardt(), max_steps=100, gtol=1e-12)))
    found = solve(starts)
    ok = np.linalg.norm(np.asarray(jax.vmap(grad)(found.params)), axis=1) < 1e-8  # ∇f = 0 (not a min of ‖∇f‖)
    solved = np.asarray(found.params)[ok]
    _, first = np.unique(np.round(solved, 6), axis=0, return_index=True)  # merge the same point found twice
    points = solved[np.sort(first)]
    kinds = [analysis.classify_critical_point(himmelblau.fun, jnp.asarray(x)) for x in points]
    counts = {k: kinds.count(k) for k in ("minimum", "maximum", "saddle", "degenerate")}
    claims.append(("Himmelblau's function: four minima (f = 0), one maximum, four saddle points",
                   "4, 1, 4",
                   (f"{counts['minimum']}, {counts['maximum']}, {counts['saddle']} "
                    f"({len(points)} critical points from {len(starts)} starts)"),
                   (counts["minimum"], counts["maximum"], counts["saddle"], counts["degenerate"]) == (4, 1, 4, 0)))
    minima = points[[k == "minimum" for k in kinds]]
    known = np.asarray(himmelblau.minimizers)
    # 1e-8: LM stopped at ‖∇f‖ < 1e-8 where the Hessian's smallest eigenvalue is ≈ 8 (≈ 1e-9 away)
    matched = all(np.min(np.linalg.norm(known - m, axis=1)) < 1e-8 for m in minima)
    claims.append(("… its minima are the known four", vec(known[0], 3) + " and three more", f"all matched: {matched}",
                   matched and len(minima) == 4))
    if not plot:
        return None
    return plotting.plot_critical_points(himmelblau, points, kinds, figsize=(6.5, 5.5),
                                         title="Himmelblau: critical points by the Hessian's eigenvalues")
