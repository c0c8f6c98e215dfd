"""A pytest plugin that registers a throwaway optimizer, sign-SGD, before the tests are collected.

``python -m pytest -p throwaway_sign_sgd -k sign_sgd tests/test_transformations.py ...`` (with
``tests/`` on ``PYTHONPATH``) runs the registry-wide suites on it: what a new optimizer needs is
its module (here: tests/test_registry_extension.py defines ``sign_sgd``, ``scale_by_sign_sgd`` and
the NumPy loop ``sign_sgd_ref``), ONE registry entry and ONE case, and nothing else changes.
tests/test_registry_extension.py runs that and checks every suite collected and passed tests of it.
"""

import jax

jax.config.update("jax_enable_x64", True)  # as tests/conftest.py, which is imported after plugins

from cases import NONNEGATIVE, Case, register_case  # noqa: E402
from jaxopt_lectures.registry import OptimizerSpec, Variant, register  # noqa: E402
from test_registry_extension import scale_by_sign_sgd, sign_sgd, sign_sgd_ref  # noqa: E402

register(OptimizerSpec(
    "sign_sgd", sign_sgd, scale_by_sign_sgd, "gd", "not in the lectures: Bernstein et al. 2018, ALGORITHMS.md §1",
    defaults={"learning_rate": 0.05},
    variants={"sign": Variant(kwargs={}, lecture="Bernstein et al. 2018, alg. 1")},
))
register_case("sign_sgd", Case(
    reference=sign_sgd_ref,
    reference_overrides={"learning_rate": 0.1},  # moves ~1.5 units in 25 steps on that problem
    schedules={"sign": {}},
    ranges={"learning_rate": NONNEGATIVE},
    minimize_lr_decay=0.995,  # a step of ±η whatever the gradient: it hovers at distance ~η otherwise
))
