"""Curvature methods (ALGORITHMS.md §6–7): each update against a hand-written NumPy loop in
float64 (STYLE.md habit 5; issue 4, item 2) — nonlinear CG, BFGS (with skipped updates), L-BFGS's
two-loop recursion, Newton and its modification, Newton-CG, Gauss–Newton, Levenberg–Marquardt.
Generic behaviour and argument checks are in test_second_order.py.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.problems import get_problem
from second_order_problems import X0, fun, quadratic, residuals, spd, steps


# --------------------------------------------------------------------------------------------
# NumPy reference loops of each update (STYLE.md habit 5), float64
# --------------------------------------------------------------------------------------------

def np_grad(x, f=None):
    return np.asarray(jax.grad(f or fun)(jnp.asarray(x)))


def convex(x):
    """A smooth convex non-quadratic function: ½xᵀAx + Σ log cosh(x − 1) (curvatures in [1, 5])."""
    a = jnp.asarray([[3.0, 1.0, 0.0, 0.0], [1.0, 2.0, 0.5, 0.0], [0.0, 0.5, 1.5, 0.2], [0.0, 0.0, 0.2, 1.0]])
    return 0.5 * x @ a @ x + jnp.sum(jnp.log(jnp.cosh(x - 1.0)))


def wiggly(x):
    """Non-convex: Σ sin(3x) + 0.1x², where a fixed step often meets yᵀs ≤ 0."""
    return jnp.sum(jnp.sin(3.0 * x) + 0.1 * x**2)


def np_hess(x):
    return np.asarray(jax.hessian(fun)(jnp.asarray(x)))


FIXED_STEP = 0.1  # a fixed step α instead of a search, so the direction formulas alone are compared


@pytest.mark.parametrize("variant", ["fr", "pr", "pr+"])
@pytest.mark.parametrize("restart_every", [None, 3])
def test_nonlinear_cg_matches_numpy_loop(variant, restart_every):
    opt = optax.chain(jl.scale_by_nonlinear_cg(variant=variant, restart_every=restart_every), optax.scale(FIXED_STEP))
    ours, _ = steps(opt, X0, 12, f=convex)
    x, d_prev, g_prev, every = np.asarray(X0), None, None, restart_every or X0.size
    for t in range(12):
        g = np_grad(x, convex)
        if t % every == 0:
            d = -g
        else:
            fr = g @ g / (g_prev @ g_prev)
            pr = g @ (g - g_prev) / (g_prev @ g_prev)
            beta = {"fr": fr, "pr": pr, "pr+": max(pr, 0.0)}[variant]
            d = -g + beta * d_prev
            if g @ d >= 0:  # not a descent direction: restart
                d = -g
        x = x + FIXED_STEP * d
        d_prev, g_prev = d, g
        np.testing.assert_allclose(ours[t + 1], x, rtol=1e-11, atol=1e-13)


def test_bfgs_matches_numpy_loop_including_skipped_updates():
    opt = optax.chain(jl.scale_by_bfgs(), optax.scale(0.3))
    ours, state = steps(opt, X0, 15, f=wiggly)
    n = X0.size
    x, b, x_prev, g_prev, skipped = np.asarray(X0), np.eye(n), None, None, 0
    for t in range(15):
        g = np_grad(x, wiggly)
        if t > 0:
            s, y = x - x_prev, g - g_prev
            if s @ y > 0:
                rho = 1.0 / (y @ s)
                v = np.eye(n) - rho * np.outer(y, s)
                b = v.T @ b @ v + rho * np.outer(s, s)  # (I − ρsyᵀ) B (I − ρysᵀ) + ρssᵀ
            else:
                skipped += 1
        d = -b @ g
        x_prev, g_prev = x, g
        x = x + 0.3 * d
        np.testing.assert_allclose(ours[t + 1], x, rtol=1e-9, atol=1e-12)
    assert int(state[0].skipped) == skipped


def test_bfgs_skips_an_update_with_negative_curvature_and_resets_after_a_null_step():
    opt = jl.scale_by_bfgs()
    x0, g0 = jnp.asarray([0.0, 0.0]), jnp.asarray([1.0, 2.0])
    _, s = opt.update(g0, opt.init(x0), x0)
    x1, g1 = jnp.asarray([1.0, 0.0]), jnp.asarray([0.5, 2.0])  # yᵀs = −0.5 < 0
    u, s = opt.update(g1, s, x1)
    assert int(s.skipped) == 1
    np.testing.assert_array_equal(s.inv_hessian, np.eye(2))  # B unchanged (still I)
    np.testing.assert_allclose(u, -g1)
    x2, g2 = jnp.asarray([1.0, 1.0]), jnp.asarray([0.5, 4.0])  # yᵀs = 2 > 0: updated
    _, s = opt.update(g2, s, x2)
    assert not np.allclose(s.inv_hessian, np.eye(2))
    _, s = opt.update(g2, s, x2)  # a failed line search: the same point again, B back to I
    np.testing.assert_array_equal(s.inv_hessian, np.eye(2))
    assert int(s.skipped) == 1


@pytest.mark.parametrize("memory_size", [1, 3])
def test_lbfgs_matches_numpy_two_loop_recursion(memory_size):
    opt = optax.chain(jl.scale_by_lbfgs(memory_size=memory_size), optax.scale(0.5))
    ours, _ = steps(opt, X0, 12)
    x, pairs, x_prev, g_prev = np.asarray(X0), [], None, None
    for t in range(12):
        g = np_grad(x)
        if t > 0:
            s, y = x - x_prev, g - g_prev
            if s @ y > 0:
                pairs = (pairs + [(s, y)])[-memory_size:]
        q = g.copy()
        alphas = []
        for s, y in reversed(pairs):  # newest first
            a = (s @ q) / (y @ s)
            q -= a * y
            alphas.append(a)
        if pairs:
            s, y = pairs[-1]
            gamma = (s @ y) / (y @ y)
        else:
            gamma = min(1.0, 1.0 / np.linalg.norm(g))
        r = gamma * q
        for (s, y), a in zip(pairs, reversed(alphas)):  # oldest first
            r += s * (a - (y @ r) / (y @ s))
        d = -r if (g @ -r) < 0 else -min(1.0, 1.0 / np.linalg.norm(g)) * g
        x_prev, g_prev = x, g
        x = x + 0.5 * d
        np.testing.assert_allclose(ours[t + 1], x, rtol=1e-9, atol=1e-12)


def test_newton_matches_numpy_solve_and_modification():
    ours, state = steps(jl.newton(), X0, 4)
    x = np.asarray(X0)
    modified = []
    for t in range(4):
        h, g = np_hess(x), np_grad(x)
        lam, q = np.linalg.eigh(h)
        if lam.min() > 0:
            d = -np.linalg.solve(h, g)
        else:  # eigenvalue modification: |λ| floored at √ε·max(1, max|λ|)
            floor = np.sqrt(np.finfo(float).eps) * max(1.0, np.abs(lam).max())
            d = -q @ ((q.T @ g) / np.maximum(np.abs(lam), floor))
        modified.append(lam.min() <= 0)
        x = x + d
        np.testing.assert_allclose(ours[t + 1], x, rtol=1e-9, atol=1e-12)
    assert any(modified), "this start should meet an indefinite Hessian (exercises the modification)"


def test_newton_on_a_saddle_and_on_a_singular_hessian_is_finite_and_descends():
    saddle = lambda x: x[0] ** 2 - x[1] ** 2  # noqa: E731  - H = diag(2, −2)
    x = jnp.asarray([0.5, 0.1])
    opt = jl.newton()
    g = jax.grad(saddle)(x)
    u, s = opt.update(g, opt.init(x), x, value_fn=saddle)
    np.testing.assert_allclose(u, [-0.5, 0.1])  # −|H|⁻¹g: towards x = 0, away from y = 0 (f falls)
    assert bool(s[0].modified) and float(s[0].min_eigenvalue) == pytest.approx(-2.0)
    assert float(g @ u) < 0
    flat = lambda x: x[0] ** 4 + x[1] ** 2  # noqa: E731  - H singular at x₀ = 0
    x = jnp.asarray([0.0, 1.0])
    u, s = opt.update(jax.grad(flat)(x), opt.init(x), x, value_fn=flat)
    np.testing.assert_allclose(u, [0.0, -1.0])
    nan_f = lambda x: jnp.sum(x**2) * jnp.where(x[0] > 0, jnp.nan, 1.0)  # noqa: E731  - H not finite
    x = jnp.asarray([1.0, 1.0])
    g = jnp.asarray([2.0, 2.0])
    u, _ = opt.update(g, opt.init(x), x, value_fn=nan_f)
    np.testing.assert_allclose(u, -g)  # falls back to steepest descent, no NaN


def test_newton_cg_with_exact_cg_equals_newton_on_convex_problems():
    f = quadratic(spd(6, seed=3, cond=100.0), np.arange(6.0))
    x = jnp.ones(6)
    g = jax.grad(f)(x)
    exact = jl.scale_by_newton_cg(cg_tol=1e-14)
    u_cg, s = exact.update(g, exact.init(x), x, value_fn=f)
    u_newton, _ = jl.scale_by_newton().update(g, jl.scale_by_newton().init(x), x, value_fn=f)
    np.testing.assert_allclose(u_cg, u_newton, rtol=1e-8)  # CG in exact arithmetic ends in ≤ 6 steps
    assert int(s.cg_steps) <= 6 + 2 and not bool(s.negative_curvature)
    short = jl.scale_by_newton_cg(max_cg_steps=2, cg_tol=1e-14)
    assert int(short.update(g, short.init(x), x, value_fn=f)[1].cg_steps) == 2


def test_newton_cg_negative_curvature_at_first_step_gives_steepest_descent():
    saddle = lambda x: x[0] ** 2 - 3 * x[1] ** 2  # noqa: E731
    x = jnp.asarray([0.0, 1.0])  # g = (0, −6): along g the curvature is negative
    g = jax.grad(saddle)(x)
    opt = jl.scale_by_newton_cg()
    u, s = opt.update(g, opt.init(x), x, value_fn=saddle)
    np.testing.assert_allclose(u, -g)
    assert bool(s.negative_curvature) and int(s.cg_steps) == 1


def test_hessian_vector_product_is_jax_hessian_times_v():
    v = jnp.asarray([0.3, -1.0, 2.0, 0.5])
    np.testing.assert_allclose(jl.hessian_vector_product(fun, X0, v), jax.hessian(fun)(X0) @ v, rtol=1e-12)


def _jacobian(x):
    return np.asarray(jax.jacfwd(residuals)(jnp.asarray(x)))


def test_gauss_newton_matches_numpy_normal_equations():
    ours, _ = steps(jl.gauss_newton(), X0, 3)
    x = np.asarray(X0)
    for t in range(3):
        jac, r = _jacobian(x), np.asarray(residuals(jnp.asarray(x)))
        x = x - np.linalg.solve(jac.T @ jac, jac.T @ r)  # w ← w − (JᵀJ)⁻¹Jᵀr
        np.testing.assert_allclose(ours[t + 1], x, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("matrix_free", [False, True])
def test_levenberg_marquardt_matches_numpy_loop_with_adaptive_damping(matrix_free):
    """The L4 rule: accept and shrink μ when E drops, reject and grow μ when it would rise."""
    p = get_problem("exponential_fit")
    r_fn = p.residual_fn
    x0 = jnp.asarray(p.x0)
    opt = jl.levenberg_marquardt(damping=1e-4, increase=10.0, decrease=0.1, matrix_free=matrix_free, cg_tol=1e-13)
    ours, state = steps(opt, x0, 4, f=p.fun, r=r_fn)  # 4 steps: before E stalls at rounding level
    x, mu, rejections = np.asarray(x0), 1e-4, 0
    e = lambda x: 0.5 * np.sum(np.asarray(r_fn(jnp.asarray(x))) ** 2)  # noqa: E731
    for t in range(4):
        jac = np.asarray(jax.jacfwd(r_fn)(jnp.asarray(x)))
        r = np.asarray(r_fn(jnp.asarray(x)))
        for _ in range(20):
            delta = -np.linalg.solve(jac.T @ jac + mu * np.eye(x.size), jac.T @ r)
            if e(x + delta) < e(x):
                x, mu = x + delta, mu * 0.1
                break
            mu, rejections = mu * 10.0, rejections + 1
        # matrix-free: CG to relative residual 1e-13 on a system with condition ≲ 1e8
        np.testing.assert_allclose(ours[t + 1], x, rtol=1e-6 if matrix_free else 1e-9)
    assert rejections > 0, "the small initial μ should overshoot at least once (exercises rejection)"
    np.testing.assert_allclose(float(state.damping), mu, rtol=1e-12)


def test_levenberg_marquardt_gives_up_with_a_zero_step_and_says_so():
    r_fn = lambda x: jnp.asarray([x[0] ** 2 - 1.0])  # noqa: E731
    x = jnp.asarray([1.0])  # the minimum: no step lowers E = 0
    opt = jl.levenberg_marquardt(max_tries=5)
    u, s = opt.update(jnp.zeros(1), opt.init(x), x, residual_fn=r_fn)
    assert float(u[0]) == 0.0 and bool(s.failed) and int(s.rejected) == 5 and int(s.num_evals) == 6
