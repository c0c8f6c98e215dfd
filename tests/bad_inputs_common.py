"""The row type of test_bad_inputs.py's table and the tiny inputs its rows share (issue 14, item 6;
STYLE.md habit 4): two parameters, a few steps, so no row can hang."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures import checkpoint, cli
from jaxopt_lectures.sweeps import SweepResult


class Row(NamedTuple):
    id: str
    call: Callable[[], Any]
    raises: type[BaseException]
    words: tuple[Any, ...]  # substrings, or re.Pattern; the first names the argument


def whole_word(name: str) -> re.Pattern:
    """A one-letter argument name (x, f, n, b) as a whole word."""
    return re.compile(rf"\b{name}\b")


def row(id: str, call: Callable[[], Any], raises: type[BaseException], *words: Any) -> Any:
    return pytest.param(Row(id, call, raises, words), id=id)


# --------------------------------------------------------------------------------------------
# Tiny inputs shared by the rows
# --------------------------------------------------------------------------------------------

W = jnp.array([1.0, -2.0])
G = jnp.array([0.5, 0.1])
NAN_W = jnp.array([jnp.nan, 1.0])


def f(x):
    return jnp.sum(x**2)


def vector_f(x):  # the per-coordinate losses, not their sum
    return x**2


X = jnp.linspace(-1.0, 1.0, 8)
DATA = (X, 2.0 * X)  # n = 8
EMPTY = (X[:0], X[:0])
KEY = jax.random.key(0)


def loss(w, batch):
    return jnp.mean((w * batch[0] - batch[1]) ** 2)


def per_example_loss(w, batch):
    return (w * batch[0] - batch[1]) ** 2


def update(opt, g=G, p=W, **extra):
    """One ``update`` from a fresh state."""
    return opt.update(g, opt.init(p), p, **extra)


def searched(search):
    """Steepest descent with the line search ``search`` (the lectures' L3 eq. 9 form)."""
    return optax.chain(optax.scale(-1.0), search)


def fit(**overrides):
    kwargs = {"epochs": 1, "batch_size": 4, "key": KEY, **overrides}
    defaults = (("loss_fn", loss), ("params", 0.0), ("data", DATA), ("optimizer", jl.sgd(0.1)))
    return jl.fit(*[kwargs.pop(k, d) for k, d in defaults], **kwargs)


def sweep(grid=None, **overrides):
    kwargs = {"steps": 2, **overrides}
    factory, fun, x0 = kwargs.pop("factory", jl.sgd), kwargs.pop("fun", f), kwargs.pop("x0", W)
    return jl.sweep(factory, {"learning_rate": [0.1]} if grid is None else grid, fun, x0, **kwargs)


def sweep_fit(grid=None, **overrides):
    kwargs = {"epochs": 1, "batch_size": 4, "key": KEY, **overrides}
    loss_fn, data = kwargs.pop("loss_fn", loss), kwargs.pop("data", DATA)
    return jl.sweep_fit(jl.sgd, {"learning_rate": [0.1]} if grid is None else grid, loss_fn, 0.0, data, **kwargs)


def a_sweep_result() -> SweepResult:
    """A two-row learning-rate sweep, built from arrays (plotting never runs optimizers)."""
    values = np.array([[1.0, 0.5], [1.0, 0.25]])
    return SweepResult({"learning_rate": np.array([0.1, 0.2])}, values, values[:, -1], np.zeros(2, bool), 2.0,
                       np.zeros((2, 2)))  # fmt: skip


PATHS = np.zeros((3, 2))  # a hand-written run of three 2-D points


ROW_TMP: list = []  # the running row's tmp_path (rows take no arguments; test_bad_inputs.py sets it)


def saved(tree=None) -> str:
    """A checkpoint of {"w": float64[3], "b": float64[]} in the row's tmp_path."""
    path = os.path.join(ROW_TMP[0], "run.npz")
    checkpoint.save(path, {"w": jnp.ones(3), "b": jnp.zeros(())} if tree is None else tree)
    return path


def not_a_checkpoint() -> str:
    path = os.path.join(ROW_TMP[0], "notes.npz")
    with open(path, "w") as file:
        file.write("not an archive")
    return path


def cli_main(*argv: str):
    return lambda: cli.main(list(argv))


CMP = ("compare", "--problem", "rosenbrock", "--optimizers")
SWEEP = ("sweep", "--optimizer", "sgd", "--problem", "rosenbrock", "--steps", "2", "--param")
SIN_SWEEP = ("sweep", "--optimizer", "adam", "--problem", "sin_regression", "--epochs", "2", "--param", "lr=0.01,0.1")
