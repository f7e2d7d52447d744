"""Where a result came from: package version, model-code fingerprint, commit, dependencies.

Results written to disk (sweep stores, scenario folders, calibration logs) carry this
record so that a reader can tell which model produced them, and so that a store refuses
to mix results of different model code. The version alone cannot do that: it changes
only at releases, while the model's source changes with every commit. The fingerprint is
a hash of the model's own source files (`abm/**/*.py`), so edits to analysis code,
tests or documentation do not invalidate stored simulations, and any edit to the model
does.

Everything here is cheap and cached: the fingerprint reads about 60 small files once per
process.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "ai-inequality-abm"
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEPENDENCIES = ("numpy", "pandas", "scipy", "numba", "mesa", "dask", "distributed", "pyarrow")


@lru_cache(maxsize=1)
def version() -> str:
    """The installed distribution's version, or the one declared in `setup.cfg`."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        cfg = REPO_DIR / "setup.cfg"
        if cfg.is_file():
            for line in cfg.read_text().splitlines():
                key, _, value = line.partition("=")
                if key.strip() == "version":
                    return value.strip()
        return "unknown"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) of the model's source: every `abm/**/*.py`, by path."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The repository's HEAD commit (with "-dirty" if the model source has local edits).

    None when the package is not running from a git checkout or git is unavailable.
    """
    if not (REPO_DIR / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True,
                              text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "abm"], cwd=REPO_DIR,
                               capture_output=True, text=True, timeout=5,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("-dirty" if dirty else "")


@lru_cache(maxsize=1)
def dependency_versions() -> dict[str, str]:
    """Versions of the libraries whose behaviour can change results."""
    out = {"python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def provenance() -> dict:
    """One JSON-ready record: version, code fingerprint, commit, dependency versions and
    the arithmetic of powers and exponentials (`abm.fused.numpy_math.numerics`).

    The same seed gives the same numbers bit for bit under the same code and arithmetic;
    across arithmetics they agree to rounding (docs/PERFORMANCE.md, 'Reproducibility
    across machines'), so the arithmetic is recorded for the reader, not compared.
    """
    from abm.fused.numpy_math import numerics

    return {"package": DISTRIBUTION, "version": version(), "code": code_fingerprint(),
            "commit": git_commit(), "dependencies": dependency_versions(),
            "numerics": numerics()}


def describe_difference(stored: dict, current: dict | None = None) -> str | None:
    """What differs between a stored provenance record and this process's, or None.

    Only the version and the code fingerprint decide whether results are comparable;
    commits, dependency versions and the arithmetic are recorded for the reader, not
    compared.
    """
    current = current or provenance()
    changed = [f"{key} {stored.get(key)!r} -> {current[key]!r}" for key in ("version", "code")
               if stored.get(key) != current[key]]
    return "; ".join(changed) if changed else None
