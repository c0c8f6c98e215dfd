"""Each schedule of ALGORITHMS.md §5 against its formula, under jit and vmap."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxopt_lectures import schedules as S

T = np.arange(0, 40)

# (schedule, formula of t = count) — formulas written from the catalogue, not from the code.
CASES = {
    "step_decay": (S.step_decay(0.8, 0.5, 7), lambda t: 0.8 * 0.5 ** (t // 7)),
    "exponential_decay": (S.exponential_decay(0.8, 0.1), lambda t: 0.8 * math.exp(-0.1 * t)),
    "polynomial_decay": (S.polynomial_decay(0.8, 0.75, 0.5), lambda t: 0.8 * (0.5 * t + 1) ** -0.75),
    "inverse_time_decay": (S.inverse_time_decay(0.8, 0.3), lambda t: 0.8 / (1 + 0.3 * t)),
    "one_over_t": (S.one_over_t(0.8), lambda t: 0.8 / (t + 1)),
    "one_over_sqrt_t": (S.one_over_sqrt_t(0.8), lambda t: 0.8 / math.sqrt(t + 1)),
    "linear_to_floor": (S.linear_to_floor(0.8, 20), lambda t: 0.8 * ((1 - min(t, 20) / 20) + min(t, 20) / 20 * 0.01)),
    "cosine_annealing": (S.cosine_annealing(0.8, 25), lambda t: 0.5 * 0.8 * (1 + math.cos(math.pi * min(t, 25) / 25))),
    "inverse_sqrt": (S.inverse_sqrt(0.8, 4), lambda t: 0.8 * math.sqrt(4 / max(t, 4))),
    "piecewise_constant": (S.piecewise_constant(0.8, {10: 0.1, 30: 0.5}), lambda t: 0.8 * (0.1 if t >= 10 else 1) * (0.5 if t >= 30 else 1)),
    "sgdr": (S.sgdr(0.8, 10, 3), lambda t: 0.5 * 0.8 * (1 + math.cos(math.pi * (t % 10) / 10)) if t < 30 else 0.0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_schedule_matches_its_formula(name):
    schedule, formula = CASES[name]
    expected = np.array([formula(int(t)) for t in T])
    got = np.asarray(jax.jit(jax.vmap(schedule))(jnp.asarray(T, jnp.int32)))
    # float32 counts and float32 arithmetic in optax's schedules: a few ulps of 0.8
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-7)


def test_written_schedules_vmap_over_their_hyperparameters():
    alphas = jnp.array([0.5, 0.75, 1.0])
    got = jax.vmap(lambda a: S.polynomial_decay(1.0, a)(jnp.int32(9)))(alphas)
    np.testing.assert_allclose(got, [10.0 ** -a for a in (0.5, 0.75, 1.0)], rtol=1e-6)
    rates = jnp.array([0.0, 0.1])
    got = jax.vmap(lambda r: S.exponential_decay(2.0, r)(jnp.int32(5)))(rates)
    np.testing.assert_allclose(got, [2.0, 2.0 * math.exp(-0.5)], rtol=1e-6)


def test_robbins_monro_partial_sums():
    """1/t: Σ η diverges (grows like log t), Σ η² converges (→ π²/6) — L2's conditions."""
    eta = np.asarray(jax.vmap(S.one_over_t(1.0))(jnp.arange(100000)))
    assert eta.sum() > 12.0  # H_100000 ≈ 12.09
    assert abs((eta.astype(np.float64) ** 2).sum() - math.pi**2 / 6) < 1e-4


@pytest.mark.parametrize(
    "make",
    [
        lambda: S.step_decay(1.0, -0.5, 3),
        lambda: S.step_decay(1.0, 0.5, 0),
        lambda: S.exponential_decay(1.0, -1.0),
        lambda: S.polynomial_decay(1.0, -1.0),
        lambda: S.inverse_time_decay(1.0, float("nan")),
        lambda: S.linear_to_floor(1.0, 0),
        lambda: S.cosine_annealing(1.0, 0),
        lambda: S.inverse_sqrt(1.0, 0),
        lambda: S.sgdr(1.0, 0, 2),
    ],
)
def test_bad_schedule_arguments_raise(make):
    with pytest.raises(ValueError):
        make()
