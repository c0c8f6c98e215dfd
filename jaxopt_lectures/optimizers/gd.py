"""Plain gradient descent (ALGORITHMS.md §1; lectures L0–L4).

    w ← w − η g                                   (batch, stochastic and minibatch GD alike)

Batch, stochastic (B = 1) and minibatch GD differ only in which gradient is fed; the training
loop owns that. GD with η = 1/L (L3 eq. 3) is ``sgd(1 / L)`` with L from a Lipschitz estimate.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import optax

from .recipe import rebuildable
from .base import chain, check_learning_rate, extra_args_transformation, learning_rate_scale

__all__ = ["scale_by_sgd", "sgd"]


class ScaleBySgdState(NamedTuple):
    """Gradient descent keeps no state."""


def scale_by_sgd() -> optax.GradientTransformationExtraArgs:
    """The GD direction: the gradient itself (no state, no learning rate).

    Lecture L0–L4, ALGORITHMS.md §1. It exists so that every optimizer has a ``scale_by_<name>``
    primitive; it is ``optax.identity`` with the extra-args protocol and a float-params check.

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_sgd()
      >>> d, _ = tx.update(jnp.array([1.0, -2.0]), tx.init(jnp.zeros(2)))
      >>> [round(float(v), 4) for v in d]  # the gradient, unchanged
      [1.0, -2.0]
    """

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        return updates, state

    return extra_args_transformation(lambda params: ScaleBySgdState(), update)


@rebuildable
def sgd(learning_rate: Any) -> optax.GradientTransformationExtraArgs:
    """Gradient descent, ``w ← w − η g`` (ALGORITHMS.md §1; L0–L4).

    Lectures L0–L4 all start here; batch, stochastic and minibatch GD differ only in the g fed
    (the loop's choice), and η = 1/L (L3 eq. 3) is ``sgd(1 / L)``.

    Args:
      learning_rate: η ≥ 0, a number, an array, a tracer or an optax schedule ``t ↦ η(t)``.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.sgd(0.1)
      >>> state = opt.init(jnp.zeros(2))
      >>> updates, state = opt.update(jnp.array([1.0, -2.0]), state)   # −η g
      >>> [round(float(u), 4) for u in updates]
      [-0.1, 0.2]

    References:
      A. Cauchy, "Méthode générale pour la résolution des systèmes d'équations simultanées",
      C. R. Acad. Sci. Paris 25 (1847) 536–538; H. Robbins and S. Monro, "A stochastic
      approximation method", Ann. Math. Statist. 22 (1951) 400–407 (the stochastic version);
      Goodfellow, Bengio and Courville, Deep Learning (2016), §8.3.1, alg. 8.1 (as L2 writes it).
    """
    check_learning_rate(learning_rate)
    return chain(scale_by_sgd(), learning_rate_scale(learning_rate))
