"""Each lever is exactly its documented parameter difference; unknown names are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from abm.params import Params
from analysis.policies import levers
from analysis.policies.levers import LEVERS

# The documented differences at the default economy, written out from the levers'
# `size` texts and docs/POLICIES.md (not computed by the code under test).
DOCUMENTED = {
    "open_ai": {"eta0": (0.5, 1.0), "eta1": (0.5, 0.0)},
    "rent_sharing": {"xi": (0.1, 0.3)},
    "asset_deconcentration": {"asset_gini": (0.6, 0.4)},
    "public_equity": {"public_equity": (0.0, 0.14)},
    "ai_rent_tax": {"ai_rent_tax": (0.0, 0.25)},
    "retooling": {"retooling_rate": (0.1, 0.2)},
    "edu_subsidy": {"edu_subsidy": (0.0, 0.5)},
    "skills_assessment": {"skills_assessment": (0.0, 0.5)},
    "slow_deployment": {"ai_growth": (0.25, 0.125)},
}


def test_registry_is_the_documented_set():
    assert set(LEVERS) == set(DOCUMENTED)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_each_lever_changes_only_its_parameters(name):
    base = Params()
    assert LEVERS[name].difference(base) == DOCUMENTED[name]
    after = levers.apply(name, base).to_dict()
    changed = {k for k, v in after.items() if v != getattr(base, k)}
    assert changed == set(DOCUMENTED[name])


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_levers_apply_to_another_base_economy_and_keep_its_other_values(name):
    """On a different base (as a calibrated economy would be) only the lever's own
    parameters move, and every other value is the base's."""
    base = Params(n_workers=600, xi=0.05, asset_gini=0.7, eta0=0.2, eta1=0.8,
                  retooling_rate=0.05, ai_growth=0.4)
    diff = LEVERS[name].difference(base)
    assert set(diff) <= set(DOCUMENTED[name]) and diff
    policy = levers.apply(name, base)
    for k, v in base.to_dict().items():
        if k not in diff:
            assert getattr(policy, k) == v, k


def test_open_ai_keeps_total_access_and_is_no_change_without_proprietary_ai():
    base = Params(eta0=0.3, eta1=0.9)
    p = levers.apply("open_ai", base)
    assert (p.eta0, p.eta1) == (pytest.approx(1.2), 0.0)
    commodity = Params(eta0=1.0, eta1=0.0)
    assert LEVERS["open_ai"].difference(commodity) == {}


def test_levers_never_weaken_a_stronger_base_policy():
    """A base already past the policy's value keeps it (the lever is 'at least')."""
    base = Params(xi=0.5, public_equity=0.3, ai_rent_tax=0.4, edu_subsidy=0.7,
                  skills_assessment=0.8)
    for name in ("rent_sharing", "public_equity", "ai_rent_tax", "edu_subsidy",
                 "skills_assessment"):
        assert LEVERS[name].difference(base) == {}, name


def test_unknown_lever_is_refused_in_one_line_with_the_allowed_list():
    with pytest.raises(ValueError) as info:
        levers.check_names(["rent_sharing", "basic_income"])
    text = str(info.value)
    assert "\n" not in text and "'basic_income'" in text
    for name in LEVERS:
        assert name in text


def test_every_lever_is_documented():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "POLICIES.md").read_text()
    for name, lever in LEVERS.items():
        assert f"`{name}`" in docs, name
        for text in (lever.size, lever.mechanism, lever.budget, lever.condition,
                     lever.predicts):
            assert text.strip(), name
