"""The device mesh of a sweep: its configuration axis sharded over devices, and the way back to NumPy.

ALGORITHMS.md §10.2 (a sweep is one program; this spreads its rows over every device). The mesh
is 1-D, named ``"config"``; across hosts every process passes the same host values and receives
the whole result.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding

__all__ = ["check_devices", "fetch", "mesh", "put"]


def check_devices(devices: Any, example: str = "jax.local_devices()[:2]") -> list:
    """``devices`` as a list: non-empty, jax devices only, none repeated (else ``ValueError``)."""
    devices = list(devices)
    if not devices or not all(isinstance(d, jax.Device) for d in devices):
        raise ValueError(f"devices must be a non-empty sequence of jax devices (e.g. {example}); got {devices!r}")
    if len(set(devices)) != len(devices):
        raise ValueError(f"devices must not repeat a device; got {devices!r}")
    return devices


def mesh(devices: Any, axis: str = "config") -> Mesh:
    """A 1-D mesh ``(axis,)`` over ``devices`` (default: every local device), checked."""
    devices = jax.local_devices() if devices is None else check_devices(devices)
    return Mesh(np.array(devices), (axis,))


def put(x: Any, sharding: NamedSharding) -> Any:
    """A pytree on ``sharding``; across hosts every process passes the same host values."""

    def put_leaf(a):
        if sharding.is_fully_addressable:
            return jax.device_put(a, sharding)
        if jnp.issubdtype(jnp.result_type(a), jax.dtypes.prng_key):
            return jax.random.wrap_key_data(put_leaf(jax.random.key_data(a)), impl=jax.random.key_impl(a))
        a = np.asarray(a)
        return jax.make_array_from_callback(a.shape, sharding, lambda index: a[index])

    return jax.tree.map(put_leaf, x)


def fetch(x: Any) -> Any:
    """NumPy copies of a pytree of (possibly multi-host) arrays."""

    def get(a):
        if a.is_fully_addressable:
            return np.asarray(a)
        from jax.experimental import multihost_utils

        return np.asarray(multihost_utils.process_allgather(a, tiled=True))

    return jax.tree.map(get, x)
