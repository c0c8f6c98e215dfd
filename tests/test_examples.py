"""The examples run as a user runs them (a fresh interpreter) and show what they claim."""

import pathlib
import re
import subprocess
import sys

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_trains_with_our_adam_in_an_optax_chain():
    source = (EXAMPLES / "quickstart.py").read_text(encoding="utf-8")
    assert "optax.chain(" in source and "jaxopt_lectures.adam(" in source and "@jax.jit" in source
    proc = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    losses = [float(x) for x in re.findall(r"loss (\d+\.\d+)", proc.stdout)]
    accuracies = [float(x) for x in re.findall(r"accuracy (\d+\.\d+)", proc.stdout)]
    assert len(losses) >= 5
    assert losses[-1] < 0.1 * losses[0]  # the loss falls by an order of magnitude
    assert accuracies[-1] > 0.95


def test_l3_sin_regression_runs_and_prints_the_test_mse_next_to_the_noise_floor(tmp_path):
    png = tmp_path / "l3.png"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "l3_sin_regression.py"), str(png), "--epochs", "30"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    test_mse = float(re.search(r"test MSE (\d+\.\d+)", proc.stdout).group(1))
    floor = float(re.search(r"noise floor 0.8²/12 = (\d+\.\d+)", proc.stdout).group(1))
    assert floor == 0.0533
    assert 0.0 < test_mse < 1.0  # 30 epochs: on the way down from ≈ 0.5, not yet at the floor
    assert "epochs 30" in proc.stdout
    try:
        import tqdm  # noqa: F401
    except ImportError:
        pass
    else:
        assert "30/30" in proc.stderr  # the progress bar
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "no plot" in proc.stdout
    else:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _run_example(name, tmp_path):
    png = tmp_path / "plot.png"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name), str(png)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "no plot" in proc.stdout
    else:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return proc.stdout


def test_l4_cg_beats_steepest_descent_on_the_quadratic_and_on_rosenbrock(tmp_path):
    out = _run_example("l4_cg_vs_steepest_descent.py", tmp_path)
    runs = re.findall(r"(steepest descent|CG [^,]+), \S+ search +steps +(\d+) +f (\S+) .* stop: (\w+)", out)
    methods = ["steepest descent", "CG Fletcher–Reeves", "steepest descent", "CG Polak–Ribière+"]
    assert [r[0] for r in runs] == methods
    assert all(r[3] == "gtol" for r in runs)
    (_, sd_q, _, _), (_, cg_q, f_cg_q, _), (_, sd_r, f_sd_r, _), (_, cg_r, f_cg_r, _) = runs
    assert int(cg_q) <= 2 and float(f_cg_q) < 1e-20  # linear CG in 2-D: the minimum in ≤ 2 steps
    assert sd_q == re.search(r"steepest descent needs (\d+) steps", out).group(1)  # the L2 closed form
    assert int(cg_r) < 100 < 1000 < int(sd_r)
    assert float(f_sd_r) < 1e-10 and float(f_cg_r) < 1e-10


def test_l4_levenberg_marquardt_fits_the_exponential_in_fewer_steps_than_steepest_descent(tmp_path):
    out = _run_example("l4_levenberg_marquardt_curve_fit.py", tmp_path)
    runs = re.findall(r"(Levenberg–Marquardt|steepest descent, exact search) +steps +(\d+) +E (\S+) .* stop: (\w+)",
                      out)  # fmt: skip
    assert [r[0] for r in runs] == ["Levenberg–Marquardt", "steepest descent, exact search"]
    assert all(r[3] == "gtol" for r in runs)
    (_, lm_steps, e_lm, _), (_, sd_steps, e_sd, _) = runs
    e_star = float(re.search(r"E\* = (\S+)", out).group(1))
    assert int(lm_steps) <= 10 < 100 < int(sd_steps)
    assert abs(float(e_lm) - e_star) < 1e-12 and abs(float(e_sd) - e_star) < 1e-8
    assert len(re.findall(r"^  step \d+  μ tried first", out, re.M)) == int(lm_steps)
    assert "the replay ends where least_squares did: True" in out
