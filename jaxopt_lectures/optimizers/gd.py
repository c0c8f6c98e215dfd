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
    """

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        return updates, state

    return extra_args_transformation(lambda params: ScaleBySgdState(), update)


@rebuildable
def sgd(learning_rate: Any) -> optax.GradientTransformationExtraArgs:
    """Gradient descent, ``w ← w − η g`` (ALGORITHMS.md §1; L0–L4).

    Args:
      learning_rate: η ≥ 0, a number, an array, a tracer or an optax schedule ``t ↦ η(t)``.

    Example:
      >>> import jax.numpy as jnp, optax
      >>> opt = sgd(0.1)
      >>> state = opt.init(jnp.ones(2))
      >>> updates, state = opt.update(jnp.ones(2), state)
      >>> updates
      Array([-0.1, -0.1], dtype=float32)
    """
    check_learning_rate(learning_rate)
    return chain(scale_by_sgd(), learning_rate_scale(learning_rate))
