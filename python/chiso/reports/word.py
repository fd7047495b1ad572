"""The scoring tables as a Word document (.docx): a ranking table, then one table per unit."""
from __future__ import annotations

from pathlib import Path
from typing import Any, List

from .data import Report
from .excel import _columns
from .i18n import format_number, label


def _docx() -> Any:
    try:
        import docx
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Word reports need python-docx: pip install 'chiso[report]'") from error
    return docx


def write_word(report: Report, path: Path, language: str = "vi") -> Path:
    docx = _docx()
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    digits = report.digits

    def fmt(value: Any) -> str:
        return format_number(value, digits, language)

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)

    def table(heads: List[str], rows: List[List[str]], bold_rows: List[int]) -> Any:
        t = document.add_table(rows=1, cols=len(heads))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, heads):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_header(t.rows[0])
        for k, values in enumerate(rows):
            cells = t.add_row().cells
            for cell, text in zip(cells, values):
                cell.text = ""
                run = cell.paragraphs[0].add_run(text)
                run.bold = k in bold_rows
        return t

    document.add_heading(report.title, level=1)
    if report.period:
        document.add_paragraph(f"{label('period', language)}: {report.period}")
    document.add_heading(label("ranking", language), level=2)
    ranking = report.ranking
    heads = [label("group", language), label("rank", language), label("unit", language), label("index", language),
             label("band", language)]
    rows = [[str(r["group"]), "" if r["rank"] != r["rank"] or r["rank"] is None else str(int(r["rank"])),
             str(r["name"]), fmt(r["index"]), str(r["band"])] for _, r in ranking.iterrows()]
    table(heads, rows, [])

    heads = _columns(report, language)
    for unit in report.units:
        document.add_page_break()
        document.add_heading(f"{label('scoring_table', language)}: {unit.name}", level=2)
        rank = "" if unit.rank is None else f" — {label('rank', language)} {unit.rank}"
        document.add_paragraph(f"{label('index', language)}: {fmt(unit.index)}{rank} — "
                               f"{label('band', language)}: {unit.band}")
        rows, bold = [], []
        for k, row in enumerate(unit.rows):
            values = [row.number, row.name]
            if row.applicable:
                values.append(fmt(row.max))
                if report.has_self:
                    values.append(fmt(row.self_points))
                values += [fmt(p) for p in row.rounds] + [fmt(row.points), fmt(row.score)]
            else:
                values.append(label("na_short", language))
                values += [""] * ((1 if report.has_self else 0) + len(row.rounds) + 2)
            if report.has_self:
                values += [row.evidence, row.reason or ("" if row.applicable else label("not_applicable", language))]
            rows.append(values)
            if row.is_area:
                bold.append(k)
        total = [label("total", language), "", fmt(unit.total_max)]
        if report.has_self:
            total.append(fmt(unit.total_self))
        total += [fmt(unit.total_points)] * report.round_count + [fmt(unit.total_points), ""]
        total += [""] * (len(heads) - len(total))
        index_row = [label("index", language), "", fmt(unit.index)] + [""] * (len(heads) - 3)
        rows += [total, index_row]
        bold += [len(rows) - 2, len(rows) - 1]
        table(heads, rows, bold)
    document.save(path)
    return path


def _repeat_header(row: Any) -> None:
    """Mark a table row as a header row, repeated at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)
