"""The scoring table of a two-round appraisal (self → round 1 → explanation → round 2) on the
bundled tutorial model, written as .xlsx, .docx and .html and read back. Expected points are worked
by hand from the model's rules (examples/models/tutorial-par.json):

u1 (round-2 records on A1.1 and A1.3):
- A1.1 points, step 0.25: self 2, round 1 1.5, round 2 1.75 → 1.75.
- A1.2 yes/no: self yes, round 1 yes → 1 in both rounds.
- A1.3 tiers (≥100 → 2, ≥90 → 1.5): self 100 %, round 1 92 % → 1.5, round 2 100 % → 2.
- A3.1 tiers (≥100 → 3): self 100 % without evidence or explanation (flagged), round 1 100 → 3.
- A7.1 points: self 1.5, no appraisal → 1.5 stands in both rounds.
- A7.2 deduction 0.25 per case: self 2 cases, round 1 2 → −0.5.
- A3.2 survey: 1 of 2 answers 4 or 5 (satisfied) → rate 0.5 × 2 = 1.
Total 1.75 + 1 + 2 + 3 + 1 + 1.5 − 0.5 = 9.75 of 12.
After round 1 (what stood before round 2): A1.1 1.5, A1.3 1.5, the rest as above → area 1 is
1.5 + 1 + 1.5 = 4 (4.75 after round 2) and the total 1.5 + 1 + 1.5 + 3 + 1 + 1.5 − 0.5 = 9.
"""
from __future__ import annotations

import re
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

import chiso
from chiso import reports
from chiso.reports.data import build
from mini_par import self_and_round1

MODEL = Path(__file__).resolve().parents[2] / "examples" / "models" / "tutorial-par.json"
T_SELF, T_ROUND1 = "2025-10-01T09:00:00+07:00", "2025-11-01T09:00:00+07:00"
T_EXPLAIN, T_ROUND2 = "2025-11-10T09:00:00+07:00", "2025-11-20T09:00:00+07:00"
UNIT = "Quận Ba Đình"

ROUND1_REASON = "Thiếu kế hoạch chi tiết"
EXPLANATION = "Kế hoạch chi tiết ban hành kèm Quyết định 98"
ROUND2_REASON = "Chấp nhận một phần"
A13_ROUND1, A13_ROUND2 = "Tỷ lệ thực tế 92%", "Bổ sung báo cáo hoàn thành"


def _records() -> pd.DataFrame:
    rows = []

    def add(*args, **kwargs):
        rows.extend(self_and_round1(*args, self_time=T_SELF, round1_time=T_ROUND1, council="Hội đồng", **kwargs))

    add("u1", "A1.1", 2, 1.5, ROUND1_REASON)
    add("u1", "A1.2", 1, 1)
    add("u1", "A1.3", 100, 92, A13_ROUND1)
    add("u1", "A3.1", 100, 100, evidence="")
    add("u1", "A7.1", 1.5, None)
    add("u1", "A7.2", 2, 2)
    rows.append(dict(unit="u1", criterion="A1.1", stage="explanation", value=2, evidence="98/QĐ-UBND",
                     explanation=EXPLANATION, author="Phòng Nội vụ", timestamp=T_EXPLAIN))
    rows.append(dict(unit="u1", criterion="A1.1", stage="appraisal_2", value=1.75, note=ROUND2_REASON,
                     author="Hội đồng", timestamp=T_ROUND2))
    rows.append(dict(unit="u1", criterion="A1.3", stage="appraisal_2", value=100, note=A13_ROUND2,
                     author="Hội đồng", timestamp=T_ROUND2))
    for criterion, value in (("A1.1", 2), ("A1.2", 1), ("A1.3", 100), ("A3.1", 100), ("A7.1", 2), ("A7.2", 0)):
        add("u2", criterion, value, value)
    return pd.DataFrame(rows)


def two_round_assessment() -> chiso.Assessment:
    """Two units of the tutorial model, u1 appraised in two rounds (the module docstring)."""
    units = pd.DataFrame({"id": ["u1", "u2"], "name": [UNIT, "Quận Hoàn Kiếm"], "group": ["quận", "quận"]})
    a = chiso.Assessment(chiso.load_model(MODEL), "2025", units, _records())
    survey = pd.DataFrame({"respondent": ["r1", "r2", "r3", "r4"], "unit": ["u1", "u1", "u2", "u2"],
                           "satisfied": [5, 2, 5, 4]})
    a.set_survey(survey, mapping={"A3.2": ["satisfied"]})
    return a


@pytest.fixture(scope="module")
def assessment() -> chiso.Assessment:
    return two_round_assessment()


# number → (self, round 1, round 2, achieved) of u1, by hand (module docstring); None: empty cell.
EXPECTED = {
    "1.1": (2.0, 1.5, 1.75, 1.75),
    "1.2": (1.0, 1.0, 1.0, 1.0),
    "1.3": (2.0, 1.5, 2.0, 2.0),
    "2.1": (3.0, 3.0, 3.0, 3.0),
    "3.1": (1.5, 1.5, 1.5, 1.5),
    "3.2": (-0.5, -0.5, -0.5, -0.5),
}
A11_REASON = f"Thẩm định lần 1: {ROUND1_REASON}\nGiải trình: {EXPLANATION}\nThẩm định lần 2: {ROUND2_REASON}"
A13_REASON = f"Thẩm định lần 1: {A13_ROUND1}\nThẩm định lần 2: {A13_ROUND2}"


def test_report_data_has_both_rounds_explanation_and_flag(assessment):
    report = build(assessment)
    assert report.round_count == 2
    rows = {r.number: r for r in next(u for u in report.units if u.unit == "u1").rows}
    for number, (self_points, round1, round2, points) in EXPECTED.items():
        assert (rows[number].self_points, rows[number].rounds, rows[number].points) == \
            (self_points, [round1, round2], points), number
    assert rows["1.1"].evidence == "12/KH-UBND; 98/QĐ-UBND"
    assert rows["1.1"].explanation == EXPLANATION and rows["1.1"].reason == ROUND2_REASON
    assert rows["2.1"].missing_evidence and not rows["1.1"].missing_evidence
    # The core evaluates round 1 too: area 1 stood at 4 after round 1, 4.75 after round 2.
    assert rows["1"].rounds == [4.0, 4.75]
    unit = next(u for u in report.units if u.unit == "u1")
    assert unit.total_points == 9.75 and unit.total_max == 12.0 and unit.total_rounds == [9.0, 9.75]


def test_workbook_shows_round_two_and_the_explanation(assessment, tmp_path):
    book = openpyxl.load_workbook(reports.write(assessment, tmp_path / "bang-diem.xlsx"))
    sheet = book[UNIT]
    header = next(k for k in range(1, 10) if sheet.cell(k, 1).value == "STT")
    heads = [c.value for c in sheet[header]]
    assert heads == ["STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định lần 1", "Thẩm định lần 2",
                     "Điểm đạt", "Chỉ số (%)", "Tài liệu kiểm chứng", "Giải trình / lý do"]
    table = {str(r[0] or r[1]): dict(zip(heads, r)) for r in sheet.iter_rows(min_row=header + 1, values_only=True)
             if r[0] or r[1]}
    for number, (self_points, round1, round2, points) in EXPECTED.items():
        row = table[number]
        assert (row["Tự chấm"], row["Thẩm định lần 1"], row["Thẩm định lần 2"], row["Điểm đạt"]) == \
            (self_points, round1, round2, points), number
    assert table["1.1"]["Giải trình / lý do"] == A11_REASON
    assert table["1.3"]["Giải trình / lý do"] == A13_REASON
    assert table["1.1"]["Tài liệu kiểm chứng"] == "12/KH-UBND; 98/QĐ-UBND"
    assert table["2.1"]["Tài liệu kiểm chứng"] == "Thiếu tài liệu kiểm chứng"
    total = table["Tổng điểm"]
    assert (total["Thẩm định lần 1"], total["Thẩm định lần 2"], total["Điểm đạt"]) == (9.0, 9.75, 9.75)
    assert table["1"]["Thẩm định lần 1"] == 4.0 and table["1"]["Thẩm định lần 2"] == 4.75


def test_without_round_two_records_a_single_appraisal_column(assessment, tmp_path):
    units = pd.DataFrame({"id": ["u1", "u2"], "name": [UNIT, "Quận Hoàn Kiếm"], "group": ["quận", "quận"]})
    records = _records()
    one_round = chiso.Assessment(assessment.model, "2025", units, records[records["stage"] != "appraisal_2"])
    one_round.set_survey(pd.DataFrame({"respondent": ["r1", "r2"], "unit": ["u1", "u2"], "satisfied": [5, 5]}),
                         mapping={"A3.2": ["satisfied"]})
    sheet = openpyxl.load_workbook(reports.write(one_round, tmp_path / "one.xlsx", language="en"))[UNIT]
    header = next(k for k in range(1, 10) if sheet.cell(k, 1).value == "No.")
    heads = [c.value for c in sheet[header]]
    assert "Appraised" in heads and "Appraisal round 2" not in heads
    table = {str(r[0]): dict(zip(heads, r)) for r in sheet.iter_rows(min_row=header + 1, values_only=True) if r[0]}
    assert table["1.1"]["Appraised"] == 1.5 and table["1.3"]["Appraised"] == 1.5
    assert table["1.1"]["Explanation / reason"] == f"Appraised: {ROUND1_REASON}\nExplanation: {EXPLANATION}"


def test_word_table_shows_round_two_and_the_explanation(assessment, tmp_path):
    document = docx.Document(str(reports.write(assessment, tmp_path / "bang-diem.docx")))
    table = next(t for t in document.tables if len(t.columns) > 4 and t.rows[0].cells[4].text == "Thẩm định lần 1"
                 and any(r.cells[1].text.strip() == "Kế hoạch CCHC năm" for r in t.rows)
                 and any(r.cells[0].text == "2.1" and r.cells[8].text == "Thiếu tài liệu kiểm chứng" for r in t.rows))
    heads = [c.text for c in table.rows[0].cells]
    assert heads[4:6] == ["Thẩm định lần 1", "Thẩm định lần 2"]
    rows = {r.cells[0].text or r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    vi = {2.0: "2,00", 1.5: "1,50", 1.75: "1,75", 1.0: "1,00", 3.0: "3,00", -0.5: "−0,50"}
    for number, expected in EXPECTED.items():
        assert [rows[number][3], rows[number][4], rows[number][5], rows[number][6]] == [vi[v] for v in expected]
    assert rows["1.1"][9] == A11_REASON and rows["1.1"][8] == "12/KH-UBND; 98/QĐ-UBND"
    assert rows["Tổng điểm"][4:7] == ["9,00", "9,75", "9,75"]
    assert rows["1"][4:6] == ["4,00", "4,75"]


def test_html_shows_round_two_and_the_explanation(assessment, tmp_path):
    text = reports.write(assessment, tmp_path / "bang-diem.html").read_text(encoding="utf-8")
    section = text[text.index(f"<section class='unit' id='u-u1'><h2>{UNIT}</h2>"):]
    table = section[section.index("<table class='scoring'>"):]
    table = table[:table.index("</table>")]
    assert "<th class='n'>Thẩm định lần 1</th><th class='n'>Thẩm định lần 2</th>" in table
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)]
        rows[cells[0]] = cells
    vi = {2.0: "2,00", 1.5: "1,50", 1.75: "1,75", 1.0: "1,00", 3.0: "3,00", -0.5: "−0,50"}
    for number, expected in EXPECTED.items():
        assert rows[number][3:7] == [vi[v] for v in expected], number
    assert rows["1.1"][9] == A11_REASON and rows["2.1"][8] == "Thiếu tài liệu kiểm chứng"
