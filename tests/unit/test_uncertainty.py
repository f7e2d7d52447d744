"""The regime rule: a t test over seeds, no label from one seed."""

import math

import pytest

from abm.uncertainty import NOT_DISTINGUISHABLE, Estimate, distinguishable, t_critical


def test_t_critical_values_match_student_tables():
    # two-sided 5% values from any t table: df 1, 2, 9, 29
    assert t_critical(2) == pytest.approx(12.706, abs=1e-3)
    assert t_critical(3) == pytest.approx(4.303, abs=1e-3)
    assert t_critical(10) == pytest.approx(2.262, abs=1e-3)
    assert t_critical(30) == pytest.approx(2.045, abs=1e-3)
    assert t_critical(1) == math.inf


def test_two_seeds_at_two_standard_errors_are_not_decisive():
    # the old rule (|z| > 2) called this decisive; with 1 degree of freedom it is not
    assert not distinguishable(0.003, 0.001, 2)
    assert distinguishable(0.003, 0.001, 10)


def test_labels():
    assert Estimate.of([0.001]).sign_label() == NOT_DISTINGUISHABLE   # one seed: no SE
    assert Estimate.of([0.05, 0.06, 0.07]).sign_label() == "concentrating"
    assert Estimate.of([-0.05, -0.06, -0.07]).sign_label() == "equalizing"
    assert Estimate.of([0.01, -0.012, 0.003]).sign_label() == NOT_DISTINGUISHABLE
    e = Estimate.of([1.0, 2.0, 3.0])
    assert (e.mean, e.se, e.n) == (2.0, pytest.approx(1 / math.sqrt(3)), 3)
    assert e.format(2) == "+2.00 ± 0.58"
