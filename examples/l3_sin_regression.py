"""The L3 notebook with ``fit``: a 1-10-20-10-1 ReLU MLP learns y = sin(x) + U(0, 0.8) noise.

Run:  python examples/l3_sin_regression.py [PNG] [--epochs N] [--seed S]

Lecture L3, ALGORITHMS.md §10 example 7: x ∈ [0, 10], 100 training and 100 test points, MSE
loss, minibatches of 16 drawn without replacement, Adam with η = 0.02, 1000 epochs, a progress
bar (when tqdm is installed), then the test MSE next to the noise floor and a plot of the
prediction against the test data (when matplotlib is installed; saved to PNG, default
./l3_sin_regression.png).

The noise floor: the best possible predictor is E[y | x] = sin(x) + 0.4, whose expected
squared error is Var(U(0, 0.8)) = 0.8²/12 ≈ 0.0533. On 100 test points that number itself
scatters by about ±0.005, so the script also prints the Bayes predictor's MSE on the same points.
Initialisation: Xavier/Glorot uniform weights, zero biases (``jaxopt_lectures.init``; the
notebook used torch's default, which behaves alike here).
"""

from __future__ import annotations

import argparse
import importlib.util

import jax
import jax.numpy as jnp

import jaxopt_lectures as jl
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems import sin_regression as sr


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png", nargs="?", default="l3_sin_regression.png", help="where to save the plot")
    parser.add_argument("--epochs", type=int, default=1000, help="training epochs (the notebook: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="PRNG seed for data, weights and batches")
    args = parser.parse_args(argv)

    data_key, init_key, fit_key = jax.random.split(jax.random.key(args.seed), 3)
    train, test = sr.sin_regression_data(data_key, n_train=100, n_test=100)
    params = mlp_init(init_key, sr.LAYER_SIZES, "xavier_uniform")  # 1-10-20-10-1

    params, history = jl.fit(
        sr.mse_loss,
        params,
        train,
        jl.adam(learning_rate=0.02),
        epochs=args.epochs,
        batch_size=16,
        key=fit_key,
        sampling="shuffle",
        validation_data=test,
        progress=importlib.util.find_spec("tqdm") is not None,
    )

    x_test, y_test = test
    test_mse = float(sr.mse_loss(params, test))
    bayes_mse = float(jnp.mean((sr.bayes_predictor(x_test) - y_test) ** 2))
    print(f"epochs {args.epochs}  train MSE {history.train_loss[-1]:.4f}  test MSE {test_mse:.4f}")
    print(f"noise floor 0.8²/12 = {sr.NOISE_FLOOR:.4f}  (Bayes predictor sin(x) + 0.4 on these test points: {bayes_mse:.4f})")
    print(f"test MSE / noise floor = {test_mse / sr.NOISE_FLOOR:.2f}")

    if importlib.util.find_spec("matplotlib") is None:
        print("matplotlib is not installed: no plot")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = jnp.linspace(*sr.X_RANGE, 500)[:, None]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.scatter(x_test[:, 0], y_test[:, 0], s=12, color="tab:gray", label="test data")
    ax.plot(grid[:, 0], sr.mlp_apply(params, grid)[:, 0], color="tab:blue", label=f"MLP (test MSE {test_mse:.4f})")
    ax.plot(grid[:, 0], sr.bayes_predictor(grid)[:, 0], "--", color="tab:orange", label="sin(x) + 0.4")
    ax.set(xlabel="x", ylabel="y", title=f"L3: 1-10-20-10-1 ReLU MLP, Adam η = 0.02, b = 16, {args.epochs} epochs")
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    print(f"saved {args.png}")


if __name__ == "__main__":
    main()
