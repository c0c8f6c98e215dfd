"""The step-and-stop core (``jaxopt_lectures.engine``): evaluation counts against a counting
wrapper, stop reasons, one divergence rule and the same counts in fit and the sweeps (STYLE.md
habit 12). The compile cache (``programs``: compile once, no leaks) is tested in
test_engine_cache.py."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax._src.interpreters import batching

import jaxopt_lectures as jl
from jaxopt_lectures import engine, registry
from jaxopt_lectures.problems import get_problem
from jaxopt_lectures.problems import regression as rg
from trace_counter import traced_counter

# --------------------------------------------------------------------------------------------
# Evaluation counts: every call of f, as a counting wrapper sees it when the loop runs eagerly
# --------------------------------------------------------------------------------------------


def counting(fn):
    """``fn`` counting its calls by kind, for runs under ``jax.disable_jit`` (every call is real).

    The kind is read off the argument: a plain array is an evaluation of f; one level of
    autodiff tracer (reverse mode's LinearizeTracer, or forward mode's JVPTracer) a first
    derivative; two levels a Hessian-vector product — n of them when the tangent is batched over
    n directions, as in ``jax.hessian``. An abstract trace (``eval_shape``) evaluates nothing.
    """
    counts = {"fun": 0, "grad": 0, "hvp": 0}

    def wrapped(x):
        t, depth, batch = jax.tree.leaves(x)[0], 0, 1
        while isinstance(t, jax.core.Tracer):
            kind = type(t).__name__
            if kind in ("JVPTracer", "LinearizeTracer"):
                depth += 1
                tangent = getattr(t, "tangent", None)
                if isinstance(tangent, batching.BatchTracer):
                    batch = tangent.val.shape[tangent.batch_dim]
                t = t.primal
            elif kind == "BatchTracer":
                t = t.val
            else:
                return fn(x)  # abstract: nothing is evaluated
        counts["fun"] += 1
        counts["grad"] += depth == 1
        counts["hvp"] += batch if depth >= 2 else 0
        return fn(x)

    return wrapped, counts


def _curvature_cases():
    cases = []
    for name in registry.names():
        spec = registry.get(name)
        if spec.family not in registry.CURVATURE_FAMILIES:
            continue
        for vname, variant in (spec.variants or {"": None}).items():
            cases.append(pytest.param(name, dict(variant.kwargs) if variant else {}, id=f"{name}-{vname}"))
    # every line search by name behind the methods that take one (the cross product in the slow pass)
    for search in ("halving", "armijo", "wolfe", "exact"):
        for name in ("steepest_descent", "nonlinear_cg", "bfgs", "newton", "newton_cg", "gauss_newton"):
            cases.append(pytest.param(name, {"line_search": search}, id=f"{name}-{search}", marks=pytest.mark.slow))
    return cases


_OPTAX_CASES = {
    "zoom": lambda: jl.bfgs(line_search=jl.scale_by_wolfe_line_search(method="zoom")),
    "optax.lbfgs": lambda: optax.lbfgs(),
    "optax.backtracking": lambda: optax.chain(optax.sgd(1.0), optax.scale_by_backtracking_linesearch(15)),
    "optax.backtracking+grad": lambda: optax.chain(
        optax.sgd(1.0), optax.scale_by_backtracking_linesearch(15, store_grad=True)
    ),
    "sgd": lambda: jl.sgd(1e-3),
    "irprop+": lambda: jl.rprop(0.01, variant="irprop+"),
}


def _counted_run(opt, residuals: bool):
    p = get_problem("rosenbrock")
    fn, counts = counting(p.residual_fn if residuals else p.fun)
    with jax.disable_jit():
        r = (jl.least_squares if residuals else jl.minimize)(fn, jnp.asarray(p.x0), opt, max_steps=6)
    mine = {"fun": int(r.num_fun_evals), "grad": int(r.num_grad_evals), "hvp": int(r.num_hvp_evals)}
    return mine, counts, r


@pytest.mark.parametrize(("name", "kwargs"), _curvature_cases())
def test_evaluation_counts_of_every_curvature_method_and_search(name, kwargs):
    spec = registry.get(name)
    mine, counts, r = _counted_run(spec.make(**kwargs), "residual_fn" in spec.needs(**kwargs))
    assert mine == counts
    assert counts["fun"] > int(r.num_steps)  # the start, and every step evaluated something


@pytest.mark.parametrize("case", list(_OPTAX_CASES))
def test_evaluation_counts_of_optax_searches_and_first_order(case):
    mine, counts, r = _counted_run(_OPTAX_CASES[case](), False)
    assert mine == counts
    if case == "sgd":  # one f and ∇f at x0 and after each step
        assert mine == {"fun": int(r.num_steps) + 1, "grad": int(r.num_steps) + 1, "hvp": 0}


def test_a_reused_wolfe_evaluation_is_not_counted_twice():
    """L-BFGS's search evaluates f and ∇f at the point it accepts; the loop takes them from its
    state: on a quadratic (unit steps accepted at once after the first) about one evaluation a step."""
    f = lambda x: 0.5 * jnp.sum(jnp.arange(1.0, 6.0) * x**2)  # noqa: E731
    fn, counts = counting(f)
    with jax.disable_jit():
        r = jl.minimize(fn, jnp.ones(5), jl.lbfgs(), gtol=1e-10)
    assert int(r.num_fun_evals) == counts["fun"] == counts["grad"] == int(r.num_grad_evals)
    assert int(r.num_fun_evals) <= 2 * int(r.num_steps) + 1


# --------------------------------------------------------------------------------------------
# Stop reasons
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lbfgs", "bfgs", "nonlinear_cg"])
def test_float32_logistic_regression_ends_stalled_not_at_max_steps(method):
    """With gtol = 1e-6 out of float32's reach (‖∇f‖ floors near 1e-5 here), the iterates stop
    moving after 10–25 steps: the run says so instead of spinning to max_steps = 1000."""
    (X, y), _ = rg.logistic_regression_data(jax.random.key(0), 200, 5, dtype=jnp.float32)
    f = lambda p: rg.logistic_loss(p, (X, y))  # noqa: E731
    p0 = {"w": jnp.zeros(5, jnp.float32), "b": jnp.zeros((), jnp.float32)}
    r = jl.minimize(f, p0, getattr(jl, method)())
    assert r.reason_name in ("stalled", "gtol") and int(r.num_steps) < 100, (r.reason_name, int(r.num_steps))
    off = jl.minimize(f, p0, getattr(jl, method)(), stall_steps=0)  # the rule off: as before
    assert off.reason_name in ("max_steps", "gtol")
    if r.reason_name == "stalled":  # stalling lost nothing: the point is where the long run ends
        np.testing.assert_allclose(float(r.value), float(off.value), rtol=1e-6)


@pytest.mark.parametrize("name", ["bard", "box_3d"])
def test_levenberg_marquardt_at_its_damping_cap_stalls(name):
    """In float32 LM's trials stop lowering E near the minimum; μ grows (×10 per rejected trial, up
    to its cap 1e30) until the steps (~g/μ) vanish below the rounding of x: ``stalled`` within a few
    steps, not max_steps. Where that happens depends on the platform's rounding of the last trials
    (μ ends at 4e16 on bard on an AMD EPYC, at the cap on an Intel Xeon), so the bound is 1e10: far
    above any μ a converging step uses (μ starts at 1e-3 and falls on accepted steps)."""
    p = get_problem(name)
    r = jl.least_squares(p.residual_fn, jnp.asarray(p.x0, jnp.float32), jl.levenberg_marquardt(), gtol=1e-12)
    assert r.reason_name == "stalled" and int(r.num_steps) < 50
    assert float(r.state.damping) >= 1e10
    assert float(r.value) == pytest.approx(p.f_star, rel=1e-3, abs=1e-6)


def test_a_zero_step_counts_as_still_and_stall_steps_in_a_row_stop():
    """A transformation that never moves: f and x stay, so the third step in a row ends the run."""
    still = optax.GradientTransformation(lambda p: optax.EmptyState(), lambda u, s, p=None: (jax.tree.map(jnp.zeros_like, u), s))
    r = jl.minimize(lambda x: jnp.sum(x**2), jnp.ones(2), still)
    assert r.reason_name == "stalled" and int(r.num_steps) == 3
    r = jl.minimize(lambda x: jnp.sum(x**2), jnp.ones(2), still, stall_steps=5)
    assert int(r.num_steps) == 5
    r = jl.minimize(lambda x: jnp.sum(x**2), jnp.ones(2), still, stall_steps=0, max_steps=9)
    assert r.reason_name == "max_steps" and int(r.num_steps) == 9


def test_reasons_keep_their_codes():
    assert engine.REASONS[:6] == ("running", "gtol", "ftol", "gdtol", "max_steps", "diverged")
    assert engine.REASONS[6] == "stalled" and jl.solve.REASONS is engine.REASONS


@pytest.mark.parametrize("bad", [-1, 1.5, "3"])
def test_stall_steps_must_be_a_whole_number_at_least_zero(bad):
    with pytest.raises((TypeError, ValueError), match="stall_steps"):
        jl.minimize(lambda x: jnp.sum(x**2), jnp.ones(2), jl.sgd(0.1), stall_steps=bad)


# One divergence rule and the same counts in fit and the sweeps
# --------------------------------------------------------------------------------------------


def _linear_data(n=12):
    x = jnp.linspace(-1.0, 1.0, n)
    return (jnp.stack([x, x**2], axis=1), 2.0 * x - x**2)


def _mse(w, batch):
    return jnp.mean((batch[0] @ w - batch[1]) ** 2)


def test_fit_stops_at_the_last_finite_point_and_says_where():
    """η = 1e200: the first step is finite but huge, the second overflows the loss to inf. fit
    stops there, keeps the last finite parameters, and its history says epoch 0, step 1."""
    data = _linear_data()
    w, hist = jl.fit(_mse, jnp.zeros(2), data, jl.sgd(1e200), epochs=5, batch_size=4, key=jax.random.key(0),
                     progress=False)  # fmt: skip
    assert hist.reason == "diverged" and (hist.stopped_epoch, hist.stopped_step) == (0, 1)
    assert np.all(np.isfinite(np.asarray(w))) and np.any(np.asarray(w) != 0)  # the step-1 point
    assert np.isfinite(hist.step_losses[0, 0]) and np.isnan(hist.step_losses[0, 1:]).all()
    assert np.isnan(hist.train_loss).all() and np.isnan(hist.step_losses[1:]).all()
    ok_w, ok = jl.fit(_mse, jnp.zeros(2), data, jl.sgd(0.1), epochs=5, batch_size=4, key=jax.random.key(0),
                      progress=False)  # fmt: skip
    assert ok.reason == "max_steps" and ok.stopped_epoch is None and ok.num_steps == 15
    assert ok.num_fun_evals == ok.num_grad_evals == 15  # one batch evaluation a step


def test_fit_compiles_once_across_learning_rates():
    traces = []

    def loss(w, batch):
        traces.append(1)
        return _mse(w, batch)

    data = _linear_data()
    for lr in (0.05, 0.1, 0.2):
        jl.fit(loss, jnp.zeros(2), data, jl.momentum(lr, beta=0.5), epochs=3, batch_size=4, key=jax.random.key(1),
               progress=False)  # fmt: skip
        if lr == 0.05:
            once = len(traces)
    assert len(traces) == once


def test_sweep_rows_count_and_stop_like_single_runs():
    """A vmapped line search runs its loop until every row is done; each row still counts only
    its own trials: the counts equal those of ``minimize`` with the same configuration."""
    cg = lambda c1: jl.nonlinear_cg(line_search=jl.scale_by_armijo_line_search(c1=c1))  # noqa: E731
    b = get_problem("beale")
    c1s = [1e-4, 0.1, 0.3]
    r = jl.sweep(cg, {"c1": c1s}, b.fun, jnp.asarray(b.x0), steps=6)
    assert r.reason_names == ["max_steps"] * 3
    for i, c1 in enumerate(c1s):
        one = jl.minimize(b.fun, jnp.asarray(b.x0), cg(c1), max_steps=6, gtol=0.0, stall_steps=0)
        assert one.reason_name == "max_steps"
        assert (r.num_fun_evals[i], r.num_grad_evals[i]) == (int(one.num_fun_evals), int(one.num_grad_evals))
    blow = jl.sweep(jl.sgd, {"learning_rate": [0.1, 1e300]}, lambda x: jnp.sum(x**2), jnp.ones(2), steps=5)
    assert blow.reason_names == ["max_steps", "diverged"]
    assert blow.num_fun_evals.tolist() == [6, 2]  # x0, then each step; the diverging step is counted


def test_sweep_fit_rows_say_why_they_stopped():
    g = {"learning_rate": [0.1, 1e200]}
    r = jl.sweep_fit(jl.sgd, g, _mse, jnp.zeros(2), _linear_data(), epochs=3, batch_size=4, key=jax.random.key(0))
    assert r.reason_names == ["max_steps", "diverged"] and r.num_fun_evals[0] == 9


def test_sweeps_compile_once_per_factory_and_function():
    traces = []

    def loss(w, batch):
        traces.append(1)
        return _mse(w, batch)

    def make(learning_rate, beta):
        return jl.momentum(learning_rate, beta=beta)

    data = _linear_data()
    for lrs in ([0.05, 0.1], [0.2, 0.3]):  # new rates, same factory, loss and shapes
        jl.sweep_fit(make, {"learning_rate": lrs, "beta": [0.5]}, loss, jnp.zeros(2), data, epochs=2, batch_size=4,
                     key=jax.random.key(0))  # fmt: skip
        if lrs[0] == 0.05:
            once = len(traces)
    assert len(traces) == once
    f, f_traces = traced_counter()
    for lrs in ([0.05, 0.1], [0.2, 0.3]):
        jl.sweep(make, {"learning_rate": lrs, "beta": [0.5]}, f, jnp.zeros(2), steps=5)
        if lrs[0] == 0.05:
            once = len(f_traces)
    assert len(f_traces) == once


def test_the_gradient_norm_of_a_huge_finite_float32_gradient_is_finite():
    """‖g‖ as √Σg² overflows in float32 for |gᵢ| ≳ 1.8e19; the loop's norm is scaled by max|gᵢ|."""
    f = lambda x: jnp.sum(1e30 * x)  # noqa: E731  (∇f = 1e30 in every coordinate, finite in float32)
    r = jl.minimize(f, jnp.zeros(4, jnp.float32), jl.sgd(0.0), max_steps=1, stall_steps=0)
    assert np.isfinite(float(r.grad_norm)) and float(r.grad_norm) == pytest.approx(2e30, rel=1e-6)


def test_complex_parameters_are_refused_by_name():
    with pytest.raises(TypeError, match="complex parameters are not supported"):
        jl.adam(0.1).init({"z": jnp.ones(2, jnp.complex64)})


def test_gradients_unlike_the_parameters_are_refused_by_path():
    opt = jl.adam(0.1)
    params = {"w": jnp.ones(2), "b": jnp.ones(())}
    with pytest.raises(ValueError, match=r"updates \(gradients\)\['w'\] has shape \(3,\), but params\['w'\] has shape \(2,\)"):
        opt.update({"w": jnp.ones(3), "b": jnp.ones(())}, opt.init(params), params)
    with pytest.raises(ValueError, match="tree structure of params"):
        opt.update({"w": jnp.ones(2)}, opt.init(params), params)
