"""``jaxopt-lectures sweep --pbt``: population-based training on a training problem, as
``sweep_fit(..., pbt=jl.PBT(...))`` with PBT's key ``fold_in(key(--seed), 1)``; bad options exit 2."""

import jax
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import cli
from jaxopt_lectures.problems import get_training_problem
from pngs import png_size
from test_cli_compare_sweep import table_rows


def test_pbt_options_make_the_pbt_settings():
    from jaxopt_lectures.cli import sweep_pbt
    from jaxopt_lectures.cli import build_parser

    args = build_parser().parse_args(["sweep", "--optimizer", "sgd", "--param", "lr=0.1,0.2", "--problem",
                                      "noisy_quadratic_l0", "--pbt", "--pbt-interval", "3", "--pbt-quantile", "0.5",
                                      "--pbt-factors", "0.5,1,2", "--pbt-resample", "0.1", "--seed", "4"])  # fmt: skip
    pbt = sweep_pbt.settings(args, None)
    assert (pbt.interval, pbt.quantile, pbt.factors, pbt.resample_probability) == (3, 0.5, (0.5, 1.0, 2.0), 0.1)
    expected = jax.random.key_data(jax.random.fold_in(jax.random.key(4), 1))  # the minibatches use key(4)
    np.testing.assert_array_equal(jax.random.key_data(pbt.key), expected)


@pytest.mark.slow  # ~5 s: the CLI's factory (a registry entry's make) and the library's each compile PBT's programs
def test_pbt_option_runs_sweep_fit_with_pbt(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "pbt.png"
    args = ["sweep", "--optimizer", "sgd", "--param", "lr=0.001,0.01,0.1,0.3", "--problem", "noisy_quadratic_l0",
            "--epochs", "4", "--pbt", "--pbt-interval", "2", "--pbt-quantile", "0.5", "--seed", "3",
            "--plot", str(png)]  # fmt: skip
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    p = get_training_problem("noisy_quadratic_l0")
    dtype = jax.numpy.result_type(float)  # the CLI's: float64 when the test session enabled x64
    data, _ = p.data(jax.random.key(0), dtype)
    pbt = jl.PBT(interval=2, key=jax.random.fold_in(jax.random.key(3), 1), quantile=0.5)
    r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.001, 0.01, 0.1, 0.3]}, p.loss_fn, p.init_params(None, dtype), data,
                     epochs=4, batch_size=4, key=jax.random.key(3), sampling="replacement", pbt=pbt)  # fmt: skip
    shown = sorted(float(row[1]) for row in table_rows(out, "learning_rate"))  # final losses, 6 digits
    np.testing.assert_allclose(shown, np.sort(r.final_values), rtol=1e-5)
    assert f"PBT schedule of member {r.best().index} (epoch: learning_rate): 0: " in out
    assert "PBT: 2 intervals of 2 epoch(s), 2 copies" in out and "lowest final loss" in out
    assert png_size(png) == (600, 450)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--problem", "rosenbrock", "--pbt"], "--pbt applies to training problems"),
        (["--problem", "noisy_quadratic_l0", "--pbt-interval", "2"], "--pbt-interval is given without --pbt"),
        (["--problem", "noisy_quadratic_l0", "--pbt", "--pbt-quantile", "0.7"], "--pbt-quantile must lie in (0, 0.5]"),
        (["--problem", "noisy_quadratic_l0", "--pbt", "--pbt-factors", "0.8,x"], "--pbt-factors must be numbers"),
        (["--problem", "noisy_quadratic_l0", "--pbt", "--pbt-resample", "2"], "--pbt-resample must lie in [0, 1]"),
        (["--problem", "noisy_quadratic_l0", "--pbt", "--pbt-interval", "9", "--epochs", "4"],
         "PBT interval must be ≤ epochs"),
        (["--problem", "noisy_quadratic_l0", "--pbt", "--param", "lr=0.1"], "population of at least 2"),
    ],
)
def test_pbt_options_are_checked(capsys, extra, words):
    param = [] if "--param" in extra else ["--param", "lr=0.01,0.1"]
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sweep", "--optimizer", "sgd", *param, *extra])
    assert exit_info.value.code == 2 and words in capsys.readouterr().err
