"""The NIST StRD nonlinear-regression problems: data, models, both starts and certified values.

The Statistical Reference Datasets of NIST's Information Technology Laboratory (public domain)
test nonlinear least-squares software on 27 model fits of real and generated data, in three levels
of difficulty: lower (Misra1a … Misra1b), average (Kirby2 … ENSO) and higher (MGH09 … Bennett5).
Each data set gives the model y = f(x; b) + e, two starting points ("Start 1" far from the
solution, "Start 2" closer), the certified parameters b* with their standard deviations and the
certified residual sum of squares RSS* = Σ (yᵢ − f(xᵢ; b*))², computed by NIST in 128-bit
arithmetic and printed to 11 significant digits (:data:`CERTIFIED_DIGITS`).

The original files (``nist_data/<Name>.dat``, as in ``lmfit/lmfit-py``'s ``NIST_STRD/``, which
copies them from https://www.itl.nist.gov/div898/strd/nls/nls_main.shtml with trailing blanks
dropped) ship with the package and are parsed here at import, by the line ranges each file's own
header states; only the models are written by hand, in ``jax.numpy`` (:data:`_MODELS`, each with
the formula as NIST print it). ``tests/test_nist.py`` checks every data set by reproducing its
certified RSS from the certified parameters.

Accuracy is measured as NIST's users do (McCullough, "Assessing the reliability of statistical
software", Am. Stat. 52 (1998)): the log relative error LRE = −log10(|b − b*|/|b*|) per parameter,
the number of correct significant digits, capped at the digits the certificate gives;
:meth:`NistProblem.digits` is its minimum over the parameters.

>>> from jaxopt_lectures.problems import nist
>>> p = nist.get_nist_problem("Misra1a")
>>> p.difficulty, p.dim, p.num_observations, p.starts.tolist()
('lower', 2, 14, [[500.0, 0.0001], [250.0, 0.0005]])
>>> p.rss_star, f"{float(p.rss(p.b_star)):.10e}"  # RSS at the certified parameters (x64 enabled)
(0.12455138894, '1.2455138894e-01')
>>> p.digits(p.b_star), round(p.digits([238.9, 5.5e-4]), 2)  # b1 right to 3.7 digits, b2 to 3.55
(11.0, 3.55)

Every residual function is pure ``jax.numpy``: it runs under ``jit`` and ``vmap`` and in the dtype
of its argument (the data are cast to it). The residuals are NIST's, rᵢ = yᵢ − f(xᵢ; b) (for
Nelson rᵢ = log yᵢ − f(xᵢ; b): NIST fit log y), and ``fun`` = ½ Σ rᵢ², the library's convention
(``Problem.residual_fn``): its minimum is RSS*/2.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import math
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._problem import Problem

__all__ = [
    "CERTIFIED_DIGITS",
    "NIST_AVERAGE",
    "NIST_DIFFICULTIES",
    "NIST_HIGHER",
    "NIST_LOWER",
    "NIST_PROBLEMS",
    "NistProblem",
    "get_nist_problem",
    "log_relative_error",
]

#: Significant digits of every certified value (parameters, standard deviations, RSS).
CERTIFIED_DIGITS = 11
#: NIST's levels of difficulty, in their order.
NIST_DIFFICULTIES = ("lower", "average", "higher")
#: The problems of each level, in NIST's order.
NIST_LOWER = ("Misra1a", "Chwirut2", "Chwirut1", "Lanczos3", "Gauss1", "Gauss2", "DanWood", "Misra1b")
NIST_AVERAGE = (
    "Kirby2", "Hahn1", "Nelson", "MGH17", "Lanczos1", "Lanczos2", "Gauss3", "Misra1c", "Misra1d", "Roszman1", "ENSO",
)  # fmt: skip
NIST_HIGHER = ("MGH09", "Thurber", "BoxBOD", "Rat42", "MGH10", "Eckerle4", "Rat43", "Bennett5")


def _frozen(x: Any) -> np.ndarray:
    arr = np.array(x, dtype=np.float64)
    arr.setflags(write=False)
    return arr


def _data(b, values):
    """float64 NumPy data as an array of ``b``'s float dtype (float32 in, float32 out)."""
    return jnp.asarray(values, dtype=jnp.result_type(b, 0.0))


# ----------------------------------------------------------------------------------------------
# The models f(x; b), as NIST print them (b[0] is NIST's b1)
# ----------------------------------------------------------------------------------------------


def _exp_rise(b, x):  # y = b1*(1-exp[-b2*x])
    return b[0] * (1.0 - jnp.exp(-b[1] * x))


def _chwirut(b, x):  # y = exp[-b1*x]/(b2+b3*x)
    return jnp.exp(-b[0] * x) / (b[1] + b[2] * x)


def _lanczos(b, x):  # y = b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)
    return b[0] * jnp.exp(-b[1] * x) + b[2] * jnp.exp(-b[3] * x) + b[4] * jnp.exp(-b[5] * x)


def _gauss(b, x):  # y = b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )
    return (
        b[0] * jnp.exp(-b[1] * x) + b[2] * jnp.exp(-((x - b[3]) ** 2) / b[4] ** 2)
        + b[5] * jnp.exp(-((x - b[6]) ** 2) / b[7] ** 2)
    )  # fmt: skip


def _danwood(b, x):  # y = b1*x**b2
    return b[0] * x ** b[1]


def _misra1b(b, x):  # y = b1 * (1-(1+b2*x/2)**(-2))
    return b[0] * (1.0 - (1.0 + b[1] * x / 2.0) ** -2)


def _kirby2(b, x):  # y = (b1 + b2*x + b3*x**2) / (1 + b4*x + b5*x**2)
    return (b[0] + b[1] * x + b[2] * x**2) / (1.0 + b[3] * x + b[4] * x**2)


def _cubic_ratio(b, x):  # Hahn1, Thurber: y = (b1+b2*x+b3*x**2+b4*x**3) / (1+b5*x+b6*x**2+b7*x**3)
    return (b[0] + b[1] * x + b[2] * x**2 + b[3] * x**3) / (1.0 + b[4] * x + b[5] * x**2 + b[6] * x**3)


def _nelson(b, x):  # log[y] = b1 - b2*x1 * exp[-b3*x2]   (x = (x1, x2) per row)
    return b[0] - b[1] * x[:, 0] * jnp.exp(-b[2] * x[:, 1])


def _mgh17(b, x):  # y = b1 + b2*exp[-x*b4] + b3*exp[-x*b5]
    return b[0] + b[1] * jnp.exp(-x * b[3]) + b[2] * jnp.exp(-x * b[4])


def _misra1c(b, x):  # y = b1 * (1-(1+2*b2*x)**(-.5))
    return b[0] * (1.0 - (1.0 + 2.0 * b[1] * x) ** -0.5)


def _misra1d(b, x):  # y = b1*b2*x*((1+b2*x)**(-1))
    return b[0] * b[1] * x * (1.0 + b[1] * x) ** -1


def _roszman1(b, x):  # y = b1 - b2*x - arctan[b3/(x-b4)]/pi
    return b[0] - b[1] * x - jnp.arctan(b[2] / (x - b[3])) / math.pi


def _enso(b, x):
    # y = b1 + b2*cos( 2*pi*x/12 ) + b3*sin( 2*pi*x/12 ) + b5*cos( 2*pi*x/b4 ) + b6*sin( 2*pi*x/b4 )
    #        + b8*cos( 2*pi*x/b7 ) + b9*sin( 2*pi*x/b7 )
    a, p1, p2 = 2.0 * math.pi * x / 12.0, 2.0 * math.pi * x / b[3], 2.0 * math.pi * x / b[6]
    return (
        b[0] + b[1] * jnp.cos(a) + b[2] * jnp.sin(a) + b[4] * jnp.cos(p1) + b[5] * jnp.sin(p1)
        + b[7] * jnp.cos(p2) + b[8] * jnp.sin(p2)
    )  # fmt: skip


def _mgh09(b, x):  # y = b1*(x**2+x*b2) / (x**2+x*b3+b4)
    return b[0] * (x**2 + x * b[1]) / (x**2 + x * b[2] + b[3])


def _mgh10(b, x):  # y = b1 * exp[b2/(x+b3)]
    return b[0] * jnp.exp(b[1] / (x + b[2]))


def _eckerle4(b, x):  # y = (b1/b2) * exp[-0.5*((x-b3)/b2)**2]
    return (b[0] / b[1]) * jnp.exp(-0.5 * ((x - b[2]) / b[1]) ** 2)


def _rat42(b, x):  # y = b1 / (1+exp[b2-b3*x])
    return b[0] / (1.0 + jnp.exp(b[1] - b[2] * x))


def _rat43(b, x):  # y = b1 / ((1+exp[b2-b3*x])**(1/b4))
    return b[0] / (1.0 + jnp.exp(b[1] - b[2] * x)) ** (1.0 / b[3])


def _bennett5(b, x):  # y = b1 * (b2+x)**(-1/b3)
    return b[0] * (b[1] + x) ** (-1.0 / b[2])


#: name → (model, NIST's formula)
_MODELS: dict[str, tuple[Callable, str]] = {
    "Misra1a": (_exp_rise, "y = b1*(1-exp[-b2*x])"),
    "Chwirut2": (_chwirut, "y = exp(-b1*x)/(b2+b3*x)"),
    "Chwirut1": (_chwirut, "y = exp[-b1*x]/(b2+b3*x)"),
    "Lanczos3": (_lanczos, "y = b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"),
    "Gauss1": (_gauss, "y = b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )"),
    "Gauss2": (_gauss, "y = b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )"),
    "DanWood": (_danwood, "y = b1*x**b2"),
    "Misra1b": (_misra1b, "y = b1 * (1-(1+b2*x/2)**(-2))"),
    "Kirby2": (_kirby2, "y = (b1 + b2*x + b3*x**2) / (1 + b4*x + b5*x**2)"),
    "Hahn1": (_cubic_ratio, "y = (b1+b2*x+b3*x**2+b4*x**3) / (1+b5*x+b6*x**2+b7*x**3)"),
    "Nelson": (_nelson, "log[y] = b1 - b2*x1 * exp[-b3*x2]"),
    "MGH17": (_mgh17, "y = b1 + b2*exp[-x*b4] + b3*exp[-x*b5]"),
    "Lanczos1": (_lanczos, "y = b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"),
    "Lanczos2": (_lanczos, "y = b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)"),
    "Gauss3": (_gauss, "y = b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )"),
    "Misra1c": (_misra1c, "y = b1 * (1-(1+2*b2*x)**(-.5))"),
    "Misra1d": (_misra1d, "y = b1*b2*x*((1+b2*x)**(-1))"),
    "Roszman1": (_roszman1, "y = b1 - b2*x - arctan[b3/(x-b4)]/pi"),
    "ENSO": (_enso, (
        "y = b1 + b2*cos( 2*pi*x/12 ) + b3*sin( 2*pi*x/12 ) + b5*cos( 2*pi*x/b4 ) + b6*sin( 2*pi*x/b4 ) "
        "+ b8*cos( 2*pi*x/b7 ) + b9*sin( 2*pi*x/b7 )"
    )),  # fmt: skip
    "MGH09": (_mgh09, "y = b1*(x**2+x*b2) / (x**2+x*b3+b4)"),
    "Thurber": (_cubic_ratio, "y = (b1 + b2*x + b3*x**2 + b4*x**3) / (1 + b5*x + b6*x**2 + b7*x**3)"),
    "BoxBOD": (_exp_rise, "y = b1*(1-exp[-b2*x])"),
    "Rat42": (_rat42, "y = b1 / (1+exp[b2-b3*x])"),
    "MGH10": (_mgh10, "y = b1 * exp[b2/(x+b3)]"),
    "Eckerle4": (_eckerle4, "y = (b1/b2) * exp[-0.5*((x-b3)/b2)**2]"),
    "Rat43": (_rat43, "y = b1 / ((1+exp[b2-b3*x])**(1/b4))"),
    "Bennett5": (_bennett5, "y = b1 * (b2+x)**(-1/b3)"),
}


# ----------------------------------------------------------------------------------------------
# The record
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class NistProblem:
    """One StRD nonlinear-regression data set with its model and certified values.

    Attributes:
      name: NIST's name (``"Misra1a"``).
      difficulty: ``"lower"``, ``"average"`` or ``"higher"`` (:data:`NIST_DIFFICULTIES`).
      model: ``model(b, x)``, the predicted response for parameters ``b`` (1-D) at the data ``x``.
      formula: the model as NIST print it.
      x: the predictor (read-only float64, shape (m,); (m, 2) for Nelson's x1, x2).
      y: the response as printed (read-only float64, shape (m,)).
      starts: NIST's Start 1 and Start 2, one per row (shape (2, p)).
      b_star: the certified parameters; ``b_sd`` their certified standard deviations.
      rss_star: the certified residual sum of squares Σ rᵢ² at ``b_star``.
      residual_sd: the certified residual standard deviation √(RSS*/dof).
      dof: degrees of freedom m − p (as printed, except Rat43's misprinted 9 for 11).
      log_response: the model fits log y (Nelson), so rᵢ = log yᵢ − f(xᵢ; b).
      reference: the reference NIST give for the data.
    """

    name: str
    difficulty: str
    model: Callable[[Any, Any], Any]
    formula: str
    x: np.ndarray
    y: np.ndarray
    starts: np.ndarray
    b_star: np.ndarray
    b_sd: np.ndarray
    rss_star: float
    residual_sd: float
    dof: int
    log_response: bool = False
    reference: str = ""

    @property
    def dim(self) -> int:
        """The number of parameters p."""
        return int(self.b_star.shape[0])

    @property
    def num_observations(self) -> int:
        """The number of data points m."""
        return int(self.y.shape[0])

    @property
    def response(self) -> np.ndarray:
        """What the model fits: y, or log y for Nelson (float64)."""
        return np.log(self.y) if self.log_response else self.y

    def residual_fn(self, b):
        """rᵢ = yᵢ − f(xᵢ; b) (log yᵢ for Nelson), in ``b``'s float dtype."""
        return _data(b, self.response) - self.model(b, _data(b, self.x))

    def fun(self, b):
        """½ Σ rᵢ², the least-squares objective in the library's convention; minimum RSS*/2."""
        r = self.residual_fn(b)
        return 0.5 * jnp.sum(r * r)

    def rss(self, b):
        """Σ rᵢ², the residual sum of squares NIST certify."""
        return 2.0 * self.fun(b)

    def digits(self, b: Any) -> float:
        """The certified digits of ``b``: the smallest log relative error over the parameters."""
        return float(np.min(log_relative_error(b, self.b_star)))

    def problem(self, start: int = 1) -> Problem:
        """A :class:`~jaxopt_lectures.problems.Problem` from NIST's Start ``start`` (1 or 2), with
        ``x_star`` = b* and ``f_star`` = RSS*/2 (not registered in ``PROBLEMS``)."""
        if start not in (1, 2):
            raise ValueError(f"start must be 1 or 2 (NIST's Start 1 and Start 2), got {start!r}")
        return Problem(
            name=f"nist_{self.name.lower()}_start{start}",
            fun=self.fun,
            x0=self.starts[start - 1],
            x_star=self.b_star,
            f_star=self.rss_star / 2.0,
            residual_fn=self.residual_fn,
            source=f"NIST StRD nonlinear regression, {self.name} ({self.difficulty} difficulty); {self.reference}",
            description=f"NIST {self.name}: {self.formula}, {self.dim} parameters, {self.num_observations} points",
        )


def log_relative_error(estimate: Any, certified: Any, *, cap: float = CERTIFIED_DIGITS) -> np.ndarray:
    """LRE = −log10(|b − b*| / |b*|) per parameter, clipped to [0, ``cap``] (McCullough 1998).

    An exact match, or an error below 10^−cap, counts ``cap`` digits; a non-finite estimate or one
    off by more than 100 % counts 0.
    """
    b = np.asarray(estimate, dtype=np.float64)
    c = np.asarray(certified, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        lre = -np.log10(np.abs(b - c) / np.abs(c))
    lre = np.where(np.isfinite(b), lre, 0.0)  # NaN/inf estimates: no digits
    return np.clip(np.nan_to_num(lre, nan=0.0, posinf=cap), 0.0, cap)


# ----------------------------------------------------------------------------------------------
# Reading the files
# ----------------------------------------------------------------------------------------------

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _lines(text: str, header: str) -> list[str]:
    """The lines a file's header assigns to ``header`` ("Starting Values", "Data", …; 1-based, inclusive)."""
    match = re.search(rf"{header}\s*\(lines\s+(\d+)\s+to\s+(\d+)\)", text, re.IGNORECASE)
    if match is None:
        raise ValueError(f"no {header!r} line range in the header")
    first, last = int(match[1]), int(match[2])
    return text.splitlines()[first - 1 : last]


def _certified(text: str, label: str) -> float:
    match = re.search(rf"^{label}:\s+({_NUMBER})\s*$", text, re.MULTILINE)
    if match is None:
        raise ValueError(f"no {label!r} in the file")
    return float(match[1])


def _read(name: str) -> NistProblem:
    text = (importlib.resources.files(__package__) / "nist_data" / f"{name}.dat").read_text(encoding="ascii")
    # parameter lines "  b1 =   500   250   2.3894212918E+02  2.7070075241E+00": start 1, start 2, b*, sd
    rows = [line.split("=", 1)[1].split() for line in _lines(text, "Certified Values") if "=" in line]
    table = np.array(rows, dtype=np.float64)
    data = np.array([line.split() for line in _lines(text, "Data") if line.strip()], dtype=np.float64)
    level = re.search(r"(Lower|Average|Higher) Level of Difficulty", text)
    m = int(_certified(text, "Number of Observations"))
    reference = re.search(r"^Reference:\s+(.+?)\n\s*\n", text, re.MULTILINE | re.DOTALL)
    model, formula = _MODELS[name]
    problem = NistProblem(
        name=name,
        difficulty=level[1].lower(),
        model=model,
        formula=formula,
        x=_frozen(data[:, 1] if data.shape[1] == 2 else data[:, 1:]),
        y=_frozen(data[:, 0]),
        starts=_frozen(table[:, :2].T),
        b_star=_frozen(table[:, 2]),
        b_sd=_frozen(table[:, 3]),
        rss_star=_certified(text, "Residual Sum of Squares"),
        residual_sd=_certified(text, "Residual Standard Deviation"),
        dof=m - len(rows),
        log_response=name == "Nelson",
        reference=" ".join(reference[1].split()) if reference else "",
    )
    if problem.num_observations != m:
        raise ValueError(f"{name}.dat: {problem.num_observations} data rows, the file says {m} observations")
    # Rat43.dat prints 9 degrees of freedom for 15 observations and 4 parameters: a misprint, its
    # residual standard deviation 28.262… = √(RSS*/11) uses m − p = 11
    if int(_certified(text, "Degrees of Freedom")) != problem.dof and name != "Rat43":
        raise ValueError(f"{name}.dat: the degrees of freedom are not m − p = {problem.dof}")
    return problem


NIST_PROBLEMS: Mapping[str, NistProblem] = MappingProxyType(
    {name: _read(name) for name in (*NIST_LOWER, *NIST_AVERAGE, *NIST_HIGHER)}
)
"""Every StRD nonlinear-regression problem by NIST's name, lower → average → higher difficulty."""


def get_nist_problem(name: str) -> NistProblem:
    """The StRD problem called ``name`` (case-insensitive); an unknown name lists the known ones."""
    for key, problem in NIST_PROBLEMS.items():
        if key.lower() == str(name).lower():
            return problem
    raise KeyError(f"unknown NIST problem {name!r}; known: {', '.join(NIST_PROBLEMS)}")
