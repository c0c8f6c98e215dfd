"""Successive halving against the full grid: configuration-steps, wall time, the best found (issue 16, item 7).

The problem of the acceptance test (tests/test_sweep_halving.py): L3's 1-10-20-10-1 ReLU MLP on
y = sin x + U(0, 0.8) (``problems.sin_regression``: 100 training points, validation on the 100 test
points), float32, Adam with learning rates log-spaced on [1e-4, 1] × β1 ∈ {0.5, 0.9} (512
configurations), 81 epochs of minibatches of 16 (6 steps an epoch). Data, initial weights and
minibatches from ``split(key(seed), 3)``.

Contenders, both ``jl.sweep_fit`` end to end (checks, placement, programs, fetch to NumPy):

* **full grid** — every configuration all 81 epochs, one compiled program;
* **halving** — ``halving=3``: rungs 9, 27, 81 (512 → 171 → 57 configurations), one program for
  the start and one per rung (a smaller batch of configurations is another shape).

Reported per seed: configuration-steps (a step of one configuration; halving counts a lane until
its rung), the median wall time of ``--repeats`` calls once compiled (the programs are cached, as
when a sweep is run again), the halving ÷ grid ratios, and the best configuration each finds with
its final validation loss (the same criterion: the lowest validation loss after epoch 81 among the
configurations that ran all 81 epochs) and their ratio. The grid and halving run alternately, so
both see the same machine load. Once, for the first seed: the compilation time (first call −
median later call) of each.

Why the wall ratio is above the configuration-steps ratio: a step of the vmapped program costs
about a + b·m for m configurations (``bench_sweep.py``'s model: a the fixed cost of a step's ops,
paid once for the batch); halving runs 2/3 of its epochs at m = 57 and 171, where a weighs more
than at the grid's 512, and it fetches and re-places the carries at each rung. And it compiles
three more programs, which a short sweep does not earn back.

Measured here (2 cores shared with other test runs, load average 8–10; seeds 0–3): configuration-steps
64,584 of 248,832 (0.260) on every seed; wall time once compiled 0.21–0.29 of the grid's (median
0.29, ``--repeats 5``; 0.31–0.56 in an earlier run at load 10); compilation 7 s for the grid, 25 s for
halving's 4 programs; the best validation loss found: the grid's own best on seeds 1–3, 5.5% worse
on seed 0 (0.0804 vs 0.0762).

    cd benchmarks && python bench_sweep_halving.py             # seeds 0–3, 3 repeats
    cd benchmarks && python bench_sweep_halving.py --quick     # seed 1, 1 repeat
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import jax
import numpy as np

import jaxopt_lectures as jl
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems import sin_regression as sr


def problem(seed: int):
    data_key, init_key, key = jax.random.split(jax.random.key(seed), 3)
    train, test = sr.sin_regression_data(data_key)
    return train, test, mlp_init(init_key, sr.LAYER_SIZES, "xavier_uniform"), key


def timed(call):
    start = time.perf_counter()
    out = call()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=81)
    parser.add_argument("--quick", action="store_true", help="seed 1, one repeat")
    a = parser.parse_args()
    seeds, repeats = ([1], 1) if a.quick else (a.seeds, a.repeats)
    grid = {"learning_rate": np.logspace(-4, 0, 256), "b1": [0.5, 0.9]}
    print(f"L3 MLP, Adam 256 rates × 2 β1 = 512 configurations, {a.epochs} epochs of batches of 16, float32; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    rows = []
    for seed in seeds:
        train, test, params, key = problem(seed)
        options = {"epochs": a.epochs, "batch_size": 16, "key": key, "validation_data": test}
        full = lambda: jl.sweep_fit(jl.adam, grid, sr.mse_loss, params, train, **options)  # noqa: E731
        halve = lambda: jl.sweep_fit(jl.adam, grid, sr.mse_loss, params, train, halving=3, **options)  # noqa: E731
        (g, g_cold), (h, h_cold) = timed(full), timed(halve)
        g_warm, h_warm = [], []
        for _ in range(repeats):
            g_warm.append(timed(full)[1])
            h_warm.append(timed(halve)[1])
        gw, hw = statistics.median(g_warm), statistics.median(h_warm)
        gb, hb = g.best(), h.best()
        rows.append((h.config_steps / h.grid_config_steps, hw / gw, hb.final_value / gb.final_value))
        if seed == seeds[0]:  # the programs are cached from then on: the first seed's first calls compile
            compiles = (g_cold - gw, h_cold - hw)
        print(f"\nseed {seed}: rungs {h.rungs}, configurations {h.rung_sizes}")
        print(f"  configuration-steps  grid {h.grid_config_steps:>7}  halving {h.config_steps:>7}  "
              f"ratio {rows[-1][0]:.3f}")
        print(f"  wall warm (median)   grid {gw:6.2f} s  halving {hw:6.2f} s  ratio {rows[-1][1]:.3f}")
        print(f"  best val loss        grid {gb.final_value:.5f} (lr {gb.config['learning_rate']:.4g}, "
              f"β1 {gb.config['b1']:g})  halving {hb.final_value:.5f} (lr {hb.config['learning_rate']:.4g}, "
              f"β1 {hb.config['b1']:g})  ratio {rows[-1][2]:.4f}")  # fmt: skip
    steps, warm, best = np.array(rows).T
    print(f"\ncompilation (first call − median later call, seed {seeds[0]}): grid {compiles[0]:.1f} s (1 program), "
          f"halving {compiles[1]:.1f} s (a start and one per rung: {len(h.rungs) + 1} programs)")
    print(f"over {len(seeds)} seed(s): configuration-steps ratio {steps.mean():.3f}; wall ratio (compiled) median "
          f"{np.median(warm):.3f}, range {warm.min():.3f}–{warm.max():.3f}; best-loss ratio worst {best.max():.4f}, "
          f"within 5% on {int(np.sum(best <= 1.05))} of {len(seeds)}")  # fmt: skip


if __name__ == "__main__":
    main()
