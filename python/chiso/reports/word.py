"""The scoring tables as a Word document (.docx): a ranking table, then one table per unit."""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape
from typing import Any, List

from .data import Report, evidence_text, reason_text
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
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
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
        """A grid table, its first row a header repeated on every page; built as one piece of XML
        (python-docx's add_row and add_run take seconds for a few thousand cells)."""
        placeholder = document.add_table(rows=1, cols=len(heads))
        placeholder.style = "Table Grid"
        properties = placeholder._tbl.tblPr.xml
        grid = placeholder._tbl.tblGrid.xml

        def row_xml(values: List[str], bold: bool, header: bool) -> str:
            run_properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
            cells = "".join(f"<w:tc><w:p><w:r>{run_properties}<w:t xml:space='preserve'>{escape(v)}</w:t></w:r></w:p></w:tc>"
                            for v in values)
            head = "<w:trPr><w:tblHeader w:val='true'/></w:trPr>" if header else ""
            return f"<w:tr>{head}{cells}</w:tr>"

        body = [row_xml(heads, True, True)] + [row_xml(v, k in bold_rows, False) for k, v in enumerate(rows)]
        element = parse_xml(f"<w:tbl {nsdecls('w')}>{_strip_ns(properties)}{_strip_ns(grid)}{''.join(body)}</w:tbl>")
        placeholder._tbl.getparent().replace(placeholder._tbl, element)
        return element

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
        facts = [f"{label('index', language)}: {fmt(unit.index)}"]
        if unit.rank is not None:
            facts.append(f"{label('rank', language)}: {unit.rank}")
        if unit.band:
            facts.append(f"{label('band', language)}: {unit.band}")
        document.add_paragraph(" — ".join(facts))
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
                values += [evidence_text(row, language), reason_text(row, language, report.round_count)
                           or ("" if row.applicable else label("not_applicable", language))]
            rows.append(values)
            if row.is_area:
                bold.append(k)
        total = [label("total", language), "", fmt(unit.total_max)]
        if report.has_self:
            total.append(fmt(unit.total_self))
        total += [""] * (report.round_count - 1) + [fmt(unit.total_points)] * min(1, report.round_count)
        total += [fmt(unit.total_points), ""]
        total += [""] * (len(heads) - len(total))
        index_row = [label("index", language), "", fmt(unit.index)] + [""] * (len(heads) - 3)
        rows += [total, index_row]
        bold += [len(rows) - 2, len(rows) - 1]
        table(heads, rows, bold)
    document.save(path)
    return path


def _strip_ns(xml: str) -> str:
    """An element's XML without its namespace declarations (declared once on the table)."""
    return re.sub(r'\s+xmlns:\w+="[^"]*"', "", xml)
