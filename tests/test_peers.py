"""Peer equality: our optimizers give the SAME parameter sequence as torch.optim / optax.

The pairs are generated from the registry: for every ``Peer`` of every entry in torch or optax,
and every run its case gives hyperparameters for (``cases.CASES[name].peer_hyperparameters``,
tests/cases.py), ours is ``spec.make_variant(peer.variant, **peer.kwargs, **hyperparameters)`` and
theirs ``peer.resolve()`` called with ``peer.peer_kwargs`` of the same keyword arguments. Both
run for ``STEPS`` = 30 steps in float64 on one small, non-trivial problem and the whole parameter
trajectory is compared, not just the end point. A peer the registry names and no pair here runs
must be compared by a test its case names (the curvature methods', whose extra arguments are set
up in test_second_order_convergence.py and test_nist.py); ``test_every_registry_peer_is_covered``
checks that.

The problem is a rotated, anisotropic quadratic plus a quartic in 5 dimensions,

    E(w) = ½ wᵀAw − bᵀw + (c/4) Σ wᵢ⁴ ,   ∇E(w) = Aw − b + c w³ ,   A = Q diag(λ) Qᵀ,

with eigenvalues λ spanning two decades and Q a product of two Householder reflections (so no
coordinate is an eigen-direction). The learning rates are chosen large enough that every run
overshoots: gradient components change sign along every trajectory (asserted), so the
branches that depend on signs (Rprop, Yogi, AMSGrad's max, AdaMax's max) are exercised.

Both sides get the gradient from the same NumPy function ``grad_np`` applied to their own
current parameters, so any difference comes from the optimizer arithmetic only.

Tolerance. Same math, different order of floating-point operations (torch fuses
``addcdiv_``/``lerp_`` and folds the bias corrections into the step size; optax applies the
learning rate after the momentum trace, we before; rsqrt vs 1/sqrt; ...). That is round-off
only: ~1e-16 relative per operation, a few hundred operations over 30 steps, amplified at most
mildly by the (contracting) dynamics. ``RTOL = 1e-10`` leaves orders of magnitude of headroom
over that and is still far below any real formula difference (an ε placement or a bias
correction changes iterates at ≥ 1e-6 here; ``test_tolerance_discriminates_variants`` checks
it). ``ATOL = 1e-12`` only covers coordinates passing through 0.

Torch tests call ``pytest.importorskip("torch")`` themselves, so the optax pairs still run
where torch is not installed.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import jax.numpy as jnp
import numpy as np
import optax
import pytest

import cases
from jaxopt_lectures import registry

STEPS = 30
RTOL = 1e-10  # round-off only, see the module docstring
ATOL = 1e-12  # for coordinates that pass through zero

# --------------------------------------------------------------------------------------------
# The test problem
# --------------------------------------------------------------------------------------------


def _householder(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, np.float64)
    return np.eye(v.size) - 2.0 * np.outer(v, v) / (v @ v)


_Q = _householder([1.0, 2.0, -1.0, 0.5, 1.5]) @ _householder([0.3, -1.0, 2.0, 1.0, -0.7])
_LAMBDA = np.array([10.0, 4.0, 1.0, 0.4, 0.1])  # condition number 100
A = _Q @ np.diag(_LAMBDA) @ _Q.T
A = 0.5 * (A + A.T)  # exactly symmetric
B = np.array([1.0, -0.5, 0.3, 0.0, 0.2])
C = 0.5
W0 = np.array([1.5, -1.2, 0.8, -0.5, 1.0])


def grad_np(w: np.ndarray) -> np.ndarray:
    """∇E(w) = Aw − b + c w³, computed in the dtype of ``w`` (the same function for both sides)."""
    w = np.asarray(w)
    dt = w.dtype
    return A.astype(dt) @ w - B.astype(dt) + dt.type(C) * w**3


def sign_flips(traj: np.ndarray) -> int:
    """How many times a gradient component changed sign between consecutive iterates."""
    g = np.array([grad_np(w) for w in traj[:-1]])
    return int(np.sum(g[1:] * g[:-1] < 0))


# --------------------------------------------------------------------------------------------
# Runners: both return the trajectory w₀, w₁, …, w_STEPS as a (STEPS + 1, 5) array
# --------------------------------------------------------------------------------------------


def run_ours(opt: optax.GradientTransformation, steps: int = STEPS, dtype: Any = np.float64):
    """Our (or any optax) transformation on the problem; returns (trajectory, states)."""
    w = jnp.asarray(W0.astype(dtype))
    state = opt.init(w)
    traj, states = [np.asarray(w)], [state]
    for _ in range(steps):
        g = jnp.asarray(grad_np(np.asarray(w)))
        updates, state = opt.update(g, state, w)
        w = optax.apply_updates(w, updates)
        assert w.dtype == jnp.dtype(dtype)
        traj.append(np.asarray(w))
        states.append(state)
    return np.stack(traj), states


def run_torch(make: Callable, steps: int = STEPS, dtype: str = "float64"):
    """``make([p])``, a torch optimizer, stepped on the problem; returns (trajectory, optimizer, p)."""
    torch = pytest.importorskip("torch")
    p = torch.tensor(W0, dtype=getattr(torch, dtype), requires_grad=True)
    opt = make([p])
    traj = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = torch.from_numpy(grad_np(p.detach().numpy().copy()))
        opt.step()
        traj.append(p.detach().numpy().copy())
    return np.stack(traj), opt, p


def assert_same_trajectory(ours: np.ndarray, peer: np.ndarray, rtol: float = RTOL, atol: float = ATOL) -> None:
    assert ours.shape == peer.shape == (STEPS + 1, W0.size)
    assert np.all(np.isfinite(ours)) and np.all(np.isfinite(peer))
    # Non-trivial: the run moved away from w₀ and overshot at least once.
    assert np.max(np.abs(ours[-1] - W0)) > 1e-2
    assert sign_flips(peer) > 0, "the peer's run never overshot; the comparison would be too easy"
    bad = ~np.isclose(ours, peer, rtol=rtol, atol=atol)
    if bad.any():
        step = int(np.argmax(bad.any(axis=1)))
        err = np.max(np.abs(ours[step] - peer[step]) / np.maximum(np.abs(peer[step]), atol))
        raise AssertionError(
            f"trajectories diverge first at step {step} (max relative error {err:.3e});\n"
            f"ours: {ours[step]}\npeer: {peer[step]}"
        )


# --------------------------------------------------------------------------------------------
# The pairs, from the registry's peers and the cases' hyperparameters
# --------------------------------------------------------------------------------------------


class Pair(NamedTuple):
    """One run of our optimizer ``name`` against its registry ``peer``."""

    name: str
    peer: registry.Peer
    hyperparameters: Mapping[str, Any]

    @property
    def kwargs(self) -> dict[str, Any]:
        """Our keyword arguments: the registry defaults, the peer's variant and kwargs, the run's."""
        return registry.get(self.name).variant_kwargs(self.peer.variant, **{**self.peer.kwargs, **self.hyperparameters})

    def ours(self) -> optax.GradientTransformation:
        return registry.get(self.name).factory(**self.kwargs)

    def theirs(self, *params: Any) -> Any:
        """The peer's optimizer (torch's takes the parameters first)."""
        return self.peer.resolve()(*params, **self.peer.peer_kwargs(self.kwargs))


def pairs(library: str) -> list:
    """A test parameter per (entry, peer of ``library``, run of its case)."""
    out = []
    for name, spec in registry.REGISTRY.items():
        for peer in spec.peers:
            if peer.library != library:
                continue
            for label, hyperparameters in cases.CASES[name].peer_hyperparameters.get(peer.target, {}).items():
                runs = f"{peer.variant}, {label}" if label else peer.variant
                out.append(pytest.param(Pair(name, peer, hyperparameters), id=f"{peer.target}~{name}({runs})"))
    return out


TORCH_PAIRS, OPTAX_PAIRS = pairs("torch"), pairs("optax")


def main_pair(name: str, target: str) -> Pair:
    """The main run (label "") of ``name`` against its peer ``target``."""
    peer = next(p for p in registry.get(name).peers if p.target == target)
    return Pair(name, peer, cases.CASES[name].peer_hyperparameters[target][""])


# --------------------------------------------------------------------------------------------
# torch.optim
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", TORCH_PAIRS)
def test_same_iterates_as_torch(pair):
    theirs, _, _ = run_torch(pair.theirs)
    mine, _ = run_ours(pair.ours())
    assert_same_trajectory(mine, theirs)


def test_rprop_branches_exercised_and_equal_to_torch():
    """Rprop ↔ torch.optim.Rprop(lr, etas, step_sizes) with every branch taken: grow (Δ·η⁺, and
    clipped at Δmax), shrink on a sign flip (Δ·η⁻, and clipped at Δmin) with the step skipped
    and the gradient forgotten, and 'unchanged' on the step after a forgotten gradient."""
    pair = main_pair("rprop", "torch.optim.Rprop")
    assert pair.kwargs["variant"] == "irprop-"
    lo, hi = pair.kwargs["min_step"], pair.kwargs["max_step"]
    theirs, topt, p = run_torch(pair.theirs)
    mine, states = run_ours(pair.ours())
    assert_same_trajectory(mine, theirs)

    steps = np.array([np.asarray(s[0].step_size) for s in states])  # Δ after each update
    prev = np.array([np.asarray(s[0].prev_sign) for s in states])  # sign gᵢ(t−1) as remembered
    g = np.array([grad_np(w) for w in mine[:-1]])  # the gradient fed to update t + 1
    prod = g * prev[:-1]  # gᵢ(t)·gᵢ(t−1): which branch update t + 1 takes
    grow, flip, zero = prod > 0, prod < 0, prod[1:] == 0  # (update 1 always sees prev = 0)
    assert grow.sum() >= 3 and flip.sum() >= 3 and zero.sum() >= 3, (grow.sum(), flip.sum(), zero.sum())
    assert np.any(steps == hi) and np.any(steps == lo), "Δ should reach both Δmax and Δmin (clips)"
    # irprop-: a flip forgets the gradient and that coordinate does not move ...
    np.testing.assert_array_equal(prev[1:] == 0, flip)
    np.testing.assert_array_equal(mine[1:][flip], mine[:-1][flip])
    # ... and Δ moves only in the direction of its branch.
    assert np.all(steps[1:][grow] >= steps[:-1][grow]) and np.all(steps[1:][flip] <= steps[:-1][flip])
    assert np.all(steps[2:][zero] == steps[1:-1][zero])
    # final per-parameter state equal to torch's too
    tstate = topt.state[p]
    np.testing.assert_allclose(steps[-1], tstate["step_size"].numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(prev[-1], np.sign(tstate["prev"].numpy()))


def test_float32_smoke_adam_vs_torch():
    """float32: ours (float32 state and arithmetic) ↔ torch.optim.Adam on float32 tensors.

    Tolerance rtol = 1e-5, atol = 1e-6 (vs 1e-10 in float64): float32 unit round-off is 6e-8,
    torch computes its bias corrections in Python float64 and divides by √(1−β2ᵗ) separately,
    we do it all in float32; ~20 operations per step over 30 steps can accumulate to ~1e-6 on
    parameters of size ~1 (Adam's step is bounded by about η, so errors are not amplified).
    Observed: ~1 ulp (1.2e-7). The float64 tests pin the formula; this one checks dtype handling.
    """
    pair = main_pair("adam", "torch.optim.Adam")
    theirs, _, _ = run_torch(pair.theirs, dtype="float32")
    mine, states = run_ours(pair.ours(), dtype=np.float32)
    assert theirs.dtype == mine.dtype == np.float32
    assert all(leaf.dtype == jnp.float32 for leaf in (states[-1][0].mu, states[-1][0].nu))
    assert_same_trajectory(mine, theirs, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------------------------
# optax
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", OPTAX_PAIRS)
def test_same_iterates_as_optax(pair):
    theirs, _ = run_ours(pair.theirs())
    mine, _ = run_ours(pair.ours())
    assert_same_trajectory(mine, theirs)


# --------------------------------------------------------------------------------------------
# The tolerance is tight enough to tell the lecture variants apart
# --------------------------------------------------------------------------------------------


def _variant_switches() -> list:
    """(name, a variant a peer pins, another registered variant that needs no extra argument, the
    hyperparameters of every run of the pinned variant's pairs)."""
    runs: dict[tuple[str, str], list] = {}
    for pair in (p.values[0] for p in [*TORCH_PAIRS, *OPTAX_PAIRS]):
        hps = runs.setdefault((pair.name, pair.peer.variant), [])
        hps.extend(hp for hp in cases.CASES[pair.name].peer_hyperparameters[pair.peer.target].values() if hp not in hps)
    out = []
    for (name, pinned), hps in runs.items():
        spec = registry.get(name)
        for other in spec.variants:
            if other != pinned and not spec.needs(**spec.variant_kwargs(other)):
                out.append(pytest.param(name, pinned, other, hps, id=f"{name} {pinned}~{other}"))
    return out


@pytest.mark.parametrize(("name", "pinned", "other", "runs"), _variant_switches())
def test_tolerance_discriminates_variants(name, pinned, other, runs):
    """The flags matter on this problem far beyond RTOL in some run of the pairs, so the pairs
    above pin the right variant (the other variant keeps its own keywords where a run sets the
    same ones)."""
    spec = registry.get(name)
    own = spec.variants[other].kwargs
    gaps = []
    for hyperparameters in runs:
        a, _ = run_ours(spec.make_variant(pinned, **hyperparameters))
        b, _ = run_ours(spec.make_variant(other, **{k: v for k, v in hyperparameters.items() if k not in own}))
        gaps.append(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1.0)))
        if gaps[-1] > 1e-6:
            return
    raise AssertionError(f"{name}: {pinned!r} and {other!r} agree to {max(gaps):.1e} in every run of the pairs")


# --------------------------------------------------------------------------------------------
# Every peer the registry names is compared, here or where its case says
# --------------------------------------------------------------------------------------------


def _parametrized_names(test: Callable) -> set[str]:
    """The registry names among a test's parameter values (empty when it is not parametrized by one)."""
    values: list[Any] = []
    for mark in getattr(test, "pytestmark", []):
        if mark.name == "parametrize":
            for value in mark.args[1]:
                value = getattr(value, "values", value)  # a pytest.param
                values.extend(value if isinstance(value, tuple) else (value,))
    return {v for v in values if isinstance(v, str)} & set(registry.names())


@pytest.mark.parametrize("name", registry.names())
def test_every_registry_peer_is_covered(name):
    paired = {p.values[0].peer.target for p in itertools.chain(TORCH_PAIRS, OPTAX_PAIRS) if p.values[0].name == name}
    elsewhere = cases.CASES[name].peer_tests
    for peer in registry.get(name).peers:
        if peer.target in paired:
            continue
        assert peer.target in elsewhere, (
            f"{name}: its peer {peer.target} runs in no pair here (no peer_hyperparameters in its case) "
            "and its case names no peer_tests entry for it"
        )
        module, _, function = elsewhere[peer.target].partition("::")
        test = getattr(importlib.import_module(module), function, None)
        assert callable(test), f"{name}: {elsewhere[peer.target]}, its case's test of {peer.target}, does not exist"
        names = _parametrized_names(test)
        assert not names or name in names, f"{name}: {elsewhere[peer.target]} runs {sorted(names)}, not {name}"
