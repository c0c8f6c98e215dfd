"""Every optimizer and lecture variant of the registry against its plain NumPy reference loop.

STYLE.md habit 5: each formula has a textbook loop in ``tests/reference.py`` (written from
ALGORITHMS.md §1–4, not from the JAX code), and the transformation must reproduce its iterates in
float64 for every variant, including step 1 and the bias-correction edge cases.

The problem is a rotated anisotropic quadratic plus a quartic term in 4 dimensions, started away
from its minimum, so gradients are large at first, change sign along the stiff directions (the
sign-rule branches of Rprop, Quickprop and the delta rules are really taken; the tests count
them), and shrink later. A fifth, "dead" coordinate does not enter the loss: its gradient is
exactly 0 at every step, which exercises the sign(0) = 0 cases and, with ε = 0, the 0/0 := 0 guard
of the adaptive methods. Each case runs 25 steps through one jitted step function.
"""

from __future__ import annotations

import inspect
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from jaxopt_lectures import registry
import cases

STEPS = 25

# Tolerance: both sides do the same few dozen float64 flops per weight and step, in possibly
# different order (XLA may fuse or reassociate; the 4×4 matvec may sum in another order), so
# each step differs by a few ulps (~1e-16 relative). Over 25 steps of these contracting or
# mildly expanding maps that grows to at most ~1e-13; rtol 1e-10 leaves three orders of
# magnitude of margin while any formula difference (a misplaced ε = 1e-3, a bias correction,
# a one-step lag of the learning rate) shows up at 1e-6 or more. atol covers iterates near 0.
RTOL, ATOL = 1e-10, 1e-12


# --------------------------------------------------------------------------------------------
# The test problem
# --------------------------------------------------------------------------------------------


def _givens(n: int, i: int, j: int, angle: float) -> np.ndarray:
    g = np.eye(n)
    c, s = np.cos(angle), np.sin(angle)
    g[i, i] = g[j, j] = c
    g[i, j], g[j, i] = -s, s
    return g


_Q = _givens(4, 0, 1, 0.5) @ _givens(4, 1, 2, 0.8) @ _givens(4, 2, 3, -0.6) @ _givens(4, 0, 3, 0.3)
A = _Q @ np.diag([0.4, 1.0, 2.5, 6.0]) @ _Q.T  # rotated, condition number 15
C = np.array([0.5, -1.0, 0.25, 1.5])  # minimum of the live coordinates
LAM = 0.3  # quartic coefficient
W0 = np.array([2.0, 0.5, -1.5, 0.0, 0.7])  # last coordinate is dead (zero gradient)


def loss_np(w: np.ndarray) -> float:
    d = w[:4] - C
    return float(0.5 * d @ A @ d + 0.25 * LAM * np.sum(d**4) + 1.0)


def grad_np(w: np.ndarray) -> np.ndarray:
    d = w[:4] - C
    g = np.zeros_like(w)
    g[:4] = A @ d + LAM * d**3
    return g


def loss_jnp(w: jax.Array) -> jax.Array:
    d = w[:4] - C
    return 0.5 * d @ (A @ d) + 0.25 * LAM * jnp.sum(d**4) + 1.0


def grad_jnp(w: jax.Array) -> jax.Array:
    d = w[:4] - C
    return jnp.concatenate([A @ d + LAM * d**3, jnp.zeros(1, w.dtype)])


# --------------------------------------------------------------------------------------------
# Cases: every registered (optimizer, variant), plus flag combinations that matter
# --------------------------------------------------------------------------------------------

# The hyperparameters each optimizer needs on this problem are its case's ``reference_overrides``
# (tests/cases.py): rates that move 1–3 units in 25 steps and make the stiff direction oscillate,
# and ε = 1e-3 (1e-2 for AdaDelta) so that where ε sits changes the iterates far above the tolerance.
FIRST_ORDER = {n: s for n, s in registry.REGISTRY.items() if s.first_order}


def case_kwargs(name: str, **variant_kwargs) -> dict:
    """Registry defaults, then this problem's overrides, then the variant's own keywords."""
    return {**registry.get(name).defaults, **cases.CASES[name].reference_overrides, **variant_kwargs}


REGISTRY_CASES = [
    pytest.param(name, case_kwargs(name, **variant.kwargs), id=f"{name}-{vname}")
    for name, spec in FIRST_ORDER.items()  # curvature methods: test_second_order.py
    for vname, variant in spec.variants.items()
]

# Combinations of flags that each select a different formula (each case's ``flag_combinations``).
EXTRA_CASES = [
    pytest.param(name, case_kwargs(name, **kw), id=f"{name}-{label}")
    for name in FIRST_ORDER
    for label, kw in cases.CASES[name].flag_combinations.items()
]


def reference_kwargs(name: str, kwargs: dict, lr=None) -> dict:
    """The optimizer's keywords as the reference loop takes them (η is ``lr``)."""
    ref = dict(kwargs)
    ref["lr"] = ref.pop("learning_rate") if lr is None else lr
    ref.pop("learning_rate", None)
    if "value" in registry.get(name).needs(**kwargs):  # iRprop+ compares losses
        ref["loss_fn"] = loss_np
    return ref


def run_reference(name: str, kwargs: dict, lr=None, stats: dict | None = None) -> np.ndarray:
    ref = reference_kwargs(name, kwargs, lr)
    if stats is not None:
        ref["stats"] = stats
    return np.stack(cases.CASES[name].reference(grad_np, W0, STEPS, **ref))


def run_package(name: str, kwargs: dict) -> np.ndarray:
    """25 steps of the registered optimizer built with ``kwargs``, one jitted step."""
    spec = registry.get(name)
    opt = spec.factory(**kwargs)
    needs_value = "value" in spec.needs(**kwargs)

    @jax.jit
    def step(w, state):
        extra = {"value": loss_jnp(w)} if needs_value else {}
        updates, state = opt.update(grad_jnp(w), state, w, **extra)
        return optax.apply_updates(w, updates), state

    w = jnp.asarray(W0, jnp.float64)
    state = opt.init(w)
    ws = [np.asarray(w)]
    for _ in range(STEPS):
        w, state = step(w, state)
        ws.append(np.asarray(w))
    return np.stack(ws)


def sign_changes(ws: np.ndarray) -> int:
    """How often some gᵢ(t)·gᵢ(t−1) < 0 along a trajectory."""
    gs = np.stack([grad_np(w) for w in ws[:-1]])
    return int(np.sum(gs[1:] * gs[:-1] < 0))


def assert_iterates_match(pkg: np.ndarray, ref: np.ndarray) -> None:
    assert pkg.shape == ref.shape == (STEPS + 1, W0.size)
    assert np.all(np.isfinite(ref)), "reference diverged: pick gentler hyperparameters"
    # a case that hardly moves would test nothing
    assert np.linalg.norm(ref[-1] - ref[0]) > 0.05
    for t in range(STEPS + 1):  # report the first step that differs, not just the last
        np.testing.assert_allclose(pkg[t], ref[t], rtol=RTOL, atol=ATOL, err_msg=f"iterate w_{t}")


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def test_every_registered_optimizer_has_a_reference_with_all_its_flags():
    for name, spec in FIRST_ORDER.items():
        assert cases.CASES[name].reference is not None, f"{name}: its case in tests/cases.py has no reference loop"
        factory_args = set(spec.parameters) - {spec.learning_rate_arg}
        ref_args = set(inspect.signature(cases.CASES[name].reference).parameters)
        missing = factory_args - ref_args
        assert not missing, f"{name}: the reference loop lacks the flags {missing}"
        for variant in spec.variants.values():
            assert set(variant.kwargs) <= factory_args


@pytest.mark.parametrize(("name", "kwargs"), REGISTRY_CASES + EXTRA_CASES)
def test_iterates_match_reference_loop(name, kwargs):
    assert_iterates_match(run_package(name, kwargs), run_reference(name, kwargs))


# The sign rules: the reference trajectory must really take every branch of the per-weight rule
# (each case's ``branches``), otherwise matching it proves little. (The dead coordinate accounts
# for the "keep"/"gd" and "unchanged" branches of a zero gradient.)
@pytest.mark.parametrize(
    ("name", "kwargs"), [c for c in REGISTRY_CASES + EXTRA_CASES if cases.CASES[c.values[0]].branches is not None]
)
def test_sign_rules_take_every_branch(name, kwargs):
    stats: dict = {}
    ws = run_reference(name, kwargs, stats=stats)
    assert sign_changes(ws) >= 4, "the gradient must change sign for the sign rules to be tested"
    expected = cases.CASES[name].branches(kwargs)
    missing = expected - {k for k, n in stats.items() if n > 0}
    assert not missing, f"branches never taken: {missing} (counts {stats})"


@pytest.mark.parametrize("name", list(FIRST_ORDER))
def test_reference_variants_are_distinguishable(name):
    """Each registered variant is a different formula on this problem: were the package to
    ignore a flag, the comparison above would fail. The exceptions are the case's textbook
    identities (momentum's "ema" ≡ "dampened" under a constant η; they differ under a schedule,
    tested below)."""
    spec = registry.get(name)
    same = [set(pair) for pair in cases.CASES[name].same_iterates]
    trajectories = {v: run_reference(name, case_kwargs(name, **spec.variants[v].kwargs)) for v in spec.variants}
    for a, b in itertools.combinations(trajectories, 2):
        gap = np.max(np.abs(trajectories[a] - trajectories[b]))
        if {a, b} in same:
            np.testing.assert_allclose(trajectories[a], trajectories[b], rtol=1e-12, atol=1e-14)
        else:
            assert gap > 1e-6, f"{name}: variants {a!r} and {b!r} give the same iterates"


# --------------------------------------------------------------------------------------------
# Learning rates given as optax schedules: η(k) with k = t − 1 (optax's count starts at 0), and
# η sits where the lecture puts it (inside the velocity for classic/dampened/Nesterov, outside for
# "ema"), so the momentum forms that agree under a constant η differ here.
# --------------------------------------------------------------------------------------------

_DECAY = 0.85

_SCHEDULE_CASES = [(name, label, kw) for name in FIRST_ORDER for label, kw in cases.CASES[name].schedules.items()]


def _schedule_case(name: str, kw: dict):
    kwargs = case_kwargs(name, **kw)
    eta0 = kwargs["learning_rate"] * 2  # start higher so the decayed rates still move far
    schedule = optax.exponential_decay(eta0, transition_steps=1, decay_rate=_DECAY)
    kwargs["learning_rate"] = schedule
    # The reference takes the schedule's own values at k = 0, 1, ... (optax evaluates the power
    # in float32 from its int32 count, ~1e-7 relative; the formula η0·0.85^k in float64 would
    # differ by that much). What is tested is which η(k) is used where, not optax's arithmetic.
    return kwargs, (lambda k: float(schedule(jnp.asarray(k, jnp.int32))))


@pytest.mark.parametrize(("name", "kw"), [pytest.param(n, kw, id=f"{n}-{label}") for n, label, kw in _SCHEDULE_CASES])
def test_schedule_matches_reference_loop(name, kw):
    kwargs, ref_lr = _schedule_case(name, kw)
    assert_iterates_match(run_package(name, kwargs), run_reference(name, kwargs, lr=ref_lr))


def test_schedule_separates_the_momentum_forms():
    """Under a schedule, η outside the velocity ("ema") and inside ("dampened", "classic")
    are different methods; the reference loops must say so (else the test above is blind)."""
    runs = {}
    for form in ("classic", "ema", "dampened"):
        kwargs, ref_lr = _schedule_case("momentum", {"form": form})
        runs[form] = run_reference("momentum", kwargs, lr=ref_lr)
    assert np.max(np.abs(runs["ema"] - runs["dampened"])) > 1e-3
    assert np.max(np.abs(runs["classic"] - runs["dampened"])) > 1e-3
