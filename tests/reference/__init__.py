"""A per-agent reference implementation of the model, to check the vectorised one against.

`abm` runs each period as array kernels over all workers at once; this package runs the
same period the slow, obvious way: Mesa agents, one method per phase, plain Python loops
over agents. It is the yardstick in `test_crosscheck.py` and in
`benchmarks/bench_model.py` (speed-up of the vectorised model over it). The docstring of
`model.py` says which module holds which rule.
"""

from .model import Employer, Firm, ReferenceModel, Task, Worker

__all__ = ["Employer", "Firm", "ReferenceModel", "Task", "Worker"]
