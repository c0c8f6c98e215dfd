"""Peer equality: our optimizers give the SAME parameter sequence as torch.optim / optax.

Where ``registry.get(name).peers`` says another library computes the same iterates with some
flags, this file runs both for ``STEPS`` = 30 steps in float64 on one small, non-trivial problem
and compares the whole parameter trajectory, not just the end point.

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

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl

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
    """``make(torch.optim, [p])`` stepped on the problem; returns (trajectory, optimizer, p)."""
    torch = pytest.importorskip("torch")
    p = torch.tensor(W0, dtype=getattr(torch, dtype), requires_grad=True)
    opt = make(torch.optim, [p])
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
# torch.optim pairs
# --------------------------------------------------------------------------------------------

# Rprop's Δ₀, η⁻, η⁺, Δmin, Δmax: Δ both grows to Δmax and shrinks to Δmin within 30 steps.
RPROP_ARGS = (0.05, 0.4, 1.3, 1e-3, 0.1)

# (id "torch.<Class>(flags)~<our name>(flags)", our optimizer factory,
#  make(torch.optim, params) -> torch optimizer)
TORCH_PAIRS = [
    # torch.optim.SGD(lr) ↔ sgd(lr); lr·λmax = 1.5 oscillates across the steep direction.
    ("torch.SGD(lr)~sgd", lambda: jl.sgd(0.15), lambda o, p: o.SGD(p, lr=0.15)),
    # SGD(momentum=β) ↔ momentum(form='classic'): v ← βv − ηg with constant η.
    (
        "torch.SGD(momentum)~momentum(classic)",
        lambda: jl.momentum(0.05, beta=0.8, form="classic"),
        lambda o, p: o.SGD(p, lr=0.05, momentum=0.8),
    ),
    # SGD(momentum=β, nesterov=True) ↔ nesterov: torch's parameters are our look-ahead points.
    (
        "torch.SGD(momentum,nesterov)~nesterov",
        lambda: jl.nesterov(0.05, beta=0.8),
        lambda o, p: o.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    ),
    # Adagrad(lr, eps, initial_accumulator_value=0) ↔ adagrad(eps_in_sqrt=False): η g/(√s + ε).
    (
        "torch.Adagrad~adagrad(eps_in_sqrt=False)",
        lambda: jl.adagrad(0.8, eps=1e-3, eps_in_sqrt=False),
        lambda o, p: o.Adagrad(p, lr=0.8, eps=1e-3, initial_accumulator_value=0.0),
    ),
    # RMSprop(alpha=γ, eps) ↔ rmsprop(decay=γ, eps_in_sqrt=False): η g/(√s + ε).
    (
        "torch.RMSprop~rmsprop(eps_in_sqrt=False)",
        lambda: jl.rmsprop(0.05, decay=0.9, eps=1e-3, eps_in_sqrt=False),
        lambda o, p: o.RMSprop(p, lr=0.05, alpha=0.9, eps=1e-3),
    ),
    # RMSprop(centered=True) ↔ rmsprop(centered=True, eps_in_sqrt=False): divide by √(s − m̄²) + ε.
    (
        "torch.RMSprop(centered)~rmsprop(centered,eps_in_sqrt=False)",
        lambda: jl.rmsprop(0.02, decay=0.9, eps=1e-3, eps_in_sqrt=False, centered=True),
        lambda o, p: o.RMSprop(p, lr=0.02, alpha=0.9, eps=1e-3, centered=True),
    ),
    # RMSprop(momentum=0.9) ↔ rmsprop(momentum=0.9, eps_in_sqrt=False): v ← αv − η g/(√s+ε).
    (
        "torch.RMSprop(momentum)~rmsprop(momentum,eps_in_sqrt=False)",
        lambda: jl.rmsprop(0.01, decay=0.9, eps=1e-3, eps_in_sqrt=False, momentum=0.9),
        lambda o, p: o.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-3, momentum=0.9),
    ),
    # RMSprop(centered=True, momentum=0.9) ↔ rmsprop(centered=True, momentum=0.9, eps_in_sqrt=False).
    (
        "torch.RMSprop(centered,momentum)~rmsprop(centered,momentum,eps_in_sqrt=False)",
        lambda: jl.rmsprop(0.01, decay=0.9, eps=1e-3, eps_in_sqrt=False, centered=True, momentum=0.9),
        lambda o, p: o.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-3, centered=True, momentum=0.9),
    ),
    # Adadelta(lr, rho, eps) ↔ adadelta(lr, rho, eps) (ε inside both roots, as Zeiler).
    (
        "torch.Adadelta~adadelta",
        lambda: jl.adadelta(20.0, rho=0.8, eps=1e-4),
        lambda o, p: o.Adadelta(p, lr=20.0, rho=0.8, eps=1e-4),
    ),
    # Adam ↔ adam (defaults: ε outside the root, bias-corrected); non-default β2.
    (
        "torch.Adam~adam",
        lambda: jl.adam(0.1, b1=0.8, b2=0.99, eps=1e-8),
        lambda o, p: o.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-8),
    ),
    # Adam(amsgrad=True) ↔ amsgrad(max_of='raw'): max of the raw v, bias-corrected afterwards.
    (
        "torch.Adam(amsgrad)~amsgrad(max_of=raw)",
        lambda: jl.amsgrad(0.1, b1=0.8, b2=0.99, eps=1e-8, max_of="raw"),
        lambda o, p: o.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-8, amsgrad=True),
    ),
    # Adamax ↔ adamax(eps_in_max=True): u ← max(β2u, |g| + ε), step m/u.
    (
        "torch.Adamax~adamax(eps_in_max=True)",
        lambda: jl.adamax(0.1, b1=0.8, b2=0.99, eps=1e-3, eps_in_max=True),
        lambda o, p: o.Adamax(p, lr=0.1, betas=(0.8, 0.99), eps=1e-3),
    ),
    # Rprop(lr, etas, step_sizes) ↔ rprop(variant='irprop-'): on a sign change shrink Δ and skip.
    # test_rprop_branches_exercised_and_equal_to_torch checks every branch is taken with these.
    (
        "torch.Rprop~rprop(irprop-)",
        lambda: jl.rprop(*RPROP_ARGS, variant="irprop-"),
        lambda o, p: o.Rprop(p, lr=RPROP_ARGS[0], etas=RPROP_ARGS[1:3], step_sizes=RPROP_ARGS[3:]),
    ),
]


@pytest.mark.parametrize(("ours", "peer"), [pytest.param(o, t, id=i) for i, o, t in TORCH_PAIRS])
def test_same_iterates_as_torch(ours, peer):
    theirs, _, _ = run_torch(peer)
    mine, _ = run_ours(ours())
    assert_same_trajectory(mine, theirs)


def test_rprop_branches_exercised_and_equal_to_torch():
    """Rprop ↔ torch.optim.Rprop(lr, etas, step_sizes) with every branch taken: grow (Δ·η⁺, and
    clipped at Δmax), shrink on a sign flip (Δ·η⁻, and clipped at Δmin) with the step skipped
    and the gradient forgotten, and 'unchanged' on the step after a forgotten gradient."""
    lr, eta_minus, eta_plus, lo, hi = RPROP_ARGS
    theirs, topt, p = run_torch(lambda o, q: o.Rprop(q, lr=lr, etas=(eta_minus, eta_plus), step_sizes=(lo, hi)))
    mine, states = run_ours(jl.rprop(*RPROP_ARGS, variant="irprop-"))
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
    theirs, _, _ = run_torch(lambda o, p: o.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-8), dtype="float32")
    mine, states = run_ours(jl.adam(0.1, b1=0.8, b2=0.99, eps=1e-8), dtype=np.float32)
    assert theirs.dtype == mine.dtype == np.float32
    assert all(leaf.dtype == jnp.float32 for leaf in (states[-1][0].mu, states[-1][0].nu))
    assert_same_trajectory(mine, theirs, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------------------------
# optax pairs
# --------------------------------------------------------------------------------------------

# (id "optax.<name>(flags)~<our name>(flags)", our optimizer factory, optax optimizer factory)
OPTAX_PAIRS = [
    # optax.sgd ↔ sgd.
    ("optax.sgd~sgd", lambda: jl.sgd(0.15), lambda: optax.sgd(0.15)),
    # optax.sgd(momentum) ↔ momentum(form='classic'); optax traces g then scales by −η, we the reverse.
    (
        "optax.sgd(momentum)~momentum(classic)",
        lambda: jl.momentum(0.05, beta=0.8, form="classic"),
        lambda: optax.sgd(0.05, momentum=0.8),
    ),
    # optax.sgd(momentum, nesterov=True) ↔ nesterov.
    (
        "optax.sgd(nesterov)~nesterov",
        lambda: jl.nesterov(0.05, beta=0.8),
        lambda: optax.sgd(0.05, momentum=0.8, nesterov=True),
    ),
    # optax.adagrad(initial_accumulator_value=0.1, eps) ↔ adagrad(eps_in_sqrt=True, initial_accumulator=0.1).
    (
        "optax.adagrad~adagrad(eps_in_sqrt,s0=0.1)",
        lambda: jl.adagrad(0.8, eps=1e-3, eps_in_sqrt=True, initial_accumulator=0.1),
        lambda: optax.adagrad(0.8, initial_accumulator_value=0.1, eps=1e-3),
    ),
    # optax.rmsprop ↔ rmsprop(eps_in_sqrt=True): η g/√(s + ε).
    (
        "optax.rmsprop~rmsprop(eps_in_sqrt)",
        lambda: jl.rmsprop(0.05, decay=0.9, eps=1e-3, eps_in_sqrt=True),
        lambda: optax.rmsprop(0.05, decay=0.9, eps=1e-3),
    ),
    # optax.rmsprop(eps_in_sqrt=False) ↔ rmsprop(eps_in_sqrt=False) (optax's torch-compatible flag).
    (
        "optax.rmsprop(eps_in_sqrt=False)~rmsprop(eps_in_sqrt=False)",
        lambda: jl.rmsprop(0.05, decay=0.9, eps=1e-3, eps_in_sqrt=False),
        lambda: optax.rmsprop(0.05, decay=0.9, eps=1e-3, eps_in_sqrt=False),
    ),
    # optax.rmsprop(centered=True) ↔ rmsprop(centered=True): η g/√(s − m̄² + ε).
    (
        "optax.rmsprop(centered)~rmsprop(centered)",
        lambda: jl.rmsprop(0.02, decay=0.9, eps=1e-3, centered=True),
        lambda: optax.rmsprop(0.02, decay=0.9, eps=1e-3, centered=True),
    ),
    # optax.rmsprop(momentum, nesterov=True) ↔ rmsprop(momentum, nesterov=True) (L2's variant).
    (
        "optax.rmsprop(momentum,nesterov)~rmsprop(momentum,nesterov)",
        lambda: jl.rmsprop(0.01, decay=0.9, eps=1e-3, momentum=0.9, nesterov=True),
        lambda: optax.rmsprop(0.01, decay=0.9, eps=1e-3, momentum=0.9, nesterov=True),
    ),
    # optax.adadelta ↔ adadelta.
    (
        "optax.adadelta~adadelta",
        lambda: jl.adadelta(20.0, rho=0.8, eps=1e-4),
        lambda: optax.adadelta(20.0, rho=0.8, eps=1e-4),
    ),
    # optax.adam ↔ adam.
    (
        "optax.adam~adam",
        lambda: jl.adam(0.1, b1=0.8, b2=0.99, eps=1e-8),
        lambda: optax.adam(0.1, b1=0.8, b2=0.99, eps=1e-8),
    ),
    # optax.adamax ↔ adamax(eps_in_max=True).
    (
        "optax.adamax~adamax(eps_in_max=True)",
        lambda: jl.adamax(0.1, b1=0.8, b2=0.99, eps=1e-3, eps_in_max=True),
        lambda: optax.adamax(0.1, b1=0.8, b2=0.99, eps=1e-3),
    ),
    # optax.nadam ↔ nadam(correction='dozat'): m̄ = β1 m/(1−β1ᵗ⁺¹) + (1−β1) g/(1−β1ᵗ).
    (
        "optax.nadam~nadam(dozat)",
        lambda: jl.nadam(0.1, b1=0.8, b2=0.99, eps=1e-8, correction="dozat"),
        lambda: optax.nadam(0.1, b1=0.8, b2=0.99, eps=1e-8),
    ),
    # optax.yogi ↔ yogi with both libraries' defaults (β1 0.9, β2 0.999, ε 1e-3, v₀ = m₀ = 1e-6).
    ("optax.yogi~yogi(defaults)", lambda: jl.yogi(0.1), lambda: optax.yogi(0.1)),
    # optax.yogi ↔ yogi with non-default betas and ε.
    (
        "optax.yogi(b2=0.99)~yogi(b2=0.99)",
        lambda: jl.yogi(0.1, b1=0.8, b2=0.99, eps=1e-4),
        lambda: optax.yogi(0.1, b1=0.8, b2=0.99, eps=1e-4),
    ),
    # optax.amsgrad ↔ amsgrad(max_of='corrected'): max of the bias-corrected v̂.
    (
        "optax.amsgrad~amsgrad(max_of=corrected)",
        lambda: jl.amsgrad(0.1, b1=0.8, b2=0.99, eps=1e-8, max_of="corrected"),
        lambda: optax.amsgrad(0.1, b1=0.8, b2=0.99, eps=1e-8),
    ),
]


@pytest.mark.parametrize(("ours", "peer"), [pytest.param(o, t, id=i) for i, o, t in OPTAX_PAIRS])
def test_same_iterates_as_optax(ours, peer):
    theirs, _ = run_ours(peer())
    mine, _ = run_ours(ours())
    assert_same_trajectory(mine, theirs)


# --------------------------------------------------------------------------------------------
# The tolerance is tight enough to tell the lecture variants apart
# --------------------------------------------------------------------------------------------

# (id, the peer-equal flags, the other flags) for a few variant switches the pairs above rely on.
VARIANT_SWITCHES = [
    (
        "adagrad eps_in_sqrt",
        lambda: jl.adagrad(0.8, eps=1e-3, eps_in_sqrt=False),
        lambda: jl.adagrad(0.8, eps=1e-3, eps_in_sqrt=True),
    ),
    (
        "rmsprop eps_in_sqrt",
        lambda: jl.rmsprop(0.05, decay=0.9, eps=1e-3, eps_in_sqrt=False),
        lambda: jl.rmsprop(0.05, decay=0.9, eps=1e-3, eps_in_sqrt=True),
    ),
    (
        "amsgrad max_of",
        lambda: jl.amsgrad(0.1, b1=0.8, b2=0.99, eps=1e-8, max_of="raw"),
        lambda: jl.amsgrad(0.1, b1=0.8, b2=0.99, eps=1e-8, max_of="corrected"),
    ),
    (
        "adamax eps_in_max",
        lambda: jl.adamax(0.1, b1=0.8, b2=0.99, eps=1e-3, eps_in_max=True),
        lambda: jl.adamax(0.1, b1=0.8, b2=0.99, eps=1e-3, eps_in_max=False),
    ),
    (
        "nadam correction",
        lambda: jl.nadam(0.1, b1=0.8, b2=0.99, eps=1e-8, correction="dozat"),
        lambda: jl.nadam(0.1, b1=0.8, b2=0.99, eps=1e-8, correction="adam"),
    ),
    (
        "rprop variant",
        lambda: jl.rprop(0.05, eta_minus=0.4, eta_plus=1.3, min_step=1e-3, max_step=0.3, variant="irprop-"),
        lambda: jl.rprop(0.05, eta_minus=0.4, eta_plus=1.3, min_step=1e-3, max_step=0.3, variant="rprop-"),
    ),
]


@pytest.mark.parametrize(("peer_equal", "other"), [pytest.param(a, b, id=i) for i, a, b in VARIANT_SWITCHES])
def test_tolerance_discriminates_variants(peer_equal, other):
    """The flags matter on this problem far beyond RTOL, so the pairs above pin the right one."""
    a, _ = run_ours(peer_equal())
    b, _ = run_ours(other())
    assert np.max(np.abs(a - b) / np.maximum(np.abs(a), 1.0)) > 1e-6


# --------------------------------------------------------------------------------------------
# Every peer the registry claims is tested above
# --------------------------------------------------------------------------------------------


def _covered_pairs() -> set[tuple[str, str]]:
    """{(peer, our name)} from the ids: "torch.SGD(...)~momentum(...)" -> ("torch.optim.SGD", "momentum")."""
    covered = set()
    for pair_id, _, _ in [*TORCH_PAIRS, *OPTAX_PAIRS]:
        peer, ours = pair_id.split("~")
        peer = peer.split("(")[0].replace("torch.", "torch.optim.", 1)
        covered.add((peer, ours.split("(")[0]))
    return covered


def test_every_registry_peer_is_covered():
    from jaxopt_lectures.registry import REGISTRY

    claimed = {
        (peer.target, name)
        for name, spec in REGISTRY.items()
        for peer in spec.peers
        if peer.library in ("torch", "optax")
    }
    assert claimed, "the registry names no peers"
    # the curvature methods' peers are compared where their extras are set up
    import test_second_order_convergence as conv

    elsewhere = {("optax.lbfgs", "lbfgs"): conv.test_lbfgs_matches_optax_lbfgs_iterates_on_a_quadratic}
    missing = claimed - _covered_pairs() - set(elsewhere)
    assert not missing, f"registry peers without an equality test here: {sorted(missing)}"
