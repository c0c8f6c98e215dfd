"""Population-based training vs the grid at equal compute: final loss and wall time (issue 16, item 7).

Two problems, float32, 16 configurations each; PBT's population starts from the grid's rows and
trains on the same minibatches, so both spend 16 × E epochs (the same configuration-steps, printed):

* **L0 noisy quadratic** (``problems.noisy_quadratic``, the acceptance test's problem): SGD,
  rates geomspace(1e-3, 0.4, 16), 64 epochs of 16 minibatches of 4 (``sampling="replacement"``);
  PBT every epoch (64 intervals), quantile 0.25, factors 0.8 / 1.25. Loss = f − f* on all data.
  The hand-tuned decay 0.06 (t + 1)^(−½) (one ``fit``) is printed for reference.
* **L3 sin regression** (``problems.sin_regression``: the 1-10-20-10-1 ReLU MLP, 100 training and
  100 validation points): Adam, rates geomspace(1e-4, 0.3, 16), the notebook's 1000 epochs of
  batch 16 (6 steps; ``--quick``: 200), PBT every 50 epochs (``--quick``: 10), so 20 intervals,
  ranked by validation MSE. Loss = validation MSE (the noise floor is 0.8²/12 = 0.053).

Per problem and seed: the grid's best and PBT's best final loss and their ratio; wall time of each
``sweep_fit`` call end to end (the median of ``--repeats`` calls after a first, compiling one),
and PBT's cost per interval over the grid's, (PBT − grid) ÷ intervals: the host round trip of a
segment (carries to the device and back, the ranking and copies in NumPy), the price of deciding
between epochs.

Measured here (2 cores shared with other jobs, load average 7–10; 5 seeds, median of 5 calls):

* L0 noisy quadratic: PBT's best excess loss ÷ the grid's best: median 0.23, worst 0.43 (the decay:
  0.48–0.65×); the grid takes 4–12 ms, PBT 64–300 ms (18–66×): 64 intervals of 16 SGD steps on a
  32-parameter model cost 1–4.5 ms each in host round trips, while the grid's whole run is one program.
* L3 sin regression: validation MSE ratio median 0.93, worst 1.01 (0.057–0.45 vs 0.060–0.45);
  grid 1.0–1.6 s, PBT 1.0–2.0 s (0.6–2.0×, the difference within the machine's noise): 20 intervals
  of 50 epochs, so the round trips are a small part.

PBT pays where an interval is long next to its round trip (a few milliseconds for small carries);
on toy models with an exploit every 16 steps the grid's single program is 20–60× faster, PBT's
schedule several times better.

    cd benchmarks && python bench_sweep_pbt.py --quick    # 2 seeds, L3 at 200 epochs, 3 repeats
    cd benchmarks && python bench_sweep_pbt.py            # 5 seeds, 5 repeats
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np

import jaxopt_lectures as jl
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems import noisy_quadratic as nq
from jaxopt_lectures.problems.sin_regression import LAYER_SIZES, mse_loss, sin_regression_data


def timed(call, repeats):
    out = call()  # compiles
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = call()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def noisy_quadratic(seed, repeats, _quick):
    kd, kb, kp = jax.random.split(jax.random.key(seed), 3)
    loss_fn, x0, data, f_star = nq.noisy_quadratic_l0(kd)
    kw = {"epochs": nq.EPOCHS, "batch_size": nq.BATCH_SIZE, "key": kb, "sampling": nq.SAMPLING}
    grid = {"learning_rate": np.asarray(nq.CONSTANT_RATES)}
    g, tg = timed(lambda: jl.sweep_fit(jl.sgd, grid, loss_fn, x0, data, **kw), repeats)
    pbt = jl.PBT(interval=1, key=kp)
    p, tp = timed(lambda: jl.sweep_fit(jl.sgd, grid, loss_fn, x0, data, pbt=pbt, **kw), repeats)
    _, decay = jl.fit(loss_fn, x0, data, jl.sgd(jl.schedules.polynomial_decay(**nq.DECAY)), **kw)
    extra = f"decay {decay.train_loss[-1] - f_star:.3g}"
    return g.best().final_value - f_star, p.best().final_value - f_star, tg, tp, nq.EPOCHS, g, extra


def sin_regression(seed, repeats, quick):
    (x, y), (xv, yv) = sin_regression_data(jax.random.key(seed))
    params = mlp_init(jax.random.key(seed + 1000), LAYER_SIZES, "relu_uniform")
    epochs, interval = (200, 10) if quick else (1000, 50)
    kw = {"epochs": epochs, "batch_size": 16, "key": jax.random.key(seed + 2000), "validation_data": (xv, yv)}
    grid = {"learning_rate": np.geomspace(1e-4, 0.3, 16)}
    g, tg = timed(lambda: jl.sweep_fit(jl.adam, grid, mse_loss, params, (x, y), **kw), repeats)
    pbt = jl.PBT(interval=interval, key=jax.random.key(seed + 3000))
    p, tp = timed(lambda: jl.sweep_fit(jl.adam, grid, mse_loss, params, (x, y), pbt=pbt, **kw), repeats)
    extra = f"best η: grid {g.best().config['learning_rate']:.3g}, PBT's last {p.best().config['learning_rate']:.3g}"
    return g.best().final_value, p.best().final_value, tg, tp, epochs // interval, g, extra


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per contender (median reported)")
    parser.add_argument("--quick", action="store_true", help="2 seeds, 3 repeats, L3 at 200 epochs")
    args = parser.parse_args(argv)
    seeds, repeats = (2, 3) if args.quick else (args.seeds, args.repeats)
    print(f"jax {jax.__version__}, {jax.devices()[0].platform}, float32 ({jnp.zeros(()).dtype}); "
          f"median of {repeats} calls after a compiling one")  # fmt: skip
    header = (f"{'problem':22} {'seed':>4} {'grid best':>10} {'PBT best':>10} {'PBT/grid':>8} {'grid s':>7} "
              f"{'PBT s':>7} {'PBT/grid':>8} {'ms/intv':>8} {'config-steps':>12}  note")  # fmt: skip
    print(header)
    for name, run in (("L0 noisy quadratic", noisy_quadratic), ("L3 sin regression", sin_regression)):
        ratios = []
        for seed in range(seeds):
            lg, lp, tg, tp, intervals, g, extra = run(seed, repeats, args.quick)
            steps = int(np.sum(g.num_grad_evals))  # each row: one gradient per step
            ratios.append(lp / lg)
            print(f"{name:22} {seed:>4} {lg:>10.4g} {lp:>10.4g} {lp / lg:>8.3f} {tg:>7.3f} {tp:>7.3f} {tp / tg:>8.1f} "
                  f"{1e3 * (tp - tg) / intervals:>8.2f} {steps:>12}  {extra}")  # fmt: skip
        print(f"{name:22} PBT best / grid best: median {np.median(ratios):.3f}, worst {np.max(ratios):.3f}")


if __name__ == "__main__":
    main()
