"""Rows of test_bad_inputs.py's table for the drivers and tools (issue 14, item 6): ``fit``,
``sweep``, ``sweep_fit``, the analysis tools, plotting, checkpoints, the command line (exit status 2
and the ``error:`` line on stderr) and the catalogues. Each row: an id, a zero-argument call, the
exception class, the words its message must hold (the argument first)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

import jaxopt_lectures as jl
from jaxopt_lectures import checkpoint, plotting, registry, schedules
from jaxopt_lectures.problems import get_problem, rosenbrock, scaled_quadratic
from bad_inputs_common import (
    CMP, EMPTY, KEY, NAN_W, PATHS, SIN_SWEEP, SWEEP, W, X, a_sweep_result, cli_main, f, fit, not_a_checkpoint,
    per_example_loss, row, saved, sweep, sweep_fit, vector_f, whole_word,
)  # fmt: skip

PBT_GRID = {"learning_rate": [0.1, 0.2]}  # a population of 2


def _random_w(key):
    return jax.random.normal(key, ())


def _a_seeds_result() -> jl.SeedsResult:
    """Two configurations × two seeds, built from arrays (no run)."""
    values = np.array([[[2.0, 1.0], [2.0, 1.5]], [[2.0, 0.5], [2.0, 0.7]]])
    return jl.SeedsResult({"learning_rate": np.array([0.1, 0.2])}, values, values[..., -1], np.zeros((2, 2), bool),
                          np.full((2, 2), 3.0), np.zeros((2, 2)), None)  # fmt: skip


TOOL_ROWS = [
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
    # ---- sweep_fit(halving=η): successive halving (issue 16, item 3)
    row("sweep_fit-halving-one", lambda: sweep_fit(halving=1), ValueError, "halving", "η > 1"),
    row("sweep_fit-halving-below-one", lambda: sweep_fit(halving=0.5), ValueError, "halving", "η > 1"),
    row("sweep_fit-halving-nan", lambda: sweep_fit(halving=float("nan")), ValueError, "halving", "η > 1"),
    row("sweep_fit-halving-bool", lambda: sweep_fit(halving=True), ValueError, "halving", "real number"),
    row("sweep_fit-rungs-beyond-epochs", lambda: sweep_fit(epochs=3, halving=3, rungs=[1, 4]), ValueError,
        "rungs", "epochs=3"),
    row("sweep_fit-rungs-not-increasing", lambda: sweep_fit(epochs=3, halving=3, rungs=[2, 1, 3]), ValueError,
        "rungs", "strictly increasing"),
    row("sweep_fit-rungs-zero", lambda: sweep_fit(epochs=3, halving=3, rungs=[0, 3]), ValueError,
        "rungs", "positive integers"),
    row("sweep_fit-rungs-float", lambda: sweep_fit(epochs=3, halving=3, rungs=[1.5, 3]), ValueError,
        "rungs", "positive integers"),
    row("sweep_fit-rungs-empty", lambda: sweep_fit(epochs=3, halving=3, rungs=[]), ValueError,
        "rungs", "non-empty"),
    row("sweep_fit-rungs-without-halving", lambda: sweep_fit(epochs=3, rungs=[1, 3]), ValueError,
        "rungs", "halving"),
    # ---- sweep_fit(pbt=…): population-based training (issue 16 item 4)
    row("pbt-population-one", lambda: sweep_fit(pbt=jl.PBT(interval=1, key=KEY)), ValueError,
        "pbt", "population of at least 2", "gives 1"),
    row("pbt-interval-zero", lambda: jl.PBT(interval=0, key=KEY), ValueError, "PBT interval", "integer ≥ 1"),
    row("pbt-interval-longer-than-run", lambda: sweep_fit(PBT_GRID, epochs=1, pbt=jl.PBT(interval=2, key=KEY)),
        ValueError, "PBT interval", "≤ epochs", "interval=2, epochs=1"),
    row("pbt-quantile-zero", lambda: jl.PBT(interval=1, key=KEY, quantile=0.0), ValueError,
        "PBT quantile", "(0, 0.5]"),
    row("pbt-quantile-above-half", lambda: jl.PBT(interval=1, key=KEY, quantile=0.6), ValueError,
        "PBT quantile", "(0, 0.5]", "0.6"),
    row("pbt-factors-negative", lambda: jl.PBT(interval=1, key=KEY, factors=(0.8, -1.25)), ValueError,
        "PBT factors", "> 0"),
    row("pbt-factors-empty", lambda: jl.PBT(interval=1, key=KEY, factors=()), ValueError, "PBT factors", "non-empty"),
    row("pbt-factors-nan", lambda: jl.PBT(interval=1, key=KEY, factors=(math.nan,)), ValueError,
        "PBT factors", "finite"),
    row("pbt-resample_probability-above-one", lambda: jl.PBT(interval=1, key=KEY, resample_probability=1.5),
        ValueError, "PBT resample_probability", "[0, 1]"),
    row("pbt-key-None", lambda: jl.PBT(interval=1, key=None), TypeError, "PBT key", "PRNG key"),
    row("pbt-not-a-PBT", lambda: sweep_fit(PBT_GRID, pbt={"interval": 1}), TypeError, "pbt", "jl.PBT"),
    row("pbt-hyperparameters-unknown", lambda: sweep_fit(PBT_GRID, pbt=jl.PBT(interval=1, key=KEY,
                                                                            hyperparameters=("beta",))),
        ValueError, "PBT hyperparameters", "float grid columns", "'beta'"),
    row("sweep_fit-halving-and-pbt", lambda: sweep_fit(PBT_GRID, epochs=2, halving=3, pbt=jl.PBT(interval=1, key=KEY)),
        ValueError, "halving", "pbt", "cannot be combined"),
    # ---- several seeds per configuration (issue 16 item 1)
    row("sweep_fit-seeds-zero", lambda: sweep_fit(seeds=0), ValueError, "seeds", "integer ≥ 1", "got 0"),
    row("sweep_fit-seeds-float", lambda: sweep_fit(seeds=2.5), ValueError, "seeds", "integer ≥ 1"),
    row("sweep_fit-init_params-without-seeds", lambda: sweep_fit(init_params=_random_w), ValueError,
        "init_params", "seeds=k"),
    row("sweep_fit-init_params-not-callable", lambda: sweep_fit(seeds=2, init_params=1.0), TypeError,
        "init_params", "callable"),
    row("sweep_fit-params-and-init_params", lambda: sweep_fit(seeds=2, init_params=_random_w), ValueError,
        "params", "None", "init_params"),
    row("sweep-seeds-without-init_params", lambda: sweep(seeds=2, key=KEY), ValueError, "seeds", "init_params"),
    row("sweep-seeds-without-key", lambda: sweep(seeds=2, x0=None, init_params=_random_w), TypeError,
        "key", "jax.random.key"),
    row("SeedsResult.quantile-q-above-1", lambda: _a_seeds_result().quantile(1.5), ValueError, "q", "[0, 1]", "1.5"),
    row("SeedsResult.best-statistic-unknown", lambda: _a_seeds_result().best("average"), ValueError,
        "statistic", "'mean'", "'median'", "callable", "'average'"),
    row("plot_seeds-band-unknown", lambda: plotting.plot_seeds(_a_seeds_result(), band="iqr"), ValueError,
        "band", "'std'", "'quantiles'"),
    row("plot_seeds-q-above-half", lambda: plotting.plot_seeds(_a_seeds_result(), band="quantiles", q=0.75),
        ValueError, "q", "(0, 0.5]"),
    row("plot_seeds-not-a-seeds-result", lambda: plotting.plot_seeds(a_sweep_result()), ValueError,
        "result", "SeedsResult"),
    row("SeedsResult.mean-on-val-without-validation", lambda: _a_seeds_result().mean("val"), ValueError,
        "on='val'", "validation_data"),
    row("sweep_fit-seeds-and-halving", lambda: sweep_fit(epochs=3, seeds=2, halving=3), ValueError,
        "seeds", "halving", "cannot be combined"),
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
    row("plot_halving-not-a-halving-result", lambda: plotting.plot_halving(a_sweep_result()), ValueError,
        "result", "HalvingResult", "halving=η"),
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
    row("cli-sweep-halving-one", cli_main(*SIN_SWEEP, "--halving", "1"), SystemExit, "--halving", "> 1"),
    row("cli-sweep-halving-function-problem", cli_main(*SWEEP, "lr=0.1", "--halving", "3"), SystemExit,
        "--halving", "training problems"),
    row("cli-sweep-rungs-without-halving", cli_main(*SIN_SWEEP, "--rungs", "1,2"), SystemExit, "--rungs", "--halving"),
    row("cli-sweep-rungs-malformed", cli_main(*SIN_SWEEP, "--halving", "3", "--rungs", "1;2"), SystemExit,
        "--rungs", "comma-separated integers"),
    row("cli-sweep-rungs-beyond-epochs", cli_main(*SIN_SWEEP, "--halving", "3", "--rungs", "1,5"), SystemExit,
        "--rungs", "epochs=2"),
    row("cli-sweep-seeds-zero", cli_main(*SWEEP, "lr=0.1", "--seeds", "0"), SystemExit, "--seeds", "≥ 1"),
    row("cli-sweep-seeds-function-problem", cli_main(*SWEEP, "lr=0.1", "--seeds", "2"), SystemExit,
        "--seeds", "training problems"),
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
