#!/usr/bin/env bash
# Debian's Chromium for the browser tests (never `playwright install`: no downloads here),
# then the offline front-end links for the browser app (`abm viz`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
chromium --version

# solara-assets (a dependency of the package) ships the page's JavaScript for offline use;
# the unversioned vega@5 / vega-lite@5 / vega-embed@6 aliases Solara asks for are made
# here from the installed files. Idempotent; `abm viz` repeats it at every launch.
PYTHON="${PYTHON:-python}"
if "$PYTHON" -c "import abm.viz.assets" >/dev/null 2>&1; then
  "$PYTHON" -m abm.viz.assets
else
  echo "install-browser.sh: package not installed yet; run 'pip install -e .' and rerun" \
       "this script (or just start 'abm viz') to create the offline asset links" >&2
fi
