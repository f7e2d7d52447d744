"""Mesa agents: thin views onto the model's state arrays (see `abm.state`)."""

import abm._mesa  # noqa: F401  (first: imports Mesa keeping the start method)
from abm.agents.employer import Employer
from abm.agents.firm import Firm
from abm.agents.worker import Worker

__all__ = ["Employer", "Firm", "Worker"]
