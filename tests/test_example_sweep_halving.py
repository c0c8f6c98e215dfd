"""examples/sweep_halving.py runs as a user runs it (a fresh interpreter) and its claims hold (quick settings)."""

import pathlib
import subprocess
import sys

import pytest
from hang_guard import HANG_GUARD_SECONDS
from pngs import png_size

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "examples" / "sweep_halving.py"


@pytest.mark.slow
def test_sweep_halving_example_quick(tmp_path):
    png = tmp_path / "rungs.png"
    proc = subprocess.run([sys.executable, str(SCRIPT), str(png), "--quick"], capture_output=True, text=True,
                          timeout=HANG_GUARD_SECONDS, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    out = proc.stdout
    assert "128 to epoch 3, 43 to epoch 9, 15 to epoch 27" in out and "2 of 2 claims agree" in out
    assert "5472 of 20736" in out  # (128·3 + 43·6 + 15·18) epochs × 6 steps, of 128 × 27 × 6
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "no plot" in out
    else:
        assert png_size(png) == (600, 450)
