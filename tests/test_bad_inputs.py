"""A table of bad inputs over every entry point (issue 14, item 6; STYLE.md habit 4).

One row per case: a short id, a zero-argument callable that does the bad thing, the exception
class, and the words the message must contain — the argument's name and the accepted range or
choices (a plain string is a substring, a compiled pattern a regex). Every row also checks that
the message's first line is ours, not a JAX internal (a tracer or XLA error class, a broadcasting
or loop-carry complaint, a gradient-of-a-vector error): :func:`assert_clear`.

Rows marked ``# defect`` failed before issue 14 item 6 (a raw JAX error, a silent NaN or garbage,
or a message without the argument's name). The command line's rows run ``cli.main`` and read the
exit status (2) and the ``error:`` line on stderr. Every row is tiny (two parameters, a few steps),
so none can hang.

The first-order factories' ranges are covered exhaustively by ``test_validation.py``; here a few
of them stand for the factories, next to the drivers, analysis tools, plotting, checkpoints, the
command line and the catalogues. The table is two lists, in this order: bad_input_rows_solvers.py
(factories, ``update``, line searches, ``minimize``, ``least_squares``) and bad_input_rows_tools.py
(``fit``, sweeps, analysis, plotting, checkpoints, the command line, catalogues); the row type and
the inputs they share are in bad_inputs_common.py.
"""

from __future__ import annotations

import re
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from bad_input_rows_solvers import SOLVER_ROWS
from bad_input_rows_tools import TOOL_ROWS
from bad_inputs_common import NAN_W, ROW_TMP, Row, W, f, searched


@pytest.fixture(autouse=True)
def _row_tmp_path(tmp_path):
    ROW_TMP[:] = [tmp_path]


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

ROWS = SOLVER_ROWS + TOOL_ROWS

# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------

# What a message must not start with (or contain on its first line): JAX's and NumPy's words for
# a failure inside them, which name no argument of ours.
JAX_INTERNAL = re.compile(
    r"^(?:[\w.]*Error:\s*)?(?:TracerBoolConversionError|ConcretizationTypeError|TracerArrayConversionError"
    r"|TracerIntegerConversionError|UnexpectedTracerError|XlaRuntimeError)"
    r"|unsupported operand type|Incompatible shapes|cond branches must|while_loop body function"
    r"|Gradient only defined for scalar|grad requires real|Expected a callable value|Abstract tracer value"
    r"|Sum of sizes|inhomogeneous shape|object has no attribute|pickled \(object\) data|Can't pickle"
    r"|unexpected PRNG key type|figure size must be"
)


def message_of(exc: BaseException, stderr: str) -> str:
    if isinstance(exc, SystemExit):
        return stderr
    if isinstance(exc, KeyError):  # str(KeyError) is the repr of its message
        return str(exc.args[0])
    return str(exc)


def first_line(exc: BaseException, message: str) -> str:
    """The line a reader sees first: the exception's first line, or argparse's ``error:`` line."""
    lines = [line for line in message.splitlines() if line.strip()]
    if isinstance(exc, SystemExit):
        errors = [line for line in lines if ": error: " in line]
        return errors[-1] if errors else ""
    return lines[0] if lines else ""


def _found(word: Any, text: str) -> bool:
    return bool(word.search(text)) if isinstance(word, re.Pattern) else word in text


def assert_clear(exc: BaseException, message: str, words: tuple[Any, ...]) -> None:
    """Our exception, not JAX's; its first line names the argument; every word is in the message."""
    module = type(exc).__module__
    assert not module.startswith(("jax", "jaxlib")), f"a JAX exception class {module}.{type(exc).__name__}: {message}"
    line = first_line(exc, message)
    assert line, f"no message: {exc!r}"
    assert not JAX_INTERNAL.search(line), f"a JAX/NumPy-internal first line: {line}"
    assert _found(words[0], line), f"the first line does not name {words[0]!r}: {line}"
    missing = [w for w in words if not _found(w, message)]
    assert not missing, f"{missing} not in: {message}"


def test_the_table_is_large_and_ids_are_unique():
    ids = [p.values[0].id for p in ROWS]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("case", ROWS)
def test_bad_input(case: Row, capsys):
    with pytest.raises(BaseException) as info:
        case.call()
    exc = info.value
    if isinstance(exc, (KeyboardInterrupt, GeneratorExit)):  # pragma: no cover
        raise exc
    message = message_of(exc, capsys.readouterr().err)
    assert isinstance(exc, case.raises), f"expected {case.raises.__name__}, got {type(exc).__name__}: {message}"
    if isinstance(exc, SystemExit):
        assert exc.code == 2, f"exit status {exc.code}: {message}"
    assert_clear(exc, message, case.words)


# --------------------------------------------------------------------------------------------
# What the checks must not refuse: traced values (jit, vmap) pass through
# --------------------------------------------------------------------------------------------


def test_traced_wolfe_constants_pass_and_vmap_over_c1():
    """c1 < c2 is checked for concrete arrays only: a vmap over c1 traces one search per value
    (tracing is where the checks run, so a jaxpr is enough)."""

    def step_size(c1, c2=0.9):
        search = searched(jl.scale_by_wolfe_line_search(c1=c1, c2=c2))
        _, state = search.update(2 * W, search.init(W), W, value=f(W), grad=2 * W, value_fn=f)
        return state[1].step_size

    assert jax.eval_shape(jax.vmap(step_size), jnp.array([1e-4, 0.3])).shape == (2,)
    # traced constants are not compared, even when c1 > c2: only concrete values can be
    jax.make_jaxpr(step_size)(0.5, 0.4)


def test_traced_nan_start_passes_under_jit_and_vmap():
    """A NaN start is refused when concrete; traced, it runs and reports divergence as before."""
    run = jax.jit(lambda x0: jl.minimize(f, x0, jl.sgd(0.1), max_steps=3))
    assert jax.eval_shape(run, NAN_W).params.shape == (2,)
    batched = jax.vmap(lambda x0: jl.minimize(f, x0, jl.sgd(0.1), max_steps=3))(jnp.stack([W, NAN_W]))
    assert batched.reason_name == ["max_steps", "diverged"]
    assert float(batched.value[0]) == pytest.approx(float(f(W)) * 0.8**6)  # three steps of x ← 0.8 x


def test_hessian_eigenvalues_still_jit_and_vmap():
    """The scalar and finiteness checks of the analysis tools run at trace time only."""
    points = jnp.array([[0.0, 0.0], [1.0, 2.0]])
    lam = jax.vmap(lambda x: jl.hessian_eigenvalues(lambda w: jnp.sum(w**2), x))(points)
    np.testing.assert_allclose(lam, 2.0)
    kappa = jax.jit(lambda x: jl.condition_number(lambda w: w[0] ** 2 + 4 * w[1] ** 2, x))(W)
    assert float(kappa) == pytest.approx(4.0)
