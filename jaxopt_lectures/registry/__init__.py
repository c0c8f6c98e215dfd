"""The catalogue as data: every optimizer with every fact a consumer needs.

Tests, sweeps, the figures, the benchmarks and the command line iterate this registry instead of
naming algorithms, so a new optimizer is picked up everywhere by registering it once: its factory,
the name of its learning-rate argument (or ``None``), the extra arguments ``update`` needs (and
hence which loop drives it: :func:`jaxopt_lectures.minimize` or
:func:`jaxopt_lectures.least_squares`), defaults that work on the lectures' small problems, its
lecture variants as *name → keyword arguments*, and its peers in other libraries as structured
:class:`Peer` entries (callable, argument mapping, matching variant).

>>> from jaxopt_lectures.registry import REGISTRY, get
>>> spec = get("rprop")
>>> spec.family, spec.variants["irprop+"].extra_args, spec.learning_rate_arg
('heuristic', ('value',), 'learning_rate')
>>> dict(spec.variant_kwargs("rprop+"))
{'learning_rate': 0.01, 'variant': 'rprop+'}
>>> opt = spec.make_variant("rprop+")
>>> get("levenberg_marquardt").driver, get("lbfgs").driver
('least_squares', 'minimize')
>>> [p.target for p in get("adam").peers]
['optax.adam', 'torch.optim.Adam']

A spec is checked when it is registered: a name registered twice, a missing field, defaults or a
variant whose keyword arguments the factory rejects, or a peer naming an unknown variant fail
with a message naming the entry.
"""

# the entries register themselves on import, first-order ones first (the order of names() and of the tables)
from . import first_order  # noqa: F401  # isort: skip
from . import curvature  # noqa: F401  # isort: skip
from .spec import (
    CURVATURE_FAMILIES, DRIVERS, EXTRA_ARGS, FIRST_ORDER_FAMILIES, REGISTRY, OptimizerSpec, Peer, Variant, get, names,
    register, unregister,
)  # fmt: skip

__all__ = [
    "CURVATURE_FAMILIES", "DRIVERS", "EXTRA_ARGS", "FIRST_ORDER_FAMILIES", "REGISTRY", "OptimizerSpec", "Peer",
    "Variant", "get", "names", "register", "unregister",
]  # fmt: skip
