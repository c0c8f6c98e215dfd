"""The examples run as a user runs them (a fresh interpreter) and show what they claim."""

import json
import pathlib
import re
import subprocess
import sys

import pytest
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



def _main_numbers(script, tmp_path):
    """Run ``main()`` of an example in a fresh interpreter (float32, as a user runs it) and return
    the numbers it returns; what it prints is checked for the same test accuracy."""
    code = f"import json, runpy; print('MAIN ' + json.dumps(runpy.run_path({str(EXAMPLES / script)!r})['main']()))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    printed, numbers = proc.stdout.rsplit("MAIN ", 1)
    return printed, json.loads(numbers)


# The frameworks' examples (the "frameworks" extra). Each needs a few seconds of imports and
# compilation, so they run in the slow pass; a missing package skips them. Accuracy thresholds:
# 450 test images; seeds 0–4 reach test accuracies 0.962–0.987 in every framework example
# (flax 0.12.8, equinox 0.13.8, scikit-learn 1.9.1; seed 0, the one tested, gives the same
# 0.969–0.971 with the extra's lower bounds), so 0.9 leaves 27 or more images of margin for other
# versions and platforms.


def test_the_framework_examples_show_the_essential_lines():
    """The lines the README quotes stay in the scripts (no framework needed to read them)."""
    flax_src = (EXAMPLES / "flax_nnx.py").read_text(encoding="utf-8")
    assert 'jl.rprop(0.01, variant="irprop+")' in flax_src and "optimizer.update(model, grads, value=loss)" in flax_src
    eqx_src = (EXAMPLES / "equinox.py").read_text(encoding="utf-8")
    for line in ("eqx.partition(model, eqx.is_array)", "eqx.combine(params, static)", "jl.fit(",
                 "@eqx.filter_jit", "optimizer.init(eqx.filter(model, eqx.is_array))"):  # fmt: skip
        assert line in eqx_src, line


@pytest.mark.slow
def test_flax_nnx_example_trains_an_mlp_with_irprop_plus_through_nnx_optimizer(tmp_path):
    pytest.importorskip("flax.nnx")
    pytest.importorskip("sklearn")
    printed, r = _main_numbers("flax_nnx.py", tmp_path)
    assert "iRprop+ needs ('value',) in update" in printed  # read from the registry
    assert r["final_loss"] < 0.01 * r["first_loss"]  # 2.35 -> 0.0 in float32 at seed 0
    assert r["test_accuracy"] > 0.9
    assert f"test accuracy {r['test_accuracy']:.3f}" in printed


@pytest.mark.slow
def test_equinox_example_trains_with_fit_on_partitioned_arrays_and_with_a_filter_jit_loop(tmp_path):
    pytest.importorskip("equinox")
    pytest.importorskip("sklearn")
    printed, r = _main_numbers("equinox.py", tmp_path)
    for way in ("fit", "loop"):
        assert r[f"{way}_final_loss"] < 0.1 * r[f"{way}_first_loss"], way  # seed 0: ÷47 (fit), ÷780 (loop)
        assert r[f"{way}_test_accuracy"] > 0.9, way
        assert f"test accuracy {r[f'{way}_test_accuracy']:.3f}" in printed
