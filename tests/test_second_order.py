"""Curvature methods (ALGORITHMS.md §6–7): generic behaviour over the registry, argument checks,
hand-written NumPy loops of each update, and the lectures' facts (issue 4, items 2 and 3).

Convergence on the test problems and the cross-checks against scipy and optax are in
test_second_order_convergence.py.
"""

from __future__ import annotations


import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import cases
import jaxopt_lectures as jl
from jaxopt_lectures import registry
from jaxopt_lectures.problems import get_problem, rosenbrock
from jaxopt_lectures.problems import worked_examples as wx

CURVATURE = {n: s for n, s in registry.REGISTRY.items() if s.family in registry.CURVATURE_FAMILIES}
CASES = [pytest.param(n, v, id=f"{n}-{v}") for n, s in CURVATURE.items() for v in s.variants]

ROSEN4 = rosenbrock(4)
X0 = jnp.asarray([-1.2, 1.0, -0.5, 0.8])


def fun(x):
    return ROSEN4.fun(x)


def residuals(x):
    return ROSEN4.residual_fn(x)


def extras(f=fun, r=residuals):
    """Every extra argument any method needs; each ignores the ones it does not use."""
    return {"value_fn": f, "residual_fn": r}


def build(name, vname, **overrides):
    spec = registry.get(name)
    return spec.factory(**{**spec.defaults, **spec.variants[vname].kwargs, **overrides})


def steps(opt, x, k, f=fun, r=residuals, jit=True):
    """k updates from x with all extras; returns the iterates (k+1, n) and the final state."""

    def step(x, s):
        v, g = jax.value_and_grad(f)(x)
        u, s = opt.update(g, s, x, value=v, grad=g, **extras(f, r))
        return optax.apply_updates(x, u), s

    step = jax.jit(step) if jit else step
    s = opt.init(x)
    xs = [x]
    for _ in range(k):
        x, s = step(x, s)
        xs.append(x)
    return xs, s


def spd(n, seed=0, cond=10.0):
    """A random SPD matrix with eigenvalues spread log-uniformly over [1, cond]."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    lam = np.geomspace(1.0, cond, n)
    return (q * lam) @ q.T


def quadratic(h, b):
    h, b = jnp.asarray(h), jnp.asarray(b)
    return lambda x: 0.5 * x @ h @ x - b @ x


# --------------------------------------------------------------------------------------------
# Generic behaviour over every registered curvature method and variant
# --------------------------------------------------------------------------------------------


def test_cases_cover_the_curvature_families():
    """Every registered curvature method has cases here, and ALGORITHMS.md §6–7's are all
    registered (a new one may join them)."""
    assert {c.values[0] for c in CASES} == set(CURVATURE)
    assert set(CURVATURE) >= {
        "steepest_descent", "nonlinear_cg", "newton", "newton_cg", "gauss_newton", "levenberg_marquardt", "bfgs",
        "lbfgs",
    }  # fmt: skip


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_eager_equals_jit(name, vname):
    # XLA fuses the jitted program differently from op-by-op execution, so the two round
    # differently; CG solves and line searches amplify that (κ ≈ 1e3 here) to ~1e-10
    xs_jit, _ = steps(build(name, vname), X0, 3)
    xs_eager, _ = steps(build(name, vname), X0, 3, jit=False)
    np.testing.assert_allclose(np.stack(xs_jit), np.stack(xs_eager), rtol=1e-8, atol=1e-10)
    assert np.all(np.isfinite(np.stack(xs_jit)))  # pure Newton may go uphill here, but never to NaN


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_dict_pytree_equals_flat_vector(name, vname):
    """Directions are computed on the flattened parameters: a dict of leaves gives the same steps."""
    split = lambda x: {"a": x[:2], "b": x[2:].reshape(1, 2)}  # noqa: E731
    join = lambda t: jnp.concatenate([t["a"], t["b"].ravel()])  # noqa: E731
    xs_tree, _ = steps(build(name, vname), split(X0), 3, f=lambda t: fun(join(t)), r=lambda t: residuals(join(t)))
    xs_flat, _ = steps(build(name, vname), X0, 3)
    np.testing.assert_allclose(np.stack([join(t) for t in xs_tree]), np.stack(xs_flat), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_float32_parameters_stay_float32(name, vname):
    x = X0.astype(jnp.float32)
    xs, state = steps(build(name, vname), x, 2)
    assert all(y.dtype == jnp.float32 for y in xs)
    assert np.all(np.isfinite(np.asarray(xs[-1])))
    floats = [leaf for leaf in jax.tree.leaves(state) if jnp.issubdtype(leaf.dtype, jnp.floating)]
    assert all(leaf.dtype == jnp.float32 for leaf in floats), [leaf.dtype for leaf in floats]


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_vmap_over_starting_points_equals_loop(name, vname):
    spec = registry.get(name)
    solve = jl.least_squares if "residual_fn" in spec.needs(**spec.variants[vname].kwargs) else jl.minimize
    target = residuals if solve is jl.least_squares else fun
    starts = jnp.stack([X0, X0 * 0.5, X0 + 0.3])
    run = lambda x0: solve(target, x0, build(name, vname), max_steps=4, gtol=0.0)  # noqa: E731
    batch = jax.jit(jax.vmap(run))(starts)
    for i, x0 in enumerate(starts):
        one = jax.jit(run)(x0)
        np.testing.assert_allclose(batch.params[i], one.params, rtol=1e-10, atol=1e-12)
        assert int(batch.num_steps[i]) == int(one.num_steps)


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_composes_in_optax_chain(name, vname):
    """After an inactive clip (threshold far above ‖g‖) the chain takes the same steps; extras
    reach the method through optax.chain, and unknown extra arguments are ignored."""
    chained = optax.chain(optax.clip_by_global_norm(1e6), build(name, vname))
    xs_chain, _ = steps(chained, X0, 2)
    xs_plain, _ = steps(build(name, vname), X0, 2)
    np.testing.assert_allclose(np.stack(xs_chain), np.stack(xs_plain), rtol=1e-12)
    opt = build(name, vname)
    g = jax.grad(fun)(X0)
    u, _ = opt.update(g, opt.init(X0), X0, value=fun(X0), grad=g, unknown_extra=1.0, **extras())
    assert np.all(np.isfinite(np.asarray(u)))


@pytest.mark.parametrize(("name", "vname"), CASES)
def test_missing_extra_arguments_raise_naming_them(name, vname):
    spec = registry.get(name)
    needed = spec.needs(**spec.variants[vname].kwargs)
    opt = build(name, vname)
    g = jax.grad(fun)(X0)
    if "residual_fn" in needed:
        with pytest.raises(TypeError, match="residual_fn"):
            opt.update(g, opt.init(X0), X0, value=fun(X0), grad=g, value_fn=fun)
    if "value_fn" in needed:
        with pytest.raises(TypeError, match="value_fn"):
            opt.update(g, opt.init(X0), X0, value=fun(X0), grad=g, residual_fn=residuals)


def test_line_search_can_be_a_name_or_a_transformation():
    by_name = steps(jl.bfgs(line_search="armijo"), X0, 3)[0]
    by_transform = steps(jl.bfgs(line_search=jl.scale_by_armijo_line_search()), X0, 3)[0]
    # bitwise: the same search object either way, stepped eagerly on the same numbers
    np.testing.assert_array_equal(np.stack(by_name), np.stack(by_transform))
    custom = steps(jl.nonlinear_cg(line_search=jl.scale_by_wolfe_line_search(c2=0.5)), X0, 3)[0]
    assert fun(custom[-1]) < fun(X0)


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------

# (method, keyword arguments, regex of the message): each case's ``bad_arguments`` (tests/cases.py)
BAD_ARGS = [(name, kw, pattern) for name in CURVATURE for kw, pattern in cases.CASES[name].bad_arguments]


@pytest.mark.parametrize(("name", "kwargs", "pattern"), BAD_ARGS, ids=lambda a: str(a) if isinstance(a, dict) else None)
def test_bad_arguments_raise_naming_the_argument_and_range(name, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        registry.get(name).factory(**kwargs)


def test_line_search_of_the_wrong_type_raises():
    with pytest.raises(TypeError, match="line_search"):
        jl.bfgs(line_search=0.5)


def test_traced_damping_passes_and_vmaps():
    """Damping may be a traced array: one compiled program over a grid equals separate runs."""
    p = get_problem("exponential_fit")
    x0 = jnp.asarray(p.x0)
    grid = jnp.asarray([1e-3, 1.0, 100.0])
    run = lambda mu: jl.least_squares(p.residual_fn, x0, jl.levenberg_marquardt(damping=mu), max_steps=3).params  # noqa: E731
    batch = jax.jit(jax.vmap(run))(grid)
    for i, mu in enumerate([1e-3, 1.0, 100.0]):
        np.testing.assert_allclose(batch[i], run(mu), rtol=1e-10)
    assert not np.allclose(batch[0], batch[2])
    newton = lambda lam: jl.minimize(fun, X0, jl.newton(damping=lam), max_steps=2).params  # noqa: E731
    nb = jax.jit(jax.vmap(newton))(grid)
    np.testing.assert_allclose(nb[1], newton(1.0), rtol=1e-10)


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
    np.testing.assert_allclose(float(s.damping), 1e-3 * 10.0**5)


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
