"""Shared fixtures: small economies that run in a fraction of a second."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from abm import Params

SMALL = dict(n_workers=1500, n_firms=30, n_tasks=10, n_periods=8, burn_in=5)


@pytest.fixture
def small() -> Callable[..., Params]:
    """Factory for a small economy (1,500 workers) with optional changes."""

    def make(**changes: object) -> Params:
        return Params(**{**SMALL, **changes})

    return make


@pytest.fixture
def refused(capsys: pytest.CaptureFixture[str], tmp_path) -> Callable[..., str]:
    """Check that a tool refuses `argv` (with an `--out` folder added) before any work.

    `refused(main, argv, needle)` runs the tool's `main`, asserts status 2, one line
    `abm: error: ...` on stderr containing `needle`, and no output folder created;
    returns the line.
    """

    def check(main: Callable[[list[str]], int], argv: list[str], needle: str) -> str:
        out = tmp_path / "o"
        assert main([*argv, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("abm: error: "), err
        assert needle in err, err
        assert not out.exists()                       # nothing ran, nothing written
        return err

    return check
