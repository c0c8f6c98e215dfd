"""L0's noisy-SGD quadratic as a data set (problems.noisy_quadratic): the loss is the lecture's
x1² + 2 x2² plus f*, the per-example gradient noise has mean 0 and variance 1, and the exact
expected excess loss says a decaying rate beats every constant rate of the 16-point grid."""

import jax
import jax.numpy as jnp
import numpy as np

from jaxopt_lectures.problems import noisy_quadratic as nq


def test_loss_is_the_lectures_quadratic_plus_f_star_with_unit_gradient_noise():
    loss_fn, x0, data, f_star = nq.noisy_quadratic_l0(jax.random.key(0), copies=2, dtype=jnp.float64)
    lam = np.tile([2.0, 4.0], 2)
    assert f_star == 0.75 and x0.tolist() == [-5.0, -2.0, -5.0, -2.0]
    x = jnp.asarray([0.3, -1.0, 2.0, 0.5])
    np.testing.assert_allclose(float(loss_fn(x, data)), 0.5 * np.sum(lam * np.asarray(x) ** 2) + f_star, rtol=1e-14)
    noise = -lam * np.asarray(data)  # ∇ of example i's loss is λ(x − ξ_i) = ∇f(x) − λ ξ_i
    np.testing.assert_allclose(noise.mean(0), 0.0, atol=1e-14)  # standardised exactly over the 64 examples
    np.testing.assert_allclose(noise.var(0), 1.0, rtol=1e-13)


def test_a_decay_beats_every_constant_rate_of_the_grid_in_expectation():
    steps = nq.EPOCHS * nq.EXAMPLES // nq.BATCH_SIZE
    constant = [nq.expected_excess(np.full(steps, eta)) for eta in nq.CONSTANT_RATES]
    best = int(np.argmin(constant))
    assert 0 < best < len(constant) - 1  # inside the grid: 0.0033, excess 0.0071
    t = np.arange(steps)
    d = nq.DECAY
    decay = nq.expected_excess(d["init_value"] * (d["beta"] * t + 1.0) ** -d["alpha"])
    assert decay < 0.6 * constant[best]  # 0.0041: the decay PBT should find something like
    lecture = nq.expected_excess(0.1 * (0.1 * t + 1.0) ** -0.5)  # the lecture's constants, tuned for 2-D
    assert lecture > 2 * constant[best]  # 0.020
    # the floor is the recursion's fixed point: a long constant run ends there
    np.testing.assert_allclose(nq.expected_excess(np.full(20000, 0.01)), nq.noise_floor(0.01), rtol=1e-10)
