"""Fused per-worker loops, compiled with numba.

Each function here makes one pass over the workers where numpy needs a chain of
full-length temporaries (gathers of task- and firm-level values, products) followed by
scatter-adds into per-task or per-firm sums (`bincount`, `add.at`). At 10,000 workers
such a chain costs 10-30 µs per step and a phase has dozens of them; fused, the whole
phase is one loop (see docs/PERFORMANCE.md for the measurements).

Exactness. The phases must give bit for bit what the per-agent reference
(tests/reference) gives, so every kernel follows three rules:

1. Sums by group add one worker at a time in worker order, which is the order of
   `np.bincount` and `np.add.at` (and of the reference's loops).
2. Each arithmetic expression is written in the order the numpy expression it replaces
   evaluated it; numba does not reorder floating-point operations (no fastmath) and
   does not fuse multiply-adds.
3. Transcendental functions only where numpy's are libm's. On CPUs with AVX-512
   numpy's vectorised `exp`, `log` and `power` differ from C's in the last bit for a
   few percent of arguments; elsewhere numpy calls libm. Per-worker outputs of the CES
   and multiplicative forms stay in numpy everywhere, and kernels receive them. The
   firm- and task-level formulas (`firm_level`) evaluate their powers themselves, with
   numpy's special exponents and sums reproduced (`numpy_math`), on machines where
   `numpy_math.NUMPY_IS_LIBM` (probed at import); elsewhere the production phase's
   formulas run as compiled stages between numpy's powers (`firm_stages`).

Kernels are compiled on first use and cached on disk next to this package.
"""

from __future__ import annotations

import numpy as np

ADDITIVE, NEUTRAL = 0, 1
PRECOMPUTED = -1
"""Form code of outputs computed by numpy (`power`) and passed in to the loops."""
EMPTY = np.zeros(0)
"""Placeholder for an optional per-worker array a kernel does not need."""


def form_code(augmentation: str, neutral: bool) -> int | None:
    """The task-output form a kernel can evaluate itself, or None.

    Kernels compute the additive form y = hφ + ai and the skill-neutral form
    y = hφ·(1 + ai/m) (homogenization off) inline; the CES and multiplicative forms
    need `power`, which stays in numpy (rule 3), so their outputs are computed there.
    """
    if neutral:
        return NEUTRAL
    return ADDITIVE if augmentation == "additive" else None
