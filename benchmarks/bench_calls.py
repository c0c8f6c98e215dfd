"""The library called eagerly, as scipy users call scipy: first calls and later calls of ``minimize``.

For each Moré–Garbow–Hillstrom problem of ``jaxopt_lectures.problems`` (Rosenbrock, Beale, Wood,
Powell singular, Freudenstein–Roth, Bard, Box 3-D, Osborne 1) and extended Rosenbrock with
n = 100, float64, for ``minimize`` with ``lbfgs``, ``bfgs``, ``newton``, ``nonlinear_cg`` and
``adam``:

* **first** — the wall time of the first call with a function the process has not seen (a new
  closure each time, so nothing is cached): trace, compile and run;
* **later** — the median of ten later calls with the same function and new starts (x0 + 0.01 k),
  new tolerances and, where the method has one, a new float hyperparameter (Adam's learning
  rate, Newton's damping): one compiled program serves them all;
* **direct** — the same run through its compiled executable called directly
  (``jax.jit(lambda x0: minimize(...))``, compiled beforehand): the floor ``later`` is compared to
  (target: within 1.5×, or at most 0.2 ms above it where the program is that short);
* peers timed in the same process: optax's L-BFGS in the ``lax.while_loop`` of its docs with its
  zoom search and ``value_and_grad_from_state`` (first call: trace + compile + run; later calls
  of the jitted loop), and ``scipy.optimize.minimize`` with the same method (L-BFGS-B, BFGS,
  Newton-CG with ``hessp``, CG) on ``jax.jit``-ed value-and-gradient (and Hessian-vector product),
  stopping at ‖∇f‖∞ ≤ gtol (scipy's test) where ours stops at ‖∇f‖₂ ≤ gtol.

Printed: a table per method (ours first / later / direct, peers, iterations, final f) and the
ratios the targets are about. ``--quick`` runs fewer problems and calls.

Run: ``python benchmarks/bench_calls.py [--quick]`` (about 3 minutes in full on two cores).
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

jax.config.update("jax_enable_x64", True)

import jaxopt_lectures as jl  # noqa: E402
from jaxopt_lectures.problems import get_problem, rosenbrock  # noqa: E402
from bench_second_order import optax_lbfgs_loop  # noqa: E402  (this folder is on sys.path when run)

PROBLEMS = ("rosenbrock", "beale", "wood", "powell_singular", "freudenstein_roth", "bard", "box_3d", "osborne1")
GTOL = 1e-6
MAX_STEPS = 2000
METHODS = {
    # name: (factory of a float (None: no float to vary), scipy's method)
    "lbfgs": (lambda h: jl.lbfgs(), "L-BFGS-B"),
    "bfgs": (lambda h: jl.bfgs(), "BFGS"),
    "newton": (lambda h: jl.newton(damping=h, line_search="armijo"), "Newton-CG"),
    "nonlinear_cg": (lambda h: jl.nonlinear_cg(), "CG"),
    "adam": (lambda h: jl.adam(h), None),
}
FLOATS = {"newton": (0.0, 1e-8), "adam": (0.01, 0.001)}  # (first call, later calls scale)


def _problems(quick: bool):
    names = PROBLEMS[:3] if quick else PROBLEMS
    out = {name: get_problem(name) for name in names}
    out["rosenbrock_100"] = rosenbrock(100)
    return out


def _timed(fn):
    t0 = time.perf_counter()
    out = jax.block_until_ready(fn())
    return time.perf_counter() - t0, out


def _fresh(fun):
    return lambda x: fun(x)  # a function object no cache has seen


def _optax_lbfgs_loop(fun, max_steps, gtol):
    """optax's documented L-BFGS loop (``optax.lbfgs`` + ``value_and_grad_from_state``), jitted."""
    return jax.jit(lambda x0: optax_lbfgs_loop(fun, x0, max_steps, gtol))


def _scipy(fun, x0, method, gtol):
    import scipy.optimize as so

    vg = jax.jit(jax.value_and_grad(fun))
    hvp = jax.jit(lambda x, v: jax.jvp(jax.grad(fun), (x,), (v,))[1])

    def f(x):
        v, g = vg(x)
        return float(v), np.asarray(g)

    kw = {"jac": True}
    if method == "Newton-CG":
        kw["hessp"] = lambda x, v: np.asarray(hvp(x, v))
        options = {"xtol": 1e-12, "maxiter": MAX_STEPS}
    elif method == "L-BFGS-B":
        options = {"gtol": gtol, "ftol": 0.0, "maxiter": MAX_STEPS}
    else:
        options = {"gtol": gtol, "maxiter": MAX_STEPS}
    f(np.asarray(x0))  # compile the jitted pieces outside the timing
    if method == "Newton-CG":
        kw["hessp"](np.asarray(x0), np.asarray(x0))
    return lambda x: so.minimize(f, np.asarray(x), method=method, options=options, **kw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args()
    calls = 3 if args.quick else args.calls
    problems = _problems(args.quick)
    rows, ratios = [], {"later/direct": [], "later-direct ms": [], "later/scipy": [], "first/optax first": []}

    optax_first, optax_later = {}, {}
    for pname, p in problems.items():
        x0 = jnp.asarray(p.x0, jnp.float64)
        loop = _optax_lbfgs_loop(_fresh(p.fun), MAX_STEPS, GTOL)
        t_first, _ = _timed(lambda: loop(x0))
        later = [_timed(lambda k=k: loop(x0 + 0.01 * k))[0] for k in range(1, calls + 1)]
        optax_first[pname], optax_later[pname] = t_first, statistics.median(later)

    for method, (make, scipy_method) in METHODS.items():
        h0, h_scale = FLOATS.get(method, (None, None))
        for pname, p in problems.items():
            x0 = jnp.asarray(p.x0, jnp.float64)
            fun = _fresh(p.fun)
            t_first, r = _timed(lambda: jl.minimize(fun, x0, make(h0), max_steps=MAX_STEPS, gtol=GTOL))
            times = []
            for k in range(1, calls + 1):
                h = None if h0 is None else h0 + h_scale * k
                gtol = GTOL * (1 + 0.01 * k)
                times.append(_timed(lambda: jl.minimize(fun, x0 + 0.01 * k, make(h), max_steps=MAX_STEPS, gtol=gtol))[0])
            t_later = statistics.median(times)
            direct = jax.jit(lambda x: jl.minimize(fun, x, make(h0), max_steps=MAX_STEPS, gtol=GTOL))
            jax.block_until_ready(direct(x0 + 0.01))
            t_direct = statistics.median(_timed(lambda k=k: direct(x0 + 0.01 * k))[0] for k in range(1, calls + 1))
            t_scipy = None
            if scipy_method is not None:
                run = _scipy(p.fun, x0, scipy_method, GTOL)
                t_scipy = statistics.median(_timed(lambda k=k: run(x0 + 0.01 * k))[0] for k in range(1, calls + 1))
                ratios["later/scipy"].append(t_later / t_scipy)
            ratios["later/direct"].append(t_later / t_direct)
            ratios["later-direct ms"].append((t_later - t_direct) * 1e3)
            if method == "lbfgs":
                ratios["first/optax first"].append(t_first / optax_first[pname])
            rows.append((method, pname, int(r.num_steps), r.reason_name, float(r.value), t_first, t_later, t_direct,
                         t_scipy, optax_first[pname] if method == "lbfgs" else None,
                         optax_later[pname] if method == "lbfgs" else None))  # fmt: skip

    def ms(t):
        return "—" if t is None else f"{t * 1e3:8.2f}"

    print(f"{'method':13s} {'problem':18s} {'steps':>5s} {'reason':9s} {'f':>10s} | {'first':>8s} {'later':>8s} "
          f"{'direct':>8s} {'scipy':>8s} {'optax 1st':>9s} {'optax':>8s}  (ms)")  # fmt: skip
    for m, pn, steps, reason, f, first, later, direct, sc, of, ol in rows:
        print(f"{m:13s} {pn:18s} {steps:5d} {reason:9s} {f:10.3g} | {ms(first)} {ms(later)} {ms(direct)} {ms(sc)} "
              f"{ms(of):>9s} {ms(ol)}")  # fmt: skip
    print()
    for name, values in ratios.items():
        if values:
            print(f"{name:18s} median {statistics.median(values):7.3f}  max {max(values):7.3f}  min {min(values):7.3f}")
    ok = sum(1 for x in rows if x[6] / x[7] <= 1.5 or x[6] - x[7] <= 2e-4)
    print(f"later calls within 1.5× of the executable (or ≤ 0.2 ms above): {ok}/{len(rows)}")
    faster = [x for x in rows if x[8] is not None]
    print(f"later calls faster than scipy's same method: {sum(1 for x in faster if x[6] < x[8])}/{len(faster)}")
    lb = [x for x in rows if x[0] == "lbfgs"]
    print(f"lbfgs first calls no slower than optax's loop's first call: {sum(1 for x in lb if x[5] <= x[9])}/{len(lb)}")


if __name__ == "__main__":
    main()
