"""What the compiled loops cost: ``minimize`` and ``fit`` against the loops users write.

Three measurements, each against peers timed in the same process (ratios are what to read; the
machine is shared):

1. **1000 Adam steps** (``optax.adam(1e-3)``) on Rosenbrock in 2 and in 100 variables
   (``problems.rosenbrock(n)``, MGH 1 / MGH 21):

   * ``minimize`` — ours, jitted, with its stopping tests on (``gtol=0`` so that it runs all
     1000 steps; the gradient norm, |Δf|, ‖Δ∇f‖, finiteness and last-finite-point bookkeeping
     are still computed every step);
   * **bare scan** — ``lax.scan`` of ``grad`` + ``opt.update`` + ``apply_updates``, nothing else:
     the fastest loop there is;
   * **Python loop** — a jitted step called 1000 times from Python: the loop an optax user writes.

   Targets (issue 3): ``minimize`` ≤ 2× the bare scan and ≥ 100× faster than the Python loop on
   the 2-D problem.

2. **One epoch of the L3 MLP** (1-10-20-10-1 ReLU, 100 examples, batch 16, Adam η = 0.02):

   * ``fit`` — amortised per epoch over a 100-epoch run, and one ``fit(epochs=1)`` call;
   * **epoch loop** — a jitted epoch (``lax.scan`` over its batches + the training loss) called
     once per epoch from Python (how ``fit`` worked before: one dispatch per epoch);
   * **Python batch loop** — NumPy permutation, NumPy batch slicing, a jitted step per batch,
     a jitted training loss per epoch: the loop of the Flax/optax tutorials.

   Target: ``fit`` ≥ 5× faster than the Python batch loop.

3. **Compile times**: first call (trace + lower + compile) of a jitted ``minimize`` on both
   problems and of the bare scan; ``minimize`` called without ``jit`` twice in a row (the
   second call shows whether a repeated call compiles again); ``fit``'s program for the MLP.
   Target: a ``minimize`` loop compiles in ≤ 0.5 s.

Times are the minimum over ``--repeats`` rounds, the contenders of a group interleaved round by
round (in a shuffled order, three back-to-back calls each) so that a noisy neighbour, or the
aftermath of the Python loop's dispatches, hits all of them alike.

    python benchmarks/bench_loops.py                 # float32, 20 rounds
    python benchmarks/bench_loops.py --repeats 50 --steps 1000
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

import jaxopt_lectures as jl
from jaxopt_lectures.table import text_table
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems import rosenbrock
from jaxopt_lectures.problems import sin_regression as sr


def time_rounds(contenders: dict, repeats: int, back_to_back: int = 3) -> dict:
    """Minimum wall time of each ``fn()`` (blocked on its result), interleaved round by round.

    Each round visits the contenders in a new random order and times each ``back_to_back``
    times in a row, so that none is always the one that runs right after the Python loop's
    thousand dispatches (which measurably slows the next call on a shared CPU).
    """
    for fn in contenders.values():  # warm-up: compile, first dispatch
        jax.block_until_ready(fn())
    best = dict.fromkeys(contenders, float("inf"))
    order = list(contenders)
    rng = random.Random(0)
    for _ in range(repeats):
        rng.shuffle(order)
        for name in order:
            for _ in range(back_to_back):
                t0 = time.perf_counter()
                jax.block_until_ready(contenders[name]())
                best[name] = min(best[name], time.perf_counter() - t0)
    return best


class Timing(NamedTuple):
    med: float  # median wall seconds
    best: float  # minimum wall seconds
    cores: float  # median CPU time ÷ wall time


def time_interleaved(contenders: dict[str, Callable[[], Any]], repeats: int, outputs: dict | None = None):
    """name → Timing of each ``fn()`` (blocked on its result; call them once first to compile),
    contenders shuffled round by round. ``outputs``, when given, receives each one's last result."""
    wall: dict[str, list[float]] = {k: [] for k in contenders}
    cores: dict[str, list[float]] = {k: [] for k in contenders}
    order = list(contenders)
    rng = random.Random(0)
    for _ in range(repeats):
        rng.shuffle(order)
        for name in order:
            t0, c0 = time.perf_counter(), time.process_time()
            out = jax.block_until_ready(contenders[name]())
            w = time.perf_counter() - t0
            if outputs is not None:
                outputs[name] = out
            wall[name].append(w)
            cores[name].append((time.process_time() - c0) / w)
    return {k: Timing(float(np.median(wall[k])), float(np.min(wall[k])), float(np.median(cores[k])))
            for k in contenders}


def first_call(fn, *args) -> float:
    t0 = time.perf_counter()
    jax.block_until_ready(fn(*args))
    return time.perf_counter() - t0


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


# ----------------------------------------------------------------------------------------------
# 1. minimize vs bare scan vs Python loop
# ----------------------------------------------------------------------------------------------


def loop_contenders(fun, x0, opt, steps):
    def minimize_params(x):
        return jl.minimize(fun, x, opt, max_steps=steps, gtol=0.0).params

    def scan_params(x):
        def step(carry, _):
            x, s = carry
            u, s = opt.update(jax.grad(fun)(x), s, x)
            return (optax.apply_updates(x, u), s), None

        (x, _), _ = jax.lax.scan(step, (x, opt.init(x)), None, length=steps)
        return x

    @jax.jit
    def py_step(x, s):
        u, s = opt.update(jax.grad(fun)(x), s, x)
        return optax.apply_updates(x, u), s

    def python_loop():
        x, s = x0, opt.init(x0)
        for _ in range(steps):
            x, s = py_step(x, s)
        return x

    run_min, run_scan = jax.jit(minimize_params), jax.jit(scan_params)
    return {"minimize": lambda: run_min(x0), "bare scan": lambda: run_scan(x0), "Python loop": python_loop}


def bench_minimize(steps: int, repeats: int, dims=(2, 100)) -> tuple[list, dict]:
    rows, ratios = [], {}
    for n in dims:
        problem = rosenbrock(n)
        fun, x0 = problem.fun, jnp.asarray(problem.x0, jnp.float32)
        opt = optax.adam(1e-3)
        contenders = loop_contenders(fun, x0, opt, steps)
        # the three loops take the same steps
        finals = {k: np.asarray(fn()) for k, fn in contenders.items()}
        diff = max(float(np.max(np.abs(finals["minimize"] - v))) for v in finals.values())
        res = jax.jit(lambda x: jl.minimize(fun, x, opt, max_steps=steps, gtol=0.0))(x0)
        assert int(res.num_steps) == steps and res.reason_name == "max_steps", res.reason_name
        t = time_rounds(contenders, repeats)
        r_scan = t["minimize"] / t["bare scan"]
        r_py = t["Python loop"] / t["minimize"]
        ratios[n] = (r_scan, r_py)
        for name in contenders:
            rows.append([f"Rosenbrock n={n}", name, fmt(t[name]), fmt(t[name] / steps),
                         f"{t[name] / t['bare scan']:.2f}×", f"{t['Python loop'] / t[name]:.1f}×"])
        rows.append(["", f"(max |Δx| minimize vs others: {diff:.1e})", "", "", "", ""])
    return rows, ratios


# ----------------------------------------------------------------------------------------------
# 2. fit vs a per-epoch loop vs a Python batch loop (L3 MLP)
# ----------------------------------------------------------------------------------------------


def bench_fit(epochs: int, repeats: int) -> tuple[list, dict]:
    key_data, key_init, key_fit = jax.random.split(jax.random.key(0), 3)
    train, _ = sr.sin_regression_data(key_data)
    params0 = mlp_init(key_init, sr.LAYER_SIZES, "xavier_uniform")
    opt = optax.adam(0.02)
    n, b = 100, 16
    steps = n // b
    loss = sr.mse_loss

    def fit_run(e):
        return lambda: jl.fit(loss, params0, train, opt, epochs=e, batch_size=b, key=key_fit, progress=False)[0]

    # per-epoch dispatch: one jitted epoch (scan over the batches, then the training loss) per call
    @jax.jit
    def epoch_fn(p, s, key):
        idx = jax.random.permutation(key, n)[: steps * b].reshape(steps, b)

        def step(carry, rows):
            p, s = carry
            value, g = jax.value_and_grad(loss)(p, jax.tree.map(lambda x: x[rows], train))
            u, s = opt.update(g, s, p)
            return (optax.apply_updates(p, u), s), value

        (p, s), losses = jax.lax.scan(step, (p, s), idx)
        return p, s, losses, loss(p, train)

    def epoch_loop():
        p, s = params0, opt.init(params0)
        for k in jax.random.split(key_fit, epochs):
            p, s, _, _ = epoch_fn(p, s, k)
        return p

    # the tutorial loop: NumPy shuffling and slicing, one jitted step per batch
    x_np, y_np = (np.asarray(a) for a in train)
    rng = np.random.default_rng(0)

    @jax.jit
    def train_step(p, s, x, y):
        value, g = jax.value_and_grad(loss)(p, (x, y))
        u, s = opt.update(g, s, p)
        return optax.apply_updates(p, u), s, value

    eval_loss = jax.jit(loss)

    def python_batch_loop():
        p, s = params0, opt.init(params0)
        for _ in range(epochs):
            perm = rng.permutation(n)
            for j in range(steps):
                rows = perm[j * b:(j + 1) * b]
                p, s, _ = train_step(p, s, x_np[rows], y_np[rows])
            eval_loss(p, train)  # the epoch's training loss, as fit records it
        return p

    contenders = {
        f"fit ({epochs} epochs)": fit_run(epochs),
        "fit (epochs=1 call)": fit_run(1),
        "epoch loop (jitted epoch per call)": epoch_loop,
        "Python batch loop": python_batch_loop,
    }
    t = time_rounds(contenders, repeats)
    per_epoch = {k: v / (1 if "epochs=1" in k else epochs) for k, v in t.items()}
    base = per_epoch["Python batch loop"]
    rows = [["L3 MLP, 100 ex., b=16", k, fmt(v), f"{base / v:.1f}×"] for k, v in per_epoch.items()]
    return rows, {"fit": base / per_epoch[f"fit ({epochs} epochs)"], "fit1": base / per_epoch["fit (epochs=1 call)"]}


# ----------------------------------------------------------------------------------------------
# 3. compile times
# ----------------------------------------------------------------------------------------------


def bench_compile(steps: int) -> tuple[list, dict]:
    rows, out = [], {}
    for n in (2, 100):
        problem = rosenbrock(n)
        fun, x0 = problem.fun, jnp.asarray(problem.x0, jnp.float32)
        opt = optax.adam(1e-3)

        def minimize_params(x, fun=fun, opt=opt):
            return jl.minimize(fun, x, opt, max_steps=steps, gtol=0.0).params

        def scan_params(x, fun=fun, opt=opt):
            def step(carry, _):
                x, s = carry
                u, s = opt.update(jax.grad(fun)(x), s, x)
                return (optax.apply_updates(x, u), s), None

            return jax.lax.scan(step, (x, opt.init(x)), None, length=steps)[0][0]

        t_min = first_call(jax.jit(minimize_params), x0)
        t_scan = first_call(jax.jit(scan_params), x0)
        eager1 = first_call(lambda x: jl.minimize(fun, x, opt, max_steps=steps, gtol=0.0).params, x0)
        eager2 = first_call(lambda x: jl.minimize(fun, x, opt, max_steps=steps, gtol=0.0).params, x0)
        out[n] = t_min
        rows += [
            [f"Rosenbrock n={n}", "jit(minimize) first call", fmt(t_min), f"{t_min / t_scan:.2f}× bare scan"],
            [f"Rosenbrock n={n}", "jit(bare scan) first call", fmt(t_scan), ""],
            [f"Rosenbrock n={n}", "minimize() no jit, 1st / 2nd call", f"{fmt(eager1)} / {fmt(eager2)}", ""],
        ]
    key_data, key_init = jax.random.split(jax.random.key(1))
    train, _ = sr.sin_regression_data(key_data)
    params0 = mlp_init(key_init, sr.LAYER_SIZES, "xavier_uniform")
    t_fit = first_call(lambda: jl.fit(sr.mse_loss, params0, train, optax.adam(0.02), epochs=1, batch_size=16,
                                      key=key_init, progress=False)[0])
    rows.append(["L3 MLP", "fit first call (compiles its program)", fmt(t_fit), ""])
    return rows, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000, help="optimizer steps per loop")
    parser.add_argument("--epochs", type=int, default=100, help="epochs per fit / loop run")
    parser.add_argument("--repeats", type=int, default=20, help="timed rounds (minimum is reported)")
    args = parser.parse_args(argv)
    print(f"jax {jax.__version__}, optax {optax.__version__}, {jax.devices()[0].platform}, float32; "
          f"min over {args.repeats} rounds\n")

    compile_rows, compile_times = bench_compile(args.steps)  # first: nothing compiled yet
    rows, loop_ratios = bench_minimize(args.steps, args.repeats)
    print(f"1. {args.steps} optax.adam(1e-3) steps")
    print(text_table(["problem", "loop", "time", "per step", "÷ bare scan", "Python loop ÷ this"], rows))
    rows, fit_ratios = bench_fit(args.epochs, args.repeats)
    print("2. one epoch of the L3 MLP (per epoch)")
    print(text_table(["problem", "loop", "per epoch", "Python batch loop ÷ this"], rows))
    print("3. compile times (first call: trace, lower, compile, run)")
    print(text_table(["problem", "what", "time", "vs"], compile_rows))

    r_scan, r_py = loop_ratios[2]
    verdicts = [
        ("minimize ≤ 2× bare scan (2-D)", r_scan <= 2.0, f"{r_scan:.2f}×"),
        ("minimize ≥ 100× faster than Python loop (2-D)", r_py >= 100.0, f"{r_py:.0f}×"),
        ("fit ≥ 5× faster than Python batch loop", fit_ratios["fit"] >= 5.0,
         f"{fit_ratios['fit']:.1f}× (one epochs=1 call: {fit_ratios['fit1']:.1f}×)"),
        ("minimize compiles in ≤ 0.5 s (2-D)", compile_times[2] <= 0.5, fmt(compile_times[2])),
    ]
    print("targets")
    print(text_table(["target", "met", "measured"], [[t, "yes" if ok else "NO", m] for t, ok, m in verdicts]))


if __name__ == "__main__":
    main()
