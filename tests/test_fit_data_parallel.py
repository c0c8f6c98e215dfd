"""Data-parallel ``fit(…, devices=…)`` (issue 16 item 5): argument errors before anything is traced,
one device bitwise equal to ``devices=None``, and (slow, 8 forced host devices in a subprocess) 2
and 8 devices equal to one device to rounding with the batch really split over the mesh."""

import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hang_guard import HANG_GUARD_SECONDS

import jaxopt_lectures as jl
from jaxopt_lectures import data_parallel


def _counted_linreg(n=16, d=3):
    """½ mean (x·w − y)² on fixed data, and a list that grows each time the loss is traced or run."""
    rng = np.random.default_rng(0)
    data = (jnp.asarray(rng.normal(size=(n, d)), jnp.float32), jnp.asarray(rng.normal(size=n), jnp.float32))
    calls = []

    def loss(w, batch):
        calls.append(1)
        return 0.5 * jnp.mean((batch[0] @ w - batch[1]) ** 2)

    return loss, data, calls


def _fit(loss, data, **kwargs):
    kwargs = {"epochs": 3, "batch_size": 4, "key": jax.random.key(0), **kwargs}
    return jl.fit(loss, jnp.zeros(3, jnp.float32), data, jl.sgd(0.1), **kwargs)


@pytest.mark.parametrize(
    "devices, error, match",
    [
        (len(jax.devices()) + 1, ValueError, r"devices=\d+ asks for data parallelism over \d+ devices, but only"),
        (0, ValueError, r"devices must be a device count ≥ 1"),
        ([], ValueError, r"devices must be a non-empty sequence of jax devices"),
        ([jax.devices()[0]] * 2, ValueError, r"devices must not repeat a device"),
        (["cpu"], ValueError, r"devices must be a non-empty sequence of jax devices"),
        (2.5, TypeError, r"devices must be None, a device count \(int\) or a sequence"),
    ],
)
def test_bad_devices_raise_before_tracing(devices, error, match):
    loss, data, calls = _counted_linreg()
    with pytest.raises(error, match=match):
        _fit(loss, data, devices=devices)
    assert not calls, "the loss was traced before the argument check"


def test_batch_must_split_evenly_over_the_devices():
    message = r"batch_size must be a multiple of the number of devices \(2\) .*; got batch_size=3"
    with pytest.raises(ValueError, match=message):
        data_parallel.check_divides(2, 10, 3, "shuffle")
    with pytest.raises(ValueError, match=r"sampling='full' puts all n = 10 examples .* 4 devices"):
        data_parallel.check_divides(4, 10, None, "full")
    data_parallel.check_divides(2, 10, 4, "replacement")  # 4 = 2 × 2: fine
    data_parallel.check_divides(2, 10, None, "full")


def test_one_device_is_the_one_device_run_bitwise_without_a_new_compile():
    loss, data, calls = _counted_linreg()
    w0, h0 = _fit(loss, data)
    before = len(calls)
    w1, h1 = _fit(loss, data)  # cached: only the argument check's eval_shape traces the loss
    per_cached_call = len(calls) - before
    for devices in (1, [jax.devices()[0]]):
        before = len(calls)
        w, h = _fit(loss, data, devices=devices)
        assert len(calls) - before == per_cached_call, "devices=1 compiled a program of its own"
        np.testing.assert_array_equal(np.asarray(w), np.asarray(w0))
        np.testing.assert_array_equal(h.step_losses, h0.step_losses)
        np.testing.assert_array_equal(h.train_loss, h0.train_loss)


# --------------------------------------------------------------------------------------------
# 2 and 8 (forced host) devices against one, in a subprocess: the device count is fixed at start
# --------------------------------------------------------------------------------------------

_DATA_PARALLEL = """
import jax, jax.numpy as jnp, numpy as np
assert len(jax.devices()) == 8, jax.devices()
import jaxopt_lectures as jl
from jaxopt_lectures.init import mlp_init
from jaxopt_lectures.problems.sin_regression import LAYER_SIZES, mse_loss, sin_regression_data
from rounding import assert_equal_to_rounding

(x, y), (xv, yv) = sin_regression_data(jax.random.key(0), n_train=128, n_test=64)
p0 = mlp_init(jax.random.key(1), LAYER_SIZES, "relu_uniform")
seen = []

def loss(params, batch):
    if batch[0].shape[0] in (16, 128) and seen is not None:  # a minibatch (or the full batch): record its placement
        jax.debug.inspect_array_sharding(batch[0], callback=lambda s: seen.append((batch[0].shape[0], s)))
    return mse_loss(params, batch)

EPOCHS = 5
def run(devices, sampling="shuffle", b=16):
    seen.clear()
    return jl.fit(loss, p0, (x, y), jl.adam(0.02), epochs=EPOCHS, batch_size=b, key=jax.random.key(2),
                  sampling=sampling, validation_data=(xv, yv), devices=devices)

for sampling, steps in (("shuffle", EPOCHS * 128 // 16), ("replacement", EPOCHS * 128 // 16), ("full", EPOCHS)):
    w1, h1 = run(None, sampling)
    wd, hd = run(1, sampling)  # one device: the same program on the same device, bit for bit
    np.testing.assert_array_equal(hd.step_losses, h1.step_losses)
    for a, b in zip(jax.tree.leaves(wd), jax.tree.leaves(w1)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    for d in (2, 8):
        wd, hd = run(d, sampling)
        # The batch is split over the d devices (P("data")), the parameters replicated (P()).
        size = 128 if sampling == "full" else 16
        along = jax.sharding.PartitionSpec("data")
        split = [s for n, s in seen if n == size and len(s.device_set) == d and s.spec == along]
        assert split, (sampling, d, seen)
        leaf = jax.tree.leaves(wd)[0]
        assert len(leaf.sharding.device_set) == d and leaf.sharding.is_fully_replicated, leaf.sharding
        # Equal to one device to rounding: float32, the batch's sums (loss and gradient) are added
        # per device and then across devices, another order than one device's, so each step may
        # round differently and Adam carries it on: `steps` roundings of 4 ulps of each row's scale
        # (tests/rounding.py; seen: ≤ 1e-6 on losses of order 1, ≤ 6e-8 on the parameters).
        assert hd.reason == h1.reason == "max_steps" and hd.num_steps == h1.num_steps == steps
        assert_equal_to_rounding(hd.step_losses, h1.step_losses, steps=steps, floor=float(h1.train_loss.max()))
        assert_equal_to_rounding(hd.train_loss[None], h1.train_loss[None], steps=steps, floor=0.0)
        assert_equal_to_rounding(hd.val_loss[None], h1.val_loss[None], steps=steps, floor=0.0)
        for a, b, s in zip(jax.tree.leaves(wd), jax.tree.leaves(w1), jax.tree.leaves(p0)):
            assert_equal_to_rounding(np.asarray(a)[None], np.asarray(b)[None], steps=steps,
                                     floor=float(np.max(np.abs(s))))

# A batch that does not split over 8 devices: a clear error before the loss is traced.
seen = None
calls = []
def counted(params, batch):
    calls.append(1)
    return mse_loss(params, batch)
try:
    jl.fit(counted, p0, (x, y), jl.adam(0.02), epochs=1, batch_size=12, key=jax.random.key(2), devices=8)
except ValueError as err:
    assert "batch_size must be a multiple of the number of devices (8)" in str(err), err
else:
    raise AssertionError("batch_size=12 over 8 devices did not raise")
assert not calls
print("ok")
"""


@pytest.mark.slow
def test_two_and_eight_devices_equal_one_to_rounding():
    tests = os.path.dirname(os.path.abspath(__file__))  # the subprocess imports tests/rounding.py
    path = os.pathsep.join([tests, os.environ["PYTHONPATH"]]) if os.environ.get("PYTHONPATH") else tests
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=8", "JAX_PLATFORMS": "cpu",
           "PYTHONPATH": path}
    command = [sys.executable, "-c", textwrap.dedent(_DATA_PARALLEL)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.strip().endswith("ok"), proc.stdout[-2000:]
