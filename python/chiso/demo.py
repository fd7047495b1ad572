"""The demo: score the bundled Hanoi sample (SYNTHETIC data, examples/data) and print the ranking
by group, the largest self-vs-appraised cuts and the progress summary.

    chiso demo                           # print (also: python -m chiso.demo)
    chiso demo --out results             # also write one CSV per report and results/reports.xlsx
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pandas as pd

from . import models as bundled
from .assessment import Assessment, Survey
from .model import load_model
from .reports.excel import write_tables
from .reports.text import csv_safe
from .reports.i18n import round_frame

GROUPS = [("district", "Quận, huyện, thị xã", "hanoi-par-district-2023"),
          ("department", "Sở, cơ quan tương đương Sở", "hanoi-par-department-2023")]
YEARS = ("2023", "2024")
PROGRESS_AS_OF = "2023-10-31T23:59:59+07:00"  # the seed: "63/80 ready by end of October"


def find_examples(explicit: Optional[str]) -> Tuple[Path, Path]:
    """The folders of the models and of the sample data: ``explicit`` (an examples/ folder with
    models/ and data/), else the files bundled with the package (:mod:`chiso.models`)."""
    if explicit:
        models, data = Path(explicit) / "models", Path(explicit) / "data"
    else:
        models, data = bundled.data_dir() / "models", bundled.sample_dir()
    if (models / "hanoi-par-district-2023.json").is_file() and (data / "units-district.csv").is_file():
        return models, data
    raise SystemExit(f"chiso.demo: cannot find the sample models and data (looked in {models} and {data}); "
                     "pass --examples DIR (a folder with models/ and data/)")


def load_sample(folders: Tuple[Path, Path]) -> Dict[str, Dict[str, Assessment]]:
    """{group: {year: assessment}} with the survey leaves fed from the survey microdata."""
    models, data = folders
    out: Dict[str, Dict[str, Assessment]] = {}
    surveys = {year: Survey.from_csv(data / f"survey-par-{year}.csv") for year in YEARS}
    for group, _, model_id in GROUPS:
        model = load_model(models / f"{model_id}.json")
        out[group] = {}
        for year in YEARS:
            a = Assessment.from_csv(model, year, data / f"units-{group}.csv", data / f"par-{group}-{year}.csv")
            a.set_survey(surveys[year], strict=False)  # one survey covers both groups
            out[group][year] = a
    return out


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


def print_ranking(sample: Dict[str, Dict[str, Assessment]], out=sys.stdout) -> None:
    for group, label, _ in GROUPS:
        a2023, a2024 = sample[group]["2023"], sample[group]["2024"]
        results = a2023.final_results()
        yoy = a2024.year_over_year(a2023).units.set_index("unit")
        rows = []
        for unit, r in results.iterrows():
            rows.append([str(r["rank"]), r["name"], _fmt(r["index"]), str(r["band"]),
                         _fmt(yoy.at[unit, "index_after"]), _fmt(yoy.at[unit, "index_change"], sign=True),
                         f"{int(yoy.at[unit, 'rank_change']):+d}" if yoy.at[unit, "rank_change"] else "="])
        print(f"\n■ Xếp hạng Chỉ số CCHC 2023 — {label} ({len(rows)} đơn vị)", file=out)
        print(table(rows, ["Hạng", "Đơn vị", "Chỉ số", "Xếp loại", "2024", "Δ", "Δ hạng"], "rlrlrrr",
                    [4, 36, 6, 10, 6, 6, 6]), file=out)


def print_cuts(sample: Dict[str, Dict[str, Assessment]], top: int = 10, out=sys.stdout) -> None:
    cuts = pd.concat([sample[g]["2023"].self_vs_appraised() for g, _, _ in GROUPS], ignore_index=True)
    cuts = cuts.sort_values(["difference", "unit", "criterion"], kind="stable").head(top)
    rows = [[r["name"], r["criterion"], _fmt(r["self_points"]), _fmt(r["appraised_points"]),
             _fmt(r["difference"], sign=True), r["reason"]] for _, r in cuts.iterrows()]
    print(f"\n■ Điểm tự chấm bị Hội đồng thẩm định điều chỉnh nhiều nhất, 2023 (top {top})", file=out)
    print(table(rows, ["Đơn vị", "Tiêu chí", "Tự chấm", "Thẩm định", "Chênh", "Lý do"], "llrrrl",
                [24, 8, 7, 9, 6, 48]), file=out)


def print_progress(sample: Dict[str, Dict[str, Assessment]], out=sys.stdout) -> None:
    print(f"\n■ Tiến độ tự đánh giá (tiêu chí có điểm tự chấm và tài liệu kiểm chứng) đến 31/10/2023", file=out)
    for group, label, _ in GROUPS:
        p = sample[group]["2023"].progress(PROGRESS_AS_OF)
        complete = int((p["done"] == p["total"]).sum())
        total_done, total = int(p["done"].sum()), int(p["total"].sum())
        print(f"  {label}: {total_done}/{total} tiêu chí ({100 * total_done / total:.1f}%); "
              f"{complete}/{len(p)} đơn vị đã xong", file=out)
        slowest = p.sort_values(["share_done", "name"]).head(3)
        for unit, r in slowest.iterrows():
            print(f"    {r['name']}: {r['done']}/{r['total']}", file=out)
    hbt = sample["district"]["2023"].progress(PROGRESS_AS_OF).loc["hai-ba-trung"]
    print(f"  Quận Hai Bà Trưng: {hbt['done']}/{hbt['total']} tiêu chí thẩm định đã có minh chứng", file=out)


def all_reports(sample: Dict[str, Dict[str, Assessment]]) -> Dict[str, pd.DataFrame]:
    """One table per report, both groups and both years stacked (columns year and group)."""
    tables: Dict[str, List[pd.DataFrame]] = {}
    for group, _, _ in GROUPS:
        for year in YEARS:
            a = sample[group][year]
            as_of = PROGRESS_AS_OF if year == "2023" else None
            for name, frame in a.reports(as_of=as_of).items():
                frame = frame.copy()
                frame.insert(0, "year", year)
                if "group" not in frame.columns:
                    frame.insert(1, "group", group)
                tables.setdefault(name, []).append(frame)
        y = sample[group]["2024"].year_over_year(sample[group]["2023"])
        tables.setdefault("year_over_year", []).append(y.units)
        tables.setdefault("year_over_year_areas", []).append(y.areas.assign(group=group))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}


def write_reports(sample: Dict[str, Dict[str, Assessment]], out_dir: Path) -> List[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    # Written as published: points and indices with the models' two decimals, half up.
    reports = {name: round_frame(frame, 2) for name, frame in all_reports(sample).items()}
    for name, frame in reports.items():
        path = out_dir / f"{name}.csv"
        csv_safe(frame).to_csv(path, index=False, encoding="utf-8-sig")  # the BOM lets Excel read UTF-8
        written.append(path)
    workbook = out_dir / "reports.xlsx"
    written.append(write_tables(reports, workbook, digits=2))  # frozen headers, filters, formats, dates
    return written


def main(argv: Optional[Sequence[str]] = None, prog: str = "python -m chiso.demo") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write every report as CSV and an Excel workbook (one sheet per report) here")
    parser.add_argument("--examples", help="an examples/ folder with models/ and data/ (default: the files bundled with chiso)")
    parser.add_argument("--top", type=int, default=10, help="how many cuts to print (default 10)")
    args = parser.parse_args(argv)
    if (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") != "utf8":
        reconfigure = getattr(sys.stdout, "reconfigure", None)  # absent on a replaced stdout
        if reconfigure is not None:
            reconfigure(encoding="utf-8")  # Vietnamese names on any terminal setting
    sample = load_sample(find_examples(args.examples))
    print("chiso — Chỉ số CCHC, Hà Nội (dữ liệu mẫu TỔNG HỢP / SYNTHETIC sample data, not real results)")
    print_ranking(sample)
    print_cuts(sample, args.top)
    print_progress(sample)
    if args.out:
        for path in write_reports(sample, Path(args.out)):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
