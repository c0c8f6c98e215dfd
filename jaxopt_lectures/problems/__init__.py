"""Test problems with their known minima and sources, each defined once (STYLE.md habit 9).

>>> from jaxopt_lectures.problems import get_problem
>>> p = get_problem("rosenbrock")
>>> p.x0.tolist(), p.x_star.tolist(), p.f_star
([-1.2, 1.0], [1.0, 1.0], 0.0)
>>> float(p.fun(p.x_star))
0.0

``PROBLEMS`` maps names to :class:`Problem` records; ``rosenbrock(n)`` builds the extended
Rosenbrock function for any even ``n`` (``rosenbrock(2)`` is the registered ``"rosenbrock"``).
"""

from . import lectures, classic  # noqa: I001  (registration order: the lectures' problems first)
from ._problem import PROBLEMS, Problem, get_problem, problem_names, register_problem
from .classic import beale, rosenbrock
from .lectures import quadratic_l0

__all__ = [
    "PROBLEMS",
    "Problem",
    "beale",
    "get_problem",
    "problem_names",
    "quadratic_l0",
    "register_problem",
    "rosenbrock",
]
