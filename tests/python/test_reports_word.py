"""The scoring tables as a Word document, opened with python-docx and read against the records
and model files of the bundled Hanoi 2025 department sample."""
from __future__ import annotations

import re

import docx
import pytest

from chiso import reports
from test_reports_data import NO_ONE_STOP, area_max, half_up, records, sample, unit_names


def vi_number(text: str) -> float:
    """ "1.234,56" → 1234.56"""
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d{2}", text), text
    return float(text.replace(".", "").replace(",", "."))


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "bang-diem.docx"
    reports.write(sample(), path)
    return docx.Document(path)


def test_a_ranking_table_then_one_table_per_unit(document):
    # The ranking, a table per unit, and after each of the ranking and the last unit a signature block.
    assert len(document.tables) == 1 + 1 + 15 + 1
    assert [c.text for c in document.tables[-1].rows[1].cells] == ["Người lập biểu", "Thủ trưởng đơn vị"]
    ranking = document.tables[0]
    assert [c.text for c in ranking.rows[0].cells] == ["Nhóm", "Xếp hạng", "Đơn vị", "Chỉ số", "Xếp loại"]
    assert {r.cells[2].text for r in ranking.rows[1:]} == set(unit_names().values())
    final = sample().final_results()
    for row in ranking.rows[1:]:
        unit = next(u for u, n in unit_names().items() if n == row.cells[2].text)
        assert vi_number(row.cells[3].text) == final.at[unit, "index"]
    section = document.sections[0]
    assert section.page_width > section.page_height                    # landscape


def test_the_table_of_a_unit_without_one_stop_procedures(document):
    name = unit_names()[NO_ONE_STOP]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    position = headings.index(f"Bảng điểm: {name}") - 2                # after the title and the ranking
    table = document.tables[2 + position]                               # after the ranking and its signatures
    heads = [c.text for c in table.rows[0].cells]
    assert heads[:7] == ["STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định", "Điểm đạt",
                         "Chỉ số (%)"]
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1         # repeated on every page
    rows = {r.cells[0].text or r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert vi_number(rows["1"][2]) == area_max("A1")
    assert rows["3"][2] == "KAD" and rows["3.1.1"][5] == ""
    assert rows["3.1.1"][8] == records()[(NO_ONE_STOP, "A3.1.1")]["self"]["note"]
    assert table.rows[1].cells[1].paragraphs[0].runs[0].bold             # areas in bold
    total = rows["Tổng điểm"]
    assert vi_number(total[2]) == pytest.approx(100 - area_max("A3") - area_max("A9"))
    areas = [str(k) for k in range(1, 10) if k != 3]
    assert vi_number(total[5]) == pytest.approx(float(half_up(sum(vi_number(rows[a][5]) for a in areas))))
    expected = half_up(min(100.0, vi_number(total[5]) / vi_number(total[2]) * 100))
    assert vi_number(rows["Chỉ số (điểm đạt / điểm tối đa × 100)"][6]) == float(expected)
    # Column widths set: the criterion wide, each number narrow; numbers right-aligned.
    widths = [int(w) for w in re.findall(r'w:gridCol w:w="(\d+)"', table._tbl.tblGrid.xml)]
    assert widths[1] > 4 * widths[2] and len(set(widths[2:7])) == 1
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2                 # right
    assert all(r._tr.trPr.xml.count("cantSplit") == 1 for r in table.rows)    # no row split across pages


def test_the_ranking_with_a_previous_period_has_its_change_columns(tmp_path):
    a = sample()
    document = docx.Document(str(reports.write(a, tmp_path / "yoy.docx", previous=a)))
    ranking = document.tables[0]
    assert [c.text for c in ranking.rows[0].cells][5:] == ["Kỳ trước (2025)", "Thay đổi", "Thay đổi hạng"]
    final = a.final_results()
    for row in ranking.rows[1:]:
        unit = next(u for u, n in unit_names().items() if n == row.cells[2].text)
        assert vi_number(row.cells[5].text) == final.at[unit, "index"]
        assert [row.cells[6].text, row.cells[7].text] == ["+0,00", "+0"]          # the same period: no change
    # Page numbers in the footer: Word's PAGE and NUMPAGES fields.
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Trang" in footer
