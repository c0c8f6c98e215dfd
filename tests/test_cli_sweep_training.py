"""``jaxopt-lectures sweep`` on a training problem: ``sweep_fit`` on L3's sin regression, ranked by validation loss."""

import jax
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import cli
from jaxopt_lectures.problems import get_training_problem

from test_cli_compare_sweep import table_rows


def test_sweep_training_problem_is_sweep_fit_ranked_by_validation(capsys):
    args = ["sweep", "--optimizer", "adam", "--param", "lr=0.003,0.03", "--problem", "sin_regression",
            "--epochs", "3", "--batch-size", "20", "--seed", "2"]  # fmt: skip
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    rows = table_rows(out, "learning_rate")
    p = get_training_problem("sin_regression")
    dtype = jax.numpy.result_type(float)  # the CLI's: float64 when the test session enabled x64
    data, validation = p.data(jax.random.key(0), dtype)
    params = p.init_params(jax.random.key(1), dtype)
    r = jl.sweep_fit(jl.adam, {"learning_rate": [0.003, 0.03]}, p.loss_fn, params, data,
                     epochs=3, batch_size=20, key=jax.random.key(2), validation_data=validation)  # fmt: skip
    shown = {float(row[0]): float(row[2]) for row in rows}  # learning rate → final validation loss (6 digits)
    for i, lr in enumerate([0.003, 0.03]):
        assert shown[lr] == pytest.approx(r.val_values[i, -1], rel=1e-5)  # printed with 6 significant digits
    assert f"best: learning_rate={r.best().config['learning_rate']:g}" in out
    assert f"3 epochs of batches of 20 from seed 2, {dtype.name}" in out and np.all(~r.diverged)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--problem", "sin_regression", "--steps", "5"], "--steps applies to function problems"),
        (["--problem", "rosenbrock", "--epochs", "5"], "--epochs applies to training problems"),
        (["--problem", "sin_regression", "--batch-size", "0"], "--batch-size must be ≥ 1"),
    ],
)
def test_sweep_training_options_are_checked(capsys, extra, words):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sweep", "--optimizer", "adam", "--param", "lr=0.01", *extra])
    assert exit_info.value.code == 2 and words in capsys.readouterr().err
