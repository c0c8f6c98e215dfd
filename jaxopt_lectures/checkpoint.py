"""Checkpoints without pickle: any pytree of arrays to one ``.npz`` keyed by tree paths, and back.

``save(path, tree)`` writes every leaf (parameters, optimizer state, a loop's position, a PRNG
key) under its ``jax.tree_util.keystr`` path; ``restore(path, like=template)`` reads them back
into the structure of ``template`` (e.g. ``optimizer.init(params)``), checking that the file
holds exactly the template's paths with the same shapes and dtypes, and names the first path that
differs. Files are read with ``allow_pickle=False``: a checkpoint is data, never code.

What numpy and orbax already do is used as is (``np.savez``); orbax is the tool for sharded or
asynchronous checkpoints of large models, this module for a training run on one host.

Example:
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
import numpy as np

__all__ = ["restore", "save"]

_KEY_DATA = "::key_data::"  # marks a typed PRNG key stored as its raw data


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
        out[name] = value
    return out


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
        what = "is missing from the checkpoint" if missing else "is in the checkpoint but not in the template"
        raise ValueError(f"checkpoint {os.fspath(path)!r} does not match the template: path {first} {what}")
    for name, want in template.items():
        got = stored[name]
        if got.shape != want.shape or got.dtype != want.dtype:
            raise ValueError(
                f"checkpoint {os.fspath(path)!r} does not match the template at path {name}: stored "
                f"{got.dtype}{list(got.shape)}, template {want.dtype}{list(want.shape)}"
            )
    leaves, treedef = jax.tree.flatten(like)
    restored = []
    for leaf, name in zip(leaves, template):  # the template's entries are in leaf order
        value = stored[name]
        if _KEY_DATA in name:
            value = jax.random.wrap_key_data(value, impl=jax.random.key_impl(leaf))
        restored.append(value)
    return jax.tree_util.tree_unflatten(treedef, restored)
