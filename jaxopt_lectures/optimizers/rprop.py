"""Resilient backpropagation, Rprop, in the four variants L4 names (ALGORITHMS.md §4).

Step sizes adapt to the sign of gᵢ(t−1)·gᵢ(t):

    Δᵢ ← min(η⁺Δᵢ, Δmax)  if gᵢ(t−1)gᵢ(t) > 0
    Δᵢ ← max(η⁻Δᵢ, Δmin)  if gᵢ(t−1)gᵢ(t) < 0
    Δᵢ unchanged           otherwise
    wᵢ ← wᵢ − sign(gᵢ)Δᵢ

Variants differ only in what happens on a sign change (Riedmiller & Braun 1993; Igel & Hüsken
2000, 2003):

* ``"rprop-"`` as written above;
* ``"rprop+"`` undoes the previous weight step and forgets the gradient (gᵢ(t) := 0);
* ``"irprop-"`` takes no step and forgets the gradient; this is ``torch.optim.Rprop``;
* ``"irprop+"`` forgets the gradient and undoes the previous step only if the loss went up,
  E(t) > E(t−1); it needs the loss, passed as the extra argument ``value`` the optax way.

``optax.rprop`` is not used: in optax 0.2.8 it returns the previous step's update (one step
late) and has only iRprop−.
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
    check_order,
    check_range,
    extra_args_transformation,
    full_like_tree,
    leafwise,
    zeros_like_tree,
)

__all__ = ["RPROP_VARIANTS", "rprop", "scale_by_rprop"]

RPROP_VARIANTS = ("rprop-", "rprop+", "irprop-", "irprop+")


class RpropState(NamedTuple):
    """Per weight: one int8 ``code`` holding the sign of gᵢ(t−1) as the rule remembers it and
    the branch the last update took; the step sizes Δᵢ; for the '+' variants the last weight
    change Δwᵢ (and for iRprop+ the last loss).

    ``code = (sign + 1) + 4·branch`` with sign ∈ {−1, 0, 1} and branch 0 (Δ kept), 1 (grown)
    or 2 (shrunk); :attr:`prev_sign` and :attr:`branch` decode it. One byte per weight instead
    of a remembered gradient: only its sign enters the rule.
    """

    code: Any
    step_size: Any
    prev_step: Any
    prev_value: Any

    @property
    def prev_sign(self) -> Any:
        """sign gᵢ(t−1) as remembered (0 after a forgotten gradient), per leaf."""
        return jax.tree.map(_decode_sign, self.code)

    @property
    def branch(self) -> Any:
        """0: Δ kept, 1: Δ grown, 2: Δ shrunk at the last update, per leaf."""
        return jax.tree.map(_decode_branch, self.code)


_KEEP, _GROW, _SHRINK = 0, 1, 2


def _decode_sign(code: jax.Array) -> jax.Array:
    return (code & 3) - 1


def _decode_branch(code: jax.Array) -> jax.Array:
    return code >> 2


def _value_dtype(params: Any) -> Any:
    """The loss is stored in the widest float dtype of the parameters (float32 at least)."""
    leaves = jax.tree.leaves(params)
    return jnp.result_type(jnp.float32, *[x.dtype for x in leaves])


def _check_rprop_args(learning_rate, eta_minus, eta_plus, min_step, max_step, variant) -> None:
    check_learning_rate(learning_rate, allow_schedule=False)
    check_range("eta_minus", eta_minus, low=0.0, high=1.0, low_open=True, high_open=True)
    check_range("eta_plus", eta_plus, low=1.0, low_open=True)
    check_range("min_step", min_step, low=0.0)
    check_range("max_step", max_step, low=0.0, high=float("inf"))  # inf: no cap
    check_choice("variant", variant, RPROP_VARIANTS)
    check_order("min_step", min_step, "max_step", max_step)


def scale_by_rprop(
    learning_rate: Any = 0.01,
    eta_minus: Any = 0.5,
    eta_plus: Any = 1.2,
    min_step: Any = 1e-6,
    max_step: Any = 50.0,
    *,
    variant: str = "irprop-",
) -> optax.GradientTransformationExtraArgs:
    """Rprop primitive: returns the weight decrement sign(gᵢ)Δᵢ (or the undo of the last step).

    The result is meant to be negated (``optax.scale(-1)``); :func:`rprop` does that. The
    initial step Δ₀ is ``learning_rate``: it is state, so it cannot be a schedule.

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_rprop(0.1); g = jnp.array([1.0, -2.0]); state = tx.init(jnp.zeros(2))
      >>> d, state = tx.update(g, state)   # sign(g) Δ₀
      >>> d, state = tx.update(g, state)   # same signs: Δ ← η⁺Δ = 0.12
      >>> [round(float(x), 4) for x in d]
      [0.12, -0.12]
    """
    _check_rprop_args(learning_rate, eta_minus, eta_plus, min_step, max_step, variant)
    backtrack = variant in ("rprop+", "irprop+")
    needs_value = variant == "irprop+"

    def init(params):
        return RpropState(
            code=jax.tree.map(lambda x: jnp.ones_like(x, jnp.int8), params),  # sign 0, kept (and x's sharding)
            step_size=full_like_tree(params, learning_rate),
            prev_step=zeros_like_tree(params) if backtrack else None,
            prev_value=jnp.full((), jnp.inf, _value_dtype(params)) if needs_value else None,
        )

    def update(updates, state, params=None, value=None, **extra_args):
        del params, extra_args
        went_up = None
        if needs_value:
            if value is None:
                raise TypeError(
                    "rprop(variant='irprop+') needs the loss: call update(grads, state, params, value=loss)"
                )
            value = jnp.asarray(value, state.prev_value.dtype)
            went_up = value > state.prev_value  # E(t) > E(t−1)

        def leaf(g, code, step, dw_prev):
            em, ep = as_compute(eta_minus, g), as_compute(eta_plus, g)
            lo, hi = as_compute(min_step, g), as_compute(max_step, g)
            # Memory traffic (XLA:CPU gives every output its own loop): the new code is formed
            # first from g and the old code; the step sizes and the weight change then read
            # only the new code, so the old code has one reader (no copy) and g is read twice,
            # not three times.
            sign_g = jnp.sign(g).astype(jnp.int8)
            s = sign_g * _decode_sign(code)  # sign of gᵢ(t)·gᵢ(t−1)
            branch = jnp.where(s > 0, jnp.int8(_GROW), jnp.where(s < 0, jnp.int8(_SHRINK), jnp.int8(_KEEP)))
            forget = s < 0 if variant != "rprop-" else False  # '+'/'i' variants: gᵢ(t) := 0
            sign_keep = jnp.where(forget, jnp.int8(0), sign_g)
            code = (sign_keep + 1 + 4 * branch).astype(jnp.int8)

            branch = _decode_branch(code)
            step = step.astype(em.dtype)
            step = jnp.where(
                branch == _GROW,
                jnp.minimum(step * ep, hi),
                jnp.where(branch == _SHRINK, jnp.maximum(step * em, lo), step),
            )
            sign = _decode_sign(code).astype(em.dtype)
            if variant in ("rprop-", "irprop-"):
                dec = sign * step  # irprop−: sign 0, no step, where the sign flipped
            else:
                dw_prev = dw_prev.astype(em.dtype)
                undo = -dw_prev if variant == "rprop+" else jnp.where(went_up, -dw_prev, 0)
                dec = -jnp.where(branch == _SHRINK, undo, -sign * step)  # −Δwᵢ(t)
            dw_out = (-dec).astype(g.dtype) if backtrack else None
            return dec.astype(g.dtype), code, step.astype(g.dtype), dw_out

        dec, code, step, dw = leafwise(leaf, updates, state.code, state.step_size, state.prev_step, n_out=4)
        # without backtracking there is no Δw to keep: None, as init made it (a tree of None
        # leaves would change the state's structure after the first update)
        return dec, RpropState(code, step, dw if backtrack else None, value if needs_value else None)

    return extra_args_transformation(init, update)


@rebuildable
def rprop(
    learning_rate: Any = 0.01,
    eta_minus: Any = 0.5,
    eta_plus: Any = 1.2,
    min_step: Any = 1e-6,
    max_step: Any = 50.0,
    *, variant: str = "irprop-",
) -> optax.GradientTransformationExtraArgs:
    """Rprop: wᵢ ← wᵢ − sign(gᵢ)Δᵢ with sign-adapted Δᵢ (L1, L3, L4; ALGORITHMS.md §4).

    Args:
      learning_rate: the initial step Δ₀ ≥ 0 (0.1 or 0.01 in the lectures; 0.01 in torch).
      eta_minus: η⁻ in (0, 1), the shrink factor on a sign change.
      eta_plus: η⁺ > 1, the growth factor while the sign holds.
      min_step, max_step: Δmin ≤ Δmax, both ≥ 0.
      variant: ``"rprop-"``, ``"rprop+"``, ``"irprop-"`` (default; = ``torch.optim.Rprop``)
        or ``"irprop+"`` (pass the loss as ``value=`` to ``update``).

    Examples:
      >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
      >>> f = lambda w: jnp.sum(w ** 2)
      >>> opt = jl.rprop(0.1, variant="irprop+")
      >>> w = jnp.array([1.0, -2.0]); state = opt.init(w)
      >>> for _ in range(3):   # the signs hold: Δ = 0.1, 0.12, 0.144, whatever |g| is
      ...     u, state = opt.update(jax.grad(f)(w), state, w, value=f(w))
      ...     w = w + u
      ...     print([round(float(x), 4) for x in u])
      [-0.1, 0.1]
      [-0.12, 0.12]
      [-0.144, 0.144]

    References:
      M. Riedmiller and H. Braun, "A direct adaptive method for faster backpropagation
      learning: the RPROP algorithm", IEEE Int. Conf. on Neural Networks (1993) 586–591;
      C. Igel and M. Hüsken, "Improving the Rprop learning algorithm", Proc. 2nd Int. Symposium
      on Neural Computation (NC 2000) 115–121 (iRprop−, iRprop+). Lectures L1, L3, L4.
    """
    return chain(scale_by_rprop(learning_rate, eta_minus, eta_plus, min_step, max_step, variant=variant), optax.scale(-1.0))
