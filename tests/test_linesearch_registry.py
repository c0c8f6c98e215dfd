"""The line-search registry (jaxopt_lectures.linesearch.registry, ALGORITHMS.md §6): its API, the
checks at registration, and a throwaway search registered here being picked up everywhere — by
the registry-wide checks, by the curvature methods' ``line_search=<name>`` and by the loop core's
reuse of stored f, ∇f."""

import functools
import types
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import linesearch_checks as checks
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.linesearch import (
    LINE_SEARCHES,
    LineSearchSpec,
    WolfeLineSearchState,
    get_line_search,
    line_search_names,
    line_search_table,
    register_line_search,
    unregister_line_search,
)
from jaxopt_lectures.linesearch import phi
from jaxopt_lectures.optimizers.base import Evaluations, extra_args_transformation, require_extra_args

LECTURES = ["halving", "armijo", "wolfe", "exact"]

# --------------------------------------------------------------------------------------------
# A throwaway search, written from the public helpers of linesearch.phi as a new one would be
# --------------------------------------------------------------------------------------------


class FixedStepState(NamedTuple):
    step_size: jax.Array
    value: jax.Array  # f(x + α d)
    num_evals: jax.Array
    failed: jax.Array
    evaluations: Evaluations
    grad: Any  # ∇f(x + α d)


def scale_by_fixed_step(*, step_size: float = 0.5) -> optax.GradientTransformationExtraArgs:
    """α = ``step_size`` when it lowers f along a descent direction, else 0 (failed); stores f and
    ∇f at the returned point (one evaluation of both)."""

    def init(params):
        return phi.init_state(FixedStepState, params, grad=jax.tree.map(jnp.zeros_like, params))

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra):
        del extra
        require_extra_args("scale_by_fixed_step", value_fn=value_fn, grad=grad, params=params)
        dtype = phi.value_dtype(params)
        f0, n0 = phi.value0(value, phi.phi_of(value_fn, params, updates, dtype), dtype)
        alpha = jnp.asarray(step_size, dtype)
        v, g = jax.value_and_grad(value_fn)(phi.step(params, alpha, updates))
        v = phi.finite_or_inf(v, dtype)
        ok = (phi.slope(grad, updates, dtype) < 0) & (v < f0)
        alpha, v, g = jnp.where(ok, alpha, 0.0), jnp.where(ok, v, f0), optax.tree.where(ok, g, grad)
        n = jnp.int32(1 + n0)
        new = FixedStepState(alpha, v, n, ~ok, Evaluations.of(fun=n, grad=1), g)
        return phi.scaled(alpha, updates), new

    return extra_args_transformation(init, update)


def fixed_spec(name="fixed-step", **fields):
    kwargs = {"factory": scale_by_fixed_step, "rule": "α = ½ when φ(½) < φ(0)", "lecture": "tests only",
              "needs": ("value_fn", "grad"), "state_type": FixedStepState,
              "evaluation": lambda s: (s.value, s.grad), **fields}  # fmt: skip
    return LineSearchSpec(name, **kwargs)


@pytest.fixture
def register():
    """``register(spec)``; every search registered through it is unregistered afterwards."""
    names = []

    def add(spec):
        names.append(spec.name)
        return register_line_search(spec)

    yield add
    for name in names:
        if name in LINE_SEARCHES:
            unregister_line_search(name)


# --------------------------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------------------------


def test_the_lectures_searches_are_registered_in_order():
    assert line_search_names()[:4] == LECTURES
    for name in LECTURES:
        spec = get_line_search(name)
        assert spec is LINE_SEARCHES[name] and spec.name == name
        assert spec.factory is getattr(jl, f"scale_by_{name}_line_search")
        assert "ALGORITHMS.md §6" in spec.lecture and spec.rule and "value_fn" in spec.needs
    assert LINE_SEARCHES["wolfe"].state_type is WolfeLineSearchState  # stores f, ∇f: minimize reuses them
    assert [n for n in LECTURES if LINE_SEARCHES[n].evaluation is not None] == ["wolfe"]


def test_the_registry_is_a_read_only_live_view(register):
    assert isinstance(LINE_SEARCHES, types.MappingProxyType)
    with pytest.raises(TypeError):
        LINE_SEARCHES["x"] = LINE_SEARCHES["armijo"]  # type: ignore[index]
    before = line_search_names()
    spec = register(fixed_spec())
    assert LINE_SEARCHES["fixed-step"] is spec
    assert line_search_names() == [*before, "fixed-step"]  # registration order
    assert unregister_line_search("fixed-step") is spec
    assert line_search_names() == before and "fixed-step" not in LINE_SEARCHES


def test_unknown_names_raise_key_errors_listing_the_known_ones():
    for call in (get_line_search, unregister_line_search):
        with pytest.raises(KeyError, match="'nope'.*halving, armijo, wolfe, exact"):
            call("nope")


def test_the_table(register):
    register(fixed_spec())
    md, text = line_search_table(), line_search_table(markdown=False)
    assert md.splitlines()[0] == "| line search | rule | lecture | needs | stores f, ∇f |"
    assert len(md.splitlines()) == 2 + len(LINE_SEARCHES) and len(text.splitlines()) == 2 + len(LINE_SEARCHES)
    for spec in LINE_SEARCHES.values():
        row = next(r for r in md.splitlines() if r.startswith(f"| `{spec.name}` |"))
        stores = "yes" if spec.evaluation else "no"
        assert row.endswith(f"| {', '.join(spec.needs)} | {stores} |") and spec.lecture in row
        assert spec.rule.replace("|", "\\|") in row
        assert any(r.startswith(spec.name) and spec.lecture in r for r in text.splitlines())


def _needs_an_argument(step_size):
    return scale_by_fixed_step(step_size=step_size)


@pytest.mark.parametrize(
    "fields,error,match",
    [
        ({"name": "armijo"}, ValueError, "'armijo' is registered already"),
        ({"name": ""}, ValueError, "name must be a non-empty string"),
        ({"name": 3}, TypeError, "name must be a non-empty string"),
        ({"factory": "scale_by_fixed_step"}, TypeError, "factory must be callable"),
        ({"rule": ""}, ValueError, "rule must be a non-empty string"),
        ({"lecture": "  "}, ValueError, "lecture must be a non-empty string"),
        ({"needs": "value_fn"}, ValueError, "needs must be a tuple"),
        ({"needs": ("value_fn", "gradient")}, ValueError, "needs must be a tuple of names from"),
        ({"evaluation": None}, ValueError, "state_type and evaluation together"),
        ({"state_type": None}, ValueError, "state_type and evaluation together"),
        ({"state_type": "FixedStepState"}, TypeError, "state_type must be a class"),
        ({"evaluation": "value, grad"}, TypeError, "evaluation must be callable"),
        ({"factory": _needs_an_argument}, TypeError, r"factory\(\) must build the search with its defaults"),
        ({"factory": functools.partial(jl.scale_by_armijo_line_search, c1=2.0)}, TypeError, "c1"),
        ({"factory": lambda: "a search"}, TypeError, "must return an optax transformation"),
    ],
)
def test_bad_entries_are_refused_naming_them(fields, error, match):
    before = dict(LINE_SEARCHES)
    spec = fixed_spec(**fields)
    with pytest.raises(error, match=match) as info:
        register_line_search(spec)
    assert f"line search {spec.name!r}" in str(info.value)  # the message names the entry
    assert dict(LINE_SEARCHES) == before  # nothing registered


def test_only_a_spec_is_registered():
    with pytest.raises(TypeError, match="LineSearchSpec"):
        register_line_search({"name": "fixed-step", "factory": scale_by_fixed_step})  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# A registered search is picked up everywhere
# --------------------------------------------------------------------------------------------


def test_a_registered_search_passes_the_registry_wide_checks(register):
    spec = register(fixed_spec())
    for check in checks.CHECKS:
        check(spec)
    checks.stored_evaluation_is_f_and_grad_at_the_step(spec)


def test_a_registered_search_is_accepted_by_name_by_the_curvature_methods(register):
    with pytest.raises(ValueError, match="line_search must be one of") as before:
        jl.steepest_descent(line_search="fixed-step")
    assert "'fixed-step'" not in str(before.value).split("; got")[0]  # not among the accepted names
    register(fixed_spec())
    with pytest.raises(ValueError, match="'fixed-step'"):  # the error lists the registry's names
        jl.steepest_descent(line_search="nope")
    x0 = jnp.array([2.0, 2.0])
    # steepest descent with α = ½ on the quadratic: x − x* contracts by |1 − λ/2| ≤ 0.81 a step;
    # gtol 1e-6: the search needs f to decrease, which stops below ‖∇f‖ ~ √ε
    r = jl.minimize(checks.quadratic, x0, jl.steepest_descent(line_search="fixed-step"), max_steps=200, gtol=1e-6)
    assert r.reason_name == "gtol" and isinstance(r.state[-1], FixedStepState)
    np.testing.assert_allclose(r.params, jnp.linalg.solve(checks.A, checks.bvec), atol=1e-6)  # ≤ ‖∇f‖/λ_min
    r = jl.minimize(checks.quadratic, x0, jl.nonlinear_cg(line_search="fixed-step"), max_steps=20, gtol=1e-6)
    assert isinstance(r.state[-1], FixedStepState) and np.isfinite(float(r.value))
    assert float(r.value) < float(checks.quadratic(x0))  # every accepted step lowers f


def test_minimize_reuses_the_stored_f_and_grad_of_a_registered_search(register):
    """The same search, unregistered then registered with state_type/evaluation: the loop core
    stops evaluating f, ∇f after each step (one each fewer per step), on the same iterates."""

    def run():
        opt = optax.chain(optax.scale(-1.0), scale_by_fixed_step())  # a new object: a new program
        return jl.minimize(checks.quadratic, jnp.array([2.0, 2.0]), opt, max_steps=20, gtol=0.0)

    plain = run()
    register(fixed_spec())
    reused = run()
    assert int(plain.num_steps) == int(reused.num_steps) == 20
    np.testing.assert_allclose(reused.params, plain.params, rtol=1e-12)  # same float64 arithmetic
    assert int(plain.num_fun_evals) - int(reused.num_fun_evals) == 20
    assert int(plain.num_grad_evals) - int(reused.num_grad_evals) == 20
