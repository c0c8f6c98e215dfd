"""Docstrings are documentation that runs: every module's doctests pass, and every registered
optimizer documents its formula's sources (issue 15, "docs where users look").

The modules are found by ``pkgutil.walk_packages``, so a new or split module is covered without
editing this file. The doctests run under the suite's float64 (conftest); they are written to
print rounded values, so they pass in float32 too. Doctests that need an optional package
(matplotlib, tqdm) skip when it is not installed.
"""

import doctest
import importlib
import inspect
import pkgutil
import re

import pytest

import jaxopt_lectures
from jaxopt_lectures.linesearch import LINE_SEARCHES
from jaxopt_lectures.registry import REGISTRY

OPTIONAL_PACKAGES = ("matplotlib", "tqdm")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# ``python -m jaxopt_lectures`` runs the command line when imported: it holds no doctests
NOT_IMPORTABLE = {"jaxopt_lectures.__main__"}

# Modules whose examples must not silently vanish (an empty docstring passes testmod): the fewest
# examples each must keep. Every registered factory's examples are guarded by the second test.
MIN_EXAMPLES = {"jaxopt_lectures.checkpoint": 1, "jaxopt_lectures.sweeps": 1, "jaxopt_lectures.sweeps.grid": 2,
                "jaxopt_lectures.sweeps.distributions": 1}

MODULES = [jaxopt_lectures.__name__] + sorted(
    info.name
    for info in pkgutil.walk_packages(jaxopt_lectures.__path__, jaxopt_lectures.__name__ + ".")
    if info.name not in NOT_IMPORTABLE
)


def _optional_missing(exc: BaseException) -> str | None:
    """The optional package whose absence raised ``exc``, if that is what it is."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        if top in OPTIONAL_PACKAGES:
            return top
    return None


class _Runner(doctest.DocTestRunner):
    """A runner that also notes examples failing only because an optional package is absent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing: set[str] = set()

    def report_unexpected_exception(self, out, test, example, exc_info):
        name = _optional_missing(exc_info[1])
        if name:
            self.missing.add(name)
        super().report_unexpected_exception(out, test, example, exc_info)


def test_the_walk_finds_every_part_of_the_package():
    """A guard on the discovery itself: if it found nothing, the doctest test would pass vacuously."""
    for name in ("jaxopt_lectures.optimizers.adam", "jaxopt_lectures.second_order.cg", "jaxopt_lectures.problems.nist",
                 *MIN_EXAMPLES):  # fmt: skip
        assert name in MODULES
    assert len(MODULES) >= 40


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    """``doctest.testmod(module)`` with ELLIPSIS and NORMALIZE_WHITESPACE finds no failure."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if _optional_missing(exc):
            pytest.skip(f"{name} needs {exc.name}, which is not installed")
        raise
    runner = _Runner(optionflags=FLAGS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, name):  # globals: a copy of the module's, as testmod
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    if result.failed and runner.missing:
        pytest.skip(f"doctests of {name} need {', '.join(sorted(runner.missing))}, not installed")
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}:\n" + "".join(report)
    assert result.attempted >= MIN_EXAMPLES.get(name, 0), f"{name} has lost examples: {result.attempted} left"


LECTURE = re.compile(r"\bL[0-4]\b|ALGORITHMS\.md")


def assert_documents_its_sources(who: str, factory) -> None:
    """The factory's docstring (what ``help(jl.<name>)`` shows) has a lecture reference, an
    Examples section with a doctest, and a References section."""
    doc = factory.__doc__ or ""
    assert doc == (inspect.unwrap(factory).__doc__ or ""), "the rebuildable wrapper must forward __doc__"
    assert LECTURE.search(doc), f"{who}: no lecture (L0–L4) or ALGORITHMS.md reference"
    assert "\n    Examples:\n" in doc, f"{who}: no 'Examples:' section"
    examples = doc.split("\n    Examples:\n", 1)[1]
    assert ">>> " in examples, f"{who}: the Examples section has no doctest"
    assert "\n    References:\n" in doc, f"{who}: no 'References:' section"


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_registered_factory_documents_its_sources(name):
    """Every optimizer of the registry, and its primitive has examples (or points to them)."""
    spec = REGISTRY[name]
    assert_documents_its_sources(name, spec.factory)
    primitive_doc = spec.primitive.__doc__ or ""
    assert "Examples" in primitive_doc, f"{spec.primitive.__name__}: no example and no pointer to one"


@pytest.mark.parametrize("name", list(LINE_SEARCHES))
def test_every_registered_line_search_documents_its_sources(name):
    assert_documents_its_sources(name, LINE_SEARCHES[name].factory)


def test_an_example_needing_an_absent_optional_package_is_told_apart(monkeypatch):
    """The skip rule of :func:`test_doctests`: a missing optional package is noted; anything else
    (here a plain error) is not."""
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)  # import matplotlib now fails
    parser = doctest.DocTestParser()
    runner = _Runner(optionflags=FLAGS)
    runner.run(parser.get_doctest(">>> import matplotlib.pyplot\n", {}, "needs_mpl", None, 0), out=lambda s: None)
    assert runner.missing == {"matplotlib"}
    runner = _Runner(optionflags=FLAGS)
    runner.run(parser.get_doctest(">>> import not_a_real_package_xyz\n", {}, "plain", None, 0), out=lambda s: None)
    assert runner.missing == set() and runner.failures == 1
