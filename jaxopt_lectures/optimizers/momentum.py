"""Momentum and Nesterov accelerated gradient (ALGORITHMS.md §2; lectures L0–L4).

Three momentum forms the lectures write, all selectable by ``form``:

* ``"classic"`` heavy ball (L2, L3 eq. 8, L4 implementation 1): v ← βv − ηg ; w ← w + v
* ``"ema"`` leaky average (L0, L1):                             v ← βv + (1−β)g ; w ← w − ηv
* ``"dampened"`` (L4 implementation 2):                        Δw ← −η(1−β)g + βΔw ; w ← w + Δw

The learning rate sits where the lecture puts it: inside the velocity for ``"classic"`` and
``"dampened"`` (the transformation chain scales by −η *before* accumulating), outside for
``"ema"``. With a constant η ``"ema"`` and ``"dampened"`` give the same iterates, and
``"classic"`` equals ``torch.optim.SGD(momentum=β)`` and ``optax.sgd(momentum=β)``; with a
schedule they differ exactly as the lecture formulas do.

Nesterov (L2, L4; Sutskever et al. 2013) evaluates the gradient at the look-ahead point:

    g̃ = ∇E(w + βv) ; v ← βv − ηg̃ ; w ← w + v

A gradient transformation receives ∇E at the parameters it holds, so we hold the look-ahead
point w̃ = w + βv instead. Substituting gives the re-parameterised update

    v ← βv − η∇E(w̃) ; w̃ ← w̃ + βv − η∇E(w̃)

whose parameter sequence is w̃ₜ = wₜ + βvₜ (and equals ``torch.optim.SGD(nesterov=True)``);
``tests/test_worked_examples.py`` runs the look-ahead loop by hand and checks this identity.

Facts the lectures state: on a flat region the step tends to η/(1−β) (L4), across a ravine
the oscillating component is damped to η/(1+β); ``"ema"`` averages about 1/(1−β) gradients (L0).
"""

from __future__ import annotations

from typing import Any, NamedTuple

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
    leafwise,
    learning_rate_scale,
    zeros_like_tree,
)

__all__ = ["MOMENTUM_FORMS", "momentum", "nesterov", "scale_by_momentum", "scale_by_nesterov"]

MOMENTUM_FORMS = ("classic", "ema", "dampened")


class MomentumState(NamedTuple):
    """Velocity v (or previous step Δw for the dampened form), one leaf per parameter."""

    velocity: Any


def scale_by_momentum(beta: Any = 0.9, *, form: str = "classic") -> optax.GradientTransformationExtraArgs:
    """Accumulate the incoming updates u into a velocity (ALGORITHMS.md §2).

    ``form="classic"``: v ← βv + u (``optax.trace``); ``"ema"`` and ``"dampened"``:
    v ← βv + (1−β)u. Returns v. Whether u is the gradient or the already scaled step −ηg is
    decided by where the learning rate stands in the chain; see :func:`momentum`.

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_momentum(0.5)
      >>> state = tx.init(jnp.zeros(2))
      >>> v, state = tx.update(jnp.array([1.0, -2.0]), state)
      >>> v, state = tx.update(jnp.array([1.0, -2.0]), state)   # v = 0.5 u + u
      >>> [round(float(x), 4) for x in v]
      [1.5, -3.0]
    """
    check_range("beta", beta, low=0.0, high=1.0, high_open=True)
    check_choice("form", form, MOMENTUM_FORMS)
    leak = form != "classic"

    def init(params):
        return MomentumState(zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args

        def leaf(u, v):
            b = as_compute(beta, u)
            uc, vc = u.astype(b.dtype), v.astype(b.dtype)
            new_v = b * vc + ((1 - b) * uc if leak else uc)  # v ← βv + (1−β)u  or  v ← βv + u
            new_v = new_v.astype(u.dtype)
            return new_v, new_v

        out, velocity = leafwise(leaf, updates, state.velocity, n_out=2)
        return out, MomentumState(velocity)

    return extra_args_transformation(init, update)


@rebuildable
def momentum(learning_rate: Any, beta: Any = 0.9, *, form: str = "classic") -> optax.GradientTransformationExtraArgs:
    """Gradient descent with momentum in the lecture's chosen form (ALGORITHMS.md §2).

    Args:
      learning_rate: η ≥ 0, number, array, tracer or optax schedule.
      beta: momentum coefficient β (α in L2/L3, μ in L1/L4), in [0, 1).
      form: ``"classic"`` v ← βv − ηg, w ← w + v (L2, L3 eq. 8, L4 impl. 1);
        ``"ema"`` v ← βv + (1−β)g, w ← w − ηv (L0, L1);
        ``"dampened"`` w ← w − η(1−β)g + βΔw (L4 impl. 2).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.momentum(0.1, beta=0.5)
      >>> g = jnp.array([1.0, -2.0]); state = opt.init(jnp.zeros(2))
      >>> u, state = opt.update(g, state)   # v = −ηg
      >>> u, state = opt.update(g, state)   # v = βv − ηg = −1.5 ηg
      >>> [round(float(x), 4) for x in u]
      [-0.15, 0.3]

    References:
      B. T. Polyak, "Some methods of speeding up the convergence of iteration methods", USSR
      Comput. Math. Math. Phys. 4(5) (1964) 1–17 (the heavy ball); Goodfellow, Bengio and
      Courville, Deep Learning (2016), §8.3.2, alg. 8.2 (L2's form). Lectures L0–L4 as above.
    """
    check_learning_rate(learning_rate)
    check_choice("form", form, MOMENTUM_FORMS)
    accumulate = scale_by_momentum(beta, form=form)
    if form == "ema":
        return chain(accumulate, learning_rate_scale(learning_rate))
    return chain(learning_rate_scale(learning_rate), accumulate)


class NesterovState(NamedTuple):
    """Velocity v of the look-ahead method, one leaf per parameter."""

    velocity: Any


def scale_by_nesterov(beta: Any = 0.9) -> optax.GradientTransformationExtraArgs:
    """Nesterov momentum on the look-ahead parameters: v ← βv + u ; return u + βv.

    With u = −η∇E(w̃) this is the re-parameterised look-ahead update of L2/L4 (see the module
    docstring); the same recurrence as ``optax.trace(nesterov=True)``.

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_nesterov(0.5)
      >>> d, _ = tx.update(jnp.array([1.0, -2.0]), tx.init(jnp.zeros(2)))   # u + β(βv + u), v = 0
      >>> [round(float(x), 4) for x in d]
      [1.5, -3.0]
    """
    check_range("beta", beta, low=0.0, high=1.0, high_open=True)

    def init(params):
        return NesterovState(zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args

        def leaf(u, v):
            b = as_compute(beta, u)
            uc = u.astype(b.dtype)
            new_v = b * v.astype(b.dtype) + uc  # v ← βv − η∇E(w̃)
            step = uc + b * new_v  # w̃ ← w̃ + βv − η∇E(w̃)
            return step.astype(u.dtype), new_v.astype(u.dtype)

        out, velocity = leafwise(leaf, updates, state.velocity, n_out=2)
        return out, NesterovState(velocity)

    return extra_args_transformation(init, update)


@rebuildable
def nesterov(learning_rate: Any, beta: Any = 0.9) -> optax.GradientTransformationExtraArgs:
    """Nesterov accelerated gradient, re-parameterised to take ∇E at the held parameters.

    Lecture L2, L4 (Sutskever et al. 2013), ALGORITHMS.md §2:
    g̃ = ∇E(w + βv), v ← βv − ηg̃, w ← w + v. The parameters this transformation moves are the
    look-ahead points w̃ = w + βv; their sequence equals ``torch.optim.SGD(nesterov=True)``.

    Args:
      learning_rate: η ≥ 0, number, array, tracer or optax schedule (η(t) enters the velocity).
      beta: momentum coefficient in [0, 1).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.nesterov(0.1, beta=0.9)
      >>> g = jnp.array([1.0, -2.0]); state = opt.init(jnp.zeros(2))
      >>> u, state = opt.update(g, state)   # v = −ηg ; w̃ moves by βv − ηg = −1.9 ηg
      >>> [round(float(x), 4) for x in u]
      [-0.19, 0.38]

    References:
      Y. Nesterov, "A method for solving the convex programming problem with convergence rate
      O(1/k²)", Soviet Math. Dokl. 27 (1983) 372–376; I. Sutskever, J. Martens, G. Dahl and
      G. Hinton, "On the importance of initialization and momentum in deep learning", ICML 2013
      (the momentum form L2 and L4 use); Goodfellow, Bengio and Courville, Deep Learning (2016),
      §8.3.3, alg. 8.3.
    """
    check_learning_rate(learning_rate)
    return chain(learning_rate_scale(learning_rate), scale_by_nesterov(beta))
