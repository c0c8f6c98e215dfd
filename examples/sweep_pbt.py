"""Population-based training finds a learning-rate schedule that beats every constant rate.

Run:  python examples/sweep_pbt.py [PNG] [--seed S] [--no-plot]

L0's noisy SGD (ALGORITHMS.md §10.5; ``jaxopt_lectures.problems.noisy_quadratic``): SGD on
x1² + 2 x2² (tiled 16×) with unit gradient noise per example, minibatches of 4. A constant rate
stalls at its noise floor, a decaying one keeps going. Three ways to pick the rate, all on the same
minibatches:

* a grid of 16 constant rates geomspace(1e-3, 0.4, 16), one ``sweep_fit`` (16 × 64 epochs);
* population-based training from the same 16 rates (``sweep_fit(..., pbt=jl.PBT(interval=1, …))``):
  after every epoch the worst 4 copy one of the best 4 and multiply its rate by 0.8 or 1.25 — the
  same 16 × 64 epochs of compute;
* the lecture's polynomial decay η0 (βt + 1)^(−α) with η0 = 0.06, α = ½, β = 1 (tuned by hand).

It prints the excess loss f − f* of each, the schedule PBT found, and saves the figure (default
./sweep_pbt.png: the population's schedules, and the loss curves); exit status 1 if PBT does not
beat the best constant rate.
"""

import argparse
import importlib.util
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

import jaxopt_lectures as jl
from jaxopt_lectures.problems import noisy_quadratic as nq


def main(argv=None):
    parser = argparse.ArgumentParser(prog="sweep_pbt.py", description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default="sweep_pbt.png", help="where to save the figure")
    parser.add_argument("--seed", type=int, default=0, help="data, minibatches and PBT's choices")
    parser.add_argument("--no-plot", action="store_true", help="print only")
    args = parser.parse_args(argv)

    k_data, k_batches, k_pbt = jax.random.split(jax.random.key(args.seed), 3)
    loss_fn, x0, data, f_star = nq.noisy_quadratic_l0(k_data)
    kw = {"epochs": nq.EPOCHS, "batch_size": nq.BATCH_SIZE, "key": k_batches, "sampling": nq.SAMPLING}
    rates = {"learning_rate": np.asarray(nq.CONSTANT_RATES)}

    t0 = time.perf_counter()
    grid = jl.sweep_fit(jl.sgd, rates, loss_fn, x0, data, **kw)
    t1 = time.perf_counter()
    pbt = jl.sweep_fit(jl.sgd, rates, loss_fn, x0, data, pbt=jl.PBT(interval=1, key=k_pbt), **kw)
    t2 = time.perf_counter()
    _, decay = jl.fit(loss_fn, x0, data, jl.sgd(jl.schedules.polynomial_decay(**nq.DECAY)), **kw)

    g, p = grid.best(), pbt.best()
    excess = {"grid": g.final_value - f_star, "pbt": p.final_value - f_star, "decay": decay.train_loss[-1] - f_star}
    print(f"L0 noisy quadratic, d = {x0.size}, n = {data.shape[0]}, batch {nq.BATCH_SIZE}, {nq.EPOCHS} epochs; "
          f"f* = {f_star}")
    print(f"best constant rate of 16: η = {g.config['learning_rate']:.4g}   f − f* = {excess['grid']:.4g}   "
          f"({t1 - t0:.2f} s)")
    print(f"PBT, 16 members:          best member {p.index:2d}       f − f* = {excess['pbt']:.4g}   "
          f"({t2 - t1:.2f} s, the same 16 × {nq.EPOCHS} epochs)")
    print(f"decay 0.06 (t + 1)^(−½):                          f − f* = {excess['decay']:.4g}")
    schedule = pbt.schedules["learning_rate"][p.index]
    marks = [0, 1, 3, 7, 15, 31, nq.EPOCHS - 1]
    print("PBT's schedule (epoch: η): " + ", ".join(f"{e}: {schedule[e]:.3g}" for e in marks))
    claims = [("PBT beats every constant rate of the grid", excess["pbt"] < excess["grid"]),
              ("… and its rate decays (last epoch's η < first's)", schedule[-1] < schedule[0])]  # fmt: skip
    for text, ok in claims:
        print(f"{'✓' if ok else '✗'} {text}")
    print(f"{sum(ok for _, ok in claims)} of {len(claims)} claims agree")

    if not args.no_plot:
        if importlib.util.find_spec("matplotlib") is None:
            print("matplotlib is not installed: no plot")
        else:
            from jaxopt_lectures import plotting

            fig, (left, right) = plotting.new_figure((11.0, 4.5), ncols=2)
            plotting.plot_pbt_schedules(pbt, ax=left, title="PBT: each member's learning rate")
            curves = {f"best constant η = {g.config['learning_rate']:.3g}": grid.values[g.index],
                      "PBT's best member": pbt.values[p.index], "decay 0.06 (t + 1)^(−½)": decay.train_loss}
            plotting.plot_loss_curves(curves, f_star=f_star, ax=right, title="f − f* after each epoch")
            right.set_xlabel("epoch")
            fig.savefig(args.png, dpi=plotting.DPI)
            print(f"saved {args.png}")
    return excess


if __name__ == "__main__":
    result = main()
    sys.exit(0 if result["pbt"] < result["grid"] else 1)
