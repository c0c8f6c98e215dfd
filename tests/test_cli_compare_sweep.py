"""``jaxopt-lectures compare`` and ``jaxopt-lectures sweep``: subprocess runs with exit codes and the
numbers they print (checked against known answers), argument errors in-process (they exit before
anything compiles)."""

import math
import re
import subprocess
import sys

import pytest
from hang_guard import HANG_GUARD_SECONDS
from pngs import png_size

from jaxopt_lectures import cli, plotting, registry
from jaxopt_lectures.cli.sweep import parse_param, parse_sample
from jaxopt_lectures.problems import PROBLEMS


def run_cli(*args, timeout=HANG_GUARD_SECONDS):
    return subprocess.run(
        [sys.executable, "-m", "jaxopt_lectures", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def table_rows(stdout, first_column):
    """The rows of the first text table in ``stdout`` (header starting with ``first_column``), split."""
    lines = stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(first_column))
    assert set(lines[start + 1]) <= {"-", " "}, lines[start + 1]
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip() or line.startswith("…"):
            break
        rows.append(line.split())
    return rows


EXPECTED_PNG = (round(plotting.FIGSIZE[0] * plotting.DPI), round(plotting.FIGSIZE[1] * plotting.DPI))


# ----------------------------------------------------------------------------------------------
# compare
# ----------------------------------------------------------------------------------------------


def test_compare_prints_one_row_per_optimizer_with_known_numbers():
    proc = run_cli("compare", "--problem", "quadratic_l0", "--optimizers", "sgd,adam,lbfgs", "--progress")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].split() == ["optimizer", "steps", "final", "f", "f", "−", "f*", "‖∇f‖", "stop", "reason"]
    rows = {r[0]: r for r in table_rows(proc.stdout, "optimizer")}
    assert list(rows) == ["sgd", "adam", "lbfgs"]
    for name, (_, steps, final, gap, gnorm, reason) in rows.items():
        assert 1 <= int(steps) <= 1000, name
        assert all(math.isfinite(float(x)) for x in (final, gap, gnorm)), name
        assert float(gap) == pytest.approx(float(final) - PROBLEMS["quadratic_l0"].f_star, rel=1e-3, abs=1e-12)
        assert reason in ("gtol", "max_steps"), name
    # GD at η = 0.1 on 0.1 x1² + 2 x2² from (−5, −2): ∇f = (0.2 x1, 4 x2) shrinks by 0.98 per step in x1,
    # so ‖∇f‖ ≤ 1e-6 first after k = ⌈ln(1e-6) / ln 0.98⌉ = 684 steps.
    assert rows["sgd"][1] == "684" and rows["sgd"][5] == "gtol"
    assert float(rows["sgd"][4]) <= 1e-6
    # L-BFGS solves a 2-D quadratic in a handful of steps; Adam at its default rate does not reach gtol.
    assert rows["lbfgs"][5] == "gtol" and int(rows["lbfgs"][1]) <= 20
    assert float(rows["lbfgs"][4]) <= 1e-6 and abs(float(rows["lbfgs"][3])) <= 1e-10
    assert rows["adam"][5] == "max_steps" and rows["adam"][1] == "1000"
    assert "gtol = 1e-06" in proc.stdout and "float32" in proc.stdout
    assert "[3/3] quadratic_l0: lbfgs" in proc.stderr  # --progress forces it on a pipe


def test_compare_least_squares_optimizer_runs_on_the_residuals_and_lr_overrides():
    proc = run_cli(
        "compare", "--problem", "exponential_fit", "--optimizers", "levenberg_marquardt,sgd", "--lr", "0.001",
        "--steps", "300", "--x64", "--no-progress",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    rows = {r[0]: r for r in table_rows(proc.stdout, "optimizer")}
    lm, sgd = rows["levenberg_marquardt"], rows["sgd"]
    # float64: LM reaches the catalogue's f* (MGH-style exponential fit) to rounding in a few steps
    assert lm[5] == "gtol" and int(lm[1]) <= 20 and abs(float(lm[3])) <= 1e-12 and float(lm[4]) <= 1e-6
    assert float(lm[2]) == pytest.approx(PROBLEMS["exponential_fit"].f_star, rel=1e-8)
    assert "float64" in proc.stdout
    assert sgd[1] == "300" and sgd[5] == "max_steps" and float(sgd[3]) > 1e-3  # η = 0.001 is slow
    assert "learning rate 0.001" in proc.stdout
    assert "--lr does not apply to levenberg_marquardt" in proc.stdout
    assert "levenberg_marquardt: least_squares on the residuals" in proc.stdout


def test_compare_shows_divergence_in_process(capsys):
    # L0 (§10.5): on 0.1 x1² + 2 x2² (λmax = 4) GD diverges for η > 2/4; heavy ball with β = 0.9 is
    # stable up to η < 2(1 + β)/λmax = 0.95, so at η = 0.6 momentum converges and GD does not: its x2
    # grows by |1 − 0.6·4| = 1.4 per step until f overflows (in float64, as the tests run in-process).
    args = ["compare", "--problem", "quadratic_l0", "--optimizers", "sgd,momentum", "--lr", "0.6", "--steps", "2000"]
    assert cli.main(args) == 0
    rows = {r[0]: r for r in table_rows(capsys.readouterr().out, "optimizer")}
    assert rows["sgd"][5] == "diverged" and int(rows["sgd"][1]) < 2000
    assert rows["momentum"][5] == "gtol" and float(rows["momentum"][3]) <= 1e-10


def test_compare_runs_a_variant_by_name(capsys):
    # ε inside the root, √(v̂ + ε) (L0 alg. 6), against Kingma & Ba's √v̂ + ε: the two differ only where
    # v̂ is not ≫ ε. On tanh_saturated's plateau (f′(4) ≈ 1.3e-3, so v̂ ≈ 1.7e-6) √(v̂ + 1e-8) exceeds
    # √v̂ by ≈ 0.3 %: the steps are that much shorter and f after 300 steps is higher, by far more than
    # float64 rounding. adam:kingma_ba is the registry defaults: the very same run as plain adam.
    args = ["compare", "--problem", "tanh_saturated", "--optimizers", "adam,adam:eps_in_sqrt,adam:kingma_ba",
            "--steps", "300", "--gtol", "0"]  # fmt: skip
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    rows = {r[0]: r for r in table_rows(out, "optimizer")}
    assert list(rows) == ["adam", "adam:eps_in_sqrt", "adam:kingma_ba"]
    plain, in_sqrt = float(rows["adam"][2]), float(rows["adam:eps_in_sqrt"][2])
    assert 1e-3 < (in_sqrt - plain) / plain < 3e-2, (plain, in_sqrt)
    assert rows["adam:kingma_ba"][1:] == rows["adam"][1:]
    assert "NAME:VARIANT: the variant's keyword arguments" in out


@pytest.mark.parametrize("problem", ["quadratic_l0", "separable_quadratic_l0"])  # trajectories (2-D), loss curves
def test_compare_plot_writes_a_png_of_the_figure_size(problem, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "compare.png"
    proc = run_cli("compare", "--problem", problem, "--optimizers", "sgd,momentum", "--steps", "50", "--plot", str(path))
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {path}" in proc.stdout
    assert png_size(path) == EXPECTED_PNG


def test_unknown_optimizer_in_a_subprocess_exits_2_listing_the_valid_ones():
    proc = run_cli("compare", "--problem", "beale", "--optimizers", "sgd,adamm")
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "adamm" in proc.stderr and "valid: sgd, momentum" in proc.stderr and proc.stdout == ""


# ----------------------------------------------------------------------------------------------
# sweep
# ----------------------------------------------------------------------------------------------


def test_sweep_gd_diverges_exactly_above_a_quarter():
    # ALGORITHMS.md §10.2: GD on 3x² + 2y² + 4z² + 6 diverges for η > 2/λmax = 1/4, fastest at 1/6.
    proc = run_cli(
        "sweep", "--optimizer", "sgd", "--param", "lr=0.01:0.3:8", "--problem", "separable_quadratic_l0",
        "--steps", "200", "--no-progress",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = table_rows(proc.stdout, "learning_rate")
    lrs = [float(r[0]) for r in rows]
    assert sorted(lrs) == pytest.approx([0.01 + 0.29 * i / 7 for i in range(8)], rel=1e-3)
    diverged = {float(r[0]) for r in rows if r[2] == "yes"}
    assert {r[2] for r in rows} == {"yes", "no"}
    assert diverged == {lr for lr in lrs if lr > 0.25} and len(diverged) == 2
    for r in rows:
        if r[2] == "no":
            assert float(r[1]) == pytest.approx(6.0, abs=1e-5)
    assert "diverged: 2 of 8 configurations" in proc.stdout
    # the grid point nearest 1/6 (0.1757) reaches f − 6 ≤ 1e-6 in the fewest steps
    assert re.search(r"fastest to f − f\* ≤ 1e-06: learning_rate=0\.1757\d* \(\d+ steps\)", proc.stdout), proc.stdout
    assert re.search(r"^best: learning_rate=", proc.stdout, re.MULTILINE)


def test_sweep_two_parameters_heatmap_and_the_momentum_answer(tmp_path):
    pytest.importorskip("matplotlib")
    # L0 (§10.5): on 0.1 x1² + 2 x2², GD at η = 0.6 diverges; β = 0.5 rescues it and is the best run.
    path = tmp_path / "heatmap.png"
    proc = run_cli(
        "sweep", "--optimizer", "momentum", "--param", "lr=0.2,0.4,0.6", "--param", "beta=0,0.5",
        "--problem", "quadratic_l0", "--steps", "20", "--plot", str(path),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = table_rows(proc.stdout, "learning_rate")
    assert len(rows) == 6
    assert {(float(r[0]), float(r[1])) for r in rows if r[3] == "yes"} == {(0.6, 0.0)}
    assert rows[0][:2] == ["0.6", "0.5"] and rows[0][-1] == "best"
    assert "best: learning_rate=0.6, beta=0.5" in proc.stdout
    assert f"wrote {path}" in proc.stdout and png_size(path) == EXPECTED_PNG


def test_sweep_words_only_zip_and_top_in_process(capsys):
    # Only untraceable values (strings): one compiled program per variant.
    args = ["sweep", "--optimizer", "rprop", "--param", "variant=rprop-,irprop+", "--problem", "beale", "--steps", "300"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    rows = table_rows(out, "variant")
    assert sorted(r[0] for r in rows) == ["irprop+", "rprop-"]
    assert all(r[2] == "no" and float(r[1]) < 1e-6 for r in rows)  # Beale: f* = 0
    assert "2 compiled program(s)" in out and "_axis" not in out
    # --zip pairs the values (3 configurations, not 9); --top prints the best ones only.
    args = ["sweep", "--optimizer", "momentum", "--param", "lr=0.1,0.2,0.3", "--param", "beta=0.5,0.6,0.7",
            "--zip", "--top", "2", "--problem", "quadratic_l0", "--steps", "50"]  # fmt: skip
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert len(table_rows(out, "learning_rate")) == 2
    assert "… 1 more" in out and "of 3 configurations" in out


def test_sweep_sample_draws_the_library_s_configurations_in_process(capsys):
    """--sample: random search (Bergstra & Bengio 2012); the rows are jl.sample_grid's draws from
    jax.random.key(--seed), combined with --param by their product, one compiled program."""
    import jax
    import numpy as np

    import jaxopt_lectures as jl

    base = ["sweep", "--optimizer", "momentum", "--problem", "quadratic_l0", "--steps", "20",
            "--sample", "lr=log_uniform:1e-3:0.2", "--param", "beta=0,0.5", "--samples", "4"]  # fmt: skip
    assert cli.main([*base, "--seed", "3"]) == 0
    out = capsys.readouterr().out
    rows = table_rows(out, "beta")  # the --param columns first, then the --sample ones
    assert len(rows) == 8 and "1 compiled program(s)" in out and "4 draws of lr=log_uniform:1e-3:0.2 from seed 3" in out
    expected = jl.sample_grid({"learning_rate": jl.log_uniform(1e-3, 0.2), "beta": [0.0, 0.5]}, 4, jax.random.key(3))
    shown = sorted((float(r[1]), float(r[0])) for r in rows)  # the table prints 4 significant digits
    want = sorted(zip(expected["learning_rate"].tolist(), expected["beta"].tolist(), strict=True))
    np.testing.assert_allclose(np.array(shown), np.array(want), rtol=1e-3)  # 4 digits: relative error < 5e-4
    # seed 3's draws, not the default seed 0's: --seed reaches the key
    default = jl.sample_grid({"learning_rate": jl.log_uniform(1e-3, 0.2)}, 4, jax.random.key(0))["learning_rate"]
    rates = expected["learning_rate"][::2]  # the 4 draws (each beside both betas)
    assert np.min(np.abs(np.subtract.outer(default, rates)) / rates) > 1e-3  # the shown digits tell them apart
    assert parse_sample("form=choice:classic,ema", registry.get("momentum").parameters)[1] == jl.choice(["classic", "ema"])


# ----------------------------------------------------------------------------------------------
# --param specs
# ----------------------------------------------------------------------------------------------


def test_parse_param_forms():
    valid = registry.get("rprop").parameters  # the factory's keyword arguments → default (the registry's first)
    assert parse_param("lr=1e-4:1:5:log", valid) == ("learning_rate", pytest.approx([1e-4, 1e-3, 1e-2, 1e-1, 1.0]))
    assert parse_param("lr=0:1:3", valid) == ("learning_rate", [0.0, 0.5, 1.0])
    assert parse_param("learning_rate=0.5:0.5:1:lin", valid) == ("learning_rate", [0.5])
    assert parse_param("eta_plus=1,2", valid) == ("eta_plus", [1.0, 2.0])  # float default: floats
    assert parse_param("variant=rprop-,irprop+", valid) == ("variant", ["rprop-", "irprop+"])
    lbfgs = registry.get("lbfgs").parameters
    assert parse_param("memory_size=5:20:4", lbfgs) == ("memory_size", [5, 10, 15, 20])  # int default: ints
    assert parse_param("line_search=none,wolfe", lbfgs) == ("line_search", [None, "wolfe"])
    adam = registry.get("adam").parameters
    assert parse_param("bias_correction=true,False", adam) == ("bias_correction", [True, False])


# ----------------------------------------------------------------------------------------------
# Argument errors: status 2 and the valid choices in the message
# ----------------------------------------------------------------------------------------------

SWEEP = ["sweep", "--optimizer", "sgd", "--problem", "separable_quadratic_l0"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["compare", "--problem", "beale", "--optimizers", "adamm"], ["adamm", "valid: sgd, momentum", "lbfgs"]),
        (["compare", "--problem", "nope", "--optimizers", "sgd"], ["nope", "valid: quadratic_l0", "beale"]),
        (["compare", "--problem", "beale,rosenbrock", "--optimizers", "sgd"], ["--problem takes one name"]),
        (["compare", "--problem", "beale", "--optimizers", "sgd", "--steps", "0"], ["--steps must be ≥ 1"]),
        (["compare", "--problem", "beale", "--optimizers", "sgd", "--gtol", "-1"], ["--gtol must be ≥ 0"]),
        (["compare", "--problem", "beale", "--optimizers", "sgd", "--lr", "-1"], ["sgd", "learning_rate"]),
        (
            ["compare", "--problem", "saddle", "--optimizers", "adam,levenberg_marquardt"],
            ["levenberg_marquardt needs the residuals", "'saddle' has none", "problems with residuals:", "exponential_fit"],
        ),
        (["compare", "--problem", "beale"], ["--optimizers"]),
        (
            ["compare", "--problem", "beale", "--optimizers", "sgd,adam:eps_in_root"],
            ["adam has no variant 'eps_in_root'", "valid: adam:kingma_ba, adam:eps_in_sqrt, adam:no_bias_correction"],
        ),
        (["compare", "--problem", "beale", "--optimizers", "adamm:eps_in_sqrt"], ["adamm:eps_in_sqrt", "valid: sgd"]),
        (
            ["compare", "--problem", "saddle", "--optimizers", "levenberg_marquardt:minpack"],
            ["levenberg_marquardt:minpack needs the residuals", "problems with residuals:"],
        ),
        (["sweep", "--optimizer", "adamm", "--param", "lr=0.1", "--problem", "beale"], ["adamm", "valid: sgd, momentum"]),
        (["sweep", "--optimizer", "sgd", "--param", "lr=0.1", "--problem", "nope"], ["nope", "valid: quadratic_l0"]),
        ([*SWEEP, "--param", "beta=0.1"], ["unknown parameter 'beta'", "valid: learning_rate (alias lr)"]),
        (
            ["sweep", "--optimizer", "lbfgs", "--param", "lr=0.1", "--problem", "beale"],
            ["unknown parameter 'learning_rate'", "valid: memory_size, line_search"],
        ),
        ([*SWEEP, "--param", "lr=0:1"], ["malformed", "accepted forms: NAME=LO:HI:N"]),
        ([*SWEEP, "--param", "lr0.1"], ["malformed", "accepted forms"]),
        ([*SWEEP, "--param", "lr=a:b:3"], ["malformed", "accepted forms"]),
        ([*SWEEP, "--param", "lr=0.1:1:3:cubic"], ["malformed", "accepted forms"]),
        ([*SWEEP, "--param", "lr=0.1:1:2.5"], ["malformed", "accepted forms"]),
        ([*SWEEP, "--param", "lr=0.1:1:0"], ["N must be an integer ≥ 1", "accepted forms"]),
        ([*SWEEP, "--param", "lr=0:1:4:log"], ["log spacing needs LO > 0", "accepted forms"]),
        ([*SWEEP, "--param", "lr=0.1,,0.2"], ["empty value", "accepted forms"]),
        ([*SWEEP, "--param", "lr=0.1", "--param", "learning_rate=0.2"], ["given twice"]),
        ([*SWEEP, "--param", "lr=0.1", "--steps", "0"], ["--steps must be ≥ 1"]),
        ([*SWEEP, "--param", "lr=-1,0.1"], ["learning_rate must lie in"]),  # the factory's check, from sweep
        (
            ["sweep", "--optimizer", "momentum", "--param", "lr=0.1,0.2", "--param", "beta=0.5", "--zip",
             "--problem", "beale"],
            ["--zip", "learning_rate: 2, beta: 1"],
        ),
        (
            ["sweep", "--optimizer", "momentum", "--param", "lr=0.1", "--param", "beta=0.5", "--param", "form=ema",
             "--problem", "beale", "--plot", "x.png"],
            ["--plot takes 1 or 2 parameters", "got 3"],
        ),
        (
            ["sweep", "--optimizer", "rprop", "--param", "variant=rprop-,irprop+", "--problem", "beale", "--plot", "x.png"],
            ["--plot needs numeric parameters", "variant"],
        ),
        (
            ["sweep", "--optimizer", "gauss_newton", "--param", "line_search=none,armijo", "--problem", "saddle"],
            ["gauss_newton needs the residuals", "problems with residuals:"],
        ),
        (["sweep", "--optimizer", "sgd", "--problem", "beale"], ["--param"]),
        ([*SWEEP, "--sample", "lr=log_uniform:0:1", "--samples", "4"], ["log_uniform: low must be > 0", "accepted forms"]),
        ([*SWEEP, "--sample", "lr=uniform:1:0", "--samples", "4"], ["uniform: low must be < high"]),
        ([*SWEEP, "--sample", "lr=normal:0:1", "--samples", "4"], ["malformed", "accepted forms: NAME=uniform:LO:HI"]),
        ([*SWEEP, "--sample", "lr=uniform:0", "--samples", "4"], ["malformed", "accepted forms"]),
        ([*SWEEP, "--sample", "beta=uniform:0:1", "--samples", "4"], ["unknown parameter 'beta'"]),
        ([*SWEEP, "--sample", "lr=uniform:0.1:0.2"], ["--sample needs --samples N"]),
        ([*SWEEP, "--sample", "lr=uniform:0.1:0.2", "--samples", "0"], ["--samples must be ≥ 1"]),
        ([*SWEEP, "--param", "lr=0.1", "--samples", "3"], ["--samples is given without --sample"]),
        ([*SWEEP, "--param", "lr=0.1", "--sample", "lr=uniform:0.1:0.2", "--samples", "2"], ["given twice"]),
        (
            ["sweep", "--optimizer", "momentum", "--problem", "beale", "--sample", "lr=uniform:0.1:0.2",
             "--param", "beta=0.1,0.2,0.3", "--samples", "2", "--zip"],
            ["--zip", "needs 2 values"],
        ),
    ],
)
def test_argument_errors_exit_2_with_the_valid_choices(args, expected, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err
    for text in expected:
        assert text in err, (text, err)


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage:" in out and "--problem" in out and "--plot" in out and "--progress" in out


def test_plot_without_matplotlib_exits_1_before_running(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import of it now raises ImportError
    path = tmp_path / "x.png"
    for args in (
        ["compare", "--problem", "beale", "--optimizers", "sgd", "--plot", str(path)],
        [*SWEEP, "--param", "lr=0.1,0.2", "--plot", str(path)],
    ):
        with pytest.raises(SystemExit) as info:
            cli.main(args)
        assert info.value.code == 1
        captured = capsys.readouterr()
        assert "pip install 'jaxopt-lectures[plot]'" in captured.err and captured.out == ""
    assert not path.exists()


def test_sweep_sample_plot_draws_the_final_loss_against_the_sampled_parameter(tmp_path, capsys):
    """--plot with one --sample: final loss at each draw (random configurations have no grid to draw);
    two sampled parameters have no single x axis and exit 2 before anything runs."""
    pytest.importorskip("matplotlib")
    png = tmp_path / "random.png"
    base = ["sweep", "--optimizer", "momentum", "--problem", "quadratic_l0", "--steps", "10", "--samples", "6"]
    assert cli.main([*base, "--sample", "lr=log_uniform:1e-3:0.5", "--param", "beta=0,0.5", "--plot", str(png)]) == 0
    assert f"wrote {png}" in capsys.readouterr().out and png_size(png)[0] > 0
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*base, "--sample", "lr=log_uniform:1e-3:0.5", "--sample", "beta=uniform:0:0.9", "--plot", str(png)])
    assert exit_info.value.code == 2 and "one sampled parameter; got 2" in capsys.readouterr().err
