#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Python 3.11:
# the package with its test extras, and Debian's Chromium for the real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
bash scripts/install-browser.sh
