"""Successive halving on L3's sin regression: 256 Adam learning rates × 2 β1 values, η = 3, against the full grid.

Run:  python examples/sweep_halving.py [PNG] [--quick] [--no-plot] [--no-grid] [--seed S]

The 1-10-20-10-1 ReLU MLP of lecture 3 (``problems.sin_regression``: 100 training points, the
validation loss on the 100 test points), Adam with learning rates log-spaced on [1e-4, 1] × β1 ∈
{0.5, 0.9} = 512 configurations, 81 epochs of minibatches of 16. ``sweep_fit(..., halving=3)``
(Jamieson & Talwalkar 2016) runs all 512 to epoch 9, the best 171 by validation loss to epoch 27,
the best 57 to epoch 81: 7/27 ≈ 26% of the grid's configuration-steps. The full grid runs too
(``--no-grid`` skips it) and the script checks the claims of issue 16: halving finds a configuration
whose validation loss is within 5% of the grid's best, at most 1/3 of its configuration-steps.
Data, initial weights and minibatches come from ``split(key(seed), 3)`` (as in
examples/l3_sin_regression.py); seeds 1–7 keep the grid's best itself, seed 0 one 5.5% worse.

It prints each claim next to the computed value and saves the rung diagram (default
./sweep_halving.png: every configuration's validation curve up to where it stopped); the exit
status is 1 if a claim does not hold. ``--quick``: 64 rates × 2, 27 epochs (rungs 3, 9, 27).
"""

import argparse
import sys
import time

import jax
import numpy as np

import jaxopt_lectures as jl
from jaxopt_lectures import plotting
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems import sin_regression as sr


def main(epochs=81, num_rates=256, seed=1, grid=True, png=None):
    """Run halving (and the full grid); print the claims; return the numbers."""
    data_key, init_key, key = jax.random.split(jax.random.key(seed), 3)
    train, test = sr.sin_regression_data(data_key)
    params = mlp_init(init_key, sr.LAYER_SIZES, "xavier_uniform")
    configs = {"learning_rate": np.logspace(-4, 0, num_rates), "b1": [0.5, 0.9]}
    options = {"epochs": epochs, "batch_size": 16, "key": key, "validation_data": test}

    start = time.perf_counter()
    r = jl.sweep_fit(jl.adam, configs, sr.mse_loss, params, train, halving=3, **options)
    seconds = time.perf_counter() - start
    best = r.best()
    rungs = ", ".join(f"{m} to epoch {rung}" for rung, m in zip(r.rungs, r.rung_sizes))
    print(f"successive halving, η = 3: {rungs}; {seconds:.1f} s (compilation included)")
    print(f"  best: learning_rate={best.config['learning_rate']:.4g}, b1={best.config['b1']:g}, "
          f"validation loss {best.final_value:.5f} (noise floor {sr.NOISE_FLOOR:.4f})")
    fraction = r.config_steps / r.grid_config_steps
    claims = [(f"configuration-steps ≤ 1/3 of the grid's: {r.config_steps} of {r.grid_config_steps} = {fraction:.3f}",
               fraction <= 1 / 3)]  # fmt: skip
    numbers = {"halving_loss": best.final_value, "config_steps": r.config_steps,
               "grid_config_steps": r.grid_config_steps, "rung_sizes": r.rung_sizes}  # fmt: skip
    if grid:
        start = time.perf_counter()
        g = jl.sweep_fit(jl.adam, configs, sr.mse_loss, params, train, **options)
        grid_seconds = time.perf_counter() - start
        gbest = g.best()
        ratio = best.final_value / gbest.final_value
        print(f"full grid: best learning_rate={gbest.config['learning_rate']:.4g}, b1={gbest.config['b1']:g}, "
              f"validation loss {gbest.final_value:.5f}; {grid_seconds:.1f} s (compilation included)")
        claims.append((f"validation loss within 5% of the grid's best: ratio {ratio:.4f}", ratio <= 1.05))
        numbers.update(grid_loss=gbest.final_value, ratio=ratio)
    for text, holds in claims:
        print(f"[{'ok' if holds else 'FAILS'}] {text}")
    print(f"{sum(h for _, h in claims)} of {len(claims)} claims agree")
    numbers["claims_hold"] = all(h for _, h in claims)
    if png is not None:
        try:
            plotting.plot_halving(r, title=f"successive halving, η = 3 (seed {seed})", path=png)
            print(f"saved {png}")
        except ImportError:
            print("no plot (matplotlib is not installed)")
    return numbers


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default="sweep_halving.png", help="where to save the rung diagram")
    parser.add_argument("--quick", action="store_true", help="64 rates × 2 β1, 27 epochs")
    parser.add_argument("--no-plot", action="store_true", help="save no figure")
    parser.add_argument("--no-grid", action="store_true", help="skip the full grid (and the claim that needs it)")
    parser.add_argument("--seed", type=int, default=1, help="PRNG seed for data, weights and batches")
    a = parser.parse_args()
    sizes = {"epochs": 27, "num_rates": 64} if a.quick else {}
    out = main(seed=a.seed, grid=not a.no_grid, png=None if a.no_plot else a.png, **sizes)
    sys.exit(0 if out["claims_hold"] else 1)
