"""Random search against a grid of the same size: Adam's learning rate and β1 on L3's sin-regression MLP.

Run:  python examples/sweep_random_search.py [PNG] [--quick] [--no-plot] [--samples N] [--epochs E]

Bergstra & Bengio (JMLR 2012): when few of the hyperparameters matter, N random configurations try
N distinct values of each, where a grid of N points tries only N^(1/d) — here, d = 2, a 4 × 4 grid
tries 4 learning rates and 4 β1, 16 draws of ``log_uniform(1e-3, 1e-1)`` × ``uniform(0.5, 0.99)``
try 16 of each. Both run as one compiled ``sweep_fit`` on L3's network (ALGORITHMS.md §10.7,
minibatches of 16, validation on the test split); the table lists the best of each, and the figure
(default ./sweep_random_search.png) the final validation loss of every draw against its learning
rate.

Claims checked (exit status 1 if one fails): the draws are reproducible (the same ``sample_key``
gives the same configurations, another key others); random search tries N distinct learning rates
where the grid tries √N; the draws lie in the distributions' ranges.
"""

import argparse
import sys

import jax
import numpy as np

import jaxopt_lectures as jl
from jaxopt_lectures.problems import get_training_problem


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default="sweep_random_search.png", help="where to save the figure")
    parser.add_argument("--quick", action="store_true", help="20 epochs instead of 100")
    parser.add_argument("--no-plot", action="store_true", help="no figure")
    parser.add_argument("--samples", type=int, default=16, help="random draws; the grid has as many points (a square)")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default 100, --quick 20)")
    args = parser.parse_args(argv)
    epochs = args.epochs or (20 if args.quick else 100)
    side = int(round(args.samples**0.5))
    if side * side != args.samples or side < 2:
        parser.error(f"--samples must be a square ≥ 4 (the grid is √N × √N); got {args.samples}")
    p = get_training_problem("sin_regression")
    data, validation = p.data(jax.random.key(0))
    params = p.init_params(jax.random.key(1))
    common = dict(epochs=epochs, batch_size=p.batch_size, key=jax.random.key(2), validation_data=validation)

    space = {"learning_rate": jl.log_uniform(1e-3, 1e-1), "b1": jl.uniform(0.5, 0.99)}
    random = jl.sweep_fit(jl.adam, space, p.loss_fn, params, data, samples=args.samples,
                          sample_key=jax.random.key(0), **common)  # fmt: skip
    grid = {"learning_rate": np.geomspace(1e-3, 1e-1, side), "b1": np.linspace(0.5, 0.99, side)}
    full = jl.sweep_fit(jl.adam, grid, p.loss_fn, params, data, **common)
    print(f"Adam on L3's MLP, {epochs} epochs: {args.samples} random draws against a {side} × {side} grid "
          f"(final validation MSE; noise floor {p.loss_floor:.4f})\n")
    for name, r in (("random search", random), ("grid", full)):
        b = r.best()
        print(f"{name:13}: best learning_rate={b.config['learning_rate']:.4g}, b1={b.config['b1']:.3f} → "
              f"{b.final_value:.4f}; {len(np.unique(r.configs['learning_rate']))} distinct learning rates, "
              f"{len(np.unique(r.configs['b1']))} distinct b1")

    again = jl.sample_grid(space, args.samples, jax.random.key(0))
    other = jl.sample_grid(space, args.samples, jax.random.key(1))
    lr = random.configs["learning_rate"]
    claims = [
        ("the same sample_key draws the same configurations",
         all(np.array_equal(again[k], random.configs[k]) for k in space)),
        ("another sample_key draws others", not np.array_equal(other["learning_rate"], lr)),
        (f"random search tries {args.samples} learning rates, the grid {side}",
         len(np.unique(lr)) == args.samples and len(np.unique(full.configs["learning_rate"])) == side),
        ("the draws lie in [1e-3, 1e-1) × [0.5, 0.99)",
         bool(np.all((lr >= 1e-3) & (lr < 1e-1)) and np.all((random.configs["b1"] >= 0.5)
                                                            & (random.configs["b1"] < 0.99)))),
    ]  # fmt: skip
    print()
    for text, ok in claims:
        print(f"{'agrees' if ok else 'FAILS '}  {text}")
    print(f"{sum(ok for _, ok in claims)} of {len(claims)} claims agree")

    if not args.no_plot:
        try:
            from jaxopt_lectures import plotting

            plotting.plot_sweep(random, x="learning_rate", title=f"Adam on L3's MLP: {args.samples} random draws",
                                path=args.png)  # fmt: skip
            print(f"saved {args.png}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install 'jaxopt-lectures[plot]')")
    return 0 if all(ok for _, ok in claims) else 1


if __name__ == "__main__":
    sys.exit(main())
