"""The registry cases, parameter trees, test problem and shared checks of the registry-wide
invariant suites (test_invariants*.py, test_invariants_wrappers.py, test_checkpoint_resume.py):
STYLE.md habit 8, issue 14 items 2 and 3. Every registry entry and variant is a case
(``CASES``, ids ``<name>-<variant>``); a new entry is covered without edits here."""

import chex
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxopt_lectures import registry

__all__ = [
    "CASES", "FLOAT32_TREES", "TREES", "assert_finite_outputs", "assert_parameter_dtypes_kept",
    "invariant_problem", "jit_eager_mismatches", "leaf_bits", "leaf_dtypes", "one_per_entry",
    "step_function", "tree_signature",
]  # fmt: skip


def _cases():
    for name in registry.names():
        spec = registry.get(name)
        for vname, variant in (spec.variants or {"": None}).items():
            yield pytest.param(name, dict(variant.kwargs) if variant else {}, id=f"{name}-{vname}")


CASES = list(_cases())


def one_per_entry(cases, all_slow=False):
    """The default run takes each registry entry's first variant; the slow pass every variant
    (``all_slow``: every case in the slow pass only)."""
    seen, out = set(), []
    for case in cases:
        first = case.values[0] not in seen and not all_slow
        seen.add(case.values[0])
        out.append(case if first else pytest.param(*case.values, id=case.id, marks=pytest.mark.slow))
    return out


TREES = {
    "array": jnp.array([0.5, -1.0, 2.0]),
    "dict": {"w": jnp.array([[0.5, -1.0], [2.0, 0.3]]), "b": jnp.array([0.1, -0.2])},
    "list": [jnp.array([0.5, -1.0]), jnp.array([2.0])],
    # 0-d leaves of a fixed dtype, as an initializer makes them: jnp.array(0.7) would be weakly
    # typed, and optax.apply_updates returns it strongly typed (a new input type for jit)
    "nested tuple with a 0-d leaf": (jnp.asarray(0.7, float), (jnp.array([0.5, -1.0]), jnp.asarray(-0.3, float))),
    "empty dict": {},
    # a model in mixed precision: every leaf keeps its own dtype (float64 only under x64, which
    # tests/conftest.py turns on for the whole suite)
    "mixed dtypes": {
        "h": jnp.array([0.5, -1.0], jnp.float16),
        "b": jnp.array([[2.0, 0.3]], jnp.bfloat16),
        "s": jnp.array(0.7, jnp.float32),
        **({"d": jnp.array([0.1, -0.2, 0.3], jnp.float64)} if jax.config.jax_enable_x64 else {}),
    },
}


def invariant_problem(params):
    """f = Σ (x − 1)² + Σ x⁴/4 over the leaves, and its residuals (x − 1, x²/√2) as a tree."""

    def residual_fn(p):
        return jax.tree.map(lambda x: jnp.concatenate([jnp.ravel(x - 1.0), jnp.ravel(x**2) / jnp.sqrt(2.0)]), p)

    def fun(p):
        return 0.5 * sum(jnp.sum(r**2) for r in jax.tree.leaves(residual_fn(p)))

    return fun, residual_fn


def tree_signature(tree):
    return jax.tree.structure(tree), [(jnp.shape(x), jnp.result_type(x)) for x in jax.tree.leaves(tree)]


def step_function(opt, fun, residual_fn, with_updates=False):
    def step(params, state):
        value, grad = jax.value_and_grad(fun)(params)
        updates, state = opt.update(grad, state, params, value=value, grad=grad, value_fn=fun, residual_fn=residual_fn)
        new = optax.apply_updates(params, updates)
        return (new, state, updates) if with_updates else (new, state)

    return step


def leaf_dtypes(tree):
    return [jnp.result_type(x) for x in jax.tree.leaves(tree)]


def _parameter_mirrors(state, params):
    """The dicts in ``state`` with the keys of the parameter dict ``params``: per-parameter
    statistics (momenta, second moments, step sizes, the last gradient a search saw)."""
    if not isinstance(params, dict) or not params:
        return []
    nodes = jax.tree.leaves(state, is_leaf=lambda x: isinstance(x, dict))
    return [n for n in nodes if isinstance(n, dict) and set(n) == set(params)]


def assert_parameter_dtypes_kept(params, updates, state, when):
    """Updates and every floating per-parameter state leaf have their parameter's dtype (a rule
    may keep integer codes, as Rprop's int8 signs). The flat vectors of the curvature methods are
    in the promoted compute dtype (second_order/_common.Flat); their stability is the signature's."""
    assert leaf_dtypes(updates) == leaf_dtypes(params), f"update dtypes {leaf_dtypes(updates)}, params {leaf_dtypes(params)} {when}"
    for mirror in _parameter_mirrors(state, params):
        for key, leaf in mirror.items():
            if leaf is not None and jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
                assert jnp.result_type(leaf) == params[key].dtype, f"state leaf {key!r}: {jnp.result_type(leaf)} {when}"


def assert_finite_outputs(updates, state, params, initial, when, nan_free_only=False):
    """Updates finite and of the parameters' dtypes; the state without NaN, and finite wherever it
    was finite at ``init`` (the +∞ a state starts from — Newton's λ_min, a search's errors and last
    value, iRprop+'s last loss — means "not computed yet" and may stay).
    """
    assert leaf_dtypes(updates) == leaf_dtypes(params), when
    for path, u in jax.tree_util.tree_leaves_with_path(updates):
        bad = np.isnan(u) if nan_free_only else ~np.isfinite(u)
        assert not bad.any(), f"update{jax.tree_util.keystr(path)} = {u} {when}"
    for (path, x), x0 in zip(jax.tree_util.tree_leaves_with_path(state), jax.tree.leaves(initial)):
        if not jnp.issubdtype(jnp.result_type(x), jnp.floating):
            continue
        x, x0 = np.asarray(x, np.float64), np.asarray(x0, np.float64)
        where = f"state{jax.tree_util.keystr(path)} = {x} {when}"
        assert not np.isnan(x).any(), where
        assert nan_free_only or np.isfinite(x[np.isfinite(x0)]).all(), where


# the float32 dict of test_invariants_finite.py's scaled problem, also run by the bitwise test
FLOAT32_TREES = {"float32 dict": jax.tree.map(lambda x: x.astype(jnp.float32), TREES["dict"])}


def leaf_bits(tree):
    """Each leaf's bytes as unsigned integers of its width (NaN payloads and −0 compared too)."""
    return jax.tree.map(lambda x: np.asarray(x).view(f"u{np.asarray(x).dtype.itemsize}"), tree)


def jit_eager_mismatches(ids, tree):
    """Run in a subprocess started with test_invariants_bitwise.py's XLA flags (no FMA, no algsimp): for each case, two updates run
    eagerly (``jax.disable_jit``: every operation on its own, control flow in Python) and, on the
    same inputs, jitted; the messages of those whose updates or states differ in any bit."""
    params = {**TREES, **FLOAT32_TREES}[tree]
    fun, residual_fn = invariant_problem(params)
    failures = []
    for case in CASES:
        if case.id not in ids:
            continue
        opt = optax.with_extra_args_support(registry.get(case.values[0]).make(**case.values[1]))

        def update(g, state, p, value, opt=opt):
            return opt.update(g, state, p, value=value, grad=g, value_fn=fun, residual_fn=residual_fn)

        compiled_update = jax.jit(update)
        p, state = params, opt.init(params)
        for k in range(2):
            value, g = jax.value_and_grad(fun)(p)
            with jax.disable_jit():
                eager = update(g, state, p, value)
            compiled = compiled_update(g, state, p, value)
            try:
                chex.assert_trees_all_equal(leaf_bits(compiled), leaf_bits(eager), strict=True)
            except AssertionError as error:
                failures.append(f"{case.id}, update {k + 1}: {error}")
                break
            p, state = optax.apply_updates(p, eager[0]), eager[1]
    return failures
