"""Nothing a unit writes becomes a formula in the council's files (issue 22, item 5): unit names,
notes and evidence starting with `=`, `+`, `-` or `@` — a live HYPERLINK, a DDE call, arithmetic —
are written by every .xlsx writer of chiso as text cells (no `<f>` element anywhere in the
workbook's XML, the payload among its strings), and the report CSVs prefix them with an
apostrophe so that a spreadsheet shows them as text."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import chiso
from chiso import io as chiso_io
from chiso import reports
from chiso.reports.excel import write_tables
from mini_par import MODEL_PATH, self_and_round1

PAYLOADS = ['=HYPERLINK("http://example.invalid/x","bấm vào đây")', "=cmd|' /C calc'!A0", "+1+1", "-2+3",
            "@SUM(A1:A2)"]


def poisoned() -> chiso.Assessment:
    """The mini PAR model's units, their names, notes and evidence each one of the payloads."""
    units = pd.DataFrame({"id": ["u1", "u2", "u3"], "name": [PAYLOADS[0], PAYLOADS[2], PAYLOADS[4]],
                          "group": ["=district", "-district", "@department"]})
    rows = []
    for k, unit in enumerate(units["id"]):
        rows += self_and_round1(unit, "A1.1", 2, 1.5, PAYLOADS[(k + 1) % len(PAYLOADS)],
                                evidence=PAYLOADS[(k + 2) % len(PAYLOADS)])
        rows += self_and_round1(unit, "A1.2", 1, 1, evidence=PAYLOADS[(k + 3) % len(PAYLOADS)])
        rows += self_and_round1(unit, "A1.3", 100, 100, evidence="12/KH-UBND")
        rows += self_and_round1(unit, "A2.2", 0, 0, evidence="12/KH-UBND")
    records = pd.DataFrame(rows)
    records.loc[records["stage"] == "self", "note"] = PAYLOADS[3]
    a = chiso.Assessment(chiso.load_model(MODEL_PATH), "2023", units, records)
    a.set_survey(pd.DataFrame({"respondent": ["r1", "r2", "r3"], "unit": ["u1", "u2", "u3"],
                               "Q1": [5, 4, 2], "Q2": [5, 5, 3]}), mapping={"A2.1": ["Q1", "Q2"]})
    return a


def assert_no_formula(path: Path, expected=PAYLOADS) -> None:
    """No formula cell in any sheet; every payload among the workbook's texts."""
    with zipfile.ZipFile(path) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = book.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name
        texts = "".join(book.read(n).decode("utf-8") for n in book.namelist()
                        if n == "xl/sharedStrings.xml" or n in sheets)
    from xml.sax.saxutils import escape
    for payload in expected:
        assert escape(payload, {'"': "&quot;"}) in texts or escape(payload) in texts, payload


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_scoring_workbook_writes_every_text_as_text(tmp_path, language):
    assert_no_formula(reports.write(poisoned(), tmp_path / "bang-diem.xlsx", language=language))


def test_the_report_tables_workbook_writes_every_text_as_text(tmp_path):
    tables = poisoned().reports()
    assert_no_formula(write_tables(tables, tmp_path / "reports.xlsx"))                 # chiso demo --out


def test_the_command_line_workbooks_write_every_text_as_text(tmp_path):
    a = poisoned()
    written = chiso_io.write_tables(a.reports(), tmp_path / "assess", chiso_io.TableOptions(format="xlsx"))
    assert_no_formula(written[0])                                                        # chiso assess -o DIR
    frame = a.final_results().reset_index()
    chiso_io.write_table(frame, tmp_path / "score.xlsx")                                # chiso score -o out.xlsx
    assert_no_formula(tmp_path / "score.xlsx", [PAYLOADS[0], PAYLOADS[2], PAYLOADS[4]])


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_report_csvs_neutralise_formula_prefixes(tmp_path):
    a = poisoned()
    written = chiso_io.write_tables(a.reports(), tmp_path / "assess")
    seen = set()
    for path in written:
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@")) or is_number(cell), (path.name, cell)
                    if cell.lstrip("'") in PAYLOADS:
                        assert cell.startswith("'")
                        seen.add(cell[1:])
    assert seen == set(PAYLOADS)


def test_csv_safe_leaves_numbers_and_plain_text_alone():
    from chiso.reports.text import csv_safe
    frame = pd.DataFrame({"name": ["=1+1", "Quận Ba Đình", None, "-x"], "change": [-0.5, 1.0, None, 2.0]})
    out = csv_safe(frame)
    assert out["name"].tolist()[:2] == ["'=1+1", "Quận Ba Đình"] and out["name"].tolist()[3] == "'-x"
    assert out["name"].isna().tolist()[2] and out["change"].tolist()[:2] == [-0.5, 1.0]


def test_document_options_of_the_wrong_type_are_refused(tmp_path):
    a = poisoned()
    for option in ({"title": 5}, {"issuer": ["Sở"]}, {"place": 1.5}, {"signed_on": "2026-01-15"}):
        with pytest.raises(chiso.ParameterError) as error:
            reports.write(a, tmp_path / "r.html", **option)
        assert error.value.id == "report.option" and next(iter(option)).replace("custom_", "") in str(error.value)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".html"])
def test_characters_no_document_can_hold_never_break_a_report(tmp_path, suffix, monkeypatch):
    """Unit ids carrying NUL, ESC and a vertical tab are refused by the evaluation (the door);
    should a result hold them anyway (here with the door's check switched off), every writer
    writes U+FFFD in their place, and the file opens."""
    model = chiso.load_model(MODEL_PATH)
    bad = ["u\x00nul", "u\x1besc", "u\x0bvt"]
    inputs = pd.DataFrame({leaf: [1.0] * len(bad) for leaf in model.leaf_ids}, index=bad)
    inputs["A1.3"] = 100.0
    inputs["A2.1"] = 0.5
    with pytest.raises(chiso.DataError) as caught:
        model.evaluate(inputs)
    assert caught.value.id == "data.text" and "control character U+0000" in str(caught.value)
    monkeypatch.setattr(chiso.model, "_check_unit_labels", lambda units: None)
    path = reports.write(model.evaluate(inputs), tmp_path / f"r{suffix}")
    if suffix == ".xlsx":
        import openpyxl
        names = [c.value for c in openpyxl.load_workbook(path)["Tổng hợp"]["C"]]
    elif suffix == ".docx":
        import docx
        names = [r.cells[2].text for r in docx.Document(str(path)).tables[0].rows]
    else:
        names = [path.read_text(encoding="utf-8")]
    written = "\n".join(str(n) for n in names)
    for name in ("u\ufffdnul", "u\ufffdesc", "u\ufffdvt"):
        assert name in written
