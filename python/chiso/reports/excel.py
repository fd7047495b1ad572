"""The scoring tables as an Excel workbook: a summary sheet (ranking by group, bands) and one
sheet per unit, ready to print (A4 landscape, header rows repeated on every page, "Trang x/y").

Written with XlsxWriter: every text is written with ``write_string``, so no cell chiso writes is
ever a formula, whatever a unit's name, note or evidence starts with (``=``, ``+``, ``-``, ``@``)."""
from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pandas as pd

from .data import Report, UnitReport
from .text import printable
from .i18n import INPUT_COLUMNS, MINUS, excel_number_format, label, rounded
from .layout import (as_of_text, chain_text, index_lines, number_column_count, place_date_line, ranking_cells,
                     ranking_heads, report_title, scoring_cells, scoring_heads, signature_block, total_cells, unit_facts)

# Never read a string as a formula, a URL or a number, whichever write call is used.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "nan_inf_to_errors": False}
_FONT = {"font_name": "Arial", "font_size": 10}
_LINE_HEIGHT = 13.0        # points per line of 10 pt text
_CHARS_PER_WIDTH = 1.05    # characters of wrapped text per unit of column width (conservative)


def _xlsxwriter() -> Any:
    try:
        import xlsxwriter
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Excel reports need XlsxWriter: pip install 'chiso[report]'") from error
    return xlsxwriter


def _workbook(path: Path) -> Any:
    # In memory: no temporary file per sheet (a second of file system work for 126 sheets).
    return _xlsxwriter().Workbook(str(path), {**WORKBOOK_OPTIONS, "default_date_format": "dd/mm/yyyy",
                                              "in_memory": True})


def write_string(sheet: Any, row: int, col: int, text: Any, fmt: Any = None) -> None:
    """A text cell, always text: never a formula, URL or number however it starts."""
    sheet.write_string(row, col, "" if text is None else printable(str(text)), fmt)


def _signed_format(digits: int) -> str:
    """A change: a plus sign, a minus sign (U+2212), the model's decimals."""
    body = excel_number_format(digits)
    return f'"+"{body};"{MINUS}"{body};{body}'


class _Formats:
    """The workbook's cell formats, made once (XlsxWriter formats are per workbook)."""

    def __init__(self, workbook: Any, digits: int, point_digits: int) -> None:
        border = {"border": 1, "border_color": "#999999"}
        add = workbook.add_format
        self.title = add({**_FONT, "bold": True, "font_size": 13})
        self.bold = add({**_FONT, "bold": True})
        self.plain = add(dict(_FONT))
        self.center = add({**_FONT, "align": "center", "text_wrap": True})
        self.date = add({**_FONT, "num_format": "dd/mm/yyyy", "align": "left"})
        self.header = add({**_FONT, **border, "bold": True, "bg_color": "#DDE4EE", "text_wrap": True,
                           "align": "center", "valign": "vcenter"})
        self.table: Dict[Tuple[str, bool], Any] = {}
        number_formats = {"points": excel_number_format(point_digits), "score": excel_number_format(digits),
                          "change": _signed_format(digits), "whole": "0", "rank_change": '"+"0;"' + MINUS + '"0;0'}
        for strong in (False, True):
            shade = {"bold": True, "bg_color": "#F2F2F2"} if strong else {}
            base = {**_FONT, **border, **shade, "valign": "top"}
            self.table[("text", strong)] = add({**base, "text_wrap": True})
            self.table[("code", strong)] = add(dict(base))
            self.table[("right", strong)] = add({**base, "align": "right"})
            for name, num_format in number_formats.items():
                self.table[(name, strong)] = add({**base, "num_format": num_format})

    def cell(self, kind: str, strong: bool = False) -> Any:
        return self.table[(kind, strong)]


def _sheet_title(unit: UnitReport, used: set) -> str:
    """An Excel sheet name (≤ 31 characters, none of []:*?/\\, not starting or ending with '),
    unique in the workbook."""
    base = "".join(c for c in printable(unit.name or unit.unit) if c not in "[]:*?/\\").strip("'")[:31] or "?"
    title, k = base, 2
    while title.lower() in used:
        suffix = f" ({k})"
        title, k = base[:31 - len(suffix)] + suffix, k + 1
    used.add(title.lower())
    return title


def _header_text(text: str) -> str:
    """Text for a page header or footer (``&`` starts a code there)."""
    return printable(text).replace("&", "&&")


def write_excel(report: Report, path: Path, language: str = "vi") -> Path:
    workbook = _workbook(path)
    formats = _Formats(workbook, report.digits, report.point_digits)
    summary = workbook.add_worksheet(label("summary", language)[:31])
    _write_summary(summary, report, language, formats)
    used = {label("summary", language)[:31].lower()}
    for unit in report.units:
        sheet = workbook.add_worksheet(_sheet_title(unit, used))
        _write_unit_sheet(sheet, report, unit, language, formats)
    workbook.close()
    return path


def _print_setup(sheet: Any, report: Report, language: str, header_row: int) -> None:
    """A4 landscape, one page wide, the header row repeated on every page, the issuing body and
    the title in the page header, "Trang x/y" in the footer."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.set_header(f"&L{_header_text(report.issuer)}&R{_header_text(report_title(report, language))}")
    page = _header_text(label("page", language, page="{P}", pages="{N}")).replace("{P}", "&P").replace("{N}", "&N")
    sheet.set_footer("&C" + page)


def _lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column ``width`` characters wide."""
    per_line = max(1, int(width * _CHARS_PER_WIDTH) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _write_row(sheet: Any, row: int, values: List[Any], kinds: List[str], formats: _Formats, strong: bool,
               widths: Sequence[float]) -> None:
    """One table line: numbers as numbers, texts as text, blanks bordered; its height fits its
    wrapped texts. (The per-cell work is kept small: 126 sheets have 130 000 cells.)"""
    lines = 1
    table = formats.table
    for col, value in enumerate(values):
        kind = kinds[col]
        if value is None or value == "":
            sheet.write_blank(row, col, None, table[("text" if kind == "text" else "code", strong)])
        elif value.__class__ is float or value.__class__ is int:
            sheet.write_number(row, col, value, table[(kind, strong)])
        else:
            text = printable(str(value))
            if kind == "text":
                sheet.write_string(row, col, text, table[("text", strong)])
                if len(text) > widths[col] or "\n" in text:
                    lines = max(lines, _lines(text, widths[col]))
            else:
                sheet.write_string(row, col, text, table[("code" if kind == "code" else "right", strong)])
    if lines > 1:
        sheet.set_row(row, _LINE_HEIGHT * lines + 2)


def _write_title_block(sheet: Any, report: Report, language: str, formats: _Formats, title: str) -> int:
    """The issuing body, the title and the report's title; returns the next free row."""
    row = 0
    if report.issuer:
        write_string(sheet, row, 0, report.issuer, formats.bold)
        row += 1
    write_string(sheet, row, 0, title, formats.title)
    sheet.set_row(row, 18)
    return row + 1


def _write_signatures(sheet: Any, report: Report, language: str, formats: _Formats, row: int,
                      columns: List[int]) -> None:
    """The place and date line, then the signature block, from ``row``."""
    write_string(sheet, row, columns[-1], place_date_line(report, language), formats.plain)
    for col, lines in zip(columns, signature_block(report, language)):
        write_string(sheet, row + 1, col, lines[0], formats.bold)
        if lines[1]:
            write_string(sheet, row + 2, col, lines[1], formats.plain)


def _write_summary(summary: Any, report: Report, language: str, formats: _Formats) -> None:
    """The first sheet: the title, the ranking of every unit, then how many units fall in each band."""
    row = _write_title_block(summary, report, language, formats, report_title(report, language))
    if report.period:
        write_string(summary, row, 0, f"{label('period', language)}: {report.period}", formats.plain)
        row += 1
    if report.as_of is not None:
        write_string(summary, row, 0, label("as_of", language), formats.plain)
        summary.write_datetime(row, 2, datetime.datetime.combine(report.as_of, datetime.time()), formats.date)
        row += 1
    chain = chain_text(report, language)
    if chain:
        write_string(summary, row, 0, chain, formats.plain)
        row += 1
    header = row + 1
    last = _write_ranking(summary, report, language, formats, header)
    if report.model.bands:
        last = _write_band_counts(summary, report, language, formats, top=last + 2)
    _write_signatures(summary, report, language, formats, last + 3, [2, 4])
    _print_setup(summary, report, language, header)


def _write_ranking(summary: Any, report: Report, language: str, formats: _Formats, header: int) -> int:
    """The ranking from row ``header`` (its header) on, by group then rank; returns its last row."""
    heads = ranking_heads(report, language)
    widths = [16, 8, 40, 10, 14, 12, 12, 12][:len(heads)]
    for col, (head, width) in enumerate(zip(heads, widths)):
        summary.set_column(col, col, width)
        write_string(summary, header, col, head, formats.header)
    summary.set_row(header, _LINE_HEIGHT * 2 + 4)
    kinds = ["text", "whole", "text", "score", "text", "score", "change", "rank_change"][:len(heads)]
    ranking = report.ranking
    row = header
    for row, (_, line) in enumerate(ranking.iterrows(), start=header + 1):
        values = ranking_cells(report, line, language, lambda v, d: rounded(v, d))  # signs: number formats
        _write_row(summary, row, values, kinds, formats, False, widths)
    summary.autofilter(header, 0, max(row, header), len(heads) - 1)
    summary.freeze_panes(header + 1, 0)
    return row


def _write_band_counts(summary: Any, report: Report, language: str, formats: _Formats, top: int) -> int:
    """From row ``top``: each band's threshold and how many units of each group fall in it;
    returns the last row."""
    from .layout import group_label
    write_string(summary, top, 0, label("bands", language), formats.bold)
    groups = sorted({u.group for u in report.units})
    heads = [label("band", language), "≥"] + [group_label(report, g, language) or label("units_in_band", language)
                                              for g in groups]
    for col, head in enumerate(heads):
        write_string(summary, top + 1, col, head, formats.header)
    row = top + 1
    for row, (minimum, name) in enumerate(report.model.bands, start=top + 2):
        counts = [sum(1 for u in report.units if u.group == group and u.band == name) for group in groups]
        _write_row(summary, row, [name, rounded(minimum, report.digits)] + counts,
                   ["text", "score"] + ["whole"] * len(groups), formats, False, [16, 8] + [40] * len(groups))
    return row


def _scoring_kinds(report: Report, heads: List[str]) -> List[str]:
    """The cell kind of each scoring-table column: code (number), text, points, score."""
    numbers = number_column_count(report)
    return ["code", "text"] + ["points"] * (numbers - 1) + ["score"] + ["text"] * (len(heads) - 2 - numbers)


def _scoring_widths(report: Report, heads: List[str]) -> Sequence[float]:
    numbers = number_column_count(report)
    return [7, 52] + [10.5] * numbers + [30, 40][:len(heads) - 2 - numbers]


def _write_unit_sheet(sheet: Any, report: Report, unit: UnitReport, language: str, formats: _Formats) -> None:
    """A unit's sheet: its title and facts, the scoring table, the total and the index, the
    signature block."""
    row = _write_title_block(sheet, report, language, formats, f"{label('scoring_table', language)}: {unit.name}")
    write_string(sheet, row, 0, report_title(report, language), formats.plain)
    facts = unit_facts(report, unit, language)
    as_of = as_of_text(report, language)
    write_string(sheet, row + 1, 0, facts + (f" — {as_of}" if as_of else ""), formats.plain)
    header = row + 3
    heads = scoring_heads(report, language)
    widths = _scoring_widths(report, heads)
    for col, (head, width) in enumerate(zip(heads, widths)):
        sheet.set_column(col, col, width)
        write_string(sheet, header, col, head, formats.header)
    sheet.set_row(header, _LINE_HEIGHT * 2 + 4)
    kinds = _scoring_kinds(report, heads)
    number = _number
    r = header
    for r, line in enumerate(unit.rows, start=header + 1):
        _write_row(sheet, r, scoring_cells(report, line, language, number, indent="    "), kinds, formats,
                   line.is_area, widths)
    sheet.autofilter(header, 0, r, len(heads) - 1)
    total = total_cells(report, unit, language, number)
    _write_row(sheet, r + 1, total + [None] * (len(heads) - len(total)), kinds, formats, True, widths)
    r += 1
    for cells in index_lines(report, unit, language, number):
        r += 1
        _write_row(sheet, r, cells + [None] * (len(heads) - len(cells)), kinds, formats, True, widths)
    sheet.freeze_panes(header + 1, 2)
    _write_signatures(sheet, report, language, formats, r + 2, [1, len(heads) - 1])
    _print_setup(sheet, report, language, header)


def _number(value: Optional[float], digits: int) -> Optional[float]:
    """A number as the workbook stores it: rounded half up to ``digits`` decimals."""
    return rounded(value, digits)


def write_tables(tables: Dict[str, Any], path: Path, digits: int = 2) -> Path:
    """Report DataFrames as a workbook, one sheet each, ready to read: frozen header, filters,
    column widths, numbers with ``digits`` decimals, years as numbers, timestamps as dates; every
    text written as text (never a formula)."""
    workbook = _workbook(path)
    header = workbook.add_format({"bold": True, "bg_color": "#DDE4EE"})
    cell_formats = {"number": workbook.add_format({"num_format": excel_number_format(digits)}),
                    "timestamp": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
                    "integer": workbook.add_format({"num_format": "0"})}
    used: set = set()
    for name, frame in tables.items():
        title = name[:31]
        k = 2
        while title.lower() in used:
            title, k = f"{name[:27]} ({k})", k + 1
        used.add(title.lower())
        sheet = workbook.add_worksheet(title)
        columns = [str(c) for c in frame.columns]
        kinds = [_column_kind(c, frame[c]) for c in frame.columns]
        for k, column in enumerate(columns):
            write_string(sheet, 0, k, column, header)
        for r, values in enumerate(frame.itertuples(index=False), start=1):
            for k, (value, kind) in enumerate(zip(values, kinds)):
                _write_value(sheet, r, k, _excel_value(value, kind, digits), cell_formats.get(kind))
        for k, column in enumerate(columns):
            longest = max([len(column)] + [len(str(v)) for v in frame.iloc[:200, k]])
            sheet.set_column(k, k, min(60, max(8, longest + 2)))
        sheet.freeze_panes(1, 0)
        if len(frame):
            sheet.autofilter(0, 0, len(frame), len(columns) - 1)
    workbook.close()
    return path


def _write_value(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        if math.isfinite(value):
            sheet.write_number(row, col, value, fmt)
    else:
        write_string(sheet, row, col, value)


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
