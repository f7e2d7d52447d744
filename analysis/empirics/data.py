"""Validated loaders for the real data in `analysis/data/` (sources and terms in its README).

Every file is read as text first and then checked column by column, so that a malformed,
truncated or edited copy fails with one `DataError` line naming the file and the problem
(a missing column, a value that is not a number, a year outside 2019-2023, an unknown BLS
level, a duplicated key, a year whose detailed employment no longer adds up to its total)
instead of a pandas traceback or, worse, a silently shorter sample.

BLS special markers (README §1) are stored as empty cells and named in `wage_flags`:
`*` wage not available, `**` employment not available, `#` top-coded (at or above
$208,000 a year in 2019-2021 and $239,200 in 2022-2023). The loader checks that every
empty cell is flagged and every flag's cell is empty, and turns the `#` flags into
boolean columns `top_<field>` (e.g. `top_a_pct90`) used by the top-code rule in
`analysis.empirics.oews`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
YEARS = (2019, 2020, 2021, 2022, 2023)
WAGE_FIELDS = ("a_mean", "a_median", "a_pct10", "a_pct25", "a_pct75", "a_pct90", "h_mean")
NUMERIC_FIELDS = ("tot_emp", *WAGE_FIELDS)
O_GROUPS = ("total", "major", "minor", "broad", "detailed")
MARKERS = ("*", "**", "#")
SOC_CODE = re.compile(r"^\d\d-\d\d\d\d$")
# detailed employment is the total up to BLS rounding (README: within 2,780 of 1.39e8 at
# worst, 2.0e-5); 5e-5 (about 7,000 jobs) leaves room for rounding, not for a lost row
EMPLOYMENT_CLOSURE = 5e-5

OEWS_FILE = "oews_national_2019_2023.csv"
CROSSWALK_FILE = "soc_2010_to_2018_crosswalk.csv"


@dataclass(frozen=True)
class ExposureSource:
    """One exposure measure: the file and column it comes from, and its citation."""

    name: str
    file: str
    column: str
    label: str
    citation: str


EXPOSURES = (
    ExposureSource("eloundou", "exposure_eloundou_gpts_soc2018.csv", "dv_rating_beta",
                   "Eloundou et al. β (GPT-4 rating)",
                   "Eloundou, Manning, Mishkin & Rock (2024), Science 384"),
    ExposureSource("eloundou_human", "exposure_eloundou_gpts_soc2018.csv", "human_rating_beta",
                   "Eloundou et al. β (human rating)",
                   "Eloundou, Manning, Mishkin & Rock (2024), Science 384"),
    ExposureSource("felten_lm_aioe", "exposure_felten_aioe_soc2018.csv", "lm_aioe",
                   "Felten-Raj-Seamans LM-AIOE",
                   "Felten, Raj & Seamans (2023), arXiv 2303.01157"),
    ExposureSource("felten_aioe", "exposure_felten_aioe_soc2018.csv", "aioe",
                   "Felten-Raj-Seamans AIOE",
                   "Felten, Raj & Seamans (2021), Strategic Management Journal 42(12)"),
    ExposureSource("bmr_sml", "exposure_brynjolfsson_sml_soc2018.csv", "mSML",
                   "Brynjolfsson-Mitchell-Rock SML",
                   "Brynjolfsson, Mitchell & Rock (2018), AEA Papers & Proceedings 108"),
)
EXPOSURE_NAMES = tuple(e.name for e in EXPOSURES)


class DataError(ValueError):
    """A data file is missing, malformed or truncated."""


def _read_text(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV with every cell as text; check it exists and has the required columns."""
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: not a readable CSV ({first})") from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {missing}; expected {list(required)}")
    if df.empty:
        raise DataError(f"{path}: no data rows")
    return df


def _numbers(path: Path, df: pd.DataFrame, column: str, *, allow_empty: bool) -> pd.Series:
    """Parse a text column as float; empty cells become NaN where allowed."""
    text = df[column].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = values.isna() & (text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{path}: column {column!r} line {i + 2}: {text.iloc[i]!r} is not a number")
    if not allow_empty and values.isna().any():
        i = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise DataError(f"{path}: column {column!r} line {i + 2} is empty")
    if not np.isfinite(values.dropna()).all():
        raise DataError(f"{path}: column {column!r} holds an infinite value")
    return values.astype(float)


def _codes(path: Path, df: pd.DataFrame, column: str) -> None:
    bad = ~df[column].str.match(SOC_CODE)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{path}: column {column!r} line {i + 2}: {df[column].iloc[i]!r} "
                        "is not a SOC code XX-XXXX")


def _flags(path: Path, raw: pd.DataFrame) -> dict[str, np.ndarray]:
    """Parse `wage_flags`; return field -> marker array ('' where none)."""
    out = {f: np.full(len(raw), "", dtype=object) for f in NUMERIC_FIELDS}
    for i, text in enumerate(raw["wage_flags"].to_numpy()):
        if not text:
            continue
        for item in text.split(";"):
            field, _, marker = item.partition("=")
            if field not in out or marker not in MARKERS:
                raise DataError(f"{path}: wage_flags line {i + 2}: {item!r} is not field=marker "
                                f"with field in {list(NUMERIC_FIELDS)} and marker in {list(MARKERS)}")
            out[field][i] = marker
    return out


def load_oews(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The OEWS national file, validated, with numeric columns and `top_<field>` flags.

    Returns:
        One row per (year, occ_code, o_group): year (int), occ_code, occ_title, o_group, tot_emp
        and the wage fields as float (NaN where BLS has a marker), wage_flags, and boolean
        `top_<field>` for each wage field (True where BLS marks it top-coded, `#`).

    Raises:
        DataError: naming the file and the first problem found.
    """
    path = Path(data_dir or DATA_DIR) / OEWS_FILE
    raw = _read_text(path, ("year", "occ_code", "occ_title", "o_group", *NUMERIC_FIELDS,
                            "wage_flags"))
    year = _numbers(path, raw, "year", allow_empty=False)
    if not year.isin(YEARS).all():
        bad = sorted(set(year[~year.isin(YEARS)].astype(int)))
        raise DataError(f"{path}: year(s) {bad} outside {list(YEARS)}")
    absent = [y for y in YEARS if y not in set(year.astype(int))]
    if absent:
        raise DataError(f"{path}: no rows for year(s) {absent} (truncated?); expected {list(YEARS)}")
    _codes(path, raw, "occ_code")
    bad_group = ~raw["o_group"].isin(O_GROUPS)
    if bad_group.any():
        i = int(np.flatnonzero(bad_group.to_numpy())[0])
        raise DataError(f"{path}: o_group line {i + 2}: {raw['o_group'].iloc[i]!r} not in "
                        f"{list(O_GROUPS)} (truncated row?)")
    df = pd.DataFrame({"year": year.astype(int), "occ_code": raw["occ_code"],
                       "occ_title": raw["occ_title"], "o_group": raw["o_group"]})
    flags = _flags(path, raw)
    for field in NUMERIC_FIELDS:
        values = _numbers(path, raw, field, allow_empty=True)
        if (values < 0).any():
            raise DataError(f"{path}: column {field!r} has a negative value")
        flagged = flags[field] != ""
        unflagged_empty = values.isna().to_numpy() & ~flagged
        if unflagged_empty.any():
            i = int(np.flatnonzero(unflagged_empty)[0])
            raise DataError(f"{path}: {field} line {i + 2} is empty but has no BLS marker in "
                            "wage_flags (truncated row?)")
        filled_flag = values.notna().to_numpy() & flagged
        if filled_flag.any():
            i = int(np.flatnonzero(filled_flag)[0])
            raise DataError(f"{path}: {field} line {i + 2} has a value and a marker "
                            f"{flags[field][i]!r} in wage_flags")
        df[field] = values.to_numpy()
        if field in WAGE_FIELDS:
            df[f"top_{field}"] = flags[field] == "#"
    df["wage_flags"] = raw["wage_flags"]
    # BLS lists a code twice when a broad group has one detailed occupation: the key
    # is (year, occ_code, o_group)
    dup = df.duplicated(["year", "occ_code", "o_group"])
    if dup.any():
        r = df[dup].iloc[0]
        raise DataError(f"{path}: duplicated (year, occ_code, o_group) "
                        f"({r['year']}, {r['occ_code']}, {r['o_group']})")
    _check_closure(path, df)
    return df


def _check_closure(path: Path, df: pd.DataFrame) -> None:
    """Each year: one total row, and detailed employment adds up to it (catches truncation)."""
    for y in YEARS:
        rows = df[df["year"] == y]
        total = rows.loc[rows["o_group"] == "total", "tot_emp"]
        if len(total) != 1 or not np.isfinite(total.iloc[0]):
            raise DataError(f"{path}: year {y} needs exactly one 'total' row (00-0000) with "
                            "employment")
        detailed = rows.loc[rows["o_group"] == "detailed", "tot_emp"].sum()
        gap = abs(detailed - total.iloc[0]) / total.iloc[0]
        if gap > EMPLOYMENT_CLOSURE:
            raise DataError(f"{path}: year {y}: detailed employment {detailed:,.0f} differs from "
                            f"the total {total.iloc[0]:,.0f} by {gap:.2%} (truncated or edited?)")


def load_exposures(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The five exposure measures on SOC 2018 codes, one column each (not standardised).

    Returns:
        Index occ_code (SOC 2018); columns `EXPOSURE_NAMES`; NaN where a measure does not
        cover a code.
    """
    root = Path(data_dir or DATA_DIR)
    columns: dict[str, pd.Series] = {}
    for src in EXPOSURES:
        path = root / src.file
        raw = _read_text(path, ("occ_code", src.column))
        _codes(path, raw, "occ_code")
        if raw["occ_code"].duplicated().any():
            code = raw.loc[raw["occ_code"].duplicated(), "occ_code"].iloc[0]
            raise DataError(f"{path}: occ_code {code!r} appears twice")
        values = _numbers(path, raw, src.column, allow_empty=True)
        if values.notna().sum() < 2 or values.std() <= 0:
            raise DataError(f"{path}: column {src.column!r} has no variation to standardise")
        columns[src.name] = pd.Series(values.to_numpy(), index=raw["occ_code"].to_numpy())
    out = pd.DataFrame(columns)
    out.index.name = "occ_code"
    return out


def load_crosswalk(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The BLS SOC 2010 -> 2018 crosswalk (many-to-many), validated."""
    path = Path(data_dir or DATA_DIR) / CROSSWALK_FILE
    raw = _read_text(path, ("soc2010_code", "soc2010_title", "soc2018_code", "soc2018_title"))
    _codes(path, raw, "soc2010_code")
    _codes(path, raw, "soc2018_code")
    return raw


def load_all(data_dir: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """OEWS and exposures, with the crosswalk checked too (it documents the mappings)."""
    oews = load_oews(data_dir)
    exposures = load_exposures(data_dir)
    load_crosswalk(data_dir)
    return oews, exposures
