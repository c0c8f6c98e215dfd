"""Data problems: linear and logistic regression with L3's four losses, and L0's sigmoid neuron.

Every loss has the signature ``loss(params, batch) -> scalar`` that :func:`jaxopt_lectures.fit`
takes, with ``batch = (X, y)``: ``X`` of shape (n, d) and ``y`` of shape (n,), the examples on the
leading axis, and the loss the *mean* over the batch (so batch sizes are comparable). The model is
linear, ŷ = Xw + b, with ``params = {"w": (d,), "b": ()}`` (:func:`linear_params`).

L3's four losses (ŷᵢ = wᵀxᵢ + b):

=================  ==================================  ===================================
name               loss (mean over i)                  labels
=================  ==================================  ===================================
``least_squares``  ½ (ŷᵢ − yᵢ)²                          real
``absolute``       |ŷᵢ − yᵢ|                             real
``hinge``          max(0, 1 − yᵢ ŷᵢ)                     yᵢ ∈ {−1, +1}
``logistic``       log(1 + exp(−yᵢ ŷᵢ))                  yᵢ ∈ {−1, +1}
=================  ==================================  ===================================

The ½ in least squares makes the full-batch loss ½‖r‖² with r = (ŷ − y)/√n, the residual
convention of :class:`Problem` (Gauss–Newton, LM). The logistic loss with ±1 labels is binary
cross-entropy with the 0/1 labels (y + 1)/2: log(1 + e^{−yŷ}) = −[t log σ(ŷ) + (1 − t) log σ(−ŷ)].

Data (:func:`linear_regression_data`, :func:`logistic_regression_data`) are drawn from a known
model so that fitted parameters can be compared with the truth; both return ``((X, y), truth)``.

:func:`regression_problem` turns a data set and a loss into a :class:`Problem` whose ``fun`` is the
full-batch loss of the flat parameter vector θ = (w₁, …, w_d, b). Only least squares has a
closed-form minimiser (the normal equations, solved by ``jnp.linalg.lstsq``); the others do not.
Absolute and hinge are piecewise linear: a minimiser is the solution of a linear program (it always
exists, but it need not be unique and the Hessian is 0 wherever it is defined). Logistic is smooth and
strictly convex, but its stationarity condition Σ σ(−yᵢŷᵢ) yᵢ (xᵢ, 1) = 0 is transcendental, and on
linearly separable data there is no minimiser at all (the loss only tends to 0 as ‖θ‖ → ∞). For
these the caller passes a minimiser it computed (e.g. with Newton's method for logistic) or gets an
error saying so.

L0's sigmoid neuron (ALGORITHMS.md §10 example 4): ŷ = σ(wx + b) with the binary cross-entropy,
:func:`sigmoid_neuron_loss`; its numbers are in :mod:`.worked_examples`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..optimizers.base import check_integer
from . import worked_examples as wx
from ._problem import Problem

__all__ = [
    "REGRESSION_LOSSES",
    "SIGMOID_NEURON_DATA",
    "absolute_loss",
    "hinge_loss",
    "least_squares_loss",
    "linear_params",
    "linear_predict",
    "linear_regression_data",
    "logistic_loss",
    "logistic_regression_data",
    "regression_problem",
    "sigmoid_neuron",
    "sigmoid_neuron_loss",
    "sigmoid_neuron_params",
]

Batch = tuple[Any, Any]

# ----------------------------------------------------------------------------------------------
# The linear model and L3's four losses
# ----------------------------------------------------------------------------------------------


def linear_params(d: int, dtype: Any = None) -> dict[str, jax.Array]:
    """Zero parameters ``{"w": zeros(d), "b": 0.0}`` of the linear model ŷ = Xw + b."""
    check_integer("d", d)
    return {"w": jnp.zeros((d,), dtype), "b": jnp.zeros((), dtype)}


def linear_predict(params: Mapping[str, Any], X: Any) -> jax.Array:
    """ŷ = Xw + b for ``X`` of shape (n, d)."""
    return X @ params["w"] + params["b"]


def least_squares_loss(params: Mapping[str, Any], batch: Batch) -> jax.Array:
    """Least squares (L3): mean over the batch of ½(ŷᵢ − yᵢ)²."""
    X, y = batch
    return 0.5 * jnp.mean((linear_predict(params, X) - y) ** 2)


def absolute_loss(params: Mapping[str, Any], batch: Batch) -> jax.Array:
    """Absolute deviation (L3): mean of |ŷᵢ − yᵢ| (not differentiable where ŷᵢ = yᵢ; JAX uses 0 there)."""
    X, y = batch
    return jnp.mean(jnp.abs(linear_predict(params, X) - y))


def hinge_loss(params: Mapping[str, Any], batch: Batch) -> jax.Array:
    """Hinge (L3; the SVM loss without regulariser): mean of max(0, 1 − yᵢŷᵢ), labels ±1."""
    X, y = batch
    return jnp.mean(jnp.maximum(0.0, 1.0 - y * linear_predict(params, X)))


def logistic_loss(params: Mapping[str, Any], batch: Batch) -> jax.Array:
    """Logistic (L3): mean of log(1 + exp(−yᵢŷᵢ)), labels ±1; BCE with labels (y + 1)/2.

    Computed as ``logaddexp(0, −yŷ)``, which neither overflows for large margins of the wrong sign
    nor loses the small loss of large correct margins.
    """
    X, y = batch
    return jnp.mean(jnp.logaddexp(0.0, -y * linear_predict(params, X)))


#: L3's four losses by name (read-only).
REGRESSION_LOSSES: Mapping[str, Callable[[Any, Batch], jax.Array]] = MappingProxyType({
    "least_squares": least_squares_loss,
    "absolute": absolute_loss,
    "hinge": hinge_loss,
    "logistic": logistic_loss,
})

# ----------------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------------


def _check_noise(noise: Any) -> None:
    # numeric arguments are checked when concrete (STYLE.md habit 4); a tracer passes through
    if isinstance(noise, (int, float, np.number)) and not isinstance(noise, bool):
        if not np.isfinite(noise) or noise < 0:
            raise ValueError(f"noise must be a finite number ≥ 0, got {noise!r}")


def _draw(key: jax.Array, n: int, d: int, dtype: Any):
    """X (n, d), the truth {"w", "b"} (all standard normal) and n uniforms on (−1, 1) for the noise.

    One ``jax.random.uniform`` call for everything, mapped through the inverse CDFs (as
    ``jax.random.normal`` and ``jax.random.logistic`` do internally): each random call compiles its
    own threefry kernel, ~0.4 s on a CPU, so four separate calls would cost four times that.
    """
    dtype = jnp.result_type(float) if dtype is None else dtype
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))  # open interval: erf⁻¹(±1) = ±∞
    u = jax.random.uniform(key, (n * d + d + 1 + n,), dtype, minval=lo, maxval=1.0)
    z = np.sqrt(2.0).astype(dtype) * jax.lax.erf_inv(u[: n * d + d + 1])  # N(0, 1)
    X = z[: n * d].reshape(n, d)
    truth = {"w": z[n * d : n * d + d], "b": z[n * d + d]}
    return X, truth, u[n * d + d + 1 :]


# One compiled program per (n, d, dtype): drawing op by op would compile each random primitive.
@functools.partial(jax.jit, static_argnames=("n", "d", "dtype"))
def _linear_data(key, noise, *, n, d, dtype):
    X, truth, u = _draw(key, n, d, dtype)
    eps = np.sqrt(2.0).astype(X.dtype) * jax.lax.erf_inv(u)  # N(0, 1)
    y = linear_predict(truth, X) + noise * eps  # yᵢ = wᵀxᵢ + b + noise·εᵢ
    return (X, y), truth


@functools.partial(jax.jit, static_argnames=("n", "d", "dtype"))
def _logistic_data(key, noise, *, n, d, dtype):
    X, truth, u = _draw(key, n, d, dtype)
    eps = 2.0 * jnp.arctanh(u)  # standard logistic: P(2 atanh(u) ≤ t) = P(u ≤ tanh(t/2)) = σ(t)
    score = linear_predict(truth, X) + noise * eps
    y = jnp.where(score >= 0, 1.0, -1.0).astype(X.dtype)  # yᵢ = sign(wᵀxᵢ + b + noise·εᵢ)
    return (X, y), truth


def linear_regression_data(
    key: jax.Array, n: int = 100, d: int = 3, noise: float = 0.1, *, dtype: Any = None
) -> tuple[Batch, dict[str, jax.Array]]:
    """Data from a linear model: yᵢ = wᵀxᵢ + b + noise·εᵢ with xᵢ, w, b, εᵢ all standard normal.

    Returns ``((X, y), truth)``: ``X`` (n, d), ``y`` (n,) and the true ``{"w", "b"}``. The same key
    gives the same data. ``noise`` is the standard deviation of the label noise; with ``noise=0``
    the truth fits exactly.
    """
    check_integer("n", n)
    check_integer("d", d)
    _check_noise(noise)
    return _linear_data(key, noise, n=n, d=d, dtype=dtype)


def logistic_regression_data(
    key: jax.Array, n: int = 100, d: int = 3, noise: float = 1.0, *, dtype: Any = None
) -> tuple[Batch, dict[str, jax.Array]]:
    """Binary labels ±1 from a logistic model: yᵢ = sign(wᵀxᵢ + b + noise·εᵢ), εᵢ standard logistic.

    Then P(yᵢ = +1 | xᵢ) = σ((wᵀxᵢ + b)/noise) exactly: for ``noise=1`` (the default) the truth
    ``{"w", "b"}`` is the logistic-regression model itself; ``noise=0`` gives linearly separable
    labels, on which the logistic loss has no minimiser (it decreases to 0 as the parameters grow)
    and the hinge loss reaches 0. Returns ``((X, y), truth)`` with ``y`` in {−1.0, +1.0}.
    """
    check_integer("n", n)
    check_integer("d", d)
    _check_noise(noise)
    return _logistic_data(key, noise, n=n, d=d, dtype=dtype)


# ----------------------------------------------------------------------------------------------
# A data set as a Problem
# ----------------------------------------------------------------------------------------------


def _design(X):
    return jnp.concatenate([X, jnp.ones((X.shape[0], 1), X.dtype)], axis=1)  # A = [X 1], θ = (w, b)


def regression_problem(
    data: Batch,
    loss: str = "least_squares",
    *,
    x_star: Any = None,
    x0: Any = None,
    name: str | None = None,
) -> Problem:
    """The full-batch loss of a linear model on ``data = (X, y)`` as a :class:`Problem` (not registered).

    ``fun(θ)`` is ``REGRESSION_LOSSES[loss](params, data)`` at the flat θ = (w₁, …, w_d, b); the
    start ``x0`` defaults to θ = 0.

    * ``"least_squares"``: ``x_star`` solves the normal equations AᵀAθ = Aᵀy with A = [X 1]
      (``jnp.linalg.lstsq``; A must have full column rank d + 1 ≤ n for it to be the unique
      minimiser), and ``residual_fn(θ) = (Aθ − y)/√n`` so that ``fun == ½‖r‖²``.
    * ``"absolute"``, ``"hinge"``, ``"logistic"``: there is no closed-form minimiser (module
      docstring), so pass ``x_star`` (one you computed: a linear program for absolute and hinge,
      Newton's method for logistic); ``f_star`` is then ``fun(x_star)``. Without it a ``ValueError``
      says so. Absolute and hinge minima are not strict (their Hessian is 0), unlike the other
      problems of the catalogue.

    Compute in float64 (``jax_enable_x64``) when x_star must make the gradient vanish to 1e-10.
    """
    if loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {', '.join(REGRESSION_LOSSES)}; got {loss!r}")
    X, y = (jnp.asarray(a) for a in data)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"data must be (X, y) with X of shape (n, d) and y of shape (n,); got {X.shape} and {y.shape}")
    n, d = X.shape
    loss_fn = REGRESSION_LOSSES[loss]
    batch = (X, y)

    def fun(theta):
        return loss_fn({"w": theta[:d], "b": theta[d]}, batch)

    residual_fn = None
    if loss == "least_squares":
        A = _design(X)
        if x_star is None:
            x_star = jnp.linalg.lstsq(A, y)[0]  # min ‖Aθ − y‖²: the normal equations AᵀAθ = Aᵀy
        scale = 1.0 / np.sqrt(n)

        def residual_fn(theta):
            return (A @ theta - y) * scale  # ½‖r‖² = (1/n) Σ ½(ŷᵢ − yᵢ)²

        source = "L3 (least squares); x_star from the normal equations (jnp.linalg.lstsq)"
    elif x_star is None:
        how = (
            "e.g. from Newton's method; none exists if the classes are linearly separable"
            if loss == "logistic"
            else "e.g. from a linear program"
        )
        raise ValueError(f"the {loss} loss has no closed-form minimiser; pass x_star ({how})")
    else:
        source = f"L3 ({loss} loss); x_star supplied by the caller (no closed form)"
    x_star = np.asarray(x_star, dtype=np.float64)
    return Problem(
        name=name or f"{loss}_regression",
        fun=fun,
        x0=np.zeros(d + 1) if x0 is None else x0,
        x_star=x_star,
        f_star=float(fun(jnp.asarray(x_star, X.dtype))),
        residual_fn=residual_fn,
        source=source,
        description=f"linear model, {loss} loss on {n} examples with {d} features; θ = (w, b)",
    )


# ----------------------------------------------------------------------------------------------
# L0's sigmoid neuron (§10 example 4)
# ----------------------------------------------------------------------------------------------



def _read_only(x: Any) -> np.ndarray:
    arr = np.array(x, dtype=np.float64)
    arr.setflags(write=False)
    return arr


#: The example's single training pair as a batch of one: x = 3.5, y = 0.5 (read-only arrays).
SIGMOID_NEURON_DATA = (_read_only([wx.NEURON_X]), _read_only([wx.NEURON_Y]))


def sigmoid_neuron_params(dtype: Any = None) -> dict[str, jax.Array]:
    """The example's starting parameters ``{"w": −2, "b": −2}`` as scalar arrays (a fresh dict)."""
    return {"w": jnp.asarray(wx.NEURON_W, dtype), "b": jnp.asarray(wx.NEURON_B, dtype)}


def sigmoid_neuron(params: Mapping[str, Any], x: Any) -> jax.Array:
    """ŷ = σ(wx + b) for scalar parameters ``w``, ``b`` and inputs ``x`` (any shape)."""
    return jax.nn.sigmoid(params["w"] * x + params["b"])


def sigmoid_neuron_loss(params: Mapping[str, Any], batch: Batch = SIGMOID_NEURON_DATA) -> jax.Array:
    """Binary cross-entropy of the sigmoid neuron, mean over the batch (L0, ALGORITHMS.md §10 example 4).

    −[y log ŷ + (1 − y) log(1 − ŷ)] with ŷ = σ(s), s = wx + b, computed as
    y·softplus(−s) + (1 − y)·softplus(s) (= −y log σ(s) − (1 − y) log σ(−s)), finite for any s.
    The default batch is the example's pair (x, y) = (3.5, 0.5); at w = b = −2 the loss is
    4.5 + log(1 + e⁻⁹) ≈ 4.5001 (:data:`.worked_examples.NEURON_LOSS`).
    """
    x, y = batch
    s = params["w"] * jnp.asarray(x) + params["b"]
    return jnp.mean(y * jax.nn.softplus(-s) + (1.0 - y) * jax.nn.softplus(s))
