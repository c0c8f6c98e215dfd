"""Population-based training (issue 16 item 4): ``sweep_fit(..., pbt=jl.PBT(...))``.

* against a hand-written host loop: every member trained interval by interval with ``jl.fit``
  (``opt_state`` and ``initial_epoch`` continue a run exactly), the exploit/explore rule written
  out again below from the module docstring, with the same key. The decisions (lineage, schedules)
  must be equal exactly; the losses to rounding (the population runs the members as vmapped rows,
  ``fit`` one at a time: XLA may order a batched sum differently), rtol 1e-12 in float64;
* replaying the best member's schedule with ``fit`` gives its curve back (what ``schedules`` means;
  in the slow acceptance test, where that schedule beats every constant rate);
* no interval compiles anything and the hyperparameters reach the factory as tracers;
* a diverged member is never copied.
The acceptance test (PBT beats every rate of a 16-point grid on L0's noisy quadratic) is slow.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.problems import noisy_quadratic as nq
from jaxopt_lectures.sweeps.population import Population

X = jnp.linspace(-1.0, 1.0, 32)
DATA = (X, 3.0 * X + 0.1 * jnp.sin(7.0 * X))
VALIDATION = (X[::3] + 0.01, 3.0 * X[::3])
P0 = {"a": jnp.zeros(()), "c": jnp.zeros(2)}
KEY = jax.random.key(3)  # the minibatches
LRS = np.array([0.003, 0.01, 0.03, 0.1, 0.3, 1.0])


TRACES, FACTORY_ARGS = [], []  # every trace of ``loss``; how ``adam_factory`` got its learning rate


def loss(p, b):
    TRACES.append(1)  # runs only while jax traces it (a compiled program never calls Python)
    return jnp.mean((p["a"] * b[0] + p["c"][0] - b[1]) ** 2) + 0.1 * jnp.sum(p["c"] ** 2)


def adam_factory(learning_rate):
    FACTORY_ARGS.append("traced" if isinstance(learning_rate, jax.core.Tracer) else "concrete")
    return jl.adam(learning_rate)


def _rng(pbt_key, r):
    words = np.asarray(jax.random.key_data(pbt_key), np.uint32).ravel().tolist()
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words, spawn_key=(r,))))


def host_loop(lrs, *, epochs, interval, quantile, factors, resample, pbt_key):
    """PBT written out: fit per member and interval; rank by validation loss; copy; perturb."""
    n = len(lrs)
    m = max(1, math.floor(quantile * n))
    lrs = np.array(lrs, np.float64)
    members = [(P0, None, False) for _ in range(n)]  # params, opt_state, diverged
    lineage, curves, lr_used = [np.arange(n)], [], []
    for r, first in enumerate(range(0, epochs, interval)):
        lr_used.append(lrs.copy())
        scores, curve = np.full(n, np.inf), np.full((n, interval), np.nan)
        for i, (p, state, dead) in enumerate(members):
            if dead:
                continue
            p, h = jl.fit(loss, p, DATA, jl.adam(float(lrs[i])), epochs=interval, batch_size=8, key=KEY,
                          validation_data=VALIDATION, opt_state=state, initial_epoch=first)  # fmt: skip
            members[i] = (p, h.opt_state, h.reason == "diverged")
            curve[i] = h.train_loss
            if np.isfinite(h.val_loss[-1]) and h.reason != "diverged":
                scores[i] = h.val_loss[-1]
        curves.append(curve)
        if first + interval >= epochs:
            break
        ranked = sorted(range(n), key=lambda i: (scores[i], i))
        best, worst = ranked[:m], ranked[n - m:]
        sources = [i for i in best if np.isfinite(scores[i])]
        rng = _rng(pbt_key, r)
        picks = [sources[j] for j in rng.integers(0, len(sources), m)]
        parents = np.arange(n)
        for w, s in zip(worst, picks):
            members[w], lrs[w], parents[w] = members[s], lrs[s], s
        times = np.asarray(factors)[rng.integers(0, len(factors), m)]
        coins, fresh = rng.random(m) < resample, LRS[rng.integers(0, len(LRS), m)]
        for j, w in enumerate(worst):
            lrs[w] = fresh[j] if coins[j] else lrs[w] * times[j]
        lineage.append(parents)
    return np.stack(lineage, 1), curves, np.stack(lr_used, 1), lrs


def test_pbt_equals_a_host_loop_of_fit():
    pbt = jl.PBT(interval=2, key=jax.random.key(7), quantile=0.5, factors=(0.5, 2.0), resample_probability=0.3)
    r = jl.sweep_fit(adam_factory, {"learning_rate": LRS}, loss, P0, DATA, epochs=6, batch_size=8, key=KEY,
                     validation_data=VALIDATION, pbt=pbt)  # fmt: skip
    lineage, curves, lr_used, lrs = host_loop(LRS, epochs=6, interval=2, quantile=0.5, factors=(0.5, 2.0),
                                              resample=0.3, pbt_key=jax.random.key(7))  # fmt: skip
    assert isinstance(r, jl.PBTResult) and r.values.shape == (6, 6) and r.lineage.shape == (6, 3)
    np.testing.assert_array_equal(r.lineage, lineage)
    assert (lineage[:, 1:] != np.arange(6)[:, None]).sum() == 6  # m = 3 copies after each of 2 intervals
    np.testing.assert_array_equal(r.configs["learning_rate"], lrs)
    np.testing.assert_array_equal(r.slot_schedules["learning_rate"][:, ::2], lr_used)  # what each slot trained with
    for k in range(3):  # the slot curves, read along each member's ancestry
        slots = np.array([r.ancestors(i)[k] for i in range(6)])
        np.testing.assert_allclose(r.values[:, 2 * k: 2 * k + 2], curves[k][slots], rtol=1e-12)
        np.testing.assert_array_equal(r.schedules["learning_rate"][:, 2 * k], lr_used[slots, k])
    assert r.best().final_value == np.min(r.val_values[:, -1])


def test_no_interval_compiles_and_the_hyperparameters_are_traced():
    def run(epochs):
        return jl.sweep_fit(adam_factory, {"learning_rate": LRS}, loss, P0, DATA, epochs=epochs, batch_size=8,
                            key=KEY, validation_data=VALIDATION, pbt=jl.PBT(interval=2, key=jax.random.key(1)))

    run(4)  # compiles the start and the 2-epoch segment (unless an earlier test did)
    before, calls = len(TRACES), len(FACTORY_ARGS)
    r = run(14)  # 7 intervals, new hyperparameter values after each
    assert not np.isin(r.configs["learning_rate"], LRS).all()  # explore made new values
    assert len(TRACES) == before  # nothing traced, so nothing compiled
    assert FACTORY_ARGS[calls:] == ["concrete"]  # the grid's check before compiling, once
    assert set(FACTORY_ARGS) == {"concrete", "traced"}  # inside the programs: tracers


class Maker:  # a registry entry's ``make`` is a bound method of an unhashable object, as here
    __hash__ = None

    def make(self, learning_rate):
        return jl.sgd(learning_rate)


def test_a_factory_the_program_cache_cannot_hold_compiles_once_per_population():
    pop = Population(Maker().make, {"learning_rate": np.array([0.1, 0.2])}, loss, DATA, key=KEY, batch_size=8,
                     sampling="shuffle")  # fmt: skip
    pop.start(P0)
    pop.run([0, 1], 0, 1)
    before = len(TRACES)
    pop.configs["learning_rate"][:] = [0.3, 0.05]  # what explore does between intervals
    pop.run([0, 1], 1, 1)
    assert len(TRACES) == before  # programs.py keys it by identity: no new trace


def quadratic(w, b):
    return jnp.mean((w * b[0] - b[1]) ** 2)


def test_a_diverged_member_is_never_copied():
    r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.05, 1e80, 1e90, 1e100]}, quadratic, 0.0, (X, 2.0 * X), epochs=4,
                     batch_size=8, key=KEY, pbt=jl.PBT(interval=1, key=jax.random.key(0), quantile=0.5))  # fmt: skip
    assert np.isinf(r.interval_values[1:, 0]).all()  # three diverge in the first interval
    for k in range(1, r.lineage.shape[1]):
        parents = r.lineage[:, k]
        copied = parents != np.arange(4)
        assert np.isfinite(r.interval_values[parents[copied], k - 1]).all()
    # m = 2: member 1 (diverged) is among the best 2 but not a source; 2 and 3 copy member 0, the
    # only finite one; after the next interval member 1 ranks last and is replaced too
    np.testing.assert_array_equal(r.lineage[:, 1], [0, 1, 0, 0])
    assert r.lineage[1, 2] != 1
    assert not r.diverged.any() and np.isfinite(r.values).all()  # every diverged member was replaced


def test_a_grid_with_a_distribution_resamples_from_it():
    pbt = jl.PBT(interval=1, key=jax.random.key(2), quantile=0.5, resample_probability=1.0)
    r = jl.sweep_fit(jl.sgd, {"learning_rate": jl.log_uniform(0.2, 0.4)}, quadratic, 0.0, (X, 2.0 * X), epochs=2,
                     batch_size=8, key=KEY, samples=4, sample_key=jax.random.key(5), pbt=pbt)  # fmt: skip
    rng = _rng(jax.random.key(2), 0)  # sources, factors, coins, then the fresh draws (module docstring)
    rng.integers(0, 2, 2), rng.integers(0, 2, 2), rng.random(2)
    fresh = np.exp(rng.uniform(math.log(0.2), math.log(0.4), 2))
    copied = r.lineage[:, 1] != np.arange(4)
    np.testing.assert_array_equal(np.sort(r.configs["learning_rate"][copied]), np.sort(fresh))  # never ×0.8 / ×1.25


# --------------------------------------------------------------------------------------------
# Acceptance (slow): L0's noisy quadratic, where a decaying rate beats every constant one
# --------------------------------------------------------------------------------------------

GRID = np.geomspace(1e-3, 0.4, 16)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_pbt_beats_every_constant_rate_of_a_16_point_grid(dtype):
    """16 members, SGD, initial rates = the grid, every epoch the worst 4 copy one of the best 4
    and multiply η by 0.8 or 1.25 (a prototype found these robust). Same total
    compute as the grid (16 × 64 epochs), same minibatches. Over seeds 0–99 the ratio PBT best /
    grid best excess loss had median 0.21 and worst 0.50 (float32), 0.22 and 0.58 (float64); the
    bound 0.75 asserts a clear win on each of seeds 0–9 (not picked). The decay 0.06 (t + 1)^(−½)
    must also beat the grid (sanity: the problem is one where decay wins; worst ratio 0.77 / 0.80)."""
    ratios = []
    for seed in range(10):
        kd, kb, kp = jax.random.split(jax.random.key(seed), 3)
        loss_fn, x0, data, f_star = nq.noisy_quadratic_l0(kd, dtype=dtype)
        kw = {"epochs": nq.EPOCHS, "batch_size": nq.BATCH_SIZE, "key": kb, "sampling": nq.SAMPLING}
        grid = jl.sweep_fit(jl.sgd, {"learning_rate": GRID}, loss_fn, x0, data, **kw)
        pbt = jl.sweep_fit(jl.sgd, {"learning_rate": GRID}, loss_fn, x0, data, pbt=jl.PBT(interval=1, key=kp), **kw)
        _, decay = jl.fit(loss_fn, x0, data, jl.sgd(jl.schedules.polynomial_decay(**nq.DECAY)), **kw)
        grid_excess = grid.best().final_value - f_star
        assert pbt.values.dtype == dtype and grid_excess > 0
        np.testing.assert_array_equal(pbt.num_grad_evals, grid.num_grad_evals)  # the same compute per member
        assert pbt.best().final_value - f_star < 0.75 * grid_excess, seed
        assert decay.train_loss[-1] - f_star < grid_excess, seed
        if seed == 0:  # the schedule PBT found, replayed by one fit from x0 (a new program: once)
            best = pbt.best().index
            per_epoch = jnp.asarray(pbt.schedules["learning_rate"][best], dtype)
            steps = nq.EXAMPLES // nq.BATCH_SIZE
            _, replay = jl.fit(loss_fn, x0, data, jl.sgd(lambda count: per_epoch[count // steps]), **kw)
            # to rounding: fit runs one row, the population 16 (float32: 1e-5 of f ≈ 6 is 1% of the excess)
            rtol = 1e-5 if dtype == jnp.float32 else 1e-12
            np.testing.assert_allclose(replay.train_loss, pbt.values[best], rtol=rtol)
        ratios.append((pbt.best().final_value - f_star) / grid_excess)
    assert np.median(ratios) < 0.5
