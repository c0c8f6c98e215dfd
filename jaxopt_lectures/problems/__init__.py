"""Test problems with their known minima and sources, each defined once (STYLE.md habit 9).

>>> from jaxopt_lectures.problems import get_problem
>>> p = get_problem("rosenbrock")
>>> p.x0.tolist(), p.x_star.tolist(), p.f_star
([-1.2, 1.0], [1.0, 1.0], 0.0)
>>> float(p.fun(p.x_star))
0.0

``PROBLEMS`` maps names to :class:`Problem` records; ``rosenbrock(n)`` builds the extended
Rosenbrock function for any even ``n`` (``rosenbrock(2)`` is the registered ``"rosenbrock"``).
The lectures' functions are in :mod:`.lectures`, the classic ones (Rosenbrock, Beale, Booth,
Himmelblau, ``sphere(n)``) in :mod:`.classic`, Moré–Garbow–Hillstrom's least-squares problems
(Wood, Powell singular, Freudenstein–Roth, Bard, Box 3-D, Osborne 1) and an exponential curve fit
in :mod:`.mgh` (``LEAST_SQUARES_PROBLEMS`` names the catalogue's problems for Gauss–Newton and LM);
the NIST StRD nonlinear-regression problems with their certified values in :mod:`.nist`
(``NIST_PROBLEMS``, kept apart from ``PROBLEMS``: each has two starts and a data set); the
regression data, L3's four losses, L0's sigmoid neuron and ``regression_problem`` in
:mod:`.regression`; L0's noisy-SGD quadratic as a data set (``noisy_quadratic_l0``, where a
decaying learning rate beats every constant one) in :mod:`.noisy_quadratic`; the worked examples'
numbers (ALGORITHMS.md §10) in :mod:`.worked_examples`.
"""

from . import lectures, classic  # noqa: I001  (registration order: the lectures' problems first)
from ._problem import PROBLEMS, Problem, get_problem, problem_names, register_problem
from .classic import beale, rosenbrock
from .lectures import quadratic_l0
from . import regression, worked_examples  # noqa: F401  (data problems; §10's numbers, once)
from ._problem import PROBLEM_KINDS
from .classic import booth, himmelblau, sphere
from .lectures import (
    coupled_quadratic_l0, error_surface_l0, parabola_l0, saddle, scaled_quadratic, separable_quadratic_l0,
    tanh_saturated,
)  # fmt: skip
from .regression import (
    REGRESSION_LOSSES, SIGMOID_NEURON_DATA, absolute_loss, hinge_loss, least_squares_loss, linear_params,
    linear_predict, linear_regression_data, logistic_loss, logistic_regression_data, regression_problem,
    sigmoid_neuron, sigmoid_neuron_loss, sigmoid_neuron_params,
)  # fmt: skip
from .sin_regression import NOISE_FLOOR, mlp_apply, mse_loss, sin_regression_data  # L3 notebook data
from . import noisy_quadratic  # noqa: I001  (L0's noisy SGD as a data set)
from .noisy_quadratic import noisy_quadratic_l0, noisy_quadratic_loss
from . import mgh  # noqa: I001  (registered after .classic: the MGH problems follow the classic ones)
from .mgh import (
    LEAST_SQUARES_PROBLEMS, bard, box_3d, exponential_fit, freudenstein_roth, osborne1, powell_singular, wood,
)  # fmt: skip
from . import nist
from .nist import NIST_PROBLEMS, NistProblem, get_nist_problem
from .training import TRAINING_PROBLEMS, TrainingProblem, get_training_problem, register_training_problem

__all__ = [
    "PROBLEMS",
    "TRAINING_PROBLEMS",
    "TrainingProblem",
    "get_training_problem",
    "register_training_problem",
    "Problem",
    "beale",
    "get_problem",
    "problem_names",
    "quadratic_l0",
    "register_problem",
    "rosenbrock",
]
__all__ += [
    "PROBLEM_KINDS", "REGRESSION_LOSSES", "SIGMOID_NEURON_DATA", "absolute_loss", "booth", "coupled_quadratic_l0",
    "error_surface_l0", "himmelblau", "hinge_loss", "least_squares_loss", "linear_params", "linear_predict", "linear_regression_data",
    "logistic_loss", "logistic_regression_data", "parabola_l0", "regression", "regression_problem", "saddle",
    "scaled_quadratic", "separable_quadratic_l0", "sigmoid_neuron", "sigmoid_neuron_loss", "sigmoid_neuron_params",
    "sphere", "tanh_saturated", "worked_examples",
]  # fmt: skip
__all__ += ["NOISE_FLOOR", "mlp_apply", "mse_loss", "sin_regression_data"]
__all__ += ["noisy_quadratic", "noisy_quadratic_l0", "noisy_quadratic_loss"]
__all__ += [
    "LEAST_SQUARES_PROBLEMS", "bard", "box_3d", "exponential_fit", "freudenstein_roth", "mgh", "osborne1",
    "powell_singular", "wood",
]  # fmt: skip
__all__ += ["NIST_PROBLEMS", "NistProblem", "get_nist_problem", "nist"]
