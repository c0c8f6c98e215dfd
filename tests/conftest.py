"""Tests run in float64 (the reference loops are float64); dtype tests build float32/bfloat16
arrays explicitly."""

import jax

jax.config.update("jax_enable_x64", True)
