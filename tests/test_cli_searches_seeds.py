"""``jaxopt-lectures sweep --seeds K`` (issue 16 item 6): a training problem's configurations × K seeds."""

import jax
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import cli
from jaxopt_lectures.problems import get_training_problem

from test_cli_compare_sweep import table_rows


@pytest.mark.slow  # L3's MLP compiled for 4 rows: ~3 s
def test_sweep_seeds_prints_the_statistics_over_seeds(capsys, tmp_path):
    png = tmp_path / "seeds.png"
    args = ["sweep", "--optimizer", "adam", "--param", "lr=0.003,0.03", "--problem", "sin_regression",
            "--epochs", "2", "--batch-size", "20", "--seed", "2", "--seeds", "2", "--plot", str(png)]  # fmt: skip
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    p = get_training_problem("sin_regression")
    dtype = jax.numpy.result_type(float)  # the CLI's: float64 when the test session enabled x64
    data, validation = p.data(jax.random.key(0), dtype)
    r = jl.sweep_fit(jl.adam, {"learning_rate": [0.003, 0.03]}, p.loss_fn, None, data, epochs=2, batch_size=20,
                     key=jax.random.key(2), validation_data=validation, seeds=2,
                     init_params=lambda k: p.init_params(k, dtype))  # fmt: skip
    shown = {float(row[0]): [float(v) for v in row[1:5]] for row in table_rows(out, "learning_rate")}
    finals = r.val_values[..., -1]
    for i, lr in enumerate([0.003, 0.03]):  # mean, std, min, max over the seeds, printed with 6 digits
        expected = [finals[i].mean(), finals[i].std(), finals[i].min(), finals[i].max()]
        assert shown[lr] == pytest.approx(expected, rel=1e-5)
    assert f"best: learning_rate={r.best().config['learning_rate']:g}" in out and "2 seeds fold_in(key(2), s)" in out
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        pass
    else:
        assert png.exists()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--problem", "sin_regression", "--seeds", "0"], "--seeds must be ≥ 1, got 0"),
        (["--problem", "rosenbrock", "--seeds", "2"], "--seeds applies to training problems"),
    ],
)
def test_sweep_seeds_option_is_checked(capsys, extra, words):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sweep", "--optimizer", "adam", "--param", "lr=0.01", *extra])
    assert exit_info.value.code == 2 and words in capsys.readouterr().err
