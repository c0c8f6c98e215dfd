"""Scale-out: sweeps sharded over 8 (simulated) devices, and optimizer states that follow the
sharding of their parameters. Each test runs its checks in one subprocess started with
``XLA_FLAGS=--xla_force_host_platform_device_count=8`` (the device count is fixed when jax starts)."""

import os
import subprocess
import sys
import textwrap

import pytest
from hang_guard import HANG_GUARD_SECONDS
from rounding import assert_equal_to_rounding

_PRELUDE = """
import jax, jax.numpy as jnp, numpy as np, optax
jax.config.update("jax_enable_x64", True)
import jaxopt_lectures as jl
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
from jaxopt_lectures import registry
from jaxopt_lectures.problems import get_problem
assert len(jax.devices()) == 8, jax.devices()
"""


def _run(code: str, devices: int = 8, timeout: int = HANG_GUARD_SECONDS) -> str:
    tests = os.path.dirname(os.path.abspath(__file__))  # the subprocess imports tests/rounding.py
    path = os.pathsep.join([tests, os.environ["PYTHONPATH"]]) if os.environ.get("PYTHONPATH") else tests
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}", "JAX_PLATFORMS": "cpu",
           "PYTHONPATH": path}
    command = [sys.executable, "-c", _PRELUDE + textwrap.dedent(code)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


# --------------------------------------------------------------------------------------------
# Sweeps over 8 devices equal sweeps over 1 to rounding; isolation on 8 devices bit for bit
# --------------------------------------------------------------------------------------------

_SWEEPS = """
from rounding import assert_equal_to_rounding
sharding = __import__("jaxopt_lectures.sweeps.sharding", fromlist=["_"])
one = jax.devices()[:1]
put_devices = []
put = sharding.put
def spy(x, sharding):
    put_devices.append(frozenset(sharding.device_set))
    return put(x, sharding)
sharding.put = spy

def same(a, b, steps, x0, rtol=None):
    # 8 devices vs 1: each device runs the rows it holds with XLA:CPU's kernel for its batch size
    # (2 rows vs 16, say), so a step may round differently (a fused multiply-add, or the order of the
    # objective's sum: 18 ulps seen on an AVX-512 Xeon). Equal to `steps` roundings (tests/rounding.py).
    assert a.num_devices > 1 and b.num_devices == 1, (a.num_devices, b.num_devices)
    if rtol is None:
        check = lambda x, y, floor: assert_equal_to_rounding(x, y, steps=steps, floor=floor)
    else:
        check = lambda x, y, floor: np.testing.assert_allclose(x, y, rtol=rtol)
    check(a.values, b.values, abs(a.initial_value))
    np.testing.assert_array_equal(a.diverged, b.diverged)
    for x, y, s in zip(jax.tree.leaves(a.params), jax.tree.leaves(b.params), jax.tree.leaves(x0)):
        check(x, y, float(np.max(np.abs(s))))
    if a.step_losses is not None:
        check(a.step_losses, b.step_losses, abs(a.initial_value))

p = get_problem("separable_quadratic_l0")
x0 = jnp.asarray(p.x0)
for n in (5, 13, 16):  # padded to 8, padded to 16, no padding
    etas = np.linspace(0.01, 0.3, n)
    a = jl.sweep(jl.sgd, {"learning_rate": etas}, p.fun, x0, steps=100)
    b = jl.sweep(jl.sgd, {"learning_rate": etas}, p.fun, x0, steps=100, devices=one)
    same(a, b, 100, x0)
    assert a.values.shape == (n, 100) and np.array_equal(a.diverged, etas > 0.25)

# Isolation, bit for bit, on 8 devices: the same 16 rows with two of them made to blow up. Same
# program, same shapes, same devices, so every other row runs the same instructions on the same
# numbers whatever the CPU: bitwise equality is the claim "no row reads another row".
etas = np.linspace(0.01, 0.24, 16)
clean = jl.sweep(jl.sgd, {"learning_rate": etas}, p.fun, x0, steps=100)
bad_etas = etas.copy(); bad_etas[[3, 11]] = [1e300, 5.0]
bad = jl.sweep(jl.sgd, {"learning_rate": bad_etas}, p.fun, x0, steps=100)
keep = np.setdiff1d(np.arange(16), [3, 11])
assert bad.num_devices == 8 and bad.diverged[[3, 11]].all() and not bad.diverged[keep].any()
np.testing.assert_array_equal(bad.values[keep], clean.values[keep])
np.testing.assert_array_equal(bad.params[keep], clean.params[keep])

# devices= restricts the mesh: every array of the run lives on those 3 devices only
put_devices.clear()
three = jax.devices()[2:5]
c = jl.sweep(jl.sgd, {"learning_rate": np.linspace(0.01, 0.3, 7)}, p.fun, x0, steps=100, devices=three)
assert c.num_devices == 3 and put_devices and all(d == frozenset(three) for d in put_devices), put_devices
c1 = jl.sweep(jl.sgd, {"learning_rate": np.linspace(0.01, 0.3, 7)}, p.fun, x0, steps=100, devices=one)
same(c, c1, 100, x0)

# static groups (a string), an optimizer that needs `value`, a configuration that blows up
q = get_problem("rosenbrock")
grid = {"variant": ["rprop-", "irprop+"], "learning_rate": [0.01, 0.1, 1e300]}
same(jl.sweep(jl.rprop, grid, q.fun, jnp.asarray(q.x0), steps=40),
     jl.sweep(jl.rprop, grid, q.fun, jnp.asarray(q.x0), steps=40, devices=one), 40, jnp.asarray(q.x0))
blow = jl.sweep(jl.sgd, {"learning_rate": [0.1, 1e300, 0.2]}, lambda x: jnp.sum(x ** 2), jnp.ones(2), steps=5)
assert blow.diverged.tolist() == [False, True, False] and np.isnan(blow.values[1]).all()

# a line search (a vmapped while_loop whose trip count differs per configuration)
cg = lambda c1: jl.nonlinear_cg(line_search=jl.scale_by_armijo_line_search(c1=c1))
b = get_problem("beale")
same(jl.sweep(cg, {"c1": np.linspace(1e-4, 0.4, 9)}, b.fun, jnp.asarray(b.x0), steps=6),
     jl.sweep(cg, {"c1": np.linspace(1e-4, 0.4, 9)}, b.fun, jnp.asarray(b.x0), steps=6, devices=one),
     6, jnp.asarray(b.x0))

# the minibatch form: same batches on every device. Its vmapped matrix products are one batched
# dot per device, and XLA:CPU picks the kernel (and so the order of the sums) by batch size (2
# configurations per device vs 10 on one), on rates up to 25.6 that blow up: equal to rounding,
# 4e-12 relative after 4 epochs measured, so rtol=1e-10.
x = jnp.linspace(-1.0, 1.0, 24)
data = (jnp.stack([x, x ** 2], axis=1), 2.0 * x - x ** 2)
loss = lambda w, batch: jnp.mean((batch[0] @ w - batch[1]) ** 2)
g = {"learning_rate": [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6]}
same(jl.sweep_fit(jl.sgd, g, loss, jnp.zeros(2), data, epochs=4, batch_size=6, key=jax.random.key(1)),
     jl.sweep_fit(jl.sgd, g, loss, jnp.zeros(2), data, epochs=4, batch_size=6, key=jax.random.key(1), devices=one),
     16, jnp.zeros(2), rtol=1e-10)
print("ok")
"""


def test_sweep_over_8_devices_equals_one_device_padding_and_devices_argument():
    assert _run(_SWEEPS).strip().endswith("ok")


# --------------------------------------------------------------------------------------------
# Every optimizer of the registry: state and update follow the parameters' sharding
# --------------------------------------------------------------------------------------------

_STATES = """
import json
families = __FAMILIES__
mesh = Mesh(np.array(jax.devices()), ("d",))

def sharded_like(a, x):
    return a.sharding.is_equivalent_to(x.sharding, x.ndim)

def check(spec, kwargs, params, fun, residual_fn):
    opt = optax.with_extra_args_support(spec.make(**kwargs))
    state = opt.init(params)
    shapes = {x.shape: x for x in jax.tree.leaves(params)}
    report = {"state": [], "update": [], "new_state": []}
    for leaf in jax.tree.leaves(state):  # every state leaf shaped like a parameter carries its sharding
        if leaf.shape in shapes and not sharded_like(leaf, shapes[leaf.shape]):
            report["state"].append(str(leaf.sharding))
    extra = dict(value_fn=fun, residual_fn=residual_fn)
    step = jax.jit(lambda g, s, p: opt.update(g, s, p, value=fun(p), grad=g, **extra))
    updates, new_state = step(jax.grad(fun)(params), state, params)
    for u, x in zip(jax.tree.leaves(updates), jax.tree.leaves(params)):
        if not sharded_like(u, x):
            report["update"].append(str(u.sharding.spec) if hasattr(u.sharding, "spec") else str(u.sharding))
    for leaf in jax.tree.leaves(new_state):
        if leaf.shape in shapes and not sharded_like(leaf, shapes[leaf.shape]):
            report["new_state"].append(str(leaf.sharding))
    return report

# first-order methods: a pytree, a matrix sharded along rows and a vector; curvature methods
# flatten the parameters, so they get one vector
tree = {"w": jax.device_put(jnp.linspace(-1.0, 1.0, 48).reshape(16, 3), NamedSharding(mesh, P("d", None))),
        "b": jax.device_put(jnp.linspace(0.5, 1.0, 16), NamedSharding(mesh, P("d")))}
tree_fun = lambda p: jnp.sum((p["w"] - 0.3) ** 2) + jnp.sum(jnp.cos(p["b"]))
vec = jax.device_put(jnp.linspace(-1.0, 1.0, 16), NamedSharding(mesh, P("d")))
weights = jnp.arange(1.0, 17.0)
vec_res = lambda w: (w - 0.3) * jnp.sqrt(weights)
vec_fun = lambda w: 0.5 * jnp.sum(vec_res(w) ** 2)

out = {}
for name, spec in registry.REGISTRY.items():
    if spec.family not in families:
        continue
    first_order = spec.family in registry.FIRST_ORDER_FAMILIES
    params, fun, res = (tree, tree_fun, None) if first_order else (vec, vec_fun, vec_res)
    for variant_name, variant in (spec.variants or {"": None}).items():
        out[f"{name}/{variant_name}"] = check(spec, dict(variant.kwargs) if variant else {}, params, fun, res)
print(json.dumps(out))
"""

def _check_states(families: tuple[str, ...]) -> None:
    import json

    import cases
    from jaxopt_lectures import registry

    report = json.loads(_run(_STATES.replace("__FAMILIES__", repr(families))).splitlines()[-1])
    specs = [s for s in registry.REGISTRY.values() if s.family in families]
    expected = {f"{s.name}/{v}" for s in specs for v in (s.variants or {"": 0})}
    assert set(report) == expected
    # Dense linear algebra that XLA does not partition returns its result replicated: the step is
    # right, only its placement differs (a case's ``replicated_update`` says which variants and why).
    replicated = {f"{s.name}/{v}" for s in specs for v in cases.CASES[s.name].replicated_update}
    for key, r in report.items():
        assert r["state"] == [] and r["new_state"] == [], (key, r)
        if key in replicated:
            assert all(u in ("PartitionSpec()", "P()") for u in r["update"]), (key, r)
        else:
            assert r["update"] == [], (key, r)


def test_first_order_states_and_updates_follow_parameter_sharding():
    from jaxopt_lectures import registry

    _check_states(registry.FIRST_ORDER_FAMILIES)


@pytest.mark.slow
def test_curvature_states_and_updates_follow_parameter_sharding():
    from jaxopt_lectures import registry

    _check_states(registry.CURVATURE_FAMILIES)


# --------------------------------------------------------------------------------------------
# Multi-host: two processes of 4 CPU devices each, one mesh over all 8 (jax.distributed)
# --------------------------------------------------------------------------------------------

_MULTIHOST = """
import sys
import jax, numpy as np
jax.config.update("jax_cpu_collectives_implementation", "gloo")
jax.config.update("jax_enable_x64", True)
jax.distributed.initialize(f"localhost:{sys.argv[2]}", num_processes=2, process_id=int(sys.argv[1]))
import jax.numpy as jnp, jaxopt_lectures as jl
from jaxopt_lectures.problems import get_problem
assert len(jax.devices()) == 8 and len(jax.local_devices()) == 4
p = get_problem("separable_quadratic_l0")
grid = {"learning_rate": np.linspace(0.01, 0.3, 13)}
r = jl.sweep(jl.sgd, grid, p.fun, jnp.asarray(p.x0), steps=100, devices=jax.devices())
x = jnp.linspace(-1.0, 1.0, 32)
loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
f = jl.sweep_fit(jl.sgd, {"learning_rate": [0.1, 0.5, 0.9]}, loss, 0.0, (x, 3.0 * x), epochs=5, batch_size=8,
                 key=jax.random.key(0), devices=jax.devices())
assert r.num_devices == 8 and f.num_devices == 8
np.save(sys.argv[3], np.concatenate([r.values.ravel(), f.values.ravel()]))
"""


@pytest.mark.slow
def test_multi_host_sweep_over_two_processes_equals_one_device(tmp_path):
    import socket

    import jax
    import jax.numpy as jnp
    import numpy as np

    import jaxopt_lectures as jl
    from jaxopt_lectures.problems import get_problem

    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    script = tmp_path / "multihost.py"
    script.write_text(_MULTIHOST, encoding="utf-8")
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}
    outs = [tmp_path / f"out{i}.npy" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, str(script), str(i), str(port), str(outs[i])], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=HANG_GUARD_SECONDS)
        assert proc.returncode == 0, err[-4000:]

    p = get_problem("separable_quadratic_l0")
    r = jl.sweep(jl.sgd, {"learning_rate": np.linspace(0.01, 0.3, 13)}, p.fun, jnp.asarray(p.x0), steps=100)
    x = jnp.linspace(-1.0, 1.0, 32)
    loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)  # noqa: E731
    f = jl.sweep_fit(jl.sgd, {"learning_rate": [0.1, 0.5, 0.9]}, loss, 0.0, (x, 3.0 * x), epochs=5, batch_size=8,
                     key=jax.random.key(0))  # fmt: skip
    outs = [np.load(out) for out in outs]
    # every process holds the whole result, the same bits: one program's output gathered to both
    np.testing.assert_array_equal(outs[0], outs[1])
    # against one device: 2 rows per device vs 13 (or 3) on one, so XLA:CPU's kernel and the order of
    # the objective's sum may differ: equal to 100 (20) steps' rounding (tests/rounding.py)
    n = r.values.size
    assert_equal_to_rounding(outs[0][:n].reshape(r.values.shape), r.values, steps=100, floor=r.initial_value)
    assert_equal_to_rounding(outs[0][n:].reshape(f.values.shape), f.values, steps=20, floor=f.initial_value)
