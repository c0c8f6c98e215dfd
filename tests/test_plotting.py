"""jaxopt_lectures.plotting: figures come back, PNGs have figsize × dpi pixels, no pyplot state."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import jaxopt_lectures as jl  # noqa: E402
from jaxopt_lectures import plotting  # noqa: E402
from jaxopt_lectures.problems import get_problem  # noqa: E402

FIGSIZE, DPI = (4.0, 3.0), 50


@pytest.fixture(autouse=True)
def no_global_state():
    backend = matplotlib.get_backend()
    yield
    assert matplotlib.get_backend() == backend
    assert plt.get_fignums() == []


def check_png(path, figsize=FIGSIZE, dpi=DPI):
    assert path.exists() and path.stat().st_size > 0
    image = mpimg.imread(path)
    assert image.shape[:2] == (round(figsize[1] * dpi), round(figsize[0] * dpi))


@pytest.fixture(scope="module")
def rosenbrock_runs():
    p = get_problem("rosenbrock")
    x0 = jnp.asarray(p.x0)
    return p, {
        "GD": jl.minimize(p.fun, x0, jl.sgd(1e-3), max_steps=50, record=True),
        "Adam": jl.minimize(p.fun, x0, jl.adam(0.05), max_steps=50, record=True),
        "GD diverges": jl.minimize(p.fun, x0, jl.sgd(0.1), max_steps=50, record=True),
    }


@pytest.fixture(scope="module")
def sweep2():
    q = get_problem("quadratic_l0")
    return jl.sweep(jl.momentum, {"learning_rate": [0.1, 0.4, 0.6, 1.5], "beta": [0.0, 0.5, 0.9]},
                    q.fun, jnp.asarray(q.x0), steps=20)


def test_trajectories(tmp_path, rosenbrock_runs):
    p, runs = rosenbrock_runs
    assert bool(runs["GD diverges"].diverged)
    fig = plotting.plot_trajectories(p, runs, path=tmp_path / "t.png", figsize=FIGSIZE, dpi=DPI, title="Rosenbrock")
    assert isinstance(fig, Figure)
    check_png(tmp_path / "t.png")
    lines = fig.axes[0].lines
    assert len(lines) == len(runs)
    for line, r in zip(lines, runs.values()):
        xy = np.asarray(line.get_xydata())
        assert xy.shape == (int(np.sum(r.history.mask)) + 1, 2)
        np.testing.assert_allclose(xy[0], p.x0)
        np.testing.assert_allclose(xy[-1], r.params)
    assert fig.axes[0].get_xlim() == p.bounds[0]


def test_trajectories_plain_function_and_limits(rosenbrock_runs):
    _, runs = rosenbrock_runs
    fig = plotting.plot_trajectories(lambda x: jnp.sum(x**2), {"GD": runs["GD"]}, levels=[0.5, 1.0, 2.0],
                                     log_levels=False, minimum=[0.0, 0.0], resolution=20)
    lo, hi = fig.axes[0].get_xlim()
    path = fig.axes[0].lines[0].get_xydata()
    assert lo < path[:, 0].min() and hi > path[:, 0].max()


def test_trajectories_bad_input(rosenbrock_runs):
    p3 = get_problem("separable_quadratic_l0")
    r3 = jl.minimize(p3.fun, jnp.asarray(p3.x0), jl.sgd(0.05), max_steps=5, record=True)
    with pytest.raises(ValueError, match="results.*3 coordinates"):
        plotting.plot_trajectories(p3, {"GD": r3})
    r = jl.minimize(p3.fun, jnp.asarray(p3.x0), jl.sgd(0.05), max_steps=5)
    with pytest.raises(ValueError, match="record=True"):
        plotting.plot_trajectories(p3, {"GD": r})
    p, runs = rosenbrock_runs
    with pytest.raises(ValueError, match="results"):
        plotting.plot_trajectories(p, {})
    with pytest.raises(ValueError, match="xlim"):
        plotting.plot_trajectories(p, runs, xlim=(1.0, -1.0))
    with pytest.raises(ValueError, match="fun"):
        plotting.plot_trajectories("rosenbrock", runs)


def test_loss_curves(tmp_path, rosenbrock_runs):
    p, runs = rosenbrock_runs
    arrays = {"array": np.array([4.0, 2.0, 1.0, np.nan, np.inf]), "negative": np.array([1.0, 0.0, -1.0])}
    fig = plotting.plot_loss_curves({**runs, **arrays}, path=tmp_path / "l.png", figsize=FIGSIZE, dpi=DPI)
    assert isinstance(fig, Figure)
    check_png(tmp_path / "l.png")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    n = len(runs) + len(arrays)
    assert len(ax.lines) >= n
    gd = runs["GD"]
    np.testing.assert_allclose(ax.lines[0].get_ydata()[:-1], np.asarray(gd.history.values)[np.asarray(gd.history.mask)])
    assert "diverged" in ax.lines[2].get_label() and "diverged" in ax.lines[3].get_label()
    fig = plotting.plot_loss_curves(runs, log=False, f_star=p.f_star)
    assert fig.axes[0].get_yscale() == "linear"


def test_loss_curves_all_nan_and_bad_input():
    fig = plotting.plot_loss_curves({"nan": np.full(5, np.nan)})
    assert isinstance(fig, Figure)
    with pytest.raises(ValueError, match="runs"):
        plotting.plot_loss_curves({"2d": np.ones((2, 3))})
    with pytest.raises(ValueError, match="runs"):
        plotting.plot_loss_curves([1.0, 2.0])


def test_sweep_final_one_hyperparameter(tmp_path):
    q = get_problem("quadratic_l0")
    r = jl.sweep(jl.sgd, {"learning_rate": np.geomspace(0.01, 1.0, 6)}, q.fun, jnp.asarray(q.x0), steps=20)
    assert r.diverged.any() and not r.diverged.all()
    fig = plotting.plot_sweep(r, path=tmp_path / "s.png", figsize=FIGSIZE, dpi=DPI)
    check_png(tmp_path / "s.png")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), r.configs["learning_rate"])
    fig = plotting.plot_sweep(r, kind="curves", path=tmp_path / "c.png", figsize=FIGSIZE, dpi=DPI)
    check_png(tmp_path / "c.png")
    assert len(fig.axes[0].lines) == len(r.final_values)


def test_sweep_two_hyperparameters(sweep2):
    fig = plotting.plot_sweep(sweep2, x="learning_rate")
    assert len(fig.axes[0].lines) >= 3  # one per beta
    with pytest.raises(ValueError, match="x must name"):
        plotting.plot_sweep(sweep2)
    with pytest.raises(ValueError, match="x='lr'"):
        plotting.plot_sweep(sweep2, x="lr")
    with pytest.raises(ValueError, match="kind"):
        plotting.plot_sweep(sweep2, kind="bars")
    with pytest.raises(ValueError, match="result"):
        plotting.plot_sweep({"values": []})


def test_sweep_heatmap(tmp_path, sweep2):
    assert sweep2.diverged.any()
    fig = plotting.plot_sweep_heatmap(sweep2, "learning_rate", "beta", path=tmp_path / "h.png", figsize=FIGSIZE, dpi=DPI)
    assert isinstance(fig, Figure)
    check_png(tmp_path / "h.png")
    grid = fig.axes[0].images[0].get_array()
    assert grid.shape == (3, 4)
    # cell (beta=0, lr=0.1) is the first configuration; diverged cells are masked
    np.testing.assert_allclose(grid[0, 0], np.log10(sweep2.final_values[0]))
    assert np.ma.getmaskarray(grid).sum() == sweep2.diverged.sum()
    fig = plotting.plot_sweep_heatmap(sweep2, "beta", "learning_rate", log=False, annotate=False)
    assert fig.axes[0].images[0].get_array().shape == (4, 3)


def test_sweep_heatmap_bad_input(sweep2):
    with pytest.raises(ValueError, match="y='momentum'"):
        plotting.plot_sweep_heatmap(sweep2, "learning_rate", "momentum")
    with pytest.raises(ValueError, match="different"):
        plotting.plot_sweep_heatmap(sweep2, "beta", "beta")
    q = get_problem("quadratic_l0")
    make = lambda learning_rate, beta, scale: jl.momentum(learning_rate * scale, beta)  # noqa: E731
    r = jl.sweep(make, {"learning_rate": [0.1, 0.2], "beta": [0.0, 0.5], "scale": [1.0, 0.5]},
                 q.fun, jnp.asarray(q.x0), steps=5)
    with pytest.raises(ValueError, match="share a cell"):
        plotting.plot_sweep_heatmap(r, "learning_rate", "beta")


def test_plot_1d(tmp_path):
    f = lambda x: x**2  # noqa: E731 - L0's parabola: GD x ← x − 2ηx
    slow = [3.0 * (1 - 2 * 0.05) ** k for k in range(10)]
    diverging = [3.0 * (1 - 2 * 1.1) ** k for k in range(6)] + [np.nan]
    fig = plotting.plot_1d(f, {"η=0.05": slow, "η=1.1": diverging}, path=tmp_path / "p.png", figsize=FIGSIZE, dpi=DPI)
    assert isinstance(fig, Figure)
    check_png(tmp_path / "p.png")
    lines = fig.axes[0].lines
    assert len(lines) == 3
    np.testing.assert_allclose(lines[1].get_xdata(), slow)
    np.testing.assert_allclose(lines[1].get_ydata(), np.square(slow))
    assert len(lines[2].get_xdata()) == 6


def test_plot_1d_problem_and_result():
    p = get_problem("parabola_l0")
    r = jl.minimize(p.fun, jnp.asarray(p.x0), jl.sgd(0.3), max_steps=10, record=True)
    fig = plotting.plot_1d(p, r)
    assert fig.axes[0].get_xlim() == p.bounds[0]
    assert len(fig.axes[0].lines[1].get_xdata()) == int(np.sum(r.history.mask)) + 1
    with pytest.raises(ValueError, match="iterates"):
        plotting.plot_1d(p, np.ones((3, 2)))
    with pytest.raises(ValueError, match="xlim"):
        plotting.plot_1d(p, r, xlim=(0.0, 0.0))


def test_panels_of_one_figure_take_every_plot(tmp_path, rosenbrock_runs, sweep2):
    p, runs = rosenbrock_runs
    fig, axes = plotting.new_figure((8.0, 6.0), 2, 2)
    assert len(axes) == 4 and all(ax.figure is fig for ax in axes)
    paths = {"hand-written": np.array([[-1.2, 1.0], [-1.0, 0.9], [0.0, 0.0]])}  # an array path, no result
    assert plotting.plot_trajectories(p, paths, ax=axes[0]) is fig
    np.testing.assert_array_equal(axes[0].lines[0].get_xdata(), [-1.2, -1.0, 0.0])
    assert plotting.plot_loss_curves(runs, ax=axes[1]) is fig
    assert plotting.plot_sweep_heatmap(sweep2, "learning_rate", "beta", ax=axes[2]) is fig
    assert plotting.plot_1d(lambda x: x**2, np.array([2.0, 1.0]), ax=axes[3], path=tmp_path / "four.png", dpi=DPI) is fig
    check_png(tmp_path / "four.png", figsize=(8.0, 6.0))
    with pytest.raises(ValueError, match=r"\[steps, d\] array"):
        plotting.plot_trajectories(p, {"bad": np.zeros(3)})


def test_optimize_result_path(rosenbrock_runs):
    _, runs = rosenbrock_runs
    r = runs["GD"]
    path = r.path()
    assert path.shape == (int(r.num_steps) + 1, 2)
    np.testing.assert_array_equal(path[0], [-1.2, 1.0])
    np.testing.assert_array_equal(path[-1], np.asarray(r.params))
    p = get_problem("rosenbrock")
    with pytest.raises(ValueError, match="record=True"):
        jl.minimize(p.fun, jnp.asarray(p.x0), jl.sgd(1e-3), max_steps=3).path()


def test_critical_points(tmp_path):
    h = get_problem("himmelblau")
    points = np.array([[3.0, 2.0], [-0.270845, -0.923039], [0.086678, 2.884254]])
    fig = plotting.plot_critical_points(h, points, ["minimum", "maximum", "saddle"], path=tmp_path / "c.png",
                                        figsize=FIGSIZE, dpi=DPI)
    check_png(tmp_path / "c.png")
    scatters = [c for c in fig.axes[0].collections if c.get_label().endswith(")")]
    assert [c.get_label() for c in scatters] == ["minimum (1)", "maximum (1)", "saddle (1)"]
    np.testing.assert_allclose(scatters[1].get_offsets(), points[1:2])
    with pytest.raises(ValueError, match="one kind per point"):
        plotting.plot_critical_points(h, points, ["minimum"])
    with pytest.raises(ValueError, match="kinds must be among"):
        plotting.plot_critical_points(h, points, ["minimum", "peak", "saddle"])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import of it now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'jaxopt-lectures\[plot\]'"):
        plotting.plot_loss_curves({"a": np.ones(3)})


def test_sweep_random_draws_are_one_scatter_coloured_by_the_other_hyperparameter():
    """Random search gives every configuration its own β: one scatter (x = η, y = final loss,
    colour = β) instead of one single-point line per β; the points are the sweep's numbers."""
    q = get_problem("quadratic_l0")
    grid = {"learning_rate": jl.log_uniform(0.01, 0.5), "beta": jl.uniform(0.0, 0.9)}
    r = jl.sweep(jl.momentum, grid, q.fun, jnp.asarray(q.x0), steps=10, samples=7, sample_key=jax.random.key(0))
    fig = plotting.plot_sweep(r, x="learning_rate")
    ax = fig.axes[0]
    assert not ax.lines or all(line.get_label() == "diverged" or line.get_marker() == "x" for line in ax.lines)
    (points,) = ax.collections
    ok = ~r.diverged
    np.testing.assert_allclose(points.get_offsets()[:, 0], r.configs["learning_rate"][ok])
    np.testing.assert_allclose(points.get_offsets()[:, 1], r.final_values[ok])
    np.testing.assert_allclose(points.get_array(), r.configs["beta"][ok])
    assert fig.axes[1].get_ylabel() == "beta"  # the colour bar
