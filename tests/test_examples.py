"""The examples run as a user runs them (a fresh interpreter) and show what they claim."""

import pathlib
import re
import subprocess
import sys

from hang_guard import HANG_GUARD_SECONDS
from pngs import png_size

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_trains_with_our_adam_in_an_optax_chain():
    source = (EXAMPLES / "quickstart.py").read_text(encoding="utf-8")
    assert "optax.chain(" in source and "jaxopt_lectures.adam(" in source and "@jax.jit" in source
    proc = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py")], capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    assert proc.returncode == 0, proc.stderr
    losses = [float(x) for x in re.findall(r"loss (\d+\.\d+)", proc.stdout)]
    accuracies = [float(x) for x in re.findall(r"accuracy (\d+\.\d+)", proc.stdout)]
    assert len(losses) >= 5
    assert losses[-1] < 0.1 * losses[0]  # the loss falls by an order of magnitude
    assert accuracies[-1] > 0.95


def test_an_example_script_prints_its_claims_and_saves_its_figure(tmp_path):
    png = tmp_path / "plot.png"
    proc = subprocess.run([sys.executable, str(EXAMPLES / "l0_momentum.py"), str(png)],
                          capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "4 of 4 claims agree" in proc.stdout and "836.683" in proc.stdout  # 1.4^20: GD at η = 0.6
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "no plot" in proc.stdout
    else:
        assert png_size(png) == (1100, 450)


def test_an_example_whose_claim_fails_exits_with_status_1(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "l3_sin_regression.py"), "--epochs", "5", "--no-plot", "--progress"],
        capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, cwd=tmp_path,
    )
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "0 of 1 claims agree" in proc.stdout and "5 epochs" in proc.stdout
    assert list(tmp_path.iterdir()) == []  # --no-plot: nothing written
    try:
        import tqdm  # noqa: F401
    except ImportError:
        pass
    else:
        assert "5/5" in proc.stderr  # the progress bar over the epochs
