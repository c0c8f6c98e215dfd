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
