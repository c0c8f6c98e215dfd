"""The one wall-clock limit the tests carry: a guard on subprocesses that turns a hang into a failure.

Speed is measured in ``benchmarks/``, never asserted here. Thirty minutes is far above any healthy
subprocess of the suite on a loaded two-core machine (the longest, ``tour --quick``, takes about
100 s), so the guard cannot fail a run that is merely slow.
"""

HANG_GUARD_SECONDS = 30 * 60
