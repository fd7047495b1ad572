"""Writing the reports of the 126 communes and wards (the bundled 2025 sample): .xlsx, .docx and
.html, each against the budget of a person waiting (2 s), and the .xlsx writer (XlsxWriter)
against the same workbook written with openpyxl, measured in the same run — the measurement
that chose XlsxWriter.

Printed for each: the median seconds (wall clock and CPU) of --repeats runs of
chiso.reports.write — the report's data (the evaluations, the scoring tables) and the file — and
the ratio to its reference (the budget, or openpyxl's time for the same cells). On a shared
machine the CPU time is the steadier figure.

    python tests/benchmarks/bench_reports.py             # 126 communes, 5 repeats
    python tests/benchmarks/bench_reports.py --smoke     # 15 departments, 1 repeat
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, List, Tuple

import chiso
from chiso import reports
from chiso.reports.data import Report
from chiso.reports.excel import write_excel
from chiso.reports.layout import scoring_cells, scoring_heads

ROOT = Path(__file__).resolve().parents[2]
DATA, MODELS = ROOT / "examples" / "data", ROOT / "examples" / "models"
BUDGET_SECONDS = 2.0


def assessment(kind: str) -> chiso.Assessment:
    a = chiso.Assessment.from_csv(chiso.load_model(MODELS / f"hanoi-par-{kind}-2025.json"), "2025",
                                  DATA / f"units-{kind}-2025.csv", DATA / f"par-{kind}-2025.csv")
    a.set_survey(chiso.Survey.from_csv(DATA / "survey-par-2025.csv"), strict=False)
    return a


def median_seconds(run: Callable[[], Any], repeats: int) -> Tuple[float, float]:
    """The median wall-clock and CPU seconds of ``repeats`` runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def openpyxl_workbook(report: Report, path: Path) -> None:
    """The reference: the unit sheets' cells (the same values, a number format, a border and a
    wrap per cell) written with openpyxl."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side
    thin = Side(style="thin", color="999999")
    border, wrap = Border(left=thin, right=thin, top=thin, bottom=thin), Alignment(wrap_text=True, vertical="top")
    workbook = openpyxl.Workbook()
    heads = scoring_heads(report, "vi")
    for unit in report.units:
        sheet = workbook.create_sheet(unit.unit[:31])
        sheet.append(heads)
        for row in unit.rows:
            sheet.append(scoring_cells(report, row, "vi", lambda v, d: v))
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                cell.border, cell.alignment = border, wrap
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
    workbook.save(path)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="15 departments, one run")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    kind, repeats = ("department", 1) if args.smoke else ("commune", args.repeats)
    a = assessment(kind)
    a.final_results()  # the evaluation is cached by the assessment; build() re-reads the tables
    report = reports.build(a)
    print(f"reports of {len(report.units)} units ({kind} 2025), median of {repeats} run(s); machine may be shared")
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        for suffix in (".xlsx", ".docx", ".html"):
            wall, cpu = median_seconds(lambda: reports.write(a, out / f"r{suffix}"), repeats)
            size = (out / f"r{suffix}").stat().st_size / 1e6
            print(f"  {suffix:5} {wall:7.3f} s wall, {cpu:7.3f} s CPU, {size:5.1f} MB; "
                  f"CPU / the {BUDGET_SECONDS:g} s budget: {cpu / BUDGET_SECONDS:.2f}")
        xlsxwriter_cells = median_seconds(lambda: write_excel(report, out / "x.xlsx", "vi"), repeats)[1]
        openpyxl_cells = median_seconds(lambda: openpyxl_workbook(report, out / "o.xlsx"), repeats)[1]
        print(f"  .xlsx writers, CPU: XlsxWriter (whole workbook) {xlsxwriter_cells:7.3f} s; openpyxl (unit sheets' "
              f"cells only) {openpyxl_cells:7.3f} s; ratio {xlsxwriter_cells / openpyxl_cells:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
