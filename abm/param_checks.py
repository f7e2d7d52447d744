"""Validation rules of `abm.params.Params`: each field's type and range, read from its
metadata, and the rules that join several fields.

Kept apart from the table of fields so that the table reads as a table. Every rule
raises `ParameterError` with one line naming the parameter, the value and what is
allowed, before any simulation work starts.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from abm.params import Params

RHO_MIN = 0.05
"""Smallest |ρ| of the within-task CES (see the `rho` field's rationale)."""


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type, NaN or outside its allowed range."""


def check_combinations(p: Params) -> None:
    """Rules that join several parameters (each field's own range is `validate_field`'s)."""
    if p.augmentation == "ces" and p.rho <= 0 and p.tool_base <= 0:
        raise ParameterError(
            f"tool_base={p.tool_base!r} must be > 0 when augmentation='ces' and "
            f"rho={p.rho!r} <= 0 (otherwise output is zero without AI)")
    if p.n_firms * p.n_tasks > 50_000_000:
        raise ParameterError(
            f"n_firms·n_tasks = {p.n_firms * p.n_tasks} must be at most 50,000,000 "
            "(job targets are a firms × tasks table)")
    spread = p.firm_shock_sd / math.sqrt(1.0 - p.firm_shock_persistence ** 2)
    if spread > 1.0:
        raise ParameterError(
            f"firm_shock_sd={p.firm_shock_sd!r} with firm_shock_persistence="
            f"{p.firm_shock_persistence!r} gives a stationary sd of log productivity "
            f"of {spread:.3g}; it must be at most 1 (within-industry 90/10 productivity "
            "ratios are about 2, Syverson 2011)")
    if p.industry_concentration > 0:
        n_c = min(max(int(round(p.codifiable_share * p.n_tasks)), 1), p.n_tasks - 1)
        most = min(n_c, p.n_tasks - n_c, p.n_firms)
        if p.n_industries > most:
            raise ParameterError(
                f"n_industries={p.n_industries!r} with industry_concentration="
                f"{p.industry_concentration!r} must be at most {most} (the tasks of "
                "either type and the firms: every industry needs a band of tasks and "
                "a firm)")
    if p.asset_burn_in > p.burn_in:
        raise ParameterError(
            f"asset_burn_in={p.asset_burn_in!r} must be at most burn_in="
            f"{p.burn_in!r} (assets settle in the burn-in's last years)")
    if p.n_workers < 5 * p.n_tasks:
        raise ParameterError(
            f"n_workers={p.n_workers!r} must be at least 5·n_tasks = {5 * p.n_tasks} "
            "so that every task is staffed")
    if math.floor(p.job_rate * (p.n_workers // p.n_tasks)) < 1:
        raise ParameterError(
            f"job_rate={p.job_rate!r} gives no job on a task of "
            f"n_workers // n_tasks = {p.n_workers // p.n_tasks} workers (jobs per "
            "task are floor(job_rate·workers)); job_rate·(n_workers // n_tasks) must be "
            "at least 1, else tasks, and in small economies everyone, stay without work")


def type_name(f: dataclasses.Field[Any]) -> str:
    """'bool', 'int', 'float' or 'str': a field's declared type by name."""
    return f.type if isinstance(f.type, str) else f.type.__name__


def unknown_message(name: str, known: set[str]) -> str:
    """One line for an unknown parameter: the closest names, then every known one."""
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return f"unknown parameter {name!r}.{hint} Known parameters: {', '.join(sorted(known))}"


def _range_text(meta: dict[str, Any]) -> str:
    left = "(" if meta["lo_open"] else "["
    right = ")" if meta["hi_open"] else "]"
    return f"{left}{meta['lo']}, {meta['hi']}{right}"


def validate_field(f: dataclasses.Field[Any], value: Any) -> None:
    """One field's type and range, from its metadata."""
    kind, meta, name = type_name(f), f.metadata, f.name
    if kind == "bool":
        if not isinstance(value, bool):
            raise ParameterError(f"{name}={value!r} must be a bool (True or False)")
        return
    if kind == "str":
        if value not in meta["choices"]:
            raise ParameterError(f"{name}={value!r} must be one of {list(meta['choices'])}")
        return
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                raise ParameterError(f"{name}={value!r} must be an int (write {int(value)})")
            raise ParameterError(f"{name}={value!r} must be an int in {_range_text(meta)}")
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"{name}={value!r} must be a number in {_range_text(meta)}")
        if math.isnan(value):
            raise ParameterError(f"{name}=nan is not allowed; allowed range {_range_text(meta)}")
    lo, hi = meta["lo"], meta["hi"]
    bad = (value < lo or value > hi or (meta["lo_open"] and value == lo)
           or (meta["hi_open"] and value == hi))
    if bad:
        raise ParameterError(f"{name}={value!r} is out of range; allowed {_range_text(meta)}")
    if name == "rho" and abs(value) < RHO_MIN:
        raise ParameterError(f"rho={value!r} is not allowed: |rho| must be at least {RHO_MIN} "
                             "(the unweighted CES has no Cobb-Douglas limit; its output "
                             f"scale 2^(1/rho) runs away near 0); allowed [-10.0, -{RHO_MIN}] "
                             f"or [{RHO_MIN}, 1.0]")
