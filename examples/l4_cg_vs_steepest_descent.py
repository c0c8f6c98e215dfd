"""L4: nonlinear conjugate gradients against steepest descent, on a quadratic and on Rosenbrock.

Run:  python examples/l4_cg_vs_steepest_descent.py [PNG] [--b B]

Lecture L4 (and the L2 exercise), ALGORITHMS.md §6–7, in float64, each run stopped at ‖∇f‖ ≤ 1e-6:

* the ill-conditioned quadratic f = ½(x² + b y²) from (b, 1) (``problems.scaled_quadratic``,
  b = 10): steepest descent with the exact line search zig-zags (consecutive gradients are
  orthogonal) and needs as many steps as the L2 closed form x_k = b q^k, y_k = (−q)^k,
  q = (b − 1)/(b + 1), predicts, while Fletcher–Reeves CG with the same exact search is linear CG
  and stops after at most 2 steps (the dimension);
* Rosenbrock's valley from (−1.2, 1): steepest descent with the exact search crawls along the
  valley for thousands of steps, Polak–Ribière+ CG with a strong-Wolfe search takes a few dozen.

It prints the steps and the final f of each run, then plots the iterate paths over contour lines
(two panels) when matplotlib is installed (saved to PNG, default ./l4_cg_vs_steepest_descent.png).
"""

from __future__ import annotations

import argparse
import importlib.util
import math

import jax

jax.config.update("jax_enable_x64", True)  # before any array is made: the runs are float64

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jaxopt_lectures as jl  # noqa: E402
from jaxopt_lectures.problems import rosenbrock, scaled_quadratic  # noqa: E402

GTOL = 1e-6


def run(problem, optimizer, max_steps):
    """``minimize`` from the problem's start; returns the result and the path x_0, …, x_final."""
    result = jl.minimize(problem.fun, jnp.asarray(problem.x0), optimizer, max_steps=max_steps, gtol=GTOL, record=True)
    h = result.history
    path = np.concatenate([np.asarray(h.params)[np.asarray(h.mask)], np.asarray(result.params)[None]])
    return result, path


def report(label, result):
    print(
        f"  {label:<34s} steps {int(result.num_steps):6d}  f {float(result.value):.3e}  "
        f"‖∇f‖ {float(result.grad_norm):.1e}  stop: {result.reason_name}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default="l4_cg_vs_steepest_descent.png", help="where to save the plot")
    parser.add_argument("--b", type=float, default=10.0, help="the quadratic's y-curvature b (condition number)")
    args = parser.parse_args(argv)

    quad = scaled_quadratic(args.b)
    q = (args.b - 1) / (args.b + 1)
    # ‖∇f(x_k)‖ = |q|^k ‖∇f(x_0)‖ for steepest descent with the exact search (the L2 closed form)
    g0 = float(jnp.linalg.norm(jax.grad(quad.fun)(jnp.asarray(quad.x0))))
    predicted = math.ceil(math.log(GTOL / g0) / math.log(abs(q))) if 0 < abs(q) < 1 else 1
    print(f"quadratic ½(x² + {args.b:g} y²) from ({args.b:g}, 1), stop at ‖∇f‖ ≤ {GTOL:g}:")
    quad_sd, quad_sd_path = run(quad, jl.steepest_descent(line_search="exact"), max_steps=max(10 * predicted, 100))
    quad_cg, quad_cg_path = run(quad, jl.nonlinear_cg(variant="fr", line_search="exact"), max_steps=100)
    report("steepest descent, exact search", quad_sd)
    report("CG Fletcher–Reeves, exact search", quad_cg)
    print(f"  L2 closed form (q = (b−1)/(b+1) = {q:.4f}): steepest descent needs {predicted} steps")

    rosen = rosenbrock(2)
    print(f"Rosenbrock from (-1.2, 1), stop at ‖∇f‖ ≤ {GTOL:g}:")
    rosen_sd, rosen_sd_path = run(rosen, jl.steepest_descent(line_search="exact"), max_steps=20000)
    rosen_cg, rosen_cg_path = run(rosen, jl.nonlinear_cg(variant="pr+", line_search="wolfe"), max_steps=1000)
    report("steepest descent, exact search", rosen_sd)
    report("CG Polak–Ribière+, Wolfe search", rosen_cg)
    print(f"  steepest descent / CG steps: {int(rosen_sd.num_steps) / int(rosen_cg.num_steps):.0f}×")

    if importlib.util.find_spec("matplotlib") is None:
        print("matplotlib is not installed: no plot")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def contours(ax, problem, levels):
        (x_lo, x_hi), (y_lo, y_hi) = problem.bounds
        xx, yy = np.meshgrid(np.linspace(x_lo, x_hi, 300), np.linspace(y_lo, y_hi, 300))
        zz = np.asarray(jax.jit(jax.vmap(problem.fun))(np.stack([xx.ravel(), yy.ravel()], axis=1))).reshape(xx.shape)
        ax.contour(xx, yy, zz, levels=levels, colors="tab:gray", linewidths=0.6)
        ax.plot(*problem.x_star, "k*", markersize=12, label="minimum")
        ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="x", ylabel="y")

    fig, (ax_q, ax_r) = plt.subplots(1, 2, figsize=(12, 5))
    f0 = float(quad.fun(jnp.asarray(quad.x0)))
    contours(ax_q, quad, np.sort(f0 * q ** (2.0 * np.arange(0, 12, 2))))  # the levels of every other iterate
    ax_q.plot(*quad_sd_path.T, ".-", color="tab:red", lw=1, label=f"steepest descent ({int(quad_sd.num_steps)} steps)")
    ax_q.plot(*quad_cg_path.T, "o-", color="tab:blue", lw=2, label=f"CG, FR ({int(quad_cg.num_steps)} steps)")
    ax_q.set_title(f"½(x² + {args.b:g} y²), exact line search")
    ax_q.legend(loc="upper left")

    contours(ax_r, rosen, np.logspace(-1, 3.5, 12))
    ax_r.plot(*rosen_sd_path.T, "-", color="tab:red", lw=1, label=f"steepest descent ({int(rosen_sd.num_steps)} steps)")
    cg_label = f"CG, PR+ ({int(rosen_cg.num_steps)} steps)"
    ax_r.plot(*rosen_cg_path.T, "o-", color="tab:blue", lw=1.5, ms=3, label=cg_label)
    ax_r.plot(*rosen.x0, "ks", label="start")
    ax_r.set_title("Rosenbrock: steepest descent (exact search) vs CG PR+ (Wolfe)")
    ax_r.legend(loc="upper left")
    fig.suptitle(f"L4: conjugate gradients vs steepest descent, stopped at ‖∇f‖ ≤ {GTOL:g}")
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    print(f"saved {args.png}")


if __name__ == "__main__":
    main()
