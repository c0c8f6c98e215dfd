"""plot_pbt_schedules: one step line per member slot, the best member's schedule along its
ancestry, one connector per exploit, log scale, the PNG at figsize × dpi pixels."""

import jax
import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

import matplotlib.pyplot as plt  # noqa: E402

import jaxopt_lectures as jl  # noqa: E402
from jaxopt_lectures import plotting  # noqa: E402
from pngs import png_size  # noqa: E402
from test_sweep_pbt import X, quadratic  # noqa: E402  (its small tests' function: their programs are shared)


def test_schedules_plot(tmp_path):
    r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.01, 0.03, 0.1, 0.3]}, quadratic, 0.0, (X, 2.0 * X), epochs=4,
                     batch_size=8, key=jax.random.key(3), pbt=jl.PBT(interval=1, key=jax.random.key(0), quantile=0.5))
    fig = plotting.plot_pbt_schedules(r, path=tmp_path / "pbt.png", figsize=(4.0, 3.0), dpi=50)
    assert png_size(tmp_path / "pbt.png") == (200, 150)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and plt.get_fignums() == []
    steps = [np.append(s, s[-1]) for s in r.slot_schedules["learning_rate"]]  # steps-post: the last repeated
    for i in range(4):
        np.testing.assert_array_equal(ax.lines[i].get_ydata(), steps[i])
    best = r.schedules["learning_rate"][r.best().index]
    np.testing.assert_array_equal(ax.lines[4].get_ydata(), np.append(best, best[-1]))
    copies = int(np.sum(r.lineage != np.arange(4)[:, None]))
    assert len(ax.lines) == 4 + 1 + copies + 1 and copies > 0  # slots, best, one connector per copy, legend
    assert len(plotting.plot_pbt_schedules(r, lineage=False).axes[0].lines) == 5
    with pytest.raises(ValueError, match="PBTResult"):
        plotting.plot_pbt_schedules(r._asdict())
    with pytest.raises(ValueError, match="name='beta'"):
        plotting.plot_pbt_schedules(r, "beta")
