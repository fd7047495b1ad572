#!/usr/bin/env bash
# The bundled demo: scores Hanoi's PAR index in force (2025: communes and wards, departments) on
# the bundled sample and prints the ranking by group, the change from 2024 across the reform (the
# units that no longer exist listed as such), the largest self-vs-appraised cuts and the progress
# summary. Extra arguments go to `python -m chiso.demo` (for example `--out results/` to write CSV
# files and an Excel workbook, `--rows 200` for whole rankings).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m chiso.demo "$@"
