"""jaxopt_lectures: the optimizers of five neural-network optimization lectures as optax transformations.

Every optimizer is an optax ``GradientTransformation`` (those needing the loss take it as an extra
argument the optax way), so it drops into ``optax.chain``, ``optax.MultiSteps`` and any Flax or
Equinox training loop. The specification is ALGORITHMS.md; each docstring cites its section.
"""

from . import checkpoint, init, registry, schedules
from .optimizers import *  # noqa: F403  (the flat public API)
from .optimizers import __all__ as _optimizers_all
from .solve import OptimizeResult, least_squares, minimize
from .train import fit

__version__ = "0.1.0"
__all__ = ["OptimizeResult", "checkpoint", "fit", "init", "least_squares", "minimize", "registry", "schedules", *_optimizers_all]
from .linesearch import *  # noqa: E402,F403  (step rules, ALGORITHMS.md §6)
__all__ += linesearch.__all__  # noqa: F405  (the submodule is bound by the import above)
from .second_order import *  # noqa: E402,F403  (curvature methods, ALGORITHMS.md §7)
__all__ += second_order.__all__  # noqa: F405
from .sweeps import *  # noqa: E402,F403  (hyperparameter sweeps: one compiled program, many devices)
__all__ += sweeps.__all__  # noqa: F405
from .analysis import *  # noqa: E402,F403  (Hessian spectra, learning-rate bounds, Lipschitz estimates, ALGORITHMS.md §8)
__all__ += ["analysis", *analysis.__all__]  # noqa: F405


def _export_registered() -> None:
    """Every registered optimizer is ``jaxopt_lectures.<name>``, its primitive ``scale_by_<name>``
    (the registry says so), also one whose module no family's ``__init__`` lists."""
    for spec in registry.REGISTRY.values():
        for name, fn in ((spec.name, spec.factory), (getattr(spec.primitive, "__name__", ""), spec.primitive)):
            if name and name not in globals():
                globals()[name] = fn
                __all__.append(name)


_export_registered()
