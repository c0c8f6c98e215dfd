"""Data-parallel ``fit``: steps per second on 1, 2 and 8 forced host devices (issue 16, item 5).

Each device count runs in its own subprocess started with
``XLA_FLAGS=--xla_force_host_platform_device_count=D`` (the count is fixed when jax starts). In
each, ``fit(…, devices=D)`` (``devices=None`` for D = 1) trains Adam on L3's y = sin x + U(0, 0.8)
data (``problems.sin_regression``), float32, ``sampling="shuffle"``, on two models:

* **L3 MLP** — the lecture's 1-10-20-10-1 ReLU network, n = 1024, batch 64 (the per-step work is
  a few thousand multiply-adds: dominated by fixed per-op costs);
* **wide MLP** — 1-512-512-1, n = 4096, batch 1024 (≈ 0.5 GFLOP per step: arithmetic-bound).

Timing: a first call compiles; then ``--repeats`` calls are timed end to end (argument checks,
placement, the compiled epochs, the fetch) and the median is reported as optimizer steps per
second, with the ratio to the one-device run. The forced host devices share the machine's cores
(XLA:CPU runs each device's part on its own thread), so on a 2-core machine 2 devices is the most
that can help, and 8 measures the cost of the all-reduces and of over-subscription.

Measured here (2 cores shared with a test run, load average 3–6; ``--repeats 5``), steps/s and the
ratio to one device: L3 MLP 25,096 (1), 9,469 (0.38×, 2 devices), 1,443 (0.06×, 8); wide MLP 72.1
(1), 50.3 (0.70×), 16.2 (0.22×); the final losses agree to the 5 digits printed. On a CPU the
split does not pay: one XLA:CPU device already runs its ops on the machine's threads, so the
devices only add the all-reduce and the per-device dispatch. It pays where each device has
its own compute (GPUs, TPU cores) and the per-device batch keeps it busy.

    cd benchmarks && python bench_fit_devices.py            # 1, 2, 8 devices
    cd benchmarks && python bench_fit_devices.py --quick    # fewer epochs and repeats
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap

_CHILD = """
import json, statistics, sys, time
import jax, jax.numpy as jnp
import jaxopt_lectures as jl
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems.sin_regression import mlp_apply, sin_regression_data

devices, epochs_scale, repeats = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
assert len(jax.devices()) == devices, jax.devices()
loss = lambda p, b: jnp.mean((mlp_apply(p, b[0]) - b[1]) ** 2)
out = {}
for name, sizes, n, b, epochs in (("L3 MLP 1-10-20-10-1, b=64", (1, 10, 20, 10, 1), 1024, 64, 200),
                                  ("wide MLP 1-512-512-1, b=1024", (1, 512, 512, 1), 4096, 1024, 20)):
    epochs = max(1, int(epochs * epochs_scale))
    (x, y), _ = sin_regression_data(jax.random.key(0), n_train=n, n_test=1)
    p0 = mlp_init(jax.random.key(1), sizes, "relu_uniform")
    call = lambda: jax.block_until_ready(jl.fit(loss, p0, (x, y), jl.adam(1e-3), epochs=epochs, batch_size=b,
                                                key=jax.random.key(2), devices=None if devices == 1 else devices))
    call()  # compile
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); _, h = call(); times.append(time.perf_counter() - t)
    out[name] = {"steps": h.num_steps, "median_s": statistics.median(times), "final_loss": float(h.train_loss[-1])}
print(json.dumps(out))
"""


def run_child(devices: int, epochs_scale: float, repeats: int) -> dict:
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}", "JAX_PLATFORMS": "cpu",
           "PYTHONPATH": path}
    command = [sys.executable, "-c", textwrap.dedent(_CHILD), str(devices), str(epochs_scale), str(repeats)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, nargs="+", default=[1, 2, 8], help="device counts (1 is the baseline)")
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per model (median reported)")
    parser.add_argument("--quick", action="store_true", help="a quarter of the epochs, 3 repeats")
    args = parser.parse_args(argv)
    scale, repeats = (0.25, 3) if args.quick else (1.0, args.repeats)
    counts = sorted(set(args.devices) | {1})
    results = {d: run_child(d, scale, repeats) for d in counts}
    print(f"os.cpu_count() = {os.cpu_count()}; fit(…, devices=D), Adam, float32, median of {repeats} calls")
    print(f"{'model':32} {'D':>3} {'steps':>6} {'steps/s':>10} {'× 1 device':>11} {'final loss':>11}")
    for name in results[1]:
        base = results[1][name]["steps"] / results[1][name]["median_s"]
        for d in counts:
            r = results[d][name]
            rate = r["steps"] / r["median_s"]
            print(f"{name:32} {d:>3} {r['steps']:>6} {rate:>10.1f} {rate / base:>11.2f} {r['final_loss']:>11.5f}")


if __name__ == "__main__":
    main()
