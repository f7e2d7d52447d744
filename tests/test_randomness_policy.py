"""No code in the project uses global random state: one seed in, numpy Generators out."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = re.compile(
    r"^\s*(import random\b|from random import)|np\.random\.(seed|rand|randn|randint|"
    r"random|choice|normal|uniform|shuffle|permutation|lognormal|pareto)\(", re.MULTILINE)


def test_no_global_random_state_in_sources():
    offenders = []
    for folder in ("abm", "scenarios", "analysis", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in FORBIDDEN.finditer(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    assert not offenders, "use the model's numpy Generator streams:\n" + "\n".join(offenders)
