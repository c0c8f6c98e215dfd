"""Sweeps (jaxopt_lectures.sweeps): the lectures' sweeps, equality with single runs, the static
split, isolation of diverging configurations, and bad input. Float64 (conftest). Multi-device
checks are in test_sweep_sharding.py."""

import importlib

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from rounding import assert_equal_to_rounding

import jaxopt_lectures as jl
from jaxopt_lectures.problems import get_problem
from jaxopt_lectures.problems import worked_examples as wx

sweeps = importlib.import_module("jaxopt_lectures.sweeps")


# --------------------------------------------------------------------------------------------
# The lectures' sweeps (ALGORITHMS.md §10.2 and §10.5)
# --------------------------------------------------------------------------------------------


def test_gd_learning_rate_sweep_on_3x2_2y2_4z2_6():
    """§10.2: 60 rates in [0.01, 0.3]; fastest within one grid step of 2/(λmin+λmax) = 1/6,
    diverged exactly for η > 1/4; every row equal to the hand-written GD loop."""
    p = get_problem("separable_quadratic_l0")
    lam, x0 = np.array(wx.SEPARABLE_CURVATURES), np.asarray(p.x0)  # (6, 4, 8), (1, 1, 1)
    etas = np.linspace(0.01, 0.3, 60)
    grid_step = etas[1] - etas[0]
    steps = 100
    r = jl.sweep(jl.sgd, {"learning_rate": etas}, p.fun, jnp.asarray(x0), steps=steps)
    assert r.values.shape == (60, steps) and r.num_programs == 1 and r.initial_value == 15.0

    # the plain loop: x ← x − η λ ⊙ x, values[:, k] = f(x_{k+1})
    x, ref = np.tile(x0, (60, 1)), []
    for _ in range(steps):
        x = x - etas[:, None] * lam * x
        ref.append(3 * x[:, 0] ** 2 + 2 * x[:, 1] ** 2 + 4 * x[:, 2] ** 2 + 6)
    np.testing.assert_allclose(r.values, np.stack(ref, axis=1), rtol=1e-12)
    np.testing.assert_allclose(r.params, x, rtol=1e-10)  # 1 − 6η ≈ 0.004 near η = 1/6: cancellation
    np.testing.assert_array_equal(r.final_values, r.values[:, -1])

    np.testing.assert_array_equal(r.diverged, etas > wx.SEPARABLE_DIVERGENCE_RATE)  # exactly η > 1/4
    best_rate = wx.SEPARABLE_BEST_RATE
    assert best_rate == pytest.approx(2 / (lam.min() + lam.max()))
    # fastest convergence, measured two ways: the per-step contraction max|x_k,i/x_0,i|^(1/k) ...
    contraction = np.max(np.abs(r.params / x0), axis=1) ** (1 / steps)
    np.testing.assert_allclose(contraction, np.max(np.abs(1 - np.outer(etas, lam)), axis=1), rtol=1e-9)
    assert abs(etas[np.argmin(contraction)] - best_rate) <= grid_step
    assert contraction.min() == pytest.approx(wx.SEPARABLE_BEST_CONTRACTION, abs=0.01)
    # ... and the fewest steps to f − 6 ≤ 1e-12 (the slide's 1/8 needs about twice as many)
    to_tol = r.steps_to(6 + 1e-12)
    assert abs(etas[np.argmin(to_tol)] - best_rate) <= grid_step
    assert to_tol[np.argmin(np.abs(etas - wx.SEPARABLE_SLIDE_RATE))] >= 1.5 * to_tol.min()
    assert np.all(np.isinf(to_tol[r.diverged]))


def _momentum_radius(eta, beta, lambdas):
    """Spectral radius of d2l's momentum map (x, v) ↦ (x − η(βv + λx), βv + λx), worst axis."""
    return max(np.max(np.abs(np.linalg.eigvals([[1 - eta * lam, -eta * beta], [lam, beta]]))) for lam in lambdas)


def test_momentum_sweep_on_l0_quadratic_shows_l0s_outcomes():
    """§10.5 on 0.1 x1² + 2 x2² from (−5, −2): over η × β the sweep diverges exactly where the
    momentum map's spectral radius ρ exceeds 1, decays like ρ^(2k), and reproduces L0's runs:
    GD oscillates at η = 0.4 and diverges at 0.6; at η = 0.6 momentum converges with β = 0.5 and
    oscillates more (slower) with β = 0.25."""
    p = get_problem("quadratic_l0")
    lambdas = wx.QUADRATIC_L0_CURVATURES
    etas, betas = np.array([0.05, 0.2, 0.4, 0.6, 0.8, 1.0]), np.array([0.0, 0.25, 0.5, 0.75, 0.9])
    steps = 100
    r = jl.sweep(jl.momentum, {"learning_rate": etas, "beta": betas}, p.fun, jnp.asarray(p.x0), steps=steps)
    eta, beta = r.configs["learning_rate"], r.configs["beta"]
    np.testing.assert_array_equal(eta, np.repeat(etas, len(betas)))  # product order: last name fastest
    np.testing.assert_array_equal(beta, np.tile(betas, len(etas)))

    rho = np.array([_momentum_radius(e, b, lambdas) for e, b in zip(eta, beta)])
    assert np.min(np.abs(rho - 1)) > 0.009  # no grid point on the stability boundary
    np.testing.assert_array_equal(r.diverged, rho > 1)
    observed = (r.final_values / r.initial_value) ** (1 / (2 * steps))  # f_k ≈ C ρ^(2k)
    np.testing.assert_allclose(observed, rho, atol=0.02)

    # the hand-written d2l loop v ← βv + g, x ← x − ηv for every configuration at once
    x = np.tile(np.asarray(p.x0), (len(eta), 1))
    v, ref = np.zeros_like(x), []
    for _ in range(steps):
        v = beta[:, None] * v + np.asarray(lambdas) * x
        x = x - eta[:, None] * v
        ref.append(0.1 * x[:, 0] ** 2 + 2 * x[:, 1] ** 2)
    np.testing.assert_allclose(r.values, np.stack(ref, axis=1), rtol=1e-12)

    f20 = r.values[:, wx.QUADRATIC_L0_STEPS - 1]  # d2l's 20 steps: f(x_20)
    at = lambda e, b: int(np.flatnonzero((eta == e) & (beta == b))[0])  # noqa: E731
    gd_04, gd_06 = at(wx.QUADRATIC_L0_GD_OSCILLATES, 0.0), at(wx.QUADRATIC_L0_GD_DIVERGES, 0.0)
    conv = at(wx.QUADRATIC_L0_MOMENTUM_RATE, wx.QUADRATIC_L0_MOMENTUM_BETA_CONVERGES)
    osc = at(wx.QUADRATIC_L0_MOMENTUM_RATE, wx.QUADRATIC_L0_MOMENTUM_BETA_OSCILLATES)
    assert not r.diverged[gd_04] and r.diverged[gd_06] and f20[gd_06] > 1e6
    assert not r.diverged[conv] and not r.diverged[osc]
    assert f20[conv] < 1e-4 and f20[osc] > 100 * f20[conv]
    # why: along x2 (λ = 4) the slow runs have a real negative dominant eigenvalue (a sign flip
    # every step: oscillation), the β = 0.5 run a complex pair of modulus √β
    def dominant(e, b):
        eig = np.linalg.eigvals([[1 - e * 4.0, -e * b], [4.0, b]])
        return eig[np.argmax(np.abs(eig))]

    assert dominant(0.4, 0.0).real < 0 and dominant(0.6, 0.25).real < 0 and abs(dominant(0.6, 0.25).imag) < 1e-12
    assert abs(dominant(0.6, 0.5).imag) > 0 and abs(dominant(0.6, 0.5)) == pytest.approx(np.sqrt(0.5))


# --------------------------------------------------------------------------------------------
# One program per group; the static split; equality with single-configuration runs
# --------------------------------------------------------------------------------------------


def _single_run(opt, fun, x0, steps):
    """One configuration's loop, no vmap (a jitted scan of concrete-hyperparameter steps):
    values[k] = f(x_{k+1}); the optimizer gets ``value``, ``grad`` and ``value_fn``."""
    opt = optax.with_extra_args_support(opt)

    def step(carry, _):
        x, state, value, grad = carry
        updates, state = opt.update(grad, state, x, value=value, grad=grad, value_fn=fun)
        x = optax.apply_updates(x, updates)
        value, grad = jax.value_and_grad(fun)(x)
        return (x, state, value, grad), value

    @jax.jit
    def run(x0):
        carry = (x0, opt.init(x0), *jax.value_and_grad(fun)(x0))
        (x, *_), values = jax.lax.scan(step, carry, None, length=steps)
        return values, x

    return tuple(np.asarray(a) for a in run(x0))


def test_static_split_one_trace_per_group_caller_order_and_single_runs():
    """``variant`` (a string) gives one compiled group per value, each traced once; rows come back
    in the caller's order and equal the single-configuration loop (irprop+ needs ``value``);
    running the same sweep again compiles nothing."""
    q = get_problem("rosenbrock")
    x0, steps = jnp.asarray(q.x0), 30
    traced = []

    def make(learning_rate, variant):
        traced.append(isinstance(learning_rate, jax.core.Tracer))
        return jl.rprop(learning_rate, variant=variant)

    grid = {"variant": ["irprop+", "rprop-", "irprop+"], "learning_rate": [0.01, 0.1]}
    r = jl.sweep(make, grid, q.fun, x0, steps=steps, product=True)
    assert r.num_programs == 2 and sum(traced) == 2  # one trace per distinct variant
    assert r.configs["variant"].tolist() == ["irprop+", "irprop+", "rprop-", "rprop-", "irprop+", "irprop+"]
    for i in (0, 3):  # one row of each variant against the eager loop
        values, x = _single_run(jl.rprop(**r.config(i)), q.fun, x0, steps)
        np.testing.assert_allclose(r.values[i], values, rtol=1e-12)
        np.testing.assert_allclose(r.params[i], x, rtol=1e-12)
    # the repeated variant: the same rows, computed in other lanes of the same 4-row batch, where
    # XLA:CPU may vectorise the objective's sum differently (a remainder loop): equal to rounding
    assert_equal_to_rounding(r.values[4:], r.values[:2], steps=steps, floor=float(q.fun(x0)))
    rprop_minus = lambda learning_rate: make(learning_rate, "rprop-")  # noqa: E731
    alone = jl.sweep(rprop_minus, {"learning_rate": [0.01, 0.1]}, q.fun, x0, steps=steps)
    # bitwise: the same program on the same shapes (a 2-row group either way) and the same numbers
    np.testing.assert_array_equal(alone.values, r.values[2:4])

    before = sum(traced)
    again = jl.sweep(make, grid, q.fun, x0, steps=steps)
    assert sum(traced) == before  # cached: nothing traced or compiled again
    np.testing.assert_array_equal(again.values, r.values)  # bitwise: the same compiled programs, same inputs


def test_a_float_the_factory_needs_as_a_python_value_is_split_automatically():
    def make(learning_rate, clip):
        if clip > 0:  # a Python branch on a float hyperparameter: it cannot be traced
            return optax.chain(optax.clip(clip), jl.sgd(learning_rate))
        return jl.sgd(learning_rate)

    fun = lambda x: jnp.sum((x - 3.0) ** 2)  # noqa: E731
    grid = {"learning_rate": [0.1, 0.4], "clip": [0.0, 0.5, 2.0]}
    r = jl.sweep(make, grid, fun, jnp.zeros(2), steps=10)
    assert r.num_programs == 3
    for i in range(6):
        values, _ = _single_run(make(**r.config(i)), fun, jnp.zeros(2), 10)
        np.testing.assert_allclose(r.values[i], values, rtol=1e-12)


def test_none_and_strings_in_one_grid_are_static():
    def make(learning_rate, max_norm):
        clip = [] if max_norm is None else [optax.clip_by_global_norm(max_norm)]
        return optax.chain(*clip, jl.sgd(learning_rate))

    fun = lambda x: jnp.sum((x - 3.0) ** 2)  # noqa: E731
    r = jl.sweep(make, {"max_norm": [None, 0.5], "learning_rate": [0.1, 0.2]}, fun, jnp.zeros(2), steps=5)
    assert r.num_programs == 2 and r.configs["max_norm"].tolist() == [None, None, 0.5, 0.5]
    assert r.config(0) == {"max_norm": None, "learning_rate": 0.1} and "None" in r.table()
    np.testing.assert_allclose(r.values[3], _single_run(make(0.2, 0.5), fun, jnp.zeros(2), 5)[0], rtol=1e-12)


def test_optax_factories_sweep_too():
    """optax.sgd(η, momentum=β) is the classic heavy ball (registry peers): same rows."""
    p = get_problem("quadratic_l0")
    grid = {"learning_rate": [0.05, 0.4], "momentum": [0.0, 0.5]}
    ours = lambda learning_rate, momentum: jl.momentum(learning_rate, beta=momentum)  # noqa: E731
    r = jl.sweep(optax.sgd, grid, p.fun, jnp.asarray(p.x0), steps=15)
    np.testing.assert_allclose(r.values, jl.sweep(ours, grid, p.fun, jnp.asarray(p.x0), steps=15).values, rtol=1e-12)


def test_product_false_zips_and_a_line_search_runs():
    fun = get_problem("beale").fun
    x0 = jnp.asarray(get_problem("beale").x0)

    def make(c1, shrink):  # the search needs value, grad and value_fn; its loop length differs per row
        return jl.nonlinear_cg(line_search=jl.scale_by_armijo_line_search(c1=c1, shrink=shrink))

    r = jl.sweep(make, {"c1": [1e-4, 0.3], "shrink": [0.5, 0.8]}, fun, x0, steps=8, product=False)
    assert r.values.shape == (2, 8) and r.num_programs == 1 and r.configs["shrink"].tolist() == [0.5, 0.8]
    for i in range(2):
        values, _ = _single_run(make(**r.config(i)), fun, x0, 8)
        np.testing.assert_allclose(r.values[i], values, rtol=1e-10)


# --------------------------------------------------------------------------------------------
# Isolation: a configuration that blows up stops alone
# --------------------------------------------------------------------------------------------


def test_a_diverging_configuration_never_changes_the_others():
    """η = 5 reaches √(negative) (NaN) at step 2, η = 1e300 overflows (inf) at step 1: both stop
    at their last finite iterate, are marked diverged, their later values are NaN, and the other
    rows are bitwise equal to the same sweep with tame rates in their place (there is no arithmetic
    across rows). Bitwise holds on any CPU because both sweeps are the same program on the same
    shapes: a row runs the same instructions on the same numbers unless it reads another row. (A
    sweep of fewer rows would be another batch size, for which XLA:CPU may pick another kernel.)"""

    def fun(x):
        return jnp.sum((x - 1.0) ** 2) + 0.01 * jnp.sqrt(x[0] + 50.0)  # NaN for x0 < −50

    x0 = jnp.zeros(2)
    r = jl.sweep(jl.sgd, {"learning_rate": [0.1, 5.0, 0.3, 1e300]}, fun, x0, steps=12)
    clean = jl.sweep(jl.sgd, {"learning_rate": [0.1, 0.2, 0.3, 0.05]}, fun, x0, steps=12)
    assert not clean.diverged.any()
    np.testing.assert_array_equal(r.values[[0, 2]], clean.values[[0, 2]])
    np.testing.assert_array_equal(r.params[[0, 2]], clean.params[[0, 2]])
    assert r.diverged.tolist() == [False, True, False, True]
    assert np.isfinite(r.values[1, :1]).all() and np.isnan(r.values[1, 1:]).all()
    assert np.isnan(r.values[3]).all()
    np.testing.assert_allclose(r.params[1], _single_run(jl.sgd(5.0), fun, x0, 1)[1], rtol=1e-12)  # x_1
    np.testing.assert_array_equal(r.params[3], x0)  # not one finite step
    assert np.isnan(r.final_values[[1, 3]]).all()
    assert r.best().index in (0, 2) and "yes" in r.table()


def test_ending_above_the_start_is_divergence_and_best_and_table():
    fun = lambda x: jnp.sum(x**2)  # noqa: E731  (GD factor 1 − 2η: diverges for η > 1)
    r = jl.sweep(jl.sgd, {"learning_rate": [0.2, 0.5, 1.05, 0.9]}, fun, jnp.ones(3), steps=20)
    assert r.diverged.tolist() == [False, False, True, False]
    assert np.all(np.isfinite(r.values))  # 1.1^40 is finite: diverged by ending above f(x0) = 3
    best = r.best()
    assert best.index == 1 and best.config == {"learning_rate": 0.5} and best.final_value == 0.0
    table = r.table()
    assert table.splitlines()[0].split() == ["learning_rate", "final", "loss", "diverged"]
    assert "best" in table.splitlines()[3] and str(r) == table and len(table.splitlines()) == 6
    assert r.table(sort=True).splitlines()[2].startswith("0.5")
    with pytest.raises(ValueError, match="every configuration diverged"):
        jl.sweep(jl.sgd, {"learning_rate": [1.5, 2.0]}, fun, jnp.ones(3), steps=5).best()


# --------------------------------------------------------------------------------------------
# The minibatch form: fit for every configuration, on the same batches
# --------------------------------------------------------------------------------------------


def test_a_grid_without_float_hyperparameters_still_sweeps():
    """Only integers and strings: nothing to trace; each configuration is its own static group
    (the vmap runs over the configuration index alone), for sweep and for sweep_fit."""
    q = get_problem("rosenbrock")
    x0 = jnp.asarray(q.x0)
    r = jl.sweep(jl.lbfgs, {"memory_size": [1, 5]}, q.fun, x0, steps=15)
    assert r.num_programs == 2 and r.values.shape == (2, 15)
    for i in range(2):
        values, _ = _single_run(jl.lbfgs(**r.config(i)), q.fun, x0, 15)
        np.testing.assert_allclose(r.values[i], values, rtol=1e-10)
    data = (jnp.linspace(-1.0, 1.0, 8)[:, None], jnp.linspace(0.0, 1.0, 8))
    loss = lambda w, b: jnp.mean((b[0] @ w - b[1]) ** 2)  # noqa: E731
    fitted = jl.sweep_fit(jl.rprop, {"variant": ["rprop-", "irprop+"]}, loss, jnp.zeros(1), data, epochs=3,
                          batch_size=4, key=jax.random.key(0))
    assert fitted.num_programs == 2 and np.all(np.isfinite(fitted.values))


def test_traced_hyperparameters_take_the_parameters_dtype():
    """A float64 grid (x64 is on in these tests) with float32 parameters: the optimizer state and
    the values stay float32 instead of promoting (which used to break the scan's carry)."""
    q = get_problem("quadratic_l0")
    x0 = jnp.asarray(q.x0, jnp.float32)
    r = jl.sweep(jl.momentum, {"learning_rate": [0.1, 0.3], "beta": [0.5]}, q.fun, x0, steps=10)
    assert r.values.dtype == np.float32 and r.params.dtype == np.float32
    values, _ = _single_run(jl.momentum(np.float32(0.3), beta=np.float32(0.5)), q.fun, x0, 10)
    np.testing.assert_allclose(r.values[1], values, rtol=1e-6)  # float32 rounding


def test_validation_builds_each_static_group_once_with_its_float_columns_as_arrays():
    """256 learning rates validate in one concrete build per static group (this library's range
    checks test every element of an array); a factory that needs Python scalars is built per row."""
    calls = []

    def make(learning_rate, variant):
        calls.append(type(learning_rate).__name__)
        return jl.rprop(learning_rate, variant=variant)

    fun = lambda x: jnp.sum((x - 1.0) ** 2)  # noqa: E731
    jl.sweep(make, {"learning_rate": np.linspace(0.01, 0.1, 8), "variant": ["rprop-", "irprop-"]}, fun,
             jnp.zeros(2), steps=3)
    concrete = [c for c in calls if c != "DynamicJaxprTracer" and "Tracer" not in c]
    assert concrete == ["ndarray", "ndarray"]  # one validation per variant, all 8 rates at once

    def scalar_only(learning_rate):
        if learning_rate > 0.05:  # a Python branch: arrays are ambiguous here, so rows are built one by one
            return optax.chain(optax.clip(1.0), jl.sgd(learning_rate))
        return jl.sgd(learning_rate)

    r = jl.sweep(scalar_only, {"learning_rate": [0.01, 0.1]}, fun, jnp.zeros(2), steps=3)
    assert r.num_programs == 2 and not r.diverged.any()


def test_sweep_fit_rows_equal_fit():
    x = jnp.linspace(-1.0, 1.0, 24)
    data = (jnp.stack([x, x**2], axis=1), 2.0 * x - x**2)

    def loss(w, batch):
        return jnp.mean((batch[0] @ w - batch[1]) ** 2)

    key, w0 = jax.random.key(3), jnp.zeros(2)
    grid = {"learning_rate": [0.05, 0.3], "variant": ["irprop+"]}
    r = jl.sweep_fit(jl.rprop, grid, loss, w0, data, epochs=6, batch_size=5, key=key)
    assert r.values.shape == (2, 6) and r.step_losses.shape == (2, 6, 4)
    assert r.initial_value == pytest.approx(float(loss(w0, data)))
    for i in range(2):
        w, hist = jl.fit(loss, w0, data, jl.rprop(**r.config(i)), epochs=6, batch_size=5, key=key, progress=False)
        np.testing.assert_allclose(r.values[i], hist.train_loss, rtol=1e-12)
        np.testing.assert_allclose(r.step_losses[i], hist.step_losses, rtol=1e-12)
        np.testing.assert_allclose(r.params[i], w, rtol=1e-12)
    assert not r.diverged.any()


# --------------------------------------------------------------------------------------------
# Bad input: a clear error before anything is traced or compiled
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"grid": {}}, ValueError, "at least one hyperparameter"),
        ({"grid": [0.1, 0.2]}, ValueError, "at least one hyperparameter"),
        ({"grid": {"learning_rate": []}}, ValueError, r"grid\['learning_rate'\] is empty"),
        ({"grid": {"learning_rate": [[0.1, 0.2]]}}, ValueError, "must be a 1-D array"),
        ({"grid": {"learning_rate": 0.1}}, ValueError, "must be a 1-D array"),
        ({"grid": {"learning_rate": [0.1, 0.2], "beta": [0.5]}, "product": False}, ValueError, "same length"),
        ({"grid": {"learning_rate": [0.1], "lr": [0.1]}}, TypeError, "not accept.*'lr'.*learning_rate, beta, form"),
        ({"grid": {"beta": [0.5]}}, TypeError, "needs 'learning_rate'"),
        ({"grid": {"learning_rate": [0.1, -0.1]}}, ValueError, r"configuration 1\).*learning_rate must lie in \[0,"),
        ({"grid": {"learning_rate": [0.1], "form": ["heavy"]}}, ValueError, "form must be one of"),
        ({"steps": 0}, ValueError, "steps must be an integer ≥ 1"),
        ({"steps": 2.0}, ValueError, "steps must be an integer ≥ 1"),
        ({"steps": True}, ValueError, "steps must be an integer ≥ 1"),
        ({"devices": []}, ValueError, "devices must be a non-empty sequence"),
        ({"devices": ["cpu"]}, ValueError, "devices must be a non-empty sequence"),
    ],
)
def test_bad_input_fails_before_anything_compiles(kwargs, error, match):
    traced = []

    def fun(x):
        traced.append("fun")
        return jnp.sum(x**2)

    def make(learning_rate, beta=0.9, form="classic"):
        traced.append(isinstance(learning_rate, jax.core.Tracer))
        return jl.momentum(learning_rate, beta=beta, form=form)

    args = {"grid": {"learning_rate": [0.1]}, "steps": 3, **kwargs}
    with pytest.raises(error, match=match):
        jl.sweep(make, args.pop("grid"), fun, jnp.ones(2), **args)
    assert "fun" not in traced and True not in traced


def test_bad_input_of_a_kwargs_factory_and_of_sweep_fit():
    with pytest.raises(TypeError, match="configuration 0.*unexpected keyword argument 'lr'"):
        jl.sweep(lambda **kw: jl.sgd(**kw), {"lr": [0.1]}, jnp.sum, jnp.ones(2), steps=2)
    with pytest.raises(TypeError, match="must return an optax GradientTransformation"):
        jl.sweep(lambda learning_rate: learning_rate, {"learning_rate": [0.1]}, jnp.sum, jnp.ones(2), steps=2)
    data = (jnp.ones((8, 2)), jnp.ones(8))
    loss = lambda w, b: jnp.mean((b[0] @ w - b[1]) ** 2)  # noqa: E731
    for kwargs, match in (({"epochs": 0, "batch_size": 4}, "epochs"), ({"epochs": 2, "batch_size": 9}, "batch_size")):
        with pytest.raises(ValueError, match=match):
            jl.sweep_fit(jl.sgd, {"learning_rate": [0.1]}, loss, jnp.zeros(2), data, key=jax.random.key(0), **kwargs)
