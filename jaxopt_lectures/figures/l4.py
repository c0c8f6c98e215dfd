"""Lecture L4's figures (after cs231n) and L2's exercise: momentum and NAG, every first-order optimizer
on Beale and at a saddle, conjugate gradients and Levenberg–Marquardt vs steepest descent.

ALGORITHMS.md §10.8 (GD, momentum and NAG on an oblong quadratic; the first-order optimizers of
§1–4 on Beale's function and at the saddle x² − y²), §6, §7 and §10.6 (L2's exact line search on
½(x² + b y²), nonlinear CG on Rosenbrock, Levenberg–Marquardt on a curve fit). Each function
registers one entry of :data:`~jaxopt_lectures.figures.EXAMPLES`.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import plotting, registry
from ..optimizers import momentum, nesterov, sgd
from ..problems import get_problem, mgh, rosenbrock, scaled_quadratic
from ..problems import worked_examples as wx
from ..second_order import levenberg_marquardt, nonlinear_cg, steepest_descent
from ..solve import OptimizeResult, least_squares, minimize
from .base import register_example
from .common import close, num, panels, run, vec

__all__: list[str] = []  # the entries are reached through EXAMPLES


# ----------------------------------------------------------------------------------------------
# L4 / cs231n figures: GD, momentum, NAG; first-order optimizers on Beale and at a saddle — §10.8
# ----------------------------------------------------------------------------------------------


@register_example("l4_gd_momentum_nag", "GD, momentum and NAG (μ = 0.95) on an oblong quadratic", "L4, cs231n, §10.8")
def _gd_momentum_nag(claims, quick, plot):
    del quick
    b, eta, mu = 10.0, 0.02, 0.95
    p = scaled_quadratic(b)  # ½(x² + 10 y²) from (10, 1): condition number 10
    runs = {
        f"GD η = {eta}": run(p.fun, p.x0, sgd(eta), 2000, gtol=1e-6),
        f"momentum μ = {mu}": run(p.fun, p.x0, momentum(eta, beta=mu), 2000, gtol=1e-6),
        f"NAG μ = {mu}": run(p.fun, p.x0, nesterov(eta, beta=mu), 2000, gtol=1e-6),
    }
    gd, mom, nag = runs.values()
    overshoot = {k: max(0.0, -float(r.path()[:, 0].min())) for k, r in runs.items()}  # x < 0: past the minimum
    o_gd, o_mom, o_nag = overshoot.values()
    claims.append(("GD creeps along the shallow axis without overshooting; momentum overshoots the minimum",
                   "GD: none; momentum: yes", f"x past 0 by {num(o_gd, 2)} (GD), {num(o_mom, 3)} (momentum)",
                   o_gd == 0.0 and o_mom > 1.0))
    claims.append(("NAG's look-ahead gradient brakes earlier: it overshoots less than momentum",
                   "NAG < momentum", f"{num(o_nag, 3)} < {num(o_mom, 3)}", o_nag < o_mom))
    steps = {k: int(r.num_steps) for k, r in runs.items()}
    claims.append(("… and converges in fewer steps (‖∇f‖ ≤ 1e-6)", "NAG < momentum, GD slowest",
                   ", ".join(f"{k.split()[0]} {v}" for k, v in steps.items()),
                   bool(nag.converged and mom.converged and gd.converged)
                   and int(nag.num_steps) < int(mom.num_steps) < int(gd.num_steps)))
    if not plot:
        return None
    fig, (left, right) = panels(plot)
    plotting.plot_trajectories(p, runs, ax=left, levels=12, xlim=(-7.0, 12.0), title=f"½(x² + {b:g} y²), η = {eta}")
    plotting.plot_loss_curves(runs, ax=right, title="f(x_k)")
    return fig


def _first_order() -> list[registry.OptimizerSpec]:
    return [registry.get(n) for f in registry.FIRST_ORDER_FAMILIES for n in registry.names(f)]


def _tuned_run(problem: Any, spec: registry.OptimizerSpec, steps: int, num_rates: int) -> tuple[OptimizeResult, float]:
    """``minimize`` with the best of ``num_rates`` log-spaced rates over default·10^[−2, 1].

    The rates run as one compiled program (``jax.vmap`` over the traced rate); the best is the
    lowest final value among runs that did not diverge (ties: the smaller rate).
    """
    lrs = spec.defaults["learning_rate"] * 10.0 ** np.linspace(-2.0, 1.0, num_rates)
    x0 = jnp.asarray(problem.x0, float)

    def one(lr):
        return minimize(problem.fun, x0, spec.make(learning_rate=lr), max_steps=steps, gtol=0.0, record=True)

    batch = jax.jit(jax.vmap(one))(jnp.asarray(lrs))
    final = np.where(np.asarray(batch.diverged) | ~np.isfinite(np.asarray(batch.value)), np.inf, np.asarray(batch.value))
    best = int(np.argmin(final))
    return jax.tree.map(lambda a: a[best], batch), float(lrs[best])


@register_example("l4_beale_saddle",
                  "Every first-order optimizer on Beale's function and at a saddle", "L4, cs231n, §10.8")
def _beale_saddle(claims, quick, plot):
    specs = _first_order()
    beale = get_problem("beale")
    steps, num_rates = (2000, 6) if quick else (5000, 12)
    tuned = {s.name: _tuned_run(beale, s, steps, num_rates) for s in specs}
    # 1e-2: methods with normalised steps (RMSProp, AdaDelta, the Adam family) at a constant rate
    # hover within about one step of the minimum instead of settling on it
    at_min = {n: float(np.linalg.norm(r.params - beale.x_star)) for n, (r, _) in tuned.items()}
    cs231n = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop")
    for label, group in (("cs231n's six", cs231n), ("the catalogue's other first-order optimizers",
                                                      [n for n in at_min if n not in cs231n])):
        missed = [f"{n} ({num(at_min[n], 2)})" for n in group if at_min[n] >= 1e-2]
        claims.append((f"Beale from (1, 1): {label} reach the minimum (3, 0.5), best of {num_rates} rates, {steps} steps",
                       f"all {len(group)}", f"{len(group) - len(missed)} of {len(group)} within 1e-2"
                       + (f"; missed: {', '.join(missed)}" if missed else ""), not missed))

    saddle = get_problem("saddle")  # x² − y² from (1, 1e-3): next to the saddle's stable manifold
    eta, y0 = 0.01, float(saddle.x0[1])
    saddle_steps = 400

    def make(spec):
        # one rate η for all, except where the registry's default rate is 1: there the rate only
        # multiplies a step that sets its own size (AdaDelta's unit-correcting ratio
        # √(D+ε)/√(G+ε), ALGORITHMS.md §3, η = 1 in Zeiler): keep that default
        default = spec.defaults["learning_rate"]
        return spec.make(learning_rate=default if default == 1.0 else eta)

    at_saddle = {s.name: run(saddle.fun, saddle.x0, make(s), saddle_steps) for s in specs}

    def escape(r):
        ys = np.abs(r.path()[:, 1])
        return int(np.argmax(ys > 1.0)) if np.any(ys > 1.0) else None

    escapes = {n: escape(r) for n, r in at_saddle.items()}
    predicted = math.ceil(math.log(1.0 / y0) / math.log(1.0 + 2.0 * eta))  # |y| × (1 + 2η) per GD step
    claims.append((f"saddle x² − y² from (1, 1e-3), η = {eta}: GD lingers, |y| × (1 + 2η) per step until |y| > 1",
                   f"{predicted} steps", f"{escapes['sgd']} steps", escapes["sgd"] == predicted))
    adaptive = ("rmsprop", "adam", "adamax", "nadam", "yogi", "amsgrad")
    fast = {n: escapes[n] for n in adaptive}
    claims.append(("RMSProp and the Adam family escape far sooner: steps ≈ η whatever the gradient's size",
                   f"≈ 1/η = {1 / eta:g} steps (GD {predicted})", ", ".join(f"{n} {v}" for n, v in fast.items()),
                   all(v is not None and v <= predicted / 2 for v in fast.values())))
    if not plot:
        return None
    fig, (left, right) = panels(plot, figsize=(12.0, 5.5))
    from matplotlib import colormaps  # plotting has imported matplotlib: 15 runs need 15 colours

    for ax in (left, right):
        ax.set_prop_cycle(color=colormaps["tab20"].colors)
    plotting.plot_trajectories(beale, {n: r for n, (r, _) in tuned.items()}, ax=left, xlim=(-0.5, 4.0),
                               ylim=(-1.0, 2.0), title=f"Beale, best of {num_rates} rates each, {steps} steps")
    plotting.plot_trajectories(saddle, at_saddle, ax=right, minimum=(0.0, 0.0),
                               title=f"saddle x² − y², η = {eta} (AdaDelta 1), {saddle_steps} steps")
    left.legend(loc="upper right", fontsize="xx-small", ncol=2)
    right.legend(loc="lower left", fontsize="xx-small", ncol=2)
    return fig


# ----------------------------------------------------------------------------------------------
# L2 / L4: line searches, conjugate gradients, Levenberg–Marquardt — §6, §7, §10.6, §10.8
# ----------------------------------------------------------------------------------------------

_GTOL = 1e-6


@register_example("l4_cg_vs_steepest_descent",
                  "Conjugate gradients vs steepest descent", "L2 exercise, L4, §6, §7, §10.6")
def _cg_vs_steepest_descent(claims, quick, plot):
    del quick
    b = 10.0
    quad = scaled_quadratic(b)  # ½(x² + b y²) from (b, 1)
    q = (b - 1) / (b + 1)
    g0 = float(jnp.linalg.norm(jax.grad(quad.fun)(jnp.asarray(quad.x0))))
    predicted = math.ceil(math.log(_GTOL / g0) / math.log(q))  # ‖∇f(x_k)‖ = q^k ‖∇f(x_0)‖ (L2)
    sd = run(quad.fun, quad.x0, steepest_descent(line_search="exact"), 10 * predicted, gtol=_GTOL)
    cg = run(quad.fun, quad.x0, nonlinear_cg(variant="fr", line_search="exact"), 100, gtol=_GTOL)
    path = sd.path()
    k = 5
    # 1e-8: the exact search is a 1-D minimisation to ~1e-10 relative, compounded over 5 steps
    claims.append((f"L2: exact search on ½(x² + {b:g}y²) from ({b:g}, 1): x_k = b q^k, y_k = (−q)^k, q = 9/11; k = {k}",
                   vec(wx.exact_line_search_iterates(b, k)), vec(path[k]),
                   close(wx.exact_line_search_iterates(b, k), path[k], rtol=1e-8, atol=1e-12)))
    grads = np.asarray(jax.vmap(jax.grad(quad.fun))(jnp.asarray(path[:-1])))
    norms = np.linalg.norm(grads, axis=1)
    cosines = np.abs(np.sum(grads[1:] * grads[:-1], axis=1)) / (norms[1:] * norms[:-1])
    claims.append(("… consecutive gradients are orthogonal (the zig-zag)", "cos = 0",
                   f"max |cos| = {num(float(cosines.max()), 2)}", float(cosines.max()) < 1e-6))
    claims.append((f"… steepest descent needs ⌈log(ε/‖g0‖)/log q⌉ steps to ‖∇f‖ ≤ {_GTOL:g}", str(predicted),
                   str(int(sd.num_steps)), int(sd.num_steps) == predicted))
    claims.append(("CG with the exact search is linear CG: the minimum in ≤ n = 2 steps", "≤ 2 steps",
                   f"{int(cg.num_steps)} steps, f = {num(float(cg.value), 2)}", bool(cg.converged) and int(cg.num_steps) <= 2))
    rosen = rosenbrock(2)
    rsd = run(rosen.fun, rosen.x0, steepest_descent(line_search="exact"), 20000, gtol=_GTOL)
    rcg = run(rosen.fun, rosen.x0, nonlinear_cg(variant="pr+", line_search="wolfe"), 1000, gtol=_GTOL)
    claims.append(("Rosenbrock from (−1.2, 1): steepest descent crawls along the valley, CG (PR+, Wolfe) does not",
                   "CG ≪ steepest descent", f"CG {int(rcg.num_steps)} vs {int(rsd.num_steps)} steps",
                   bool(rcg.converged and rsd.converged) and 10 * int(rcg.num_steps) < int(rsd.num_steps)))
    if not plot:
        return None
    fig, (left, right) = panels(plot)
    f0 = float(quad.fun(jnp.asarray(quad.x0)))
    plotting.plot_trajectories(quad, {"steepest descent, exact": sd, "CG Fletcher–Reeves, exact": cg}, ax=left,
                               levels=list(np.sort(f0 * q ** (2.0 * np.arange(0, 12, 2)))),
                               title=f"½(x² + {b:g} y²)")
    plotting.plot_trajectories(rosen, {"steepest descent, exact": rsd, "CG PR+, Wolfe": rcg}, ax=right,
                               title="Rosenbrock")
    return fig


@register_example("l4_levenberg_marquardt", "Levenberg–Marquardt vs steepest descent on a curve fit", "L4, §7")
def _levenberg_marquardt(claims, quick, plot):
    del quick
    p = get_problem("exponential_fit")  # y = a e^(−b t) + c, 10 points, from (1, 1, 0)
    x0 = jnp.asarray(p.x0, float)
    mu0 = 1e-3
    lm = least_squares(p.residual_fn, x0, levenberg_marquardt(damping=mu0), max_steps=200, gtol=_GTOL, record=True)
    sd = least_squares(p.residual_fn, x0, steepest_descent(line_search="exact"), max_steps=5000, gtol=_GTOL, record=True)
    claims.append(("LM (adaptive μ) fits y = a e^(−bt) + c in a handful of steps, ‖∇E‖ ≤ 1e-6",
                   "few steps", f"{int(lm.num_steps)} steps", bool(lm.converged) and int(lm.num_steps) <= 15))
    claims.append(("steepest descent (exact search) needs many more", "≫ LM", f"{int(sd.num_steps)} steps",
                   bool(sd.converged) and int(sd.num_steps) > 10 * int(lm.num_steps)))
    # 1e-10 relative: both stop at ‖∇E‖ ≤ 1e-6 near a well-conditioned minimum (E − E* ~ ‖∇E‖²/λ)
    claims.append(("both reach the same minimum E*", num(p.f_star, 10),
                   f"LM {num(float(lm.value), 10)}, SD {num(float(sd.value), 10)}",
                   close(p.f_star, [float(lm.value), float(sd.value)], rtol=1e-8)))
    mu = float(lm.state.damping)
    claims.append(("μ shrinks after steps that lower E: LM becomes Gauss–Newton near the minimum",
                   f"μ ≪ μ0 = {mu0:g}", f"μ = {num(mu, 2)}", mu < mu0))
    if not plot:
        return None
    fig, (left, right) = panels(plot)
    runs = {"Levenberg–Marquardt": lm, "steepest descent, exact": sd}
    plotting.plot_loss_curves(runs, f_star=p.f_star, ax=left, title="E(w_k) − E*")
    left.set_xscale("symlog", linthresh=10)  # LM's few steps linear, steepest descent's hundreds logarithmic
    left.set_xlim(left=0)
    t = np.asarray(mgh.EXPONENTIAL_FIT_T)
    grid = np.linspace(t[0], t[-1], 200)

    def model(w):
        return float(w[0]) * np.exp(-float(w[1]) * grid) + float(w[2])

    right.scatter(t, mgh.EXPONENTIAL_FIT_Y, color="k", zorder=3, label="data")
    right.plot(grid, model(p.x0), ":", color="0.5", label="start (1, 1, 0)")
    for label, r in runs.items():
        right.plot(grid, model(r.params), label=f"{label}: " + ", ".join(f"{float(v):.3f}" for v in r.params))
    right.set(xlabel="t", ylabel="y", title="y = a·exp(−b t) + c")
    right.legend(fontsize="small")
    return fig
