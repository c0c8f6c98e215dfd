"""First-order optimizers of the lectures, one module per family (ALGORITHMS.md §1–4)."""

from .adam import adam, adamax, amsgrad, nadam, scale_by_adam, scale_by_adamax, scale_by_amsgrad, scale_by_nadam, scale_by_yogi, yogi
from .adaptive import adadelta, adagrad, rmsprop, scale_by_adadelta, scale_by_adagrad, scale_by_rmsprop
from .delta_rules import delta_bar_delta, delta_delta, scale_by_delta_bar_delta, scale_by_delta_delta
from .gd import scale_by_sgd, sgd
from .momentum import momentum, nesterov, scale_by_momentum, scale_by_nesterov
from .quickprop import quickprop, scale_by_quickprop
from .rprop import rprop, scale_by_rprop

__all__ = [
    "adadelta", "adagrad", "adam", "adamax", "amsgrad", "delta_bar_delta", "delta_delta", "momentum",
    "nadam", "nesterov", "quickprop", "rmsprop", "rprop", "sgd", "yogi",
    "scale_by_adadelta", "scale_by_adagrad", "scale_by_adam", "scale_by_adamax", "scale_by_amsgrad",
    "scale_by_delta_bar_delta", "scale_by_delta_delta", "scale_by_momentum", "scale_by_nadam",
    "scale_by_nesterov", "scale_by_quickprop", "scale_by_rmsprop", "scale_by_rprop", "scale_by_sgd",
    "scale_by_yogi",
]
