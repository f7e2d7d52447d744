"""The SALib wrapper against closed forms: Ishigami's Sobol indices, Morris effects.

Ishigami-Homma (1990): f = sin x1 + a·sin² x2 + b·x3⁴·sin x1, x_i ~ U(−π, π). Its
ANOVA terms, from E[sin² x] = 1/2, E[sin⁴ x] = 3/8, E[x⁴] = π⁴/5, E[x⁸] = π⁸/9:

    V1 = (1 + bπ⁴/5)²/2,  V2 = a²/8,  V13 = b²π⁸(1/18 − 1/50) = 8b²π⁸/225,
    V = V1 + V2 + V13 = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2,

so S1 = (V1, V2, 0)/V = (0.3139, 0.4424, 0) and ST = (V1 + V13, V2, V13)/V =
(0.5576, 0.4424, 0.2437) at a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity
Analysis: The Primer, §4.7). Every check runs through `analysis.sensitivity.salib`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.sensitivity import salib

A, B = 7.0, 0.1
PI = math.pi
V1 = 0.5 * (1 + B * PI**4 / 5) ** 2
V2 = A**2 / 8
V13 = 8 * B**2 * PI**8 / 225
V = V1 + V2 + V13
S1_TRUE = np.array([V1, V2, 0.0]) / V
ST_TRUE = np.array([V1 + V13, V2, V13]) / V
RANGES = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}


def ishigami(x: np.ndarray) -> float:
    return math.sin(x[0]) + A * math.sin(x[1]) ** 2 + B * x[2] ** 4 * math.sin(x[0])


def test_the_closed_form_is_the_published_one():
    # the derivation above against the values SALib and the Primer print
    np.testing.assert_allclose(S1_TRUE, [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(ST_TRUE, [0.5576, 0.4424, 0.2437], atol=5e-5)
    assert V == pytest.approx(A**2 / 8 + B * PI**4 / 5 + B**2 * PI**8 / 18 + 0.5)


def test_sobol_recovers_ishigami_indices():
    table = salib.sobol(ishigami, RANGES, n=1024, seed=3)
    assert list(table.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(table["parameter"]) == ["x1", "x2", "x3"]
    # Tolerance from the estimator's seed-to-seed sd at N = 1024 (8 design seeds,
    # measured once): at most 0.014 for S1 and 0.008 for ST; 4 sd gives 0.06 and 0.035.
    # Since sd ∝ 1/√N, a design of a quarter the size (or a bug that drops rows) would
    # need twice these; x3's S1 = 0 next to its ST = 0.24 fails any estimator that
    # confuses the two.
    np.testing.assert_allclose(table["S1"], S1_TRUE, atol=0.06)
    np.testing.assert_allclose(table["ST"], ST_TRUE, atol=0.035)
    # the bootstrap 95% half-widths are positive, and cover the truth
    assert (table[["S1_conf", "ST_conf"]] > 0).all().all()
    assert (abs(table["S1"] - S1_TRUE) <= table["S1_conf"]).all()
    assert (abs(table["ST"] - ST_TRUE) <= table["ST_conf"]).all()


def test_sobol_is_reproducible_and_seeded():
    a = salib.sobol(ishigami, RANGES, n=64, seed=5)
    b = salib.sobol(ishigami, RANGES, n=64, seed=5)
    c = salib.sobol(ishigami, RANGES, n=64, seed=6)
    assert a.equals(b)
    assert not a["S1"].equals(c["S1"])


def test_sobol_refuses_a_size_that_is_not_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        salib.sobol(ishigami, RANGES, n=1000, seed=0)


def test_named_outputs_get_an_output_column_and_constant_output_has_nan_indices():
    def two(x: np.ndarray) -> dict[str, float]:
        return {"f": ishigami(x), "flat": 1.0}

    table = salib.sobol(two, RANGES, n=256, seed=1)
    assert set(table["output"]) == {"f", "flat"}
    assert table.loc[table["output"] == "flat", ["S1", "ST"]].isna().all().all()
    f = table[table["output"] == "f"]
    assert f["ST"].iloc[1] == pytest.approx(ST_TRUE[1], abs=0.1)


def test_morris_elementary_effects_of_ishigami_at_four_levels():
    # At 4 levels x ∈ {−π, −π/3, π/3, π} and the step is Δ = 2/3 of the range.
    # x2: every step moves sin² x2 between 0 and 3/4, so |EE2| = 7·0.75/(2/3) = 7.875
    # exactly, at every point. x3: |EE3| = 0.1·|sin x1|·(π⁴ − π⁴/81)/(2/3) ≤ 12.5
    # with sin x1 ∈ {0, ±√3/2}; EE1 = (√3/2)(1 + 0.1·x3⁴)/(2/3) lies in [1.455, 13.95].
    table = salib.morris(ishigami, RANGES, trajectories=30, levels=4, seed=2)
    assert list(table.columns) == ["parameter", "mu_star", "mu_star_conf", "sigma", "mu"]
    mu = table.set_index("parameter")
    assert mu.loc["x2", "mu_star"] == pytest.approx(7.875, rel=1e-9)
    assert 1.455 <= mu.loc["x1", "mu_star"] <= 13.95
    assert 0 < mu.loc["x3", "mu_star"] <= 12.5 + 1e-9
    # x3 acts only with x1: its effects are 0 or 12.5 at random, a large σ
    assert mu.loc["x3", "sigma"] > 3


def test_morris_ranks_a_linear_function_exactly():
    # f = Σ c_i x_i: every elementary effect of x_i is c_i·(hi − lo), so μ* = |c_i|·range
    # and σ = 0 exactly; the dummy parameter has μ* = 0 and ranks last
    coef = {"a": 3.0, "b": -1.0, "c": 0.5, "dummy": 0.0}
    ranges = {"a": (0.0, 1.0), "b": (0.0, 4.0), "c": (-1.0, 1.0), "dummy": (0.0, 1.0)}

    def linear(x: np.ndarray) -> float:
        return float(np.dot(list(coef.values()), x))

    table = salib.morris(linear, ranges, trajectories=10, levels=6, seed=0)
    mu = table.set_index("parameter")
    np.testing.assert_allclose(mu["mu_star"], [3.0, 4.0, 1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(mu["mu"], [3.0, -4.0, 1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(mu["sigma"], 0.0, atol=1e-9)
    assert list(table.sort_values("mu_star", ascending=False)["parameter"]) == \
        ["b", "a", "c", "dummy"]


def test_evaluation_resumes_from_saved_chunks(tmp_path):
    X = salib.sobol_design(RANGES, n=16, seed=0)
    calls = []

    def counted(x: np.ndarray) -> float:
        calls.append(1)
        return ishigami(x)

    first = salib.evaluate(counted, X, cache=tmp_path, chunk=20)
    n_first = len(calls)
    assert n_first == len(X)
    again = salib.evaluate(counted, X, cache=tmp_path, chunk=20)
    assert len(calls) == n_first                  # nothing evaluated twice
    assert first.equals(again)
    # a different design shares no chunk
    salib.evaluate(counted, X[:5] + 0.1, cache=tmp_path, chunk=20)
    assert len(calls) == n_first + 5


def test_bad_morris_settings_are_refused():
    with pytest.raises(ValueError, match="even"):
        salib.morris(ishigami, RANGES, trajectories=4, levels=5, seed=0)
    with pytest.raises(ValueError, match="at least 2"):
        salib.morris(ishigami, RANGES, trajectories=1, levels=4, seed=0)


def test_a_dask_client_gives_the_serial_result(tmp_path):
    # one in-process worker: the code path of a cluster without starting processes
    from distributed import Client, LocalCluster

    X = salib.sobol_design(RANGES, n=8, seed=0)
    # the scheduler's HTTP server on any free port: 8787, its default even without a
    # dashboard, may be held by a cluster of a test running beside this one
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster, \
            Client(cluster, set_as_default=False) as client:
        got = salib.evaluate(ishigami, X, client=client, chunk=7, cache=tmp_path)
    assert got.equals(salib.evaluate(ishigami, X))
    assert len(list(tmp_path.glob("chunk-*.parquet"))) == -(-len(X) // 7)
