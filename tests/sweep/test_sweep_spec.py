"""Spec parsing and validation: every bad input is refused before any run, naming its line."""

from __future__ import annotations

import numpy as np
import pytest

from abm import Params
from abm.sweep.spec import SpecError, load_spec, parse_spec, replicate_seeds

GOOD = """\
scenario = "two_regimes"
periods = 4
seeds = 3
root_seed = 5

[fixed]
n_workers = 500
n_tasks = 5
n_firms = 10

[grid]
xi = [0.05, 0.1, 0.2]

[keep]
workers_at = [0, 4]
firms_at = [4]
"""


def error_of(write_toml, text: str) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(write_toml(text))
    return str(info.value)


# -- what a valid spec becomes ------------------------------------------------------------
def test_two_regimes_variants_become_a_dimension(write_toml):
    spec = load_spec(write_toml(GOOD))
    assert spec.dims == ("variant", "xi")
    assert spec.n_runs == 3 * 3 * 3
    combos = [dict(p.values) for p in spec.points]
    assert combos[0] == {"variant": "no_ai", "xi": 0.05}
    assert combos[-1] == {"variant": "proprietary_ai", "xi": 0.2}
    prop = spec.points[-1].params
    assert (prop.eta0, prop.eta1, prop.xi) == (0.0, 1.0, 0.2)
    assert (prop.n_periods, prop.n_workers) == (4, 500)
    assert spec.points[0].params.ai_enabled is False
    assert (spec.workers_at, spec.firms_at) == ((0, 4), (4,))


def test_toml_and_dict_specs_are_the_same_sweep(write_toml):
    from_toml = load_spec(write_toml(GOOD))
    from_dict = parse_spec({"scenario": "two_regimes", "periods": 4, "seeds": 3, "root_seed": 5,
                            "fixed": {"n_firms": 10, "n_tasks": 5, "n_workers": 500},
                            "grid": {"xi": [0.05, 0.1, 0.2]},
                            "keep": {"firms_at": [4], "workers_at": [4, 0]}})
    assert from_toml.spec_hash == from_dict.spec_hash
    assert [(r.run_id, r.seed, r.point.params) for r in from_toml.runs()] == \
           [(r.run_id, r.seed, r.point.params) for r in from_dict.runs()]


def test_explicit_points_and_seed_list(small_spec):
    spec = parse_spec({"scenario": "baseline", "seeds": [7, 3], "fixed": small_spec["fixed"],
                       "points": [{"xi": 0.1, "eta1": 0.5}, {"xi": 0.4}]})
    assert spec.dims == ("xi", "eta1")
    assert [dict(p.values) for p in spec.points] == [{"xi": 0.1, "eta1": 0.5},
                                                      {"xi": 0.4, "eta1": Params().eta1}]
    assert [r.seed for r in spec.runs()] == [7, 3, 7, 3]


def test_points_can_pick_variants(small_spec):
    spec = parse_spec({"scenario": "two_regimes", "seeds": 2, "fixed": small_spec["fixed"],
                       "points": [{"variant": "proprietary_ai", "xi": 0.3},
                                  {"variant": "commodity_ai"}]})
    assert spec.dims == ("variant", "xi") and spec.n_runs == 4
    assert [dict(p.values) for p in spec.points] == [
        {"variant": "proprietary_ai", "xi": 0.3}, {"variant": "commodity_ai", "xi": 0.1}]
    assert spec.points[1].params.eta0 == 1.0


def test_no_grid_replicates_the_scenario(small_spec):
    spec = parse_spec({"scenario": "baseline", "seeds": 4, "fixed": small_spec["fixed"]})
    assert spec.dims == () and spec.n_runs == 4


def test_ints_for_float_parameters_are_coerced(small_spec):
    spec = parse_spec({**small_spec, "grid": {"xi": [0, 1]}})
    assert [dict(p.values)["xi"] for p in spec.points] == [0.0, 1.0]
    assert isinstance(spec.points[0].params.xi, float)


# -- seeds ----------------------------------------------------------------------------------
def test_replicate_seeds_come_from_spawned_seed_sequence():
    children = np.random.SeedSequence(42).spawn(5)
    expected = tuple(int(c.generate_state(1, np.uint64)[0]) >> 1 for c in children)
    assert replicate_seeds(5, 42) == expected
    assert len(set(expected)) == 5 and all(0 <= s < 2**63 for s in expected)


def test_adding_points_or_seeds_keeps_existing_runs(small_spec):
    small = parse_spec(small_spec)
    bigger = parse_spec({**small_spec, "seeds": 5, "grid": {"xi": [0.01, 0.05, 0.3, 0.6]}})

    def keyed(spec):
        return {(dict(r.point.values)["xi"], r.replicate): (r.seed, r.point.params)
                for r in spec.runs()}
    old, new = keyed(small), keyed(bigger)
    assert old.items() <= new.items()
    assert len(new) == 20


def test_seeds_shared_across_points_common_random_numbers(small_spec):
    spec = parse_spec(small_spec)
    by_point = [[r.seed for r in spec.runs() if r.point.index == p] for p in range(2)]
    assert by_point[0] == by_point[1] == list(replicate_seeds(3, 11))


# -- errors that name the line ------------------------------------------------------------
@pytest.mark.parametrize(("text", "line", "fragment"), [
    ('scenario = "baseline"\nseedz = 3\n', 2, "unknown key 'seedz'. Did you mean: seeds"),
    ('scenario = "baseline"\n[grid]\nxii = [0.1]\n', 3,
     "unknown parameter 'xii'. Did you mean: xi"),
    ('scenario = "baseline"\n[grid]\nxi = [0.1, 1.5]\n', 3,
     "xi=1.5 is out of range; allowed [0.0, 1.0]"),
    ('scenario = "baseline"\n[grid]\n', 2, "the grid is empty"),
    ('scenario = "baseline"\n\n[grid]\nxi = []\n', 4, "grid.xi is an empty list"),
    ('scenario = "baseline"\n[grid]\nxi = 0.1\n', 3, "grid values must be a list"),
    ('scenario = "baseline"\n[grid]\nxi = [0.1, 0.1]\n', 3, "lists 0.1 more than once"),
    ('scenario = "baseline"\nseeds = 0\n', 2, "a seed count must be at least 1"),
    ('scenario = "baseline"\nseeds = -2\n', 2, "a seed count must be at least 1"),
    ('scenario = "baseline"\nseeds = []\n', 2, "seeds is an empty list"),
    ('scenario = "baseline"\nseeds = [1, -1]\n', 2, "seed -1 must be a non-negative int"),
    ('scenario = "baseline"\nseeds = [1, 2.5]\n', 2, "seed 2.5 must be a non-negative int"),
    ('scenario = "baseline"\nseeds = [4, 4]\n', 2, "seed 4 appears more than once"),
    ('scenario = "baseline"\nseeds = true\n', 2, "seeds must be a count"),
    ('scenario = "baseline"\nseeds = "3"\n', 2, "seeds must be a count"),
    ('scenario = "baseline"\nroot_seed = -1\n', 2, "root_seed=-1 must be a non-negative int"),
    ('scenario = "baseline"\nperiods = 0\n', 2, "n_periods=0 is out of range"),
    ('scenario = "baseline"\nperiods = 3.0\n', 2, "must be an int (write 3)"),
    ('scenario = "nope"\n', 1, "unknown scenario 'nope'; valid scenarios: baseline"),
    ('scenario = "baseline"\n[fixed]\nn_workers = 50.5\n', 3, "n_workers=50.5 must be an int"),
    ('scenario = "baseline"\n[fixed]\nxi = 0.1\n[grid]\nxi = [0.2]\n', 5,
     "xi is both fixed and swept"),
    ('scenario = "baseline"\n[fixed]\nscreening = "yes"\n', 3, "screening='yes' must be a bool"),
    ('scenario = "baseline"\n[grid]\nvariant = ["a"]\n', 3, "this scenario has a single variant"),
    ('scenario = "two_regimes"\n[grid]\nvariant = ["no_ai", "robots"]\n', 3,
     "unknown variant 'robots'"),
    ('scenario = "baseline"\n[grid]\nxi = [0.1]\n[[points]]\nxi = 0.2\n', 4, "not both"),
    ('scenario = "baseline"\n[[points]]\nxi = 0.1\n[[points]]\nxi = 7.0\n', 5,
     "xi=7.0 is out of range"),
    ('scenario = "baseline"\n[[points]]\nxi = 0.1\n[[points]]\nxi = 0.1\n', 4,
     "points[1] repeats points[0]"),
    ('scenario = "baseline"\nperiods = 5\n[keep]\nworkers_at = [0, 6]\n', 4,
     "period 6 must be an int in [0, 5]"),
    ('scenario = "baseline"\n[keep]\nworker_at = [0]\n', 3, "unknown key 'worker_at'"),
    ('scenario = "baseline"\n[grid]\nn_tasks = [21]\nn_workers = [100]\n', 2,
     "n_workers=100 must be at least 5·n_tasks = 105"),
    ('scenario = "baseline"\nperiods = 3\n[fixed]\nn_periods = 4\n', 4, "n_periods is set twice"),
])
def test_bad_spec_names_line_and_problem(write_toml, text, line, fragment):
    message = error_of(write_toml, text)
    assert f"spec.toml, line {line} " in message
    assert fragment in message


def test_cross_parameter_rule_is_checked_per_point(write_toml):
    message = error_of(write_toml, 'scenario = "baseline"\n[grid]\nn_tasks = [10, 30]\n'
                                   'n_workers = [120]\n')
    assert "spec.toml, line 2 (grid)" in message
    assert "the point (n_tasks=30, n_workers=120) is invalid" in message


def test_multiline_arrays_keep_later_lines_right(write_toml):
    text = 'scenario = "baseline"\n[grid]\nxi = [\n  0.1,\n  0.2,\n]\neta1 = [0.5, 11.0]\n'
    assert "spec.toml, line 7 (grid.eta1[1])" in error_of(write_toml, text)


def test_invalid_toml_and_missing_file(write_toml, tmp_path):
    assert "not valid TOML" in error_of(write_toml, 'scenario = "baseline"\nseeds = \n')
    with pytest.raises(SpecError, match="not found"):
        load_spec(tmp_path / "missing.toml")


def test_missing_scenario(write_toml):
    assert "missing required key 'scenario'" in error_of(write_toml, "seeds = 3\n")


def test_points_must_all_or_none_name_the_variant(write_toml):
    text = ('scenario = "two_regimes"\n[[points]]\nvariant = "no_ai"\n[[points]]\n'
            'xi = 0.2\n')
    message = error_of(write_toml, text)
    assert "line 4 (points[1])" in message and "name it in every point or in none" in message


def test_dict_spec_errors_name_the_key(small_spec):
    with pytest.raises(SpecError, match=r"^spec key grid\.xi\[1\]: xi=2\.0 is out of range"):
        parse_spec({**small_spec, "grid": {"xi": [0.1, 2.0]}})
    with pytest.raises(SpecError, match=r"^spec key seeds: seeds=0"):
        parse_spec({**small_spec, "seeds": 0})
    with pytest.raises(SpecError, match="a spec must be a TOML file path, a dict"):
        load_spec(42)  # type: ignore[arg-type]


def test_shipped_example_spec_is_valid():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scenarios" / "two_regimes_sweep.toml"
    spec = load_spec(path)
    assert spec.scenario == "two_regimes" and spec.dims == ("variant", "xi")
    assert spec.n_runs == 3 * 3 * 20 and len(set(spec.seeds)) == 20
    assert {dict(p.values)["variant"] for p in spec.points} == {"no_ai", "commodity_ai",
                                                                 "proprietary_ai"}
    assert spec.firms_at == (0, 30) and spec.workers_at == ()
