"""Render the parameter table of docs/MODEL.md from the `Params` metadata.

`python -m abm.doc_table` prints the Markdown table; a test checks that the table in
docs/MODEL.md is exactly this output, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from abm.params import Params


def _range(info: dict) -> str:
    if info["type"] == "bool":
        return "True / False"
    if info["type"] == "str":
        return " / ".join(info["choices"])
    left = "(" if info["lo_open"] else "["
    right = ")" if info["hi_open"] else "]"
    return f"{left}{info['lo']}, {info['hi']}{right}"


def parameter_table() -> str:
    """Markdown table: name, symbol, unit, default, allowed range, meaning."""
    lines = ["| name | symbol | unit | default | range | meaning and rationale |",
             "|---|---|---|---|---|---|"]
    for info in Params.field_info():
        doc = info["doc"].replace("|", "\\|")
        lines.append(f"| `{info['name']}` | {info['symbol']} | {info['unit']} | "
                     f"{info['default']!r} | {_range(info)} | {doc} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(parameter_table())
