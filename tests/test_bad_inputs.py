"""A table of bad inputs over every entry point (issue 14, item 6; STYLE.md habit 4).

One row per case: a short id, a zero-argument callable that does the bad thing, the exception
class, and the words the message must contain — the argument's name and the accepted range or
choices (a plain string is a substring, a compiled pattern a regex). Every row also checks that
the message's first line is ours, not a JAX internal (a tracer or XLA error class, a broadcasting
or loop-carry complaint, a gradient-of-a-vector error): :func:`assert_clear`.

Rows marked ``# defect`` failed before issue 14 item 6 (a raw JAX error, a silent NaN or garbage,
or a message without the argument's name). The command line's rows run ``cli.main`` and read the
exit status (2) and the ``error:`` line on stderr. Every row is tiny (two parameters, a few steps),
so none can hang.

The first-order factories' ranges are covered exhaustively by ``test_validation.py``; here a few
of them stand for the factories, next to the drivers, analysis tools, plotting, checkpoints, the
command line and the catalogues.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import checkpoint, cli, plotting, registry, schedules
from jaxopt_lectures.problems import get_problem, rosenbrock, scaled_quadratic
from jaxopt_lectures.sweeps import SweepResult


class Row(NamedTuple):
    id: str
    call: Callable[[], Any]
    raises: type[BaseException]
    words: tuple[Any, ...]  # substrings, or re.Pattern; the first names the argument


def whole_word(name: str) -> re.Pattern:
    """A one-letter argument name (x, f, n, b) as a whole word."""
    return re.compile(rf"\b{name}\b")


def row(id: str, call: Callable[[], Any], raises: type[BaseException], *words: Any) -> Any:
    return pytest.param(Row(id, call, raises, words), id=id)


# --------------------------------------------------------------------------------------------
# Tiny inputs shared by the rows
# --------------------------------------------------------------------------------------------

W = jnp.array([1.0, -2.0])
G = jnp.array([0.5, 0.1])
NAN_W = jnp.array([jnp.nan, 1.0])


def f(x):
    return jnp.sum(x**2)


def vector_f(x):  # the per-coordinate losses, not their sum
    return x**2


X = jnp.linspace(-1.0, 1.0, 8)
DATA = (X, 2.0 * X)  # n = 8
EMPTY = (X[:0], X[:0])
KEY = jax.random.key(0)


def loss(w, batch):
    return jnp.mean((w * batch[0] - batch[1]) ** 2)


def per_example_loss(w, batch):
    return (w * batch[0] - batch[1]) ** 2


def update(opt, g=G, p=W, **extra):
    """One ``update`` from a fresh state."""
    return opt.update(g, opt.init(p), p, **extra)


def searched(search):
    """Steepest descent with the line search ``search`` (the lectures' L3 eq. 9 form)."""
    return optax.chain(optax.scale(-1.0), search)


def fit(**overrides):
    kwargs = {"epochs": 1, "batch_size": 4, "key": KEY, **overrides}
    defaults = (("loss_fn", loss), ("params", 0.0), ("data", DATA), ("optimizer", jl.sgd(0.1)))
    return jl.fit(*[kwargs.pop(k, d) for k, d in defaults], **kwargs)


def sweep(grid=None, **overrides):
    kwargs = {"steps": 2, **overrides}
    factory, fun, x0 = kwargs.pop("factory", jl.sgd), kwargs.pop("fun", f), kwargs.pop("x0", W)
    return jl.sweep(factory, {"learning_rate": [0.1]} if grid is None else grid, fun, x0, **kwargs)


def sweep_fit(grid=None, **overrides):
    kwargs = {"epochs": 1, "batch_size": 4, "key": KEY, **overrides}
    loss_fn, data = kwargs.pop("loss_fn", loss), kwargs.pop("data", DATA)
    return jl.sweep_fit(jl.sgd, {"learning_rate": [0.1]} if grid is None else grid, loss_fn, 0.0, data, **kwargs)


def a_sweep_result() -> SweepResult:
    """A two-row learning-rate sweep, built from arrays (plotting never runs optimizers)."""
    values = np.array([[1.0, 0.5], [1.0, 0.25]])
    return SweepResult({"learning_rate": np.array([0.1, 0.2])}, values, values[:, -1], np.zeros(2, bool), 2.0,
                       np.zeros((2, 2)))  # fmt: skip


PATHS = np.zeros((3, 2))  # a hand-written run of three 2-D points


_TMP: list = []  # the running row's tmp_path (rows take no arguments)


@pytest.fixture(autouse=True)
def _row_tmp_path(tmp_path):
    _TMP[:] = [tmp_path]


def saved(tree=None) -> str:
    """A checkpoint of {"w": float64[3], "b": float64[]} in the row's tmp_path."""
    path = os.path.join(_TMP[0], "run.npz")
    checkpoint.save(path, {"w": jnp.ones(3), "b": jnp.zeros(())} if tree is None else tree)
    return path


def not_a_checkpoint() -> str:
    path = os.path.join(_TMP[0], "notes.npz")
    with open(path, "w") as file:
        file.write("not an archive")
    return path


def cli_main(*argv: str):
    return lambda: cli.main(list(argv))


CMP = ("compare", "--problem", "rosenbrock", "--optimizers")
SWEEP = ("sweep", "--optimizer", "sgd", "--problem", "rosenbrock", "--steps", "2", "--param")

# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

ROWS = [
    # ---- first-order factories (every range: test_validation.py)
    row("sgd-learning_rate-negative", lambda: jl.sgd(-0.1), ValueError, "learning_rate", "[0, inf)", "-0.1"),
    row("sgd-learning_rate-inf", lambda: jl.sgd(math.inf), ValueError, "learning_rate", "[0, inf)"),
    row("sgd-learning_rate-None", lambda: jl.sgd(None), TypeError, "learning_rate", "a number ≥ 0"),
    row("adam-learning_rate-array-with-nan", lambda: jl.adam(jnp.array([0.1, jnp.nan])), ValueError,
        "learning_rate", "[0, inf)", "nan"),
    row("adam-b2-one", lambda: jl.adam(0.1, b2=1.0), ValueError, "b2", "[0, 1)"),
    row("momentum-form-unknown", lambda: jl.momentum(0.1, form="heavy-ball"), ValueError,
        "form", "'classic'", "'ema'", "'dampened'"),
    row("rmsprop-centered-and-scalar", lambda: jl.rmsprop(0.01, centered=True, scalar=True), ValueError,
        "centered", "scalar"),
    row("rprop-min_step-above-max_step", lambda: jl.rprop(0.1, min_step=1.0, max_step=0.5), ValueError,
        "min_step", "max_step"),
    row("rprop-variant-unknown", lambda: jl.rprop(0.1, variant="irprop"), ValueError,
        "variant", "'rprop-'", "'rprop+'", "'irprop-'", "'irprop+'"),
    row("rprop-learning_rate-schedule", lambda: jl.rprop(optax.constant_schedule(0.1)), TypeError,
        "learning_rate", "schedule"),
    row("delta_bar_delta-phi-above-one", lambda: jl.delta_bar_delta(0.1, phi=1.5), ValueError, "phi", "[0, 1]"),
    # ---- update: parameters, gradients, extra arguments
    row("sgd-integer-params", lambda: jl.sgd(0.1).init(jnp.zeros(2, jnp.int32)), TypeError,
        "params", "int32", "floating-point"),
    row("adam-complex-params", lambda: jl.adam(0.1).init(jnp.zeros(2, jnp.complex64)), TypeError,
        "params", "complex"),
    row("adam-grads-tree-differs", lambda: update(jl.adam(0.1), g={"w": G}), ValueError,
        "updates (gradients)", "tree structure of params"),
    row("adam-grads-shape-differs", lambda: update(jl.adam(0.1), g=jnp.ones(3)), ValueError,
        "updates (gradients)", "shape (3,)", "shape (2,)"),
    row("irprop+-value-missing", lambda: update(jl.rprop(0.1, variant="irprop+")), TypeError, "value", "irprop+"),
    row("irprop+-value-a-vector", lambda: update(jl.rprop(0.1, variant="irprop+"), value=W), ValueError,
        "value", "scalar", "shape (2,)"),  # defect: silently broadcast into the state
    row("armijo-value-a-vector",
        lambda: update(searched(jl.scale_by_armijo_line_search()), value=W, grad=G, value_fn=f), ValueError,
        "value", "scalar", "shape (2,)"),  # defect: while_loop carry types differ
    row("newton-value_fn-missing", lambda: update(jl.newton()), TypeError, "value_fn", "newton"),
    row("wolfe-grad-missing", lambda: update(searched(jl.scale_by_wolfe_line_search()), value=f(W), value_fn=f),
        TypeError, "grad", "scale_by_wolfe_line_search"),
    row("levenberg_marquardt-residual_fn-missing", lambda: update(jl.levenberg_marquardt(), value_fn=f), TypeError,
        "residual_fn", "levenberg_marquardt"),
    row("newton-value_fn-not-scalar", lambda: update(jl.newton(), value_fn=vector_f), ValueError,
        "value_fn", "scalar", "shape (2,)", "newton"),  # defect: cond branches must have equal output types
    row("newton_cg-value_fn-not-scalar", lambda: update(jl.newton_cg(), value=f(W), grad=G, value_fn=vector_f),
        ValueError, "value_fn", "scalar", "shape (2,)"),  # defect: gradient of a vector
    row("exact-search-value_fn-not-scalar",
        lambda: update(searched(jl.scale_by_exact_line_search()), value=f(W), grad=G, value_fn=vector_f),
        ValueError, "value_fn", "scalar"),  # defect: while_loop carry types differ
    # ---- line searches
    row("wolfe-c1-above-c2", lambda: jl.scale_by_wolfe_line_search(c1=0.5, c2=0.4), ValueError,
        "c1 < c2", "0 < c1 < c2 < 1"),
    row("wolfe-c1-above-c2-jax-arrays", lambda: jl.scale_by_wolfe_line_search(c1=jnp.array(0.5), c2=jnp.array(0.4)),
        ValueError, "c1 < c2", "0 < c1 < c2 < 1"),  # defect: accepted
    row("wolfe-c1-equals-c2-numpy-0d", lambda: jl.scale_by_wolfe_line_search(c1=np.array(0.3), c2=np.array(0.3)),
        ValueError, "c1 < c2"),  # defect: accepted
    row("wolfe-c1-above-c2-somewhere", lambda: jl.scale_by_wolfe_line_search(c1=np.array([1e-4, 0.95]), c2=0.9),
        ValueError, "c1 < c2"),  # defect: accepted
    row("wolfe-method-unknown", lambda: jl.scale_by_wolfe_line_search(method="hager-zhang"), ValueError,
        "method", "'more-thuente'", "'zoom'"),
    row("wolfe-xtol-zero", lambda: jl.scale_by_wolfe_line_search(xtol=0.0), ValueError, "xtol", "(0, 1)"),
    row("armijo-c1-zero", lambda: jl.scale_by_armijo_line_search(c1=0.0), ValueError, "c1", "(0, 1)"),
    row("armijo-shrink-one", lambda: jl.scale_by_armijo_line_search(shrink=1.0), ValueError, "shrink", "(0, 1)"),
    row("armijo-initial_step-zero", lambda: jl.scale_by_armijo_line_search(initial_step=0.0), ValueError,
        "initial_step", "(0, inf)"),
    row("halving-max_steps-zero", lambda: jl.scale_by_halving_line_search(max_steps=0), ValueError,
        "max_steps", "integer ≥ 1", "got 0"),
    row("exact-max_steps-one", lambda: jl.scale_by_exact_line_search(max_steps=1), ValueError,
        "max_steps", "integer ≥ 2"),
    # ---- curvature factories
    row("newton-damping-negative", lambda: jl.newton(damping=-1.0), ValueError, "damping", "[0, inf)"),
    row("newton-line_search-unknown", lambda: jl.newton(line_search="backtracking"), ValueError,
        "line_search", "'halving'", "'armijo'", "'wolfe'", "'exact'"),
    row("newton-line_search-a-number", lambda: jl.newton(line_search=0.5), TypeError, "line_search", "'armijo'"),
    row("newton_cg-cg_tol-zero", lambda: jl.newton_cg(cg_tol=0.0), ValueError, "cg_tol", "(0, inf)"),
    row("lbfgs-memory_size-zero", lambda: jl.lbfgs(memory_size=0), ValueError, "memory_size", "integer ≥ 1"),
    row("nonlinear_cg-variant-unknown", lambda: jl.nonlinear_cg(variant="hs"), ValueError,
        "variant", "'fr'", "'pr'", "'pr+'"),
    row("levenberg_marquardt-increase-one", lambda: jl.levenberg_marquardt(increase=1.0), ValueError,
        "increase", "(1, inf)"),
    # ---- minimize
    row("minimize-max_steps-zero", lambda: jl.minimize(f, W, jl.sgd(0.1), max_steps=0), ValueError,
        "max_steps", "integer ≥ 1", "got 0"),
    row("minimize-max_steps-float", lambda: jl.minimize(f, W, jl.sgd(0.1), max_steps=2.5), ValueError,
        "max_steps", "integer ≥ 1"),
    row("minimize-gtol-negative", lambda: jl.minimize(f, W, jl.sgd(0.1), gtol=-1.0), ValueError, "gtol", "≥ 0"),
    row("minimize-ftol-nan", lambda: jl.minimize(f, W, jl.sgd(0.1), ftol=math.nan), ValueError, "ftol", "≥ 0"),
    row("minimize-stall_steps-negative", lambda: jl.minimize(f, W, jl.sgd(0.1), stall_steps=-1), ValueError,
        "stall_steps", "integer ≥ 0"),
    row("minimize-fun-not-scalar", lambda: jl.minimize(vector_f, W, jl.sgd(0.1), max_steps=2), ValueError,
        "fun", "scalar", "shape (2,)"),  # defect: "Gradient only defined for scalar-output functions"
    row("minimize-x0-nan", lambda: jl.minimize(f, NAN_W, jl.sgd(0.1), max_steps=2), ValueError,
        "x0", "must be finite"),  # defect: returned a NaN result
    row("minimize-x0-inf-in-a-pytree", lambda: jl.minimize(lambda p: f(p["a"]) + f(p["b"]),
                                                           {"a": W, "b": jnp.array([1.0, jnp.inf])}, jl.sgd(0.1)),
        ValueError, "x0['b']", "must be finite"),  # defect: returned a NaN result
    row("minimize-x0-integer", lambda: jl.minimize(f, jnp.array([1, 2]), jl.sgd(0.1), max_steps=2), TypeError,
        "x0", "int", "floating-point"),  # defect: "grad requires real- or complex-valued inputs"
    row("minimize-optimizer-a-factory", lambda: jl.minimize(f, W, jl.sgd, max_steps=2), TypeError,
        "optimizer", "GradientTransformation", "jl.sgd(0.1)"),  # defect: AttributeError 'function' ... 'init'
    row("minimize-fun-not-callable", lambda: jl.minimize(3.0, W, jl.sgd(0.1), max_steps=2), TypeError,
        "fun", "callable"),  # defect: "Expected a callable value"
    row("minimize-gauss_newton-needs-residuals", lambda: jl.minimize(f, W, jl.gauss_newton(), max_steps=2), TypeError,
        "residual_fn", "gauss_newton"),
    # ---- least_squares
    row("least_squares-max_steps-zero", lambda: jl.least_squares(lambda x: x, W, jl.gauss_newton(), max_steps=0),
        ValueError, "max_steps", "integer ≥ 1"),
    row("least_squares-residual_fn-None", lambda: jl.least_squares(None, W, jl.gauss_newton()), TypeError,
        "residual_fn", "callable"),  # defect: "Expected a callable value"
    row("least_squares-x0-nan", lambda: jl.least_squares(lambda x: x - 1.0, NAN_W, jl.gauss_newton(), max_steps=2),
        ValueError, "x0", "must be finite"),  # defect: returned a NaN result
    row("least_squares-gtol-nan", lambda: jl.least_squares(lambda x: x, W, jl.gauss_newton(), gtol=math.nan),
        ValueError, "gtol", "≥ 0"),
    # ---- fit
    row("fit-batch_size-above-n", lambda: fit(batch_size=9), ValueError, "batch_size", "[1, 8]", "got 9"),
    row("fit-batch_size-zero", lambda: fit(batch_size=0), ValueError, "batch_size", "[1, 8]"),
    row("fit-batch_size-missing", lambda: fit(batch_size=None), ValueError, "batch_size", "[1, 8]", "None"),
    row("fit-epochs-zero", lambda: fit(epochs=0), ValueError, "epochs", "integer ≥ 1"),
    row("fit-data-empty", lambda: fit(data=EMPTY), ValueError, "data", "no examples"),
    row("fit-data-no-arrays", lambda: fit(data=()), ValueError, "data", "no arrays"),
    row("fit-data-ragged", lambda: fit(data=(X, X[:5])), ValueError, "data", "same leading example axis", "[5, 8]"),
    row("fit-sampling-unknown", lambda: fit(sampling="bootstrap"), ValueError,
        "sampling", "'shuffle'", "'replacement'", "'full'"),
    row("fit-initial_epoch-negative", lambda: fit(initial_epoch=-1), ValueError, "initial_epoch", "integer ≥ 0"),
    row("fit-loss_fn-not-scalar", lambda: fit(loss_fn=per_example_loss), ValueError,
        "loss_fn", "scalar", "shape (8,)"),  # defect: "cond branches must have equal output types"
    row("fit-params-nan", lambda: fit(params=jnp.nan), ValueError,
        "params", "must be finite"),  # defect: a "diverged" run with no finite params to return
    row("fit-params-integer", lambda: fit(params=0), TypeError, "params", "int", "floating-point"),
    row("fit-key-None", lambda: fit(key=None), TypeError, "key", "PRNG key"),  # defect: "unexpected PRNG key type"
    row("fit-optimizer-a-factory", lambda: fit(optimizer=jl.adam), TypeError,
        "optimizer", "GradientTransformation"),  # defect: AttributeError deep in programs.py
    row("fit-validation_data-ragged", lambda: fit(validation_data=(X, X[:3])), ValueError,
        "validation_data", "same leading example axis"),
    # ---- sweep
    row("sweep-grid-empty", lambda: sweep({}), ValueError, "grid", "at least one"),
    row("sweep-grid-column-empty", lambda: sweep({"learning_rate": []}), ValueError, "grid['learning_rate']", "empty"),
    row("sweep-grid-ragged-zip", lambda: sweep({"learning_rate": [0.1, 0.2], "beta": [0.5]}, factory=jl.momentum,
                                               product=False),
        ValueError, "product=False", "same length"),
    row("sweep-grid-ragged-nested", lambda: sweep({"learning_rate": [[0.1, 0.2], [0.3]]}), ValueError,
        "grid['learning_rate']", "1-D", "ragged"),  # defect: NumPy's "inhomogeneous shape"
    row("sweep-grid-column-2d", lambda: sweep({"learning_rate": [[0.1, 0.2]]}), ValueError,
        "grid['learning_rate']", "1-D", "(1, 2)"),
    row("sweep-grid-unknown-name", lambda: sweep({"lr": [0.1]}), TypeError, "'lr'", "learning_rate"),
    row("sweep-steps-zero", lambda: sweep(steps=0), ValueError, "steps", "integer ≥ 1"),
    row("sweep-value-out-of-range", lambda: sweep({"learning_rate": [0.1, -1.0]}), ValueError,
        "learning_rate", "[0, inf)", "configuration 1"),
    row("sweep-variant-unknown", lambda: sweep({"variant": ["rprop-", "rprop"]}, factory=jl.rprop), ValueError,
        "variant", "'rprop-'", "'irprop+'", "configuration 1"),
    row("sweep-make_optimizer-not-callable", lambda: sweep(factory="sgd"), TypeError, "make_optimizer", "callable"),
    row("sweep-devices-empty", lambda: sweep(devices=[]), ValueError, "devices", "non-empty"),
    row("sweep-fun-not-scalar", lambda: sweep(fun=vector_f), ValueError,
        "fun", "scalar", "shape (2,)"),  # defect: "Gradient only defined for scalar-output functions"
    row("sweep-x0-nan", lambda: sweep(x0=NAN_W), ValueError,
        "x0", "must be finite"),  # defect: every row NaN and "diverged"
    # ---- sweep_fit
    row("sweep_fit-batch_size-above-n", lambda: sweep_fit(batch_size=9), ValueError, "batch_size", "[1, 8]"),
    row("sweep_fit-epochs-zero", lambda: sweep_fit(epochs=0), ValueError, "epochs", "integer ≥ 1"),
    row("sweep_fit-data-empty", lambda: sweep_fit(data=EMPTY), ValueError, "data", "no examples"),
    row("sweep_fit-grid-column-empty", lambda: sweep_fit({"learning_rate": []}), ValueError,
        "grid['learning_rate']", "empty"),
    row("sweep_fit-loss_fn-not-scalar", lambda: sweep_fit(loss_fn=per_example_loss), ValueError,
        "loss_fn", "scalar"),  # defect: "Gradient only defined for scalar-output functions"
    row("sweep_fit-key-None", lambda: sweep_fit(key=None), TypeError, "key", "PRNG key"),  # defect
    # ---- analysis
    row("lipschitz_constant-num_iters-zero", lambda: jl.lipschitz_constant(f, W, num_iters=0), ValueError,
        "num_iters", "integer ≥ 1"),
    row("lipschitz_constant-tol-negative", lambda: jl.lipschitz_constant(f, W, tol=-1.0), ValueError,
        "tol", "[0, inf)"),
    row("lipschitz_constant-f-not-scalar", lambda: jl.lipschitz_constant(vector_f, W), ValueError,
        whole_word("f"), "scalar", "shape (2,)"),  # defect: "Gradient only defined for scalar-output functions"
    row("lipschitz_constant-x-nan", lambda: jl.lipschitz_constant(lambda x: jnp.sum(x**4), NAN_W), ValueError,
        whole_word("x"), "must be finite"),  # defect: returned NaN
    row("classify_critical_point-tol-nan", lambda: jl.classify_critical_point(f, jnp.zeros(2), tol=math.nan),
        ValueError, "tol", "[0, inf)"),
    row("classify_critical_point-grad_tol-negative",
        lambda: jl.classify_critical_point(f, jnp.zeros(2), grad_tol=-1.0), ValueError, "grad_tol", "[0, inf]"),
    row("classify_critical_point-not-critical", lambda: jl.classify_critical_point(f, W), ValueError,
        "grad_tol", "not a critical point"),
    row("classify_critical_point-f-not-scalar", lambda: jl.classify_critical_point(vector_f, jnp.zeros(2)),
        ValueError, whole_word("f"), "scalar"),  # defect: "Gradient only defined for scalar-output functions"
    row("hessian_eigenvalues-f-not-scalar", lambda: jl.hessian_eigenvalues(vector_f, W), ValueError,
        whole_word("f"), "scalar", "shape (2,)"),  # defect: returned eigenvalues of a slice of the 3-D Jacobian
    row("hessian_eigenvalues-x-nan", lambda: jl.hessian_eigenvalues(lambda x: jnp.sum(x**3), NAN_W), ValueError,
        whole_word("x"), "must be finite"),  # defect: returned NaN
    row("condition_number-f-not-scalar", lambda: jl.condition_number(vector_f, W), ValueError,
        whole_word("f"), "scalar"),  # defect: returned [inf, 1]
    row("learning_rate_bounds-indefinite", lambda: jl.learning_rate_bounds(lambda x: x[0] ** 2 - x[1] ** 2, W),
        ValueError, "positive definite", "tol"),
    row("learning_rate_bounds-x-nan", lambda: jl.learning_rate_bounds(lambda x: jnp.sum(x**4), NAN_W), ValueError,
        whole_word("x"), "must be finite"),  # defect: "all eigenvalues > tol = nan" (no word of the point)
    row("gd_bound_check-learning_rate-zero", lambda: jl.gd_bound_check(f, W, jnp.zeros(2), 0.0, 5), ValueError,
        "learning_rate", "(0, inf)"),
    row("gd_bound_check-steps-zero", lambda: jl.gd_bound_check(f, W, jnp.zeros(2), 0.1, 0), ValueError,
        "steps", "integer ≥ 1"),
    row("gd_bound_check-learning_rate-above-1/L", lambda: jl.gd_bound_check(f, W, jnp.zeros(2), 1.0, 5), ValueError,
        "learning_rate", "≤ 1/L"),
    row("gd_bound_check-x_star-shape", lambda: jl.gd_bound_check(f, W, jnp.zeros(3), 0.1, 5), ValueError,
        "x_star", "shapes of x0"),  # defect: "Sum of sizes 2 must be equal to dimension 0"
    row("gd_bound_check-f_star-inf", lambda: jl.gd_bound_check(f, W, jnp.zeros(2), 0.1, 5, f_star=math.inf),
        ValueError, "f_star", "must be finite"),  # defect: gaps of -inf, "holds"
    # ---- plotting
    row("plot_trajectories-results-empty", lambda: plotting.plot_trajectories(f, {}), ValueError,
        "results", "non-empty"),
    row("plot_trajectories-resolution-one", lambda: plotting.plot_trajectories(f, {"a": PATHS}, resolution=1),
        ValueError, "resolution", "integer ≥ 2"),
    row("plot_trajectories-xlim-reversed", lambda: plotting.plot_trajectories(f, {"a": PATHS}, xlim=(1.0, 0.0)),
        ValueError, "xlim", "low < high"),
    row("plot_trajectories-run-not-recorded",
        lambda: plotting.plot_trajectories(f, {"a": jl.minimize(f, W, jl.sgd(0.1), max_steps=2)}), ValueError,
        "results['a']", "record=True"),
    row("plot_trajectories-3d-points", lambda: plotting.plot_trajectories(f, {"a": np.zeros((3, 3))}), ValueError,
        "results['a']", "needs 2"),
    row("plot_trajectories-fun-not-scalar",
        lambda: plotting.plot_trajectories(vector_f, {"a": PATHS}, resolution=4), ValueError, "fun", "scalar"),
    row("plot_loss_curves-2d-values", lambda: plotting.plot_loss_curves({"a": np.zeros((3, 2))}), ValueError,
        "runs['a']", "1-D"),
    row("plot_critical_points-kind-unknown",
        lambda: plotting.plot_critical_points(f, np.zeros((1, 2)), ["valley"], resolution=4), ValueError,
        "kinds", "minimum", "maximum", "saddle", "degenerate"),
    row("plot_critical_points-kinds-count", lambda: plotting.plot_critical_points(f, np.zeros((2, 2)), ["minimum"]),
        ValueError, "kinds", "one kind per point"),
    row("plot_sweep-not-a-sweep-result", lambda: plotting.plot_sweep({"values": [1.0]}), ValueError,
        "result", "SweepResult"),
    row("plot_sweep-kind-unknown", lambda: plotting.plot_sweep(a_sweep_result(), kind="bars"), ValueError,
        "kind", "'final'", "'curves'"),
    row("plot_sweep-x-unknown", lambda: plotting.plot_sweep(a_sweep_result(), x="beta"), ValueError,
        "x='beta'", "learning_rate"),
    row("plot_sweep_heatmap-x-equals-y",
        lambda: plotting.plot_sweep_heatmap(a_sweep_result(), "learning_rate", "learning_rate"), ValueError,
        "x and y", "different"),
    row("plot_loss_curves-figsize-negative",
        lambda: plotting.plot_loss_curves({"a": np.ones(3)}, figsize=(-1.0, 2.0)), ValueError,
        "figsize", "positive"),  # defect: matplotlib's "figure size must be positive finite"
    # ---- checkpoint
    row("restore-file-missing", lambda: checkpoint.restore("/nonexistent/run.npz", like={"w": W}), FileNotFoundError,
        "/nonexistent/run.npz"),
    row("restore-template-lacks-a-path", lambda: checkpoint.restore(saved(), like={"w": jnp.ones(3)}), ValueError,
        "['b']", "not in the template"),
    row("restore-checkpoint-lacks-a-path",
        lambda: checkpoint.restore(saved(), like={"w": jnp.ones(3), "b": jnp.zeros(()), "c": jnp.zeros(())}),
        ValueError, "['c']", "missing from the checkpoint"),
    row("restore-shape-differs", lambda: checkpoint.restore(saved(), like={"w": jnp.ones(4), "b": jnp.zeros(())}),
        ValueError, "['w']", "float64[3]", "float64[4]"),
    row("restore-dtype-differs",
        lambda: checkpoint.restore(saved(), like={"w": jnp.ones(3, jnp.float32), "b": jnp.zeros(())}), ValueError,
        "['w']", "float32[3]"),
    row("restore-not-an-npz", lambda: checkpoint.restore(not_a_checkpoint(), like={"w": W}), ValueError,
        "not an .npz archive"),  # defect: NumPy's "This file contains pickled (object) data"
    row("save-function-leaf", lambda: saved({"w": W, "loss": f}), TypeError,
        "['loss']", "not an array"),  # defect: PicklingError
    row("restore-template-function-leaf", lambda: checkpoint.restore(saved(), like={"w": jnp.ones(3), "b": f}),
        TypeError, "like", "['b']", "not an array"),  # defect: "does not match the template ... template object[]"
    # ---- the command line (exit status 2, the "error:" line on stderr)
    row("cli-no-command", cli_main(), SystemExit, "COMMAND", "required"),
    row("cli-command-unknown", cli_main("frobnicate"), SystemExit, "COMMAND", "'tour'", "'list'", "'compare'",
        "'sweep'"),
    row("cli-compare-problem-unknown", cli_main("compare", "--problem", "rosenbrok", "--optimizers", "sgd"),
        SystemExit, "--problem", "rosenbrok", "rosenbrock", "beale"),
    row("cli-compare-optimizer-unknown", cli_main(*CMP, "sgd,adamw"), SystemExit, "--optimizers", "adamw", "adam,"),
    row("cli-compare-steps-zero", cli_main(*CMP, "sgd", "--steps", "0"), SystemExit, "--steps", "≥ 1"),
    row("cli-compare-steps-not-a-number", cli_main(*CMP, "sgd", "--steps", "ten"), SystemExit,
        "--steps", "invalid int value"),
    row("cli-compare-gtol-negative", cli_main(*CMP, "sgd", "--gtol", "-1"), SystemExit, "--gtol", "≥ 0"),
    row("cli-compare-lr-nan", cli_main(*CMP, "sgd", "--lr", "nan"), SystemExit, "learning_rate", "[0, inf)"),
    row("cli-compare-gauss_newton-without-residuals",
        cli_main("compare", "--problem", "coupled_quadratic_l0", "--optimizers", "gauss_newton"), SystemExit,
        "gauss_newton", "residuals", "rosenbrock"),
    row("cli-sweep-param-malformed", cli_main(*SWEEP, "lr"), SystemExit, "--param", "accepted forms", "LO:HI:N"),
    row("cli-sweep-param-unknown", cli_main(*SWEEP, "beta=0.1,0.2"), SystemExit, "'beta'", "learning_rate"),
    row("cli-sweep-param-no-values", cli_main(*SWEEP, "lr=0.1:1:0"), SystemExit,
        "--param", "N must be an integer ≥ 1"),
    row("cli-sweep-param-log-nonpositive", cli_main(*SWEEP, "lr=-1:1:3:log"), SystemExit, "log", "LO > 0"),
    row("cli-sweep-param-out-of-range", cli_main(*SWEEP, "lr=-1,0.1"), SystemExit, "learning_rate", "[0, inf)"),
    row("cli-sweep-top-zero", cli_main(*SWEEP, "lr=0.1", "--top", "0"), SystemExit, "--top", "≥ 1"),
    row("cli-sweep-zip-ragged",
        cli_main("sweep", "--optimizer", "momentum", "--problem", "rosenbrock", "--param", "lr=0.1,0.2",
                 "--param", "beta=0.5", "--zip"),
        SystemExit, "--zip", "same number of values"),
    row("cli-tour-dpi-too-small", cli_main("tour", "--dpi", "5"), SystemExit, "--dpi", "[10, 600]"),
    # ---- catalogues
    row("get_problem-unknown", lambda: get_problem("rosenbrok"), KeyError, "rosenbrok", "rosenbrock", "beale"),
    row("registry-get-unknown", lambda: registry.get("adamw"), KeyError, "adamw", "adam,", "lbfgs"),
    row("rosenbrock-odd-n", lambda: rosenbrock(3), ValueError, whole_word("n"), "even integer ≥ 2"),
    row("scaled_quadratic-b-negative", lambda: scaled_quadratic(-1.0), ValueError, whole_word("b"), "positive"),
    row("mlp_init-scheme-unknown", lambda: jl.init.mlp_init(KEY, [2, 3], scheme="he"), ValueError,
        "scheme", "xavier_normal", "relu_normal"),
    row("step_decay-every-zero", lambda: schedules.step_decay(0.1, 0.5, every=0), ValueError, "every", "integer ≥ 1"),
]

# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------

# What a message must not start with (or contain on its first line): JAX's and NumPy's words for
# a failure inside them, which name no argument of ours.
JAX_INTERNAL = re.compile(
    r"^(?:[\w.]*Error:\s*)?(?:TracerBoolConversionError|ConcretizationTypeError|TracerArrayConversionError"
    r"|TracerIntegerConversionError|UnexpectedTracerError|XlaRuntimeError)"
    r"|unsupported operand type|Incompatible shapes|cond branches must|while_loop body function"
    r"|Gradient only defined for scalar|grad requires real|Expected a callable value|Abstract tracer value"
    r"|Sum of sizes|inhomogeneous shape|object has no attribute|pickled \(object\) data|Can't pickle"
    r"|unexpected PRNG key type|figure size must be"
)


def message_of(exc: BaseException, stderr: str) -> str:
    if isinstance(exc, SystemExit):
        return stderr
    if isinstance(exc, KeyError):  # str(KeyError) is the repr of its message
        return str(exc.args[0])
    return str(exc)


def first_line(exc: BaseException, message: str) -> str:
    """The line a reader sees first: the exception's first line, or argparse's ``error:`` line."""
    lines = [line for line in message.splitlines() if line.strip()]
    if isinstance(exc, SystemExit):
        errors = [line for line in lines if ": error: " in line]
        return errors[-1] if errors else ""
    return lines[0] if lines else ""


def _found(word: Any, text: str) -> bool:
    return bool(word.search(text)) if isinstance(word, re.Pattern) else word in text


def assert_clear(exc: BaseException, message: str, words: tuple[Any, ...]) -> None:
    """Our exception, not JAX's; its first line names the argument; every word is in the message."""
    module = type(exc).__module__
    assert not module.startswith(("jax", "jaxlib")), f"a JAX exception class {module}.{type(exc).__name__}: {message}"
    line = first_line(exc, message)
    assert line, f"no message: {exc!r}"
    assert not JAX_INTERNAL.search(line), f"a JAX/NumPy-internal first line: {line}"
    assert _found(words[0], line), f"the first line does not name {words[0]!r}: {line}"
    missing = [w for w in words if not _found(w, message)]
    assert not missing, f"{missing} not in: {message}"


def test_the_table_is_large_and_ids_are_unique():
    ids = [p.values[0].id for p in ROWS]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("case", ROWS)
def test_bad_input(case: Row, capsys):
    with pytest.raises(BaseException) as info:
        case.call()
    exc = info.value
    if isinstance(exc, (KeyboardInterrupt, GeneratorExit)):  # pragma: no cover
        raise exc
    message = message_of(exc, capsys.readouterr().err)
    assert isinstance(exc, case.raises), f"expected {case.raises.__name__}, got {type(exc).__name__}: {message}"
    if isinstance(exc, SystemExit):
        assert exc.code == 2, f"exit status {exc.code}: {message}"
    assert_clear(exc, message, case.words)


# --------------------------------------------------------------------------------------------
# What the checks must not refuse: traced values (jit, vmap) pass through
# --------------------------------------------------------------------------------------------


def test_traced_wolfe_constants_pass_and_vmap_over_c1():
    """c1 < c2 is checked for concrete arrays only: a vmap over c1 traces one search per value
    (tracing is where the checks run, so a jaxpr is enough)."""

    def step_size(c1, c2=0.9):
        search = searched(jl.scale_by_wolfe_line_search(c1=c1, c2=c2))
        _, state = search.update(2 * W, search.init(W), W, value=f(W), grad=2 * W, value_fn=f)
        return state[1].step_size

    assert jax.eval_shape(jax.vmap(step_size), jnp.array([1e-4, 0.3])).shape == (2,)
    # traced constants are not compared, even when c1 > c2: only concrete values can be
    jax.make_jaxpr(step_size)(0.5, 0.4)


def test_traced_nan_start_passes_under_jit_and_vmap():
    """A NaN start is refused when concrete; traced, it runs and reports divergence as before."""
    run = jax.jit(lambda x0: jl.minimize(f, x0, jl.sgd(0.1), max_steps=3))
    assert jax.eval_shape(run, NAN_W).params.shape == (2,)
    batched = jax.vmap(lambda x0: jl.minimize(f, x0, jl.sgd(0.1), max_steps=3))(jnp.stack([W, NAN_W]))
    assert batched.reason_name == ["max_steps", "diverged"]
    assert float(batched.value[0]) == pytest.approx(float(f(W)) * 0.8**6)  # three steps of x ← 0.8 x


def test_hessian_eigenvalues_still_jit_and_vmap():
    """The scalar and finiteness checks of the analysis tools run at trace time only."""
    points = jnp.array([[0.0, 0.0], [1.0, 2.0]])
    lam = jax.vmap(lambda x: jl.hessian_eigenvalues(lambda w: jnp.sum(w**2), x))(points)
    np.testing.assert_allclose(lam, 2.0)
    kappa = jax.jit(lambda x: jl.condition_number(lambda w: w[0] ** 2 + 4 * w[1] ** 2, x))(W)
    assert float(kappa) == pytest.approx(4.0)
