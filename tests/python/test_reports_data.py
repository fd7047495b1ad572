"""What the reports show, read from the bundled Hanoi 2025 department sample (synthetic, in
examples/data) and checked against the files themselves read with plain csv/json: the model's
maxima, the self-assessed and appraised values, evidence and reasons. Helpers here are shared by
the Excel, Word and HTML tests."""
from __future__ import annotations

import csv
import functools
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

import chiso
from chiso import reports
from chiso.reports.data import build

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
MODEL = ROOT / "examples" / "models" / "hanoi-par-department-2025.json"
NO_ONE_STOP = "thanh-tra"   # Thanh tra Thành phố: content 3 (one-stop procedures) does not apply


@functools.lru_cache(maxsize=None)
def sample() -> chiso.Assessment:
    a = chiso.Assessment.from_csv(chiso.load_model(MODEL), "2025", DATA / "units-department-2025.csv",
                                  DATA / "par-department-2025.csv")
    a.set_survey(chiso.Survey.from_csv(DATA / "survey-par-2025.csv"), strict=False)
    return a


@functools.lru_cache(maxsize=None)
def document() -> dict:
    return json.loads(MODEL.read_text(encoding="utf-8"))


def leaves(node=None, area=""):
    """(leaf dict, area id) of the model file, in file order."""
    node = node or document()["root"]
    if "children" not in node:
        return [(node, area)]
    return [x for child in node["children"] for x in leaves(child, area or child["id"])]


@functools.lru_cache(maxsize=None)
def records() -> dict:
    """(unit, criterion) → {"self": last self row, "appraisal": last appraisal row} of the CSV."""
    out: dict = {}
    with open(DATA / "par-department-2025.csv", encoding="utf-8", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["timestamp"])  # one offset: text order is time order
    for row in rows:
        out.setdefault((row["unit"], row["criterion"]), {})[row["stage"]] = row
    return out


@functools.lru_cache(maxsize=None)
def unit_names() -> dict:
    with open(DATA / "units-department-2025.csv", encoding="utf-8", newline="") as f:
        return {r["id"]: r["name"] for r in csv.DictReader(f)}


def half_up(x: float, digits: int = 2) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def area_max(area: str) -> float:
    return sum(leaf.get("max", 0) for leaf, a in leaves() if a == area)


def direct_points_criteria():
    """Appraisal criteria scored as their value (rule "points"): their points are the numbers in
    the records file."""
    return [leaf["id"] for leaf, _ in leaves() if leaf["rule"]["kind"] == "points" and leaf.get("source") != "survey"]


# ---------------------------------------------------------------------------------------------

def test_assessment_evaluate_returns_a_result_like_model_evaluate():
    a = sample()
    result = a.evaluate()
    assert isinstance(result, chiso.Result)
    final = a.final_results()
    assert (result.scores.loc[final.index, "index"] == final["index"]).all()
    assert (result.scores.loc[final.index, "rank"] == final["rank"]).all()
    assert result.unit_names[NO_ONE_STOP] == "Thanh tra Thành phố"
    explained = result.explain(NO_ONE_STOP)
    # Content 3 does not apply: none of its criteria is explained.
    assert not [c for c in explained.index if c.startswith("A3.")]
    assert result.points.shape == (15, len(chiso.load_model(MODEL).node_ids))


def test_rows_follow_the_tree_with_bonus_and_penalty_last():
    report = build(sample())
    unit = next(u for u in report.units if u.unit == NO_ONE_STOP)
    lines = [r for r in unit.rows if r.adjustment is None]  # (adjustment lines: test_reports_add_up.py)
    ids = [r.node for r in lines]
    # The model's ids are A<area>.<…> in tree order: the numbering is the id without the "A".
    assert all(r.number == r.node[1:] for r in lines)
    assert ids[0] == "A1" and ids[-9:][0] == "A9" and all(i.startswith("A9") for i in ids[-9:])
    rows = {r.node: r for r in lines}
    assert rows["A1"].is_area and rows["A1"].max == area_max("A1")
    assert not rows["A3"].applicable and not rows["A3.1.1"].applicable and rows["A3.1.1"].points is None
    assert rows["A9"].bonus_penalty and rows["A9"].max is None
    assert unit.total_max == pytest.approx(100 - area_max("A3") - area_max("A9"))


def test_self_appraised_evidence_and_reasons_come_from_the_records():
    report = build(sample())
    checked = cuts = 0
    for unit in report.units:
        rows = {r.node: r for r in unit.rows}
        for criterion in direct_points_criteria():
            rec = records()[(unit.unit, criterion)]
            row = rows[criterion]
            if rec["self"]["applicable"] == "no":
                assert not row.applicable
                continue
            assert row.self_points == float(rec["self"]["value"])
            appraised = float(rec["appraisal"]["value"]) if "appraisal" in rec else float(rec["self"]["value"])
            assert row.rounds == [appraised] and row.points == appraised
            assert row.evidence == "; ".join(e for e in rec["self"]["evidence"].split("|") if e)
            if "appraisal" in rec and rec["appraisal"]["note"]:
                assert row.reason == rec["appraisal"]["note"]
                cuts += row.self_points != row.points
            checked += 1
    assert checked > 100 and cuts > 0


def test_numbers_are_written_with_the_models_decimals():
    assert reports.format_number(89.345, 2, "vi") == "89,35"
    assert reports.format_number(1234.5, 2, "vi") == "1.234,50"
    assert reports.format_number(1234.5, 2, "en") == "1,234.50"
    assert reports.format_number(5.959999999999994, 2, "en", sign=True) == "+5.96"
    assert reports.format_number(-0.001, 2, "vi") == "0,00"
    assert reports.rounded(1.005, 2) == 1.01


def test_write_refuses_what_it_cannot_write(tmp_path):
    with pytest.raises(chiso.ParameterError, match="unknown report format '.pdf'"):
        reports.write(sample(), tmp_path / "x.pdf")
    with pytest.raises(chiso.ParameterError, match="language must be one of"):
        reports.write(sample(), tmp_path / "x.html", language="fr")
    with pytest.raises(chiso.ParameterError, match="chiso.Assessment or a chiso.Result, got DataFrame"):
        reports.write(pd.DataFrame(), tmp_path / "x.html")


def test_the_demo_writes_no_float_noise(tmp_path):
    from chiso import demo
    demo.write_reports(demo.load_sample(demo.find_examples(str(ROOT / "examples"))), tmp_path)
    text = (tmp_path / "year_over_year.csv").read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(",")
    change = header.index("index_change")
    values = [line.split(",")[change] for line in text.splitlines()[1:]]
    values = [v for v in values if v]  # empty: a unit of one year only (the 2025 reform)
    assert values and all(re.fullmatch(r"-?\d+(\.\d{1,2})?", v) for v in values), values[:5]
    assert not re.search(r"\d\.\d{6,}", (tmp_path / "final_results.csv").read_text(encoding="utf-8-sig"))
    # The workbook: frozen headers, filters, years as numbers, timestamps as dates, two decimals.
    import datetime
    import openpyxl
    book = openpyxl.load_workbook(tmp_path / "reports.xlsx")
    sheet = book["year_over_year"]
    heads = [c.value for c in sheet[1]]
    column = heads.index("index_change") + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    changes = [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column) if row[0].value is not None]
    assert changes and all(cell.number_format == "#,##0.00" for cell in changes)
    cuts = book["self_vs_appraised"]
    heads = [c.value for c in cuts[1]]
    assert cuts.cell(row=2, column=heads.index("year") + 1).value == 2025
    stamp = cuts.cell(row=2, column=heads.index("timestamp") + 1)
    assert isinstance(stamp.value, datetime.datetime) and stamp.number_format == "dd/mm/yyyy hh:mm"


def test_the_as_of_date_reads_naive_times_in_the_periods_zone():
    # Both records are in on time for a self deadline of 1 March 2025 (Hà Nội time, UTC+7): the
    # self record at 23:30 that evening, written without an offset, and the appraisal at 18:00 UTC
    # = 01:00 on 2 March in Hà Nội, which is the later one. Read as UTC, the naive 23:30 would be
    # the later one and the date 1 March.
    model = {"format": "chiso-model/1", "id": "t", "root": {"id": "R", "aggregate": "sum", "children": [
        {"id": "A", "aggregate": "sum", "children": [{"id": "A1", "max": 10, "rule": {"kind": "points"}}]}]}}
    rows = [dict(unit="u1", criterion="A1", stage="self", value=8, evidence="1/BC", timestamp="2025-03-01T23:30:00"),
            dict(unit="u1", criterion="A1", stage="appraisal", value=8, timestamp="2025-03-01T18:00:00Z")]
    a = chiso.Assessment(chiso.load_model(model), "2025", [{"id": "u1", "name": "Xã A"}], rows,
                         deadlines={"self": "2025-03-01"})
    import datetime
    assert build(a).as_of == datetime.date(2025, 3, 2)
    # The same records in a zone where the naive time is the later one (UTC): 1 March.
    utc = chiso.Assessment(chiso.load_model(model), "2025", [{"id": "u1", "name": "Xã A"}], rows, time_zone="UTC")
    assert build(utc).as_of == datetime.date(2025, 3, 1)
