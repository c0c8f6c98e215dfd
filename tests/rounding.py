"""Comparing two runs that may round differently: the bound used where bitwise equality would
depend on the CPU.

Two programs that differ only in XLA:CPU's choice of kernel — another per-device batch size,
another device count, another CPU's vector width — may round one step differently: a fused
multiply-add where the other program rounds twice, or a sum added in another order. Either moves
the step by a few ulps of the largest number it touches. On the runs compared here (linear
recursions that contract or grow, and short nonlinear runs), a difference made at step j reaches
step k scaled by at most the run's growth between them, so after ``steps`` steps two rows differ
by at most ``steps · ulps · eps · scale`` with ``scale`` the largest magnitude the row held
(or ``floor``, the size of the start, when only the final point is kept).

Where the arithmetic of the two runs is the same program on the same shapes, the suite compares
bitwise instead (and says so at the call).
"""

import numpy as np


def assert_equal_to_rounding(actual, desired, *, steps: int, floor: float, ulps: int = 4) -> None:
    """``actual`` equals ``desired`` (NaN where it is NaN) to ``steps`` roundings of ``ulps`` ulps.

    Rows are the leading axis (configurations); each row's scale is the largest finite magnitude
    in it (at least ``floor``).
    """
    a, d = np.asarray(actual), np.asarray(desired)
    assert a.shape == d.shape and a.dtype == d.dtype, (a.shape, a.dtype, d.shape, d.dtype)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(d), err_msg="NaN in different places")
    rows_a, rows_d = a.reshape(len(a), -1), d.reshape(len(d), -1)
    magnitude = np.where(np.isfinite(rows_d), np.abs(rows_d), 0.0)
    scale = np.maximum(magnitude.max(axis=1), floor)
    tol = steps * ulps * np.finfo(d.dtype).eps * scale
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isnan(rows_d), 0.0, np.abs(rows_a - rows_d))
    bad = gap > tol[:, None]
    assert not bad.any(), (
        f"{int(bad.sum())} of {bad.size} differ by more than {steps} × {ulps} ulps of their row's scale; "
        f"worst gap / tolerance = {float(np.max(gap / tol[:, None])):.3g}"
    )
