"""Lecture L0's worked steps and the d2l figures: one GD, heavy-ball and Adam step; step sizes, momentum, decay.

ALGORITHMS.md §10.1 and §10.4 (worked examples 1 and 4: a GD and a heavy-ball step on E(w), a
sigmoid neuron's BCE loss, gradient and one Adam step) and §10.5 (L0 after d2l: GD on x² with
η = 0.05 and 1.1; GD and momentum on 0.1 x1² + 2 x2²; noisy SGD with exponential vs polynomial
learning-rate decay, §5). Each function registers one entry of
:data:`~jaxopt_lectures.figures.EXAMPLES`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .. import engine, plotting, schedules
from ..optimizers import adam, momentum, sgd
from ..problems import get_problem
from ..problems import worked_examples as wx
from ..problems.regression import SIGMOID_NEURON_DATA, sigmoid_neuron_loss, sigmoid_neuron_params
from .base import register_example
from .common import close, num, panels, run, vec

__all__: list[str] = []  # the entries are reached through EXAMPLES


def _sign_flips(values: np.ndarray) -> int:
    return int(np.sum(values[1:] * values[:-1] < 0))


# ----------------------------------------------------------------------------------------------
# L0: single steps of the worked examples 1 and 4
# ----------------------------------------------------------------------------------------------


def _heavy_ball_step(fun: Callable, prev: np.ndarray, start: np.ndarray, eta: float, beta: float) -> np.ndarray:
    """One step of the library's heavy ball (``momentum(form="classic")``: v ← βv − η∇E, w ← w + v)
    from w(t) = ``start`` with the velocity of the step before, v = Δw = start − prev (the lecture
    gives w(t − 1), not v)."""
    opt = momentum(eta, beta=beta, form="classic")
    x = jnp.asarray(start)
    state = optax.tree.set(opt.init(x), velocity=jnp.asarray(start - prev))
    updates, _ = opt.update(jax.grad(fun)(x), state, x)
    return np.asarray(optax.apply_updates(x, updates))


@register_example("l0_worked_steps", "One GD, heavy-ball and Adam step, by the book", "L0, §10.1 and §10.4")
def _worked_steps(claims, quick, plot):
    del quick
    e = get_problem("error_surface_l0")
    prev, start = np.asarray(wx.E_PREV), np.asarray(wx.E_START)
    x = jnp.asarray(start)
    gd = sgd(wx.E_ETA)
    updates, _ = gd.update(jax.grad(e.fun)(x), gd.init(x), x)
    gd_step = np.asarray(optax.apply_updates(x, updates))
    claims.append((f"E(w): a GD step from w = {vec(start)}, η = {wx.E_ETA}", vec(wx.E_GD_STEP_PRINTED),
                   vec(gd_step, 7), close(wx.E_GD_STEP, gd_step, rtol=1e-12)))  # exact fractions; 1e-12: rounding
    heavy = {beta: _heavy_ball_step(e.fun, prev, start, wx.E_ETA, beta) for beta in (wx.E_BETA, wx.E_SLIDE_BETA)}
    claims.append((f"E(w): the heavy-ball step w − η∇E + βΔw, β = {wx.E_BETA} as stated",
                   vec(wx.E_MOMENTUM_STEP_PRINTED), vec(heavy[wx.E_BETA], 7),
                   close(wx.E_MOMENTUM_STEP, heavy[wx.E_BETA], rtol=1e-12)))
    claims.append(("the slide's heavy-ball numbers (with β = 0.6 stated) are β = 0.9's step",
                   vec(wx.E_SLIDE_MOMENTUM_STEP_PRINTED, 4), f"β = 0.9: {vec(heavy[wx.E_SLIDE_BETA], 4)}",
                   close(wx.E_SLIDE_MOMENTUM_STEP_PRINTED, heavy[wx.E_SLIDE_BETA], rtol=0, atol=5e-4)))  # 3 decimals printed

    params = sigmoid_neuron_params(jnp.float64)
    loss, grads = jax.value_and_grad(sigmoid_neuron_loss)(params, SIGMOID_NEURON_DATA)
    claims.append(("sigmoid neuron x = 3.5, y = 0.5, w = b = −2: the BCE loss", num(wx.NEURON_LOSS_PRINTED),
                   num(float(loss), 7), close(wx.NEURON_LOSS, loss, rtol=1e-12)))
    g = (float(grads["w"].squeeze()), float(grads["b"].squeeze()))
    claims.append(("… its gradient (∂w, ∂b)", vec((wx.NEURON_GRAD_W_PRINTED, wx.NEURON_GRAD_B_PRINTED)),
                   vec(g), close((wx.NEURON_GRAD_W, wx.NEURON_GRAD_B), g, rtol=1e-12)))
    opt = adam(wx.ADAM_ETA, b1=wx.ADAM_B1, b2=wx.ADAM_B2, eps=wx.ADAM_EPS)
    updates, _ = opt.update(grads, opt.init(params), params)
    after = optax.apply_updates(params, updates)
    new = (float(after["w"].squeeze()), float(after["b"].squeeze()))
    # bias correction makes m̂ = g and v̂ = g²: the step is η·sign(g) up to η·ε/|g| ≈ 2e-9
    claims.append(("… one Adam step (η = 0.1, β = 0.9, 0.99) moves each by η·sign(g)",
                   vec(wx.NEURON_AFTER_ADAM) + f" (the slide's {vec(wx.SLIDE_NEURON_AFTER_ADAM)} is not Adam)",
                   vec(new, 9), close(wx.NEURON_AFTER_ADAM, new, rtol=0, atol=1e-8)))
    if not plot:
        return None
    paths = {
        "GD": np.stack([start, gd_step]),
        f"heavy ball β = {wx.E_BETA}": np.stack([start, heavy[wx.E_BETA]]),
        f"heavy ball β = {wx.E_SLIDE_BETA} (the slide)": np.stack([start, heavy[wx.E_SLIDE_BETA]]),
        "the step before, Δw": np.stack([prev, start]),
    }
    fig, ax = plotting.new_figure((6.5, 5.0))
    plotting.plot_trajectories(e, paths, ax=ax, title="E(w1, w2): one step from w(t) = (1.5, 2)")
    return fig


# ----------------------------------------------------------------------------------------------
# L0 (after d2l): step sizes, momentum, decaying rates — §10.5
# ----------------------------------------------------------------------------------------------


@register_example("l0_gd_step_sizes", "GD on f = x²: η = 0.05 is slow, η = 1.1 diverges", "L0, §10.5")
def _gd_step_sizes(claims, quick, plot):
    del quick
    p = get_problem("parabola_l0")
    steps = wx.PARABOLA_STEPS
    slow = run(p.fun, p.x0, sgd(wx.PARABOLA_SLOW_RATE), steps)
    wild = run(p.fun, p.x0, sgd(wx.PARABOLA_DIVERGENT_RATE), steps)
    xs_slow, xs_wild = slow.path()[:, 0], wild.path()[:, 0]
    # x ← (1 − 2η)x exactly; 1e-12: ten rounded multiplications
    claims.append((f"η = {wx.PARABOLA_SLOW_RATE}: x ← 0.9x, slow; x_10 from x_0 = 10", num(wx.PARABOLA_SLOW_FINAL, 10),
                   num(xs_slow[-1], 10), close(wx.PARABOLA_SLOW_FINAL, xs_slow[-1], rtol=1e-12)))
    grows = bool(np.all(np.abs(xs_wild[1:]) > np.abs(xs_wild[:-1])))
    claims.append((f"η = {wx.PARABOLA_DIVERGENT_RATE}: x ← −1.2x diverges, |x| grows every step; x_10",
                   num(wx.PARABOLA_DIVERGENT_FINAL, 11), f"{num(xs_wild[-1], 11)}, grows at every step: {grows}",
                   grows and close(wx.PARABOLA_DIVERGENT_FINAL, xs_wild[-1], rtol=1e-12)))
    if not plot:
        return None
    fig, (left, right) = panels(plot)
    plotting.plot_1d(p, {f"η = {wx.PARABOLA_SLOW_RATE}": slow}, ax=left, title="slow: x ← 0.9 x")
    plotting.plot_1d(p, {f"η = {wx.PARABOLA_DIVERGENT_RATE}": wild}, xlim=(-70.0, 70.0), ax=right,
                     title="divergent: x ← −1.2 x")
    return fig


def _momentum_map_radius(eta: float, beta: float, curvature: float) -> tuple[float, bool]:
    """Spectral radius of heavy ball's linear map (x, v) ↦ (x + βv − ηλx, βv − ηλx) along one
    eigendirection, and whether its eigenvalues are real (no rotation: a sign flip per step when negative)."""
    m = np.array([[1.0 - eta * curvature, beta], [-eta * curvature, beta]])
    eig = np.linalg.eigvals(m)
    return float(np.max(np.abs(eig))), bool(np.all(np.abs(eig.imag) < 1e-12))


@register_example("l0_momentum", "GD and momentum on 0.1 x1² + 2 x2²", "L0 (d2l), §10.5")
def _momentum_quadratic(claims, quick, plot):
    del quick
    p = get_problem("quadratic_l0")
    steps = wx.QUADRATIC_L0_STEPS
    lam = wx.QUADRATIC_L0_CURVATURES[1]
    gd = {eta: run(p.fun, p.x0, sgd(eta), steps) for eta in (wx.QUADRATIC_L0_GD_OSCILLATES, wx.QUADRATIC_L0_GD_DIVERGES)}
    eta = wx.QUADRATIC_L0_MOMENTUM_RATE
    betas = (wx.QUADRATIC_L0_MOMENTUM_BETA_CONVERGES, wx.QUADRATIC_L0_MOMENTUM_BETA_OSCILLATES)
    mom = {beta: run(p.fun, p.x0, momentum(eta, beta=beta), steps) for beta in betas}
    f0 = float(p.fun(jnp.asarray(p.x0)))

    osc = gd[wx.QUADRATIC_L0_GD_OSCILLATES]
    x2 = osc.path()[:, 1]
    decreasing = bool(np.all(np.diff(osc.history.values) < 0))
    claims.append((f"GD η = {wx.QUADRATIC_L0_GD_OSCILLATES}: x2 oscillates (factor 1 − 0.4·4 = −0.6) and converges",
                   f"{steps} sign flips, f falls", f"{_sign_flips(x2)} flips, f_{steps} = {num(float(osc.value), 3)}",
                   _sign_flips(x2) == steps and decreasing))
    div = gd[wx.QUADRATIC_L0_GD_DIVERGES]
    growth = abs(div.path()[-1, 1] / div.path()[0, 1])
    claims.append((f"GD η = {wx.QUADRATIC_L0_GD_DIVERGES} diverges: |x2| × |1 − 0.6·4| = 1.4 per step; after {steps}",
                   num(1.4**steps), num(growth), close(1.4**steps, growth, rtol=1e-10)))
    rho = {beta: _momentum_map_radius(eta, beta, lam) for beta in betas}
    conv = mom[betas[0]]
    claims.append((f"momentum η = {eta}, β = {betas[0]} converges (radius √β along x2)",
                   f"ρ = {num(math.sqrt(betas[0]), 4)} < 1",
                   f"ρ = {num(rho[betas[0]][0], 4)}, f_{steps}/f_0 = {num(float(conv.value) / f0, 2)}", close(math.sqrt(betas[0]), rho[betas[0]][0], rtol=1e-9)
                   and float(conv.value) < 1e-4 * f0))
    wobbly = mom[betas[1]]
    flips = {beta: _sign_flips(mom[beta].path()[:, 1]) for beta in betas}
    claims.append((f"β = {betas[1]} oscillates more: a real negative root, x2 flips at every step, slower",
                   "more flips, larger f",
                   (f"flips {flips[betas[1]]} vs {flips[betas[0]]}, ρ = {num(rho[betas[1]][0], 3)} "
                    f"(real: {rho[betas[1]][1]}), f_{steps} {num(float(wobbly.value), 2)} vs {num(float(conv.value), 2)}"),
                   flips[betas[1]] == steps and flips[betas[0]] < steps and rho[betas[1]][1]
                   and float(wobbly.value) > 100 * float(conv.value)))
    if not plot:
        return None
    fig, (left, right) = panels(plot)
    plotting.plot_trajectories(p, {f"GD η = {k}": r for k, r in gd.items()}, ax=left, title="gradient descent")
    plotting.plot_trajectories(p, {f"momentum η = {eta}, β = {b}": r for b, r in mom.items()}, ax=right,
                               title=f"momentum, η = {eta}")
    return fig


@register_example("l0_lr_decay", "Noisy SGD: exponential vs polynomial learning-rate decay", "L0 (d2l), §10.5, §5")
def _lr_decay(claims, quick, plot):
    del quick
    steps, eta0, decay, t0 = wx.NOISY_SGD_STEPS, wx.NOISY_SGD_ETA0, wx.NOISY_SGD_DECAY, wx.NOISY_SGD_T0
    lam = jnp.asarray(wx.NOISY_SGD_CURVATURES)

    def f(x):  # x1² + 2 x2²: ∇f = (2x1, 4x2)
        return 0.5 * jnp.sum(lam * x**2)

    # d2l increments t before its first use: t = 2, 3, … (the library's schedules count from 0)
    rates = {
        "exponential e^(−0.1t)": schedules.exponential_decay(eta0, decay),
        "polynomial (1 + 0.1t)^(−½)": schedules.polynomial_decay(eta0, alpha=0.5, beta=decay),
    }
    noise = jax.random.normal(jax.random.key(0), (steps, 2))
    paths, losses, sums = {}, {}, {}
    for label, schedule in rates.items():
        opt = sgd(lambda count, s=schedule: s(count + t0))

        @jax.jit
        def train(x0, opt=optax.with_extra_args_support(opt)):
            def noisy(x, n):  # ∇ = ∇f(x) + n: the gradient plus N(0, 1) noise, one draw per step
                return f(x) + jnp.vdot(n, x)

            def body(c, n):
                c, _ = engine.minibatch_advance(opt, noisy, c, n)
                return c, c.params

            _, xs = jax.lax.scan(body, engine.minibatch_start(opt, x0, f(x0)), noise)
            return jnp.concatenate([x0[None], xs])

        paths[label] = np.asarray(train(jnp.asarray(wx.NOISY_SGD_START)))
        losses[label] = np.asarray(jax.vmap(f)(paths[label]))
        sums[label] = float(jnp.sum(schedule(jnp.arange(steps) + t0)))  # the rates the run used
    exp_label, poly_label = rates
    exact = eta0 * math.exp(-decay * t0) / (1 - math.exp(-decay))  # Σ_{t ≥ 2} 0.1 e^(−0.1t), to 1e-40
    claims.append(("exponential decay: Σ ηₜ is finite (Robbins–Monro fails)", f"Σηₜ = {num(exact, 4)}",
                   f"Σηₜ = {num(sums[exp_label], 4)}", close(exact, sums[exp_label], rtol=1e-9)))
    far = float(np.linalg.norm(paths[exp_label][-1]))
    claims.append(("… so SGD stops far from the minimum (x1 contracts by only ≈ e^(−2Ση) ≈ 0.18)",
                   "‖x‖ ≫ 0 after 1000 steps", f"‖x_1000‖ = {num(far, 3)}, x = {vec(paths[exp_label][-1], 3)}", far > 0.4))
    near = float(np.linalg.norm(paths[poly_label][-1]))
    claims.append(("polynomial decay: Σηₜ = ∞, SGD reaches the minimum's noise ball",
                   "‖x‖ small", f"Σηₜ = {num(sums[poly_label], 3)}, ‖x_1000‖ = {num(near, 2)}",
                   sums[poly_label] > 10 and near < 0.3))
    if not plot:
        return None
    fig, (left, right) = panels(plot)
    plotting.plot_trajectories(f, paths, ax=left, xlim=(-5.5, 1.5), ylim=(-3.0, 2.0), minimum=(0.0, 0.0),
                               title="x1² + 2x2², gradients + N(0, 1) noise, η₀ = 0.1")
    plotting.plot_loss_curves(losses, ax=right, title="f(x_t)")
    return fig
