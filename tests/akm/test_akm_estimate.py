"""The AKM estimator on synthetic panels whose effects are known: exact without noise,
the plug-in's limited-mobility bias at its closed form on both sides of few and many
movers, the homoskedastic correction unbiased, the connected set, bad panels refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.akm import fit, shares
from analysis.akm.estimate import connected


def design(seed: int, move: float, n_workers: int = 300, n_firms: int = 15,
           years: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    """A panel whose workers move to a random firm with probability `move` a year, and its
    noise-free log wage α_i + ψ_j + τ_t (returned separately)."""
    rng = np.random.default_rng(seed)
    firm = rng.integers(0, n_firms, n_workers)
    frames = []
    for t in range(years):
        if t:
            firm = np.where(rng.random(n_workers) < move, rng.integers(0, n_firms, n_workers),
                            firm)
        frames.append(pd.DataFrame({"worker": np.arange(n_workers), "firm": firm, "year": t}))
    d = pd.concat(frames, ignore_index=True)
    alpha, psi = rng.normal(0.0, 0.4, n_workers), rng.normal(0.0, 0.15, n_firms)
    d["premium"] = psi[d["firm"]]
    d["alpha"] = alpha[d["worker"]]                   # kept for the tests (not a panel column)
    mean = alpha[d["worker"]] + psi[d["firm"]] + 0.02 * d["year"].to_numpy()
    return d, mean


def test_effects_are_recovered_exactly_without_noise():
    d, mean = design(1, move=0.1)
    result = fit(d.assign(log_wage=mean))
    out = result.data
    # firm effects relative to the reference (first) firm; worker effects follow
    reference = out.loc[out["firm"] == out["firm"].min(), "premium"].iloc[0]
    np.testing.assert_allclose(out["psi_hat"], out["premium"] - reference, atol=1e-12)
    np.testing.assert_allclose(out["tau_hat"], 0.02 * out["year"], atol=1e-12)
    assert result.sigma2 < 1e-20
    s = shares(result)
    assert s["plug_in_firm"] == pytest.approx(s["known_firm"], abs=1e-12)


@pytest.mark.parametrize("move", [0.02, 0.3])
def test_plug_in_bias_is_its_closed_form_and_the_correction_removes_it(move):
    # One design, 200 noise draws (σ = 0.3). The closed form E[var(ψ̂)] − var(ψ) =
    # σ²·tr(A·S⁻¹_ff) (estimate module) must match the Monte Carlo mean within 4 of
    # its standard errors (a false alarm rate below 1e-4); so must the sorting term's.
    d, mean = design(2, move=move)
    rng = np.random.default_rng(7)
    sigma2 = 0.3 ** 2
    plug_f, corr_f, plug_s, corr_s = [], [], [], []
    for _ in range(200):
        result = fit(d.assign(log_wage=mean + rng.normal(0.0, 0.3, len(d))))
        out = result.data
        v = out["psi_hat"].var(ddof=0)
        c = 2.0 * np.mean((out["alpha_hat"] - out["alpha_hat"].mean())
                          * (out["psi_hat"] - out["psi_hat"].mean()))
        plug_f.append(v)
        corr_f.append(v - result.sigma2 * result.bias_firm)
        plug_s.append(c)
        corr_s.append(c - result.sigma2 * result.bias_sorting)
    truth = connected(d)                               # the effects drawn, on the fitted rows
    true_f = truth["premium"].var(ddof=0)
    true_s = 2.0 * np.mean((truth["alpha"] - truth["alpha"].mean())
                           * (truth["premium"] - truth["premium"].mean()))

    def within(values, target):
        values = np.asarray(values)
        return abs(values.mean() - target) < 4.0 * values.std(ddof=1) / np.sqrt(values.size)

    assert within(plug_f, true_f + sigma2 * result.bias_firm)
    assert within(plug_s, true_s + sigma2 * result.bias_sorting)
    assert within(corr_f, true_f) and within(corr_s, true_s)
    # the size of the bias: larger the fewer the movers (4 movers per firm at 2%
    # against 38 at 30%: about ten times)
    if move == 0.02:
        assert np.mean(plug_f) - true_f > 0.5 * true_f        # the data's size of bias
    else:
        assert np.mean(plug_f) - true_f < 0.2 * true_f


def test_only_the_largest_connected_set_is_kept():
    a = pd.DataFrame({"worker": [0, 0, 1, 1, 2, 2], "firm": [0, 1, 1, 1, 0, 0],
                      "year": [0, 1, 0, 1, 0, 1]})
    b = pd.DataFrame({"worker": [9, 9], "firm": [7, 7], "year": [0, 1]})  # never linked
    both = pd.concat([a, b], ignore_index=True).assign(log_wage=0.0, premium=0.0)
    kept = connected(both)
    assert set(kept["firm"]) == {0, 1} and set(kept["worker"]) == {0, 1, 2}


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.drop(columns="premium"), "panel lacks columns ['premium']"),
    (lambda d: d.assign(year=0), "fewer than two years"),
    (lambda d: d.assign(log_wage=np.where(d.index == 3, np.nan, d["log_wage"])),
     "not finite"),
    (lambda d: d.assign(worker=np.where(d.index == 3, np.nan, d["worker"])),
     "missing worker, firm or year ids"),
    (lambda d: d.assign(firm=0), "the connected set has one firm"),
])
def test_bad_panels_are_refused_with_one_line(change, message):
    d, mean = design(3, move=0.1)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        fit(change(d.assign(log_wage=mean)))


def test_a_connected_set_beyond_the_dense_solver_is_refused():
    from analysis.akm.estimate import MAX_FIRMS

    n = MAX_FIRMS + 1                      # a chain: worker i moves from firm i to firm i+1
    d = pd.DataFrame({"worker": np.tile(np.arange(n), 2),
                      "firm": np.concatenate([np.arange(n), np.arange(n) + 1]),
                      "year": np.repeat([0, 1], n), "log_wage": 0.0, "premium": 0.0})
    with pytest.raises(ValueError, match=f"has {n + 1} firms; fit takes at most {MAX_FIRMS}"):
        fit(d)


def test_firm_and_year_effects_that_are_not_separately_identified_are_refused():
    # Every worker climbs one firm a year: firm j is only ever seen in year j − start,
    # so ψ_j = −c·j with τ_t = c·t fits as well as any other split (collinear design)
    n, years = 40, 4
    start = np.arange(n) % 5
    d = pd.DataFrame({"worker": np.repeat(np.arange(n), years),
                      "firm": np.repeat(start, years) + np.tile(np.arange(years), n),
                      "year": np.tile(np.arange(years), n), "premium": 0.0})
    d["log_wage"] = np.random.default_rng(0).normal(0.0, 0.1, len(d))
    with pytest.raises(ValueError, match="not separately identified"):
        fit(d)


def test_results_do_not_depend_on_row_order_or_id_labels():
    d, mean = design(4, move=0.1)
    d = d.assign(log_wage=mean + np.random.default_rng(1).normal(0.0, 0.2, len(d)))
    relabelled = d.assign(worker=1000 - 7 * d["worker"], firm=(d["firm"] * 37) % 101 + 5,
                          year=2020 - d["year"]).sample(frac=1.0, random_state=3)
    a, b = shares(fit(d)), shares(fit(relabelled))
    for name in ("plug_in_firm", "plug_in_sorting", "corrected_firm", "corrected_sorting",
                 "known_firm", "movers_median"):
        assert b[name] == pytest.approx(a[name], rel=1e-9, abs=1e-12), name
