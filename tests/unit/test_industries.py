"""Industries (`abm.steps.industries`, `abm.fused.industries`): the bands and weights in
closed form, and the per-cell allocation's rules (docs/MODEL.md §3.3.1)."""

from __future__ import annotations

import numpy as np
import pytest

from abm import Params
from abm.fused.industries import one_job_each_cells, systematic_rounding_cells
from abm.params import ParameterError
from abm.steps import industries


def test_bands_cut_each_type_in_order():
    # 4 codifiable, 6 social tasks, 2 industries: ⌊k·2/4⌋ and ⌊k·2/6⌋
    assert industries.bands(10, 4, 2).tolist() == [0, 0, 1, 1, 0, 0, 0, 1, 1, 1]


def test_weights_average_one_over_industries_and_vanish_off_band_at_full_concentration():
    p = Params(n_tasks=10, codifiable_share=0.4, n_industries=2, industry_concentration=0.6)
    a = industries.weights(p, 4, np.arange(10) < 4)
    # firm 0, 2 in industry 0; firm 1, 3 in industry 1; a = 0.4 + 0.6·2·[band = g]
    assert a[0].tolist() == pytest.approx([1.6, 1.6, 0.4, 0.4, 1.6, 1.6, 1.6, 0.4, 0.4, 0.4])
    assert a[:2].mean(axis=0) == pytest.approx(np.ones(10))
    full = industries.weights(p.replace(industry_concentration=1.0), 4, np.arange(10) < 4)
    assert set(full.ravel().tolist()) == {0.0, 2.0}
    assert industries.weights(p.replace(industry_concentration=0.0), 4, np.arange(10) < 4) is None


def test_cell_shares_split_every_task_in_proportion_to_size_times_weight():
    size = np.array([1.0, 2.0, 3.0])
    weight = np.array([[1.0, 0.0], [1.0, 2.0], [0.5, 1.0]])
    s = industries.cell_shares(size, weight)
    assert s.sum(axis=0) == pytest.approx([1.0, 1.0], rel=1e-15)
    assert s[:, 0] == pytest.approx(np.array([1.0, 2.0, 1.5]) / 4.5, rel=1e-15)
    assert s[:, 1] == pytest.approx(np.array([0.0, 4.0, 3.0]) / 7.0, rel=1e-15)


@pytest.mark.parametrize("seed", range(10))
def test_every_task_gets_its_jobs_and_every_cell_its_quota_rounded(seed):
    rng = np.random.default_rng(seed)
    n_firms, n_tasks = 30, 4
    s = industries.cell_shares(rng.lognormal(0, 1, n_firms),
                               rng.choice([0.0, 0.5, 2.0], (n_firms, n_tasks)) + 1e-3)
    jobs = rng.integers(0, 200, n_tasks)
    target = systematic_rounding_cells(s, jobs)
    assert (target.sum(axis=0) == jobs).all()
    quota = s * jobs[None, :]
    assert np.all((target >= np.floor(quota) - 1e-9) & (target <= np.ceil(quota) + 1e-9))


def test_a_firm_entitled_to_a_job_takes_one_from_the_most_favoured_holder():
    # firm 2's quotas add up to 1.2 jobs, largest in task 1; rounding gave it none.
    # Firms 0 and 1 hold two or more jobs and one in task 1, with excesses T − q there
    # of 1 − 1.05 = −0.05 (rounded down: not a giver) and 2 − 0.75 = 1.25: firm 1 gives.
    shares = np.array([[0.5, 0.35], [0.5, 0.25], [0.0, 0.4]])
    jobs = np.array([4, 3])
    target = np.array([[2, 1], [2, 2], [0, 0]])
    assert one_job_each_cells(target, shares, jobs) == 1
    assert target.tolist() == [[2, 1], [2, 1], [0, 1]]
    # nobody entitled: quotas of 0.9 jobs leave the firm without one
    shares[2] = [0.0, 0.3]
    target = np.array([[2, 1], [2, 2], [0, 0]])
    assert one_job_each_cells(target, shares, jobs) == 0


def test_more_industries_than_bands_or_firms_is_refused_with_the_bound():
    with pytest.raises(ParameterError, match="n_industries=5 .* must be at most 3"):
        Params(n_tasks=6, industry_concentration=0.5)
    Params(n_tasks=6, industry_concentration=0.0)            # no industries: no bound
