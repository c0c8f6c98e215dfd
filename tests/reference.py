"""Plain NumPy (float64) reference loops of the lecture formulas, ALGORITHMS.md §1–4: the one import
point of the loops, which live by family in reference_gd.py (§1–2), reference_adaptive.py (§3
before Adam), reference_adam.py (§3, the Adam family) and reference_heuristics.py (§4), with their
shared helpers in reference_common.py.

Written from ALGORITHMS.md and the lectures it cites, not from the JAX code: each function is the
textbook loop a student would type after the lecture, one array operation per formula line, and
per-element ``for i`` loops with explicit ``if``/``else`` branches wherever the lecture's rule
branches per weight (Rprop, Quickprop, the delta rules). Each registry entry's case
(``tests/cases.py``) names its loop, and ``tests/test_reference_loops.py`` checks that every
optimizer and lecture variant of ``jaxopt_lectures`` reproduces these iterates in float64.

Conventions shared by every ``<name>_ref``:

* ``grad_fn(w)`` returns ∇E(w) for a flat float64 vector ``w``; ``w0`` is the start.
* The result is the list ``[w_0, w_1, ..., w_steps]`` of parameter vectors (copies).
* The step counter t starts at 1 (bias corrections use βᵗ with t = 1 on the first step).
* ``lr`` is η: a number, or a callable ``k ↦ η_k`` of the 0-based step index k = t − 1 (the
  convention of optax schedules: the first update uses η(0)).
* Keyword names and defaults are the lectures' (and ALGORITHMS.md's where it states them), named
  like the keyword arguments of the optimizers so a test can pass one dict to both.
* ``x / y`` where y = 0 only happens with ε = 0 and a weight whose gradients were all exactly 0;
  the lecture formula is then 0/0 and the step is 0 (``reference_common.safe_div`` says so in one
  place).
* Functions with per-element branches take an optional ``stats`` dict and count in it how often
  each branch ran, so tests can assert that a trajectory really exercised every branch.
"""

from __future__ import annotations

from reference_adam import adam_ref, adamax_ref, amsgrad_ref, nadam_ref, yogi_ref
from reference_adaptive import adadelta_ref, adagrad_ref, rmsprop_ref
from reference_common import GradFn  # noqa: F401  (was defined here; kept importable)
from reference_gd import momentum_ref, nesterov_ref, sgd_ref
from reference_heuristics import delta_bar_delta_ref, delta_delta_ref, quickprop_ref, rprop_ref

__all__ = [
    "adadelta_ref",
    "adagrad_ref",
    "adam_ref",
    "adamax_ref",
    "amsgrad_ref",
    "delta_bar_delta_ref",
    "delta_delta_ref",
    "momentum_ref",
    "nadam_ref",
    "nesterov_ref",
    "quickprop_ref",
    "rmsprop_ref",
    "rprop_ref",
    "sgd_ref",
    "yogi_ref",
]
