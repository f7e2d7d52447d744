"""Offline front-end assets for the browser app.

The page's JavaScript (the Vuetify app, fonts, require.js, vega) is normally fetched by
the Solara server from a public CDN and cached in ``<prefix>/share/solara/cdn``. The
``solara-assets`` package pre-fills that folder, so the page also works on machines
with no internet. One gap remains: Solara's chart widget asks for the unversioned
``vega@5``, ``vega-lite@5`` and ``vega-embed@6`` folders, while the package ships
versioned ones (``vega@5.21.0`` ...). Without the aliases below those requests go to
the CDN, fail offline, and Altair panels stay blank.

`ensure_vega_links` creates the aliases as relative symlinks next to the versioned
folders. It is idempotent and never downloads anything; `abm viz` calls it at every
launch and ``scripts/install-browser.sh`` calls it after installation
(``python -m abm.viz.assets``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# unversioned alias -> (package name, major version) that Solara's chart widget requests
VEGA_ALIASES: dict[str, tuple[str, int]] = {
    "vega@5": ("vega", 5),
    "vega-lite@5": ("vega-lite", 5),
    "vega-embed@6": ("vega-embed", 6),
}

# the front end solara 1.64.1 with ipyvuetify<2 requests; shipped by solara-assets 1.58.2
VUETIFY_APP = "@widgetti/solara-vuetify-app@10.1.1"


@dataclass
class AssetReport:
    """What `ensure_vega_links` found and did, for a one-line status message."""

    cdn_dir: Path
    created: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the page can be served without any CDN request."""
        return not self.problems


def cdn_dir() -> Path:
    """The folder the Solara server serves ``/_solara/cdn/...`` from.

    Read from Solara's own settings, so a user-level install or the
    ``SOLARA_ASSETS_PROXY_CACHE_DIR`` variable is honoured exactly as the server does.
    """
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def _version_key(name: str) -> tuple[int, ...]:
    version = name.split("@", 1)[1]
    return tuple(int(p) for p in re.findall(r"\d+", version))


def _newest(folder: Path, package: str, major: int) -> Path | None:
    """Newest ``package@major.x.y`` folder in `folder`, or None."""
    pattern = re.compile(rf"^{re.escape(package)}@{major}\.\d+(\.\d+)*$")
    found = [p for p in folder.iterdir() if pattern.match(p.name) and p.is_dir()]
    return max(found, key=lambda p: _version_key(p.name)) if found else None


def ensure_vega_links(folder: Path | None = None) -> AssetReport:
    """Create the ``vega@5``/``vega-lite@5``/``vega-embed@6`` aliases if missing.

    Args:
        folder: the CDN cache folder; defaults to Solara's (`cdn_dir`).

    Returns:
        An `AssetReport`. Problems (missing solara-assets, read-only folder) are
        reported, not raised: online, Solara still fetches what is missing.
    """
    folder = cdn_dir() if folder is None else Path(folder)
    report = AssetReport(cdn_dir=folder)
    if not folder.is_dir():
        report.problems.append(f"{folder} does not exist: install solara-assets==1.58.2")
        return report
    if not (folder / VUETIFY_APP).is_dir():
        report.problems.append(f"{VUETIFY_APP} missing in {folder}: install solara-assets==1.58.2")
    for alias, (package, major) in VEGA_ALIASES.items():
        link = folder / alias
        target = _newest(folder, package, major)
        if target is None:
            report.problems.append(f"no {package}@{major}.x folder in {folder}")
            continue
        if link.is_symlink() and link.resolve() == target.resolve():
            report.present.append(alias)
            continue
        if link.exists() and not link.is_symlink():
            # a real folder, e.g. cached by an earlier online run: it serves the files
            report.present.append(alias)
            continue
        try:
            if link.is_symlink():  # dangling or pointing at an older version
                link.unlink()
            link.symlink_to(target.name, target_is_directory=True)
        except OSError as exc:
            report.problems.append(f"cannot create {link}: {exc.strerror or exc}")
            continue
        report.created.append(f"{alias} -> {target.name}")
    return report


def describe(report: AssetReport) -> str:
    """One human-readable line summarising `report`."""
    if report.ok:
        made = f"created {', '.join(report.created)}" if report.created else "links present"
        return f"offline assets ok in {report.cdn_dir} ({made})"
    return "offline assets incomplete: " + "; ".join(report.problems)


def main(argv: list[str] | None = None) -> int:
    """``python -m abm.viz.assets``: create the links; exit 1 if anything is missing."""
    del argv
    report = ensure_vega_links()
    print(describe(report), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
