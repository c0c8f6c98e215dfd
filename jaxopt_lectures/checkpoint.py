"""Checkpoints without pickle: any pytree of arrays to one ``.npz`` keyed by tree paths, and back.

``save(path, tree)`` writes every leaf (parameters, optimizer state, a loop's position, a PRNG
key) under its ``jax.tree_util.keystr`` path; ``restore(path, like=template)`` reads them back
into the structure of ``template`` (e.g. ``optimizer.init(params)``), checking that the file
holds exactly the template's paths with the same shapes and dtypes, and names the first path that
differs. Files are read with ``allow_pickle=False``: a checkpoint is data, never code.
Leaves of the ml_dtypes types (bfloat16, the float8s), which ``np.savez`` writes as raw bytes
that ``np.load`` cannot type again, are stored as unsigned integers of their width with the
dtype's name in the key, and restored bit for bit.

What numpy and orbax already do is used as is (``np.savez``); orbax is the tool for sharded or
asynchronous checkpoints of large models, this module for a training run on one host.

Examples:
  >>> import tempfile, os, jax.numpy as jnp, jaxopt_lectures as jl
  >>> params = {"w": jnp.ones(3), "b": jnp.zeros(())}
  >>> opt = jl.adam(0.1); state = opt.init(params)
  >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
  >>> jl.checkpoint.save(path, {"params": params, "state": state})
  >>> back = jl.checkpoint.restore(path, like={"params": params, "state": opt.init(params)})
  >>> bool(jnp.all(back["params"]["w"] == 1.0))
  True
"""

from __future__ import annotations

import os
import zipfile
from typing import Any

import jax
import ml_dtypes  # a dependency of jax: the bfloat16 and float8 dtypes
import numpy as np

__all__ = ["restore", "save"]

_KEY_DATA = "::key_data::"  # marks a typed PRNG key stored as its raw data, then the key's impl
_BITS = "::bits::"  # marks a leaf stored as unsigned integers of its width, then its dtype's name


def _native(dtype: np.dtype) -> bool:
    """Does ``dtype`` survive ``np.savez``/``np.load``, i.e. its type string names it again?"""
    try:
        return np.dtype(dtype.str) == dtype
    except TypeError:  # e.g. '<f1' of float8_e5m2
        return False


def _entries(tree: Any, what: str) -> dict[str, np.ndarray]:
    out = {}
    for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
        name = jax.tree_util.keystr(path) or "<root>"
        if isinstance(leaf, jax.Array) and jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.prng_key):
            out[name + _KEY_DATA + str(jax.random.key_impl(leaf))] = np.asarray(jax.random.key_data(leaf))
            continue
        value = np.asarray(leaf)
        if value.dtype == object:  # would need pickle, which a checkpoint never uses
            raise TypeError(
                f"{what} leaf at path {name} is a {type(leaf).__name__}, not an array: a checkpoint holds "
                "arrays, numbers, strings and PRNG keys only"
            )
        if _native(value.dtype):
            out[name] = value
        else:  # bfloat16 would be written as '|V2' and read back as raw bytes of no number type
            out[name + _BITS + value.dtype.name] = value.view(f"u{value.dtype.itemsize}")
    return out


def _described(name: str, value: np.ndarray) -> str:
    """The dtype and shape an entry holds (bfloat16, not its bits), for messages."""
    return f"{name.partition(_BITS)[2] or value.dtype}{list(value.shape)}"


def save(path: str | os.PathLike, tree: Any) -> None:
    """Write every leaf of ``tree`` to ``path`` (an ``.npz``), keyed by its tree path. A leaf that is
    not an array, a number, a string or a PRNG key (a function, say) raises ``TypeError``: it would
    need pickle."""
    entries = _entries(tree, "tree")
    with open(path, "wb") as f:
        np.savez(f, **entries)


def restore(path: str | os.PathLike, *, like: Any) -> Any:
    """The tree saved in ``path``, in the structure of ``like`` (leaves become NumPy arrays, typed
    PRNG keys keys again). Raises ``ValueError`` naming the first path that is missing, extra, or
    of another shape or dtype, and for a file that is not such an archive; ``FileNotFoundError``
    for a missing one."""
    template = _entries(like, "like")
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        # NumPy reads any file that is neither .npz nor .npy as a pickle and suggests allow_pickle=True:
        # not advice to pass on for a checkpoint
        detail = "" if isinstance(err, ValueError) else f" ({err})"
        raise ValueError(f"checkpoint {os.fspath(path)!r} is not an .npz archive written by save{detail}") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"checkpoint {os.fspath(path)!r} is a single .npy array, not an .npz archive written by save")
    with data:
        stored = {name: data[name] for name in data.files}
    missing = [name for name in template if name not in stored]
    extra = [name for name in stored if name not in template]
    if missing or extra:
        first = (missing or extra)[0]
        at = first.partition(_BITS)[0]
        twin = next((n for n in (extra if missing else missing) if n.partition(_BITS)[0] == at), None)
        if twin is not None:  # the path is in both, stored as another type (bfloat16 for float32, say)
            got, want = (twin, first) if missing else (first, twin)
            raise ValueError(
                f"checkpoint {os.fspath(path)!r} does not match the template at path {at}: stored "
                f"{_described(got, stored[got])}, template {_described(want, template[want])}"
            )
        what = "is missing from the checkpoint" if missing else "is in the checkpoint but not in the template"
        raise ValueError(f"checkpoint {os.fspath(path)!r} does not match the template: path {at} {what}")
    for name, want in template.items():
        got = stored[name]
        if got.shape != want.shape or got.dtype != want.dtype:
            raise ValueError(
                f"checkpoint {os.fspath(path)!r} does not match the template at path {name.partition(_BITS)[0]}: "
                f"stored {_described(name, got)}, template {_described(name, want)}"
            )
    leaves, treedef = jax.tree.flatten(like)
    restored = []
    for leaf, name in zip(leaves, template):  # the template's entries are in leaf order
        value = stored[name]
        if _KEY_DATA in name:
            value = jax.random.wrap_key_data(value, impl=jax.random.key_impl(leaf))
        elif _BITS in name:
            value = value.view(np.dtype(getattr(ml_dtypes, name.partition(_BITS)[2])))
        restored.append(value)
    return jax.tree_util.tree_unflatten(treedef, restored)
