"""Map keys of a TOML document to the line that defines them.

`tomllib` returns plain dicts without positions, but a spec error is only useful if it
points at the line to fix. This small scanner recognises the TOML a sweep spec uses
(tables, arrays of tables, dotted keys, multi-line arrays) and records the line of
every key; anything it does not understand simply gets no line, and the error then
names the key alone.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=(.*)$")


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(_BARE_OR_QUOTED, text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def _bracket_balance(text: str) -> int:
    """Net count of '[' minus ']' outside strings and comments."""
    depth, quote = 0, ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


def key_lines(text: str) -> dict[Path, int]:
    """Return {key path: 1-based line} for every table, array-of-tables entry and key.

    Paths of keys inside the n-th `[[points]]` entry are `("points", n, key)`; the entry
    itself is `("points", n)`.
    """
    lines: dict[Path, int] = {}
    prefix: Path = ()
    array_counts: dict[tuple[str, ...], int] = {}
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if depth > 0:  # inside a multi-line array or inline table
            depth += _bracket_balance(line)
            continue
        if m := _ARRAY_HEADER.match(line):
            name = _split_dotted(m.group(1))
            index = array_counts.get(name, 0)
            array_counts[name] = index + 1
            prefix = (*name, index)
            lines.setdefault(prefix, number)
            lines.setdefault(name, number)
        elif m := _TABLE_HEADER.match(line):
            prefix = _split_dotted(m.group(1))
            lines.setdefault(prefix, number)
        elif m := _KEY.match(line):
            lines.setdefault((*prefix, *_split_dotted(m.group(1))), number)
            depth = max(_bracket_balance(m.group(2)), 0)
    return lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """Line of `path`, or of its nearest enclosing key when `path` itself has none."""
    for end in range(len(path), 0, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return None
