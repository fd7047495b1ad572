"""The scoring tables as a Word document (.docx), laid out as the provinces' own: A4 landscape, a
ranking table, then one table per unit with set column widths (the criterion wide, the numbers
narrow and right-aligned), the header row repeated and no row split across pages, "Trang x/y" in
the footer, the signature block at the end."""
from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any, List, Optional, Sequence
from xml.sax.saxutils import escape

from .data import Report, UnitReport
from .i18n import label
from .text import printable
from .layout import (as_of_text, chain_text, index_lines, number_column_count, number_text, place_date_line,
                     ranking_cells, ranking_heads, report_title, scoring_cells, scoring_heads, signature_block, total_cells,
                     unit_facts)

_MARGIN_CM = 1.2
_PAGE_WIDTH_CM = 29.7 - 2 * _MARGIN_CM   # A4 landscape less the margins
_TWIPS_PER_CM = 567
_TABLE_HALF_POINTS = 15          # 7.5 pt table text: a district's table on about 3 A4 landscape pages


def _docx() -> Any:
    try:
        import docx
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Word reports need python-docx: pip install 'chiso[report]'") from error
    return docx


def write_word(report: Report, path: Path, language: str = "vi") -> Path:
    docx = _docx()
    document = _landscape_document(docx, language)
    fmt = number_text(report, language)
    if report.issuer:
        document.add_paragraph().add_run(printable(report.issuer)).bold = True
    document.add_heading(printable(report_title(report, language)), level=1)
    facts = [f"{label('period', language)}: {report.period}"] if report.period else []
    if report.as_of is not None:
        facts.append(as_of_text(report, language))
    chain = chain_text(report, language)
    if chain:
        facts.append(chain)
    if facts:
        document.add_paragraph(printable(" — ".join(facts)))
    document.add_heading(label("ranking", language), level=2)
    heads = ranking_heads(report, language)
    rows = [_texts(ranking_cells(report, line, language, lambda v, d: fmt(v, digits=d),
                                 lambda v, d: fmt(v, sign=True, digits=d)), report, language)
            for _, line in report.ranking.iterrows()]
    widths = [3.0, 1.4, 8.0, 2.0, 3.0, 2.6, 2.2, 2.0][:len(heads)]
    _add_table(document, heads, rows, [], _scale(widths), right=set(range(len(heads))) - {0, 2, 4})
    _add_signatures(document, report, language)
    for unit in report.units:
        document.add_page_break()
        document.add_heading(printable(f"{label('scoring_table', language)}: {unit.name}"), level=2)
        document.add_paragraph(printable(unit_facts(report, unit, language)
                                         + (f" — {as_of_text(report, language)}" if report.as_of is not None else "")))
        _add_scoring_table(document, report, unit, language)
    _add_signatures(document, report, language)
    _save(document, path)
    return path


def _save(document: Any, path: Path) -> None:
    """Save the document with each table placeholder replaced by its table's XML: the tables are
    written as text, never parsed into python-docx's tree (seconds for the 126 communes)."""
    buffer = io.BytesIO()
    document.save(buffer)
    tables: List[str] = document._chiso_tables
    mark = re.escape(document._chiso_mark)
    # Level 1: the document's XML compresses three times faster for a few per cent more bytes.
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(rf"<w:p>(?:(?!<w:p>).)*?{mark}-(\d+)(?:(?!<w:p>).)*?</w:p>",
                              lambda m: tables[int(m.group(1))], text, flags=re.S)
                data = text.encode("utf-8")
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def _landscape_document(docx: Any, language: str) -> Any:
    """An empty A4 landscape document with 1.2 cm margins, a 9 pt text and "Trang x/y" in the footer."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm, Pt
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(_MARGIN_CM))
    section.footer_distance = Cm(0.5)
    normal = document.styles["Normal"]
    normal.font.size = Pt(9)
    normal.font.name = "Arial"
    normal.paragraph_format.space_after = Pt(2)
    page, pages = (f"<w:fldSimple w:instr='{field}'><w:r><w:t>1</w:t></w:r></w:fldSimple>"
                   for field in ("PAGE", "NUMPAGES"))
    before, between, after = re.split(r"\{pages?\}", label("page", language, page="{page}", pages="{pages}"))
    runs = f"<w:r><w:t xml:space='preserve'>{escape(before)}</w:t></w:r>{page}" \
           f"<w:r><w:t xml:space='preserve'>{escape(between)}</w:t></w:r>{pages}" \
           f"<w:r><w:t xml:space='preserve'>{escape(after)}</w:t></w:r>"
    footer = section.footer.paragraphs[0]
    footer._p.getparent().replace(footer._p, parse_xml(f"<w:p {nsdecls('w')}><w:pPr><w:jc w:val='center'/></w:pPr>"
                                                       f"{runs}</w:p>"))
    return document


def _scale(widths: Sequence[float]) -> List[float]:
    """Column widths (cm) scaled to the page's text width."""
    total = sum(widths)
    return [w * _PAGE_WIDTH_CM / total for w in widths]


def _scoring_widths(report: Report, heads: List[str]) -> List[float]:
    """STT narrow, the criterion wide, each number 1.25 cm, evidence and reason what is left."""
    numbers = number_column_count(report)
    widths = [1.0, 9.0 if report.has_self else 14.0] + [1.25] * numbers
    if report.has_self:
        widths += [5.6, 5.8]
    return _scale(widths)


def _texts(values: List[Any], report: Report, language: str) -> List[str]:
    return ["" if v is None else str(v) for v in values]


def _add_scoring_table(document: Any, report: Report, unit: UnitReport, language: str) -> None:
    """The unit's scoring table, its areas bold, then the total and the index in bold."""
    fmt = number_text(report, language)

    def number(value: Optional[float], digits: int) -> str:
        return fmt(value, digits=digits)

    heads = scoring_heads(report, language)
    rows = [_texts(scoring_cells(report, row, language, number, indent="\u2003"), report, language)
            for row in unit.rows]
    bold = [k for k, row in enumerate(unit.rows) if row.is_area]
    closing = [total_cells(report, unit, language, number)] + index_lines(report, unit, language, number)
    for line in closing:
        bold.append(len(rows))
        rows.append(_texts(line + [None] * (len(heads) - len(line)), report, language))
    right = set(range(2, 2 + number_column_count(report)))
    _add_table(document, heads, rows, bold, _scoring_widths(report, heads), right=right)


def _add_signatures(document: Any, report: Report, language: str) -> None:
    """The place and date line on the right, then the signature block: a borderless table, one
    column per signer, with room to sign."""
    block = signature_block(report, language)
    columns = len(block)
    lines = [[""] * (columns - 1) + [place_date_line(report, language)],
             [b[0] for b in block], [b[1] for b in block], [""] * columns, [""] * columns]
    widths = _scale([1.0] * columns)
    body = "".join(_row_xml(values, k == 1, False, widths, centred=True, border=False) for k, values in enumerate(lines))
    _insert_table(document, body, widths, border=False)


def _insert_table(document: Any, body: str, widths: List[float], border: bool = True) -> None:
    """A table of fixed column widths (cm) from its rows' XML, added at the end of the document (as
    a placeholder paragraph that :func:`_save` replaces)."""
    twips = [round(w * _TWIPS_PER_CM) for w in widths]
    borders = ("<w:tblBorders>" + "".join(f"<w:{side} w:val='single' w:sz='4' w:space='0' w:color='808080'/>"
                                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
               + "</w:tblBorders>") if border else ""
    properties = (f"<w:tblPr><w:tblW w:w='{sum(twips)}' w:type='dxa'/>{borders}<w:tblLayout w:type='fixed'/>"
                  "<w:tblCellMar><w:left w:w='57' w:type='dxa'/><w:right w:w='57' w:type='dxa'/></w:tblCellMar>"
                  "<w:tblLook w:val='04A0'/></w:tblPr>")
    grid = "<w:tblGrid>" + "".join(f"<w:gridCol w:w='{t}'/>" for t in twips) + "</w:tblGrid>"
    if not hasattr(document, "_chiso_tables"):
        document._chiso_tables = []
        document._chiso_mark = f"chiso-table-{uuid.uuid4().hex}"  # no text a unit writes can match it
    document.add_paragraph(f"{document._chiso_mark}-{len(document._chiso_tables)}")
    document._chiso_tables.append(f"<w:tbl>{properties}{grid}{body}</w:tbl>")


def _add_table(document: Any, heads: List[str], rows: List[List[str]], bold_rows: List[int], widths: List[float],
               right: Optional[set] = None) -> None:
    """A grid table with fixed column widths, its first row a header repeated on every page, no
    row split across pages; built as one piece of XML (python-docx's add_row and add_run take
    seconds for a few thousand cells)."""
    right = right or set()
    bold = set(bold_rows)
    body = [_row_xml(heads, True, True, widths, centred=True)]
    body += [_row_xml(v, k in bold, False, widths, right=right) for k, v in enumerate(rows)]
    _insert_table(document, "".join(body), widths)


def _row_xml(values: List[str], bold: bool, header: bool, widths: List[float], right: Optional[set] = None,
             centred: bool = False, border: bool = True) -> str:
    """A table row: each cell's width, its text (lines kept), numbers aligned right."""
    right = right or set()
    run = _RUN_BOLD if bold else _RUN
    shade = "<w:shd w:val='clear' w:color='auto' w:fill='DDE4EE'/>" if header else ""
    cells = []
    for k, (value, width) in enumerate(zip(values, widths)):
        align = "center" if centred else "right" if k in right else "left"
        if not value:
            runs = ""
        elif "\n" in value:
            runs = f"<w:r>{run}<w:br/></w:r>".join(f"<w:r>{run}<w:t xml:space='preserve'>{escape(part)}</w:t></w:r>"
                                                  for part in printable(value).split("\n"))
        else:
            runs = f"<w:r>{run}<w:t xml:space='preserve'>{escape(printable(value))}</w:t></w:r>"
        cells.append(f"<w:tc><w:tcPr><w:tcW w:w='{round(width * _TWIPS_PER_CM)}' w:type='dxa'/>{shade}</w:tcPr>"
                     f"<w:p><w:pPr>{_CELL_SPACING}<w:jc w:val='{align}'/></w:pPr>{runs}</w:p></w:tc>")
    row_properties = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{row_properties}</w:trPr>{''.join(cells)}</w:tr>"


_RUN = f"<w:rPr><w:sz w:val='{_TABLE_HALF_POINTS}'/></w:rPr>"
_RUN_BOLD = f"<w:rPr><w:b/><w:sz w:val='{_TABLE_HALF_POINTS}'/></w:rPr>"
_CELL_SPACING = "<w:spacing w:before='0' w:after='0' w:line='240' w:lineRule='auto'/>"
