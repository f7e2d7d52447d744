#!/usr/bin/env bash
# Builds the API reference (HTML, from the docstrings) into docs/api/ with pdoc.
#   bash scripts/build-api-docs.sh            # then open docs/api/index.html
#   bash scripts/build-api-docs.sh OUTDIR     # somewhere else
# `abm` declares __all__, which hides its submodules from pdoc, so they are listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/api}"
modules=$(python scripts/api_modules.py)
# shellcheck disable=SC2086
python -m pdoc --docformat google --no-show-source $modules -o "$out"
echo "API reference written to $out/index.html"
