"""Data-parallel ``fit``: each minibatch sharded over a 1-D device mesh, the model replicated.

ALGORITHMS.md §9 (minibatch training), L3's minibatch gradient ĝ_B = (1/b) Σ_{i∈B} ∇ℓᵢ: with d
devices each holds b/d of the batch's examples and computes its part of the sum; XLA inserts the
all-reduce that adds the parts, so every device applies the same step to its copy of the
parameters and optimizer state. The result is the one-device run's up to the order of the
reduction (float rounding), the same minibatches, the same number of steps.

``fit(…, devices=…)`` reads this module; ``devices=None`` never does (the one-device path is
untouched). The mesh is 1-D and named ``"data"``: the batch is placed with
``NamedSharding(mesh, P("data"))`` inside the compiled epoch, the parameters, optimizer state,
data and key with ``P()``. The same code runs on a GPU or TPU mesh, or across hosts after
``jax.distributed.initialize()`` (every process passes the same host values; see
:mod:`jaxopt_lectures.sweeps.sharding`).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from .sweeps import sharding

__all__ = ["AXIS", "batch_sharding", "check_divides", "fetch", "mesh", "replicate", "resolve_devices"]

AXIS = "data"
_HINT = "on CPU, start Python with XLA_FLAGS=--xla_force_host_platform_device_count=N to simulate N devices"


def resolve_devices(devices: Any) -> list:
    """``devices`` as a checked list of jax devices: an int k means ``jax.devices()[:k]``, a
    sequence is taken as given (non-empty, no repeats, one platform)."""
    available = jax.devices()
    if isinstance(devices, (int, np.integer)) and not isinstance(devices, bool):
        k = int(devices)
        if k < 1:
            raise ValueError(f"devices must be a device count ≥ 1 or a sequence of jax devices; got {k}")
        if k > len(available):
            raise ValueError(
                f"devices={k} asks for data parallelism over {k} devices, but only {len(available)} "
                f"{available[0].platform} device{'s are' if len(available) > 1 else ' is'} available "
                f"({_HINT}); pass devices=None to train on one device"
            )
        return list(available[:k])
    try:
        devices = list(devices)
    except TypeError:
        raise TypeError(
            f"devices must be None, a device count (int) or a sequence of jax devices "
            f"(e.g. jax.devices()[:2]); got {devices!r}"
        ) from None
    devices = sharding.check_devices(devices, example="jax.devices()[:2]")
    platforms = sorted({d.platform for d in devices})
    if len(platforms) > 1:
        raise ValueError(f"devices must all be of one platform (one mesh); got platforms {platforms}")
    return devices


def check_divides(num_devices: int, n: int, batch_size: int | None, sampling: str) -> None:
    """The batch (b, or all n examples for ``sampling="full"``) splits evenly over the devices."""
    if sampling == "full":
        if n % num_devices:
            raise ValueError(
                f"sampling='full' puts all n = {n} examples in each batch, which must split evenly over the "
                f"{num_devices} devices (n % devices == 0); drop {n % num_devices} examples or pick other devices"
            )
    elif int(batch_size) % num_devices:
        raise ValueError(
            f"batch_size must be a multiple of the number of devices ({num_devices}) to split each batch "
            f"evenly over them; got batch_size={batch_size}"
        )


def mesh(devices: list) -> Mesh:
    """The 1-D mesh ``("data",)`` over ``devices``."""
    return sharding.mesh(devices, AXIS)


def batch_sharding(m: Mesh) -> NamedSharding:
    """The batch's sharding: its leading (example) axis split over the mesh."""
    return NamedSharding(m, PartitionSpec(AXIS))


def replicate(x: Any, m: Mesh) -> Any:
    """A pytree copied to every device of ``m`` (``P()``); ``None`` stays ``None``."""
    return sharding.put(x, NamedSharding(m, PartitionSpec()))


fetch = sharding.fetch  # NumPy copies of a pytree of (possibly multi-host) arrays
