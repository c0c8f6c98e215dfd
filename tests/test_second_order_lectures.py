"""Curvature methods (ALGORITHMS.md §6–7): the lectures' facts (issue 4, item 3) — the L2
exercise of steepest descent with exact search, CG's at most m steps on a quadratic, Newton's one
step on an SPD quadratic, Levenberg–Marquardt's limits, BFGS recovering the inverse Hessian.
Generic behaviour and argument checks are in test_second_order.py.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.problems import worked_examples as wx
from second_order_problems import fun, quadratic, residuals, spd, steps


# --------------------------------------------------------------------------------------------
# The lectures' facts (issue 4, item 3)
# --------------------------------------------------------------------------------------------


def test_l2_exercise_steepest_descent_with_exact_search():
    """½(x² + b y²) from (b, 1): x_k = b((b−1)/(b+1))^k, y_k = (−(b−1)/(b+1))^k, g_{k+1} ⟂ g_k."""
    b = 0.1
    f = lambda w: 0.5 * (w[0] ** 2 + b * w[1] ** 2)  # noqa: E731
    xs, _ = steps(jl.steepest_descent(), jnp.asarray([b, 1.0]), 10, f=f)
    grads = [np.asarray(jax.grad(f)(x)) for x in xs]
    for k, x in enumerate(xs):
        # Brent's first parabolic step is exact on a quadratic up to rounding (linesearch/exact.py)
        np.testing.assert_allclose(x, wx.exact_line_search_iterates(b, k), rtol=1e-9, atol=1e-15)
    for g0, g1 in zip(grads, grads[1:]):
        assert abs(g0 @ g1) <= 1e-9 * np.linalg.norm(g0) * np.linalg.norm(g1)


def linear_cg(h, rhs, steps):
    """Textbook linear CG (N&W alg. 5.2) in NumPy from x = 0: the iterates nonlinear CG with exact
    searches must reproduce on a quadratic."""
    x, r = np.zeros_like(rhs), rhs.copy()
    p = r.copy()
    for _ in range(steps):
        a = (r @ r) / (p @ h @ p)
        x, r_new = x + a * p, r - a * (h @ p)
        p, r = r_new + (r_new @ r_new) / (r @ r) * p, r_new
    return x


@pytest.mark.parametrize("variant", ["fr", "pr", "pr+"])
def test_cg_with_exact_search_minimises_a_quadratic_in_at_most_m_steps(variant):
    m = 20
    h, x_star = spd(m, seed=7, cond=10.0), np.random.default_rng(1).normal(size=m)
    hj = jnp.asarray(h)
    f = lambda x: 0.5 * (x - x_star) @ hj @ (x - x_star)  # noqa: E731
    r = jl.minimize(f, jnp.zeros(m), jl.nonlinear_cg(variant=variant, line_search="exact"), max_steps=m, gtol=0.0)
    assert int(r.num_steps) == m
    # FR = PR = PR+ = linear CG on a quadratic with exact steps (the polished exact search is
    # exact to ~1e-12 relative in α); linear CG's m-step termination holds in floating point
    # only up to rounding amplified by κ (here κ = 10: ‖x_m − x*‖ ≈ 7e-11; at κ = 50 the textbook
    # NumPy loop itself ends 3e-5 away, measured), so both bounds are relative to that loop
    np.testing.assert_allclose(r.params, linear_cg(h, h @ x_star, m), rtol=0, atol=1e-9)
    assert np.linalg.norm(r.params - x_star) <= 1e-8 * np.linalg.norm(x_star)
    sd = jl.minimize(f, jnp.zeros(m), jl.steepest_descent(), max_steps=m, gtol=0.0)
    assert np.linalg.norm(sd.params - x_star) > 1e3 * np.linalg.norm(r.params - x_star)  # CG, not SD, finishes


@pytest.mark.parametrize("seed", range(5))
def test_newton_solves_any_spd_quadratic_in_one_step(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    h, b = spd(n, seed=seed, cond=10.0 ** rng.uniform(0, 6)), rng.normal(size=n)
    f = quadratic(h, b)
    x0 = jnp.asarray(rng.normal(size=n))
    xs, _ = steps(jl.newton(), x0, 1, f=f)
    # one Cholesky solve: relative error ≲ κ ε with κ ≤ 1e6
    np.testing.assert_allclose(xs[1], np.linalg.solve(h, b), rtol=1e-8, atol=1e-8 * np.abs(np.linalg.solve(h, b)).max())


def test_levenberg_marquardt_limits_huge_damping_is_gd_and_tiny_damping_is_gauss_newton():
    x = jnp.asarray([0.9, 0.8, 1.1, 1.2])  # near (1, 1, 1, 1), where the Gauss–Newton step lowers E
    g = jax.grad(fun)(x)  # = Jᵀr: f = ½‖r‖²
    mu = 1e9
    big = jl.levenberg_marquardt(damping=mu)
    u_big, s = big.update(g, big.init(x), x, residual_fn=residuals)
    # (μI + JᵀJ)⁻¹ = (I − JᵀJ/μ + …)/μ: relative gap ≤ ‖JᵀJ‖/μ ≈ 1e4/1e9
    np.testing.assert_allclose(u_big, -g / mu, rtol=1e-4)
    assert not bool(s.failed)
    tiny = jl.levenberg_marquardt(damping=1e-12)
    u_tiny, _ = tiny.update(g, tiny.init(x), x, residual_fn=residuals)
    gn = jl.gauss_newton()
    u_gn, _ = gn.update(g, gn.init(x), x, residual_fn=residuals)
    np.testing.assert_allclose(u_tiny, u_gn, rtol=1e-8)  # μ‖(JᵀJ)⁻¹‖ ≈ 1e-12·1e2: far below 1e-8
    zero = jl.levenberg_marquardt(damping=0.0)
    np.testing.assert_allclose(zero.update(g, zero.init(x), x, residual_fn=residuals)[0], u_gn, rtol=1e-10)


def test_bfgs_recovers_the_inverse_hessian_after_n_exact_steps():
    n = 6
    h, b = spd(n, seed=11, cond=20.0), np.random.default_rng(2).normal(size=n)
    f = quadratic(h, b)
    opt = jl.bfgs(line_search="exact")
    xs, state = steps(opt, jnp.zeros(n), n + 1, f=f)
    # the (n+1)-th update folds in the n-th pair; with exact searches the n pairs are conjugate
    # and B_n = H⁻¹ up to the line search's rounding (Brent on a quadratic: ~1e-10 relative)
    np.testing.assert_allclose(state[0].inv_hessian, np.linalg.inv(h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(xs[n], np.linalg.solve(h, b), rtol=1e-8, atol=1e-10)
