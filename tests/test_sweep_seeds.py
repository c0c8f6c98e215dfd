"""Several seeds per configuration (issue 16 item 1): ``sweep_fit(..., seeds=k)``, ``sweep(..., seeds=k)``.

Seed s of configuration c must be ``fit`` with the key ``fold_in(key, s)`` (and ``init_params`` of
it) — bitwise: the row runs ``fit``'s arithmetic on its own vmap lane, its minibatches drawn from
its own key, its optimizer state entering the epochs as in ``fit``. The statistics must be
NumPy's over the per-seed arrays, and ``best`` must pick what a hand computation picks.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.sweeps.seeds import seed_keys

X = jnp.linspace(-1.0, 1.0, 24)
DATA = (X, 3.0 * X + 0.1 * jnp.sin(7.0 * X))
VALIDATION = (X[::3] + 0.01, 3.0 * X[::3])
LRS = [0.02, 0.3]
KEY = jax.random.key(3)


def loss(p, b):  # a dict and a list in the tree
    return jnp.mean((p["a"] * b[0] + p["c"][0][0] - b[1]) ** 2) + 0.1 * jnp.sum(p["c"][0] ** 2)


def init_params(key):
    ka, kc = jax.random.split(key)
    return {"a": jax.random.normal(ka, ()), "c": [jax.random.normal(kc, (2,))]}


def _fit(lr, key, params=None, epochs=3):
    start = init_params(key) if params is None else params
    return jl.fit(loss, start, DATA, jl.adam(lr), epochs=epochs, batch_size=8, key=key, validation_data=VALIDATION)


@pytest.fixture(scope="module")
def seeded():
    return jl.sweep_fit(jl.adam, {"learning_rate": LRS}, loss, None, DATA, epochs=3, batch_size=8, key=KEY, seeds=3,
                        init_params=init_params, validation_data=VALIDATION)  # fmt: skip


def test_seed_s_of_configuration_c_is_fit_with_its_key_bitwise(seeded):
    assert seeded.values.shape == (2, 3, 3) and seeded.step_losses.shape == (2, 3, 3, 3)
    assert seeded.seeds == 3 and seeded.num_programs == 1
    for s in range(3):
        k_s = jax.random.fold_in(KEY, s)
        np.testing.assert_array_equal(jax.random.key_data(seeded.seed_key(s)), jax.random.key_data(k_s))
        for c, lr in enumerate(LRS):
            params, h = _fit(lr, k_s)
            np.testing.assert_array_equal(seeded.values[c, s], h.train_loss)
            np.testing.assert_array_equal(seeded.val_values[c, s], h.val_loss)
            np.testing.assert_array_equal(seeded.step_losses[c, s], h.step_losses)
            np.testing.assert_array_equal(seeded.params["a"][c, s], params["a"])
            np.testing.assert_array_equal(seeded.params["c"][0][c, s], params["c"][0])
            assert seeded.num_grad_evals[c, s] == h.num_grad_evals
            # rounding: eager ops here, one fused program there (the loss of the start is no step of fit's)
            np.testing.assert_allclose(seeded.initial_values[c, s], loss(init_params(k_s), DATA), rtol=1e-14)


@pytest.mark.slow  # another program (a shared start): ~2 s of compilation
def test_without_init_params_only_the_minibatch_order_varies():
    start = init_params(jax.random.key(9))
    r = jl.sweep_fit(jl.adam, {"learning_rate": LRS}, loss, start, DATA, epochs=2, batch_size=8, key=KEY, seeds=2)
    assert np.all(r.initial_values == r.initial_values[0, 0])  # one start: one loss
    np.testing.assert_allclose(r.initial_values[0, 0], loss(start, DATA), rtol=1e-14)  # rounding: jit vs eager
    assert not np.array_equal(r.values[:, 0], r.values[:, 1])  # other minibatches
    for s in range(2):
        for c, lr in enumerate(LRS):
            _, h = _fit(lr, jax.random.fold_in(KEY, s), params=start, epochs=2)
            np.testing.assert_array_equal(r.values[c, s], h.train_loss)
    assert r.val_values is None and r.best().final_value == np.min(np.mean(r.final_values, axis=1))


def test_seed_keys_fold_in():
    keys = seed_keys(KEY, 4)
    for s in range(4):
        np.testing.assert_array_equal(jax.random.key_data(keys[s]), jax.random.key_data(jax.random.fold_in(KEY, s)))
    raw = seed_keys(jax.random.PRNGKey(3), 2)  # a raw uint32 key gives raw keys
    np.testing.assert_array_equal(raw[1], jax.random.fold_in(jax.random.PRNGKey(3), 1))


@pytest.mark.slow  # another program (4 rows): ~2 s of compilation
def test_more_seeds_keep_the_first_ones(seeded):
    two = jl.sweep_fit(jl.adam, {"learning_rate": LRS}, loss, None, DATA, epochs=3, batch_size=8, key=KEY, seeds=2,
                       init_params=init_params, validation_data=VALIDATION)  # fmt: skip
    np.testing.assert_array_equal(two.values, seeded.values[:, :2])  # each row on its own lane: bitwise


def test_statistics_are_numpys_over_the_seed_axis(seeded):
    v, vv = seeded.values, seeded.val_values
    np.testing.assert_array_equal(seeded.mean(), np.mean(v, axis=1))
    np.testing.assert_array_equal(seeded.mean("val", final=True), np.mean(vv[..., -1], axis=1))
    np.testing.assert_array_equal(seeded.std(ddof=1), np.std(v, axis=1, ddof=1))
    np.testing.assert_array_equal(seeded.quantile([0.1, 0.9]), np.quantile(v, [0.1, 0.9], axis=1))
    np.testing.assert_array_equal(seeded.median(final=True), np.median(v[..., -1], axis=1))
    assert seeded.quantile(0.25, "val").shape == (2, 3)
    # the default ranking: mean final validation loss, lowest first
    assert seeded.best().index == int(np.argmin(np.mean(vv[..., -1], axis=1)))
    assert "mean final val loss" in seeded.table() and "0/3" in seeded.table()


def _by_hand(final_train, final_val=None, diverged=None):
    """A SeedsResult from arrays (two epochs, the first one 10): best and the statistics read only these."""
    n, k = final_train.shape

    def curves(final):
        return None if final is None else np.stack([np.full((n, k), 10.0), final], axis=-1)

    diverged = np.zeros((n, k), bool) if diverged is None else diverged
    return jl.SeedsResult({"learning_rate": np.linspace(0.1, 0.1 * n, n)}, curves(final_train), final_train,
                          diverged, np.full((n, k), 20.0), np.zeros((n, k)), None,
                          val_values=curves(final_val))  # fmt: skip


def test_best_ranks_by_the_statistic_asked_for():
    final = np.array([[1.0, 1.0, 9.0],    # mean 3.67, median 1, worst 9
                      [3.0, 3.0, 3.0],    # mean 3, worst 3, std 0
                      [0.5, 6.0, 5.0],    # mean 3.83, best seed 0.5
                      [0.1, 0.1, 0.1]])   # lowest everything, but one seed diverged  # fmt: skip
    diverged = np.zeros((4, 3), bool)
    diverged[3, 1] = True
    r = _by_hand(final, diverged=diverged)
    assert r.config_diverged.tolist() == [False, False, False, True]
    assert r.best().index == 1 and r.best().final_value == 3.0
    assert r.best("median").index == 0 and r.best("min").index == 2 and r.best("max").index == 1
    assert r.best("std").index == 1
    assert r.best(lambda v: np.quantile(v, 0.5) + v[0]).index == 0  # 1 + 1 < 3 + 3 < 5 + 0.5
    np.testing.assert_array_equal(r.best("max").final_values, [3.0, 3.0, 3.0])
    assert np.isnan(r.ranking_values()[3])
    # validation data: ranked by it unless on="train"
    r = _by_hand(final, final_val=final[::-1].copy())
    assert r.best().index == 0 and r.best(on="train").index == 3  # rows reversed: [0.1]*3 is row 0
    # NaN-propagating statistics unless skipna
    final = np.array([[1.0, np.nan], [2.0, 4.0]])
    r = _by_hand(final, diverged=np.array([[False, True], [False, False]]))
    assert np.isnan(r.mean(final=True)[0]) and r.mean(final=True, skipna=True)[0] == 1.0
    assert r.best().index == 1
    with pytest.raises(ValueError, match="every configuration has a diverged seed"):
        _by_hand(final, diverged=np.ones((2, 2), bool)).best()


@pytest.mark.slow  # four more programs: ~5 s of compilation
def test_one_seed_is_the_grid_sweep_with_the_seed_key():
    for factory in (jl.sgd, jl.adam):
        one = jl.sweep_fit(factory, {"learning_rate": LRS}, loss, init_params(KEY), DATA, epochs=3, batch_size=8,
                           key=KEY, seeds=1)  # fmt: skip
        grid = jl.sweep_fit(factory, {"learning_rate": LRS}, loss, init_params(KEY), DATA, epochs=3, batch_size=8,
                            key=jax.random.fold_in(KEY, 0))  # fmt: skip
        np.testing.assert_array_equal(one.diverged[:, 0], grid.diverged)
        assert one.best().index == grid.best().index
        if factory is jl.sgd:  # the same minibatches, shared by the configurations, the same arithmetic
            np.testing.assert_array_equal(one.values[:, 0], grid.values)
        else:  # rounding: the grid's program starts Adam's step count at a compile-time 0, and XLA
            # specialises the bias corrections β^t for it (the seeded one, like fit, does not)
            np.testing.assert_allclose(one.values[:, 0], grid.values, rtol=1e-13)


def _quadratic(x):  # L0's 0.1 x1² + 2 x2²
    return 0.1 * x[0] ** 2 + 2.0 * x[1] ** 2


def _starts(key):
    return jax.random.normal(key, (2,))


def test_full_batch_seeds_are_gd_from_init_params_of_each_seed_key():
    r = jl.sweep(jl.sgd, {"learning_rate": [0.1, 0.6]}, _quadratic, None, steps=4, seeds=2, init_params=_starts,
                 key=KEY)
    assert r.values.shape == (2, 2, 4) and r.step_losses is None
    assert r.config_diverged.tolist() == [False, True]  # η = 0.6 > 2/λmax = 0.5 diverges from any start
    for c, lr in enumerate([0.1, 0.6]):
        for s in range(2):
            x = np.asarray(_starts(jax.random.fold_in(KEY, s)))
            values = []
            for _ in range(4):  # x ← x − η ∇f(x), ∇f = (0.2 x1, 4 x2)
                x = x - lr * np.array([0.2 * x[0], 4.0 * x[1]])
                values.append(0.1 * x[0] ** 2 + 2.0 * x[1] ** 2)
            np.testing.assert_allclose(r.values[c, s], values, rtol=1e-13)  # float64: a few roundings per step


@pytest.mark.slow  # a second program per row count: ~2 s of compilation
def test_full_batch_seed_rows_equal_a_sweep_from_that_start():
    grid = {"learning_rate": [0.1, 0.6], "beta": [0.0, 0.5]}
    r = jl.sweep(jl.momentum, grid, _quadratic, None, steps=15, seeds=3, init_params=_starts, key=KEY)
    assert r.config_diverged.tolist() == [False, False, True, False]  # GD at η = 0.6 diverges; β = 0.5 rescues it
    for c in range(4):
        for s in range(3):
            alone = jl.sweep(jl.momentum, {k: [v] for k, v in r.config(c).items()}, _quadratic, _starts(r.seed_key(s)),
                             steps=15)  # fmt: skip
            np.testing.assert_array_equal(r.values[c, s], alone.values[0])
            assert r.initial_values[c, s] == alone.initial_value


def test_full_batch_seeds_need_a_random_start_and_a_key():
    with pytest.raises(ValueError, match="seeds in sweep need init_params"):
        jl.sweep(jl.sgd, {"learning_rate": [0.1]}, _quadratic, jnp.ones(2), steps=2, seeds=2, key=KEY)
    with pytest.raises(TypeError, match="key"):
        jl.sweep(jl.sgd, {"learning_rate": [0.1]}, _quadratic, None, steps=2, seeds=2, init_params=_starts)


def test_init_params_must_give_one_tree_for_every_key():
    calls = []

    def ragged(key):  # the second seed's tree has another shape
        calls.append(key)
        return {"a": jnp.zeros(()), "c": [jnp.ones(2 if len(calls) == 1 else 3)]}

    with pytest.raises(ValueError, match=r"init_params must return the same tree.*seed 1"):
        jl.sweep_fit(jl.sgd, {"learning_rate": [0.1]}, loss, None, DATA, epochs=1, batch_size=8, key=KEY, seeds=2,
                     init_params=ragged)  # fmt: skip


def test_plot_seeds_draws_the_centre_and_the_band_over_seeds(tmp_path):
    pytest.importorskip("matplotlib")
    from pngs import png_size

    from jaxopt_lectures import plotting

    final = np.array([[1.0, 2.0, 4.0], [0.5, 0.25, 1.0]])
    r = _by_hand(final)
    fig = plotting.plot_seeds(r, path=tmp_path / "s.png", figsize=(4.0, 3.0), dpi=50, show_seeds=True)
    assert png_size(tmp_path / "s.png") == (200, 150)
    ax = fig.axes[0]
    centres = [line for line in ax.lines if line.get_linewidth() == 1.6]
    np.testing.assert_array_equal(centres[1].get_ydata(), r.mean()[1])
    assert len(ax.lines) == 2 + 2 * 3  # a centre and three seeds per configuration
    band = ax.collections[0].get_paths()[0].vertices[:, 1]  # the polygon runs along the top and the bottom
    for edge in (r.mean()[0] - r.std()[0], r.mean()[0] + r.std()[0]):
        assert np.isin(edge, band).all()
    fig = plotting.plot_seeds(r, band="quantiles", q=0.1, log=False, configs=[1])
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    assert np.isin(np.quantile(final[1], [0.1, 0.9]), band).all()
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), r.median()[1])


@pytest.mark.slow  # a fresh interpreter, L3's MLP compiled twice: ~10 s
def test_the_example_script_runs_and_checks_its_contract(tmp_path):
    import pathlib
    import subprocess
    import sys

    from hang_guard import HANG_GUARD_SECONDS

    script = pathlib.Path(__file__).resolve().parents[1] / "examples" / "sweep_seeds.py"
    png = tmp_path / "seeds.png"
    proc = subprocess.run([sys.executable, str(script), str(png), "--quick", "--seeds", "3"], capture_output=True,
                          text=True, timeout=HANG_GUARD_SECONDS, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert "5 learning rates × 3 seeds, 60 epochs" in proc.stdout and "(≤ 1e-3: True)" in proc.stdout
    assert "best by the mean" in proc.stdout and "best by the max" in proc.stdout
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "no plot" in proc.stdout
    else:
        assert png.exists()


@pytest.mark.slow  # a fresh interpreter with 3 forced host devices: ~8 s
def test_seeds_sharded_over_devices_equal_one_device():
    import os
    import subprocess
    import sys
    import textwrap

    from hang_guard import HANG_GUARD_SECONDS

    code = textwrap.dedent("""
        import jax, jax.numpy as jnp, numpy as np, jaxopt_lectures as jl
        x = jnp.linspace(-1.0, 1.0, 24); data = (x, 3.0 * x)
        loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
        init = lambda k: jax.random.normal(k, ())
        kw = dict(epochs=3, batch_size=8, key=jax.random.key(0), seeds=2, init_params=init)
        grid = {"learning_rate": [0.1, 0.3, 0.5, 0.7]}  # 4 configurations on 3 devices: padded to 6
        one = jl.sweep_fit(jl.sgd, grid, loss, None, data, devices=jax.devices()[:1], **kw)
        three = jl.sweep_fit(jl.sgd, grid, loss, None, data, **kw)
        assert three.num_devices == 3 and three.values.shape == (4, 2, 3)
        np.testing.assert_array_equal(one.values, three.values)  # elementwise arithmetic: bitwise
        np.testing.assert_array_equal(one.params, three.params)
        print("ok")
    """)  # fmt: skip
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=3", "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=HANG_GUARD_SECONDS)  # fmt: skip
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr[-3000:]
