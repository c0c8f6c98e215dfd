"""Several seeds per configuration: L3's sin-regression MLP, 5 Adam learning rates × 8 seeds, one program.

Run:  python examples/sweep_seeds.py [PNG] [--quick] [--no-plot] [--seeds K] [--epochs N]

L3's 1-10-20-10-1 ReLU network on 100 noisy points of sin(x) + U(0, 0.8) (ALGORITHMS.md §10.7),
minibatches of 16, trained with Adam at five learning rates. One run per rate says little: the
test loss moves with the initial weights and the minibatch order. ``sweep_fit(..., seeds=8,
init_params=...)`` runs every rate with 8 PRNG streams — 40 rows of one compiled program —
and keeps each seed's curve: the table gives the mean, standard deviation, min and max over seeds
of the final test loss, ``best()`` ranks by the mean (or the median, or the worst seed), and the
figure (default ./sweep_seeds.png) shows each rate's mean test loss per epoch with a ±1 standard
deviation band.

It checks the contract it relies on — seed s of a rate is ``fit`` with the key
``jax.random.fold_in(key, s)`` and ``init_params`` of it (to float32 rounding: the network's matrix
products are batched over the rows) — and exits with status 1 if that fails.
"""

import argparse
import sys

import jax
import numpy as np

import jaxopt_lectures as jl
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems import sin_regression as sr

RATES = [0.001, 0.003, 0.01, 0.03, 0.1]


def init_params(key):
    """L3's network with Xavier-uniform weights, drawn from the seed's key."""
    return mlp_init(jax.random.split(key)[0], sr.LAYER_SIZES, "xavier_uniform")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default="sweep_seeds.png", help="where to save the figure")
    parser.add_argument("--quick", action="store_true", help="60 epochs instead of 300")
    parser.add_argument("--no-plot", action="store_true", help="no figure")
    parser.add_argument("--seeds", type=int, default=8, help="seeds per learning rate (default 8)")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default 300, --quick 60)")
    args = parser.parse_args(argv)
    epochs = args.epochs or (60 if args.quick else 300)
    data_key, key = jax.random.split(jax.random.key(0))
    train, test = sr.sin_regression_data(data_key, n_train=100, n_test=100)

    r = jl.sweep_fit(jl.adam, {"learning_rate": RATES}, sr.mse_loss, None, train, epochs=epochs, batch_size=16,
                     key=key, seeds=args.seeds, init_params=init_params, validation_data=test)  # fmt: skip
    print(f"Adam on L3's MLP: {len(RATES)} learning rates × {r.seeds} seeds, {epochs} epochs, one program "
          f"({r.num_programs} compiled group); final test MSE over seeds (noise floor {sr.NOISE_FLOOR:.4f}):\n")
    print(r.table())
    by = {stat: r.best(stat) for stat in ("mean", "median", "max")}
    for stat, b in by.items():
        eta = b.config["learning_rate"]
        print(f"best by the {stat:6} final test MSE over seeds: η = {eta:g} ({b.final_value:.4f})")
    finals = r.val_values[..., -1]
    c, s = np.unravel_index(np.nanargmin(np.where(r.diverged, np.nan, finals)), finals.shape)
    print(f"the single best run: η = {RATES[c]:g}, seed {s} ({finals[c, s]:.4f}); its rate's mean is "
          f"{r.mean('val', final=True)[c]:.4f} ± {r.std('val', final=True)[c]:.4f}")

    # the contract: seed s of a configuration is fit with the seed's key — bitwise for elementwise
    # models; this one multiplies matrices, and the vmapped program's batched products may sum in
    # another order: float32 rounding (1e-7) that training carries to ~1e-4 relative by epoch 300
    c, s = by["mean"].index, r.seeds - 1
    params, history = jl.fit(sr.mse_loss, init_params(r.seed_key(s)), train, jl.adam(RATES[c]), epochs=epochs,
                             batch_size=16, key=r.seed_key(s), validation_data=test)  # fmt: skip
    gap = float(np.max(np.abs(history.val_loss - r.val_values[c, s]) / history.val_loss))
    same = gap <= 1e-3
    print(f"\nseed {s} of η = {RATES[c]:g} is jl.fit with key fold_in(key, {s}) and init_params of it: "
          f"largest relative gap in the test curve {gap:.1e} (≤ 1e-3: {same})")

    if not args.no_plot:
        try:
            from jaxopt_lectures import plotting

            plotting.plot_seeds(r, on="val", title=f"L3 MLP, Adam: test MSE over {r.seeds} seeds (mean ± std)",
                                path=args.png)  # fmt: skip
            print(f"saved {args.png}")
        except ImportError:
            print("no plot (matplotlib is not installed)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
