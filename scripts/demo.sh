#!/usr/bin/env bash
# The bundled demo: scores the bundled Hanoi sample and prints the ranking by group, the largest
# self-vs-appraised cuts and the progress summary. Extra arguments go to `python -m chiso.demo`
# (for example `--out results/` to write CSV files and an Excel workbook).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m chiso.demo "$@"
