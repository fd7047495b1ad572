"""The scoring tables as an Excel workbook: a summary sheet (ranking by group, bands) and one
sheet per unit, ready to print (A4 landscape, header rows repeated on every page)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pandas as pd

from .data import Report, UnitReport, evidence_text, reason_text
from .i18n import INPUT_COLUMNS, excel_number_format, format_number, label, rounded


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Excel reports need openpyxl: pip install 'chiso[report]'") from error
    return openpyxl


def _columns(report: Report, language: str) -> List[str]:
    heads = [label("number", language), label("content", language), label("max", language)]
    if report.has_self:
        heads.append(label("self", language))
    if report.round_count == 1:
        heads.append(label("appraisal", language))
    else:
        heads += [label("round", language, n=k + 1) for k in range(report.round_count)]
    heads += [label("points", language), label("score", language)]
    if report.has_self:
        heads += [label("evidence", language), label("reason", language)]
    return heads


def _sheet_title(unit: UnitReport, used: set) -> str:
    """An Excel sheet name (≤ 31 characters, none of []:*?/\\), unique in the workbook."""
    base = "".join(c for c in (unit.name or unit.unit) if c not in "[]:*?/\\")[:31] or unit.unit[:31]
    title, k = base, 2
    while title.lower() in used:
        suffix = f" ({k})"
        title, k = base[:31 - len(suffix)] + suffix, k + 1
    used.add(title.lower())
    return title


def write_excel(report: Report, path: Path, language: str = "vi") -> Path:
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    digits = report.digits
    number_format = excel_number_format(digits)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    area_fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    def num(value: Optional[float]) -> Optional[float]:
        return rounded(value, digits)

    def print_setup(sheet: Any, header_rows: str) -> None:
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = header_rows

    def header(sheet: Any, row: int, heads: List[str]) -> None:
        for col, text in enumerate(heads, start=1):
            cell = sheet.cell(row=row, column=col, value=text)
            cell.font, cell.fill, cell.border = bold, header_fill, border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")

    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = label("summary", language)[:31]
    summary["A1"] = report.title
    summary["A1"].font = Font(bold=True, size=13)
    if report.period:
        summary["A2"] = f"{label('period', language)}: {report.period}"
    if report.as_of is not None:
        summary["A3"] = label("as_of", language)
        summary["B3"] = report.as_of
        summary["B3"].number_format = "dd/mm/yyyy"
    heads = [label("group", language), label("rank", language), label("unit", language), label("index", language),
             label("band", language)]
    has_change = any(u.index_change is not None for u in report.units)
    if has_change:
        heads += [label("previous", language) + (f" ({report.previous_period})" if report.previous_period else ""),
                      label("change", language), label("rank_change", language)]
    header(summary, 4, heads)
    ranking = report.ranking
    for r, (unit, row) in enumerate(ranking.iterrows(), start=5):
        values = [row["group"], None if row["rank"] is None or row["rank"] != row["rank"] else int(row["rank"]),
                  row["name"], num(row["index"]), row["band"]]
        if has_change:
            values += [num(row["previous_index"]), num(row["index_change"]),
                       None if row["rank_change"] != row["rank_change"] or row["rank_change"] is None
                       else int(row["rank_change"])]
        for c, value in enumerate(values, start=1):
            cell = summary.cell(row=r, column=c, value=value)
            cell.border = border
            if c in (4, 6, 7):
                cell.number_format = number_format
    last = 4 + len(ranking)
    summary.auto_filter.ref = f"A4:{get_column_letter(len(heads))}{last}"
    summary.freeze_panes = "A5"
    for col, width in zip("ABCDEFGH", (14, 8, 40, 10, 14, 10, 10, 10)):
        summary.column_dimensions[col].width = width
    # Bands: how many units of each group fall in each.
    bands = report.model.bands
    if bands:
        top = last + 2
        summary.cell(row=top, column=1, value=label("bands", language)).font = bold
        groups = sorted({u.group for u in report.units})
        header(summary, top + 1, [label("band", language), "≥"] + [g or label("units_in_band", language) for g in groups])
        for k, (minimum, name) in enumerate(bands, start=top + 2):
            summary.cell(row=k, column=1, value=name).border = border
            cell = summary.cell(row=k, column=2, value=num(minimum))
            cell.number_format, cell.border = number_format, border
            for g, group in enumerate(groups, start=3):
                count = sum(1 for u in report.units if u.group == group and u.band == name)
                summary.cell(row=k, column=g, value=count).border = border
    print_setup(summary, "4:4")

    heads = _columns(report, language)
    used = {summary.title.lower()}
    widths = {label("number", language): 8, label("content", language): 60, label("evidence", language): 30,
              label("reason", language): 40}
    numeric = {label("max", language), label("self", language), label("appraisal", language),
               label("points", language), label("score", language)} | \
        {label("round", language, n=k + 1) for k in range(report.round_count)}
    for unit in report.units:
        sheet = workbook.create_sheet(_sheet_title(unit, used))
        sheet["A1"] = f"{label('scoring_table', language)}: {unit.name}"
        sheet["A1"].font = Font(bold=True, size=13)
        sheet["A2"] = f"{report.title}" + (f" — {report.period}" if report.period else "")
        facts = [f"{label('index', language)}: {format_number(unit.index, digits, language)}"]
        if unit.rank is not None:
            facts.append(f"{label('rank', language)}: {unit.rank}")
        if unit.band:
            facts.append(f"{label('band', language)}: {unit.band}")
        sheet["A3"] = " — ".join(facts)
        header(sheet, 5, heads)
        r = 6
        for row in unit.rows:
            values = [row.number, ("    " * (row.depth - 1)) + row.name, num(row.max)]
            if report.has_self:
                values.append(num(row.self_points))
            values += [num(p) for p in row.rounds]
            values += [num(row.points), num(row.score)]
            if report.has_self:
                values += [evidence_text(row, language), reason_text(row, language, report.round_count)]
            if not row.applicable:
                values[2] = label("na_short", language)
                for k in range(3, 3 + (1 if report.has_self else 0) + len(row.rounds) + 2):
                    values[k] = None
                if report.has_self and not values[-1]:
                    values[-1] = label("not_applicable", language)
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                cell.border = border
                if heads[c - 1] in numeric and isinstance(value, float):
                    cell.number_format = number_format
                if heads[c - 1] in (label("content", language), label("evidence", language), label("reason", language)):
                    cell.alignment = wrap
                if row.is_area:
                    cell.font, cell.fill = bold, area_fill
            r += 1
        total = [label("total", language), "", num(unit.total_max)]
        if report.has_self:
            total.append(num(unit.total_self))
        total += [None] * (report.round_count - 1) + [num(unit.total_points)] * min(1, report.round_count)
        total += [num(unit.total_points), None]
        for c, value in enumerate(total, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.font, cell.border = bold, border
            if isinstance(value, float):
                cell.number_format = number_format
        r += 1
        sheet.cell(row=r, column=1, value=label("index", language)).font = bold
        cell = sheet.cell(row=r, column=3, value=num(unit.index))
        cell.font, cell.number_format = bold, number_format
        if unit.self_index is not None:
            cell = sheet.cell(row=r, column=4, value=num(unit.self_index))
            cell.number_format = number_format
        sheet.freeze_panes = "C6"
        sheet.auto_filter.ref = f"A5:{get_column_letter(len(heads))}{5 + len(unit.rows)}"
        for c, head in enumerate(heads, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = widths.get(head, 12)
        print_setup(sheet, "5:5")
    workbook.save(path)
    return path


def write_tables(tables: Dict[str, Any], path: Path, digits: int = 2) -> Path:
    """Report DataFrames as a workbook, one sheet each, ready to read: frozen header, filters,
    column widths, numbers with ``digits`` decimals, years as numbers, timestamps as dates."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    number_format = excel_number_format(digits)
    for name, frame in tables.items():
        sheet = workbook.create_sheet(name[:31])
        columns = [str(c) for c in frame.columns]
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
        kinds = [_column_kind(c, frame[c]) for c in frame.columns]
        for values in frame.itertuples(index=False):
            sheet.append([_excel_value(v, kind, digits) for v, kind in zip(values, kinds)])
        for k, (column, kind) in enumerate(zip(columns, kinds), start=1):
            letter = get_column_letter(k)
            fmt = {"number": number_format, "timestamp": "dd/mm/yyyy hh:mm", "integer": "0"}.get(kind)
            if fmt:
                for cell in sheet[letter][1:]:
                    cell.number_format = fmt
            longest = max([len(column)] + [len(str(v)) for v in frame.iloc[:200, k - 1]])
            sheet.column_dimensions[letter].width = min(60, max(8, longest + 2))
        sheet.freeze_panes = "A2"
        if len(frame):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    workbook.save(path)
    return path


def _column_kind(name: Any, column: Any) -> str:
    if str(name) == "timestamp" or str(name).endswith("_timestamp"):
        return "timestamp"
    if str(name) in ("year", "period"):
        return "integer"
    if column.dtype.kind == "f":
        return "value" if str(name) in INPUT_COLUMNS else "number"
    if column.dtype.kind == "O" and column.map(lambda v: isinstance(v, (list, tuple))).any():
        return "list"
    return "plain"


def _excel_value(value: Any, kind: str, digits: int) -> Any:
    import datetime
    import math
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if kind == "timestamp" and isinstance(value, str) and value:
        try:
            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)  # as written
        except ValueError:
            return value
    if kind == "integer":
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    if kind == "number":
        return rounded(value, digits)
    if kind == "list":
        return "; ".join(str(v) for v in value)
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value
