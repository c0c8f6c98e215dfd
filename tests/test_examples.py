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
