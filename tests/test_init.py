"""The initialisers of L4 (ALGORITHMS.md §9): empirical variances and supports."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxopt_lectures import init as I

N_IN, N_OUT = 300, 500
KEY = jax.random.PRNGKey(0)

# scheme -> (variance σ², uniform half-width a or None); formulas from ALGORITHMS.md §9
EXPECTED = {
    "xavier_normal": (2 / (N_IN + N_OUT), None),
    "xavier_uniform": (2 / (N_IN + N_OUT), math.sqrt(6 / (N_IN + N_OUT))),
    "relu_normal": (4 / (N_IN + N_OUT), None),
    "relu_uniform": (4 / (N_IN + N_OUT), math.sqrt(12 / (N_IN + N_OUT))),
    "logistic_normal": (32 / (N_IN + N_OUT), None),
    "logistic_uniform": (32 / (N_IN + N_OUT), 4 * math.sqrt(6 / (N_IN + N_OUT))),
}


@pytest.mark.parametrize("scheme", list(EXPECTED))
def test_variance_and_support(scheme):
    w = np.asarray(I.SCHEMES[scheme](KEY, (N_IN, N_OUT)), np.float64)
    var, a = EXPECTED[scheme]
    # 150 000 draws: the sample variance has relative standard error √(2/n) ≈ 0.4% (normal);
    # 2% is five standard errors.
    assert abs(w.var() / var - 1) < 0.02
    assert abs(w.mean()) < 5 * math.sqrt(var / w.size)
    if a is not None:
        assert np.abs(w).max() <= a
        assert np.abs(w).max() > 0.99 * a  # the whole interval is used
    else:  # a normal: the tails are there (P(|z| > 3) ≈ 0.27%)
        assert np.mean(np.abs(w) > 3 * math.sqrt(var)) > 0.001


def test_truncated_normal_lives_on_two_sigma():
    w = np.asarray(I.truncated_normal(0.5)(KEY, (400, 500)), np.float64)
    assert np.abs(w).max() <= 1.0 and np.abs(w).max() > 0.99
    # variance of N(0,1) truncated to (−2, 2): 1 − 4φ(2)/(2Φ(2) − 1) ≈ 0.7737
    phi2 = math.exp(-2) / math.sqrt(2 * math.pi)
    big_phi = 0.5 * (1 + math.erf(2 / math.sqrt(2)))
    expected = 0.25 * (1 - 4 * phi2 / (2 * big_phi - 1))
    assert abs(w.var() / expected - 1) < 0.02


def test_symmetric_uniform_and_normal():
    u = np.asarray(I.uniform(0.3)(KEY, (200000,)))
    assert u.min() < -0.29 and u.max() > 0.29 and np.abs(u).max() <= 0.3
    n = np.asarray(I.normal(0.2)(KEY, (200000,)), np.float64)
    assert abs(n.std() / 0.2 - 1) < 0.01


def test_mlp_init_shapes_and_scheme():
    params = I.mlp_init(KEY, [1, 10, 20, 10, 1], "relu_normal")
    assert [(w.shape, b.shape) for w, b in params] == [((1, 10), (10,)), ((10, 20), (20,)), ((20, 10), (10,)), ((10, 1), (1,))]
    assert all(float(jnp.abs(b).max()) == 0 for _, b in params)
    with pytest.raises(ValueError, match="scheme"):
        I.mlp_init(KEY, [2, 3], "he_magic")
    with pytest.raises(ValueError, match="sizes"):
        I.mlp_init(KEY, [2], "xavier_normal")
