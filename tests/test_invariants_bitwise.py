"""Registry-wide (issue 14, item 2): under ``jit`` every optimizer and variant computes the bits
eager execution computes, once XLA:CPU's two rewrites that round otherwise (FMA contraction and
the algebraic simplifier) are switched off. A new registry entry is covered without edits here.
Part of the suite of test_invariants.py; cases, trees, the problem and the worker
(``jit_eager_mismatches``): invariant_problems.py.
"""

import json
import os
import platform
import subprocess
import sys

import pytest

from invariant_problems import CASES, one_per_entry


# --------------------------------------------------------------------------------------------
# jit and eager: the same bits
# --------------------------------------------------------------------------------------------

# XLA:CPU's compiled program rounds otherwise than the same operations run one by one in exactly
# two ways here: LLVM contracts a·b + c into one fused multiply-add (one rounding instead of two;
# AVX2 and later have the instruction), and the algebraic simplifier reassociates and folds
# constants — (1 − β)·(−η·g) into (−η(1 − β))·g in momentum's dampened form, Nadam's β1·m/c,
# the dense products of Newton, Gauss–Newton and Levenberg–Marquardt. Both move an update by an
# ulp or so (measured: ≤ 4e-16 relative in float64, 2e-15 after LM's CG); test_transformations.py
# and test_second_order.py compare jit with eager to that rounding on the machine's own ISA. Here
# the two are switched off, and then every update and state is equal bit for bit: nothing else
# (a hyperparameter baked in at another precision, a branch taken at trace time, a weak type)
# tells the compiled program from eager execution.
_NO_FMA_NO_ALGSIMP = "--xla_cpu_max_isa=AVX --xla_disable_hlo_passes=algsimp"


_BITWISE_RUNS = [
    pytest.param("dict", "one variant per entry", id="float64 dict-one variant per entry", marks=pytest.mark.slow),
    pytest.param("dict", "every variant", id="float64 dict-every variant", marks=pytest.mark.slow),
    pytest.param("float32 dict", "every variant", id="float32 dict-every variant", marks=pytest.mark.slow),
]


_X86 = platform.machine().lower() in ("x86_64", "amd64")


@pytest.mark.skipif(not _X86, reason="--xla_cpu_max_isa=AVX names an x86 level")
@pytest.mark.parametrize(("tree", "which"), _BITWISE_RUNS)
def test_jit_and_eager_give_the_same_bits_without_fma_and_reassociation(tree, which):
    import jaxopt_lectures
    from hang_guard import HANG_GUARD_SECONDS

    if which == "every variant":
        ids = [c.id for c in CASES]
    else:
        ids = [c.id for c in one_per_entry(CASES) if not c.marks]
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(jaxopt_lectures.__file__)))
    worker = (
        "import json, sys\n"
        "import jax\n"
        "jax.config.update('jax_enable_x64', True)\n"  # as tests/conftest.py
        f"sys.path[:0] = [{package_root!r}, {tests_dir!r}]\n"
        "import invariant_problems\n"
        f"print(json.dumps(invariant_problems.jit_eager_mismatches({ids!r}, {tree!r})))\n"
    )
    flags = f"{os.environ.get('XLA_FLAGS', '')} {_NO_FMA_NO_ALGSIMP}".strip()
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "XLA_FLAGS": flags}
    run = dict(env=env, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    proc = subprocess.run([sys.executable, "-c", worker], **run)
    assert proc.returncode == 0, proc.stderr[-4000:]
    failures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not failures, "\n\n".join(failures)
