"""plot_pbt_schedules: one step line per member (its schedule along its ancestry), log scale, the
exploits marked, the PNG at figsize × dpi pixels."""

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
    for i in range(4):  # steps-post: the value during epoch e, repeated at the right end
        np.testing.assert_array_equal(ax.lines[i].get_ydata(), np.append(r.schedules["learning_rate"][i],
                                                                          r.schedules["learning_rate"][i, -1]))
    copies = sum(len(line.get_xdata()) for line in ax.lines[4:])
    moved = sum(int(np.sum(r.ancestors(i)[1:] != r.ancestors(i)[:-1])) for i in range(4))
    assert copies == moved > 0  # one dot per exploit in a member's history
    assert len(plotting.plot_pbt_schedules(r, lineage=False).axes[0].lines) == 4
    with pytest.raises(ValueError, match="PBTResult"):
        plotting.plot_pbt_schedules(r._asdict())
    with pytest.raises(ValueError, match="name='beta'"):
        plotting.plot_pbt_schedules(r, "beta")
