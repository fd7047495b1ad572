"""The demo: score the Hanoi PAR index in force (2025, under 5666/QĐ-UBND: the communes and wards,
and the departments) on the bundled SYNTHETIC sample, print the ranking by group, the change from
2024 across the reform (the 30 districts abolished on 1 July 2025, the departments merged), the
largest self-vs-appraised cuts and the progress summary.

    chiso demo                           # print (also: python -m chiso.demo)
    chiso demo --out results             # also write one CSV per report and results/reports.xlsx
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pandas as pd

from . import models as bundled
from .assessment import Assessment, Survey, YearOverYear
from .io import atomic_path, write_bytes
from .model import load_model
from .reports.excel import write_tables
from .reports.text import csv_safe
from .reports.i18n import round_frame


@dataclass(frozen=True)
class Period:
    """One group of units assessed in one year: the model, the units and the records files."""
    group: str
    label: str
    year: str
    model: str
    units: str
    records: str
    survey: str
    ended: str = ""  # for a level the reform replaced: what happened to its units


# The index in force, and for each group the assessment of the year before the reform: the
# communes and wards replaced the districts on 1 July 2025; the departments were merged.
IN_FORCE = [
    Period("commune", "Xã, phường", "2025", "hanoi-par-commune-2025", "units-commune-2025.csv",
           "par-commune-2025.csv", "survey-par-2025.csv"),
    Period("department", "Sở, cơ quan tương đương Sở", "2025", "hanoi-par-department-2025",
           "units-department-2025.csv", "par-department-2025.csv", "survey-par-2025.csv"),
]
BEFORE_REFORM = {
    "commune": Period("district", "Quận, huyện, thị xã", "2024", "hanoi-par-district-2023", "units-district.csv",
                      "par-district-2024.csv", "survey-par-2024.csv",
                      ended="cấp huyện kết thúc hoạt động từ 1/7/2025"),
    "department": Period("department", "Sở, cơ quan tương đương Sở", "2024", "hanoi-par-department-2023",
                         "units-department.csv", "par-department-2024.csv", "survey-par-2024.csv",
                         ended="hợp nhất, sáp nhập năm 2025"),
}
# Self-assessment was due by 15 December 2025 (the sample's plan; late units had 15 more days).
PROGRESS_AS_OF = "2025-12-15T23:59:59+07:00"


@dataclass
class Sample:
    """For each group of the index in force: its 2025 assessment, the 2024 assessment of the
    units it replaced, and the year over year between them."""
    now: Dict[str, Assessment]
    before: Dict[str, Assessment]
    change: Dict[str, YearOverYear]


def find_examples(explicit: Optional[str]) -> Tuple[Path, Path]:
    """The folders of the models and of the sample data: ``explicit`` (an examples/ folder with
    models/ and data/), else the files bundled with the package (:mod:`chiso.models`)."""
    if explicit:
        models, data = Path(explicit) / "models", Path(explicit) / "data"
    else:
        models, data = bundled.data_dir() / "models", bundled.sample_dir()
    periods = IN_FORCE + list(BEFORE_REFORM.values())
    if all((models / f"{p.model}.json").is_file() and (data / p.records).is_file() for p in periods):
        return models, data
    raise SystemExit(f"chiso.demo: cannot find the sample models and data (looked in {models} and {data}); "
                     "pass --examples DIR (a folder with models/ and data/)")


def _assessment(period: Period, folders: Tuple[Path, Path], surveys: Dict[str, Survey]) -> Assessment:
    models, data = folders
    a = Assessment.from_csv(load_model(models / f"{period.model}.json"), period.year, data / period.units,
                            data / period.records)
    if period.survey not in surveys:
        surveys[period.survey] = Survey.from_csv(data / period.survey)
    a.set_survey(surveys[period.survey], strict=False)  # one survey covers both groups
    return a


def load_sample(folders: Tuple[Path, Path]) -> Sample:
    surveys: Dict[str, Survey] = {}
    now = {p.group: _assessment(p, folders, surveys) for p in IN_FORCE}
    before = {group: _assessment(p, folders, surveys) for group, p in BEFORE_REFORM.items()}
    return Sample(now, before, {group: now[group].year_over_year(before[group]) for group in now})


# Terminal tables whose Vietnamese names line up: width counts characters, not bytes (NFC, so a
# letter with its tone marks is one character).
def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in unicodedata.normalize("NFC", text))


def _cut(text: str, width: int) -> str:
    text = unicodedata.normalize("NFC", text)
    if _width(text) <= width:
        return text
    while _width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def table(rows: Sequence[Sequence[str]], header: Sequence[str], align: str, widths: Optional[List[int]] = None) -> str:
    widths = widths or [max(_width(str(r[k])) for r in [header, *rows]) for k in range(len(header))]
    lines = []
    for k, row in enumerate([header, *rows]):
        cells = []
        for col, value in enumerate(row):
            text = _cut(str(value), widths[col])
            pad = " " * (widths[col] - _width(text))
            cells.append(pad + text if align[col] == "r" else text + pad)
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("─" * w for w in widths))
    return "\n".join(lines)


def _fmt(x: float, digits: int = 2, sign: bool = False) -> str:
    if pd.isna(x):
        return "–"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def _rank(rank: int) -> str:
    return str(int(rank)) if rank else "–"  # 0: not ranked (not in that period)


def print_ranking(sample: Sample, rows: int = 15, out=sys.stdout) -> None:
    """The 2025 ranking of each group, with the 2024 index and rank of the same unit where it
    existed before the reform."""
    for period in IN_FORCE:
        a = sample.now[period.group]
        results = a.final_results()
        change = sample.change[period.group]
        compared = len(change.units) > len(change.units_gone) + len(change.units_new)  # some units in both years
        units = change.units.set_index("unit")
        lines = []
        for unit, r in results.head(rows).iterrows():
            line = [_rank(r["rank"]), r["name"], _fmt(r["index"]), str(r["band"])]
            if compared:
                c = units.loc[unit]
                moved = "mới" if unit in change.units_new else f"{int(c['rank_change']):+d}" if c["rank_change"] else "="
                line += [_fmt(c["index_before"]), _fmt(c["index_change"], sign=True), moved]
            lines.append(line)
        print(f"\n■ Xếp hạng Chỉ số CCHC 2025 — {period.label} ({len(results)} đơn vị)", file=out)
        header, align, widths = ["Hạng", "Đơn vị", "Chỉ số", "Xếp loại"], "rlrl", [4, 34, 6, 10]
        if compared:
            header, align, widths = header + ["2024", "Δ", "Δ hạng"], align + "rrr", widths + [6, 6, 6]
        print(table(lines, header, align, widths), file=out)
        if len(results) > rows:
            print(f"  … {len(results) - rows} đơn vị nữa (--rows, hoặc --out DIR cho bảng đầy đủ)", file=out)
        counts = results["band"].value_counts()
        print("  Xếp loại: " + ", ".join(f"{label} {counts.get(label, 0)}" for _, label in a.model.bands), file=out)


def print_reform(sample: Sample, out=sys.stdout) -> None:
    """Year over year across the reform: what could be compared, and the units that no longer
    exist, each with its last index and rank."""
    print("\n■ Từ 2024 sang 2025, qua sắp xếp đơn vị hành chính (từ 1/7/2025)", file=out)
    for period in IN_FORCE:
        before, change = BEFORE_REFORM[period.group], sample.change[period.group]
        units = change.units.set_index("unit")
        kept = len(units) - len(change.units_gone) - len(change.units_new)
        print(f"  {before.label} 2024 → {period.label} 2025: {kept} đơn vị so sánh được, "
              f"{len(change.units_gone)} không còn, {len(change.units_new)} mới; tiêu chí: {len(change.matched)} "
              f"giữ mã, {len(change.added)} mới, {len(change.removed)} bỏ", file=out)
        gone = units.loc[change.units_gone].sort_values("rank_before")
        lines = [[r["name"], _fmt(r["index_before"]), _rank(r["rank_before"]), "không còn"] for _, r in gone.iterrows()]
        print(f"  Không còn năm 2025 ({before.ended}):", file=out)
        print(table(lines, ["Đơn vị năm 2024", "Chỉ số", "Hạng", "2025"], "lrrl", [40, 6, 4, 9]), file=out)


def print_cuts(sample: Sample, top: int = 10, out=sys.stdout) -> None:
    cuts = pd.concat([sample.now[p.group].self_vs_appraised() for p in IN_FORCE], ignore_index=True)
    cuts = cuts.sort_values(["difference", "unit", "criterion"], kind="stable").head(top)
    rows = [[r["name"], r["criterion"], _fmt(r["self_points"]), _fmt(r["appraised_points"]),
             _fmt(r["difference"], sign=True), r["reason"]] for _, r in cuts.iterrows()]
    print(f"\n■ Điểm tự chấm bị Hội đồng thẩm định điều chỉnh nhiều nhất, 2025 (top {top})", file=out)
    print(table(rows, ["Đơn vị", "Tiêu chí", "Tự chấm", "Thẩm định", "Chênh", "Lý do"], "llrrrl",
                [24, 8, 7, 9, 6, 48]), file=out)


def print_progress(sample: Sample, out=sys.stdout) -> None:
    print("\n■ Tiến độ tự đánh giá (tiêu chí có điểm tự chấm và tài liệu kiểm chứng) đến 15/12/2025", file=out)
    for period in IN_FORCE:
        p = sample.now[period.group].progress(PROGRESS_AS_OF)
        complete = int((p["done"] == p["total"]).sum())
        total_done, total = int(p["done"].sum()), int(p["total"].sum())
        print(f"  {period.label}: {total_done}/{total} tiêu chí ({100 * total_done / total:.1f}%); "
              f"{complete}/{len(p)} đơn vị đã xong", file=out)
        for _, r in p.sort_values(["share_done", "name"]).head(3).iterrows():
            print(f"    {r['name']}: {r['done']}/{r['total']}", file=out)


def all_reports(sample: Sample) -> Dict[str, pd.DataFrame]:
    """One table per report of 2025, both groups stacked (columns year and group), and the year
    over year of each group (units of one year only included, NaN on the other side)."""
    tables: Dict[str, List[pd.DataFrame]] = {}
    for period in IN_FORCE:
        for name, frame in sample.now[period.group].reports(as_of=PROGRESS_AS_OF).items():
            frame = frame.copy()
            frame.insert(0, "year", period.year)
            if "group" not in frame.columns:
                frame.insert(1, "group", period.group)
            tables.setdefault(name, []).append(frame)
        change = sample.change[period.group]
        tables.setdefault("year_over_year", []).append(change.units)
        tables.setdefault("year_over_year_areas", []).append(change.areas.assign(group=period.group))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}


def write_reports(sample: Sample, out_dir: Path) -> List[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    # Written as published: points and indices with the models' two decimals, half up.
    reports = {name: round_frame(frame, 2) for name, frame in all_reports(sample).items()}
    for name, frame in reports.items():
        path = out_dir / f"{name}.csv"
        # Whole or not at all; the BOM lets Excel read UTF-8.
        write_bytes(path, csv_safe(frame).to_csv(index=False).encode("utf-8-sig"))
        written.append(path)
    workbook = out_dir / "reports.xlsx"
    with atomic_path(workbook) as temporary:
        write_tables(reports, temporary, digits=2)  # frozen headers, filters, formats, dates
    written.append(workbook)
    return written


def main(argv: Optional[Sequence[str]] = None, prog: str = "python -m chiso.demo") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write every report as CSV and an Excel workbook (one sheet per report) here")
    parser.add_argument("--examples", help="an examples/ folder with models/ and data/ (default: the files bundled with chiso)")
    parser.add_argument("--rows", type=int, default=15, help="how many units of each ranking to print (default 15)")
    parser.add_argument("--top", type=int, default=10, help="how many cuts to print (default 10)")
    args = parser.parse_args(argv)
    if (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") != "utf8":
        reconfigure = getattr(sys.stdout, "reconfigure", None)  # absent on a replaced stdout
        if reconfigure is not None:
            reconfigure(encoding="utf-8")  # Vietnamese names on any terminal setting
    sample = load_sample(find_examples(args.examples))
    print("chiso — Chỉ số CCHC Hà Nội 2025 (5666/QĐ-UBND) — dữ liệu mẫu TỔNG HỢP / SYNTHETIC sample data, "
          "not real results")
    print_ranking(sample, args.rows)
    print_reform(sample)
    print_cuts(sample, args.top)
    print_progress(sample)
    if args.out:
        for path in write_reports(sample, Path(args.out)):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
