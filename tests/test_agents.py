"""Mesa agents are views onto the state arrays."""

import numpy as np

from abm import LaborMarketModel
from abm.agents import Employer, Firm, Worker


def test_agent_counts_by_type(small):
    model = LaborMarketModel(small(), seed=1)
    p = model.params
    assert len(model.agents_by_type[Worker]) == p.n_workers
    assert len(model.agents_by_type[Firm]) == p.n_firms
    assert len(model.agents_by_type[Employer]) == p.n_firms


def test_worker_attributes_read_and_write_the_arrays(small):
    model = LaborMarketModel(small(), seed=1)
    model.step()
    w = model.agents_by_type[Worker][7]
    arr = model.economy.workers
    assert w.wage == arr.wage[w.index] and w.education == arr.education[w.index]
    w.education = 3
    assert arr.education[w.index] == 3
    model.step()  # arrays are replaced by some phases: views must follow
    assert w.signal == model.economy.workers.signal[w.index]
    if w.employed:
        assert w.firm.index == w.employer
        assert w.index in w.firm.workers


def test_firm_and_employer_views(small):
    model = LaborMarketModel(small(), seed=1)
    f = model.agents_by_type[Firm][0]
    assert f.assets == model.economy.firms.assets[0]
    assert f.employment == np.sum(model.economy.workers.employer == f.index)
    assert sum(len(x.owners) > 0 for x in model.agents_by_type[Firm]) == model.params.n_firms
    e = model.agents_by_type[Employer][0]
    assert len(e.credential_requirement) == model.params.n_tasks
    assert e.vacancies == model.economy.firms.vacancies[0]


def test_cross_section_frames(small):
    model = LaborMarketModel(small(), seed=1, agents=False)
    wf, ff, tf = model.worker_frame(), model.firm_frame(), model.task_frame()
    assert len(wf) == model.params.n_workers and wf["employed"].mean() > 0.9
    assert len(ff) == model.params.n_firms and ff["employment"].sum() == wf["employed"].sum()
    assert len(tf) == model.params.n_tasks and tf["codifiable"].sum() == 5
    lz = model.lorenz(11)
    assert lz["income_share"].iloc[-1] == 1.0 and (np.diff(lz["income_share"]) >= 0).all()
