"""Per-parameter adaptive rates: AdaGrad, RMSProp, AdaDelta (ALGORITHMS.md §3).

Every formula keeps the lecture's placement of ε selectable through ``eps_in_sqrt``:
``True`` divides by √(s + ε) (L0, L1, L4), ``False`` by √s + ε (L2, torch). Where the
accumulator is exactly zero the gradient is zero too (s ≥ g²), and the step is defined as 0
instead of 0/0 = NaN; that guard is the only addition to the lecture formulas.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from .recipe import rebuildable
from .base import (
    as_compute,
    chain,
    check_choice,
    check_learning_rate,
    check_range,
    extra_args_transformation,
    full_like_tree,
    global_sq_norm,
    is_concrete_positive,
    is_concrete_zero,
    leafwise,
    learning_rate_scale,
    saturate,
    zeros_like_tree,
)
from .momentum import scale_by_momentum, scale_by_nesterov

__all__ = [
    "RMSPROP_INITS",
    "adadelta",
    "adagrad",
    "rmsprop",
    "scale_by_adadelta",
    "scale_by_adagrad",
    "scale_by_rmsprop",
]

RMSPROP_INITS = ("zeros", "first_grad")


def _is_zero(x: Any) -> bool:
    """True when ``x`` is known now and 0 (tracers are never 'zero')."""
    return is_concrete_zero(x)


def _no_momentum(momentum: Any) -> bool:
    """Leave the momentum link out? Only for a Python number 0, decided by its type and value.

    An array or a tracer always gets the link (with α = 0 it computes the same step), so the
    chain has the same links whether ``momentum`` is concrete or traced — as under
    ``optax.inject_hyperparams``, which passes an array to ``init`` and a tracer under ``jit``.
    """
    return type(momentum) in (int, float) and momentum == 0


def divide_by_root(
    g: jax.Array, s: jax.Array, eps: jax.Array, eps_in_sqrt: bool, eps_positive: bool = False
) -> jax.Array:
    """g/√(s+ε) or g/(√s+ε) for s ≥ 0, and 0 where s = 0 and ε = 0 (then g = 0 too: no 0/0).

    The guard costs a compare and two selects per element; it is left out when the caller knows
    ε > 0 (``eps_positive``: the hyperparameter was a concrete positive number; inside ``jit``
    the ε arriving here is always a tracer), which keeps the update memory-bound.
    """
    guard = not eps_positive
    if eps_in_sqrt:
        t = s + eps
        if not guard:
            return g * jax.lax.rsqrt(t)
        return jnp.where(t == 0, 0, g * jax.lax.rsqrt(jnp.where(t == 0, 1, t)))  # NaN stays NaN
    t = jnp.sqrt(s) + eps
    if not guard:
        return g / t
    return jnp.where(t == 0, 0, g / jnp.where(t == 0, 1, t))  # NaN stays NaN


def _safe_div(a: jax.Array, b: jax.Array) -> jax.Array:
    """a/b, and 0 where b = 0 (there a = 0 too in the callers: g = 0 and ε = 0)."""
    return jnp.where(b == 0, 0, a / jnp.where(b == 0, 1, b))  # only the exact 0/0 is 0: NaN stays NaN


# --------------------------------------------------------------------------------------------
# AdaGrad
# --------------------------------------------------------------------------------------------


class AdagradState(NamedTuple):
    """Running sum of squared gradients s."""

    sum_of_squares: Any


def scale_by_adagrad(
    eps: Any = 1e-8, *, eps_in_sqrt: bool = True, initial_accumulator: Any = 0.0
) -> optax.GradientTransformationExtraArgs:
    """AdaGrad direction: s ← s + g² ; return g/√(s+ε) (or g/(√s+ε)). ALGORITHMS.md §3.

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_adagrad()
      >>> d, _ = tx.update(jnp.array([1.0, -2.0]), tx.init(jnp.zeros(2)))   # g/√(g² + ε) ≈ sign g
      >>> [round(float(x), 4) for x in d]
      [1.0, -1.0]
    """
    check_range("eps", eps, low=0.0)
    eps_positive = is_concrete_positive(eps)  # then no 0/0 guard is needed
    check_range("initial_accumulator", initial_accumulator, low=0.0)

    def init(params):
        return AdagradState(full_like_tree(params, initial_accumulator))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args

        def leaf(g, s):
            e = as_compute(eps, g)
            gc = g.astype(e.dtype)
            s = s.astype(e.dtype) + gc * gc  # s ← s + g²
            out = divide_by_root(gc, s, e, eps_in_sqrt, eps_positive)
            return out.astype(g.dtype), saturate(s, g.dtype)

        out, s = leafwise(leaf, updates, state.sum_of_squares, n_out=2)
        return out, AdagradState(s)

    return extra_args_transformation(init, update)


@rebuildable
def adagrad(
    learning_rate: Any,
    eps: Any = 1e-8,
    *, eps_in_sqrt: bool = True,
    initial_accumulator: Any = 0.0,
) -> optax.GradientTransformationExtraArgs:
    """AdaGrad (Duchi et al. 2011): s ← s + g² ; w ← w − η g/√(s+ε). ALGORITHMS.md §3.

    Args:
      learning_rate: η ≥ 0 (number, array, tracer or optax schedule).
      eps: ε ≥ 0.
      eps_in_sqrt: ``True`` η g/√(s+ε) as L0, L1, L4 write it (and ``optax.adagrad``);
        ``False`` η g/(√s+ε) as L2 writes it (δ + √s; and ``torch.optim.Adagrad``).
      initial_accumulator: s₀ ≥ 0 (0 in the lectures and torch, 0.1 in optax).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.adagrad(0.1)
      >>> g = jnp.array([1.0, -2.0]); state = opt.init(jnp.zeros(2))
      >>> u, state = opt.update(g, state)   # s = g²: the first step is η sign(g)
      >>> u, state = opt.update(g, state)   # s = 2g²: η sign(g)/√2
      >>> [round(float(x), 4) for x in u]
      [-0.0707, 0.0707]

    References:
      J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online learning and
      stochastic optimization", JMLR 12 (2011) 2121–2159; Goodfellow, Bengio and Courville,
      Deep Learning (2016), §8.5.1, alg. 8.4 (L2's δ + √s). Lectures L0, L1, L2, L4.
    """
    check_learning_rate(learning_rate)
    return chain(
        scale_by_adagrad(eps, eps_in_sqrt=eps_in_sqrt, initial_accumulator=initial_accumulator),
        learning_rate_scale(learning_rate),
    )


# --------------------------------------------------------------------------------------------
# RMSProp
# --------------------------------------------------------------------------------------------


class RmspropState(NamedTuple):
    """Step count, EMA of squared gradients s and (``centered``) EMA of gradients m̄."""

    count: jax.Array
    nu: Any
    mu: Any


def scale_by_rmsprop(
    decay: Any = 0.9,
    eps: Any = 1e-8,
    *,
    eps_in_sqrt: bool = True,
    centered: bool = False,
    init: str = "zeros",
    scalar: bool = False,
) -> optax.GradientTransformationExtraArgs:
    """RMSProp direction: s ← γs + (1−γ)g² ; return g/√(s+ε). ALGORITHMS.md §3.

    ``centered`` also tracks m̄ ← γm̄ + (1−γ)g and divides by √(s − m̄² + ε) (Graves 2013;
    ``torch.optim.RMSprop(centered=True)``). ``init="first_grad"`` starts from s = g₀² (L4's
    G(0) = (∇E(w₀))²), so the first step is ≈ η·sign(g₀). ``scalar`` keeps one accumulator of
    ‖g‖² over all parameters (L3 eq. 35).

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_rmsprop(0.9)
      >>> d, _ = tx.update(jnp.array([1.0, -2.0]), tx.init(jnp.zeros(2)))   # g/√(0.1 g²) = √10 sign g
      >>> [round(float(x), 4) for x in d]
      [3.1623, -3.1623]
    """
    check_range("decay", decay, low=0.0, high=1.0, high_open=True)
    if centered and _is_zero(decay):
        # γ = 0: s = g² and m̄ = g, so the variance estimate s − m̄² is 0 at every step
        raise ValueError("decay must lie in (0, 1) with centered=True (γ = 0 makes s − m̄² ≡ 0); got 0")
    check_range("eps", eps, low=0.0)
    eps_positive = is_concrete_positive(eps)  # then no 0/0 guard is needed
    check_choice("init", init, RMSPROP_INITS)
    if scalar and centered:
        raise ValueError("centered=True needs per-parameter statistics; it cannot be combined with scalar=True")
    first_grad = init == "first_grad"

    def init_fn(params):
        if scalar:
            leaves = jax.tree.leaves(params)
            dtype = jnp.result_type(*leaves) if leaves else jnp.float32
            nu = jnp.zeros((), dtype)
        else:
            nu = zeros_like_tree(params)
        mu = zeros_like_tree(params) if centered else None
        return RmspropState(jnp.zeros([], jnp.int32), nu, mu)

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        first = state.count == 0

        if scalar:
            sq = global_sq_norm(updates)
            g_ = as_compute(decay, sq)
            prev = jnp.where(first, sq, state.nu) if first_grad else state.nu.astype(sq.dtype)
            nu = g_ * prev + (1 - g_) * sq  # v ← γv + (1−γ)‖g‖²   (L3 eq. 35)

            def leaf(g):
                e = as_compute(eps, g)
                out = divide_by_root(g.astype(e.dtype), nu.astype(e.dtype), e, eps_in_sqrt, eps_positive)
                return out.astype(g.dtype)

            out = jax.tree.map(leaf, updates)
            return out, RmspropState(optax.safe_increment(state.count), saturate(nu, state.nu.dtype), None)

        def leaf(g, s, m):
            gam = as_compute(decay, g)
            e = as_compute(eps, g)
            gc = g.astype(gam.dtype)
            g2 = gc * gc
            s = s.astype(gam.dtype)
            if first_grad:
                s = jnp.where(first, g2, s)  # G(0) = g₀²  (L4)
            s = gam * s + (1 - gam) * g2  # s ← γs + (1−γ)g²
            if centered:
                m = gam * m.astype(gam.dtype) + (1 - gam) * gc  # m̄ ← γm̄ + (1−γ)g
                var = jnp.maximum(s - m * m, 0)  # ≥ 0 exactly; max() removes rounding below 0
                out = divide_by_root(gc, var, e, eps_in_sqrt, eps_positive=eps_positive)
                return out.astype(g.dtype), saturate(s, g.dtype), m.astype(g.dtype)
            out = divide_by_root(gc, s, e, eps_in_sqrt, eps_positive)
            return out.astype(g.dtype), saturate(s, g.dtype), None

        out, nu, mu = leafwise(leaf, updates, state.nu, state.mu, n_out=3)
        return out, RmspropState(optax.safe_increment(state.count), nu, mu if centered else None)

    return extra_args_transformation(init_fn, update)


@rebuildable
def rmsprop(
    learning_rate: Any,
    decay: Any = 0.9,
    eps: Any = 1e-8,
    *, eps_in_sqrt: bool = True,
    centered: bool = False,
    momentum: Any = 0.0,
    nesterov: bool = False,
    init: str = "zeros",
    scalar: bool = False,
) -> optax.GradientTransformationExtraArgs:
    """RMSProp (Tieleman & Hinton 2012): s ← γs + (1−γ)g² ; w ← w − η g/√(s+ε). ALGORITHMS.md §3.

    Args:
      learning_rate: η ≥ 0 (number, array, tracer or optax schedule).
      decay: γ (ρ in L2) in [0, 1).
      eps: ε ≥ 0.
      eps_in_sqrt: ``True`` √(s+ε) (L0, L1, L4; ``optax.rmsprop``); ``False`` √s + ε
        (``torch.optim.RMSprop``).
      centered: divide by the running variance s − m̄² instead of s (torch ``centered``).
      momentum: α in [0, 1): v ← αv − η g/√(s+ε) ; w ← w + v (torch ``momentum``).
      nesterov: with ``momentum > 0``, L2's RMSProp with Nesterov momentum (gradient at the
        look-ahead point w + αv), re-parameterised like :func:`nesterov`.
      init: ``"zeros"`` s₀ = 0, or ``"first_grad"`` s = g₀² at the first step (L4: G(0) = g₀²).
      scalar: one accumulator v ← γv + (1−γ)‖g‖² for all parameters (L3 eq. 35).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> g = jnp.array([1.0, -2.0])
      >>> opt = jl.rmsprop(0.1, decay=0.9)
      >>> u, _ = opt.update(g, opt.init(jnp.zeros(2)))   # s = 0.1 g²: √10 η sign(g)
      >>> [round(float(x), 4) for x in u]
      [-0.3162, 0.3162]
      >>> opt = jl.rmsprop(0.1, decay=0.9, init="first_grad")   # L4: s starts at g₀²
      >>> u, _ = opt.update(g, opt.init(jnp.zeros(2)))
      >>> [round(float(x), 4) for x in u]
      [-0.1, 0.1]

    References:
      T. Tieleman and G. Hinton, "Lecture 6.5 — rmsprop: divide the gradient by a running
      average of its recent magnitude", COURSERA: Neural Networks for Machine Learning (2012);
      A. Graves, "Generating sequences with recurrent neural networks", arXiv:1308.0850 (2013)
      (``centered``); Goodfellow, Bengio and Courville, Deep Learning (2016), §8.5.2, alg. 8.5
      and 8.6 (L2's Nesterov form). Lectures L0, L1, L2, L3 (eq. 35), L4.
    """
    check_learning_rate(learning_rate)
    check_range("momentum", momentum, low=0.0, high=1.0, high_open=True)
    if nesterov and _is_zero(momentum):
        raise ValueError("nesterov=True needs momentum in (0, 1); got momentum=0")
    parts = [
        scale_by_rmsprop(decay, eps, eps_in_sqrt=eps_in_sqrt, centered=centered, init=init, scalar=scalar),
        learning_rate_scale(learning_rate),
    ]
    if nesterov:
        parts.append(scale_by_nesterov(momentum))
    elif not _no_momentum(momentum):
        parts.append(scale_by_momentum(momentum, form="classic"))
    return chain(*parts)


# --------------------------------------------------------------------------------------------
# AdaDelta
# --------------------------------------------------------------------------------------------


class AdadeltaState(NamedTuple):
    """EMA of squared gradients G and of squared steps D."""

    grad_sq: Any
    step_sq: Any


def scale_by_adadelta(
    rho: Any = 0.9, eps: Any = 1e-6, *, eps_in_sqrt: bool = True
) -> optax.GradientTransformationExtraArgs:
    """AdaDelta direction (Zeiler 2012), ALGORITHMS.md §3.

    G ← ρG + (1−ρ)g² ; Δ = √(D+ε)/√(G+ε) ⊙ g ; D ← ρD + (1−ρ)Δ² ; return Δ.
    ``eps_in_sqrt=False`` uses L1's numerator √D + ε (the denominator stays √(G+ε)).

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_adadelta(0.9, 1e-6)
      >>> d, _ = tx.update(jnp.array([1.0, -2.0]), tx.init(jnp.zeros(2)))   # see :func:`adadelta`
      >>> [round(float(x), 6) for x in d]
      [0.003162, -0.003162]
    """
    check_range("rho", rho, low=0.0, high=1.0, high_open=True)
    check_range("eps", eps, low=0.0)
    # ε > 0 and ρ > 0 make every denominator below positive: no 0/0 guards needed
    guard = not (is_concrete_positive(eps) and is_concrete_positive(rho))
    div = _safe_div if guard else jnp.divide

    def init(params):
        return AdadeltaState(zeros_like_tree(params), zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args

        def leaf(g, gs, ds):
            r = as_compute(rho, g)
            e = as_compute(eps, g)
            gc = g.astype(r.dtype)
            gs = r * gs.astype(r.dtype) + (1 - r) * gc * gc  # G ← ρG + (1−ρ)g²
            ds = ds.astype(r.dtype)
            if not eps_in_sqrt:
                delta = divide_by_root((jnp.sqrt(ds) + e) * gc, gs, e, True, not guard)  # (√D+ε)/√(G+ε) g
                ds = r * ds + (1 - r) * delta * delta  # D ← ρD + (1−ρ)Δ²
                return delta.astype(g.dtype), saturate(gs, g.dtype), saturate(ds, g.dtype)
            # Same math, arranged for memory traffic (XLA:CPU has no multi-output fusion, so
            # each output is its own loop): D' is formed from g²(D+ε)/(G'+ε) = Δ², and Δ is
            # recovered from the new D' alone, Δ² = g²(D'+ρε)/(ρ(G'+ε) + (1−ρ)g²) (substitute
            # D' = ρD + (1−ρ)Δ² into Δ² = g²(D+ε)/(G'+ε) and solve), so the old D is read only
            # by the loop that overwrites it: no temporaries, no copies. The ratio g²/(G'+ε) is
            # formed first: it is at most 1/(1−ρ) (G' ≥ (1−ρ)g²), so it cannot overflow where
            # g²(D+ε) would; where g² itself overflowed so did G' (∞/∞, NaN), and the ratio is
            # its limit 1/(1−ρ). Δ below is then g/∞ = 0, the step Adam takes where v overflowed.
            g2 = gc * gc
            ratio = jnp.where(jnp.isinf(g2), 1 / (1 - r), div(g2, gs + e))
            ds = r * ds + (1 - r) * ratio * (ds + e)  # D ← ρD + (1−ρ)Δ²,  Δ² = g²(D+ε)/(G'+ε)
            if guard:
                delta = gc * jnp.sqrt(div(ds + r * e, r * (gs + e) + (1 - r) * g2))
            else:  # √a·(1/√b): a square root and a reciprocal root instead of a division
                delta = gc * jnp.sqrt(ds + r * e) * jax.lax.rsqrt(r * (gs + e) + (1 - r) * g2)
            return delta.astype(g.dtype), saturate(gs, g.dtype), saturate(ds, g.dtype)

        out, gs, ds = leafwise(leaf, updates, state.grad_sq, state.step_sq, n_out=3)
        return out, AdadeltaState(gs, ds)

    return extra_args_transformation(init, update)


@rebuildable
def adadelta(
    learning_rate: Any = 1.0, rho: Any = 0.9, eps: Any = 1e-6, *, eps_in_sqrt: bool = True
) -> optax.GradientTransformationExtraArgs:
    """AdaDelta: w ← w − η √(D+ε)/√(G+ε) ⊙ g (ALGORITHMS.md §3; L1, L4; Zeiler 2012).

    Args:
      learning_rate: η ≥ 0; 1 in Zeiler's paper and ``torch.optim.Adadelta``.
      rho: ρ in [0, 1).
      eps: ε ≥ 0.
      eps_in_sqrt: ``True`` √(D+ε)/√(G+ε) (L4, Zeiler, torch, optax); ``False`` (√D+ε)/√(G+ε) (L1).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.adadelta(1.0, rho=0.9, eps=1e-6)
      >>> u, _ = opt.update(jnp.array([1.0, -2.0]), opt.init(jnp.zeros(2)))
      >>> [round(float(x), 6) for x in u]   # D = 0: √ε/√(0.1 g² + ε) g ≈ √(ε/0.1) sign(g)
      [-0.003162, 0.003162]

    References:
      M. D. Zeiler, "ADADELTA: an adaptive learning rate method", arXiv:1212.5701 (2012),
      alg. 1. Lectures L1, L4.
    """
    check_learning_rate(learning_rate)
    return chain(scale_by_adadelta(rho, eps, eps_in_sqrt=eps_in_sqrt), learning_rate_scale(learning_rate))
