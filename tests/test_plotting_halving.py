"""plotting.plot_halving: successive halving's rung diagram, from a HalvingResult built of arrays."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

import jaxopt_lectures as jl  # noqa: E402
from jaxopt_lectures import plotting  # noqa: E402

FIGSIZE, DPI = (4.0, 3.0), 50


def a_halving_result(validation=True):
    """6 configurations, 4 epochs, rungs 1, 2, 4 (η = 2): 6 → 3 → 2; configuration 5 diverged in epoch 1."""
    stopped = np.array([1, 4, 2, 1, 4, 1])
    epochs = np.arange(4)
    curves = np.array([[0.9, 0.8, 0.7, 0.6], [0.5, 0.3, 0.2, 0.1], [0.6, 0.5, 0.4, 0.3],
                       [0.95, 0.9, 0.9, 0.9], [0.55, 0.35, 0.25, 0.15], [np.nan] * 4])  # fmt: skip
    curves = np.where(epochs < stopped[:, None], curves, np.nan)
    final = curves[np.arange(6), stopped - 1]
    diverged = ~np.isfinite(final)
    return jl.HalvingResult(
        {"learning_rate": np.geomspace(0.01, 1.0, 6)}, curves, final, diverged, 1.0, np.zeros((6, 2)),
        np.repeat(curves[:, :, None], 2, axis=2), val_values=curves if validation else None, stopped_epoch=stopped,
        rungs=(1, 2, 4), eta=2.0,
    )  # fmt: skip


def test_rung_diagram(tmp_path):
    r = a_halving_result()
    assert r.rung_sizes == [6, 3, 2] and r.best().index == 1
    fig = plotting.plot_halving(r, path=tmp_path / "h.png", figsize=FIGSIZE, dpi=DPI, title="halving")
    image = mpimg.imread(tmp_path / "h.png")
    assert image.shape[:2] == (150, 200)
    ax = fig.axes[0]
    curves, best, rungs = ax.lines[:3], ax.lines[3], ax.lines[4:]
    assert [line.get_label() for line in curves] == ["stopped at epoch 1 (3)", "stopped at epoch 2 (1)",
                                                     "ran to the end (2)"]  # fmt: skip
    # the curves of one rung are one polyline with a NaN gap after each: epochs 1..4 and a gap, per curve
    y = curves[2].get_ydata()
    np.testing.assert_array_equal(y, [0.5, 0.3, 0.2, 0.1, np.nan, 0.55, 0.35, 0.25, 0.15, np.nan])
    np.testing.assert_array_equal(curves[1].get_ydata(), [0.6, 0.5, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(best.get_ydata(), r.val_values[1])
    assert [line.get_xdata()[0] for line in rungs] == [1, 2, 4]
    assert [t.get_text().strip() for t in ax.texts] == ["6", "3", "2"]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "validation loss"
    assert plt.get_fignums() == []


def test_rung_diagram_training_loss_and_bad_input():
    fig = plotting.plot_halving(a_halving_result(validation=False), log=False)
    assert fig.axes[0].get_ylabel() == "training loss" and fig.axes[0].get_yscale() == "linear"
    with pytest.raises(ValueError, match="HalvingResult"):
        plotting.plot_halving(jl.SweepResult({"learning_rate": np.ones(1)}, np.ones((1, 2)), np.ones(1),
                                             np.zeros(1, bool), 1.0, np.zeros(1)))  # fmt: skip
