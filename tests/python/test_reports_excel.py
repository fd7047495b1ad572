"""The scoring-table workbook, opened with openpyxl and read against the records and model files
of the bundled Hanoi 2025 department sample."""
from __future__ import annotations

import datetime

import openpyxl
import pytest

from chiso import reports
from test_reports_data import (NO_ONE_STOP, area_max, direct_points_criteria, half_up, records, sample,
                               unit_names)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "bang-diem.xlsx"
    assert reports.write(sample(), path) == path
    return openpyxl.load_workbook(path)


INDEX = "Chỉ số (điểm đạt / điểm tối đa × 100)"


def rows_of(sheet):
    """The header row (5: under the titles and facts); then {number, or the name of a line
    without one (total, index): row values} of the table."""
    heads = [c.value for c in sheet[5]]
    table = {}
    for row in sheet.iter_rows(min_row=6, values_only=True):
        key = row[0] or (row[1].strip() if isinstance(row[1], str) else None)
        if not key:
            break  # the table ends; the signature block follows
        table[str(key)] = dict(zip(heads, row))
    return heads, table


def test_a_summary_sheet_and_one_sheet_per_unit(workbook):
    names = unit_names()
    assert workbook.sheetnames[0] == "Tổng hợp"
    assert sorted(workbook.sheetnames[1:]) == sorted(n[:31] for n in names.values())
    summary = workbook["Tổng hợp"]
    # The title from the index and the period, not the model file's name.
    assert summary["A1"].value == "Kết quả Chỉ số cải cách hành chính năm 2025"
    assert [c.value for c in summary[6]][:5] == ["Nhóm", "Xếp hạng", "Đơn vị", "Chỉ số", "Xếp loại"]
    ranked = [r for r in summary.iter_rows(min_row=7, max_row=21, values_only=True)]
    assert {r[2] for r in ranked} == set(names.values())
    assert {r[0] for r in ranked} == {"Sở, ban, ngành"}                   # the group's name, not "department"
    assert [r[1] for r in ranked] == sorted(r[1] for r in ranked)         # by rank within the group
    assert summary.freeze_panes == "A7" and summary.auto_filter.ref == "A6:E21"
    assert summary["D7"].number_format == "#,##0.00"
    assert isinstance(summary["D7"].value, float)
    # The head of the records' hash chain, to check later with `chiso verify --expect`.
    history = sample().records
    assert summary["A4"].value == (f"{len(history):,}".replace(",", ".")
                                   + f" bản ghi; SHA-256 của bản ghi cuối: {history['hash'].iloc[-1]}")
    # The date of the latest record, as a date (not text), in a column wide enough for it.
    latest = max(r["timestamp"] for rec in records().values() for r in rec.values())
    assert summary["A3"].value == "Số liệu đến ngày"
    assert summary["C3"].value == datetime.datetime.fromisoformat(latest[:10])
    assert summary["C3"].number_format == "dd/mm/yyyy" and summary.column_dimensions["C"].width >= 12
    # Bands: each unit counted once.
    rows = [r for r in summary.iter_rows(values_only=True)]
    top = next(k for k, r in enumerate(rows) if r[0] == "Ngưỡng xếp loại") + 2
    band_rows = rows[top:top + 4]
    assert [r[0] for r in band_rows] == ["Xuất sắc", "Tốt", "Khá", "Trung bình"]
    assert sum(r[2] for r in band_rows) == 15
    # The signature block under it, the date left to write by hand.
    texts = [v for r in rows[top + 4:] for v in r if v]
    assert "…………, ngày …… tháng …… năm ………" in texts and "Người lập biểu" in texts and "Thủ trưởng đơn vị" in texts


def test_print_setup_a4_landscape_with_repeated_header(workbook):
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9   # A4 in OOXML's paper sizes
    unit = workbook[unit_names()[NO_ONE_STOP]]
    assert unit.print_title_rows == "$5:$5"
    assert unit.freeze_panes == "C6" and unit.auto_filter.ref.startswith("A5:")


def test_the_scoring_table_of_a_unit_without_one_stop_procedures(workbook):
    sheet = workbook[unit_names()[NO_ONE_STOP]]
    heads, table = rows_of(sheet)
    assert heads == ["STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định", "Điểm đạt",
                     "Chỉ số (%)", "Tài liệu kiểm chứng", "Giải trình / lý do"]
    # Areas in bold with their maximum from the model file; content 3 not applicable.
    assert sheet.cell(row=6, column=1).value == "1" and sheet.cell(row=6, column=2).font.b
    assert table["1"]["Điểm tối đa"] == area_max("A1")
    assert table["3"]["Điểm tối đa"] == "KAD" and table["3.1.1"]["Điểm đạt"] is None
    assert table["3.1.1"]["Giải trình / lý do"] == records()[(NO_ONE_STOP, "A3.1.1")]["self"]["note"]
    # Bonus and penalty last, with their bounds instead of a maximum.
    numbers = list(table)
    # Its self-assessed lines add to more than the cap of +2: a line says so (in that column only).
    assert numbers[numbers.index("9"):] == (["9"] + [f"9.{k}" for k in range(1, 9)]
                                            + ["Điều chỉnh theo mức trần +2", "Tổng điểm", INDEX, "Chỉ số (tự chấm)"])
    adjustment = table["Điều chỉnh theo mức trần +2"]
    assert adjustment["Tự chấm"] == -0.25 and adjustment["Điểm đạt"] is None
    assert sum(table[f"9.{k}"]["Tự chấm"] for k in range(1, 9)) - 0.25 == table["9"]["Tự chấm"] == 2.0
    # A criterion's rate per case and its cap, as the model defines them (A9.1: 0.5 each, at most
    # 1; A9.4: −0.25 each, at most −1).
    assert table["9"]["Điểm tối đa"] == "−3 … +2"
    assert table["9.1"]["Điểm tối đa"] == "+0,5/lần, tối đa +1"
    assert table["9.4"]["Điểm tối đa"] == "−0,25/lần, tối thiểu −1"
    # Totals: the areas' subtotals add up; the index is achieved points over the maximum.
    areas = [str(k) for k in range(1, 10) if k != 3]
    total = table["Tổng điểm"]
    assert total["Điểm tối đa"] == pytest.approx(100 - area_max("A3") - area_max("A9"))
    assert float(half_up(sum(table[a]["Điểm đạt"] for a in areas))) == pytest.approx(total["Điểm đạt"])
    index = half_up(min(100.0, total["Điểm đạt"] / total["Điểm tối đa"] * 100))
    assert table[INDEX]["Chỉ số (%)"] == pytest.approx(float(index))
    # Number formats with two decimals on every number.
    row = next(r for r in sheet.iter_rows(min_row=6) if r[0].value == "1.1.1")
    assert row[2].number_format == "#,##0.00" and row[5].number_format == "#,##0.00"


def test_criteria_read_as_in_the_records_file(workbook):
    names = unit_names()
    for unit in ("so-tai-chinh", NO_ONE_STOP):
        if names.get(unit) is None:
            continue
        _, table = rows_of(workbook[names[unit]])
        for criterion in direct_points_criteria():
            rec = records()[(unit, criterion)]
            row = table[criterion[1:]]
            if rec["self"]["applicable"] == "no":
                assert row["Điểm tối đa"] == "KAD"
                continue
            assert row["Tự chấm"] == float(rec["self"]["value"])
            final = rec.get("appraisal", rec["self"])["value"]
            assert row["Thẩm định"] == float(final) and row["Điểm đạt"] == float(final)
            assert (row["Tài liệu kiểm chứng"] or "") == "; ".join(e for e in rec["self"]["evidence"].split("|") if e)


def test_a_result_gives_the_achieved_points_only(tmp_path):
    a = sample()
    result = a.model.evaluate(a.inputs(), applicable=a.applicable())
    book = openpyxl.load_workbook(reports.write(result, tmp_path / "result.xlsx", language="en"))
    assert len(book.sheetnames) == 1 + 15
    sheet = book[NO_ONE_STOP]                       # a plain result knows ids, not names
    heads, table = rows_of(sheet)
    assert heads == ["No.", "Area / criterion", "Max points", "Points", "Score (%)"]
    assert table["3"]["Max points"] == "n/a"
    for criterion in direct_points_criteria():
        rec = records()[(NO_ONE_STOP, criterion)]
        if rec["self"]["applicable"] == "yes":
            assert table[criterion[1:]]["Points"] == float(rec.get("appraisal", rec["self"])["value"])
    assert sheet["A3"].value.startswith(f"Index: {a.final_results().at[NO_ONE_STOP, 'index']:.2f} — Rank: ")
