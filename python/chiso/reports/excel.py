"""The scoring tables as an Excel workbook: a summary sheet (ranking by group, bands) and one
sheet per unit, ready to print (A4 landscape, header rows repeated on every page)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import pandas as pd

from .data import Report, UnitReport
from .i18n import INPUT_COLUMNS, excel_number_format, label, rounded
from .layout import (change_heads, number_column_count, ranking_heads, scoring_cells, scoring_heads, total_cells,
                     unit_facts, whole)


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Excel reports need openpyxl: pip install 'chiso[report]'") from error
    return openpyxl


@dataclass(frozen=True)
class _Styles:
    """The workbook's fonts, fills, borders and number format, made once."""
    bold: Any
    title: Any
    header_fill: Any
    area_fill: Any
    border: Any
    header_alignment: Any
    wrap: Any
    number_format: str


def _styles(digits: int) -> _Styles:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    thin = Side(style="thin", color="999999")
    return _Styles(bold=Font(bold=True), title=Font(bold=True, size=13),
                   header_fill=PatternFill("solid", fgColor="DDE4EE"), area_fill=PatternFill("solid", fgColor="F2F2F2"),
                   border=Border(left=thin, right=thin, top=thin, bottom=thin),
                   header_alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
                   wrap=Alignment(wrap_text=True, vertical="top"), number_format=excel_number_format(digits))


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
    styles = _styles(report.digits)
    workbook = openpyxl.Workbook()
    summary = workbook.active
    _write_summary(summary, report, language, styles)
    used = {summary.title.lower()}
    for unit in report.units:
        _write_unit_sheet(workbook.create_sheet(_sheet_title(unit, used)), report, unit, language, styles)
    workbook.save(path)
    return path


def _print_setup(sheet: Any, header_rows: str) -> None:
    """A4 landscape, one page wide, the header rows repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = header_rows


def _write_header(sheet: Any, row: int, heads: List[str], styles: _Styles) -> None:
    for col, text in enumerate(heads, start=1):
        cell = sheet.cell(row=row, column=col, value=text)
        cell.font, cell.fill, cell.border = styles.bold, styles.header_fill, styles.border
        cell.alignment = styles.header_alignment


def _write_summary(summary: Any, report: Report, language: str, styles: _Styles) -> None:
    """The first sheet: the title, the ranking of every unit, then how many units fall in each band."""
    summary.title = label("summary", language)[:31]
    summary["A1"] = report.title
    summary["A1"].font = styles.title
    if report.period:
        summary["A2"] = f"{label('period', language)}: {report.period}"
    if report.as_of is not None:
        summary["A3"] = label("as_of", language)
        summary["B3"] = report.as_of
        summary["B3"].number_format = "dd/mm/yyyy"
    last = _write_ranking(summary, report, language, styles)
    if report.model.bands:
        _write_band_counts(summary, report, language, styles, top=last + 2)
    _print_setup(summary, "4:4")


def _write_ranking(summary: Any, report: Report, language: str, styles: _Styles) -> int:
    """The ranking from row 4 (its header) on, by group then rank; returns its last row."""
    from openpyxl.utils import get_column_letter
    heads = ranking_heads(language)
    if report.has_change:
        heads += change_heads(report, language)
    _write_header(summary, 4, heads, styles)
    ranking = report.ranking
    for r, (_, row) in enumerate(ranking.iterrows(), start=5):
        values = [row["group"], whole(row["rank"]), row["name"], _number(row["index"], report), row["band"]]
        if report.has_change:
            values += [_number(row["previous_index"], report), _number(row["index_change"], report),
                       whole(row["rank_change"])]
        for c, value in enumerate(values, start=1):
            cell = summary.cell(row=r, column=c, value=value)
            cell.border = styles.border
            if c in (4, 6, 7):
                cell.number_format = styles.number_format
    last = 4 + len(ranking)
    summary.auto_filter.ref = f"A4:{get_column_letter(len(heads))}{last}"
    summary.freeze_panes = "A5"
    for col, width in zip("ABCDEFGH", (14, 8, 40, 10, 14, 10, 10, 10)):
        summary.column_dimensions[col].width = width
    return last


def _write_band_counts(summary: Any, report: Report, language: str, styles: _Styles, top: int) -> None:
    """From row ``top``: each band's threshold and how many units of each group fall in it."""
    summary.cell(row=top, column=1, value=label("bands", language)).font = styles.bold
    groups = sorted({u.group for u in report.units})
    heads = [label("band", language), "≥"] + [g or label("units_in_band", language) for g in groups]
    _write_header(summary, top + 1, heads, styles)
    for k, (minimum, name) in enumerate(report.model.bands, start=top + 2):
        summary.cell(row=k, column=1, value=name).border = styles.border
        cell = summary.cell(row=k, column=2, value=_number(minimum, report))
        cell.number_format, cell.border = styles.number_format, styles.border
        for g, group in enumerate(groups, start=3):
            count = sum(1 for u in report.units if u.group == group and u.band == name)
            summary.cell(row=k, column=g, value=count).border = styles.border


def _write_unit_sheet(sheet: Any, report: Report, unit: UnitReport, language: str, styles: _Styles) -> None:
    """A unit's sheet: its title and facts, the scoring table from row 5, the total and the index."""
    from openpyxl.utils import get_column_letter
    sheet["A1"] = f"{label('scoring_table', language)}: {unit.name}"
    sheet["A1"].font = styles.title
    sheet["A2"] = f"{report.title}" + (f" — {report.period}" if report.period else "")
    sheet["A3"] = unit_facts(report, unit, language)
    heads = scoring_heads(report, language)
    _write_header(sheet, 5, heads, styles)
    _write_scoring_rows(sheet, report, unit, language, styles, heads)
    _write_total_and_index(sheet, report, unit, language, styles, row=6 + len(unit.rows))
    sheet.freeze_panes = "C6"
    sheet.auto_filter.ref = f"A5:{get_column_letter(len(heads))}{5 + len(unit.rows)}"
    widths = {label("number", language): 8, label("content", language): 60, label("evidence", language): 30,
              label("reason", language): 40}
    for c, head in enumerate(heads, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = widths.get(head, 12)
    _print_setup(sheet, "5:5")


def _write_scoring_rows(sheet: Any, report: Report, unit: UnitReport, language: str, styles: _Styles,
                        heads: List[str]) -> None:
    """The scoring table's lines from row 6: numbers in the model's format, texts wrapped, areas
    bold on grey."""
    numeric = set(heads[2:2 + number_column_count(report)])
    wrapped = {label("content", language), label("evidence", language), label("reason", language)}
    for r, row in enumerate(unit.rows, start=6):
        values = scoring_cells(report, row, language, lambda value: _number(value, report), indent="    ")
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.border = styles.border
            if heads[c - 1] in numeric and isinstance(value, float):
                cell.number_format = styles.number_format
            if heads[c - 1] in wrapped:
                cell.alignment = styles.wrap
            if row.is_area:
                cell.font, cell.fill = styles.bold, styles.area_fill


def _write_total_and_index(sheet: Any, report: Report, unit: UnitReport, language: str, styles: _Styles,
                           row: int) -> None:
    """The total line at ``row``, then the index (and the self-assessed index) under it."""
    for c, value in enumerate(total_cells(report, unit, language, lambda v: _number(v, report)), start=1):
        cell = sheet.cell(row=row, column=c, value=value)
        cell.font, cell.border = styles.bold, styles.border
        if isinstance(value, float):
            cell.number_format = styles.number_format
    sheet.cell(row=row + 1, column=1, value=label("index", language)).font = styles.bold
    cell = sheet.cell(row=row + 1, column=3, value=_number(unit.index, report))
    cell.font, cell.number_format = styles.bold, styles.number_format
    if unit.self_index is not None:
        cell = sheet.cell(row=row + 1, column=4, value=_number(unit.self_index, report))
        cell.number_format = styles.number_format


def _number(value: Optional[float], report: Report) -> Optional[float]:
    """A number as the workbook stores it: rounded half up to the model's decimals."""
    return rounded(value, report.digits)


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
