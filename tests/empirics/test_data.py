"""The data loaders: the shipped files load; malformed and truncated copies fail with one
clear DataError that names the file and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from analysis.empirics import data
from analysis.empirics.data import DATA_DIR, OEWS_FILE, DataError


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of analysis/data to damage."""
    out = tmp_path / "data"
    shutil.copytree(DATA_DIR, out)
    return out


def _edit(path: Path, fn) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(fn(lines)), encoding="utf-8")


def test_shipped_files_load_with_documented_shape():
    oews, exposures = data.load_all()
    # README §1: 6,866 data rows; detailed rows per year 789, 789, 831, 830, 831
    assert len(oews) == 6866
    det = oews[oews["o_group"] == "detailed"].groupby("year").size()
    assert det.to_dict() == {2019: 789, 2020: 789, 2021: 831, 2022: 830, 2023: 831}
    # top-coded cells are empty and flagged (README: a_pct90 top-coded in 57-83 rows a year)
    top90 = oews.groupby("year")["top_a_pct90"].sum()
    assert top90.between(57, 83).all()
    assert oews.loc[oews["top_a_pct90"], "a_pct90"].isna().all()
    assert set(exposures.columns) == set(data.EXPOSURE_NAMES)
    assert exposures["eloundou"].notna().sum() == 798


def test_missing_file(copy):
    (copy / OEWS_FILE).unlink()
    with pytest.raises(DataError, match=f"{OEWS_FILE}: file not found"):
        data.load_oews(copy)


def test_missing_column(copy):
    path = copy / OEWS_FILE
    _edit(path, lambda ls: [ls[0].replace("a_pct90", "a_p90")] + ls[1:])
    with pytest.raises(DataError, match=r"oews_national_2019_2023.csv: missing column\(s\) \['a_pct90'\]"):
        data.load_oews(copy)


def test_non_number_names_the_line(copy):
    path = copy / OEWS_FILE
    _edit(path, lambda ls: [ls[0], ls[1].replace(",101020,", ",101O20,")] + ls[2:])
    with pytest.raises(DataError, match=r"column 'a_pct90' line 2: '101O20' is not a number"):
        data.load_oews(copy)


def test_year_outside_the_window(copy):
    path = copy / OEWS_FILE
    _edit(path, lambda ls: [ls[0], "2018" + ls[1][4:]] + ls[2:])
    with pytest.raises(DataError, match=r"year\(s\) \[2018\] outside"):
        data.load_oews(copy)


def test_truncated_mid_row(copy):
    path = copy / OEWS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) - 40], encoding="utf-8")     # cut inside the last row
    with pytest.raises(DataError, match="oews_national_2019_2023.csv: .*(truncated row|not a number)"):
        data.load_oews(copy)


def test_truncated_at_a_row_boundary(copy):
    path = copy / OEWS_FILE
    _edit(path, lambda ls: ls[:-30])                 # the last 30 rows of 2023 are gone
    with pytest.raises(DataError, match="year 2023: detailed employment .* differs from the total"):
        data.load_oews(copy)


def test_truncated_to_fewer_years(copy):
    path = copy / OEWS_FILE
    _edit(path, lambda ls: [ls[0]] + [x for x in ls[1:] if not x.startswith(("2022", "2023"))])
    with pytest.raises(DataError, match=r"no rows for year\(s\) \[2022, 2023\]"):
        data.load_oews(copy)


def test_unflagged_empty_cell(copy):
    path = copy / OEWS_FILE
    _edit(path, lambda ls: [ls[0], ls[1].replace(",25.72,", ",,")] + ls[2:])
    with pytest.raises(DataError, match="h_mean line 2 is empty but has no BLS marker"):
        data.load_oews(copy)


def test_unknown_marker(copy):
    path = copy / OEWS_FILE
    _edit(path, lambda ls: [ls[0], ls[1], ls[2].replace("a_pct90=#", "a_pct90=!")] + ls[3:])
    with pytest.raises(DataError, match="wage_flags line 3: 'a_pct90=!' is not field=marker"):
        data.load_oews(copy)


def test_exposure_file_with_text_in_a_score(copy):
    path = copy / "exposure_eloundou_gpts_soc2018.csv"
    _edit(path, lambda ls: [ls[0], ls[1].replace(",0.5077777778,", ",high,")] + ls[2:])
    with pytest.raises(DataError, match=r"exposure_eloundou_gpts_soc2018.csv: column "
                                        r"'dv_rating_beta' line 2: 'high' is not a number"):
        data.load_exposures(copy)


def test_exposure_file_with_duplicated_code(copy):
    path = copy / "exposure_felten_aioe_soc2018.csv"
    _edit(path, lambda ls: ls + [ls[1]])
    with pytest.raises(DataError, match="occ_code '11-1011' appears twice"):
        data.load_exposures(copy)


def test_bad_soc_code_in_crosswalk(copy):
    path = copy / "soc_2010_to_2018_crosswalk.csv"
    _edit(path, lambda ls: [ls[0], "111011" + ls[1][7:]] + ls[2:])
    with pytest.raises(DataError, match="'111011' is not a SOC code"):
        data.load_crosswalk(copy)


def test_empty_file(copy):
    (copy / "exposure_brynjolfsson_sml_soc2018.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="exposure_brynjolfsson_sml_soc2018.csv: not a readable CSV"):
        data.load_exposures(copy)


def test_numbers_are_floats_and_keys_unique():
    oews = data.load_oews()
    assert oews["tot_emp"].dtype == np.float64
    assert not oews.duplicated(["year", "occ_code", "o_group"]).any()
