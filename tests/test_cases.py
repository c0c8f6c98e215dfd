"""The case table (tests/cases.py) covers the registry, and each case speaks of its own entry.

Every registry-wide suite reads its per-optimizer facts from ``cases.CASES``; an entry without a
case would make them fail with a KeyError far from the cause, so this says which entries lack
one (and which cases name no registered entry), and that a case names only arguments its
factory takes and peers its entry has.
"""

from __future__ import annotations

import pytest

from cases import CASES
from jaxopt_lectures import registry


def test_every_registry_entry_has_a_case():
    missing = [name for name in registry.names() if name not in CASES]
    stale = [name for name in CASES if name not in registry.REGISTRY]
    assert not missing, f"registry entries without a case in tests/cases.py: {missing}"
    assert not stale, f"cases in tests/cases.py naming no registry entry: {stale}"


@pytest.mark.parametrize("name", [n for n in registry.names() if n in CASES])
def test_case_names_arguments_and_peers_of_its_entry(name):
    spec, case = registry.get(name), CASES[name]
    assert (case.reference is not None) == spec.first_order, "a reference loop for exactly the first-order methods"
    arguments = set(spec.parameters)
    named = {"ranges": set(case.ranges), "choices": set(case.choices), "unranged": set(case.unranged),
             "inactive": set(case.inactive), "minimize_overrides": set(case.minimize_overrides)}  # fmt: skip
    for field, args in named.items():
        assert args <= arguments, f"{field} names {sorted(args - arguments)}, not arguments of {name}"
    if case.vmap_hyperparameter:
        assert case.vmap_hyperparameter[0] in case.ranges
    assert set(case.inactive) <= set(case.ranges), "only ranged floats are changed by test_invariants_hyperparams"
    targets = {peer.target for peer in spec.peers}
    for field in ("peer_hyperparameters", "peer_tests"):
        unknown = set(getattr(case, field)) - targets
        assert not unknown, f"{field} names {sorted(unknown)}, not peers of {name} ({sorted(targets)})"
    assert set(case.replicated_update) <= set(spec.variants)
    assert all(a in spec.variants and b in spec.variants for a, b in case.same_iterates)


def test_every_registry_entry_is_a_public_name():
    """``jaxopt_lectures.<name>`` is the entry's factory and ``scale_by_<name>`` its primitive,
    both in ``__all__`` (an entry needs no export line besides its registration)."""
    import jaxopt_lectures as jl

    for spec in registry.REGISTRY.values():
        assert getattr(jl, spec.name) is spec.factory and spec.name in jl.__all__, spec.name
        assert getattr(jl, spec.primitive.__name__) is spec.primitive and spec.primitive.__name__ in jl.__all__
