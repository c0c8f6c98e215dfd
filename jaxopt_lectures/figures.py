"""The lectures' figures and worked examples, reproduced: each a function returning its claims and figure.

ALGORITHMS.md §10 (worked examples 1–8) and §8 (analysis). Every entry of :data:`EXAMPLES` runs
the library the way a user would (``minimize``, ``least_squares``, ``fit``, ``sweep``, the
analysis tools), compares what the lecture states with what it computes — one :class:`Claim`
per statement, with the lecture's number, ours and whether they agree — and draws the lecture's
figure with :mod:`jaxopt_lectures.plotting`. ``examples/<name>.py`` runs one of them as a script;
``jaxopt-lectures tour`` runs them all and prints every claim in one table.

Where a slide's arithmetic is wrong the claim states the correct value (the catalogue's) and a
second claim shows the slide's number is what a different setting gives (e.g. β = 0.9 for L0's
momentum step). A claim that compares floating-point numbers states its tolerance and why.

Runs are in float64 (``jax.enable_x64`` inside each entry only), except the L3 network, which is
float32 as the notebook's torch model is.

Example:
  >>> from jaxopt_lectures import figures
  >>> r = figures.reproduce("l0_gd_step_sizes", plot=False)
  >>> all(c.agrees for c in r.claims)
  True
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib.util
import math
import pathlib
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from . import analysis, engine, plotting, registry, schedules
from .table import csv_table, markdown_table, text_table
from .init import mlp_init
from .optimizers import adam, momentum, nesterov, sgd
from .problems import get_problem, mgh, rosenbrock, scaled_quadratic
from .problems import sin_regression as sr
from .problems import worked_examples as wx
from .problems.regression import SIGMOID_NEURON_DATA, sigmoid_neuron_loss, sigmoid_neuron_params
from .second_order import levenberg_marquardt, nonlinear_cg, steepest_descent
from .solve import OptimizeResult, least_squares, minimize
from .sweeps import sweep
from .train import fit

__all__ = [
    "EXAMPLES",
    "Claim",
    "Example",
    "Reproduction",
    "claims_table",
    "example_main",
    "reproduce",
    "reproduce_all",
]

#: Pixels per inch of saved figures (the README gallery uses a smaller value).
DPI = 100
_WIDE = (11.0, 4.5)  # two panels side by side


# ----------------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Claim:
    """One statement of a lecture, the lecture's value, ours, and whether they agree.

    Attributes:
      example: the :data:`EXAMPLES` name it belongs to.
      claim: what the lecture says (with the setting: function, rate, steps).
      lecture: the lecture's number or statement (the catalogue's correct value where a slide errs).
      computed: what this library computes, as text.
      agrees: whether ``computed`` bears out ``lecture`` (within the stated tolerance).
    """

    example: str
    claim: str
    lecture: str
    computed: str
    agrees: bool


@dataclasses.dataclass
class Reproduction:
    """What one entry of :data:`EXAMPLES` produced: its claims, its figure (or ``None``) and its time."""

    name: str
    title: str
    source: str
    claims: tuple[Claim, ...]
    figure: Any  # matplotlib Figure, or None when plot=False
    seconds: float

    @property
    def agrees(self) -> bool:
        return all(c.agrees for c in self.claims)

    def save(self, directory: str | pathlib.Path, dpi: int = DPI) -> pathlib.Path | None:
        """Write the figure to ``directory/<name>.png`` (``figsize × dpi`` pixels); ``None`` without one."""
        if self.figure is None:
            return None
        path = pathlib.Path(directory) / f"{self.name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.figure.savefig(path, dpi=dpi)
        return path

    def table(self, fmt: str = "text") -> str:
        return claims_table([self], fmt)


@dataclasses.dataclass(frozen=True)
class Example:
    """An entry of :data:`EXAMPLES`: ``run(quick=…, plot=…, **options)`` returns a :class:`Reproduction`
    (``options``: an entry's own settings, e.g. ``epochs`` and ``seed`` of ``l3_sin_regression``)."""

    name: str
    title: str
    source: str
    run: Callable[..., Reproduction]


#: name → :class:`Example`, in the order the tour shows them.
EXAMPLES: dict[str, Example] = {}


def _example(name: str, title: str, source: str, *, x64: bool = True):
    """Register a figure function ``f(claims, quick, plot) -> figure | None`` under ``name``."""

    def register(body: Callable[[list, bool, bool], Any]) -> Callable[..., Reproduction]:
        @functools.wraps(body)
        def run(*, quick: bool = False, plot: bool = True, **options: Any) -> Reproduction:
            start = time.perf_counter()
            found: list[tuple[str, str, str, bool]] = []
            with jax.enable_x64(x64):
                figure = body(found, quick, plot, **options)
            claims = tuple(Claim(name, *c) for c in found)
            if figure is not None:
                figure.suptitle(f"{title} ({source})")
            return Reproduction(name, title, source, claims, figure, time.perf_counter() - start)

        EXAMPLES[name] = Example(name, title, source, run)
        return run

    return register


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------


def _g(x: float, digits: int = 6) -> str:
    return f"{x:.{digits}g}"


def _vec(v: Iterable[float], digits: int = 6) -> str:
    return "(" + ", ".join(_g(float(x), digits) for x in v) + ")"


def _close(lecture: float | Sequence[float], computed: Any, rtol: float, atol: float = 0.0) -> bool:
    return bool(np.allclose(np.asarray(computed, np.float64), np.asarray(lecture, np.float64), rtol=rtol, atol=atol))


def _run(fun: Callable, x0: Any, optimizer: Any, steps: int, gtol: float = 0.0) -> OptimizeResult:
    """``minimize`` with a recorded history (``gtol = 0``: exactly ``steps`` steps unless ∇f = 0)."""
    return minimize(fun, jnp.asarray(x0, float), optimizer, max_steps=steps, gtol=gtol, record=True)


def _panels(plot: bool, ncols: int = 2, figsize: Sequence[float] = _WIDE):
    """``(figure, axes)`` for ``ncols`` panels, or ``(None, [None] * ncols)`` without plotting."""
    if not plot:
        return None, [None] * ncols
    fig, axes = plotting.new_figure(figsize, 1, ncols)
    return fig, (axes if ncols > 1 else [axes])


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


@_example("l0_worked_steps", "One GD, heavy-ball and Adam step, by the book", "L0, §10.1 and §10.4")
def _worked_steps(claims, quick, plot):
    del quick
    e = get_problem("error_surface_l0")
    prev, start = np.asarray(wx.E_PREV), np.asarray(wx.E_START)
    x = jnp.asarray(start)
    gd = sgd(wx.E_ETA)
    updates, _ = gd.update(jax.grad(e.fun)(x), gd.init(x), x)
    gd_step = np.asarray(optax.apply_updates(x, updates))
    claims.append((f"E(w): a GD step from w = {_vec(start)}, η = {wx.E_ETA}", _vec(wx.E_GD_STEP_PRINTED),
                   _vec(gd_step, 7), _close(wx.E_GD_STEP, gd_step, rtol=1e-12)))  # exact fractions; 1e-12: rounding
    heavy = {beta: _heavy_ball_step(e.fun, prev, start, wx.E_ETA, beta) for beta in (wx.E_BETA, wx.E_SLIDE_BETA)}
    claims.append((f"E(w): the heavy-ball step w − η∇E + βΔw, β = {wx.E_BETA} as stated",
                   _vec(wx.E_MOMENTUM_STEP_PRINTED), _vec(heavy[wx.E_BETA], 7),
                   _close(wx.E_MOMENTUM_STEP, heavy[wx.E_BETA], rtol=1e-12)))
    claims.append(("the slide's heavy-ball numbers (with β = 0.6 stated) are β = 0.9's step",
                   _vec(wx.E_SLIDE_MOMENTUM_STEP_PRINTED, 4), f"β = 0.9: {_vec(heavy[wx.E_SLIDE_BETA], 4)}",
                   _close(wx.E_SLIDE_MOMENTUM_STEP_PRINTED, heavy[wx.E_SLIDE_BETA], rtol=0, atol=5e-4)))  # 3 decimals printed

    params = sigmoid_neuron_params(jnp.float64)
    loss, grads = jax.value_and_grad(sigmoid_neuron_loss)(params, SIGMOID_NEURON_DATA)
    claims.append(("sigmoid neuron x = 3.5, y = 0.5, w = b = −2: the BCE loss", _g(wx.NEURON_LOSS_PRINTED),
                   _g(float(loss), 7), _close(wx.NEURON_LOSS, loss, rtol=1e-12)))
    g = (float(grads["w"].squeeze()), float(grads["b"].squeeze()))
    claims.append(("… its gradient (∂w, ∂b)", _vec((wx.NEURON_GRAD_W_PRINTED, wx.NEURON_GRAD_B_PRINTED)),
                   _vec(g), _close((wx.NEURON_GRAD_W, wx.NEURON_GRAD_B), g, rtol=1e-12)))
    opt = adam(wx.ADAM_ETA, b1=wx.ADAM_B1, b2=wx.ADAM_B2, eps=wx.ADAM_EPS)
    updates, _ = opt.update(grads, opt.init(params), params)
    after = optax.apply_updates(params, updates)
    new = (float(after["w"].squeeze()), float(after["b"].squeeze()))
    # bias correction makes m̂ = g and v̂ = g²: the step is η·sign(g) up to η·ε/|g| ≈ 2e-9
    claims.append(("… one Adam step (η = 0.1, β = 0.9, 0.99) moves each by η·sign(g)",
                   _vec(wx.NEURON_AFTER_ADAM) + f" (the slide's {_vec(wx.SLIDE_NEURON_AFTER_ADAM)} is not Adam)",
                   _vec(new, 9), _close(wx.NEURON_AFTER_ADAM, new, rtol=0, atol=1e-8)))
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


@_example("l0_gd_step_sizes", "GD on f = x²: η = 0.05 is slow, η = 1.1 diverges", "L0, §10.5")
def _gd_step_sizes(claims, quick, plot):
    del quick
    p = get_problem("parabola_l0")
    steps = wx.PARABOLA_STEPS
    slow = _run(p.fun, p.x0, sgd(wx.PARABOLA_SLOW_RATE), steps)
    wild = _run(p.fun, p.x0, sgd(wx.PARABOLA_DIVERGENT_RATE), steps)
    xs_slow, xs_wild = slow.path()[:, 0], wild.path()[:, 0]
    # x ← (1 − 2η)x exactly; 1e-12: ten rounded multiplications
    claims.append((f"η = {wx.PARABOLA_SLOW_RATE}: x ← 0.9x, slow; x_10 from x_0 = 10", _g(wx.PARABOLA_SLOW_FINAL, 10),
                   _g(xs_slow[-1], 10), _close(wx.PARABOLA_SLOW_FINAL, xs_slow[-1], rtol=1e-12)))
    grows = bool(np.all(np.abs(xs_wild[1:]) > np.abs(xs_wild[:-1])))
    claims.append((f"η = {wx.PARABOLA_DIVERGENT_RATE}: x ← −1.2x diverges, |x| grows every step; x_10",
                   _g(wx.PARABOLA_DIVERGENT_FINAL, 11), f"{_g(xs_wild[-1], 11)}, grows at every step: {grows}",
                   grows and _close(wx.PARABOLA_DIVERGENT_FINAL, xs_wild[-1], rtol=1e-12)))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
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


@_example("l0_momentum", "GD and momentum on 0.1 x1² + 2 x2²", "L0 (d2l), §10.5")
def _momentum_quadratic(claims, quick, plot):
    del quick
    p = get_problem("quadratic_l0")
    steps = wx.QUADRATIC_L0_STEPS
    lam = wx.QUADRATIC_L0_CURVATURES[1]
    gd = {eta: _run(p.fun, p.x0, sgd(eta), steps) for eta in (wx.QUADRATIC_L0_GD_OSCILLATES, wx.QUADRATIC_L0_GD_DIVERGES)}
    eta = wx.QUADRATIC_L0_MOMENTUM_RATE
    betas = (wx.QUADRATIC_L0_MOMENTUM_BETA_CONVERGES, wx.QUADRATIC_L0_MOMENTUM_BETA_OSCILLATES)
    mom = {beta: _run(p.fun, p.x0, momentum(eta, beta=beta), steps) for beta in betas}
    f0 = float(p.fun(jnp.asarray(p.x0)))

    osc = gd[wx.QUADRATIC_L0_GD_OSCILLATES]
    x2 = osc.path()[:, 1]
    decreasing = bool(np.all(np.diff(osc.history.values) < 0))
    claims.append((f"GD η = {wx.QUADRATIC_L0_GD_OSCILLATES}: x2 oscillates (factor 1 − 0.4·4 = −0.6) and converges",
                   f"{steps} sign flips, f falls", f"{_sign_flips(x2)} flips, f_{steps} = {_g(float(osc.value), 3)}",
                   _sign_flips(x2) == steps and decreasing))
    div = gd[wx.QUADRATIC_L0_GD_DIVERGES]
    growth = abs(div.path()[-1, 1] / div.path()[0, 1])
    claims.append((f"GD η = {wx.QUADRATIC_L0_GD_DIVERGES} diverges: |x2| × |1 − 0.6·4| = 1.4 per step; after {steps}",
                   _g(1.4**steps), _g(growth), _close(1.4**steps, growth, rtol=1e-10)))
    rho = {beta: _momentum_map_radius(eta, beta, lam) for beta in betas}
    conv = mom[betas[0]]
    claims.append((f"momentum η = {eta}, β = {betas[0]} converges (radius √β along x2)",
                   f"ρ = {_g(math.sqrt(betas[0]), 4)} < 1",
                   f"ρ = {_g(rho[betas[0]][0], 4)}, f_{steps}/f_0 = {_g(float(conv.value) / f0, 2)}", _close(math.sqrt(betas[0]), rho[betas[0]][0], rtol=1e-9)
                   and float(conv.value) < 1e-4 * f0))
    wobbly = mom[betas[1]]
    flips = {beta: _sign_flips(mom[beta].path()[:, 1]) for beta in betas}
    claims.append((f"β = {betas[1]} oscillates more: a real negative root, x2 flips at every step, slower",
                   "more flips, larger f",
                   (f"flips {flips[betas[1]]} vs {flips[betas[0]]}, ρ = {_g(rho[betas[1]][0], 3)} "
                    f"(real: {rho[betas[1]][1]}), f_{steps} {_g(float(wobbly.value), 2)} vs {_g(float(conv.value), 2)}"),
                   flips[betas[1]] == steps and flips[betas[0]] < steps and rho[betas[1]][1]
                   and float(wobbly.value) > 100 * float(conv.value)))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
    plotting.plot_trajectories(p, {f"GD η = {k}": r for k, r in gd.items()}, ax=left, title="gradient descent")
    plotting.plot_trajectories(p, {f"momentum η = {eta}, β = {b}": r for b, r in mom.items()}, ax=right,
                               title=f"momentum, η = {eta}")
    return fig


@_example("l0_lr_decay", "Noisy SGD: exponential vs polynomial learning-rate decay", "L0 (d2l), §10.5, §5")
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
    claims.append(("exponential decay: Σ ηₜ is finite (Robbins–Monro fails)", f"Σηₜ = {_g(exact, 4)}",
                   f"Σηₜ = {_g(sums[exp_label], 4)}", _close(exact, sums[exp_label], rtol=1e-9)))
    far = float(np.linalg.norm(paths[exp_label][-1]))
    claims.append(("… so SGD stops far from the minimum (x1 contracts by only ≈ e^(−2Ση) ≈ 0.18)",
                   "‖x‖ ≫ 0 after 1000 steps", f"‖x_1000‖ = {_g(far, 3)}, x = {_vec(paths[exp_label][-1], 3)}", far > 0.4))
    near = float(np.linalg.norm(paths[poly_label][-1]))
    claims.append(("polynomial decay: Σηₜ = ∞, SGD reaches the minimum's noise ball",
                   "‖x‖ small", f"Σηₜ = {_g(sums[poly_label], 3)}, ‖x_1000‖ = {_g(near, 2)}",
                   sums[poly_label] > 10 and near < 0.3))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
    plotting.plot_trajectories(f, paths, ax=left, xlim=(-5.5, 1.5), ylim=(-3.0, 2.0), minimum=(0.0, 0.0),
                               title="x1² + 2x2², gradients + N(0, 1) noise, η₀ = 0.1")
    plotting.plot_loss_curves(losses, ax=right, title="f(x_t)")
    return fig


# ----------------------------------------------------------------------------------------------
# L4 / cs231n figures: GD, momentum, NAG; first-order optimizers on Beale and at a saddle — §10.8
# ----------------------------------------------------------------------------------------------


@_example("l4_gd_momentum_nag", "GD, momentum and NAG (μ = 0.95) on an oblong quadratic", "L4, cs231n, §10.8")
def _gd_momentum_nag(claims, quick, plot):
    del quick
    b, eta, mu = 10.0, 0.02, 0.95
    p = scaled_quadratic(b)  # ½(x² + 10 y²) from (10, 1): condition number 10
    runs = {
        f"GD η = {eta}": _run(p.fun, p.x0, sgd(eta), 2000, gtol=1e-6),
        f"momentum μ = {mu}": _run(p.fun, p.x0, momentum(eta, beta=mu), 2000, gtol=1e-6),
        f"NAG μ = {mu}": _run(p.fun, p.x0, nesterov(eta, beta=mu), 2000, gtol=1e-6),
    }
    gd, mom, nag = runs.values()
    overshoot = {k: max(0.0, -float(r.path()[:, 0].min())) for k, r in runs.items()}  # x < 0: past the minimum
    o_gd, o_mom, o_nag = overshoot.values()
    claims.append(("GD creeps along the shallow axis without overshooting; momentum overshoots the minimum",
                   "GD: none; momentum: yes", f"x past 0 by {_g(o_gd, 2)} (GD), {_g(o_mom, 3)} (momentum)",
                   o_gd == 0.0 and o_mom > 1.0))
    claims.append(("NAG's look-ahead gradient brakes earlier: it overshoots less than momentum",
                   "NAG < momentum", f"{_g(o_nag, 3)} < {_g(o_mom, 3)}", o_nag < o_mom))
    steps = {k: int(r.num_steps) for k, r in runs.items()}
    claims.append(("… and converges in fewer steps (‖∇f‖ ≤ 1e-6)", "NAG < momentum, GD slowest",
                   ", ".join(f"{k.split()[0]} {v}" for k, v in steps.items()),
                   bool(nag.converged and mom.converged and gd.converged)
                   and int(nag.num_steps) < int(mom.num_steps) < int(gd.num_steps)))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
    plotting.plot_trajectories(p, runs, ax=left, levels=12, xlim=(-7.0, 12.0), title=f"½(x² + {b:g} y²), η = {eta}")
    plotting.plot_loss_curves(runs, ax=right, title="f(x_k)")
    return fig


def _first_order() -> list[registry.OptimizerSpec]:
    return [registry.get(n) for f in registry.FIRST_ORDER_FAMILIES for n in registry.names(f)]


def _tuned_run(problem: Any, spec: registry.OptimizerSpec, steps: int, num_rates: int) -> tuple[OptimizeResult, float]:
    """``minimize`` with the best of ``num_rates`` log-spaced rates over default·10^[−2, 1].

    The rates run as one compiled program (``jax.vmap`` over the traced rate); the best is the
    lowest final value among runs that did not diverge (ties: the smaller rate).
    """
    lrs = spec.defaults["learning_rate"] * 10.0 ** np.linspace(-2.0, 1.0, num_rates)
    x0 = jnp.asarray(problem.x0, float)

    def one(lr):
        return minimize(problem.fun, x0, spec.make(learning_rate=lr), max_steps=steps, gtol=0.0, record=True)

    batch = jax.jit(jax.vmap(one))(jnp.asarray(lrs))
    final = np.where(np.asarray(batch.diverged) | ~np.isfinite(np.asarray(batch.value)), np.inf, np.asarray(batch.value))
    best = int(np.argmin(final))
    return jax.tree.map(lambda a: a[best], batch), float(lrs[best])


@_example("l4_beale_saddle", "Every first-order optimizer on Beale's function and at a saddle", "L4, cs231n, §10.8")
def _beale_saddle(claims, quick, plot):
    specs = _first_order()
    beale = get_problem("beale")
    steps, num_rates = (2000, 6) if quick else (5000, 12)
    tuned = {s.name: _tuned_run(beale, s, steps, num_rates) for s in specs}
    # 1e-2: methods with normalised steps (RMSProp, AdaDelta, the Adam family) at a constant rate
    # hover within about one step of the minimum instead of settling on it
    at_min = {n: float(np.linalg.norm(r.params - beale.x_star)) for n, (r, _) in tuned.items()}
    cs231n = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop")
    for label, group in (("cs231n's six", cs231n), ("the catalogue's other first-order optimizers",
                                                      [n for n in at_min if n not in cs231n])):
        missed = [f"{n} ({_g(at_min[n], 2)})" for n in group if at_min[n] >= 1e-2]
        claims.append((f"Beale from (1, 1): {label} reach the minimum (3, 0.5), best of {num_rates} rates, {steps} steps",
                       f"all {len(group)}", f"{len(group) - len(missed)} of {len(group)} within 1e-2"
                       + (f"; missed: {', '.join(missed)}" if missed else ""), not missed))

    saddle = get_problem("saddle")  # x² − y² from (1, 1e-3): next to the saddle's stable manifold
    eta, y0 = 0.01, float(saddle.x0[1])
    saddle_steps = 400

    def make(spec):  # one rate for all; AdaDelta's rate multiplies its unit-correcting ratio, keep 1
        return spec.make() if spec.name == "adadelta" else spec.make(learning_rate=eta)

    at_saddle = {s.name: _run(saddle.fun, saddle.x0, make(s), saddle_steps) for s in specs}

    def escape(r):
        ys = np.abs(r.path()[:, 1])
        return int(np.argmax(ys > 1.0)) if np.any(ys > 1.0) else None

    escapes = {n: escape(r) for n, r in at_saddle.items()}
    predicted = math.ceil(math.log(1.0 / y0) / math.log(1.0 + 2.0 * eta))  # |y| × (1 + 2η) per GD step
    claims.append((f"saddle x² − y² from (1, 1e-3), η = {eta}: GD lingers, |y| × (1 + 2η) per step until |y| > 1",
                   f"{predicted} steps", f"{escapes['sgd']} steps", escapes["sgd"] == predicted))
    adaptive = ("rmsprop", "adam", "adamax", "nadam", "yogi", "amsgrad")
    fast = {n: escapes[n] for n in adaptive}
    claims.append(("RMSProp and the Adam family escape far sooner: steps ≈ η whatever the gradient's size",
                   f"≈ 1/η = {1 / eta:g} steps (GD {predicted})", ", ".join(f"{n} {v}" for n, v in fast.items()),
                   all(v is not None and v <= predicted / 2 for v in fast.values())))
    if not plot:
        return None
    fig, (left, right) = _panels(plot, figsize=(12.0, 5.5))
    from matplotlib import colormaps  # plotting has imported matplotlib: 15 runs need 15 colours

    for ax in (left, right):
        ax.set_prop_cycle(color=colormaps["tab20"].colors)
    plotting.plot_trajectories(beale, {n: r for n, (r, _) in tuned.items()}, ax=left, xlim=(-0.5, 4.0),
                               ylim=(-1.0, 2.0), title=f"Beale, best of {num_rates} rates each, {steps} steps")
    plotting.plot_trajectories(saddle, at_saddle, ax=right, minimum=(0.0, 0.0),
                               title=f"saddle x² − y², η = {eta} (AdaDelta 1), {saddle_steps} steps")
    left.legend(loc="upper right", fontsize="xx-small", ncol=2)
    right.legend(loc="lower left", fontsize="xx-small", ncol=2)
    return fig


# ----------------------------------------------------------------------------------------------
# L2 / L4: line searches, conjugate gradients, Levenberg–Marquardt — §6, §7, §10.6, §10.8
# ----------------------------------------------------------------------------------------------

_GTOL = 1e-6


@_example("l4_cg_vs_steepest_descent", "Conjugate gradients vs steepest descent", "L2 exercise, L4, §6, §7, §10.6")
def _cg_vs_steepest_descent(claims, quick, plot):
    del quick
    b = 10.0
    quad = scaled_quadratic(b)  # ½(x² + b y²) from (b, 1)
    q = (b - 1) / (b + 1)
    g0 = float(jnp.linalg.norm(jax.grad(quad.fun)(jnp.asarray(quad.x0))))
    predicted = math.ceil(math.log(_GTOL / g0) / math.log(q))  # ‖∇f(x_k)‖ = q^k ‖∇f(x_0)‖ (L2)
    sd = _run(quad.fun, quad.x0, steepest_descent(line_search="exact"), 10 * predicted, gtol=_GTOL)
    cg = _run(quad.fun, quad.x0, nonlinear_cg(variant="fr", line_search="exact"), 100, gtol=_GTOL)
    path = sd.path()
    k = 5
    # 1e-8: the exact search is a 1-D minimisation to ~1e-10 relative, compounded over 5 steps
    claims.append((f"L2: exact search on ½(x² + {b:g}y²) from ({b:g}, 1): x_k = b q^k, y_k = (−q)^k, q = 9/11; k = {k}",
                   _vec(wx.exact_line_search_iterates(b, k)), _vec(path[k]),
                   _close(wx.exact_line_search_iterates(b, k), path[k], rtol=1e-8, atol=1e-12)))
    grads = np.asarray(jax.vmap(jax.grad(quad.fun))(jnp.asarray(path[:-1])))
    norms = np.linalg.norm(grads, axis=1)
    cosines = np.abs(np.sum(grads[1:] * grads[:-1], axis=1)) / (norms[1:] * norms[:-1])
    claims.append(("… consecutive gradients are orthogonal (the zig-zag)", "cos = 0",
                   f"max |cos| = {_g(float(cosines.max()), 2)}", float(cosines.max()) < 1e-6))
    claims.append((f"… steepest descent needs ⌈log(ε/‖g0‖)/log q⌉ steps to ‖∇f‖ ≤ {_GTOL:g}", str(predicted),
                   str(int(sd.num_steps)), int(sd.num_steps) == predicted))
    claims.append(("CG with the exact search is linear CG: the minimum in ≤ n = 2 steps", "≤ 2 steps",
                   f"{int(cg.num_steps)} steps, f = {_g(float(cg.value), 2)}", bool(cg.converged) and int(cg.num_steps) <= 2))
    rosen = rosenbrock(2)
    rsd = _run(rosen.fun, rosen.x0, steepest_descent(line_search="exact"), 20000, gtol=_GTOL)
    rcg = _run(rosen.fun, rosen.x0, nonlinear_cg(variant="pr+", line_search="wolfe"), 1000, gtol=_GTOL)
    claims.append(("Rosenbrock from (−1.2, 1): steepest descent crawls along the valley, CG (PR+, Wolfe) does not",
                   "CG ≪ steepest descent", f"CG {int(rcg.num_steps)} vs {int(rsd.num_steps)} steps",
                   bool(rcg.converged and rsd.converged) and 10 * int(rcg.num_steps) < int(rsd.num_steps)))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
    f0 = float(quad.fun(jnp.asarray(quad.x0)))
    plotting.plot_trajectories(quad, {"steepest descent, exact": sd, "CG Fletcher–Reeves, exact": cg}, ax=left,
                               levels=list(np.sort(f0 * q ** (2.0 * np.arange(0, 12, 2)))),
                               title=f"½(x² + {b:g} y²)")
    plotting.plot_trajectories(rosen, {"steepest descent, exact": rsd, "CG PR+, Wolfe": rcg}, ax=right,
                               title="Rosenbrock")
    return fig


@_example("l4_levenberg_marquardt", "Levenberg–Marquardt vs steepest descent on a curve fit", "L4, §7")
def _levenberg_marquardt(claims, quick, plot):
    del quick
    p = get_problem("exponential_fit")  # y = a e^(−b t) + c, 10 points, from (1, 1, 0)
    x0 = jnp.asarray(p.x0, float)
    mu0 = 1e-3
    lm = least_squares(p.residual_fn, x0, levenberg_marquardt(damping=mu0), max_steps=200, gtol=_GTOL, record=True)
    sd = least_squares(p.residual_fn, x0, steepest_descent(line_search="exact"), max_steps=5000, gtol=_GTOL, record=True)
    claims.append(("LM (adaptive μ) fits y = a e^(−bt) + c in a handful of steps, ‖∇E‖ ≤ 1e-6",
                   "few steps", f"{int(lm.num_steps)} steps", bool(lm.converged) and int(lm.num_steps) <= 15))
    claims.append(("steepest descent (exact search) needs many more", "≫ LM", f"{int(sd.num_steps)} steps",
                   bool(sd.converged) and int(sd.num_steps) > 10 * int(lm.num_steps)))
    # 1e-10 relative: both stop at ‖∇E‖ ≤ 1e-6 near a well-conditioned minimum (E − E* ~ ‖∇E‖²/λ)
    claims.append(("both reach the same minimum E*", _g(p.f_star, 10),
                   f"LM {_g(float(lm.value), 10)}, SD {_g(float(sd.value), 10)}",
                   _close(p.f_star, [float(lm.value), float(sd.value)], rtol=1e-8)))
    mu = float(lm.state.damping)
    claims.append(("μ shrinks after steps that lower E: LM becomes Gauss–Newton near the minimum",
                   f"μ ≪ μ0 = {mu0:g}", f"μ = {_g(mu, 2)}", mu < mu0))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
    runs = {"Levenberg–Marquardt": lm, "steepest descent, exact": sd}
    plotting.plot_loss_curves(runs, f_star=p.f_star, ax=left, title="E(w_k) − E*")
    left.set_xscale("symlog", linthresh=10)  # LM's few steps linear, steepest descent's hundreds logarithmic
    left.set_xlim(left=0)
    t = np.asarray(mgh.EXPONENTIAL_FIT_T)
    grid = np.linspace(t[0], t[-1], 200)

    def model(w):
        return float(w[0]) * np.exp(-float(w[1]) * grid) + float(w[2])

    right.scatter(t, mgh.EXPONENTIAL_FIT_Y, color="k", zorder=3, label="data")
    right.plot(grid, model(p.x0), ":", color="0.5", label="start (1, 1, 0)")
    for label, r in runs.items():
        right.plot(grid, model(r.params), label=f"{label}: " + ", ".join(f"{float(v):.3f}" for v in r.params))
    right.set(xlabel="t", ylabel="y", title="y = a·exp(−b t) + c")
    right.legend(fontsize="small")
    return fig


# ----------------------------------------------------------------------------------------------
# L3: the notebook — §10.7
# ----------------------------------------------------------------------------------------------


@_example("l3_sin_regression", "A 1-10-20-10-1 ReLU MLP learns sin(x) + U(0, 0.8) with Adam", "L3 notebook, §10.7",
          x64=False)
def _sin_regression(claims, quick, plot, epochs: int | None = None, seed: int = 0, progress: bool = False):
    epochs = epochs or 1000  # the notebook's 1000 epochs take a few seconds: no shorter quick run
    data_key, init_key, fit_key = jax.random.split(jax.random.key(seed), 3)
    train, test = sr.sin_regression_data(data_key, n_train=100, n_test=100)
    params = mlp_init(init_key, sr.LAYER_SIZES, "xavier_uniform")
    params, history = fit(sr.mse_loss, params, train, adam(0.02), epochs=epochs, batch_size=16, key=fit_key,
                          sampling="shuffle", validation_data=test, progress=progress)
    x_test, y_test = test
    test_mse = float(sr.mse_loss(params, test))
    constant = float(jnp.mean((y_test - jnp.mean(train[1])) ** 2))  # predicting the training mean
    # 2×: on 100 noisy points the test MSE of this setup scatters over seeds (median 0.070, mean
    # 0.088 = 1.65× the floor over 32 seeds: issue 3's measurement); the notebook states no number
    claims.append((f"Adam η = 0.02, batch 16, {epochs} epochs: the MLP follows sin(x) + 0.4, test MSE near the noise floor",
                   f"≈ {sr.NOISE_FLOOR:.4f} = 0.8²/12",
                   f"{test_mse:.4f} ({test_mse / sr.NOISE_FLOOR:.2f}× floor; the mean predictor {constant:.3f})",
                   test_mse <= 2 * sr.NOISE_FLOOR))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
    grid = jnp.linspace(*sr.X_RANGE, 500)[:, None]
    left.scatter(x_test[:, 0], y_test[:, 0], s=12, color="0.5", label="test data")
    left.plot(grid[:, 0], sr.mlp_apply(params, grid)[:, 0], label=f"MLP (test MSE {test_mse:.4f})")
    left.plot(grid[:, 0], sr.bayes_predictor(grid)[:, 0], "--", label="sin(x) + 0.4")
    left.set(xlabel="x", ylabel="y", title="prediction vs test data")
    left.legend(loc="lower left", fontsize="small")
    plotting.plot_loss_curves({"train": history.train_loss, "test": history.val_loss}, ax=right,
                              title="MSE per epoch (noise floor dashed)")
    right.axhline(sr.NOISE_FLOOR, ls="--", color="0.4", lw=1)
    right.set_xlabel("epoch")
    return fig


# ----------------------------------------------------------------------------------------------
# L0: the learning-rate sweep and the analysis of critical points — §10.2, §10.3, §8
# ----------------------------------------------------------------------------------------------


@_example("l0_lr_sweep", "A learning-rate sweep of GD on 3x² + 2y² + 4z² + 6", "L0, §10.2")
def _lr_sweep(claims, quick, plot):
    del quick
    p = get_problem("separable_quadratic_l0")
    x0 = jnp.asarray(p.x0, float)
    rates = np.linspace(0.01, 0.3, 60)
    result = sweep(sgd, {"learning_rate": rates}, p.fun, x0, steps=100)
    diverged = np.asarray(result.diverged)
    bounds = analysis.learning_rate_bounds(p.fun, x0)
    claims.append(("per-axis optimal rates 1/λᵢ", _vec(wx.SEPARABLE_AXIS_RATES, 4),
                   _vec(np.sort(np.asarray(bounds.per_direction))[::-1][[1, 0, 2]], 4),
                   _close(sorted(wx.SEPARABLE_AXIS_RATES), np.sort(np.asarray(bounds.per_direction)), rtol=1e-12)))
    step = rates[1] - rates[0]
    claims.append((f"GD diverges exactly for η > 2/λmax (60 rates in [0.01, 0.3], grid step {step:.4f})",
                   f"η > {wx.SEPARABLE_DIVERGENCE_RATE:g}",
                   f"largest stable {_g(rates[~diverged].max(), 4)}, smallest diverged {_g(rates[diverged].min(), 4)}",
                   bool(np.all(diverged == (rates > wx.SEPARABLE_DIVERGENCE_RATE)))))
    to_tol = result.steps_to(p.f_star + 1e-10)
    early = np.asarray(result.values)[:, 7] - p.f_star  # f − 6 after 8 steps: before rounding at 6 hides it
    fastest = float(rates[np.argmin(np.where(diverged, np.inf, early))])
    claims.append(("the fastest single rate is 2/(λmin + λmax) = 1/6, not the slide's 1/8 (lowest f − 6 after 8 steps)",
                   f"{wx.SEPARABLE_BEST_RATE:.4f}", f"{fastest:.4f} (grid step {step:.4f})",
                   abs(fastest - wx.SEPARABLE_BEST_RATE) <= step))
    runs = {rate: _run(p.fun, x0, sgd(rate), 30).path() for rate in (wx.SEPARABLE_BEST_RATE, wx.SEPARABLE_SLIDE_RATE)}
    # ‖x_30‖ / ‖x_29‖ (x* = 0): at 1/8 the faster components have decayed by 2^−30 relative: 1e-6 holds
    contraction = [float(np.linalg.norm(x[-1]) / np.linalg.norm(x[-2])) for x in runs.values()]
    claims.append(("error contraction per step: max|1 − ηλᵢ| = 1/3 at η = 1/6, 1/2 at the slide's 1/8",
                   f"{wx.SEPARABLE_BEST_CONTRACTION:.4f}, {wx.SEPARABLE_SLIDE_CONTRACTION:.4f}",
                   f"{contraction[0]:.4f}, {contraction[1]:.4f}",
                   _close([wx.SEPARABLE_BEST_CONTRACTION, wx.SEPARABLE_SLIDE_CONTRACTION], contraction, rtol=1e-6)))
    if not plot:
        return None
    fig, (left, right) = _panels(plot)
    stable = ~diverged
    left.semilogy(rates[stable], early[stable], "o-", ms=3, label="stable")
    left.plot(rates[diverged], np.full(diverged.sum(), early[stable].max()), "x", color="tab:red", label="diverged")
    left.axvline(wx.SEPARABLE_BEST_RATE, ls="--", color="0.5", lw=1)
    left.set(xlabel="learning rate", ylabel="f − f* after 8 steps", title="error after 8 steps")
    left.legend(loc="upper left", fontsize="small")
    right.plot(rates, to_tol, "o-", ms=3)
    for rate, text in ((wx.SEPARABLE_BEST_RATE, "1/6"), (wx.SEPARABLE_SLIDE_RATE, "1/8 (slide)"),
                       (wx.SEPARABLE_DIVERGENCE_RATE, "1/4: diverges above")):
        right.axvline(rate, ls="--", color="0.5", lw=1)
        right.annotate(text, (rate, 1.0), xycoords=("data", "axes fraction"), rotation=90, va="top", fontsize="small")
    right.set(xlabel="learning rate", ylabel="steps to f − f* ≤ 1e-10", title="speed")
    return fig


@_example("l0_critical_points", "Critical points: classify by the Hessian's eigenvalues", "L0, L2, §8, §10.3")
def _critical_points(claims, quick, plot):
    del quick
    coupled = get_problem("coupled_quadratic_l0")
    x_star = jnp.asarray(wx.COUPLED_MINIMIZER)
    eig = np.asarray(analysis.hessian_eigenvalues(coupled.fun, x_star))
    kind = analysis.classify_critical_point(coupled.fun, x_star)
    claims.append(("x1² + x1(1 − x2) + x2² − x2x3 + x3² + x3 at (−1, −1, −1): eigenvalues 2 − √2, 2, 2 + √2",
                   _vec(wx.COUPLED_EIGENVALUES, 5) + ": minimum", f"{_vec(eig, 5)}: {kind}",
                   _close(wx.COUPLED_EIGENVALUES, eig, rtol=1e-12) and kind == "minimum"))
    saddle = get_problem("saddle")
    kind = analysis.classify_critical_point(saddle.fun, jnp.zeros(2))
    claims.append(("x² − y² at 0: eigenvalues of both signs", "saddle", kind, kind == "saddle"))
    slope = float(jax.grad(lambda x: jnp.tanh(x))(wx.TANH_SATURATED_X))
    claims.append(("a saturated unit: tanh′(4), the vanishing gradient", _g(wx.TANH_PRIME_AT_X_PRINTED),
                   _g(slope, 5), _close(wx.TANH_PRIME_AT_X, slope, rtol=1e-12)))

    # Every critical point of Himmelblau's function: ∇f = 0 solved as least squares on r = ∇f
    # (Levenberg–Marquardt from a grid of starts, one vmapped program), then classified.
    himmelblau = get_problem("himmelblau")
    grad = jax.grad(himmelblau.fun)
    starts = jnp.asarray(np.stack(np.meshgrid(np.linspace(-4.5, 4.5, 7), np.linspace(-4.5, 4.5, 7)), -1).reshape(-1, 2))
    solve = jax.jit(jax.vmap(lambda x: least_squares(grad, x, levenberg_marquardt(), max_steps=100, gtol=1e-12)))
    found = solve(starts)
    ok = np.linalg.norm(np.asarray(jax.vmap(grad)(found.params)), axis=1) < 1e-8  # ∇f = 0 (not a min of ‖∇f‖)
    solved = np.asarray(found.params)[ok]
    _, first = np.unique(np.round(solved, 6), axis=0, return_index=True)  # merge the same point found twice
    points = solved[np.sort(first)]
    kinds = [analysis.classify_critical_point(himmelblau.fun, jnp.asarray(x)) for x in points]
    counts = {k: kinds.count(k) for k in ("minimum", "maximum", "saddle", "degenerate")}
    claims.append(("Himmelblau's function: four minima (f = 0), one maximum, four saddle points",
                   "4, 1, 4",
                   (f"{counts['minimum']}, {counts['maximum']}, {counts['saddle']} "
                    f"({len(points)} critical points from {len(starts)} starts)"),
                   (counts["minimum"], counts["maximum"], counts["saddle"], counts["degenerate"]) == (4, 1, 4, 0)))
    minima = points[[k == "minimum" for k in kinds]]
    known = np.asarray(himmelblau.minimizers)
    # 1e-8: LM stopped at ‖∇f‖ < 1e-8 where the Hessian's smallest eigenvalue is ≈ 8 (≈ 1e-9 away)
    matched = all(np.min(np.linalg.norm(known - m, axis=1)) < 1e-8 for m in minima)
    claims.append(("… its minima are the known four", _vec(known[0], 3) + " and three more", f"all matched: {matched}",
                   matched and len(minima) == 4))
    if not plot:
        return None
    return plotting.plot_critical_points(himmelblau, points, kinds, figsize=(6.5, 5.5),
                                         title="Himmelblau: critical points by the Hessian's eigenvalues")


# ----------------------------------------------------------------------------------------------
# Running them
# ----------------------------------------------------------------------------------------------


def _check_names(names: Iterable[str] | None) -> list[str]:
    names = list(EXAMPLES) if names is None else list(names)
    unknown = [n for n in names if n not in EXAMPLES]
    if unknown:
        raise ValueError(f"unknown example(s) {', '.join(map(repr, unknown))}; valid: {', '.join(EXAMPLES)}")
    return names


def reproduce(name: str, *, quick: bool = False, plot: bool = True) -> Reproduction:
    """Run one entry of :data:`EXAMPLES`: its claims, and its figure when ``plot`` (needs matplotlib)."""
    return EXAMPLES[_check_names([name])[0]].run(quick=quick, plot=plot)


def reproduce_all(
    names: Iterable[str] | None = None,
    *,
    quick: bool = False,
    plot: bool = True,
    out: str | pathlib.Path | None = None,
    dpi: int = DPI,
    progress: Callable[[str], None] | None = None,
) -> list[Reproduction]:
    """Run every entry (or ``names``), in order; save each figure to ``out/<name>.png`` when given.

    Figures are saved and then dropped as they are made (``figure`` is ``None`` in the returned
    records when ``out`` is given), so memory stays flat over the whole tour.
    """
    names = _check_names(names)
    done = []
    for i, name in enumerate(names):
        if progress is not None:
            progress(f"[{i + 1}/{len(names)}] {name}: {EXAMPLES[name].title}")
        r = reproduce(name, quick=quick, plot=plot)
        if out is not None and r.figure is not None:
            r.save(out, dpi=dpi)
            r = dataclasses.replace(r, figure=None)
        done.append(r)
    return done


CLAIM_COLUMNS = ("example", "lecture claim", "lecture", "computed", "agrees?")


def claims_table(reproductions: Sequence[Reproduction], fmt: str = "text") -> str:
    """Every claim of ``reproductions`` in one table: ``"text"``, ``"markdown"`` or ``"csv"``."""
    rows = [(c.example, c.claim, c.lecture, c.computed, "yes" if c.agrees else "NO")
            for r in reproductions for c in r.claims]
    if fmt == "text":
        return text_table(CLAIM_COLUMNS, rows, max_widths=(None, 58, 26, 34, None))
    if fmt == "markdown":
        return markdown_table(CLAIM_COLUMNS, rows)
    if fmt == "csv":
        return csv_table(CLAIM_COLUMNS, rows)
    raise ValueError(f"fmt must be one of 'text', 'markdown', 'csv'; got {fmt!r}")


def example_main(
    name: str, argv: Sequence[str] | None = None, add_arguments: Callable[[Any], None] | None = None
) -> int:
    """The body of ``examples/<name>.py``: print the claims, save the PNG; exit status 1 if one disagrees.

    Arguments ``[PNG]`` (default ``./<name>.png``), ``--quick``, ``--no-plot``, and those that
    ``add_arguments(parser)`` adds, which reach the entry as keyword options.
    """
    example = EXAMPLES[_check_names([name])[0]]
    parser = argparse.ArgumentParser(prog=f"{name}.py", description=f"{example.title} ({example.source}).")
    parser.add_argument("png", nargs="?", default=f"{name}.png", help="where to save the figure")
    parser.add_argument("--quick", action="store_true", help="the tour's shorter settings")
    parser.add_argument("--no-plot", action="store_true", help="print the claims only")
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    options = {k: v for k, v in vars(args).items() if k not in ("png", "quick", "no_plot")}
    plot = not args.no_plot and importlib.util.find_spec("matplotlib") is not None
    r = example.run(quick=args.quick, plot=plot, **options)
    print(f"{example.title} ({example.source})")
    print(r.table(), end="")
    print(f"{sum(c.agrees for c in r.claims)} of {len(r.claims)} claims agree; {r.seconds:.1f} s")
    if r.figure is not None:
        r.figure.savefig(args.png, dpi=DPI)
        print(f"saved {args.png}")
    elif not args.no_plot:
        print("matplotlib is not installed: no plot")
    return 0 if r.agrees else 1
