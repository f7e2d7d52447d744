"""Parameter validation: every bad value is refused with a message naming it and its range."""

import dataclasses
import math

import pytest

from abm import Params, ParameterError
from abm.params import parse_assignment


def test_defaults_are_valid_and_frozen():
    p = Params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.xi = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(("name", "value", "fragment"), [
    ("xi", 1.5, "xi=1.5 is out of range; allowed [0.0, 1.0]"),
    ("xi", -0.1, "allowed [0.0, 1.0]"),
    ("asset_gini", 0.995, "asset_gini=0.995 is out of range"),
    ("n_workers", 10, "n_workers=10 is out of range"),
    ("sigma", 0.0, "sigma=0.0 is out of range; allowed [0.05, 20.0]"),
    ("codifiable_share", 1.0, "allowed (0.0, 1.0)"),
    ("edu_subsidy", 1.0, "allowed [0.0, 1.0)"),
])
def test_out_of_range_names_parameter_and_range(name, value, fragment):
    with pytest.raises(ParameterError, match=fragment.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        Params(**{name: value})


@pytest.mark.parametrize(("name", "value"), [
    ("n_workers", 1000.5), ("n_workers", "1000"), ("n_workers", True), ("xi", "0.1"),
    ("xi", None), ("screening", 1), ("augmentation", "linear"),
])
def test_wrong_type_is_refused(name, value):
    with pytest.raises(ParameterError, match=name):
        Params(**{name: value})


def test_integral_float_for_int_gets_a_hint():
    with pytest.raises(ParameterError, match=r"must be an int \(write 1000\)"):
        Params(n_workers=1000.0)


def test_nan_is_refused():
    with pytest.raises(ParameterError, match="xi=nan is not allowed"):
        Params(xi=math.nan)


def test_unknown_parameter_suggests_close_names():
    with pytest.raises(ParameterError, match="unknown parameter 'ksi'|Did you mean"):
        Params(ksi=0.1)
    with pytest.raises(ParameterError, match="Did you mean: xi"):
        Params().replace(xii=0.1)


def test_error_is_a_value_error():
    assert issubclass(ParameterError, ValueError)


def test_replace_validates_and_keeps_other_fields():
    p = Params(xi=0.2).replace(eta1=0.0)
    assert (p.xi, p.eta1) == (0.2, 0.0)
    with pytest.raises(ParameterError, match="psi=9"):
        p.replace(psi=9)


def test_cross_field_rules():
    with pytest.raises(ParameterError, match="rho=0.0 is not allowed"):
        Params(rho=0.0)
    with pytest.raises(ParameterError, match="tool_base"):
        Params(augmentation="ces", rho=-1.0, tool_base=0.0)
    with pytest.raises(ParameterError, match="n_workers=100 must be at least 5·n_tasks"):
        Params(n_workers=100, n_tasks=30)


def test_round_trip_through_dict():
    p = Params(xi=0.3, augmentation="ces", rho=-0.5)
    assert Params.from_dict(p.to_dict()) == p


def test_the_dict_is_what_the_dataclass_deep_copy_gives():
    # to_dict is a shallow copy, which is the whole value only while every field is a
    # scalar; dataclasses.asdict (a deep copy) is the oracle
    import dataclasses

    p = Params(xi=0.3, augmentation="ces", rho=-0.5, burn_in_search="every")
    assert p.to_dict() == dataclasses.asdict(p)
    assert all(type(v) in (int, float, bool, str) for v in p.to_dict().values())


def test_every_field_is_documented():
    for info in Params.field_info():
        assert info["doc"], f"{info['name']} has no documentation"
        if info["type"] in ("int", "float"):
            assert info["lo"] is not None and info["hi"] is not None, info["name"]


@pytest.mark.parametrize(("text", "expected"), [
    ("xi=0.2", ("xi", 0.2)), ("n_workers = 2000", ("n_workers", 2000)),
    ("screening=false", ("screening", False)), ("augmentation=ces", ("augmentation", "ces")),
])
def test_parse_assignment(text, expected):
    assert parse_assignment(text) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("xi", "expects name=value"), ("xi=abc", "expected a float"),
    ("n_workers=2.5", "expected a int"), ("screening=maybe", "expected a bool"),
    ("nope=1", "unknown parameter 'nope'"),
])
def test_parse_assignment_errors(text, fragment):
    with pytest.raises(ParameterError, match=fragment):
        parse_assignment(text)
