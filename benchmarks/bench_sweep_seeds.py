"""Seeds: ``sweep_fit(..., seeds=8)`` against 8 ``sweep_fit`` calls, one per seed key (issue 16 item 7).

The same work both ways: n Adam learning rates (log-spaced on [1e-3, 1e-1]) × 8 seeds, ``--epochs``
epochs of minibatches of 16, float32, each seed s starting from ``init_params(k_s)`` and drawing
its minibatches from ``k_s = jax.random.fold_in(key, s)``:

* **seeds=8** — ``jl.sweep_fit(jl.adam, grid, loss, None, data, key=key, seeds=8,
  init_params=init_params)``: n·8 rows of one compiled program, end to end (the 8 ``init_params``
  calls, argument checks, the program, the fetch, the fold into [n, 8]);
* **8 sweeps** — for s in 0…7: ``jl.sweep_fit(jl.adam, grid, loss, init_params(k_s), data, key=k_s)``:
  8 calls of one compiled program (n rows each; its shapes do not change with s);
* **grid of 8n** (a reference, not the same work) — one ``sweep_fit`` over the n rates each repeated
  8 times, from one start with one key: a program of the same size whose rows share their
  minibatches, to see what the seeds' own starts and minibatch orders cost.

Two problems: the L3 MLP (1-10-20-10-1 ReLU, 100 points of sin(x) + noise, ``mlp_init`` Xavier
uniform) and least squares on 100 examples with 3 features (``problems.regression``, a random
start). Both contenders are compiled by a first call (reported: first call − median), then called
round by round in a shuffled order (``--repeats``), median and minimum wall time reported with the
median CPU ÷ wall ("cores"). Ratio = 8 sweeps ÷ contender (of the medians, and of the minimums,
which other load disturbs least). A sanity column gives the median and the largest relative
difference of the final training losses between seeds=8 and the 8 sweeps (each seeded row is
``fit`` with its key; a grid's rows equal ``fit`` to rounding, and over hundreds of epochs a
chaotic run — the largest learning rates on the MLP — carries rounding to any size, hence the median).

    cd benchmarks && python bench_sweep_seeds.py --quick      # < 1 min
    cd benchmarks && python bench_sweep_seeds.py              # a few minutes

Measured here (2 cores shared with other jobs, load 4–7, so ±30 %; 200 epochs): 8 sweeps ÷ seeds=8
of the minimum times 1.15× (n = 16) and 1.1–1.4× (n = 64) on the L3 MLP, whose cost is its
arithmetic (seeds=8 runs as fast as a grid of 8n rows); 1.6–1.95× (n = 16) and 1.3–1.6× (n = 64)
on linear regression, where a call's fixed cost counts — there a grid of 8n rows sharing one
minibatch order is another 2–3× faster: the seeds' own orders (8 permutations and gathers per
epoch, a batched product per seed) are what seeds cost. Median relative gap of the final losses
to the 8 sweeps 2e-7 (the largest rates on the MLP are chaotic over 200 epochs: up to 1e+0).
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
from bench_loops import fmt, time_interleaved  # the sibling benchmark's timing helpers; run from benchmarks/

import jaxopt_lectures as jl
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems import sin_regression as sr
from jaxopt_lectures.problems.regression import least_squares_loss, linear_regression_data
from jaxopt_lectures.table import text_table

SEEDS = 8
SEEDED, SEQUENTIAL, WIDE = f"seeds={SEEDS}", f"{SEEDS} sweeps", f"grid of {SEEDS}n"


def problems():
    """name → (loss, data, init_params)."""
    train, _ = sr.sin_regression_data(jax.random.key(0))
    (X, y), _ = linear_regression_data(jax.random.key(0), n=100, d=3, dtype=jnp.float32)
    return {
        "L3 MLP": (sr.mse_loss, train, lambda k: mlp_init(jax.random.split(k)[0], sr.LAYER_SIZES, "xavier_uniform")),
        "linear regression": (least_squares_loss, (X, y),
                              lambda k: {"w": jax.random.normal(k, (3,)), "b": jnp.zeros(())}),
    }  # fmt: skip


def contenders(loss, data, init_params, n, epochs):
    grid = {"learning_rate": np.geomspace(1e-3, 1e-1, n).astype(np.float32)}
    key = jax.random.key(7)
    common = {"epochs": epochs, "batch_size": 16}

    def seeded():
        return jl.sweep_fit(jl.adam, grid, loss, None, data, key=key, seeds=SEEDS, init_params=init_params, **common)

    def sequential():
        runs = []
        for s in range(SEEDS):
            k_s = jax.random.fold_in(key, s)
            runs.append(jl.sweep_fit(jl.adam, grid, loss, init_params(k_s), data, key=k_s, **common))
        return runs

    wide_grid = {"learning_rate": np.repeat(grid["learning_rate"], SEEDS)}
    start = init_params(key)

    def wide():
        return jl.sweep_fit(jl.adam, wide_grid, loss, start, data, key=key, **common)

    return {SEEDED: seeded, SEQUENTIAL: sequential, WIDE: wide}


def first_call(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 16, 30 epochs, 3 repeats")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per run (default 200; --quick 30)")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds (default 5; --quick 3)")
    args = parser.parse_args(argv)
    epochs = args.epochs or (30 if args.quick else 200)
    repeats = args.repeats or (3 if args.quick else 5)
    sizes = [16] if args.quick else [16, 64]
    print(f"jax {jax.__version__}, {jax.devices()[0].platform} × {len(jax.devices())}; {epochs} epochs, batch 16, "
          f"{SEEDS} seeds, {repeats} timed rounds\n")  # fmt: skip
    rows = []
    for name, (loss, data, init_params) in problems().items():
        for n in sizes:
            fns = contenders(loss, data, init_params, n, epochs)
            firsts = {k: first_call(fn) for k, fn in fns.items()}
            outputs = {}
            times = time_interleaved(fns, repeats, outputs)
            seeded, runs = outputs[SEEDED], outputs[SEQUENTIAL]
            per_seed = np.stack([r.final_values for r in runs], axis=1)  # [n, SEEDS]
            ok = np.isfinite(per_seed) & np.isfinite(seeded.final_values)
            gaps = np.abs(seeded.final_values - per_seed)[ok] / np.abs(per_seed[ok])
            gap = f"{np.median(gaps):.0e} / {np.max(gaps):.0e}"
            steps = n * SEEDS * epochs * (len(jax.tree.leaves(data)[0]) // 16)
            for k in fns:
                t = times[k]
                rows.append([name, str(n), k, fmt(firsts[k][1] - t.med), fmt(t.med), fmt(t.best),
                             f"{t.cores:.2f}", f"{steps / t.med / 1e6:.2f}",
                             "" if k == SEQUENTIAL else f"{times[SEQUENTIAL].med / t.med:.2f}× "
                             f"({times[SEQUENTIAL].best / t.best:.2f}×)", gap if k == SEEDED else ""])  # fmt: skip
    print(text_table(["problem", "n", "contender", "compile", "median", "min", "cores", "M config-steps/s",
                      "8 sweeps ÷ this: median (min)", "rel. gap: median / max"], rows))  # fmt: skip
    print("\nratio > 1: one program over configurations × seeds is cheaper than a sweep per seed.")


if __name__ == "__main__":
    main()
