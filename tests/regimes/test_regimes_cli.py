"""`abm regimes`: bad input stops with one line and status 2; a small map runs end to end."""

from __future__ import annotations

import pandas as pd
import pytest

from abm.cli import main as abm_main
from analysis.regimes_cli import main

BAD = [
    (["--x", "xi", "--y", "asset_gini", "--fix", "rent_share=0.3"], "unknown parameter"),
    (["--x", "xi", "--y", "asset_gini", "--fix", "psi=7"], "out of range"),
    (["--x", "xi", "--y", "asset_gini", "--fix", "psi"], "--fix expects name=value"),
    (["--x", "xi", "--y", "asset_gini", "--fix", "xi=0.2"], "both an axis and fixed"),
    (["--x", "rent", "--y", "xi"], "unknown axis"),
    (["--x", "xi"], "give both --x and --y"),
    (["--x", "xi", "--y", "xi"], "must differ"),
    (["--x", "xi", "--y", "psi", "--x-range", "0.5", "2"], "range of xi"),
    (["--seeds", "1"], "--seeds=1 must be at least 2"),
    (["--scenario", "nowhere"], "unknown scenario"),
    (["--scenario", "two_regimes"], "several variants"),
    (["--fine", "many"], "invalid int value"),
    (["--bogus"], "unrecognized arguments"),
    (["--client", "nowhere"], "scheduler address"),
    (["--mean-field", "exact"], "invalid choice"),
    (["--fix", "industry_concentration=0.5", "--mean-field", "choice"], "minutes a point"),
    (["--fix", "skill_return_spread=0.3", "--mean-field", "choice"], "minutes a point"),
    (["--fix", "asset_burn_in=10"], "drawn asset distribution up to period 0"),
    (["--fix", "burn_in_search=every", "--mean-field", "choice"], "allowed value 'sampled'"),
]


@pytest.mark.parametrize(("argv", "needle"), BAD)
def test_bad_input_is_one_line_and_status_2(argv, needle, refused):
    refused(main, argv, needle)


def test_out_that_is_a_file_is_one_line_and_status_2(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("keep")
    for out, needle in ((afile, "is a file, not a folder"),
                        (afile / "sub", "is a file, not a folder"),
                        ("/proc/abm-regimes", "cannot write in /proc"), ("", "empty string")):
        assert main(["--x", "xi", "--y", "psi", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err, err
    assert afile.read_text() == "keep"


def test_dispatch_from_the_abm_command(capsys, tmp_path):
    assert abm_main(["regimes", "--x", "xi", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("abm: error: give both")


def test_a_small_map_end_to_end(tmp_path, capsys):
    out = tmp_path / "map"
    argv = ["--x", "proprietary_share", "--y", "xi", "--fine", "5", "--coarse", "2",
            "--seeds", "2", "--periods", "5", "--fix", "n_workers=1000", "--fix",
            "n_firms=20", "--client", "serial", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "proprietary_share = " in printed and "sign agreement" in printed
    table = pd.read_parquet(out / "regime_map.parquet")
    assert len(pd.read_csv(out / "regime_map.csv")) == len(table)
    grids = table.groupby("grid").size()
    assert grids["analytic"] == 25
    assert grids["simulated"] >= 4                     # the map, plus any explain reruns
    sim = table[(table["grid"] == "simulated") & (table["map"] == "proprietary_share__xi")]
    assert sorted(sim["proprietary_share"].unique()) == [0.25, 0.75]
    assert sim[["sim_dgini", "sim_se", "dgini", "decisive"]].notna().all().all()
    for name in ("phase_proprietary_share__xi.png", "phase_proprietary_share__xi.pdf",
                 "boundaries.csv", "boundaries.json", "agreement.md"):
        assert (out / name).stat().st_size > 0
    # rerunning resumes the stored sweep instead of simulating again
    assert main(argv) == 0


def test_analytic_grid_reports_progress_in_logs(capsys, monkeypatch):
    """The analytic map (about a minute at its default size) is not silent in a log."""
    import abm.feedback as feedback
    from abm import Params
    from analysis.regimes.maps import Axis, analytic_grid

    init = feedback.Progress.__init__

    def every_point(self, total, label, stream=None, interval=10.0):
        init(self, total, label, stream, 0.0)          # a line per point, not every 10 s

    monkeypatch.setattr(feedback.Progress, "__init__", every_point)
    grid = analytic_grid(Params(n_workers=500, n_tasks=4), Axis.of("xi"),
                         Axis.of("asset_gini"), 2)
    assert len(grid) == 4
    err = capsys.readouterr().err
    assert "analytic map xi × asset_gini: 1/4 (25%)" in err
    assert "analytic map xi × asset_gini: 4/4 (100%)" in err


def test_the_mean_field_option_reaches_the_analytic_side():
    """--mean-field choice: the analytic map and the points' analytic column are
    `predict(p, **WITH_CHOICE)`; 'fast' is `predict(p)`. (End to end the choice form
    takes minutes: its boundary table alone needs some 150 predictions.)"""
    from abm import Params
    from analysis.regimes import WITH_CHOICE, predict
    from analysis.regimes_inputs import set_axis
    from analysis.regimes.maps import Axis, analytic_grid
    from analysis.regimes_cli import _mean_field, _parser

    assert _mean_field(_parser().parse_args([]).mean_field) == {}
    assert _mean_field(_parser().parse_args(["--mean-field", "choice"]).mean_field) == \
        WITH_CHOICE
    base = Params(n_workers=1000, n_firms=20)
    grid = analytic_grid(base, Axis.of("proprietary_share"), Axis.of("xi"), 2,
                         mean_field=_mean_field("choice"))
    row = grid.iloc[0]
    p = set_axis(base, "proprietary_share", float(row["proprietary_share"])).replace(
        xi=float(row["xi"]))
    assert row["dgini"] == pytest.approx(predict(p, **WITH_CHOICE).dgini, abs=1e-12)
    assert abs(row["dgini"] - predict(p).dgini) > 1e-4          # not the fast form
