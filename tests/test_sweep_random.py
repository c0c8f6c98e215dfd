"""Random search (jaxopt_lectures.sweeps.distributions; Bergstra & Bengio 2012, ALGORITHMS.md §10.2):
distributions as grid values, drawn reproducibly on the host, combined with listed values, run
as one compiled program; bad input fails before anything compiles. Float64 (conftest)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxopt_lectures as jl
from jaxopt_lectures.problems import get_problem

KEY = jax.random.key(0)


def _ks_uniform(u: np.ndarray) -> float:
    """Kolmogorov–Smirnov statistic of samples u against U[0, 1)."""
    u = np.sort(u)
    n = len(u)
    return float(max(np.max(np.arange(1, n + 1) / n - u), np.max(u - np.arange(n) / n)))


# --------------------------------------------------------------------------------------------
# Drawing (NumPy only: nothing compiles)
# --------------------------------------------------------------------------------------------


def test_same_key_same_values_other_key_or_name_other_values_prefix_stable():
    grid = {"learning_rate": jl.log_uniform(1e-4, 1e-1), "beta": jl.uniform(0.0, 0.99)}
    a = jl.sample_grid(grid, 16, KEY)
    b = jl.sample_grid(grid, 16, jax.random.key(0))
    for name in grid:
        np.testing.assert_array_equal(a[name], b[name])  # bitwise: the same generator and seed
    c = jl.sample_grid(grid, 16, jax.random.key(1))
    assert not np.any(np.isin(a["learning_rate"], c["learning_rate"]))  # 16 doubles: a collision is ~0 chance
    assert not np.any(np.isin(a["beta"], c["beta"]))
    raw = jl.sample_grid(grid, 16, jax.random.PRNGKey(0))  # a raw key with the same words: the same draws
    np.testing.assert_array_equal(raw["beta"], a["beta"])
    # each name its own stream: a column does not depend on the others
    alone = jl.sample_grid({"beta": jl.uniform(0.0, 0.99)}, 16, KEY)
    np.testing.assert_array_equal(alone["beta"], a["beta"])
    longer = jl.sample_grid(grid, 20, KEY)  # the first 16 draws of 20 are the 16 draws
    np.testing.assert_array_equal(longer["learning_rate"][:16], a["learning_rate"])


def test_values_follow_their_distribution():
    """2000 draws each. KS tolerance 0.05: the 1e-3 critical value for n = 2000 is
    1.95/√2000 ≈ 0.044, so a correct sampler fails with probability < 1e-3 (and the seed is fixed)."""
    n = 2000
    cols = jl.sample_grid(
        {"lr": jl.log_uniform(1e-4, 1e-1), "beta": jl.uniform(0.5, 0.99), "form": jl.choice(["a", "b", "c", "d"])},
        n, KEY,
    )  # fmt: skip
    lr, beta = cols["lr"], cols["beta"]
    assert lr.dtype == np.float64 and beta.dtype == np.float64
    assert lr.min() >= 1e-4 and lr.max() < 1e-1 and beta.min() >= 0.5 and beta.max() < 0.99
    u = (np.log(lr) - np.log(1e-4)) / (np.log(1e-1) - np.log(1e-4))  # log-uniform: its log is uniform
    assert _ks_uniform(u) < 0.05
    assert _ks_uniform((beta - 0.5) / 0.49) < 0.05
    assert _ks_uniform(lr / 1e-1) > 0.5  # the check can fail: log-uniform draws are far from uniform
    counts = np.array([np.sum(cols["form"] == v) for v in "abcd"])
    # each value with probability 1/4: 500 ± 3σ (σ = √(2000·¼·¾) ≈ 19.4)
    assert np.all(np.abs(counts - 500) < 3 * 19.4), counts


def test_mixing_with_listed_values_product_and_zip():
    grid = {"beta": [0.5, 0.9], "learning_rate": jl.log_uniform(1e-3, 1e-1), "form": jl.choice(["classic", "ema"]),
            "nesterov": [False, True, False]}  # fmt: skip
    cols = jl.sample_grid(grid, 5, KEY)
    assert list(cols) == list(grid)
    assert all(len(c) == 2 * 5 * 3 for c in cols.values())  # the draws count as one factor
    # the block sits at its first name's place; the last factor (nesterov) varies fastest
    assert cols["beta"].tolist() == [0.5] * 15 + [0.9] * 15
    assert cols["nesterov"][:3].tolist() == [False, True, False]
    draws = jl.sample_grid({"learning_rate": grid["learning_rate"], "form": grid["form"]}, 5, KEY)
    np.testing.assert_array_equal(cols["learning_rate"][:15:3], draws["learning_rate"])  # zipped within the block
    np.testing.assert_array_equal(cols["form"][:15:3], draws["form"])
    zipped = jl.sample_grid({"learning_rate": jl.uniform(0.1, 0.2), "beta": [0.1, 0.2, 0.3]}, 3, KEY, product=False)
    assert zipped["beta"].tolist() == [0.1, 0.2, 0.3] and len(zipped["learning_rate"]) == 3


# --------------------------------------------------------------------------------------------
# Sweeping the draws
# --------------------------------------------------------------------------------------------


def test_a_sampled_row_equals_minimize_alone_and_floats_compile_once():
    q = get_problem("quadratic_l0")  # 0.1 x1² + 2 x2² (L0, ALGORITHMS.md §10.5)
    x0, steps = jnp.asarray(q.x0), 10
    traced = []

    def make(learning_rate, beta):
        traced.append(isinstance(learning_rate, jax.core.Tracer) and isinstance(beta, jax.core.Tracer))
        return jl.momentum(learning_rate, beta=beta)

    grid = {"learning_rate": jl.log_uniform(1e-3, 0.4), "beta": jl.uniform(0.0, 0.9)}
    r = jl.sweep(make, grid, q.fun, x0, steps=steps, samples=6, sample_key=KEY)
    assert r.num_programs == 1 and sum(traced) == 1  # six float draws: traced once, one program
    cols = jl.sample_grid(grid, 6, KEY)
    for name in grid:
        np.testing.assert_array_equal(r.configs[name], cols[name])
    for i in (0, 5):
        res = jl.minimize(q.fun, x0, jl.momentum(**r.config(i)), max_steps=steps, gtol=0.0)
        # to rounding: the vmapped program may order a sum differently from the single run
        np.testing.assert_allclose(r.values[i, -1], q.fun(res.params), rtol=1e-12)
        np.testing.assert_allclose(r.params[i], res.params, rtol=1e-12, atol=1e-15)


@pytest.mark.slow  # two compilations of fit's minibatch loop: ~1.3 s on the shared 2 cores
def test_sweep_fit_with_a_choice_and_listed_values_equals_fit():
    x = jnp.linspace(-1.0, 1.0, 16)
    data = (x, 3.0 * x)
    loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)  # noqa: E731
    grid = {"learning_rate": jl.choice([0.05, 0.1, 0.2]), "beta": [0.0, 0.5]}  # float choices: traced
    r = jl.sweep_fit(jl.momentum, grid, loss, 0.0, data, epochs=3, batch_size=8, key=jax.random.key(2),
                     samples=2, sample_key=KEY)  # fmt: skip
    assert r.values.shape == (4, 3) and r.num_programs == 1
    assert set(r.configs["learning_rate"]) <= {0.05, 0.1, 0.2} and r.configs["beta"].tolist() == [0.0, 0.5] * 2
    i = 3
    w, hist = jl.fit(loss, 0.0, data, jl.momentum(**r.config(i)), epochs=3, batch_size=8, key=jax.random.key(2),
                     progress=False)  # fmt: skip
    np.testing.assert_allclose(r.values[i], hist.train_loss, rtol=1e-12)
    np.testing.assert_allclose(r.params[i], w, rtol=1e-12)


# --------------------------------------------------------------------------------------------
# Bad input: a clear error before anything compiles
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_dist", "match"),
    [
        (lambda: jl.uniform(1.0, 1.0), "uniform: low must be < high"),
        (lambda: jl.uniform(0.0, float("inf")), "uniform: high must be a finite real number"),
        (lambda: jl.uniform("0", 1.0), "uniform: low must be a finite real number"),
        (lambda: jl.log_uniform(1e-1, 1e-4), "log_uniform: low must be < high"),
        (lambda: jl.log_uniform(0.0, 1.0), r"log_uniform: low must be > 0"),
        (lambda: jl.log_uniform(-1.0, 1.0), r"log_uniform: low must be > 0"),
        (lambda: jl.choice([]), "choice: values is empty"),
        (lambda: jl.choice("ema"), "choice: values must be a 1-D list"),
        (lambda: jl.choice([[1, 2]]), "choice: values must be a 1-D list"),
    ],
)
def test_bad_distributions(make_dist, match):
    with pytest.raises(ValueError, match=match):
        make_dist()


class _Foreign:  # a distribution of another library (scipy.stats, say)
    def rvs(self, size):
        return np.zeros(size)


@pytest.mark.parametrize(
    ("grid", "kwargs", "error", "match"),
    [
        ({"learning_rate": _Foreign()}, {"samples": 2, "sample_key": KEY}, TypeError,
         r"grid\['learning_rate'\] must be a 1-D array of values or a distribution: jl.uniform"),
        ({"learning_rate": jl.uniform(0.1, 0.2)}, {}, ValueError, r"grid\['learning_rate'\] is a distribution: give samples"),
        ({"learning_rate": jl.uniform(0.1, 0.2)}, {"samples": 2}, ValueError, "give sample_key"),
        ({"learning_rate": jl.uniform(0.1, 0.2)}, {"sample_key": KEY}, ValueError, "give samples"),
        ({"learning_rate": jl.uniform(0.1, 0.2)}, {"samples": 0, "sample_key": KEY}, ValueError, "samples must be an integer ≥ 1"),
        ({"learning_rate": jl.uniform(0.1, 0.2)}, {"samples": 2.0, "sample_key": KEY}, ValueError, "samples must be an integer ≥ 1"),
        ({"learning_rate": jl.uniform(0.1, 0.2)}, {"samples": 2, "sample_key": 0}, TypeError, "sample_key must be a PRNG key"),
        ({"learning_rate": [0.1]}, {"samples": 2}, ValueError, "samples is given but no grid value is a distribution"),
        ({"learning_rate": jl.uniform(0.1, 0.2), "beta": [0.5]}, {"samples": 2, "sample_key": KEY, "product": False},
         ValueError, "zipped with the samples=2 draws"),
        ({"learning_rate": jl.uniform(0.1, 0.2), "beta": []}, {"samples": 2, "sample_key": KEY}, ValueError,
         r"grid\['beta'\] is empty"),
    ],
)  # fmt: skip
def test_bad_sampling_input_fails_before_anything_compiles(grid, kwargs, error, match):
    traced = []

    def fun(x):
        traced.append("fun")
        return jnp.sum(x**2)

    with pytest.raises(error, match=match):
        jl.sweep(jl.momentum, grid, fun, jnp.ones(2), steps=2, **kwargs)
    assert traced == []
