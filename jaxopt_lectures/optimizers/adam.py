"""Adam and its relatives: AdaMax, Nadam, Yogi, AMSGrad (ALGORITHMS.md §3; L0, L1, L3, L4).

Adam (Kingma & Ba 2015, algorithm 1):

    m ← β1 m + (1−β1) g ; v ← β2 v + (1−β2) g² ; m̂ = m/(1−β1ᵗ) ; v̂ = v/(1−β2ᵗ)
    w ← w − η m̂/(√v̂ + ε)

Lecture variants: ε inside the root (L0 algorithm 6, L4), no bias correction (L1), and a
scalar second moment from ‖g‖² (L3 eq. 38). The relatives change one line each; their flags
reproduce optax's and torch's conventions where those differ from the catalogue formula, so a
user can match either. Where v (or u) is exactly zero the gradients so far were all zero, so
m = 0 too and the step is defined as 0 instead of 0/0.
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
    is_concrete_positive,
    extra_args_transformation,
    full_like_tree,
    global_sq_norm,
    leafwise,
    learning_rate_scale,
    power,
    saturate,
    zeros_like_tree,
)
from .adaptive import divide_by_root

__all__ = [
    "AMSGRAD_MAX_OF",
    "NADAM_CORRECTIONS",
    "adam",
    "adamax",
    "amsgrad",
    "nadam",
    "scale_by_adam",
    "scale_by_adamax",
    "scale_by_amsgrad",
    "scale_by_nadam",
    "scale_by_yogi",
    "yogi",
]

NADAM_CORRECTIONS = ("dozat", "adam")
AMSGRAD_MAX_OF = ("corrected", "raw")


class AdamState(NamedTuple):
    """Step count t, first moment m, second moment v (a scalar when ``scalar=True``)."""

    count: jax.Array
    mu: Any
    nu: Any


def _check_betas(b1: Any, b2: Any, eps: Any) -> None:
    check_range("b1", b1, low=0.0, high=1.0, high_open=True)
    check_range("b2", b2, low=0.0, high=1.0, high_open=True)
    check_range("eps", eps, low=0.0)


def _scalar_nu_like(params: Any) -> jax.Array:
    leaves = jax.tree.leaves(params)
    return jnp.zeros((), jnp.result_type(*leaves) if leaves else jnp.float32)


def scale_by_adam(
    b1: Any = 0.9,
    b2: Any = 0.999,
    eps: Any = 1e-8,
    *,
    eps_in_sqrt: bool = False,
    bias_correction: bool = True,
    scalar: bool = False,
) -> optax.GradientTransformationExtraArgs:
    """Adam direction m̂/(√v̂ + ε) (Kingma & Ba 2015 alg. 1; ALGORITHMS.md §3). See :func:`adam`.

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_adam()
      >>> d, _ = tx.update(jnp.array([1.0, -2.0]), tx.init(jnp.zeros(2)))   # m̂ = g, v̂ = g² at t = 1
      >>> [round(float(x), 4) for x in d]
      [1.0, -1.0]
    """
    _check_betas(b1, b2, eps)
    eps_positive = is_concrete_positive(eps)  # then no 0/0 guard is needed

    def init(params):
        nu = _scalar_nu_like(params) if scalar else zeros_like_tree(params)
        return AdamState(jnp.zeros([], jnp.int32), zeros_like_tree(params), nu)

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        count = optax.safe_increment(state.count)
        if scalar:
            sq = global_sq_norm(updates)
            beta2 = as_compute(b2, sq)
            nu_s = beta2 * state.nu.astype(sq.dtype) + (1 - beta2) * sq  # v ← β2v + (1−β2)‖g‖²  (L3 eq. 38)

        def leaf(g, m, v):
            beta1, beta2, e = as_compute(b1, g), as_compute(b2, g), as_compute(eps, g)
            gc = g.astype(e.dtype)
            m = beta1 * m.astype(e.dtype) + (1 - beta1) * gc  # m ← β1m + (1−β1)g
            if scalar:
                v = nu_s.astype(e.dtype)
            else:
                v = beta2 * v.astype(e.dtype) + (1 - beta2) * gc * gc  # v ← β2v + (1−β2)g²
            m_hat, v_hat = m, v
            if bias_correction:
                m_hat = m / (1 - power(beta1, count, e.dtype))  # m̂ = m/(1−β1ᵗ)
                v_hat = v / (1 - power(beta2, count, e.dtype))  # v̂ = v/(1−β2ᵗ)
            out = divide_by_root(m_hat, v_hat, e, eps_in_sqrt, eps_positive)  # m̂/(√v̂+ε) or m̂/√(v̂+ε)
            return out.astype(g.dtype), m.astype(g.dtype), None if scalar else saturate(v, g.dtype)

        out, mu, nu = leafwise(leaf, updates, state.mu, None if scalar else state.nu, n_out=3)
        if scalar:
            nu = saturate(nu_s, state.nu.dtype)
        return out, AdamState(count, mu, nu)

    return extra_args_transformation(init, update)


@rebuildable
def adam(
    learning_rate: Any = 1e-3,
    b1: Any = 0.9,
    b2: Any = 0.999,
    eps: Any = 1e-8,
    *, eps_in_sqrt: bool = False,
    bias_correction: bool = True,
    scalar: bool = False,
) -> optax.GradientTransformationExtraArgs:
    """Adam: w ← w − η m̂/(√v̂ + ε) (Kingma & Ba 2015; ALGORITHMS.md §3; L0, L1, L3, L4).

    Args:
      learning_rate: η ≥ 0 (number, array, tracer or optax schedule); default 1e-3.
      b1, b2: decay rates β1, β2 in [0, 1).
      eps: ε ≥ 0.
      eps_in_sqrt: ``False`` m̂/(√v̂+ε) (Kingma & Ba, L0 slide, optax, torch); ``True``
        m̂/√(v̂+ε) (L0 algorithm 6, L4).
      bias_correction: ``False`` uses m and v directly (L1).
      scalar: one second moment from ‖g‖² over all parameters (L3 eq. 38).

    With the defaults the iterates equal ``optax.adam`` and ``torch.optim.Adam``.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> g = jnp.array([1.0, -2.0])
      >>> opt = jl.adam(0.1)
      >>> u, _ = opt.update(g, opt.init(jnp.zeros(2)))   # the first step is η sign(g) (§10.4)
      >>> [round(float(x), 4) for x in u]
      [-0.1, 0.1]
      >>> opt = jl.adam(0.1, bias_correction=False)   # L1: m/(√v+ε) = 0.1g/√(0.001g²)
      >>> u, _ = opt.update(g, opt.init(jnp.zeros(2)))
      >>> [round(float(x), 4) for x in u]
      [-0.3162, 0.3162]

    References:
      D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization", ICLR 2015, alg. 1;
      Goodfellow, Bengio and Courville, Deep Learning (2016), §8.5.3, alg. 8.7. Lectures L0
      (alg. 6; the worked example of ALGORITHMS.md §10.4), L1, L3 (eq. 38), L4.
    """
    check_learning_rate(learning_rate)
    return chain(
        scale_by_adam(b1, b2, eps, eps_in_sqrt=eps_in_sqrt, bias_correction=bias_correction, scalar=scalar),
        learning_rate_scale(learning_rate),
    )


# --------------------------------------------------------------------------------------------
# AdaMax
# --------------------------------------------------------------------------------------------


def scale_by_adamax(
    b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, *, eps_in_max: bool = False
) -> optax.GradientTransformationExtraArgs:
    """AdaMax direction m/((1−β1ᵗ)(u+ε)) with u ← max(β2u, |g|). Examples: :func:`adamax`."""
    _check_betas(b1, b2, eps)
    eps_positive = is_concrete_positive(eps)  # then no 0/0 guard is needed

    def init(params):
        return AdamState(jnp.zeros([], jnp.int32), zeros_like_tree(params), zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        count = optax.safe_increment(state.count)

        def leaf(g, m, u):
            beta1, beta2, e = as_compute(b1, g), as_compute(b2, g), as_compute(eps, g)
            gc = g.astype(e.dtype)
            m = beta1 * m.astype(e.dtype) + (1 - beta1) * gc  # m ← β1m + (1−β1)g
            if eps_in_max:
                u = jnp.maximum(beta2 * u.astype(e.dtype), jnp.abs(gc) + e)  # u ← max(β2u, |g|+ε)
                denom = u
            else:
                u = jnp.maximum(beta2 * u.astype(e.dtype), jnp.abs(gc))  # u ← max(β2u, |g|)
                denom = u + e
            m_hat = m / (1 - power(beta1, count, e.dtype))  # m/(1 − β1ᵗ); a product of the
            # two denominators could underflow to 0 although each is > 0
            if eps_positive:
                out = m_hat / denom
            else:
                out = jnp.where(denom == 0, 0, m_hat / jnp.where(denom == 0, 1, denom))  # NaN stays NaN
            return out.astype(g.dtype), m.astype(g.dtype), u.astype(g.dtype)

        out, mu, nu = leafwise(leaf, updates, state.mu, state.nu, n_out=3)
        return out, AdamState(count, mu, nu)

    return extra_args_transformation(init, update)


@rebuildable
def adamax(
    learning_rate: Any = 2e-3, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, *, eps_in_max: bool = False
) -> optax.GradientTransformationExtraArgs:
    """AdaMax (Kingma & Ba 2015 alg. 2; named in L4; ALGORITHMS.md §3).

    u ← max(β2u, |g|) ; w ← w − η/(1−β1ᵗ) · m/(u+ε).

    Args:
      eps_in_max: ``False`` the catalogue's m/(u+ε); ``True`` u ← max(β2u, |g|+ε), m/u as
        ``optax.adamax`` and ``torch.optim.Adamax`` compute it.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> g = jnp.array([1.0, -2.0]); opt = jl.adamax(0.1); state = opt.init(jnp.zeros(2))
      >>> u, state = opt.update(g, state)   # u = |g|: η sign(g)
      >>> u, state = opt.update(g / 10, state)   # u = max(β2|g|, |g|/10) keeps the large gradient
      >>> [round(float(x), 4) for x in u]
      [-0.0527, 0.0527]

    References:
      D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization", ICLR 2015, §7.1,
      alg. 2. Lecture L4 (named there).
    """
    check_learning_rate(learning_rate)
    return chain(scale_by_adamax(b1, b2, eps, eps_in_max=eps_in_max), learning_rate_scale(learning_rate))


# --------------------------------------------------------------------------------------------
# Nadam
# --------------------------------------------------------------------------------------------


def scale_by_nadam(
    b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, *, correction: str = "dozat"
) -> optax.GradientTransformationExtraArgs:
    """Nadam direction m̄/(√v̂ + ε). Examples: :func:`nadam`."""
    _check_betas(b1, b2, eps)
    eps_positive = is_concrete_positive(eps)  # then no 0/0 guard is needed
    check_choice("correction", correction, NADAM_CORRECTIONS)

    def init(params):
        return AdamState(jnp.zeros([], jnp.int32), zeros_like_tree(params), zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        count = optax.safe_increment(state.count)

        def leaf(g, m, v):
            beta1, beta2, e = as_compute(b1, g), as_compute(b2, g), as_compute(eps, g)
            gc = g.astype(e.dtype)
            m = beta1 * m.astype(e.dtype) + (1 - beta1) * gc
            v = beta2 * v.astype(e.dtype) + (1 - beta2) * gc * gc
            c1 = 1 - power(beta1, count, e.dtype)  # 1 − β1ᵗ
            c1_next = 1 - power(beta1, count + 1, e.dtype) if correction == "dozat" else c1
            m_bar = beta1 * m / c1_next + (1 - beta1) * gc / c1  # m̄ = β1m̂ + (1−β1)g/(1−β1ᵗ)
            v_hat = v / (1 - power(beta2, count, e.dtype))
            out = divide_by_root(m_bar, v_hat, e, False, eps_positive=eps_positive)
            return out.astype(g.dtype), m.astype(g.dtype), saturate(v, g.dtype)

        out, mu, nu = leafwise(leaf, updates, state.mu, state.nu, n_out=3)
        return out, AdamState(count, mu, nu)

    return extra_args_transformation(init, update)


@rebuildable
def nadam(
    learning_rate: Any = 2e-3, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, *, correction: str = "dozat"
) -> optax.GradientTransformationExtraArgs:
    """Nadam, Adam with Nesterov momentum (Dozat 2016; named in L4; ALGORITHMS.md §3).

    m̄ = β1 m̂ + (1−β1) g/(1−β1ᵗ) replaces m̂ in Adam's step w ← w − η m̄/(√v̂ + ε).

    Args:
      correction: how m̂ in m̄ is bias-corrected. ``"dozat"``: m̂ = m/(1−β1ᵗ⁺¹), Dozat's
        constant-momentum form, equal to ``optax.nadam``; ``"adam"``: m̂ = m/(1−β1ᵗ), the
        formula as ALGORITHMS.md §3 writes it.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> g = jnp.array([1.0, -2.0])
      >>> for correction in ("dozat", "adam"):   # m̄/|g| = 0.09/0.19 + 1, resp. 0.9 + 1
      ...     opt = jl.nadam(0.1, correction=correction)
      ...     u, _ = opt.update(g, opt.init(jnp.zeros(2)))
      ...     print(correction, [round(float(x), 4) for x in u])
      dozat [-0.1474, 0.1474]
      adam [-0.19, 0.19]

    References:
      T. Dozat, "Incorporating Nesterov momentum into Adam", ICLR 2016 workshop track.
      Lecture L4 (named there).
    """
    check_learning_rate(learning_rate)
    return chain(scale_by_nadam(b1, b2, eps, correction=correction), learning_rate_scale(learning_rate))


# --------------------------------------------------------------------------------------------
# Yogi
# --------------------------------------------------------------------------------------------


def scale_by_yogi(
    b1: Any = 0.9,
    b2: Any = 0.999,
    eps: Any = 1e-3,
    *,
    initial_accumulator: Any = 1e-6,
    bias_correction: bool = True,
) -> optax.GradientTransformationExtraArgs:
    """Yogi direction m̂/(√v̂ + ε) with the additive v update. Examples: :func:`yogi`."""
    _check_betas(b1, b2, eps)
    eps_positive = is_concrete_positive(eps)  # then no 0/0 guard is needed
    check_range("initial_accumulator", initial_accumulator, low=0.0)

    def init(params):
        full = full_like_tree(params, initial_accumulator)
        return AdamState(jnp.zeros([], jnp.int32), full, full_like_tree(params, initial_accumulator))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        count = optax.safe_increment(state.count)

        def leaf(g, m, v):
            beta1, beta2, e = as_compute(b1, g), as_compute(b2, g), as_compute(eps, g)
            gc = g.astype(e.dtype)
            g2 = gc * gc
            m = beta1 * m.astype(e.dtype) + (1 - beta1) * gc
            v = v.astype(e.dtype)
            v = v - (1 - beta2) * jnp.sign(v - g2) * g2  # v ← v − (1−β2) sign(v − g²) g²
            m_hat, v_hat = m, v
            if bias_correction:
                m_hat = m / (1 - power(beta1, count, e.dtype))
                v_hat = v / (1 - power(beta2, count, e.dtype))
            out = divide_by_root(m_hat, v_hat, e, False, eps_positive=eps_positive)
            return out.astype(g.dtype), m.astype(g.dtype), saturate(v, g.dtype)

        out, mu, nu = leafwise(leaf, updates, state.mu, state.nu, n_out=3)
        return out, AdamState(count, mu, nu)

    return extra_args_transformation(init, update)


@rebuildable
def yogi(
    learning_rate: Any = 1e-2,
    b1: Any = 0.9,
    b2: Any = 0.999,
    eps: Any = 1e-3,
    *, initial_accumulator: Any = 1e-6,
    bias_correction: bool = True,
) -> optax.GradientTransformationExtraArgs:
    """Yogi (Zaheer et al. 2018; named in L0 as the fix of Adam's variance; ALGORITHMS.md §3).

    v ← v − (1−β2) sign(v − g²) g² replaces Adam's v ← β2v + (1−β2)g²; the step is Adam's.

    Args:
      initial_accumulator: m₀ = v₀ ≥ 0 (1e-6, as ``optax.yogi``; the defaults reproduce it).
      bias_correction: divide m and v by 1−βᵗ (as ``optax.yogi``); ``False`` is the paper's
        algorithm 2 literally.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.yogi(0.1)
      >>> u, _ = opt.update(jnp.array([1.0, -2.0]), opt.init(jnp.zeros(2)))
      >>> [round(float(x), 4) for x in u]   # ≈ η sign(g), a little less: ε = 1e-3, v₀ = 1e-6
      [-0.0999, 0.0999]

    References:
      M. Zaheer, S. Reddi, D. Sachan, S. Kale and S. Kumar, "Adaptive methods for nonconvex
      optimization", NeurIPS 2018, alg. 2. Lecture L0 (named there).
    """
    check_learning_rate(learning_rate)
    return chain(
        scale_by_yogi(b1, b2, eps, initial_accumulator=initial_accumulator, bias_correction=bias_correction),
        learning_rate_scale(learning_rate),
    )


# --------------------------------------------------------------------------------------------
# AMSGrad
# --------------------------------------------------------------------------------------------


class AmsgradState(NamedTuple):
    """Adam's state plus the running maximum of the second moment."""

    count: jax.Array
    mu: Any
    nu: Any
    nu_max: Any


def scale_by_amsgrad(
    b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, *, max_of: str = "corrected"
) -> optax.GradientTransformationExtraArgs:
    """AMSGrad direction m̂/(√v̂max + ε). Examples: :func:`amsgrad`."""
    _check_betas(b1, b2, eps)
    eps_positive = is_concrete_positive(eps)  # then no 0/0 guard is needed
    check_choice("max_of", max_of, AMSGRAD_MAX_OF)

    def init(params):
        z = zeros_like_tree
        return AmsgradState(jnp.zeros([], jnp.int32), z(params), z(params), z(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        count = optax.safe_increment(state.count)

        def leaf(g, m, v, vmax):
            beta1, beta2, e = as_compute(b1, g), as_compute(b2, g), as_compute(eps, g)
            gc = g.astype(e.dtype)
            m = beta1 * m.astype(e.dtype) + (1 - beta1) * gc
            v = beta2 * v.astype(e.dtype) + (1 - beta2) * gc * gc
            c2 = 1 - power(beta2, count, e.dtype)
            if max_of == "corrected":
                vmax = jnp.maximum(vmax.astype(e.dtype), v / c2)  # v̂max ← max(v̂max, v̂)
                v_hat = vmax
            else:
                vmax = jnp.maximum(vmax.astype(e.dtype), v)  # vmax ← max(vmax, v)
                v_hat = vmax / c2
            m_hat = m / (1 - power(beta1, count, e.dtype))
            out = divide_by_root(m_hat, v_hat, e, False, eps_positive=eps_positive)
            return out.astype(g.dtype), m.astype(g.dtype), saturate(v, g.dtype), saturate(vmax, g.dtype)

        out, mu, nu, nu_max = leafwise(leaf, updates, state.mu, state.nu, state.nu_max, n_out=4)
        return out, AmsgradState(count, mu, nu, nu_max)

    return extra_args_transformation(init, update)


@rebuildable
def amsgrad(
    learning_rate: Any = 1e-3, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, *, max_of: str = "corrected"
) -> optax.GradientTransformationExtraArgs:
    """AMSGrad (Reddi et al. 2018; Adam's divergence, L0; ALGORITHMS.md §3).

    Adam with v_max ← max(v_max, v) in the denominator, so the effective rate never grows.

    Args:
      max_of: ``"corrected"`` the maximum of the bias-corrected v̂ (``optax.amsgrad``);
        ``"raw"`` the maximum of v, corrected afterwards (``torch.optim.Adam(amsgrad=True)``).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> g = jnp.array([1.0, -2.0])
      >>> for opt in (jl.amsgrad(0.1), jl.adam(0.1)):   # a large gradient, then a small one
      ...     state = opt.init(jnp.zeros(2))
      ...     _, state = opt.update(g, state)
      ...     u, state = opt.update(g / 10, state)
      ...     print([round(float(x), 4) for x in u])   # AMSGrad keeps the larger v̂: a shorter step
      [-0.0526, 0.0526]
      [-0.0741, 0.0741]

    References:
      S. J. Reddi, S. Kale and S. Kumar, "On the convergence of Adam and beyond", ICLR 2018,
      alg. 2. Beyond the lectures: the fix of the Adam divergence L0 mentions.
    """
    check_learning_rate(learning_rate)
    return chain(scale_by_amsgrad(b1, b2, eps, max_of=max_of), learning_rate_scale(learning_rate))
