"""The targets file: the committed targets, and one clear error per way a file can be wrong.

Every error test writes a broken copy of a small valid file and checks that the message
names the file, the line to fix (found in the written text, not taken from the loader)
and what is allowed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from analysis.calibration.moments import STATISTICS
from analysis.calibration.targets import (DEFAULT_TARGETS, Target, Targets, TargetsError,
                                          load_targets)

VALID = '''# two targets
[[target]]
name = "gain"
value = 0.14
se = 0.02
statistic = "ai_gain_same_access"
period = 2
citation = "A source"
doi = "10.1/x"
se_note = """read off its table;
[[target]]
se = 99: a header and a key inside a note are text"""

[[target]]
name = "gap"
value = 0.001
se = 0.003
statistic = "dgini_ai"
period = 3
citation = "Another source"
doi = ""
se_note = "range read as +-2 SE"
scenario = true
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_containing(text: str, fragment: str, nth: int = 0) -> int:
    """1-based number of the nth line containing `fragment` (computed from the text)."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[nth]


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, str]:
    assert old in VALID
    text = VALID.replace(old, new, count)
    return write(tmp_path, text), text


def expect_error(path: Path, line: int | None, *words: str) -> str:
    with pytest.raises(TargetsError) as info:
        load_targets(path)
    message = str(info.value)
    assert "\n" not in message                                  # one line
    assert message.startswith(f"{path}: ")
    if line is not None:
        assert f"line {line}:" in message
    assert "allowed:" in message
    for word in words:
        assert word in message
    return message


# -- the committed targets ---------------------------------------------------------------
def test_default_targets_are_the_six_decided_moments():
    t = load_targets()
    assert t.source == str(DEFAULT_TARGETS)
    assert t.names == ["ai_gain_mean", "ai_gain_bottom", "ai_gain_top", "mincer_return",
                       "rent_sharing", "dgini"]
    expected = {  # name: (value, statistic, period), as CALIB-API's economics decisions
        "ai_gain_mean": (0.14, "ai_gain_same_access", 2),
        "ai_gain_bottom": (0.34, "ai_gain_bottom_quintile", 2),
        "ai_gain_top": (0.0, "ai_gain_top_quintile", 2),
        "mincer_return": (0.09, "education_premium", 0),
        "rent_sharing": (0.10, "rent_sharing_elasticity", 0),
        "dgini": (0.001, "dgini_ai", 3),
    }
    for name, (value, statistic, period) in expected.items():
        assert (t[name].value, t[name].statistic, t[name].period) == (value, statistic, period)
        assert t[name].se > 0 and t[name].citation and t[name].se_note
    assert t["rent_sharing"].se == 0.025                  # (0.15 − 0.05)/4, range = ±2 SE
    assert [x.name for x in t.targets if x.scenario] == ["dgini"]
    assert t["ai_gain_mean"].doi == "10.1093/qje/qjae044"


def test_default_file_is_package_data():
    cfg = (Path(__file__).resolve().parents[2] / "setup.cfg").read_text()
    line = next(x for x in cfg.splitlines() if x.startswith("analysis = "))
    assert "data/*.toml" in line and "data/*.json" in line
    assert DEFAULT_TARGETS.parent.name == "data" and DEFAULT_TARGETS.exists()


def test_targets_methods(tmp_path):
    t = load_targets(write(tmp_path, VALID))
    assert t.names == ["gain", "gap"] and len(t) == 2
    assert t.empirical().to_dict() == {"gain": 0.14, "gap": 0.001}
    cov = t.cov()
    assert list(cov.index) == list(cov.columns) == ["gain", "gap"]
    np.testing.assert_array_equal(cov.to_numpy(), np.diag([0.02 ** 2, 0.003 ** 2]))
    assert isinstance(t["gap"], Target) and t["gap"].scenario and not t["gain"].scenario
    moved = t.with_value("gap", -0.01)
    assert moved["gap"].value == -0.01 and moved["gap"].se == 0.003
    assert t["gap"].value == 0.001                              # the original is unchanged
    with pytest.raises(KeyError, match="gain, gap"):
        t["nope"]
    with pytest.raises(KeyError):
        t.with_value("nope", 0.0)
    with pytest.raises(TargetsError, match="finite"):
        t.with_value("gap", math.nan)


def test_synthetic_targets_need_no_file():
    t = Targets((Target("m", 1.0, 0.5, "gini_income", 0, "c", "", "n"),), "synthetic")
    assert t.empirical()["m"] == 1.0 and t.cov().loc["m", "m"] == 0.25


# -- errors ----------------------------------------------------------------------------
def test_missing_file(tmp_path):
    path = tmp_path / "absent.toml"
    with pytest.raises(TargetsError, match="absent.toml: cannot read"):
        load_targets(path)


def test_malformed_toml_names_its_line(tmp_path):
    path, text = broken(tmp_path, "value = 0.001", "value = 0.001 0.002")
    expect_error(path, line_containing(text, "value = 0.001 0.002"), "not valid TOML")


def test_missing_key_names_the_table(tmp_path):
    path, text = broken(tmp_path, 'se = 0.003\n', "")
    headers = [i for i, x in enumerate(text.splitlines(), start=1) if x == "[[target]]"]
    expect_error(path, headers[-1], "misses key 'se'",
                 "name, value, se, statistic")


def test_unknown_key_with_suggestion(tmp_path):
    path, text = broken(tmp_path, "period = 3\n", "period = 3\nstatstic = 1\n")
    expect_error(path, line_containing(text, "statstic"), "unknown key 'statstic'",
                 "did you mean 'statistic'", "scenario")


def test_unknown_top_level_key(tmp_path):
    path, text = broken(tmp_path, "# two targets\n", "weights = 1\n")
    expect_error(path, line_containing(text, "weights"), "unknown key 'weights'")


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", '"0.1"', "true"])
def test_value_must_be_finite_number(tmp_path, bad):
    path, text = broken(tmp_path, "value = 0.001", f"value = {bad}")
    expect_error(path, line_containing(text, f"value = {bad}"), "gap: value=",
                 "not a finite number")


@pytest.mark.parametrize("bad,problem", [("0.0", "not positive"), ("-0.1", "not positive"),
                                         ("nan", "not a finite number"),
                                         ("inf", "not a finite number")])
def test_se_must_be_positive_and_finite(tmp_path, bad, problem):
    path, text = broken(tmp_path, "se = 0.003", f"se = {bad}")
    line = text.splitlines().index(f"se = {bad}") + 1          # the whole line, not se = 0.02
    message = expect_error(path, line, "gap: se=", problem)
    assert "> 0" in message


def test_line_numbers_skip_keys_inside_multiline_strings(tmp_path):
    # the first target's se_note holds a "[[target]]" line and an "se = 99" line: a
    # scanner reading them as TOML would count three targets and send the second
    # target's keys to the note
    path, text = broken(tmp_path, "se = 0.003", "se = -1")
    real = text.splitlines().index("se = -1") + 1
    assert real > line_containing(text, "se = 99") + 2
    expect_error(path, real, "gap: se=-1")


def test_positive_se_boundary_is_accepted(tmp_path):
    t = load_targets(broken(tmp_path, "se = 0.003", "se = 1e-300")[0])
    assert t["gap"].se == 1e-300


def test_unknown_statistic_lists_the_allowed(tmp_path):
    path, text = broken(tmp_path, '"dgini_ai"', '"dgini_AI"')
    message = expect_error(path, line_containing(text, "dgini_AI"),
                           "unknown statistic 'dgini_AI'")
    for name in ("dgini_ai", "ai_gain_same_access", "education_premium"):
        assert name in message
    assert "regime" not in STATISTICS                         # not a number


@pytest.mark.parametrize("bad", ["-1", "1001", "1.5", "true", '"3"'])
def test_period_out_of_range(tmp_path, bad):
    path, text = broken(tmp_path, "period = 3", f"period = {bad}")
    expect_error(path, line_containing(text, f"period = {bad}"), "gap: period=",
                 "out of range", "an integer in [1, 1000]")


def test_ai_statistics_are_undefined_before_ai(tmp_path):
    path, text = broken(tmp_path, "period = 2", "period = 0")
    expect_error(path, line_containing(text, "period = 0"), "defined only once AI has "
                 "arrived", "[1, 1000]")
    # both sides: the first AI period and the last model period are accepted
    for ok in ("period = 1", "period = 1000"):
        assert load_targets(broken(tmp_path, "period = 2", ok)[0])["gain"].period \
            == int(ok.split()[-1])


def test_pre_ai_statistic_accepts_period_zero(tmp_path):
    text = VALID.replace('statistic = "ai_gain_same_access"\nperiod = 2',
                         'statistic = "education_premium"\nperiod = 0')
    assert load_targets(write(tmp_path, text))["gain"].period == 0


def test_duplicate_names(tmp_path):
    path, text = broken(tmp_path, 'name = "gap"', 'name = "gain"')
    expect_error(path, line_containing(text, 'name = "gain"', nth=1),
                 "duplicate target name 'gain'", "unique names")


def test_name_must_be_an_identifier(tmp_path):
    path, text = broken(tmp_path, 'name = "gap"', 'name = "the gap"')
    expect_error(path, line_containing(text, "the gap"), "not an identifier")


def test_scenario_must_be_boolean(tmp_path):
    path, text = broken(tmp_path, "scenario = true", 'scenario = "yes"')
    expect_error(path, line_containing(text, "scenario ="), "not a boolean", "true or false")


def test_empty_citation_and_non_string_doi(tmp_path):
    path, text = broken(tmp_path, 'citation = "Another source"', 'citation = " "')
    expect_error(path, line_containing(text, 'citation = " "'), "citation is empty")
    path, text = broken(tmp_path, 'doi = ""', "doi = 10")
    expect_error(path, line_containing(text, "doi = 10"), "doi=10 is not a string")


def test_no_targets(tmp_path):
    expect_error(write(tmp_path, "# nothing\n"), None, "no [[target]] tables")
