"""The README stays true: its commands match CI, its code runs, its algorithm table covers the registry."""

import ast
import pathlib
import re
import subprocess
import sys

import pytest
from hang_guard import HANG_GUARD_SECONDS
from pngs import png_size

from jaxopt_lectures import cli, registry
from jaxopt_lectures.linesearch import line_search_table

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

TOUR_COMMAND = 'pip install -e ".[all]" && jaxopt-lectures tour'
TEST_COMMAND = 'pip install -e ".[all]" torch==2.13.0 && python -m pytest -q -m "not slow" -n 2 --dist loadfile'


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_two_newcomer_commands():
    bash = [b.strip() for b in _blocks("bash")]
    assert TOUR_COMMAND in bash and TEST_COMMAND in bash


def test_the_test_command_is_the_one_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    readme_test = TEST_COMMAND.split(" && ")[1]
    assert ci_commands[-1] == readme_test
    assert 'pip install -q -e ".[all]"' in ci and "torch==2.13.0" in ci


def test_algorithm_table_lists_every_registered_optimizer():
    table = README.split("<!-- algorithms:begin -->")[1].split("<!-- algorithms:end -->")[0]
    rows = [ln for ln in table.strip().splitlines()[2:]]
    names = [re.match(r"\| `([^`]+)` \|", ln).group(1) for ln in rows]
    assert names == registry.names(), "regenerate with `jaxopt-lectures list --markdown`"
    for spec in registry.REGISTRY.values():
        row = rows[names.index(spec.name)]
        assert f"`{spec.factory.__module__}`" in row and spec.lecture in row


def test_algorithm_table_is_the_generated_one():
    table = README.split("<!-- algorithms:begin -->\n")[1].split("<!-- algorithms:end -->")[0]
    assert table == cli.algorithm_table(), "regenerate with `jaxopt-lectures list --markdown`"


# Top-level modules of the optional "frameworks" extra (flax, equinox, scikit-learn): a block that
# imports one skips without it, and runs in the slow pass (a few seconds of imports and compiling).
FRAMEWORK_MODULES = {"flax", "equinox", "sklearn"}


def _imported_modules(source):
    tree = ast.parse(source)
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    return {name.split(".")[0] for name in names}


def _python_block_params():
    for index, block in enumerate(_blocks("python")):
        needs = _imported_modules(block) & FRAMEWORK_MODULES
        yield pytest.param(index, sorted(needs), marks=[pytest.mark.slow] if needs else [], id=str(index))


def test_framework_blocks_are_recognised():
    """The Flax and Equinox blocks are found by their imports (so they skip without the extra)."""
    needs = [p.values[1] for p in _python_block_params()]
    assert ["flax"] in needs and ["equinox"] in needs
    assert _imported_modules("import equinox as eqx, jax\nfrom flax import nnx\nfrom . import x") == {"equinox", "jax", "flax"}


@pytest.mark.parametrize(("index", "needs"), list(_python_block_params()))
def test_python_blocks_run(index, needs, tmp_path):
    for module in needs:
        pytest.importorskip(module)
    script = tmp_path / f"readme_block_{index}.py"
    script.write_text(_blocks("python")[index], encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() and "nan" not in proc.stdout.lower()


def test_the_optax_chain_example_is_ten_lines():
    chain = [b for b in _blocks("python") if "optax.chain(" in b and "jaxopt_lectures as jl" in b]
    assert chain, "the README shows an optax.chain example"
    assert min(len(b.strip().splitlines()) for b in chain) <= 10


def test_the_gallery_shows_every_figure_of_the_tour():
    from jaxopt_lectures import figures

    gallery = README.split("<!-- gallery:begin -->")[1].split("<!-- gallery:end -->")[0]
    shown = re.findall(r"!\[[^\]]*\]\(docs/gallery/([a-z0-9_]+)\.png\)", gallery)
    assert shown == list(figures.EXAMPLES), "one image per jaxopt_lectures.figures entry, in tour order"
    for name in shown:
        png = ROOT / "docs" / "gallery" / f"{name}.png"
        width, height = png_size(png)
        assert 200 <= width <= 700 and 150 <= height <= 400, (name, width, height)  # small: 50 dpi
        assert png.stat().st_size < 150_000
    claims = (ROOT / "docs" / "gallery" / "claims.md").read_text(encoding="utf-8")
    assert claims.startswith("| example | lecture claim |") and "| NO |" not in claims


def test_line_search_table_is_the_generated_one():
    table = README.split("<!-- linesearches:begin -->\n")[1].split("<!-- linesearches:end -->")[0]
    assert table == line_search_table(), "regenerate with jaxopt_lectures.linesearch.line_search_table()"
