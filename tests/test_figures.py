"""The lectures' figures and worked examples (jaxopt_lectures.figures): every claim holds, figures are drawn."""

import pathlib

import numpy as np
import pytest
from pngs import png_size

from jaxopt_lectures import figures
from jaxopt_lectures.problems import worked_examples as wx

EXAMPLES_DIR = pathlib.Path(__file__).resolve().parents[1] / "examples"
# the scripts in examples/ that are not lecture figures (tests/test_examples.py runs them)
NOT_FIGURES = {"quickstart", "flax_nnx", "equinox", "sweep_halving", "sweep_pbt", "sweep_random_search", "sweep_seeds"}


@pytest.fixture(scope="module")
def quick_runs():
    """Every entry once, quick settings, no figures (the claims are what these tests read)."""
    return {name: figures.reproduce(name, quick=True, plot=False) for name in figures.EXAMPLES}


@pytest.mark.parametrize("name", list(figures.EXAMPLES))
def test_every_claim_of_every_example_holds(quick_runs, name):
    r = quick_runs[name]
    assert r.name == name and r.figure is None and r.seconds > 0
    assert len(r.claims) >= 1
    failed = [f"{c.claim}: lecture {c.lecture}, computed {c.computed}" for c in r.claims if not c.agrees]
    assert not failed, failed
    for c in r.claims:
        assert c.example == name and c.claim and c.lecture and c.computed


def test_the_examples_cover_the_issues_list(quick_runs):
    # issue 6 item 3, in the catalogue's words: one entry per lecture figure or worked example
    assert set(figures.EXAMPLES) == {
        "l0_worked_steps", "l0_gd_step_sizes", "l0_momentum", "l0_lr_decay", "l4_gd_momentum_nag",
        "l4_beale_saddle", "l4_cg_vs_steepest_descent", "l4_levenberg_marquardt", "l3_sin_regression",
        "l0_lr_sweep", "l0_critical_points",
    }
    for e in figures.EXAMPLES.values():
        assert e.title and e.source.startswith(("L0", "L2", "L3", "L4"))


def test_claims_carry_the_lecture_numbers(quick_runs):
    """The claims print the catalogue's numbers, so a reader can check them against the slides."""
    text = figures.claims_table(list(quick_runs.values()))
    for number in ("1.625", "2.05833", "1.925", "2.958", "3.486784401", "61.917364224", "836.683", "0.8603",
                   "0.1667", "0.0533", "(-1.9, -1.9)", "0.0013"):
        assert number in text, number
    assert "NO" not in text.split()
    steps = quick_runs["l0_worked_steps"].claims
    assert steps[0].computed == "(1.625, 2.058333)" and wx.E_GD_STEP == (1.625, 247 / 120)


def test_a_claim_that_does_not_hold_is_reported_not_hidden():
    # 5 epochs of the L3 network are far from the noise floor: the claim must say "NO"
    r = figures.EXAMPLES["l3_sin_regression"].run(plot=False, epochs=5)
    (claim,) = r.claims
    assert not claim.agrees and not r.agrees and "5 epochs" in claim.claim
    assert "NO" in figures.claims_table([r])


def test_a_figure_is_drawn_and_saved_at_its_size(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    backend = matplotlib.get_backend()
    r = figures.reproduce("l0_gd_step_sizes", plot=True)
    assert r.agrees
    fig = r.figure
    assert len(fig.axes) == 2 and "L0" in fig._suptitle.get_text()
    # left panel: the parabola and the η = 0.05 iterates 10·0.9^k
    _, slow = fig.axes[0].lines[:2]
    np.testing.assert_allclose(slow.get_xdata(), 10 * 0.9 ** np.arange(11), rtol=1e-12)
    path = r.save(tmp_path, dpi=40)
    assert path == tmp_path / "l0_gd_step_sizes.png"
    assert png_size(path) == tuple(int(round(v * 40)) for v in fig.get_size_inches())
    assert matplotlib.get_backend() == backend


def test_reproduce_all_saves_and_drops_figures(tmp_path):
    pytest.importorskip("matplotlib")
    seen = []
    runs = figures.reproduce_all(["l0_momentum", "l0_gd_step_sizes"], out=tmp_path, progress=seen.append)
    assert [r.name for r in runs] == ["l0_momentum", "l0_gd_step_sizes"]
    assert all(r.figure is None for r in runs)  # saved, then released
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l0_gd_step_sizes.png", "l0_momentum.png"]
    assert seen[0].startswith("[1/2] l0_momentum") and seen[1].startswith("[2/2] l0_gd_step_sizes")


def test_claims_table_formats():
    r = figures.reproduce("l0_gd_step_sizes", plot=False)
    text = figures.claims_table([r])
    assert text.splitlines()[0].split() == ["example", "lecture", "claim", "lecture", "computed", "agrees?"]
    md = figures.claims_table([r], "markdown")
    assert md.startswith("| example | lecture claim | lecture | computed | agrees? |") and md.count("\n") == 4
    csv_text = figures.claims_table([r], "csv")
    assert csv_text.splitlines()[0] == "example,lecture claim,lecture,computed,agrees?" and csv_text.count("\n") == 3
    with pytest.raises(ValueError, match="fmt"):
        figures.claims_table([r], "html")


def test_a_repeated_example_name_is_refused():
    order = list(figures.EXAMPLES)
    with pytest.raises(ValueError, match="name 'l0_momentum' is registered already"):
        figures.register_example("l0_momentum", "a second entry", "L0")
    assert list(figures.EXAMPLES) == order  # nothing replaced, the tour's order kept


def test_unknown_names_are_listed():
    with pytest.raises(ValueError, match="unknown example.*'nope'.*valid: l0_worked_steps"):
        figures.reproduce("nope")
    with pytest.raises(ValueError, match="nope"):
        figures.reproduce_all(["l0_momentum", "nope"])


def test_every_example_has_its_script_and_every_script_its_example():
    scripts = {p.stem for p in EXAMPLES_DIR.glob("*.py")} - NOT_FIGURES
    assert scripts == set(figures.EXAMPLES)
    for name in scripts:
        source = (EXAMPLES_DIR / f"{name}.py").read_text(encoding="utf-8")
        assert f'example_main("{name}"' in source and "Run:  python examples/" in source


def test_example_main_prints_claims_and_returns_the_status(tmp_path, capsys):
    png = tmp_path / "x.png"
    assert figures.example_main("l0_gd_step_sizes", [str(png), "--no-plot"]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 claims agree" in out and "3.486784401" in out and not png.exists()
