"""L4: Levenberg–Marquardt against steepest descent on the curve fit y = a·exp(−b t) + c.

Run:  python examples/l4_levenberg_marquardt_curve_fit.py [PNG] [--damping MU]

Lecture L4, ALGORITHMS.md §7, in float64: the problem ``exponential_fit`` of
``jaxopt_lectures.problems`` (10 points t = 0, 0.5, …, 4.5, y = 2 e^{−0.5 t} + 0.3 plus a fixed
perturbation; start (a, b, c) = (1, 1, 0)) minimises E = ½‖r‖², r_i = a e^{−b t_i} + c − y_i, with
``least_squares`` until ‖∇E‖ ≤ 1e-6:

* Levenberg–Marquardt, δ = −(μI + JᵀJ)⁻¹Jᵀr with the lectures' adaptive μ (÷10 after a step that
  lowers E, ×10 and retry after one that would raise it);
* steepest descent, −∇E = −Jᵀr with the exact line search.

It prints the steps, the final E and the fitted (a, b, c) of each, and LM's damping trajectory
(μ, E and rejected trials per step, replayed step by step with the same transformation); then,
when matplotlib is installed, plots E − E* against the step (log scale) and the fitted curves over
the data (saved to PNG, default ./l4_levenberg_marquardt_curve_fit.png).
"""

from __future__ import annotations

import argparse
import importlib.util

import jax

jax.config.update("jax_enable_x64", True)  # before any array is made: the runs are float64

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jaxopt_lectures as jl  # noqa: E402
from jaxopt_lectures.problems import get_problem, mgh  # noqa: E402

GTOL = 1e-6
INCREASE, DECREASE = 10.0, 0.1  # LM's μ factors after a rejected trial / an accepted step (the defaults)


def model(params, t):
    a, b, c = params
    return a * jnp.exp(-b * t) + c


def damping_trajectory(optimizer, residual_fn, x0, num_steps):
    """Replay ``num_steps`` LM steps one by one; rows (k, μ tried first, rejected trials, μ accepted, E after)."""

    @jax.jit
    def step(x, state):
        updates, state = optimizer.update(jnp.zeros_like(x), state, x, residual_fn=residual_fn)
        return x + updates, state

    x, state = x0, optimizer.init(x0)
    rows = []
    for k in range(num_steps):
        mu = float(state.damping)
        x, state = step(x, state)
        rejected = int(state.rejected)
        # each rejected trial multiplied μ by INCREASE before the accepted one
        rows.append((k, mu, rejected, mu * INCREASE**rejected, float(state.value)))
    return rows, x, float(state.damping)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default="l4_levenberg_marquardt_curve_fit.png", help="where to save the plot")
    parser.add_argument("--damping", type=float, default=1e-3, help="LM's initial damping μ (default 1e-3)")
    args = parser.parse_args(argv)

    problem = get_problem("exponential_fit")
    x0 = jnp.asarray(problem.x0)
    lm = jl.levenberg_marquardt(damping=args.damping, increase=INCREASE, decrease=DECREASE)
    runs = {
        "Levenberg–Marquardt": jl.least_squares(problem.residual_fn, x0, lm, max_steps=200, gtol=GTOL, record=True),
        "steepest descent, exact search": jl.least_squares(
            problem.residual_fn, x0, jl.steepest_descent(line_search="exact"), max_steps=5000, gtol=GTOL, record=True
        ),
    }
    e0 = float(problem.fun(x0))
    start = ", ".join(f"{v:g}" for v in problem.x0)
    print(f"fit y = a·exp(−b t) + c to {mgh.EXPONENTIAL_FIT_T.size} points from (a, b, c) = ({start}), "
          f"E0 = {e0:.4f}, stop at ‖∇E‖ ≤ {GTOL:g}:")  # fmt: skip
    for label, r in runs.items():
        a, b, c = (float(v) for v in r.params)
        print(
            f"  {label:<31s} steps {int(r.num_steps):4d}  E {float(r.value):.10e}  "
            f"(a, b, c) = ({a:.6f}, {b:.6f}, {c:.6f})  stop: {r.reason_name}"
        )
    print(f"  reference minimum (problems.exponential_fit): E* = {problem.f_star:.10e}  "
          f"(a, b, c) = ({', '.join(f'{v:.6f}' for v in problem.x_star)})")  # fmt: skip

    lm_result = runs["Levenberg–Marquardt"]
    rows, x_replay, mu_last = damping_trajectory(lm, problem.residual_fn, x0, int(lm_result.num_steps))
    print(f"LM damping trajectory (μ0 = {args.damping:g}; ×{INCREASE:g} per rejected trial, "
          f"×{DECREASE:g} per accepted step):")  # fmt: skip
    for k, mu, rejected, mu_accepted, e in rows:
        print(f"  step {k + 1}  μ tried first {mu:.0e}  rejected trials {rejected}  "
              f"accepted with μ {mu_accepted:.0e}  E after {e:.10e}")  # fmt: skip
    print(f"  μ after the last step {mu_last:.0e}; the replay ends where least_squares did: "
          f"{bool(jnp.allclose(x_replay, lm_result.params, rtol=0, atol=1e-12))}")  # fmt: skip

    if importlib.util.find_spec("matplotlib") is None:
        print("matplotlib is not installed: no plot")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_fit) = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = {"Levenberg–Marquardt": "tab:blue", "steepest descent, exact search": "tab:red"}
    t = np.asarray(mgh.EXPONENTIAL_FIT_T)
    grid = np.linspace(t[0], t[-1], 200)
    for label, r in runs.items():
        values = np.append(np.asarray(r.history.values)[np.asarray(r.history.mask)], float(r.value))
        gap = np.maximum(values - problem.f_star, 1e-17)  # E − E* (rounding can give ≤ 0 at the end)
        steps = values.size - 1
        ax_loss.semilogy(np.arange(values.size), gap, ".-", color=colors[label], label=f"{label} ({steps} steps)")
        ax_fit.plot(grid, model(r.params, grid), color=colors[label], label=f"{label}: a, b, c = "
                    + ", ".join(f"{float(v):.3f}" for v in r.params))  # fmt: skip
    ax_loss.set_xscale("symlog", linthresh=10)
    ax_loss.set(xlabel="step k (log scale after 10)", ylabel="E(w_k) − E*",
                title=f"loss gap, E* = {problem.f_star:.4e}")  # fmt: skip
    ax_loss.legend()
    ax_fit.scatter(t, mgh.EXPONENTIAL_FIT_Y, color="k", zorder=3, label="data")
    ax_fit.plot(grid, model(x0, grid), ":", color="tab:gray", label="start (1, 1, 0)")
    ax_fit.plot(grid, 2.0 * np.exp(-0.5 * grid) + 0.3, "--", color="tab:green", lw=1, label="2·exp(−0.5 t) + 0.3")
    ax_fit.set(xlabel="t", ylabel="y", title="fitted curves y = a·exp(−b t) + c")
    ax_fit.legend(fontsize=8)
    fig.suptitle("L4: Levenberg–Marquardt vs steepest descent on E = ½‖r‖²")
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    print(f"saved {args.png}")


if __name__ == "__main__":
    main()
