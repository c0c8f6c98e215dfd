"""Rows of test_bad_inputs.py's table for the optimizers and solvers (issue 14, item 6): the
first-order factories (a few standing for all; every range is in test_validation.py), ``update``,
the line searches, the curvature factories, ``minimize`` and ``least_squares``. Each row: an id, a
zero-argument call, the exception class, the words its message must hold (the argument first)."""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import optax

import jaxopt_lectures as jl
from bad_inputs_common import G, NAN_W, W, f, row, searched, update, vector_f

SOLVER_ROWS = [
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
]
