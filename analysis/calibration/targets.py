"""The empirical targets of the calibration, as data (`analysis/data/targets.toml`).

A target is a published moment with its standard error, the model statistic it is
compared with (`moments.STATISTICS`) and the model period its data correspond to. The
file is checked on load, before any simulation, as `abm.params.Params` checks its
values: a malformed file, a missing or unknown key, a non-finite value, a standard
error that is not a positive number, an unknown statistic, a period outside the model's
range, or a duplicate name raises `TargetsError` with one line naming the file, the
line to fix and what is allowed. Users calibrate to other evidence by editing a copy of
the file (its header explains each key).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.params import Params
from abm.sweep._lines import key_lines, line_of

DEFAULT_TARGETS = Path(__file__).resolve().parent.parent / "data" / "targets.toml"
"""The targets the paper calibrates to (m1-m6 of docs/CALIBRATION.md)."""

REQUIRED = ("name", "value", "se", "statistic", "period", "citation", "doi", "se_note")
OPTIONAL = ("scenario",)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TargetsError(ValueError):
    """The targets file is invalid; the message names the file, the line and what is allowed."""


@dataclass(frozen=True)
class Target:
    """One empirical moment: its value and SE on the model's scale, the statistic and
    model period it is compared at, and where it comes from."""

    name: str
    value: float
    se: float
    statistic: str
    period: int
    citation: str
    doi: str
    se_note: str
    scenario: bool = False


@dataclass(frozen=True)
class Targets:
    """The set of targets of one calibration, in file order.

    `source` is the file they were read from (or "synthetic" for targets made in code,
    e.g. simulated at known parameters to test that an estimation recovers them).
    """

    targets: tuple[Target, ...]
    source: str

    @property
    def names(self) -> list[str]:
        """Target names, in file order (the order of every moment vector)."""
        return [t.name for t in self.targets]

    def empirical(self) -> pd.Series:
        """The empirical values, indexed by name (estimagic's `empirical_moments`)."""
        return pd.Series([t.value for t in self.targets], index=self.names, name="empirical",
                         dtype=float)

    def cov(self) -> pd.DataFrame:
        """Diagonal covariance of the empirical moments, se²: the targets come from
        different studies and data sets, so their errors are independent."""
        se = np.array([t.se for t in self.targets], dtype=float)
        return pd.DataFrame(np.diag(se ** 2), index=self.names, columns=self.names)

    def with_value(self, name: str, value: float) -> Targets:
        """These targets with `name`'s value replaced (e.g. the ΔGini scenarios)."""
        self[name]                                   # unknown name -> KeyError naming allowed
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise TargetsError(f"{self.source}: {name}: value={value!r} must be a finite "
                               "number")
        return Targets(tuple(dataclasses.replace(t, value=float(value)) if t.name == name
                             else t for t in self.targets), self.source)

    def __getitem__(self, name: str) -> Target:
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(f"no target {name!r}; targets: {', '.join(self.names)}")

    def __len__(self) -> int:
        return len(self.targets)


def load_targets(path: str | Path | None = None) -> Targets:
    """Read and check a targets file (default `DEFAULT_TARGETS`).

    Raises:
        TargetsError: the file is missing or not valid TOML, or a target is invalid; the
            one-line message names the file, the line and the allowed values.
    """
    path = DEFAULT_TARGETS if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TargetsError(f"{path}: cannot read the targets file ({exc.strerror or exc}); "
                           f"allowed: a readable TOML file such as {DEFAULT_TARGETS}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"line {found.group(1)}: " if found else ""
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise TargetsError(f"{path}: {where}not valid TOML: {problem}; allowed: TOML with "
                           "[[target]] tables (see the header of "
                           f"{DEFAULT_TARGETS.name})") from None
    return parse_targets(data, source=str(path), lines=key_lines(_mask_strings(text)))


def parse_targets(data: Mapping[str, Any], *, source: str = "synthetic",
                  lines: dict[Any, int] | None = None) -> Targets:
    """Check a parsed targets document ({"target": [{...}, ...]}) and build `Targets`."""
    from analysis.calibration.moments import FIRST_PERIOD, STATISTICS

    lines = lines or {}

    def error(path: tuple[Any, ...], problem: str, allowed: str) -> TargetsError:
        line = line_of(lines, path)
        place = f"{source}: line {line}" if line else source
        return TargetsError(f"{place}: {problem}; allowed: {allowed}")

    unknown = [k for k in data if k != "target"]
    if unknown:
        raise error((unknown[0],), f"unknown key {unknown[0]!r} at the top level",
                    "[[target]] tables only")
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise error(("target",), "no [[target]] tables", "one or more [[target]] tables")
    max_period = {f.name: f for f in dataclasses.fields(Params)}["n_periods"].metadata["hi"]
    out: list[Target] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        at = ("target", i)
        if not isinstance(entry, Mapping):
            raise error(at, f"target {i + 1} is not a table", "[[target]] tables")
        for key in entry:
            if key not in REQUIRED + OPTIONAL:
                hint = difflib.get_close_matches(key, REQUIRED + OPTIONAL, n=1)
                hint_text = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise error((*at, key), f"unknown key {key!r}{hint_text}",
                            ", ".join(REQUIRED + OPTIONAL))
        missing = [k for k in REQUIRED if k not in entry]
        if missing:
            raise error(at, f"target {i + 1} misses key {missing[0]!r}",
                        f"required keys {', '.join(REQUIRED)}")
        name = entry["name"]
        if not isinstance(name, str) or not _NAME.match(name):
            raise error((*at, "name"), f"name={name!r} is not an identifier",
                        "letters, digits and _, not starting with a digit")
        if name in seen:
            raise error((*at, "name"), f"duplicate target name {name!r} (first at target "
                        f"{seen[name] + 1})", "unique names")
        seen[name] = i
        for key in ("value", "se"):
            v = entry[key]
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise error((*at, key), f"{name}: {key}={v!r} is not a finite number",
                            "a finite number" + (" > 0" if key == "se" else ""))
        if not entry["se"] > 0:
            raise error((*at, "se"), f"{name}: se={entry['se']!r} is not positive",
                        "a finite number > 0 (the weight is 1/se²)")
        stat = entry["statistic"]
        if stat not in STATISTICS:
            raise error((*at, "statistic"), f"{name}: unknown statistic {stat!r}",
                        ", ".join(STATISTICS))
        period = entry["period"]
        first = FIRST_PERIOD.get(stat, 0)
        if isinstance(period, bool) or not isinstance(period, int) \
                or not first <= period <= max_period:
            why = (f" ({stat} is defined only once AI has arrived, t ≥ {first})"
                   if first and isinstance(period, int) and period < first else "")
            raise error((*at, "period"), f"{name}: period={period!r} is out of range{why}",
                        f"an integer in [{first}, {max_period}]")
        for key in ("citation", "doi", "se_note"):
            if not isinstance(entry[key], str):
                raise error((*at, key), f"{name}: {key}={entry[key]!r} is not a string",
                            "a string (doi may be \"\")")
        for key in ("citation", "se_note"):
            if not entry[key].strip():
                raise error((*at, key), f"{name}: {key} is empty",
                            "a non-empty string saying where the number comes from")
        scenario = entry.get("scenario", False)
        if not isinstance(scenario, bool):
            raise error((*at, "scenario"), f"{name}: scenario={scenario!r} is not a boolean",
                        "true or false")
        out.append(Target(name=name, value=float(entry["value"]), se=float(entry["se"]),
                          statistic=stat, period=period, citation=entry["citation"],
                          doi=entry["doi"], se_note=entry["se_note"], scenario=scenario))
    return Targets(tuple(out), source)


def _mask_strings(text: str) -> str:
    """`text` with the inside of multi-line strings blanked (newlines kept), so that the
    line scanner cannot read a key or table header inside a long `se_note`."""
    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'', blank, text)


__all__ = ["DEFAULT_TARGETS", "Target", "Targets", "TargetsError", "load_targets",
           "parse_targets"]
