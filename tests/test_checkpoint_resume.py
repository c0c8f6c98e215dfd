"""Checkpoints of every optimizer of the registry (issue 14, item 3): 10 steps, save the parameters
and the optimizer state with :mod:`jaxopt_lectures.checkpoint`, restore them into a fresh ``init``
as template, 10 more steps — bitwise the 20 uninterrupted steps. Both halves run the same compiled
step on the same shapes, so equality is exact. A new registry entry is covered without edits here (its first variant in the default run, every
variant in the slow pass)."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxopt_lectures as jl
from invariant_problems import CASES, TREES, invariant_problem, one_per_entry, step_function


@pytest.mark.parametrize(("name", "kwargs"), one_per_entry(CASES))  # every variant in the slow pass
def test_ten_steps_saved_restored_and_ten_more_equal_twenty(name, kwargs, tmp_path):
    params = TREES["dict"]
    fun, residual_fn = invariant_problem(params)
    opt = optax.with_extra_args_support(jl.registry.get(name).make(**kwargs))
    step = jax.jit(step_function(opt, fun, residual_fn))

    def run(p, state, n):
        for _ in range(n):
            p, state = step(p, state)
        return p, state

    p20, s20 = run(params, opt.init(params), 20)
    p10, s10 = run(params, opt.init(params), 10)
    path = tmp_path / f"{name}.npz"
    jl.checkpoint.save(path, {"params": p10, "opt_state": s10})
    back = jl.checkpoint.restore(path, like={"params": params, "opt_state": opt.init(params)})
    assert jax.tree.structure(back["opt_state"]) == jax.tree.structure(s10)
    p, s = run(back["params"], back["opt_state"], 10)
    jax.tree.map(np.testing.assert_array_equal, p, p20)
    jax.tree.map(np.testing.assert_array_equal, s, s20)
    assert all(bool(jnp.all(jnp.isfinite(x))) for x in jax.tree.leaves(p20))
