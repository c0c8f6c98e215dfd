"""The first-order optimizers' entries (ALGORITHMS.md §1–4): a learning rate, the gradient alone
(iRprop+ also the loss value). Adding one is one ``register(OptimizerSpec(...))`` here."""

from __future__ import annotations

from .. import optimizers as opt
from .spec import OptimizerSpec, Peer, Variant, register

__all__: list[str] = []  # the entries are reached through jaxopt_lectures.registry.REGISTRY

# our learning rate → theirs
_OPTAX_LR = {"learning_rate": "learning_rate"}
_TORCH_LR = {"learning_rate": "lr"}
_ADAM_OPTAX = {**_OPTAX_LR, "b1": "b1", "b2": "b2", "eps": "eps"}
_ADAM_TORCH = {**_TORCH_LR, "b1": "betas[0]", "b2": "betas[1]", "eps": "eps"}

register(OptimizerSpec(
    "sgd", opt.sgd, opt.scale_by_sgd, "gd", "L0–L4, ALGORITHMS.md §1",
    defaults={"learning_rate": 0.1},
    variants={"gd": Variant.of("L0–L4")},
    peers=(Peer("optax.sgd", "gd", arguments=_OPTAX_LR), Peer("torch.optim.SGD", "gd", arguments=_TORCH_LR)),
))
register(OptimizerSpec(
    "momentum", opt.momentum, opt.scale_by_momentum, "momentum", "L0–L4, ALGORITHMS.md §2",
    defaults={"learning_rate": 0.1, "beta": 0.9},
    variants={
        "classic": Variant.of("L2, L3 eq. 8, L4 impl. 1", form="classic"),
        "ema": Variant.of("L0, L1", form="ema"),
        "dampened": Variant.of("L4 impl. 2", form="dampened"),
    },
    peers=(
        Peer("optax.sgd", "classic", arguments={**_OPTAX_LR, "beta": "momentum"}),
        Peer("torch.optim.SGD", "classic", arguments={**_TORCH_LR, "beta": "momentum"}),
    ),
))
register(OptimizerSpec(
    "nesterov", opt.nesterov, opt.scale_by_nesterov, "momentum", "L2, L4, ALGORITHMS.md §2",
    defaults={"learning_rate": 0.1, "beta": 0.9},
    variants={"lookahead": Variant.of("L2, L4 (Sutskever 2013)")},
    peers=(
        Peer("optax.sgd", "lookahead", arguments={**_OPTAX_LR, "beta": "momentum"}, fixed={"nesterov": True},
              note="torch's and optax's parameters are our look-ahead points"),
        Peer("torch.optim.SGD", "lookahead", arguments={**_TORCH_LR, "beta": "momentum"}, fixed={"nesterov": True}),
    ),
))
register(OptimizerSpec(
    "adagrad", opt.adagrad, opt.scale_by_adagrad, "adaptive", "L0, L1, L2, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.5},
    variants={
        "eps_in_sqrt": Variant.of("L0, L1, L4", eps_in_sqrt=True),
        "eps_outside": Variant.of("L2", eps_in_sqrt=False),
        "initial_accumulator": Variant.of("optax's s0 = 0.1", initial_accumulator=0.1),
    },
    peers=(
        Peer("optax.adagrad", "initial_accumulator", arguments={**_OPTAX_LR, "eps": "eps", "initial_accumulator": "initial_accumulator_value"}),
        Peer("torch.optim.Adagrad", "eps_outside", arguments={**_TORCH_LR, "eps": "eps", "initial_accumulator": "initial_accumulator_value"}),
    ),
))
register(OptimizerSpec(
    "rmsprop", opt.rmsprop, opt.scale_by_rmsprop, "adaptive", "L0, L1, L2, L3, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={
        "eps_in_sqrt": Variant.of("L0, L1, L4", eps_in_sqrt=True),
        "eps_outside": Variant.of("torch", eps_in_sqrt=False),
        "centered": Variant.of("Graves 2013, torch centered", centered=True),
        "momentum": Variant.of("torch momentum", momentum=0.9),
        "nesterov": Variant.of("L2", momentum=0.9, nesterov=True),
        "first_grad": Variant.of("L4: G(0) = g0^2", init="first_grad"),
        "scalar": Variant.of("L3 eq. 35", scalar=True),
    },
    peers=(
        Peer("optax.rmsprop", "eps_in_sqrt", arguments={**_OPTAX_LR, "decay": "decay", "eps": "eps", "eps_in_sqrt": "eps_in_sqrt",
              "centered": "centered", "momentum": "momentum", "nesterov": "nesterov"}),
        Peer("torch.optim.RMSprop", "eps_outside", arguments={**_TORCH_LR, "decay": "alpha", "eps": "eps", "centered": "centered",
              "momentum": "momentum"}),
    ),
))
register(OptimizerSpec(
    "adadelta", opt.adadelta, opt.scale_by_adadelta, "adaptive", "L1, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 1.0},
    variants={
        "eps_in_sqrt": Variant.of("L4, Zeiler 2012", eps_in_sqrt=True),
        "eps_outside": Variant.of("L1", eps_in_sqrt=False),
    },
    peers=(
        Peer("optax.adadelta", "eps_in_sqrt", arguments={**_OPTAX_LR, "rho": "rho", "eps": "eps"}),
        Peer("torch.optim.Adadelta", "eps_in_sqrt", arguments={**_TORCH_LR, "rho": "rho", "eps": "eps"}),
    ),
))
register(OptimizerSpec(
    "adam", opt.adam, opt.scale_by_adam, "adam", "L0, L1, L3, L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={
        "kingma_ba": Variant.of("Kingma & Ba 2015, L0 slide"),
        "eps_in_sqrt": Variant.of("L0 alg. 6, L4", eps_in_sqrt=True),
        "no_bias_correction": Variant.of("L1", bias_correction=False),
        "scalar": Variant.of("L3 eq. 38", scalar=True),
    },
    peers=(Peer("optax.adam", "kingma_ba", arguments=_ADAM_OPTAX), Peer("torch.optim.Adam", "kingma_ba", arguments=_ADAM_TORCH)),
))
register(OptimizerSpec(
    "adamax", opt.adamax, opt.scale_by_adamax, "adam", "L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.02},
    variants={
        "catalogue": Variant.of("Kingma & Ba alg. 2, m/(u+eps)"),
        "eps_in_max": Variant.of("optax, torch", eps_in_max=True),
    },
    peers=(Peer("optax.adamax", "eps_in_max", arguments=_ADAM_OPTAX), Peer("torch.optim.Adamax", "eps_in_max", arguments=_ADAM_TORCH)),
))
register(OptimizerSpec(
    "nadam", opt.nadam, opt.scale_by_nadam, "adam", "L4, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"dozat": Variant.of("Dozat 2016", correction="dozat"), "adam": Variant.of("ALGORITHMS.md §3 literally", correction="adam")},
    peers=(Peer("optax.nadam", "dozat", arguments=_ADAM_OPTAX),),
))
register(OptimizerSpec(
    "yogi", opt.yogi, opt.scale_by_yogi, "adam", "L0, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"optax": Variant.of("optax.yogi"), "paper": Variant.of("Zaheer et al. alg. 2", bias_correction=False)},
    peers=(Peer("optax.yogi", "optax", arguments=_ADAM_OPTAX),),
))
register(OptimizerSpec(
    "amsgrad", opt.amsgrad, opt.scale_by_amsgrad, "adam", "L0, ALGORITHMS.md §3",
    defaults={"learning_rate": 0.01},
    variants={"corrected": Variant.of("optax", max_of="corrected"), "raw": Variant.of("torch amsgrad=True", max_of="raw")},
    peers=(
        Peer("optax.amsgrad", "corrected", arguments=_ADAM_OPTAX),
        Peer("torch.optim.Adam", "raw", arguments=_ADAM_TORCH, fixed={"amsgrad": True}),
    ),
))
register(OptimizerSpec(
    "rprop", opt.rprop, opt.scale_by_rprop, "heuristic", "L1, L3, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01},
    variants={
        "rprop-": Variant.of("L4", variant="rprop-"),
        "rprop+": Variant.of("L4, Riedmiller & Braun 1993", variant="rprop+"),
        "irprop-": Variant.of("L4, Igel & Huesken 2000", variant="irprop-"),
        "irprop+": Variant.of("L4, Igel & Huesken 2000", extra_args=("value",), variant="irprop+"),
    },
    peers=(
        Peer("torch.optim.Rprop", "irprop-", arguments={**_TORCH_LR, "eta_minus": "etas[0]", "eta_plus": "etas[1]",
              "min_step": "step_sizes[0]", "max_step": "step_sizes[1]"}),
    ),
))
register(OptimizerSpec(
    "delta_delta", opt.delta_delta, opt.scale_by_delta_delta, "heuristic", "L1, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01, "gamma": 1e-4},
    variants={"jacobs": Variant.of("Jacobs 1988")},
))
register(OptimizerSpec(
    "delta_bar_delta", opt.delta_bar_delta, opt.scale_by_delta_bar_delta, "heuristic", "L1, L3, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01, "kappa": 1e-3, "phi": 0.1, "theta": 0.7},
    variants={"jacobs": Variant.of("Jacobs 1988")},
))
register(OptimizerSpec(
    "quickprop", opt.quickprop, opt.scale_by_quickprop, "heuristic", "L1, L4, ALGORITHMS.md §4",
    defaults={"learning_rate": 0.01, "max_growth": 1.75},
    variants={"fahlman": Variant.of("Fahlman 1988")},
))
