"""The command line and the tour: subprocess runs with exit codes, and the tour's rows in-process."""

import csv
import dataclasses
import re
import subprocess
import sys

import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hang_guard import HANG_GUARD_SECONDS
from pngs import png_size

from jaxopt_lectures import cli, figures, registry, tour
from jaxopt_lectures.optimizers import base
from jaxopt_lectures.problems import get_problem

TOUR_PROBLEMS = ("quadratic_l0", "rosenbrock", "beale")


def run_cli(*args, timeout=HANG_GUARD_SECONDS):
    return subprocess.run(
        [sys.executable, "-m", "jaxopt_lectures", *args], capture_output=True, text=True, timeout=timeout
    )


# ----------------------------------------------------------------------------------------------
# Subprocess runs: exit codes and what is printed
# ----------------------------------------------------------------------------------------------


# ~70–100 s on 2 cores (every figure, every optimizer's defaults on every tour problem): in CI's
# slow pass (.ci/run runs `-m slow` before the README's command), keeping the default run under
# ten minutes; the in-process tour test below runs a subset by default.
@pytest.mark.slow
def test_tour_quick_end_to_end(tmp_path):
    out = tmp_path / "tour"
    proc = run_cli("tour", "--quick", "--out", str(out), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    # every figure and worked example: one claims table, every claim holds, every figure written
    agree, total = map(int, re.search(r"(\d+) of (\d+) lecture claims agree", proc.stdout).groups())
    assert agree == total >= 2 * len(figures.EXAMPLES)
    with open(out / "claims.csv", newline="", encoding="utf-8") as f:
        claims = list(csv.DictReader(f))
    assert len(claims) == total and {c["example"] for c in claims} == set(figures.EXAMPLES)
    assert all(c["agrees?"] == "yes" for c in claims)
    for name in figures.EXAMPLES:
        width, height = png_size(out / f"{name}.png")
        assert width >= 600 and height >= 400, (name, width, height)
    # the optimizer grid: every registered optimizer's defaults on every tour problem
    assert tour.TOUR_PROBLEMS == TOUR_PROBLEMS
    with open(out / "tour.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(TOUR_PROBLEMS) * len(registry.names())
    assert {(r["problem"], r["optimizer"], r["variant"]) for r in rows} == {
        (p, name, "") for p in TOUR_PROBLEMS for name in registry.names()
    }
    for name in registry.names():
        assert name in proc.stdout, name
    markdown = (out / "tour.md").read_text(encoding="utf-8")
    assert markdown.startswith("| problem | optimizer (variant) |")
    assert markdown.count("\n| quadratic_l0 |") == len(registry.names())


def text_table_rows(text):
    """The rows of the first text table in ``text`` as cell strings, cut at the dashed rule's
    columns; a wrapped cell's continuation lines (blank first cell) are joined to its row."""
    lines = text.splitlines()
    rule = next(i for i, ln in enumerate(lines) if ln and set(ln) <= {"-", " "})
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    spans[-1] = (spans[-1][0], None)  # the last column runs to the end of the line
    rows = []
    for line in lines[rule + 1 :]:
        if not line.strip():
            break
        cells = [line[a:b] for a, b in spans]
        if rows and not cells[0].strip():
            rows[-1][1:] = [f"{old} {new.strip()}".strip() for old, new in zip(rows[-1][1:], cells[1:])]
        else:
            rows.append([cells[0].rstrip(), *(c.strip() for c in cells[1:])])
    return rows


def list_blocks(text):
    """``list``'s table as {optimizer: (its row, {variant: its row})}."""
    blocks = {}
    for row in text_table_rows(text):
        if row[0].startswith("  "):  # a variant: under the last optimizer
            blocks[next(reversed(blocks))][1][row[0].strip()] = row
        else:
            blocks[row[0]] = (row, {})
    return blocks


def test_list_prints_every_optimizer_with_its_defaults_and_each_variants_keywords():
    proc = run_cli("list")
    assert proc.returncode == 0, proc.stderr
    blocks = list_blocks(proc.stdout)
    assert list(blocks) == registry.names()
    for spec in registry.REGISTRY.values():
        (name, family, lecture, keywords, extras), variants = blocks[spec.name]
        assert (family, lecture) == (spec.family, spec.lecture)
        assert keywords == (", ".join(f"{k}={v!r}" for k, v in spec.defaults.items()) or "—"), spec.name
        assert extras == (", ".join(spec.extra_args) or "—")
        assert list(variants) == list(spec.variants), spec.name
        for variant_name, variant in spec.variants.items():
            row = variants[variant_name]
            assert row[2] == variant.lecture
            for key, value in variant.kwargs.items():
                assert f"{key}={value!r}" in row[3], (spec.name, variant_name, row)
            assert variant.kwargs or row[3] == "(the defaults)"
    # the brief's examples, literally
    assert blocks["rmsprop"][0][3] == "learning_rate=0.01"
    assert blocks["rmsprop"][1]["centered"][3] == "centered=True"
    assert blocks["adam"][1]["eps_in_sqrt"][3] == "eps_in_sqrt=True"
    assert blocks["rprop"][1]["irprop+"][3:] == ["variant='irprop+'", "+ value"]  # an extra argument it adds
    assert blocks["gauss_newton"][0][4] == "residual_fn"
    assert "NAME:VARIANT" in proc.stdout and "adam:eps_in_sqrt" in proc.stdout


def test_unknown_subcommand_exits_with_status_2():
    proc = run_cli("bogus")
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "usage:" in proc.stderr and "invalid choice" in proc.stderr


def test_help_in_a_subprocess():
    proc = run_cli("--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout and "tour" in proc.stdout and "list" in proc.stdout


# In-process from here on: the same parser, without paying for a new interpreter each time.


def test_list_problems_and_markdown(capsys):
    assert cli.main(["list", "--problems"]) == 0
    out = capsys.readouterr().out
    for problem in TOUR_PROBLEMS:
        assert problem in out
    assert cli.main(["list", "--markdown"]) == 0
    assert capsys.readouterr().out == cli.algorithm_table()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["tour", "--optimizers", "adam,no_such_optimizer"],
        ["tour", "--problems", "nope"],
        ["tour", "--steps", "0"],
        ["tour", "--tol", "-1"],
        ["tour", "--examples", "no_such_figure"],
        ["tour", "--dpi", "0"],
        ["list", "--bogus"],
    ],
)
def test_argument_errors_exit_with_status_2(args, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_unknown_names_are_listed_in_the_message(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["tour", "--optimizers", "adamm"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "adamm" in err and "valid: sgd, momentum" in err and "rprop" in err


@pytest.mark.parametrize("args", [["--help"], ["tour", "--help"], ["list", "--help"]])
def test_help_everywhere(args, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_list_in_process_returns_0(capsys):
    assert cli.main(["list"]) == 0
    assert "rprop" in capsys.readouterr().out


def test_tour_subset_in_process_writes_its_files(tmp_path, capsys):
    status = cli.main(["tour", "--quick", "--examples", "l0_gd_step_sizes", "--optimizers", "sgd",
                       "--problems", "quadratic_l0", "--steps", "300", "--out", str(tmp_path), "--dpi", "50"])
    assert status == 0
    out = capsys.readouterr().out
    assert "300 steps per run" in out and "\nsgd " not in out and "quadratic_l0  sgd" in out
    assert "lecture claim" in out and "2 of 2 lecture claims agree" in out
    assert (tmp_path / "tour.csv").read_text().count("\n") == 2  # header + one row
    assert (tmp_path / "claims.csv").read_text().count("\n") == 3  # header + two claims
    assert png_size(tmp_path / "l0_gd_step_sizes.png") == (11 * 50, int(4.5 * 50))  # the figure's 11 × 4.5 inches
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "claims.csv", "claims.md", "l0_gd_step_sizes.png", "tour.csv", "tour.md"]


def test_tour_full_settings_run_every_variant(capsys):
    status = cli.main(["tour", "--no-examples", "--optimizers", "rprop", "--problems", "quadratic_l0",
                       "--steps", "100", "--out", ""])
    assert status == 0
    out = capsys.readouterr().out
    for variant in registry.get("rprop").variants:
        assert f"rprop ({variant})" in out
    assert "lecture claim" not in out and "wrote" not in out


# ----------------------------------------------------------------------------------------------
# A newly registered optimizer reaches list, compare and the tour with no other change
# ----------------------------------------------------------------------------------------------


def sign_sgd(learning_rate=0.03, *, soft=0.0):
    """Sign-SGD, w ← w − η sign(g); ``soft`` > 0: w ← w − η g / (|g| + soft) (a test-only optimizer)."""
    base.check_learning_rate(learning_rate)

    def direction(g):
        return (jnp.sign(g) if soft == 0 else g / (jnp.abs(g) + soft),)

    def update(updates, state, params=None, **extra_args):
        return base.leafwise(direction, updates, n_out=1)[0], state

    scale = base.extra_args_transformation(lambda params: optax.EmptyState(), update)
    return base.chain(scale, base.learning_rate_scale(learning_rate))


@pytest.fixture
def sign_sgd_registered():
    spec = registry.register(registry.OptimizerSpec(
        "sign_sgd", sign_sgd, lambda: sign_sgd(1.0), "heuristic", "test only",
        defaults={"learning_rate": 0.03},
        variants={"sign": registry.Variant({}, "signSGD"), "soft": registry.Variant({"soft": 0.5}, "smoothed sign")},
    ))  # fmt: skip
    yield spec
    assert registry.unregister("sign_sgd") is spec
    assert "sign_sgd" not in registry.names()


def test_a_registered_optimizer_is_listed_compared_and_toured(sign_sgd_registered, capsys, tmp_path):
    assert cli.main(["list"]) == 0
    (row, variants) = list_blocks(capsys.readouterr().out)["sign_sgd"]
    assert row[1:4] == ["heuristic", "test only", "learning_rate=0.03"]
    assert variants["soft"][3] == "soft=0.5" and variants["sign"][3] == "(the defaults)"

    # Sign-SGD on 0.1 x1² + 2 x2² from (−5, −2), η = 0.03: each coordinate walks 0.03 per step to
    # 0.01 (x1 after 167 steps, x2 after 67), then alternates 0.01, −0.02; after 200 steps both sit at
    # −0.02, f = 2.1 · 0.02² = 8.4e-4 (to float64 rounding of 200 additions). The soft variant moves
    # x1 by η·0.2|x1| / (0.2|x1| + 0.5), between 0.004|x1| and 0.012|x1| while |x1| ≤ 5, so
    # 5·0.988²⁰⁰ ≤ |x1| ≤ 5·0.996²⁰⁰ after 200 steps: f ∈ [0.0199, 0.503] plus x2's (decaying) share.
    assert cli.main(["compare", "--problem", "quadratic_l0", "--optimizers", "sign_sgd,sign_sgd:soft",
                     "--steps", "200"]) == 0  # fmt: skip
    rows = {r[0]: r for r in text_table_rows(capsys.readouterr().out)}
    assert rows["sign_sgd"][1] == "200" and rows["sign_sgd"][5] == "max_steps"
    assert float(rows["sign_sgd"][2]) == pytest.approx(8.4e-4, rel=1e-9)
    assert 0.0199 < float(rows["sign_sgd:soft"][2]) < 0.51

    # the tour's grid on one problem, no figures: the defaults (--quick) and, as NAME:VARIANT, soft alone
    assert cli.main(["tour", "--quick", "--no-examples", "--optimizers", "sign_sgd,sign_sgd:soft",
                     "--problems", "quadratic_l0", "--steps", "200", "--out", str(tmp_path)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Every optimizer on quadratic_l0" in out and "quadratic_l0  sign_sgd (soft)" in out
    with open(tmp_path / "tour.csv", newline="", encoding="utf-8") as f:
        toured = list(csv.DictReader(f))
    assert [(r["optimizer"], r["variant"]) for r in toured] == [("sign_sgd", ""), ("sign_sgd", "soft")]
    # the grid is around the registry's default rate; sign-SGD ends where it oscillates, |x_i| < η
    assert [float(toured[0][k]) for k in ("grid_low", "grid_high")] == pytest.approx([3e-4, 3.0])
    assert 0 <= float(toured[0]["final_loss"]) < 2.1 * float(toured[0]["learning_rate"]) ** 2


def test_tour_unknown_variant_exits_2_naming_the_valid_ones(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["tour", "--no-examples", "--optimizers", "rprop:irprop", "--problems", "beale"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "rprop has no variant 'irprop'" in err and "valid: rprop:rprop-, rprop:rprop+, rprop:irprop-, rprop:irprop+" in err


# ----------------------------------------------------------------------------------------------
# The rows themselves
# ----------------------------------------------------------------------------------------------


def test_tour_rows_gd_momentum_adam_solve_the_l0_quadratic():
    settings = dataclasses.replace(tour.QUICK, all_variants=True)
    rows = tour.tour_rows(settings=settings, problems=("quadratic_l0",), optimizers=("sgd", "momentum", "adam"))
    assert {(r.optimizer, r.variant) for r in rows} == {
        (spec.name, v) for spec, v, _ in tour.tour_cases(("sgd", "momentum", "adam"))
    }
    assert len(rows) == 1 + 3 + 4  # gd; classic, ema, dampened; kingma_ba, eps_in_sqrt, no_bias_correction, scalar
    for row in rows:
        assert row.problem == "quadratic_l0"
        assert row.learning_rate is not None and row.grid_low <= row.learning_rate <= row.grid_high, row
        assert row.gap is not None and row.gap <= 1e-6, row
        assert row.steps_to_tol is not None and 0 < row.steps_to_tol <= row.num_steps, row
    # GD's best rate on 0.1 x1² + 2 x2² (Hessian eigenvalues 0.2 and 4) must be stable: η < 2/4.
    gd = next(r for r in rows if r.optimizer == "sgd")
    assert gd.learning_rate < 0.5


def test_run_grid_reports_divergence_as_data():
    # GD on 0.1 x1² + 2 x2² diverges for every η > 2/λmax = 0.5 and converges below it.
    problem = get_problem("quadratic_l0")
    spec = registry.get("sgd")
    make = lambda lr: spec.make(learning_rate=lr)  # noqa: E731
    values = tour._grid_values(problem, make, np.array([0.4, 0.6, 1.0, 2.0]), 300, False, jnp.float32)
    assert values.shape == (4, 301) and values.dtype == np.float32
    np.testing.assert_allclose(values[:, 0], 10.5)  # values[:, 0] is f(x0)
    assert np.all(np.isfinite(values[0])) and not np.any(np.all(np.isfinite(values[1:]), axis=1))
    assert tour.select_learning_rate(values, 0.0, 1e-6) == (0, int(np.argmax(values[0] <= 1e-6)), 3)
    assert tour.select_learning_rate(values[1:], 0.0, 1e-6) == (None, None, 3)


def test_run_grid_passes_value_and_residuals_to_optimizers_that_need_them():
    problem = get_problem("beale")
    spec = registry.get("rprop")
    assert spec.needs(variant="irprop+") == ("value",)
    make = lambda lr: spec.make(variant="irprop+", learning_rate=lr)  # noqa: E731
    values = tour._grid_values(problem, make, np.array([0.01, 0.1]), 200, False, jnp.float32)
    assert np.all(np.isfinite(values)) and np.all(values[:, -1] < 1e-6)
    # the least-squares path (f = ½‖r‖²) gives the same run as the plain one: a few float32 ulps
    sgd = lambda lr: registry.get("sgd").make(learning_rate=lr)  # noqa: E731
    plain = tour._grid_values(problem, sgd, np.array([0.01]), 50, False, jnp.float32)
    lsq = tour._grid_values(problem, sgd, np.array([0.01]), 50, True, jnp.float32)
    np.testing.assert_allclose(lsq, plain, rtol=1e-5)


def test_select_learning_rate():
    tol = 1e-6
    steady = np.array([1.0, 1e-3, 1e-7, 1e-9])  # reaches tol at step 2 and stays
    fast_but_bouncing = np.array([1.0, 1e-7, 1e-2, 1e-2])  # touches tol at step 1, ends above it
    slow = np.array([1.0, 1e-2, 1e-3, 1e-7])  # reaches tol at step 3
    nan = np.array([1.0, np.nan, np.nan, np.nan])
    rising = np.array([1.0, 0.5, 2.0, 3.0])
    best, steps, diverged = tour.select_learning_rate(np.stack([nan, slow, fast_but_bouncing, steady, rising]), 0.0, tol)
    assert (best, steps, diverged) == (3, 2, 2)
    # Nothing ends within tol: the smallest final gap wins; its first touch of tol is still reported.
    best, steps, diverged = tour.select_learning_rate(np.stack([np.array([1.0, 0.5, 0.1, 0.1]), fast_but_bouncing]), 0.0, tol)
    assert (best, steps, diverged) == (1, 1, 0)
    assert tour.select_learning_rate(np.stack([nan, rising]), 0.0, tol) == (None, None, 2)
    # f* is subtracted.
    assert tour.select_learning_rate(np.array([[11.0, 10.5, 10.0 + 1e-7]]), 10.0, tol) == (0, 2, 0)


def test_learning_rate_grid_is_log_spaced_around_the_default():
    grid = tour.learning_rate_grid(0.01, tour.QUICK)
    assert len(grid) == tour.QUICK.num_learning_rates
    np.testing.assert_allclose(grid[[0, -1]], [1e-4, 1.0])
    np.testing.assert_allclose(np.diff(np.log(grid)), np.log(grid[1] / grid[0]))


def test_format_rows_all_formats():
    row = tour.TourRow("beale", "adam", "kingma_ba", 0.1, 1e-9, 1e-9, 42, 1000, 1e-6, 0, 1e-4, 1.0)
    failed = tour.TourRow("rosenbrock", "delta_delta", "jacobs", None, None, None, None, 1000, 1e-6, 8, 1e-4, 1.0)
    text = tour.format_rows([row, failed])
    assert "adam (kingma_ba)" in text and "42" in text and "all 8 diverged" in text
    assert tour.format_rows([row], "markdown").splitlines()[2].startswith("| beale | adam (kingma_ba) | 0.1")
    csv_text = tour.format_rows([row, failed], "csv")
    assert csv_text.splitlines()[0].startswith("problem,optimizer,variant,learning_rate")
    assert len(csv_text.splitlines()) == 3
    with pytest.raises(ValueError, match="fmt"):
        tour.format_rows([row], "html")
