"""One module per phase of a period; `PERIOD` is their order (1 period = 1 year).

Each phase module exposes `run(model)` plus pure array kernels that are unit-tested
without Mesa. Measurement (phase 7) lives in `abm.collect`.
"""

from abm.steps import accumulation, ai_path, education, hiring, production, rent_sharing

PERIOD = (
    ("ai_capability", ai_path.run),
    ("education", education.run),
    ("hiring", hiring.run),
    ("production", production.run),
    ("rent_sharing", rent_sharing.run),
    ("accumulation", accumulation.run),
)

__all__ = ["PERIOD"]
