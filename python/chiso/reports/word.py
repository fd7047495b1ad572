"""The scoring tables as a Word document (.docx): a ranking table, then one table per unit."""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape
from typing import Any, List

from .data import Report, UnitReport
from .i18n import label
from .layout import number_text, ranking_heads, scoring_cells, scoring_heads, total_cells, unit_facts, whole


def _docx() -> Any:
    try:
        import docx
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Word reports need python-docx: pip install 'chiso[report]'") from error
    return docx


def write_word(report: Report, path: Path, language: str = "vi") -> Path:
    docx = _docx()
    document = _landscape_document(docx)
    document.add_heading(report.title, level=1)
    if report.period:
        document.add_paragraph(f"{label('period', language)}: {report.period}")
    document.add_heading(label("ranking", language), level=2)
    _add_table(document, ranking_heads(language), _ranking_rows(report, language), [])
    for unit in report.units:
        document.add_page_break()
        document.add_heading(f"{label('scoring_table', language)}: {unit.name}", level=2)
        document.add_paragraph(unit_facts(report, unit, language))
        _add_scoring_table(document, report, unit, language)
    document.save(path)
    return path


def _landscape_document(docx: Any) -> Any:
    """An empty A4 landscape document with 1.5 cm margins and a 9 pt text."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)
    return document


def _ranking_rows(report: Report, language: str) -> List[List[str]]:
    """Group, rank, unit, index and band of every unit, by group then rank."""
    fmt = number_text(report, language)
    rows = []
    for _, r in report.ranking.iterrows():
        rank = whole(r["rank"])
        rows.append([str(r["group"]), "" if rank is None else str(rank), str(r["name"]),
                     fmt(r["index"]), str(r["band"])])
    return rows


def _add_scoring_table(document: Any, report: Report, unit: UnitReport, language: str) -> None:
    """The unit's scoring table, its areas bold, then the total and the index in bold."""
    fmt = number_text(report, language)
    heads = scoring_heads(report, language)
    rows = [_text_cells(scoring_cells(report, row, language, fmt)) for row in unit.rows]
    bold = [k for k, row in enumerate(unit.rows) if row.is_area]
    total = total_cells(report, unit, language, fmt, score="")
    total += [""] * (len(heads) - len(total))
    index_row = [label("index", language), "", fmt(unit.index)] + [""] * (len(heads) - 3)
    rows += [_text_cells(total), index_row]
    bold += [len(rows) - 2, len(rows) - 1]
    _add_table(document, heads, rows, bold)


def _text_cells(values: List[Any]) -> List[str]:
    return ["" if v is None else v for v in values]


def _add_table(document: Any, heads: List[str], rows: List[List[str]], bold_rows: List[int]) -> Any:
    """A grid table, its first row a header repeated on every page; built as one piece of XML
    (python-docx's add_row and add_run take seconds for a few thousand cells)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    placeholder = document.add_table(rows=1, cols=len(heads))
    placeholder.style = "Table Grid"
    properties = placeholder._tbl.tblPr.xml
    grid = placeholder._tbl.tblGrid.xml
    body = [_row_xml(heads, True, True)] + [_row_xml(v, k in bold_rows, False) for k, v in enumerate(rows)]
    element = parse_xml(f"<w:tbl {nsdecls('w')}>{_strip_ns(properties)}{_strip_ns(grid)}{''.join(body)}</w:tbl>")
    placeholder._tbl.getparent().replace(placeholder._tbl, element)
    return element


def _row_xml(values: List[str], bold: bool, header: bool) -> str:
    run_properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    cells = "".join(f"<w:tc><w:p><w:r>{run_properties}<w:t xml:space='preserve'>{escape(v)}</w:t></w:r></w:p></w:tc>"
                    for v in values)
    head = "<w:trPr><w:tblHeader w:val='true'/></w:trPr>" if header else ""
    return f"<w:tr>{head}{cells}</w:tr>"


def _strip_ns(xml: str) -> str:
    """An element's XML without its namespace declarations (declared once on the table)."""
    return re.sub(r'\s+xmlns:\w+="[^"]*"', "", xml)
