"""The compile cache (``jaxopt_lectures.programs``) behind the step-and-stop core: one trace for
new starts, rates and tolerances, a new one for a new function or variant, forward and reverse mode
and ``vmap`` without the cache, and no leaks (user arrays and functions are not kept alive, the
cache is bounded). Evaluation counts and stop reasons are in test_engine.py (STYLE.md habit 12)."""

import gc
import weakref

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import programs
from trace_counter import traced_counter

# --------------------------------------------------------------------------------------------
# Compile once
# --------------------------------------------------------------------------------------------


def test_ten_minimize_calls_with_new_starts_rates_and_tolerances_trace_once():
    f, traces = traced_counter()
    first = None
    for i in range(10):
        r = jl.minimize(f, jnp.full(3, float(i)), jl.adam(0.01 * (i + 1)), gtol=10.0**-i, ftol=1e-12 * i, max_steps=50)
        if first is None:
            first = len(traces)
        assert np.isfinite(float(r.value))
    assert first > 0 and len(traces) == first  # traced during the first call only
    # … and the numbers are those of the call's own hyperparameters: the eager, uncached run agrees
    eager = jl.minimize(f, jnp.full(3, 9.0), jl.adam(0.1), gtol=1e-9, ftol=9e-12, max_steps=50)
    with jax.disable_jit():
        ref = jl.minimize(f, jnp.full(3, 9.0), jl.adam(0.1), gtol=1e-9, ftol=9e-12, max_steps=50)
    np.testing.assert_allclose(eager.params, ref.params, rtol=1e-12)
    assert int(eager.num_steps) == int(ref.num_steps)


def test_a_nested_line_search_float_is_a_runtime_input_and_its_integers_are_not():
    f, traces = traced_counter()
    for c1 in (1e-4, 1e-3, 0.1):
        jl.minimize(f, jnp.zeros(2), jl.bfgs(line_search=jl.scale_by_armijo_line_search(c1=c1)), max_steps=20)
    once = len(traces)
    jl.minimize(f, jnp.zeros(2), jl.bfgs(line_search=jl.scale_by_armijo_line_search(max_steps=7)), max_steps=20)
    assert len(traces) > once


def test_a_new_max_steps_variant_or_function_traces_anew():
    f, traces = traced_counter()
    jl.minimize(f, jnp.zeros(2), jl.rprop(0.01), max_steps=30)
    n = len(traces)
    jl.minimize(f, jnp.ones(2), jl.rprop(0.02), max_steps=30)
    assert len(traces) == n
    jl.minimize(f, jnp.ones(2), jl.rprop(0.02), max_steps=31)
    assert len(traces) > n
    n = len(traces)
    jl.minimize(f, jnp.ones(2), jl.rprop(0.02, variant="rprop-"), max_steps=31)
    assert len(traces) > n
    g, g_traces = traced_counter()
    jl.minimize(g, jnp.ones(2), jl.rprop(0.02, variant="rprop-"), max_steps=31)
    assert g_traces


def test_least_squares_compiles_once_too():
    traces = []

    def r(w):
        traces.append(1)
        return jnp.array([10 * (w[1] - w[0] ** 2), 1 - w[0]])

    for mu in (1e-3, 1e-2, 1.0):
        out = jl.least_squares(r, jnp.array([-1.2, 1.0]) * mu, jl.levenberg_marquardt(damping=mu), max_steps=50)
        assert out.reason_name == "gtol"
        if mu == 1e-3:
            once = len(traces)
    assert len(traces) == once


def test_plain_optax_transformations_are_cached_by_object():
    f, traces = traced_counter()
    opt = optax.adam(0.01)
    jl.minimize(f, jnp.zeros(2), opt, max_steps=20)
    n = len(traces)
    jl.minimize(f, jnp.ones(2), opt, max_steps=20)
    assert len(traces) == n


def test_a_factory_that_needs_a_python_float_still_runs():
    def picky(learning_rate):
        if learning_rate > 0.05:  # a Python decision on the float: it cannot be traced
            return optax.sgd(learning_rate)
        return optax.sgd(2 * learning_rate)

    picky = jl.optimizers.recipe.rebuildable(picky)
    f = lambda x: jnp.sum(x**2)  # noqa: E731
    a = jl.minimize(f, jnp.ones(2), picky(0.1), max_steps=3, stall_steps=0)
    b = jl.minimize(f, jnp.ones(2), optax.sgd(0.1), max_steps=3, stall_steps=0)
    np.testing.assert_array_equal(a.params, b.params)


def test_calls_under_jit_vmap_and_forward_and_reverse_mode_work_without_the_cache():
    f = lambda x, a: jnp.sum((x - a) ** 2)  # noqa: E731
    x0 = jnp.zeros(2)
    programs.clear()
    with jax.check_tracer_leaks():
        jitted = jax.jit(lambda a: jl.minimize(lambda x: f(x, a), x0, jl.sgd(0.25)).params)(3.0)
        np.testing.assert_allclose(jitted, [3.0, 3.0], rtol=1e-6)
        values = jax.vmap(lambda lr: jl.minimize(lambda x: f(x, 1.0), x0, jl.sgd(lr), max_steps=5).value)(
            jnp.array([0.1, 0.2, 0.5])
        )
        assert values.shape == (3,) and float(values[2]) == 0.0  # η = 1/2 solves it in one step
        # forward mode through the loop: d x*(a)/da = 1 for x* = a, reached in one step by η = 1/2
        dx = jax.jacfwd(lambda a: jl.minimize(lambda x: f(x, a), x0, jl.sgd(0.5), max_steps=3).params)(2.0)
        np.testing.assert_allclose(dx, [1.0, 1.0], rtol=1e-12)
        # reverse mode around a run (its result held constant): the outer gradient is taken
        g = jax.grad(lambda a: a * jax.lax.stop_gradient(jl.minimize(lambda x: f(x, 1.0), x0, jl.sgd(0.25)).value + 2.0))(3.0)
        assert float(g) == pytest.approx(2.0)
    assert len(programs._PROGRAMS) == 0  # every call ran inside the caller's trace, uncached


def test_the_cache_keeps_no_user_array_and_drops_a_program_with_its_function():
    programs.clear()
    data = jnp.arange(1.0, 4.0)
    x0 = jnp.zeros(3)
    data_ref, x0_ref = weakref.ref(data), weakref.ref(x0)

    def f(x):
        return jnp.sum((x - data) ** 2)

    r = jl.minimize(f, x0, jl.sgd(0.25))
    assert len(programs._PROGRAMS) == 1 and r.reason_name == "gtol"
    del x0, r
    gc.collect()
    assert x0_ref() is None  # an argument, never kept
    del f, data
    gc.collect()
    assert data_ref() is None and len(programs._PROGRAMS) == 0  # dropped with its function


def test_an_optax_transformation_closing_over_an_array_is_not_kept_alive():
    programs.clear()
    scale = jnp.asarray(0.25)
    scale_ref = weakref.ref(scale)
    opt = optax.GradientTransformation(
        lambda p: optax.EmptyState(), lambda u, s, p=None: (jax.tree.map(lambda g: -scale * g, u), s)
    )
    f = lambda x: jnp.sum(x**2)  # noqa: E731
    r = jl.minimize(f, jnp.ones(2), opt)
    assert r.reason_name == "gtol" and len(programs._PROGRAMS) == 1
    del opt, scale, r
    gc.collect()
    assert scale_ref() is None and len(programs._PROGRAMS) == 0


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(programs, "MAX_PROGRAMS", 4)  # the bound is read at each insertion
    programs.clear()
    keep = []
    for i in range(programs.MAX_PROGRAMS + 5):
        f = lambda x, i=i: jnp.sum((x - i) ** 2)  # noqa: E731
        keep.append(f)
        jl.minimize(f, jnp.zeros(1), jl.sgd(0.25), max_steps=2)
    assert len(programs._PROGRAMS) == programs.MAX_PROGRAMS


def test_bad_input_still_fails_before_compiling_on_a_cache_hit():
    f, traces = traced_counter()
    jl.minimize(f, jnp.zeros(2), jl.adam(0.01), max_steps=5)
    n = len(traces)
    with pytest.raises(ValueError, match="gtol"):
        jl.minimize(f, jnp.zeros(2), jl.adam(0.01), max_steps=5, gtol=-1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        jl.minimize(f, jnp.zeros(2), jl.adam(-0.01), max_steps=5)
    assert len(traces) == n


_MEMORY = """
import gc, os, sys
import jax, jax.numpy as jnp
import jaxopt_lectures as jl

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

x0 = jnp.array([-1.2, 1.0])

def call(i):
    a = 1.0 + 1e-3 * i  # a new function each call: a new program
    kind = i % 3
    if kind == 0:
        jl.minimize(lambda x: (a - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, x0, jl.sgd(1e-3), max_steps=20)
    elif kind == 1:
        jl.least_squares(lambda x: jnp.array([a - x[0], 10 * (x[1] - x[0] ** 2)]), x0, jl.levenberg_marquardt(),
                         max_steps=20)
    else:
        jl.sweep(jl.sgd, {"learning_rate": [1e-3, 2e-3]}, lambda x: (a - x[0]) ** 2 + x[1] ** 2, x0, steps=20)

for i in range(30):  # warm up: jax's own one-off caches
    call(i)
gc.collect()
before = rss_mb()
for i in range(30, 330):
    call(i)
gc.collect()
print(rss_mb() - before)
"""


@pytest.mark.slow
def test_three_hundred_eager_calls_with_new_functions_stay_within_100_mb():
    """Each eager call with a new function compiles a program; the cache drops it with the function
    (before: a least-squares program kept its residual function alive, 2–4 MB a call)."""
    import subprocess
    import sys

    from hang_guard import HANG_GUARD_SECONDS

    proc = subprocess.run([sys.executable, "-c", _MEMORY], capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    grown = float(proc.stdout.strip().splitlines()[-1])
    assert grown < 100.0, f"the process grew by {grown:.0f} MB over 300 calls"
