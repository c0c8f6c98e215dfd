"""``jaxopt-lectures sweep --halving ETA [--rungs ...]`` on L3's sin regression: ``sweep_fit(..., halving=ETA)``."""

import jax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import cli, registry
from jaxopt_lectures.problems import get_training_problem

from test_cli_compare_sweep import EXPECTED_PNG, table_rows
from pngs import png_size


def test_sweep_halving_passes_its_options_and_reports_the_rungs(capsys, monkeypatch):
    """The wiring, without training: sweep_fit is replaced by one returning a result built of arrays."""
    from test_plotting_halving import a_halving_result

    seen = {}

    def fake_sweep_fit(*args, **kwargs):
        seen.update(kwargs)
        return a_halving_result()

    monkeypatch.setattr(jl.sweeps, "sweep_fit", fake_sweep_fit)
    args = ["sweep", "--optimizer", "adam", "--param", "lr=0.01:1:6:log", "--problem", "sin_regression",
            "--epochs", "4", "--halving", "2", "--rungs", "1,2"]  # fmt: skip
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert seen["halving"] == 2.0 and seen["rungs"] == [1, 2] and seen["epochs"] == 4
    rows = table_rows(out, "learning_rate")
    assert [int(row[1]) for row in rows] == [4, 4, 2, 1, 1, 1] and rows[0][-1] == "best"
    # the fake result's counts: 13 epochs run × its 2 steps an epoch, of 6 configurations × 4 epochs × 2
    assert "successive halving, η = 2: 6 to epoch 1, 3 to epoch 2, 2 to epoch 4; 26 of the grid's 48" in out


@pytest.mark.slow
def test_sweep_halving_is_sweep_fit_with_halving(capsys, tmp_path):
    rates = [0.001, 0.003, 0.01, 0.03]
    args = ["sweep", "--optimizer", "adam", "--param", "lr=" + ",".join(map(str, rates)), "--problem",
            "sin_regression", "--epochs", "3", "--batch-size", "50", "--halving", "2", "--rungs", "1",
            "--plot", str(tmp_path / "rungs.png")]  # fmt: skip
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    p = get_training_problem("sin_regression")
    dtype = jax.numpy.result_type(float)  # the CLI's: float64 when the test session enabled x64
    data, validation = p.data(jax.random.key(0), dtype)
    params = p.init_params(jax.random.key(1), dtype)
    adam = registry.get("adam").make  # the CLI's factory: its compiled programs are reused
    r = jl.sweep_fit(adam, {"learning_rate": rates}, p.loss_fn, params, data, epochs=3, batch_size=50,
                     key=jax.random.key(0), validation_data=validation, halving=2, rungs=[1])  # fmt: skip
    assert r.rung_sizes == [4, 2]
    rows = table_rows(out, "learning_rate")  # learning_rate, epochs, last loss, last val loss, diverged, [best]
    shown = {float(row[0]): int(row[1]) for row in rows}
    assert shown == {lr: int(e) for lr, e in zip(rates, r.stopped_epoch)}
    assert rows[0][-1] == "best" and float(rows[0][0]) == r.best().config["learning_rate"]
    assert float(rows[0][3]) == pytest.approx(r.best().final_value, rel=1e-5)  # 6 significant digits
    steps = 100 // 50
    assert (f"successive halving, η = 2: 4 to epoch 1, 2 to epoch 3; {(4 + 2 * 2) * steps} of the grid's "
            f"{4 * 3 * steps} configuration-steps") in out  # fmt: skip
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    assert png_size(tmp_path / "rungs.png") == EXPECTED_PNG
