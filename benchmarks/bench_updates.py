"""Per-step cost of every first-order optimizer's jitted update + ``optax.apply_updates``.

For each optimizer (its registry defaults; ``--variants`` adds every registered variant) and
each problem size, one step ``(params, state) -> (params, state)`` is jitted with both buffers
donated, the way a training loop runs it, and timed against, in the same process:

* **optax** — optax's implementation of the same algorithm, where the registry names one as a
  peer;
* **roofline** — one fused elementwise jnp op (a sum of arrays into a donated output) that
  moves exactly the bytes the optimizer must move at least: read parameters, gradient and
  state, write parameters and state. It is what a perfectly fused update could reach;
* **torch** — ``torch.optim``'s ``foreach`` and ``fused`` implementations where torch is
  installed and the registry names a torch peer (a peer on the same CPU, timed ``step()``).

Times are the minimum over ``--repeats`` steps after warm-up, the three JAX contenders
interleaved round by round so that a noisy neighbour hits all of them alike. Ratios are what
to read (machines are shared); GB/s counts the optimizer's minimal bytes per step.

    python benchmarks/bench_updates.py                      # 1e6, 1e7, 100-leaf pytree of 1e7
    python benchmarks/bench_updates.py --sizes 1e7 --only adam,rprop,adadelta --variants
"""

from __future__ import annotations

import argparse
import gc
import inspect
import math
import sys
import time
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxopt_lectures import registry

warnings.filterwarnings("ignore", message=".*donated.*")

FIRST_ORDER = [name for name, spec in registry.REGISTRY.items() if spec.first_order]


def timing_peer(spec: registry.OptimizerSpec, library: str) -> registry.Peer | None:
    """The registry peer of ``library`` the benchmark times against ``spec.make()``: the one that
    matches the registry defaults (its variant adds no keyword arguments), else the first."""
    peers = [p for p in spec.peers if p.library == library]
    matching = [p for p in peers if p.variant is None or not spec.variants[p.variant].kwargs]
    return (matching or peers or [None])[0]


def peer_kwargs(spec: registry.OptimizerSpec, peer: registry.Peer) -> dict:
    """The peer's keyword arguments at the registry defaults of the variant it matches."""
    return peer.peer_kwargs(spec.variant_kwargs(peer.variant, **peer.kwargs))


def timing_peers(library: str) -> dict[str, registry.Peer]:
    """First-order name -> its timing peer of ``library``, for those that have one."""
    peers = {name: timing_peer(registry.get(name), library) for name in FIRST_ORDER}
    return {name: peer for name, peer in peers.items() if peer is not None}


# optax's implementation of each registered algorithm, from the registry's peers, at the registry's
# default settings (the arithmetic per element is what matters here; small constant differences
# such as optax's initial accumulator of AdaGrad do not change the cost).
OPTAX_PEERS = {
    name: (lambda spec=registry.get(name), peer=peer: peer.resolve()(**peer_kwargs(spec, peer)))
    for name, peer in timing_peers("optax").items()
}

# torch.optim's implementation of each algorithm, from the registry's peers: name -> the Peer (its
# foreach implementation is timed, and its fused one where torch's class has one).
TORCH_PEERS = timing_peers("torch")


def make_params(shapes: list[int], dtype=jnp.float32, seed: int = 0) -> list[jax.Array]:
    keys = jax.random.split(jax.random.PRNGKey(seed), len(shapes))
    return [jax.random.normal(k, (n,), dtype) for k, n in zip(keys, shapes)]


def tree_bytes(tree) -> int:
    return sum(x.size * x.dtype.itemsize for x in jax.tree.leaves(tree) if hasattr(x, "dtype") and x.ndim > 0)


def step_function(opt, extra: dict):
    def step(params, state, grads):
        updates, state = opt.update(grads, state, params, **extra)
        return optax.apply_updates(params, updates), state

    return jax.jit(step, donate_argnums=(0, 1))


def roofline_function():
    """One fused loop per leaf, one program: out ← out + Σ inputs (outs donated)."""

    def op(outs, inputs):
        result = []
        for out, xs in zip(outs, inputs):
            acc = out
            for x in xs:
                acc = acc + x.astype(out.dtype)
            result.append(acc)
        return result

    return jax.jit(op, donate_argnums=(0,))


def roofline_inputs(shapes: list[int], state_bytes_per_param: float, dtype=jnp.float32):
    """Arrays whose bytes equal one optimizer step's minimum traffic, for every leaf size.

    Traffic per parameter: read p, g and the state, write p and the state. The roofline op
    reads ``out`` and the inputs and writes ``out``, so ``out`` stands for p (read and
    written); the inputs are g, the state read, and the state written again.
    """
    itemsize = jnp.dtype(dtype).itemsize
    extra_bytes = itemsize + 2 * state_bytes_per_param  # g, state in, state out
    n_full = int(extra_bytes // itemsize)
    rest = extra_bytes - n_full * itemsize  # e.g. int8 sign state: 1 or 2 bytes
    leaves = []
    for n in shapes:
        arrays = [jnp.ones((n,), dtype) * (i + 1) for i in range(n_full)]
        for _ in range(int(round(rest))):
            arrays.append(jnp.ones((n,), jnp.int8))
        leaves.append(arrays)
    outs = [jnp.zeros((n,), dtype) for n in shapes]
    return outs, leaves


def time_rounds(contenders: dict, repeats: int, rounds: int = 3) -> dict:
    """Interleave contenders round by round; each round times ``repeats`` calls; keep the min."""
    best = {k: math.inf for k in contenders}
    for _ in range(rounds):
        for name, (call, state) in contenders.items():
            for _ in range(repeats):
                t0 = time.perf_counter()
                state = call(state)
                jax.block_until_ready(state)
                best[name] = min(best[name], time.perf_counter() - t0)
            contenders[name] = (call, state)
    return best


def jax_contender(opt, extra, params, grads):
    fn = step_function(opt, extra)
    state = opt.init(params)
    params, state = fn(params, state, grads)  # compile and warm up
    params, state = fn(params, state, grads)
    jax.block_until_ready(params)
    return (lambda ps: fn(*ps, grads)), (params, state), state


def torch_times(name: str, shapes: list[int], repeats: int) -> dict:
    try:
        import torch
    except ImportError:
        return {}
    if name not in TORCH_PEERS:
        return {}
    peer = TORCH_PEERS[name]
    ctor, kwargs = peer.resolve(), peer_kwargs(registry.get(name), peer)
    impls = ("foreach", "fused") if "fused" in inspect.signature(ctor).parameters else ("foreach",)
    out = {}
    for impl in impls:
        params = [torch.randn(n, dtype=torch.float32, requires_grad=True) for n in shapes]
        for p in params:
            p.grad = torch.randn_like(p)
        try:
            opt = ctor(params, **kwargs, **{impl: True})
            for _ in range(3):
                opt.step()
        except (RuntimeError, TypeError, ValueError) as err:  # implementation not on this CPU build
            out[impl] = f"n/a ({type(err).__name__})"
            continue
        best = math.inf
        for _ in range(repeats * 3):
            t0 = time.perf_counter()
            opt.step()
            best = min(best, time.perf_counter() - t0)
        out[impl] = best
        del opt, params
        gc.collect()
    return out


def bench_case(name: str, variant: str | None, shapes: list[int], repeats: int, with_torch: bool) -> dict:
    spec = registry.get(name)
    kwargs = dict(spec.variants[variant].kwargs) if variant else {}
    opt = spec.make(**kwargs)
    extra = {"value": jnp.float32(1.0)} if "value" in spec.needs(**kwargs) else {}
    params = make_params(shapes)
    grads = make_params(shapes, seed=1)
    n = sum(shapes)
    state_bytes = tree_bytes(opt.init([jnp.zeros((1000,), jnp.float32)])) / 1000
    ideal_bytes = n * (3 * 4 + 2 * state_bytes)  # read p, g, state; write p, state

    contenders = {}
    call, carry, _ = jax_contender(opt, extra, params, grads)
    contenders["ours"] = (call, carry)
    del params
    peer = OPTAX_PEERS.get(name) if variant is None else None
    if peer is not None:
        p2 = make_params(shapes, seed=2)
        call, carry, _ = jax_contender(peer(), {}, p2, grads)
        contenders["optax"] = (call, carry)
    outs, inputs = roofline_inputs(shapes, state_bytes)
    roof = roofline_function()

    def roof_call(outs):
        return roof(outs, inputs)

    outs = roof_call(outs)
    contenders["roofline"] = (roof_call, outs)
    times = time_rounds(contenders, repeats)
    contenders.clear()
    gc.collect()
    if with_torch and variant is None:
        times.update({f"torch {k}": v for k, v in torch_times(name, shapes, repeats).items()})
    times["gbps"] = ideal_bytes / times["ours"] / 1e9
    return times


def fmt_ms(t) -> str:
    return f"{t * 1e3:8.2f}" if isinstance(t, float) else f"{str(t):>8s}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="flat parameter vector sizes (comma list)")
    parser.add_argument("--pytree", type=float, default=1e7, help="total size of the 100-leaf pytree (0: skip)")
    parser.add_argument("--leaves", type=int, default=100)
    parser.add_argument("--only", default="", help="comma list of optimizer names (default: all)")
    parser.add_argument("--variants", action="store_true", help="also time every registered variant")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args(argv)

    names = [s for s in args.only.split(",") if s] or FIRST_ORDER
    cases = []
    for size in [int(float(s)) for s in args.sizes.split(",") if s]:
        cases.append((f"{size:.0e}", [size]))
    if args.pytree:
        total = int(args.pytree)
        rng = np.random.default_rng(0)
        w = rng.uniform(0.2, 1.8, args.leaves)  # uneven leaves, like a network's layers
        shapes = [int(x) for x in np.maximum(1, np.round(w / w.sum() * total))]
        cases.append((f"{args.leaves} leaves, {sum(shapes):.0e}", shapes))

    try:
        import torch

        torch_version = f"{torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        torch_version = "not installed"
    print(f"jax {jax.__version__}, optax {optax.__version__}, torch {torch_version}, device {jax.devices()[0]}")
    header = (
        f"{'optimizer':28s} {'size':>18s} {'ours ms':>8s} {'GB/s':>6s} {'optax ms':>8s} {'vs optax':>8s} "
        f"{'roof ms':>8s} {'% roof':>6s} {'torch foreach':>13s} {'torch fused':>11s} {'vs fused':>8s}"
    )
    print(header)
    print("-" * len(header))
    worst = {}
    for label, shapes in cases:
        for name in names:
            variants = [None] + (list(registry.get(name).variants) if args.variants else [])
            for variant in variants:
                t = bench_case(name, variant, shapes, args.repeats, not args.no_torch)
                ours, roof = t["ours"], t["roofline"]
                optax_t = t.get("optax")
                fused = t.get("torch fused")
                row = (
                    f"{name + (':' + variant if variant else ''):28s} {label:>18s} {fmt_ms(ours)} {t['gbps']:6.1f} "
                    f"{fmt_ms(optax_t) if optax_t else '       —'} "
                    f"{(f'{optax_t / ours:7.2f}x' if optax_t else '       —')} "
                    f"{fmt_ms(roof)} {100 * roof / ours:5.0f}% "
                    f"{fmt_ms(t.get('torch foreach', '—')):>13s} {fmt_ms(fused if fused else '—'):>11s} "
                    f"{(f'{fused / ours:7.2f}x' if isinstance(fused, float) else '       —')}"
                )
                print(row, flush=True)
                if variant is None:
                    worst[(name, label)] = roof / ours
    big = {k: v for k, v in worst.items() if "1e+07" in k[1]}
    if big:
        (name, label), frac = min(big.items(), key=lambda kv: kv[1])
        print(f"\nlowest fraction of roofline at 1e7: {name} ({label}) {100 * frac:.0f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
