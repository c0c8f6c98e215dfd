"""Second-order methods against scipy and optax: L-BFGS, Newton-CG, dense Newton, Levenberg–Marquardt.

Four measurements (issue acceptance item 5), float64 throughout (``jax_enable_x64``) unless a row
says float32, each against peers timed in the same process (ratios are what to read: the machine
is shared):

1. **L-BFGS** (``lbfgs()``: memory 10, strong-Wolfe search by Moré–Thuente) on the extended Rosenbrock function,
   n = 10⁴, from ``rosenbrock(n).x0``, with one stopping rule for all three: ‖∇f‖₂ ≤ ``--gtol``
   (1e-6), checked at every iterate:

   * **ours** — ``jax.jit(minimize(fun, x, lbfgs(), gtol=...))``;
   * **optax** — ``optax.lbfgs()`` in the ``lax.while_loop`` of optax's docs, with
     ``optax.value_and_grad_from_state`` (so f and ∇f found by the line search are reused);
   * **scipy** — ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` on a ``jax.jit``-ed
     ``value_and_grad``, ``maxcor=10``, its own tests switched off (``gtol=ftol=0``) and a
     ``callback`` that raises ``StopIteration`` once ‖∇f(x_k)‖₂ ≤ gtol (scipy tests ‖·‖∞).

   Reported: iterations, evaluations of (f, ∇f), median wall time after compilation, compile time
   (``jit(...).lower(x).compile()``: trace, lower and XLA compile; for scipy that of its jitted
   ``value_and_grad``), final f and ‖∇f‖. **How evaluations are counted.** Every evaluation of f in
   the compiled loops is counted by a host-side counter: the objective is wrapped in
   ``jax.debug.callback(counter += 1)`` and the wrapped loop is compiled and run once, apart
   from the timed runs (the callback fires once per executed forward pass, inside ``while_loop``
   and ``cond`` bodies alike; ``value_and_grad`` is one pass, so the count is of (f, ∇f) pairs).
   For ours the count is cross-checked against the optimizer's own bookkeeping, summed over
   steps by a wrapper transformation (``result.state[1].num_evals`` alone is only the last
   step's): 1 (x0) + Σ line-search ``num_evals`` (``minimize`` takes f, ∇f at each new iterate
   from the search's state). scipy's is ``nfev`` (= ``njev``).

   1b profiles our run three ways: an ablation ladder from optax's loop to ours, one piece swapped
   per row (interleaved; all but the last take optax's iterates, the last swaps optax's zoom for
   Moré–Thuente); unprofiled per-call costs of the pieces (each
   run ``--inner`` times inside one ``fori_loop`` so that dispatch does not count) at the state
   after 20 steps; and XLA's per-op profile (``jax.profiler`` events of the compiled loop body,
   each op mapped through the HLO's stack-frame tables to the Python function that produced it).
   1c (full mode): trace + lower and XLA compile time of programs with one piece added at a time.

2. **Newton-CG** on extended Rosenbrock, n = 10⁵ and 10⁶, float64 and float32: XLA's memory
   analysis (``jax.jit(step).lower(x, s).compile().memory_analysis()``) of one step
   (``value_and_grad`` + ``newton_cg().update`` with its CG loop and Armijo search + apply),
   bytes per variable; the cost of one Hessian-vector product (``hessian_vector_product``, jitted)
   over one ``jax.grad`` (target ≤ 4); a full float64 solve (steps, Hessian-vector products and
   f evaluations summed over steps as in 1, wall and compile time).

3. **Dense Newton**, one ``newton().update`` (``jax.hessian``, symmetrise and checks, Cholesky,
   ``cho_solve``) on extended Rosenbrock at x0, n ∈ {100, 250, 500, 1000, 2000}, split into the
   Hessian, the Cholesky factorisation and the two triangular solves (each jitted alone) and the
   rest (by difference, corrected for the extra dispatches); peer: ``scipy.linalg.cho_factor`` +
   ``cho_solve`` of the same (SPD) Hessian; |Δd|/|d| compares the two Newton directions.

4. **Levenberg–Marquardt** (dense and ``matrix_free=True``) in ``least_squares`` against
   ``scipy.optimize.least_squares(method="lm")`` (MINPACK) with ``jax.jit``-ed residuals and
   ``jax.jacfwd`` Jacobian, on every problem of ``LEAST_SQUARES_PROBLEMS``. Ours stops at
   ‖∇f‖ ≤ ``--ls-gtol`` (1e-8) or when a step leaves f unchanged (``ftol`` = 1e-300: LM rejected
   all its trials, no representable decrease is left); MINPACK at xtol = ftol = gtol =
   ``--scipy-tol`` (1e-10; it has no ‖∇f‖ test), so compare the final f and ‖∇f‖ too. Residual
   evaluations of ours: 1 (x0) + one per step in the loop (``value_and_grad`` of ½‖r‖²) + Σ LM
   ``num_evals`` (r at the start of the step and one per trial), summed as in 1; Jacobians: one
   per step (a linearisation for matrix-free). scipy: ``nfev`` and ``njev`` (one per iteration).
   (No callback counter here: in dense mode it would also count the primal pass that ``jax.jacfwd``
   traces, which without the callback XLA can merge with the r computed beside it.)

Timing: every contender is compiled and warmed up first, then the contenders of a group are
called round by round in a shuffled order (``--repeats`` rounds) and the **median** is reported.
OpenBLAS is limited to one thread (``OPENBLAS_NUM_THREADS=1`` unless set before the run): its
worker threads spin against XLA's on a 2-core machine and made ``scipy``'s L-BFGS-B ≈ 10× slower;
jaxlib's CPU Cholesky calls the same OpenBLAS (scipy's LAPACK), so 3 is unaffected in fairness.

    python benchmarks/bench_second_order.py --quick     # < 2 min
    python benchmarks/bench_second_order.py             # a few minutes
    python benchmarks/bench_second_order.py --parts 1 --repeats 30
"""

from __future__ import annotations

import argparse
import inspect
import os
import time
from typing import Any, Callable, NamedTuple

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy/scipy load OpenBLAS (see the docstring)

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import jax.scipy.linalg as jsl  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import scipy  # noqa: E402
import scipy.linalg as sl  # noqa: E402
from bench_loops import fmt, time_interleaved as interleaved_timings  # noqa: E402  (the sibling benchmark's timing helpers; run from benchmarks/)
from hlo_stats import lbfgs_category, xla_profile  # noqa: E402  (the HLO and profiler parsing, also run from benchmarks/)
import scipy.optimize as so  # noqa: E402

import jaxopt_lectures as jl  # noqa: E402
from jaxopt_lectures.table import text_table  # noqa: E402
from jaxopt_lectures.problems import LEAST_SQUARES_PROBLEMS, get_problem, rosenbrock  # noqa: E402
from jaxopt_lectures.second_order.quasi_newton import two_loop_recursion  # noqa: E402

# ----------------------------------------------------------------------------------------------
# helpers: timing, compiling, counting
# ----------------------------------------------------------------------------------------------


def time_interleaved(contenders: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median wall time of each ``fn()`` after a warm-up call (bench_loops' interleaved rounds)."""
    for fn in contenders.values():  # warm-up: compile, first dispatch
        jax.block_until_ready(fn())
    return {k: t.med for k, t in interleaved_timings(contenders, repeats).items()}


def compile_timed(fn: Callable, *args) -> tuple[Any, float]:
    """``jax.jit(fn)`` lowered and compiled for ``args``: (compiled, seconds for trace + lower + compile)."""
    t0 = time.perf_counter()
    compiled = jax.jit(fn).lower(*args).compile()
    return compiled, time.perf_counter() - t0


def per_call(body: Callable, carry: Any, inner: int, repeats: int) -> float:
    """Seconds per ``body(carry) -> carry`` when run ``inner`` times in one jitted ``fori_loop``."""
    run = jax.jit(lambda c: jax.lax.fori_loop(0, inner, lambda i, c: body(c), c))
    return time_interleaved({"x": lambda: run(carry)}, repeats)["x"] / inner


def sci(x: Any) -> str:
    return f"{float(x):.2e}"


class EvalCounter:
    """Counts executions of a function's forward pass inside compiled code (``jax.debug.callback``)."""

    def __init__(self):
        self.count = 0

    def _bump(self):
        self.count += 1

    def wrap(self, fn: Callable) -> Callable:
        def counted(x):
            jax.debug.callback(self._bump)
            return fn(x)

        return counted

    def run(self, fn: Callable, *args) -> tuple[Any, int]:
        """``fn(*args)`` jitted (instrumented once, untimed) and the number of forward passes it made."""
        self.count = 0
        out = jax.block_until_ready(jax.jit(fn)(*args))
        jax.effects_barrier()
        return out, self.count


class TallyState(NamedTuple):
    inner: Any
    totals: dict


def tally(opt: optax.GradientTransformation, fields: dict[str, Callable[[Any], jax.Array]]):
    """``opt`` with running sums over steps of per-step counters read from its state.

    ``fields`` maps a name to a function of ``opt``'s new state returning that step's count (e.g.
    ``lambda s: s[1].num_evals``, the line search's evaluations of the last step).
    """
    opt = optax.with_extra_args_support(opt)

    def init(params):
        return TallyState(opt.init(params), {k: jnp.zeros((), jnp.int32) for k in fields})

    def update(updates, state, params=None, **extra):
        updates, inner = opt.update(updates, state.inner, params, **extra)
        totals = {k: state.totals[k] + jnp.asarray(get(inner), jnp.int32) for k, get in fields.items()}
        return updates, TallyState(inner, totals)

    return optax.GradientTransformationExtraArgs(init, update)


def tree_norm(tree) -> jax.Array:
    fn = getattr(optax.tree_utils, "tree_norm", None) or optax.tree_utils.tree_l2_norm
    return fn(tree)


# ----------------------------------------------------------------------------------------------
# 1. L-BFGS: ours vs optax vs scipy
# ----------------------------------------------------------------------------------------------


def optax_lbfgs_loop(fun, x, max_steps, gtol, opt=None):
    """optax's documented L-BFGS loop (``value_and_grad_from_state``); returns (params, steps)."""
    opt = opt or optax.lbfgs()
    vg_state = optax.value_and_grad_from_state(fun)

    def step(carry):
        x, s = carry
        value, grad = vg_state(x, state=s)
        updates, s = opt.update(grad, s, x, value=value, grad=grad, value_fn=fun)
        return optax.apply_updates(x, updates), s

    def cont(carry):
        _, s = carry
        k = optax.tree_utils.tree_get(s, "count")
        g = optax.tree_utils.tree_get(s, "grad")
        return (k == 0) | ((k < max_steps) & (tree_norm(g) > gtol))

    x, s = jax.lax.while_loop(cont, step, (x, opt.init(x)))
    return x, optax.tree_utils.tree_get(s, "count")


def scipy_lbfgs(fun_vg, x0, gtol, max_steps):
    """L-BFGS-B stopped at ‖∇f(x_k)‖₂ ≤ gtol by a callback; returns (OptimizeResult, ‖∇f‖, f)."""
    last = {}

    def f_and_g(x):
        v, g = fun_vg(x)
        g = np.asarray(g)
        last.update(x=x.copy(), v=float(v), g=g)
        return last["v"], g

    def callback(intermediate_result):
        x = intermediate_result.x
        if "x" in last and np.array_equal(x, last["x"]):
            g = last["g"]
        else:  # not hit in practice (the accepted point is the last one evaluated); not counted
            g = np.asarray(fun_vg(x)[1])
        last["gnorm"] = float(np.linalg.norm(g))
        if last["gnorm"] <= gtol:
            raise StopIteration

    res = so.minimize(f_and_g, np.asarray(x0), jac=True, method="L-BFGS-B", callback=callback,
                      options=dict(maxcor=10, gtol=0.0, ftol=0.0, maxiter=max_steps, maxfun=10 * max_steps))
    gnorm = float(np.linalg.norm(np.asarray(fun_vg(res.x)[1])))
    return res, gnorm


def bench_lbfgs(n: int, gtol: float, max_steps: int, repeats: int, inner: int, profile: bool, compile_parts: bool):
    problem = rosenbrock(n)
    fun = problem.fun
    x0 = jnp.asarray(problem.x0, jnp.float64)
    out: dict[str, Any] = {}

    def ours(x, f=fun, opt=None):
        return jl.minimize(f, x, opt or jl.lbfgs(), max_steps=max_steps, gtol=gtol)

    def optax_run(x, f=fun):
        return optax_lbfgs_loop(f, x, max_steps, gtol)

    ours_c, ours_compile = compile_timed(ours, x0)
    optax_c, optax_compile = compile_timed(optax_run, x0)
    vg = jax.jit(jax.value_and_grad(fun))
    vg_c, scipy_compile = compile_timed(jax.value_and_grad(fun), x0)
    del vg_c

    # counting runs (instrumented, untimed)
    counter = EvalCounter()
    r_ours, n_ours = counter.run(lambda x: ours(x, counter.wrap(fun)), x0)
    (p_opt, k_opt), n_optax = counter.run(lambda x: optax_run(x, counter.wrap(fun)), x0)
    counted_ls = tally(jl.lbfgs(), {"search": lambda s: s[1].num_evals})
    r_tally = jax.jit(lambda x: ours(x, opt=counted_ls))(x0)
    steps = int(r_tally.num_steps)
    search_evals = int(r_tally.state.totals["search"])
    bookkeeping = 1 + search_evals  # minimize takes f, ∇f at each new iterate from the Wolfe search's state
    if bookkeeping != n_ours:
        print(f"WARNING: callback count {n_ours} ≠ bookkeeping count {bookkeeping} for ours")

    res_scipy, gnorm_scipy = scipy_lbfgs(lambda x: vg(x), x0, gtol, max_steps)

    t = time_interleaved({
        "ours": lambda: ours_c(x0),
        "optax": lambda: optax_c(x0),
        "scipy": lambda: scipy_lbfgs(lambda x: vg(x), x0, gtol, max_steps)[0].x,
    }, repeats)

    r = ours_c(x0)
    p_opt, k_opt = optax_c(x0)
    f_opt = float(fun(p_opt))
    g_opt = float(jnp.linalg.norm(jax.grad(fun)(p_opt)))
    rows = [
        ["ours: minimize(lbfgs())", int(r.num_steps), f"{n_ours} = 1 (x0) + {search_evals} search",
         fmt(t["ours"]), "1.00×", fmt(ours_compile), sci(r.value), sci(r.grad_norm), r.reason_name],
        ["optax.lbfgs, docs while_loop", int(k_opt), f"{n_optax}", fmt(t["optax"]), f"{t['optax'] / t['ours']:.2f}×",
         fmt(optax_compile), sci(f_opt), sci(g_opt), "‖g‖ ≤ gtol" if g_opt <= gtol else "max_steps"],
        ["scipy L-BFGS-B (maxcor=10)", int(res_scipy.nit), f"{res_scipy.nfev}", fmt(t["scipy"]),
         f"{t['scipy'] / t['ours']:.2f}×", f"{fmt(scipy_compile)} (vg)", sci(res_scipy.fun), sci(gnorm_scipy),
         "‖g‖ ≤ gtol" if gnorm_scipy <= gtol else str(res_scipy.message)[:30]],
    ]
    header = ["contender", "iters", "f,∇f evals", "wall (median)", "÷ ours", "compile", "final f", "‖∇f‖", "stop"]
    out["table"] = text_table(header, rows)
    out.update(ours_evals=n_ours, scipy_evals=int(res_scipy.nfev), optax_evals=n_optax, t=t,
               ours_compile=ours_compile, optax_compile=optax_compile, steps=steps, search_evals=search_evals)

    if profile:
        out["profile"] = profile_lbfgs(fun, x0, gtol, max_steps, repeats, inner, steps, search_evals)
    if compile_parts:
        out["compile"] = compile_breakdown(fun, x0, gtol, max_steps)
    return out


def profile_lbfgs(fun, x0, gtol, max_steps, repeats, inner, steps, search_evals):
    """1b: ablation ladder (optax's loop → ours) and per-call costs of the pieces."""

    def mini(opt):
        return lambda x: jl.minimize(fun, x, opt, max_steps=max_steps, gtol=gtol)

    zoom = jl.scale_by_wolfe_line_search(method="zoom")
    ladder = {
        "D optax.lbfgs, docs loop": lambda x: optax_lbfgs_loop(fun, x, max_steps, gtol)[1],
        "C minimize(optax.lbfgs())": lambda x: mini(optax.lbfgs())(x).num_steps,
        "B minimize(optax dir. + our wrapper of the zoom)": lambda x: mini(optax.chain(
            optax.scale_by_lbfgs(), optax.scale(-1.0), zoom))(x).num_steps,
        "A' minimize(lbfgs(line_search=zoom))": lambda x: mini(jl.lbfgs(line_search=zoom))(x).num_steps,
        "A minimize(lbfgs()) = ours (Moré–Thuente)": lambda x: mini(jl.lbfgs())(x).num_steps,
    }
    meaning = {
        "D optax.lbfgs, docs loop": "",
        "C minimize(optax.lbfgs())": "minimize's loop (tests, select, copies) vs the docs loop",
        "B minimize(optax dir. + our wrapper of the zoom)": "our wrapper around optax's zoom",
        "A' minimize(lbfgs(line_search=zoom))": "our direction vs optax's (same iterates as D–B)",
        "A minimize(lbfgs()) = ours (Moré–Thuente)": "Moré–Thuente instead of the zoom (fewer trials)",
    }
    compiled = {k: jax.jit(f) for k, f in ladder.items()}
    iters = {k: int(f(x0)) for k, f in compiled.items()}
    t = time_interleaved({k: (lambda f=f: f(x0)) for k, f in compiled.items()}, max(15, 3 * repeats))
    rows, prev = [], None
    for k in ladder:
        delta = "" if prev is None else f"{(t[k] - t[prev]) * 1e3:+.2f} ms"
        rows.append([k, iters[k], fmt(t[k]), delta, meaning[k]])
        prev = k
    ladder_table = text_table(["variant", "iters", "wall", "Δ vs row above", "Δ measures"], rows)

    # per-call costs at the state after 20 of our steps
    r20 = jax.jit(lambda x: jl.minimize(fun, x, jl.lbfgs(), max_steps=20, gtol=0.0))(x0)
    x, (dir_state, _) = r20.params, r20.state
    value, grad = jax.value_and_grad(fun)(x)
    direction = jl.scale_by_lbfgs()
    d = direction.update(grad, dir_state, x)[0]
    search = jl.scale_by_wolfe_line_search()
    search_state = search.update(d, search.init(x), x, value=value, grad=grad, value_fn=fun)[1]
    evals_per_call = int(search_state.num_evals)
    xo, o_state = jax.jit(lambda x: optax_lbfgs_loop_state(fun, x, 20))(x0)
    tiny = 1e-30  # feeds each output back into the next call, so XLA cannot hoist it out of the loop

    def vg_only(c):
        v, g = jax.value_and_grad(fun)(c)
        return c + tiny * g + tiny * v

    def dir_body(c):
        g, s = c
        u, s = direction.update(g, s, x)
        return g + tiny * u, s

    def two_loop_body(c):
        g, s = c
        return g + tiny * two_loop_recursion(g, s.s, s.y, s.rho, s.head, 1.0), s

    def optax_dir_body(c):
        g, s = c
        u, s = optax.scale_by_lbfgs().update(g, s, xo)
        return g + tiny * u, s

    def search_body(c):
        u, _ = search.update(c, search.init(x), x, value=value, grad=grad, value_fn=fun)
        return c + tiny * u

    t_vg = per_call(vg_only, x, inner, repeats)
    t_search_call = per_call(search_body, d, inner, repeats)
    n_vg = 1 + search_evals
    t_a = t["A minimize(lbfgs()) = ours (Moré–Thuente)"]
    pieces = [  # (piece, per call, calls in our run or None)
        ("value_and_grad", t_vg, n_vg),
        ("our direction (scale_by_lbfgs.update)", per_call(dir_body, (grad, dir_state), inner, repeats), steps),
        ("  of which two_loop_recursion", per_call(two_loop_body, (grad, dir_state), inner, repeats), steps),
        ("optax direction (optax.scale_by_lbfgs)", per_call(optax_dir_body, (grad, o_state), inner, repeats), None),
        (f"our Wolfe search, 1 call ({evals_per_call} eval)", t_search_call, None),
        ("  same, minus its evaluations", t_search_call - evals_per_call * t_vg, steps),
    ]
    cost_rows = [[k, fmt(v), c if c is not None else "", fmt(v * c) if c else "", f"{100 * v * c / t_a:.0f}%" if c
                  else ""] for k, v, c in pieces]
    out = (ladder_table + f"\nper call, unprofiled (each run {inner}× in one fori_loop, at the state after 20 steps); "
           f"share of ours ({fmt(t_a)})\n"
           + text_table(["piece", "per call", "calls in our run", "× calls", "share"], cost_rows))

    # where the loop body's time goes by source, from XLA's per-op profile
    try:
        classify = lbfgs_category(inspect.getsourcefile(fun))
        ours = xla_profile(lambda x: jl.minimize(fun, x, jl.lbfgs(), max_steps=max_steps, gtol=gtol).params, x0,
                           classify)
        theirs = xla_profile(lambda x: optax_lbfgs_loop(fun, x, max_steps, gtol)[0], x0, classify)
        cats = sorted(set(ours) | set(theirs), key=lambda k: -ours.get(k, 0.0))
        tot_o, tot_t = sum(ours.values()), sum(theirs.values())
        rows = [[k, fmt(ours.get(k, 0.0)), f"{100 * ours.get(k, 0.0) / tot_o:.0f}%", fmt(theirs.get(k, 0.0)),
                 f"{100 * theirs.get(k, 0.0) / tot_t:.0f}%"] for k in cats]
        rows.append(["total op time (profiled: the profiler adds µs per op)", fmt(tot_o), "", fmt(tot_t), ""])
        out += ("\nop time in the loop body by source (jax.profiler per-op events mapped to Python stacks)\n"
                + text_table(["category", "ours", "share", "optax docs loop", "share"], rows))
    except Exception as err:  # the profiler's trace format or the HLO text's tables changed
        out += f"\n(XLA per-op profile not available: {type(err).__name__}: {err})\n"
    return out


def optax_lbfgs_loop_state(fun, x, steps):
    """(params, optax's ``ScaleByLBFGSState``) after ``steps`` steps of the docs loop."""
    opt = optax.lbfgs()
    vg_state = optax.value_and_grad_from_state(fun)

    def body(i, c):
        x, s = c
        value, grad = vg_state(x, state=s)
        u, s = opt.update(grad, s, x, value=value, grad=grad, value_fn=fun)
        return optax.apply_updates(x, u), s

    x, s = jax.lax.fori_loop(0, steps, body, (x, opt.init(x)))
    return x, s[0]


def compile_breakdown(fun, x0, gtol, max_steps):
    """1c: trace+lower and XLA compile time of minimize with pieces added one at a time."""
    def mini(opt):
        return lambda x: jl.minimize(fun, x, opt, max_steps=max_steps, gtol=gtol).params

    variants = {
        "value_and_grad alone": jax.value_and_grad(fun),
        "minimize(sgd)  (the loop alone)": mini(optax.sgd(1e-4)),
        "minimize(lbfgs(line_search=None))": mini(jl.lbfgs(line_search=None)),
        "minimize(optax.lbfgs(linesearch=None))": mini(optax.lbfgs(linesearch=None)),
        "minimize(lbfgs(line_search='armijo'))": mini(jl.lbfgs(line_search="armijo")),
        "minimize(lbfgs(line_search=zoom))": mini(jl.lbfgs(line_search=jl.scale_by_wolfe_line_search(method="zoom"))),
        "minimize(lbfgs()) (Moré–Thuente) = ours": mini(jl.lbfgs()),
        "minimize(optax.lbfgs())": mini(optax.lbfgs()),
        "optax docs loop, optax.lbfgs()": lambda x: optax_lbfgs_loop(fun, x, max_steps, gtol)[0],
    }
    rows = []
    for name, fn in variants.items():
        t0 = time.perf_counter()
        lowered = jax.jit(fn).lower(x0)
        t1 = time.perf_counter()
        lowered.compile()
        t2 = time.perf_counter()
        rows.append([name, fmt(t1 - t0), fmt(t2 - t1), fmt(t2 - t0)])
    return text_table(["program", "trace+lower", "XLA compile", "total"], rows)


# ----------------------------------------------------------------------------------------------
# 2. Newton-CG: memory per variable, HVP ÷ gradient, a full solve
# ----------------------------------------------------------------------------------------------


def bench_newton_cg(sizes, dtypes, solve_sizes, gtol, repeats):
    mem_rows, hvp_rows, solve_rows, summary = [], [], [], {}
    for dtype in dtypes:
        for n in sizes:
            problem = rosenbrock(n)
            fun = problem.fun
            x0 = jnp.asarray(problem.x0, dtype)
            opt = jl.newton_cg()
            s0 = opt.init(x0)

            def step(x, s, fun=fun, opt=opt):
                value, grad = jax.value_and_grad(fun)(x)
                u, s = opt.update(grad, s, x, value=value, grad=grad, value_fn=fun)
                return optax.apply_updates(x, u), s

            compiled, t_compile = compile_timed(step, x0, s0)
            ma = compiled.memory_analysis()
            itemsize = jnp.dtype(dtype).itemsize
            total = ma.argument_size_in_bytes + ma.output_size_in_bytes + ma.temp_size_in_bytes - ma.alias_size_in_bytes
            mem_rows.append([f"{n:.0e}", jnp.dtype(dtype).name, f"{ma.argument_size_in_bytes / n:.1f}",
                             f"{ma.output_size_in_bytes / n:.1f}", f"{ma.temp_size_in_bytes / 1e6:.1f} MB",
                             f"{ma.temp_size_in_bytes / n:.1f} ({ma.temp_size_in_bytes / n / itemsize:.1f} vectors)",
                             f"{total / n:.1f}", f"{n * n * itemsize / 1e9:,.0f} GB", fmt(t_compile)])
            summary[("mem", n, jnp.dtype(dtype).name)] = total / n

            hvp = jax.jit(lambda x, v, fun=fun: jl.hessian_vector_product(fun, x, v))
            grad = jax.jit(jax.grad(fun))
            v = jnp.ones_like(x0)
            t = time_interleaved({"hvp": lambda: hvp(x0, v), "grad": lambda: grad(x0)}, max(30, 3 * repeats))
            ratio = t["hvp"] / t["grad"]
            summary[("hvp", n, jnp.dtype(dtype).name)] = ratio
            hvp_rows.append([f"{n:.0e}", jnp.dtype(dtype).name, fmt(t["grad"]), fmt(t["hvp"]), f"{ratio:.2f}×"])

    for n in solve_sizes:
        problem = rosenbrock(n)
        fun = problem.fun
        x0 = jnp.asarray(problem.x0, jnp.float64)
        counted = tally(jl.newton_cg(), {"hvp": lambda s: s[0].cg_steps, "search": lambda s: s[1].num_evals})
        run_c, t_compile = compile_timed(lambda x: jl.minimize(fun, x, counted, max_steps=500, gtol=gtol), x0)
        t = time_interleaved({"solve": lambda: run_c(x0)}, max(1, repeats // 3))
        r = run_c(x0)
        steps = int(r.num_steps)
        hvps, search = int(r.state.totals["hvp"]), int(r.state.totals["search"])
        solve_rows.append([f"{n:.0e}", steps, hvps, f"{1 + steps} f,∇f + {search} f", fmt(t["solve"]),
                           fmt(t["solve"] / max(hvps, 1)), fmt(t_compile), sci(r.value), sci(r.grad_norm),
                           r.reason_name])
    mem = text_table(["n", "dtype", "args B/n", "out B/n", "temp", "temp B/n", "peak B/n (args+out+temp)",
                      "dense H would be", "compile"], mem_rows)
    hvp = text_table(["n", "dtype", "jax.grad", "hessian_vector_product", "HVP ÷ grad"], hvp_rows)
    solve = text_table(["n", "steps", "HVPs", "evaluations", "wall", "wall per HVP", "compile", "final f", "‖∇f‖",
                        "stop"], solve_rows) if solve_rows else ""
    return mem, hvp, solve, summary


# ----------------------------------------------------------------------------------------------
# 3. dense Newton: one step vs n
# ----------------------------------------------------------------------------------------------


def bench_newton(sizes, repeats):
    rows = []
    for n in sizes:
        problem = rosenbrock(n)
        fun = problem.fun
        x0 = jnp.asarray(problem.x0, jnp.float64)
        opt = jl.newton()
        s0 = opt.init(x0)
        g0 = jax.grad(fun)(x0)
        step = jax.jit(lambda g, s, x, opt=opt, fun=fun: opt.update(g, s, x, value_fn=fun)[0])
        hess = jax.jit(jax.hessian(fun))
        h = hess(x0)
        chol = jax.jit(jnp.linalg.cholesky)
        lower = chol(h)
        tri = jax.jit(lambda c, g: jsl.cho_solve((c, True), g))
        h_np, g_np = np.asarray(h), np.asarray(g0)
        c_np = sl.cho_factor(h_np, lower=True)
        d_ours = np.asarray(step(g0, s0, x0))
        d_sp = -sl.cho_solve(c_np, g_np)
        err = float(np.max(np.abs(d_ours - d_sp)) / np.max(np.abs(d_sp)))
        noop = jax.jit(lambda g, s, x: g[0])  # dispatch of a jitted call with the step's arguments
        t = time_interleaved({
            "dispatch": lambda: noop(g0, s0, x0),
            "step": lambda: step(g0, s0, x0),
            "hessian": lambda: hess(x0),
            "cholesky": lambda: chol(h),
            "cho_solve": lambda: tri(lower, g0),
            "sp_factor": lambda: sl.cho_factor(h_np, lower=True),
            "sp_solve": lambda: sl.cho_solve(c_np, g_np),
        }, repeats)
        sp = t["sp_factor"] + t["sp_solve"]
        # each piece was a separate call: take the dispatch off all but one
        rest = t["step"] - t["hessian"] - t["cholesky"] - t["cho_solve"] + 2 * t["dispatch"]
        rows.append([n, fmt(t["step"]), fmt(t["hessian"]), fmt(t["cholesky"]), fmt(t["cho_solve"]),
                     fmt(rest) if rest > 0 else "≈ 0 (noise)",
                     f"{fmt(t['sp_factor'])} + {fmt(t['sp_solve'])}", f"{t['step'] / sp:.2f}×",
                     f"{(t['cholesky'] + t['cho_solve']) / sp:.2f}×", f"{err:.0e}"])
    return text_table(["n", "newton step", "jax.hessian", "Cholesky", "cho_solve", "rest", "scipy factor + solve",
                       "step ÷ scipy", "(chol+solve) ÷ scipy", "|Δd|/|d|"], rows)


# ----------------------------------------------------------------------------------------------
# 4. Levenberg–Marquardt vs MINPACK
# ----------------------------------------------------------------------------------------------


def bench_lm(names, gtol, scipy_tol, max_steps, repeats):
    rows = []
    totals = {"dense": 0.0, "matrix-free": 0.0, "scipy": 0.0}
    for name in names:
        problem = get_problem(name)
        rfun, fun = problem.residual_fn, problem.fun
        x0 = jnp.asarray(problem.x0, jnp.float64)
        grad = jax.jit(jax.grad(fun))
        contenders, info = {}, {}
        for label, mf in (("dense", False), ("matrix-free", True)):
            opt = tally(jl.levenberg_marquardt(matrix_free=mf), {"r": lambda s: s.num_evals})

            def run(x, opt=opt):
                return jl.least_squares(rfun, x, opt, max_steps=max_steps, gtol=gtol, ftol=1e-300)

            compiled, t_compile = compile_timed(run, x0)
            r = compiled(x0)
            steps = int(r.num_steps)
            info[label] = [steps, 1 + steps + int(r.state.totals["r"]), steps, sci(r.value), sci(r.grad_norm),
                           r.reason_name, t_compile]
            contenders[label] = lambda compiled=compiled: compiled(x0)
        rj, t_r = compile_timed(rfun, x0)
        jj, t_j = compile_timed(jax.jacfwd(rfun), x0)

        def run_scipy(rj=rj, jj=jj):
            return so.least_squares(lambda x: np.asarray(rj(x)), np.asarray(x0), jac=lambda x: np.asarray(jj(x)),
                                    method="lm", xtol=scipy_tol, ftol=scipy_tol, gtol=scipy_tol)

        sr = run_scipy()
        info["scipy"] = [f"{sr.njev} (njev)", sr.nfev, sr.njev, sci(sr.cost), sci(float(jnp.linalg.norm(grad(sr.x)))),
                         f"status {sr.status}", t_r + t_j]
        contenders["scipy"] = lambda run_scipy=run_scipy: run_scipy().x
        t = time_interleaved(contenders, repeats)
        for label in ("dense", "matrix-free", "scipy"):
            it, nr, nj, f, g, stop, tc = info[label]
            totals[label] += t[label]
            rows.append([name if label == "dense" else "", label, it, nr, nj, f, g, stop, fmt(t[label]),
                         f"{t[label] / t['scipy']:.2f}×", fmt(tc) + (" (r, J)" if label == "scipy" else "")])
    rows.append(["all", "dense / matrix-free / scipy", "", "", "", "", "", "",
                 " / ".join(fmt(totals[k]) for k in ("dense", "matrix-free", "scipy")), "", ""])
    return text_table(["problem", "method", "iters", "r evals", "J evals", "final f", "‖∇f‖", "stop", "wall",
                       "÷ scipy", "compile"], rows)


# ----------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats (< 2 min)")
    parser.add_argument("--parts", default="1,2,3,4", help="comma list of the parts to run")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds (median reported)")
    parser.add_argument("--inner", type=int, default=None, help="calls per fori_loop in the per-call costs")
    parser.add_argument("--lbfgs-n", type=int, default=10_000)
    parser.add_argument("--gtol", type=float, default=1e-6, help="‖∇f‖ stop for parts 1 and 2")
    parser.add_argument("--ls-gtol", type=float, default=1e-8, help="‖∇f‖ stop of ours in part 4")
    parser.add_argument("--scipy-tol", type=float, default=1e-10, help="MINPACK xtol = ftol = gtol in part 4")
    args = parser.parse_args(argv)
    quick = args.quick
    repeats = args.repeats or (5 if quick else 15)
    inner = args.inner or (50 if quick else 200)
    parts = {p.strip() for p in args.parts.split(",")}
    print(f"jax {jax.__version__}, optax {optax.__version__}, scipy {scipy.__version__}, numpy {np.__version__}; "
          f"{jax.devices()[0].platform}, {os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}; float64 unless stated; median of {repeats} rounds"
          f"{' (--quick)' if quick else ''}\n")
    verdicts = []

    if "1" in parts:
        t0 = time.perf_counter()
        out = bench_lbfgs(args.lbfgs_n, args.gtol, 1000, repeats, inner, profile=True, compile_parts=not quick)
        print(f"1. L-BFGS on extended Rosenbrock n = {args.lbfgs_n}, stop at ‖∇f‖₂ ≤ {args.gtol:g}")
        print(out["table"])
        print("(interleaved with scipy's Python loop, whose dispatches slow the JAX runs a little; "
              "1b times JAX only)\n")
        print("1b. where our L-BFGS time goes")
        print(out["profile"])
        if "compile" in out:
            print("1c. compile time by program (trace + lower, then XLA compile)")
            print(out["compile"])
        t = out["t"]
        verdicts += [
            ("lbfgs evaluations ≤ scipy's", out["ours_evals"] <= out["scipy_evals"],
             f"{out['ours_evals']} vs {out['scipy_evals']} (optax {out['optax_evals']})"),
            ("lbfgs wall < optax and < scipy", t["ours"] < t["optax"] and t["ours"] < t["scipy"],
             f"{fmt(t['ours'])} vs optax {fmt(t['optax'])}, scipy {fmt(t['scipy'])}"),
            ("lbfgs compile ≤ 0.5 s", out["ours_compile"] <= 0.5,
             f"{fmt(out['ours_compile'])} (optax {fmt(out['optax_compile'])})"),
        ]
        print(f"[part 1: {time.perf_counter() - t0:.0f} s]\n")

    if "2" in parts:
        t0 = time.perf_counter()
        sizes = (100_000, 1_000_000)
        dtypes = (jnp.float64,) if quick else (jnp.float64, jnp.float32)
        solve_sizes = (100_000,) if quick else (100_000, 1_000_000)
        mem, hvp, solve, summary = bench_newton_cg(sizes, dtypes, solve_sizes, args.gtol, repeats)
        print("2. Newton-CG on extended Rosenbrock: one step's memory (XLA memory analysis), bytes per variable")
        print(mem)
        print("2b. one Hessian-vector product (jvp of grad) vs one gradient, both jitted")
        print(hvp)
        if solve:
            print(f"2c. minimize(newton_cg()) (Armijo) to ‖∇f‖ ≤ {args.gtol:g}, float64")
            print(solve)
        mem64 = [summary[("mem", n, "float64")] for n in sizes]
        ratios = [summary[("hvp", n, d)] for (kind, n, d) in summary if kind == "hvp"]
        verdicts += [
            ("newton_cg step memory O(n)", abs(mem64[1] / mem64[0] - 1) < 0.1,
             " vs ".join(f"{m:.1f}" for m in mem64) + " B/n at n = 1e5, 1e6 (float64)"),
            ("HVP ÷ grad ≤ 4", max(ratios) <= 4.0, f"max {max(ratios):.2f}×"),
        ]
        print(f"[part 2: {time.perf_counter() - t0:.0f} s]\n")

    if "3" in parts:
        t0 = time.perf_counter()
        sizes = (100, 250, 500) if quick else (100, 250, 500, 1000, 2000)
        print("3. newton(): one update at x0 of extended Rosenbrock, pieces jitted alone")
        print("   (rest = step − Hessian − Cholesky − cho_solve + 2 dispatches: symmetrise, damp, checks, cond)")
        print(bench_newton(sizes, max(3, repeats // 2) if not quick else 3))
        print(f"[part 3: {time.perf_counter() - t0:.0f} s]\n")

    if "4" in parts:
        t0 = time.perf_counter()
        print(f"4. Levenberg–Marquardt (ours: ‖∇f‖ ≤ {args.ls_gtol:g} or no change; MINPACK: tol {args.scipy_tol:g})")
        print(bench_lm(LEAST_SQUARES_PROBLEMS, args.ls_gtol, args.scipy_tol, 500, repeats))
        print(f"[part 4: {time.perf_counter() - t0:.0f} s]\n")

    if verdicts:
        print("targets")
        print(text_table(["target", "met", "measured"], [[t, "yes" if ok else "NO", m] for t, ok, m in verdicts]))


if __name__ == "__main__":
    main()
