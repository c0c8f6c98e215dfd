"""Successive halving, ``sweep_fit(..., halving=η)`` (issue 16, item 3; Jamieson & Talwalkar 2016).

The expected curves are derived independently: every configuration runs the whole way in one
:class:`Population` (or ``sweep_fit`` without halving), and a hand-written loop replays the halving
on those curves — a survivor's epochs are the same computation as in the whole run (the same
minibatches, from the same carry), so it must match bitwise (against ``Population``) or to rounding
(against ``sweep_fit``, whose program batches the rows differently).
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.sweeps.halving import default_rungs, keep_best
from jaxopt_lectures.sweeps.population import Population

X = jnp.linspace(-1.0, 1.0, 32)
DATA = (X, 3.0 * X + 0.1 * jnp.sin(7.0 * X))
VALIDATION = (X[::3] + 0.01, 3.0 * X[::3])
P0 = {"a": jnp.zeros(()), "c": [jnp.zeros(2)]}
KEY = jax.random.key(0)


def loss(p, b):
    return jnp.mean((p["a"] * b[0] + p["c"][0][0] - b[1]) ** 2) + 0.1 * jnp.sum(p["c"][0] ** 2)


def halving(rates, epochs, eta, rungs=None, validation=VALIDATION):
    return jl.sweep_fit(jl.sgd, {"learning_rate": rates}, loss, P0, DATA, epochs=epochs, batch_size=8, key=KEY,
                        validation_data=validation, halving=eta, rungs=rungs)  # fmt: skip


def replay(measure, rungs, eta):
    """Hand-written successive halving on whole-run curves ``measure`` [n, E]: each configuration's
    stopping epoch (keep the ⌈m/η⌉ lowest finite measures at each rung, ties by index)."""
    alive, stopped = list(range(len(measure))), {}
    for r in rungs[:-1]:
        scored = sorted((measure[i, r - 1], i) for i in alive if np.isfinite(measure[i, r - 1]))
        keep = {i for _, i in scored[: math.ceil(len(alive) / eta)]}
        stopped.update({i: r for i in alive if i not in keep})
        alive = sorted(keep)
    stopped.update({i: rungs[-1] for i in alive})
    return np.array([stopped[i] for i in range(len(measure))])


def masked(curves, stopped):
    epochs = np.arange(curves.shape[1])
    mask = epochs[None, :] < stopped[:, None]
    return np.where(mask.reshape(mask.shape + (1,) * (curves.ndim - 2)), curves, np.nan)


def _population(rates, validation):
    pop = Population(jl.sgd, {"learning_rate": rates}, loss, DATA, key=KEY, batch_size=8, sampling="shuffle",
                     validation_data=validation)  # fmt: skip
    pop.start(P0)
    return pop


def test_curves_equal_a_whole_population_run_bitwise():
    # η = 1.5 keeps ⌈9/1.5⌉ = 6 at the first rung, but only 5 are finite: the diverged never survive;
    # η = 1 grows without overflowing (finite, ranked last at the second rung, above its start: "diverged")
    rates = np.array([0.003, 0.01, 0.1, 0.3, 1.0, 1e100, 1e150, 1e200, 1e250])  # the last 4 overflow at once
    r = halving(rates, 6, 1.5, rungs=[2, 4, 6])
    pop = _population(rates, VALIDATION)  # every row the whole way (in segments: == one run, bitwise)
    segments = [pop.run(np.arange(9), first, 2) for first in (0, 2, 4)]
    values, val_values, step_losses = (np.concatenate(parts, axis=1) for parts in zip(*segments))
    stopped = replay(val_values, r.rungs, 1.5)
    assert stopped.tolist() == [6, 6, 6, 6, 4, 2, 2, 2, 2]
    np.testing.assert_array_equal(r.stopped_epoch, stopped)
    np.testing.assert_array_equal(r.values, masked(values, stopped))
    np.testing.assert_array_equal(r.val_values, masked(val_values, stopped))
    np.testing.assert_array_equal(r.step_losses, masked(step_losses, stopped))
    assert r.rung_sizes == [9, 5, 4] and r.finished.tolist() == [True] * 4 + [False] * 5
    assert r.diverged.tolist() == [False] * 4 + [True] * 5
    assert r.config_steps == (9 * 2 + 5 * 2 + 4 * 2) * 4 and r.grid_config_steps == 9 * 6 * 4  # 4 steps an epoch
    best = int(np.nanargmin(val_values[:, -1]))
    assert r.best().index == best and r.best().final_value == r.val_values[best, -1]
    assert isinstance(r, jl.SweepResult) and r.eta == 1.5 and r.config(0) == {"learning_rate": 0.003}
    header, _, first, *_ = r.table(sort=True).splitlines()
    assert "epochs" in header and first.split()[1] == "6" and first.split()[-1] == "best"


def test_without_validation_it_ranks_the_training_loss():
    rates = np.array([0.003, 0.01, 0.03, 0.1, 0.3, 1.0])
    r = halving(rates, 4, 2, rungs=[2], validation=None)  # the last rung, 4, is appended
    pop = _population(rates, None)
    values = np.concatenate([pop.run(np.arange(6), 0, 2)[0], pop.run(np.arange(6), 2, 2)[0]], axis=1)
    assert r.rungs == (2, 4) and r.val_values is None
    stopped = replay(values, r.rungs, 2)
    np.testing.assert_array_equal(r.stopped_epoch, stopped)
    np.testing.assert_array_equal(r.values, masked(values, stopped))
    assert r.rung_sizes == [6, 3] and r.best().index == int(np.nanargmin(values[:, -1]))
    np.testing.assert_array_equal(r.final_values, values[np.arange(6), stopped - 1])


def test_keep_best():
    nan = np.nan
    assert keep_best(np.array([3.0, 1.0, 2.0, 1.0]), 2).tolist() == [1, 3]  # ties by position
    assert keep_best(np.array([nan, 1.0, np.inf, nan]), 1.5).tolist() == [1]  # ⌈4/1.5⌉ = 3, one finite
    assert keep_best(np.array([nan, nan]), 2).tolist() == []
    assert keep_best(np.array([5.0, 4.0, 3.0, 2.0, 1.0]), 3).tolist() == [3, 4]  # ⌈5/3⌉ = 2


def test_default_rungs():
    # E/η², E/η, E rounded, at least 1, repeats dropped
    assert default_rungs(81, 3) == (9, 27, 81)
    assert default_rungs(100, 3) == (11, 33, 100)
    assert default_rungs(10, 2) == (3, 5, 10)  # 2.5 rounds up
    assert default_rungs(5, 3) == (1, 2, 5)
    assert default_rungs(2, 3) == (1, 2)
    assert default_rungs(1, 4) == (1,)
    assert default_rungs(40, 2.5) == (6, 16, 40)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_l3_mlp_halving_finds_the_grids_best_at_a_quarter_of_the_steps(seed):
    """Issue 16 item 3: L3's sin-regression MLP, 256 Adam rates (peak rates log-spaced on [1e-4, 1], cosine
    decay to 0) × β1 ∈ {0.5, 0.9}, 270 epochs of batches of 50, η = 3 (default rungs 30, 90, 270),
    validation on 1000 test points; data, initial weights and minibatches from ``split(key(seed), 3)`` as in
    examples/l3_sin_regression.py.

    Why these settings: the criterion is a 5% gap between two *validation losses*, so the validation loss
    must be measured better than 5%. With the notebook's 100 test points its sampling noise between two
    configurations is about 5%, and with a constant learning rate each curve's last-epoch loss jumps by
    1–13% from epoch to epoch, so the grid's "best" is a lucky draw of 512 that no early ranking can
    predict: simulated halving on the grid's own curves then lands 2–63% worse (notes of the prototype,
    10 seeds per setting). A decaying rate and 1000 test points make the final losses what the
    configurations are worth: simulated on 30 seeds, halving keeps the grid's best on 27 and lands at most
    4.6% worse (seed 25); seeds 0–2 here."""
    from jaxopt_lectures.init import mlp_init
    from jaxopt_lectures.problems import sin_regression as sr

    epochs, batch = 270, 50
    data_key, init_key, key = jax.random.split(jax.random.key(seed), 3)
    train, test = sr.sin_regression_data(data_key, n_train=100, n_test=1000)
    params = mlp_init(init_key, sr.LAYER_SIZES, "xavier_uniform")
    steps_per_epoch = 100 // batch

    def adam_cosine(learning_rate, b1):  # the peak rate decays to 0 over the run
        return jl.adam(optax.cosine_decay_schedule(learning_rate, epochs * steps_per_epoch), b1=b1)

    grid = {"learning_rate": np.logspace(-4, 0, 256), "b1": [0.5, 0.9]}
    kw = {"epochs": epochs, "batch_size": batch, "key": key, "validation_data": test}
    full = jl.sweep_fit(adam_cosine, grid, sr.mse_loss, params, train, **kw)
    r = jl.sweep_fit(adam_cosine, grid, sr.mse_loss, params, train, halving=3, **kw)

    assert full.best().final_value < 2 * sr.NOISE_FLOOR  # the grid learns (a degenerate seed would not)
    assert r.rungs == (30, 90, 270) and r.rung_sizes == [512, 171, 57]
    assert full.step_losses.size == 512 * epochs * steps_per_epoch == r.grid_config_steps
    assert r.config_steps == (512 * 30 + 171 * 60 + 57 * 180) * steps_per_epoch  # 71 760 = 0.2595 of the grid's
    assert r.config_steps <= full.step_losses.size / 3
    assert r.best().final_value <= 1.05 * full.best().final_value
    # the survivors are the best ⌈m/3⌉ by their validation loss at each rung, and their curves the grid's: to
    # rounding in the first epochs (the two programs batch the rows' matrix products differently), which the
    # high learning rates amplify over later epochs
    np.testing.assert_array_equal(r.stopped_epoch, replay(r.val_values, r.rungs, 3))
    np.testing.assert_allclose(r.val_values[:, :9], full.val_values[:, :9], rtol=1e-4)
