"""L3's notebook: a 1-10-20-10-1 ReLU MLP learns y = sin(x) + U(0, 0.8) noise (§10.7).

Run:  python examples/l3_sin_regression.py [PNG] [--quick] [--no-plot] [--epochs N] [--seed S] [--progress]

100 training and 100 test points on [0, 10], MSE, minibatches of 16 without replacement, Adam
η = 0.02, 1000 epochs with ``fit`` (a progress bar with ``--progress``); the test MSE is compared with the
noise floor 0.8²/12 ≈ 0.0533, the error of the best possible predictor sin(x) + 0.4. The figure
shows the prediction against the test data and the loss per epoch.

It prints each claim of the lecture next to the computed value and saves the figure (default
./l3_sin_regression.png); the exit status is 1 if a claim does not hold. The code is the ``l3_sin_regression`` entry of
``jaxopt_lectures/figures/l3.py``; ``jaxopt-lectures tour`` runs it with every other figure.
"""

import sys

from jaxopt_lectures.figures import example_main


def add_arguments(parser):
    parser.add_argument("--epochs", type=int, default=1000, help="training epochs (the notebook: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="PRNG seed for data, weights and batches")
    parser.add_argument("--progress", action="store_true", help="a tqdm progress bar over the epochs")

if __name__ == "__main__":
    sys.exit(example_main("l3_sin_regression", add_arguments=add_arguments))
