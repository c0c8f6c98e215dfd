"""examples/sweep_random_search.py runs as a user runs it (a fresh interpreter) and its claims hold (quick settings)."""

import pathlib
import subprocess
import sys

import pytest
from hang_guard import HANG_GUARD_SECONDS
from pngs import png_size

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "examples" / "sweep_random_search.py"


@pytest.mark.slow
def test_sweep_random_search_example_quick(tmp_path):
    png = tmp_path / "random.png"
    proc = subprocess.run([sys.executable, str(SCRIPT), str(png), "--quick"], capture_output=True, text=True,
                          timeout=HANG_GUARD_SECONDS, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    out = proc.stdout
    assert "4 of 4 claims agree" in out and "16 distinct learning rates" in out and "4 distinct learning rates" in out
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "no plot" in out
    else:
        assert png_size(png) == (600, 450)
