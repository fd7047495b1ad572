"""The scoring table adds up, as it is written: for every unit of every bundled sample (districts
and departments 2023 and 2024, communes and departments 2025) and a two-round appraisal, the .xlsx,
.docx and .html files are read back and, in every number column, the printed lines under each
subtotal add up exactly (decimal arithmetic on the printed figures) to the printed subtotal, and
the areas to the printed total. Lines are attributed to their subtotal by the table's own
structure: the tree numbering and the indentation (an adjustment line has no number and sits one
level below the node it adjusts)."""
from __future__ import annotations

import functools
import html.parser
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree
from pathlib import Path
from typing import Dict, List, Optional

import openpyxl
import pytest

import chiso
from chiso import reports

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
MODELS = ROOT / "examples" / "models"

# (model, period, units file, records file, survey file)
SAMPLES = {
    "district-2023": ("hanoi-par-district-2023", "2023", "units-district.csv", "par-district-2023.csv", "survey-par-2023.csv"),
    "district-2024": ("hanoi-par-district-2023", "2024", "units-district.csv", "par-district-2024.csv", "survey-par-2024.csv"),
    "department-2023": ("hanoi-par-department-2023", "2023", "units-department.csv", "par-department-2023.csv",
                        "survey-par-2023.csv"),
    "department-2024": ("hanoi-par-department-2023", "2024", "units-department.csv", "par-department-2024.csv",
                        "survey-par-2024.csv"),
    "commune-2025": ("hanoi-par-commune-2025", "2025", "units-commune-2025.csv", "par-commune-2025.csv",
                     "survey-par-2025.csv"),
    "department-2025": ("hanoi-par-department-2025", "2025", "units-department-2025.csv", "par-department-2025.csv",
                        "survey-par-2025.csv"),
}


@functools.lru_cache(maxsize=None)
def sample(name: str) -> chiso.Assessment:
    if name == "two-rounds":
        from test_reports_rounds import two_round_assessment
        return two_round_assessment()
    model, period, units, records, survey = SAMPLES[name]
    a = chiso.Assessment.from_csv(chiso.load_model(MODELS / f"{model}.json"), period, DATA / units, DATA / records)
    a.set_survey(chiso.Survey.from_csv(DATA / survey), strict=False)
    return a


class Line:
    """A scoring-table line as read back: its number, depth and the cells of its number columns."""

    def __init__(self, number: str, depth: int, name: str, cells: List[Optional[Decimal]]) -> None:
        self.number, self.depth, self.name, self.cells = number, depth, name, cells

    def __repr__(self) -> str:
        return f"Line({self.number!r}, {self.depth}, {self.name[:30]!r}, {self.cells})"


def check_adds_up(unit: str, lines: List[Line], total: Line) -> int:
    """Every subtotal equals the sum of the lines directly under it, in every number column
    (a blank or a text like "KAD" counts 0 under a subtotal; a blank subtotal is not checked).
    Returns the number of subtotals checked."""
    children: Dict[int, List[Line]] = {}
    parent_of_depth: Dict[int, Line] = {0: total}
    for line in lines:
        parent = parent_of_depth[line.depth - 1]
        children.setdefault(id(parent), []).append(line)
        if line.number:
            parent_of_depth[line.depth] = line
    checked = 0
    for parent in [total] + lines:
        under = children.get(id(parent))
        if not under:
            continue
        for col, value in enumerate(parent.cells):
            if value is None:
                continue
            added = sum((c.cells[col] or Decimal(0) for c in under), Decimal(0))
            assert added == value, (unit, parent.number or "total", col, value, added, under)
            checked += 1
    return checked


def _decimal(text: str) -> Optional[Decimal]:
    """A number as the Vietnamese report writes it ("1.234,56", "−0,25"); None for anything else."""
    text = text.strip().replace("\u2212", "-")
    if not re.fullmatch(r"[+-]?[\d.]+(,\d+)?", text):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def _depth(name: str, indent: str, number: str) -> int:
    """A line's depth: from its number ("1.2.3": 3), else from its indentation (adjustment lines)."""
    if number:
        return number.count(".") + 1
    return (len(name) - len(name.lstrip(indent))) // len(indent) + 1


def _split(rows: List[List[str]], numbers: slice, indent: str, parse) -> tuple:
    """The table's lines up to the total line, and the total line."""
    lines = []
    for row in rows:
        number, name = row[0].strip(), row[1]
        cells = [parse(c) for c in row[numbers]]
        if name.strip() in ("Tổng điểm", "Total"):
            return lines, Line("", 0, "total", cells)
        lines.append(Line(number, _depth(name, indent, number), name.strip(), cells))
    raise AssertionError("no total line")


def _number_columns(heads: List[str]) -> slice:
    """Points columns: from the maximum to the achieved points (the score, a share, does not add)."""
    return slice(2, heads.index("Chỉ số (%)"))


def read_xlsx(path: Path) -> Dict[str, tuple]:
    def parse(value):
        if isinstance(value, (int, float)):
            return Decimal(repr(float(value)))
        return None

    workbook = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for sheet in workbook.worksheets[1:]:
        rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        header = next(k for k, row in enumerate(rows) if row and row[0] == "STT")
        heads = rows[header]
        body = [[str(r[0]), str(r[1])] + list(r[2:]) for r in rows[header + 1:]]
        out[sheet.title] = _split(body, _number_columns(heads), "    ", parse)
    return out


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell_text(cell) -> str:
    """A Word table cell's text: its runs' texts, a line break as a new line."""
    parts = []
    for element in cell.iter():
        if element.tag == _W + "t":
            parts.append(element.text or "")
        elif element.tag == _W + "br":
            parts.append("\n")
    return "".join(parts)


def read_docx(path: Path) -> Dict[str, tuple]:
    """The scoring tables of a .docx, read from its XML (python-docx takes a minute for 126 units)."""
    with zipfile.ZipFile(path) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml"))
    out = {}
    for table in body.iter(_W + "tbl"):
        rows = [[_cell_text(cell) for cell in row.findall(_W + "tc")] for row in table.findall(_W + "tr")]
        if rows and rows[0] and rows[0][0] == "STT":
            out[str(len(out))] = _split(rows[1:], _number_columns(rows[0]), "\u2003", _decimal)
    return out


class _Tables(html.parser.HTMLParser):
    """The scoring tables of an HTML report, as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: List[List[List[str]]] = []
        self.inside = False
        self.cell: Optional[List[str]] = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == "scoring":
            self.inside = True
            self.tables.append([])
        elif self.inside and tag == "tr":
            self.tables[-1].append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def read_html(path: Path) -> Dict[str, tuple]:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    out = {}
    for k, rows in enumerate(parser.tables):
        out[str(k)] = _split(rows[1:], _number_columns(rows[0]), "\u2003", _decimal)
    return out


READERS = {".xlsx": read_xlsx, ".docx": read_docx, ".html": read_html}


@pytest.mark.parametrize("name", sorted(SAMPLES) + ["two-rounds"])
@pytest.mark.parametrize("suffix", sorted(READERS))
def test_every_subtotal_adds_up_as_written(name, suffix, tmp_path):
    a = sample(name)
    path = reports.write(a, tmp_path / f"report{suffix}")
    tables = READERS[suffix](path)
    assert len(tables) == len(a.units)
    checked = sum(check_adds_up(unit, lines, total) for unit, (lines, total) in tables.items())
    assert checked >= len(a.units) * 10  # areas and the total, in several columns, for every unit


def test_the_content_9_cap_is_a_line_of_its_own():
    """Sở Tư pháp 2025, content 9 (the records file): bonuses 2 × 0.5 + 2 × 0.5 + 1 × 0.5 = 2.5,
    deductions 1 × 0.25 → 2.25 before the cap of +2; the table prints the five lines, then
    "Điều chỉnh theo mức trần +2: −0,25" and the content's 2,00."""
    report = reports.build(sample("department-2025"))
    unit = next(u for u in report.units if u.unit == "so-tu-phap")
    rows = [r for r in unit.rows if r.node == "A9" or r.node.startswith("A9.")]
    content, adjustment = rows[0], rows[-1]
    assert content.points == 2.0 and content.bounds == (-3.0, 2.0)
    assert sum(r.points for r in rows[1:-1]) == pytest.approx(2.25)
    assert adjustment.adjustment == ("cap", 2.0) and adjustment.points == pytest.approx(-0.25)


def test_ba_dinh_2023_areas_add_to_the_total(tmp_path):
    """Quận Ba Đình 2023 (the issue's example: areas printed 76,44, criteria 76,43, total 76,42):
    every survey criterion now carries two decimals, so the areas add to the total and the total
    is the index (a district's maximum is 100)."""
    a = sample("district-2023")
    tables = read_docx(reports.write(a, tmp_path / "r.docx"))
    index = a.final_results().at["ba-dinh", "index"]
    position = list(a.units.index).index("ba-dinh")
    lines, total = tables[str(position)]
    areas = [line for line in lines if line.depth == 1]
    assert sum(line.cells[-1] for line in areas) == total.cells[-1] == Decimal(f"{index:.2f}")
