"""A new optimizer is one module, one registry entry and one case: the registry-wide suites take it.

Sign-SGD, w ← w − η sign(g) (Bernstein et al. 2018, signSGD, alg. 1), is written here with the
public base of :mod:`jaxopt_lectures.optimizers.base` (its module docstring has this example), as a
``scale_by_sign_sgd`` primitive and a ``sign_sgd`` alias, next to its plain NumPy loop.
tests/throwaway_sign_sgd.py is a pytest plugin that registers it with one
:func:`jaxopt_lectures.registry.register` call and its case with one :func:`cases.register_case`
call before collection; :func:`test_registry_wide_suites_pick_up_a_throwaway_optimizer` runs the
registry-wide suites with it in a subprocess and checks each collected and passed tests of
sign-SGD. The registration's checks (a name twice, a missing field, a variant the factory rejects,
a peer naming an unknown variant) fail with messages naming the entry.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import jax.numpy as jnp
import numpy as np
import optax
import pytest

import cases
from jaxopt_lectures import registry
from jaxopt_lectures.optimizers import base
from jaxopt_lectures.registry import OptimizerSpec, Peer, Variant

# --------------------------------------------------------------------------------------------
# The throwaway optimizer: primitive, alias, reference loop
# --------------------------------------------------------------------------------------------


def scale_by_sign_sgd() -> optax.GradientTransformationExtraArgs:
    """The sign-SGD direction, sign(g) per weight (no state, no learning rate).

    Examples: see :func:`sign_sgd`, which is this followed by the learning rate.
    """

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        return base.leafwise(lambda g: (jnp.sign(g),), updates, n_out=1)[0], state  # d = sign(g)

    return base.extra_args_transformation(lambda params: optax.EmptyState(), update)


def sign_sgd(learning_rate: Any) -> optax.GradientTransformationExtraArgs:
    """Sign-SGD, ``w ← w − η sign(g)`` (not in the lectures: ALGORITHMS.md §1's step on the signs of g).

    Args:
      learning_rate: η ≥ 0, a number, an array, a tracer or an optax schedule ``t ↦ η(t)``.

    Examples:
      >>> opt = sign_sgd(0.1)
      >>> w = jnp.array([1.0, -2.0])
      >>> updates, _ = opt.update(jnp.array([3.0, -0.5]), opt.init(w), w)
      >>> [round(float(u), 6) for u in updates]
      [-0.1, 0.1]

    References:
      Bernstein, Wang, Azizzadenesheli and Anandkumar (2018), signSGD: compressed optimisation for
      non-convex problems, ICML, algorithm 1.
    """
    base.check_learning_rate(learning_rate)
    return base.chain(scale_by_sign_sgd(), base.learning_rate_scale(learning_rate))


def sign_sgd_ref(grad_fn, w0, steps: int, lr) -> list[np.ndarray]:
    """The plain loop (tests/reference.py's conventions): w ← w − η_t sign(g), η_t = lr(t − 1)."""
    w = np.array(w0, dtype=np.float64).ravel()
    ws = [w.copy()]
    for t in range(1, steps + 1):
        eta = float(lr(t - 1)) if callable(lr) else float(lr)
        w = w - eta * np.sign(np.asarray(grad_fn(w), dtype=np.float64))
        ws.append(w.copy())
    return ws


def _spec(**fields: Any) -> OptimizerSpec:
    """Sign-SGD's registry entry, with ``fields`` replaced."""
    return OptimizerSpec(**{"name": "sign_sgd", "factory": sign_sgd, "primitive": scale_by_sign_sgd, "family": "gd",
                            "lecture": "Bernstein et al. 2018", "defaults": {"learning_rate": 0.05},
                            "variants": {"sign": Variant(kwargs={})}, **fields})  # fmt: skip


# --------------------------------------------------------------------------------------------
# Registration: one call each, undone by one call each; bad entries are refused by name
# --------------------------------------------------------------------------------------------


def test_sign_sgd_is_what_its_reference_loop_says():
    """The optimizer the proof registers is right (else the proof would test a wrong one)."""
    opt = sign_sgd(0.1)
    w = jnp.array([1.0, -2.0, 0.5])
    g = jnp.array([3.0, -0.5, 0.0])
    updates, _ = opt.update(g, opt.init(w), w)
    ref = sign_sgd_ref(lambda _: np.asarray(g), w, 1, 0.1)
    np.testing.assert_array_equal(np.asarray(w) + np.asarray(updates), ref[1])


def test_a_throwaway_entry_and_its_case_register_and_unregister():
    assert "sign_sgd" not in registry.REGISTRY and "sign_sgd" not in cases.CASES
    registry.register(_spec())
    try:
        cases.register_case("sign_sgd", cases.Case(reference=sign_sgd_ref))
        try:
            assert registry.names()[-1] == "sign_sgd" and registry.get("sign_sgd").first_order
            assert cases.CASES["sign_sgd"].reference is sign_sgd_ref
            with pytest.raises(ValueError, match="case of 'sign_sgd': a case of that name is registered already"):
                cases.register_case("sign_sgd", cases.Case())
        finally:
            cases.unregister_case("sign_sgd")
    finally:
        registry.unregister("sign_sgd")
    assert "sign_sgd" not in registry.REGISTRY and "sign_sgd" not in cases.CASES
    with pytest.raises(KeyError, match="no case 'sign_sgd'"):
        cases.unregister_case("sign_sgd")
    with pytest.raises(TypeError, match="case of 'sign_sgd': register_case takes a Case"):
        cases.register_case("sign_sgd", {"reference": sign_sgd_ref})


def test_registering_a_name_twice_is_refused_by_name():
    registry.register(_spec())
    try:
        with pytest.raises(ValueError, match="optimizer 'sign_sgd': a spec of that name is registered already"):
            registry.register(_spec())
    finally:
        registry.unregister("sign_sgd")
    with pytest.raises(ValueError, match="optimizer 'sgd': a spec of that name is registered already"):
        registry.register(_spec(name="sgd"))
    assert registry.get("sgd").factory is not sign_sgd


def test_the_coverage_checks_name_an_entry_without_a_case_and_a_peer_without_a_comparison():
    """test_cases and test_peers fail, naming the entry, for a registry entry without a case, a
    case without an entry, and a peer neither compared by a pair nor by a test its case names."""
    import test_cases
    import test_peers

    registry.register(_spec(peers=(Peer("optax.sgd", variant="sign"),)))
    try:
        with pytest.raises(AssertionError, match=r"registry entries without a case in tests/cases.py: \['sign_sgd'\]"):
            test_cases.test_every_registry_entry_has_a_case()
        cases.register_case("sign_sgd", cases.Case(reference=sign_sgd_ref))
        cases.register_case("sign_sgd_unregistered", cases.Case())
        try:
            with pytest.raises(AssertionError, match=r"naming no registry entry: \['sign_sgd_unregistered'\]"):
                test_cases.test_every_registry_entry_has_a_case()
            with pytest.raises(AssertionError, match="sign_sgd: its peer optax.sgd runs in no pair here"):
                test_peers.test_every_registry_peer_is_covered("sign_sgd")
        finally:
            cases.unregister_case("sign_sgd_unregistered")
            cases.unregister_case("sign_sgd")
    finally:
        registry.unregister("sign_sgd")


def _bad(id: str, message: str, **fields: Any) -> Any:
    """A spec with ``fields`` replaced that register refuses with ``message`` (a regex after the
    entry's name, except where the name itself is bad)."""
    who = "" if "name" in fields else r"optimizer 'sign_sgd': "
    return pytest.param(_spec(**fields), who + message, id=id)


BAD_SPECS = [
    _bad("no-family", r"missing required field\(s\) family", family=None),
    _bad("no-primitive-no-lecture", r"missing required field\(s\) primitive, lecture", primitive=None, lecture=""),
    _bad("unknown-family", r"family must be one of gd, .*; got 'sign'", family="sign"),
    _bad("variant-with-an-unknown-argument", r"the factory rejects variant 'momentum' \{'beta': 0.9\}: .*beta",
         variants={"momentum": Variant(kwargs={"beta": 0.9})}),
    _bad("variant-out-of-range", r"the factory rejects variant 'uphill' .*learning_rate",
         variants={"uphill": Variant(kwargs={"learning_rate": -1.0})}),
    _bad("defaults-missing-the-rate", r"the factory rejects its defaults \{\}", defaults={}),
    _bad("peer-unknown-variant", r"peer optax.sign matches unknown variant 'signum'",
         peers=(Peer("optax.sign", variant="signum"),)),
    _bad("peer-unknown-argument", r"peer optax.sign names argument\(s\) \['momentum'\]",
         peers=(Peer("optax.sign", variant="sign", arguments={"momentum": "b1"}),)),
    _bad("unknown-extra-argument", r"unknown extra argument\(s\) \['hessian'\]", extra_args=("hessian",)),
    _bad("name-not-an-identifier", r"optimizer 'sign-sgd': name must be a Python identifier", name="sign-sgd"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_SPECS)
def test_a_bad_entry_is_refused_naming_it_and_leaves_the_registry_as_it_was(spec, message):
    before = registry.names()
    with pytest.raises((ValueError, TypeError), match=message):
        registry.register(spec)
    assert registry.names() == before


# --------------------------------------------------------------------------------------------
# The proof: the registry-wide suites run on it with no other change
# --------------------------------------------------------------------------------------------

#: every test file that iterates the registry and keys its tests by entry name
REGISTRY_WIDE = (
    "test_cases", "test_reference_loops", "test_transformations", "test_transformations_compose", "test_validation",
    "test_invariants", "test_invariants_hyperparams", "test_invariants_finite", "test_invariants_wrappers",
    "test_checkpoint_resume", "test_peers", "test_solve", "test_docstrings",
)  # fmt: skip


@pytest.mark.slow
def test_registry_wide_suites_pick_up_a_throwaway_optimizer(tmp_path):
    import jaxopt_lectures
    from hang_guard import HANG_GUARD_SECONDS

    tests_dir = os.path.dirname(os.path.abspath(__file__))
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(jaxopt_lectures.__file__)))
    report = tmp_path / "report.xml"
    files = [os.path.join(tests_dir, f"{name}.py") for name in REGISTRY_WIDE]
    path = os.pathsep.join([package_root, tests_dir, os.environ.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "throwaway_sign_sgd", "-p", "no:cacheprovider", "-k", "sign_sgd",
         "-q", f"--junitxml={report}", *files],
        cwd=os.path.dirname(tests_dir), env={**os.environ, "PYTHONPATH": path}, capture_output=True, text=True,
        timeout=HANG_GUARD_SECONDS,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    ran: dict[str, int] = dict.fromkeys(REGISTRY_WIDE, 0)
    for case in ET.parse(report).iter("testcase"):
        module = case.get("classname", "").split(".")[-1]
        assert "sign_sgd" in case.get("name", ""), case.get("name")
        if module in ran and case.find("skipped") is None:
            ran[module] += 1
    assert all(ran.values()), f"tests of sign_sgd that ran, per file: {ran}"
