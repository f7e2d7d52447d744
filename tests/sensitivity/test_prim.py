"""PRIM regime discovery: a planted box is recovered, noise gives no box, the design
maps parameters as documented.

Tolerances come from the selection rule (analysis/sensitivity/prim.py): the kept box is
the highest-coverage box of density >= threshold. With label noise q (labels flipped at
random), the planted box P has expected density 1 − q and the space outside it q. A box
that holds P plus an excess volume E has expected density ((1 − q)|P| + qE)/(|P| + E),
which is >= d exactly when E <= |P|·(1 − q − d)/(d − q). The observed density of a box of
m points scatters by sd sqrt(d(1 − d)/m), so a kept box can have expected density as low
as d = threshold − 2·sd; spread over one face of P, E moves that face's limit outward by
E / (area of P's cross-section at that face). Inward, a box stops one peel short at
most: a peel removes a share peel_alpha of the box's points, a slab of peel_alpha × P's
width in the peeled dimension once the box is P.
"""

import numpy as np
import pandas as pd
import pytest

from abm import Params
from analysis.sensitivity.prim import (latin_hypercube, params_at, prim_boxes, prim_search,
                                       regime_design)

N = 2000
Q = 0.02                         # label noise (share of labels flipped)
A_LO, B_HI = 0.6, 0.3            # planted box: a in [0.6, 1], b in [0, 0.3]
P_VOL = (1 - A_LO) * B_HI        # 0.12


def _planted(seed: int = 1, n: int = N, q: float = Q) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(size=(n, 4)), columns=["a", "b", "c", "d"])
    inside = (X["a"] >= A_LO) & (X["b"] <= B_HI)
    return X, (inside.to_numpy() ^ (rng.uniform(size=n) < q))


def _tolerances(threshold: float, peel_alpha: float) -> dict[str, float]:
    """Largest admissible error of the a-lower and b-upper limits (module docstring)."""
    m = P_VOL * N                                          # points in P, ~240
    d = threshold - 2 * np.sqrt(threshold * (1 - threshold) / m)
    excess = P_VOL * (1 - Q - d) / (d - Q)
    outward = {"a": excess / B_HI, "b": excess / (1 - A_LO)}   # cross-sections: b- and a-width
    inward = {"a": peel_alpha * (1 - A_LO), "b": peel_alpha * B_HI}
    return {k: max(outward[k], inward[k]) for k in outward}


@pytest.mark.parametrize("threshold", [0.8, 0.9])
def test_planted_box_is_recovered(threshold):
    X, y = _planted()
    boxes = prim_boxes(X, y, threshold=threshold, peel_alpha=0.05, max_boxes=1)
    assert set(boxes["parameter"]) == {"a", "b"}          # c and d stay unrestricted
    lim = boxes.set_index("parameter")
    tol = _tolerances(threshold, 0.05)
    assert abs(lim.loc["a", "lower"] - A_LO) <= tol["a"]
    assert abs(lim.loc["b", "upper"] - B_HI) <= tol["b"]
    # the untouched sides stay at the sample's range (min and max of the data)
    assert lim.loc["a", "upper"] == X["a"].max()
    assert lim.loc["b", "lower"] == X["b"].min()
    box = boxes.iloc[0]
    assert box["density"] >= threshold
    # coverage: P holds (1−q)|P| of the ~(1−q)|P| + q(1−|P|) concentrating points; one
    # peel inward on each of its two faces keeps (1 − alpha)² of them; less 2 binomial sd
    share = (1 - Q) * P_VOL / ((1 - Q) * P_VOL + Q * (1 - P_VOL))
    floor = share * 0.95 ** 2 - 2 * np.sqrt(share * (1 - share) / (y.sum()))
    assert box["coverage"] >= floor
    assert box["mass"] == pytest.approx(box["n"] / N)


def test_higher_threshold_gives_a_tighter_box():
    X, y = _planted()
    loose = prim_boxes(X, y, threshold=0.8).set_index("parameter")
    tight = prim_boxes(X, y, threshold=0.95).set_index("parameter")
    assert tight.loc["a", "lower"] >= loose.loc["a", "lower"]
    assert tight.loc["b", "upper"] <= loose.loc["b", "upper"]
    assert tight["density"].iloc[0] >= loose["density"].iloc[0]
    assert tight["coverage"].iloc[0] <= loose["coverage"].iloc[0]


def test_no_structure_gives_no_box():
    # labels independent of X at rate 0.3: a box of at least mass_min·N = 100 points has
    # density sd sqrt(0.3·0.7/100) = 0.046, so density 0.8 is > 10 sd away
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.uniform(size=(N, 4)), columns=list("abcd"))
    found = prim_search(X, rng.uniform(size=N) < 0.3, threshold=0.8)
    assert found.boxes.empty
    assert found.trajectories["density"].max() < 0.8
    assert not found.trajectories["chosen"].any()


def test_one_regime_everywhere():
    # all concentrating: the box is the whole space (nothing restricted); none: no box
    X, _ = _planted(n=200)
    whole = prim_boxes(X, np.ones(200, dtype=bool))
    assert len(whole) == 1 and whole["parameter"].isna().all()
    assert whole.iloc[0][["coverage", "density", "mass"]].tolist() == [1.0, 1.0, 1.0]
    assert prim_boxes(X, np.zeros(200, dtype=bool)).empty


def test_second_box_finds_a_second_planted_region():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.uniform(size=(N, 4)), columns=list("abcd"))
    y = ((X["a"] >= 0.7) & (X["b"] <= 0.3)) | ((X["c"] >= 0.7) & (X["d"] >= 0.7))
    one = prim_boxes(X, y.to_numpy(), max_boxes=1)
    two = prim_boxes(X, y.to_numpy(), max_boxes=2)
    assert one["box"].unique().tolist() == [1]
    sets = two.groupby("box")["parameter"].apply(set).to_dict()
    assert sorted(map(sorted, sets.values())) == [["a", "b"], ["c", "d"]]
    # coverage is over all concentrating points, so the two boxes' coverages add up
    cov = two.groupby("box")["coverage"].first()
    assert cov.sum() <= 1.0 and cov.sum() > 0.8


def test_weak_restrictions_are_dropped_strong_ones_kept():
    # a smooth regime, P(y) = 0.15 + 0.8·a·(1 − b), with six irrelevant parameters: to
    # reach density 0.8 PRIM also peels irrelevant ones, by chance (their quasi-p > 0.05)
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.uniform(size=(1000, 8)), columns=list("abcdefgh"))
    y = rng.uniform(size=1000) < 0.15 + 0.8 * X["a"] * (1 - X["b"])
    raw = prim_boxes(X, y, threshold=0.8, max_boxes=1)
    assert set(raw["parameter"]) - {"a", "b"}                 # spurious restrictions
    pruned = prim_boxes(X, y, threshold=0.8, max_boxes=1, max_qp=0.05)
    assert set(pruned["parameter"]) == {"a", "b"}
    best = pruned[["qp_lower", "qp_upper"]].where(lambda q: q >= 0).min(axis=1)
    assert (best <= 0.05).all()
    # the wider box holds more of the regime at a lower density
    assert pruned["coverage"].iloc[0] > raw["coverage"].iloc[0]
    assert pruned["density"].iloc[0] < raw["density"].iloc[0]
    # a planted box's own limits are far from chance (quasi-p ~1e-70): nothing dropped
    Xp, yp = _planted()
    kept = prim_boxes(Xp, yp, threshold=0.9, max_qp=0.05, max_boxes=1)
    assert kept.equals(prim_boxes(Xp, yp, threshold=0.9, max_boxes=1))


def test_bad_inputs_refused():
    X, y = _planted(n=50)
    with pytest.raises(ValueError, match="len"):
        prim_boxes(X, y[:-1])
    with pytest.raises(ValueError, match="0/1"):
        prim_boxes(X, y * 2.0)
    with pytest.raises(ValueError, match="threshold"):
        prim_boxes(X, y, threshold=0.0)
    with pytest.raises(ValueError, match="peel_alpha"):
        prim_boxes(X, y, peel_alpha=0.5)
    with pytest.raises(ValueError, match="max_qp"):
        prim_boxes(X, y, max_qp=1.0)


RANGES = {"xi": (0.0, 0.6), "proprietary_share": (0.0, 1.0)}


def test_latin_hypercube_is_stratified_and_seeded():
    n = 200
    X = latin_hypercube(RANGES, n, seed=4)
    assert X.equals(latin_hypercube(RANGES, n, seed=4))
    assert not X.equals(latin_hypercube(RANGES, n, seed=5))
    # one point in each of the n equal strata of every parameter
    for name, (lo, hi) in RANGES.items():
        strata = np.floor((X[name] - lo) / (hi - lo) * n).astype(int)
        assert sorted(strata) == list(range(n))
    with pytest.raises(ValueError, match="range of xi"):
        latin_hypercube({"xi": (0.5, 0.2)}, n, seed=0)
    with pytest.raises(ValueError, match="range of proprietary_share"):
        latin_hypercube({"proprietary_share": (0.0, 1.5)}, n, seed=0)


def test_params_at_maps_the_proprietary_share():
    base = Params(eta0=0.3, eta1=0.9)
    p = params_at(base, {"proprietary_share": 0.25, "xi": 0.4})
    assert p.eta0 + p.eta1 == pytest.approx(1.2)              # T = base eta0 + eta1
    assert p.eta1 == pytest.approx(0.25 * 1.2) and p.xi == 0.4


def test_design_labels_each_point_by_its_dgini():
    # planted ΔGini = xi − 0.3: the Latin hypercube puts exactly half of its strata of
    # xi in [0, 0.6] above 0.3 (n even), so exactly n/2 points are concentrating
    seen = []

    def planted(p: Params) -> float:
        seen.append(p)
        return p.xi - 0.3

    d = regime_design(RANGES, 100, seed=6, base=Params(), dgini=planted)
    assert d["concentrating"].sum() == 50
    assert (d["concentrating"] == (d["xi"] > 0.3)).all()
    assert np.allclose(d["dgini"], d["xi"] - 0.3)
    assert np.allclose([p.eta1 for p in seen], d["proprietary_share"]
                       * (Params().eta0 + Params().eta1))
    with pytest.raises(ValueError, match="not finite"):
        regime_design(RANGES, 10, seed=6, dgini=lambda p: np.nan)


def test_figures_draw_the_kept_box(tmp_path):
    from analysis.sensitivity.prim_figures import (most_restricted, peeling_trajectory,
                                                   phase_diagram)
    X, y = _planted()
    search = prim_search(X, y, threshold=0.9)
    # a keeps ~0.4 of its range, b ~0.3: b is the most restricted
    assert most_restricted(search.boxes) == ["b", "a"]
    design = X.assign(concentrating=y)
    grid = pd.DataFrame([{"b": b, "a": a, "dgini": float(a >= A_LO and b <= B_HI) - 0.5}
                         for a in np.linspace(0, 1, 5) for b in np.linspace(0, 1, 5)])
    fig = phase_diagram(design, search, grid=grid)
    rect = [p for p in fig.axes[0].patches if p.get_label() != "_nolegend_"][-1]
    lim = search.boxes.set_index("parameter")
    assert rect.get_x() == pytest.approx(lim.loc["b", "lower"])     # x axis: b
    assert rect.get_y() == pytest.approx(lim.loc["a", "lower"])     # y axis: a
    assert "coverage" in fig.axes[0].get_legend().get_texts()[0].get_text()
    phase_diagram(design, search, tmp_path / "phase", params=("a", "c"))
    peeling_trajectory(search, tmp_path / "traj")
    assert {p.name for p in tmp_path.iterdir()} == {"phase.png", "phase.pdf", "traj.png",
                                                    "traj.pdf"}
    with pytest.raises(ValueError, match="no box 2"):
        phase_diagram(design, search, box=2)
