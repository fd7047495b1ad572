"""chiso.assessment from Python: the worked example of tests/cpp/assessment/test_reports.cpp
(hand-checked numbers), round trips, bad input, the bundled sample."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso.assessment import Assessment, Survey
from mini_par import T1, UNITS, mini_par_model, not_applicable, self_and_round1

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

MODEL = mini_par_model()


def _records():
    rows = []

    def add(*args, **kwargs):
        rows.extend(self_and_round1(*args, **kwargs))

    add("u1", "A1.1", 2, 1.5, "Thiếu tài liệu kiểm chứng")
    add("u1", "A1.2", 1, 1)
    add("u1", "A1.3", 100, 95, "Tỷ lệ thực tế 95%")
    add("u1", "A2.2", 0, 0, evidence="")
    add("u2", "A1.1", 1.75, 1.75)
    add("u2", "A1.2", 1, 1)
    add("u2", "A1.3", 95, 95)
    add("u2", "A2.2", 1, 1)
    add("u3", "A1.1", 2, 2)
    rows.append(not_applicable("u3", "A1.2", "Không có nhiệm vụ báo cáo"))
    add("u3", "A1.3", 100, 100)
    add("u3", "A2.2", 0, 0)
    return pd.DataFrame(rows)


SURVEY = pd.DataFrame({
    "respondent": [f"r{i}" for i in range(1, 13)],
    "unit": ["u1"] * 4 + ["u2"] * 4 + ["u3"] * 4,
    "service": ["Hộ tịch"] * 12,
    "Q1": [5, 4, 3, 2, 5, 5, 5, 5, 4, 3, 4, 4],
    "Q2": [5, 5, 4, 4, 5, 5, 5, np.nan, 4, 4, 2, 4],
})


@pytest.fixture()
def worked():
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, _records())
    a.set_survey(SURVEY)
    return a


def test_worked_example_results(worked):
    r = worked.final_results()
    assert list(r.index) == ["u3", "u2", "u1"]  # by group (department first), then rank
    assert r.loc["u1", "index"] == 71.43        # 5 of 7
    assert r.loc["u2", "index"] == 75.0         # 5.25 of 7
    assert r.loc["u3", "index"] == 91.67        # 5.5 of 6 (A1.2 not applicable)
    assert r.loc["u1", "rank"] == 2 and r.loc["u2", "rank"] == 1 and r.loc["u3", "rank"] == 1
    assert r.loc["u1", "band"] == "Tốt" and r.loc["u3", "band"] == "Xuất sắc"
    assert r.loc["u1", "A1"] == 3.5 and r.loc["u1", "A2"] == 1.5
    assert r.attrs["area_names"]["A2"] == "Thủ tục hành chính"


def test_appraisal_cut_changes_the_rank(worked):
    self_view = worked._core.evaluate(self_view=True)
    assert list(self_view.index) == [92.86, 75.0, 91.67]
    assert list(self_view.rank) == [1, 2, 1]
    assert list(worked.evaluate().scores["rank"]) == [2, 1, 1]


def test_self_vs_appraised(worked):
    cuts = worked.self_vs_appraised()
    top = cuts.iloc[0]
    assert (top["unit"], top["criterion"], top["self_points"], top["appraised_points"], top["difference"]) == \
        ("u1", "A1.3", 2.0, 1.0, -1.0)
    assert top["reason"] == "Tỷ lệ thực tế 95%"
    assert cuts.iloc[1]["difference"] == -0.5
    areas = worked.self_vs_appraised("area")
    assert areas.iloc[0][["unit", "area", "self_points", "appraised_points", "difference"]].tolist() == \
        ["u1", "A1", 5.0, 3.5, -1.5]


def test_progress_and_why_lost(worked):
    p = worked.progress()
    assert p.loc["u1", ["done", "total"]].tolist() == [3, 4]
    assert p.loc["u3", "not_applicable"] == 1
    assert worked.progress(as_of="2023-10-01").loc["u1", "self_scored"] == 0
    lost = worked.why_lost("u1")
    assert list(lost.index[:3]) == ["A1.3", "A1.1", "A2.1"]
    assert lost.loc["A1.3", "lost"] == 1 and lost.loc["A1.3", "origin"] == "appraisal"
    assert lost.loc["A2.1", "origin"] == "survey"
    assert lost.loc["A1.3", "rule"] == "tiers: ≥ 100% → 2; ≥ 90% → 1; else 0"


def test_survey_from_frame_reads_cells_as_the_csv_reader(tmp_path):
    """Letters A–E are answers 1–5, text numbers are numbers, empty is no answer: the frame and
    the same table as CSV give the same answers; text that is neither names its row."""
    frame = pd.DataFrame({"respondent": ["r1", "r2", "r3", "r4"], "unit": ["u1", "u1", "u2", "u2"],
                          "Q1": ["A", "E", "4", None], "Q2": [5, 4, np.nan, 1]})
    expected = [[1.0, 5.0], [5.0, 4.0], [4.0, np.nan], [np.nan, 1.0]]
    answers = Survey.from_frame(frame).answers()
    assert np.array_equal(answers[["Q1", "Q2"]].to_numpy(), expected, equal_nan=True)
    (tmp_path / "s.csv").write_text("respondent,unit,Q1,Q2\nr1,u1,A,5\nr2,u1,E,4\nr3,u2,4,\nr4,u2,,1\n",
                                    encoding="utf-8")
    from_csv = Survey.from_csv(tmp_path / "s.csv").answers()
    assert np.array_equal(from_csv[["Q1", "Q2"]].to_numpy(), expected, equal_nan=True)
    frame.loc[2, "Q1"] = "F"
    with pytest.raises(chiso.DataError) as info:
        Survey.from_frame(frame)
    assert info.value.id == "survey.answer" and info.value.source == "row 2"
    assert info.value.unit == "u2" and info.value.criterion == "Q1" and '"F"' in str(info.value)


def test_survey_summary():
    s = Survey.from_frame(SURVEY)
    summary = s.summary({"Q1": "E", "Q2": "E"})
    q = summary["question"].set_index(["unit", "question"])
    assert q.loc[("u1", "Q1"), "rate"] == 0.5
    assert q.loc[("u1", "Q1"), "mean"] == 3.5
    assert q.loc[("u2", "Q2"), ["answered", "missing"]].tolist() == [3, 1]
    e = summary["element"].set_index("unit")
    assert e.loc["u1", "rate"] == 0.75
    rates = s.rates(chiso.load_model(MODEL))
    assert rates.loc["u2", "A2.1"] == 1.0


def test_history_is_kept(worked):
    worked.add({"unit": "u1", "criterion": "A1.1", "stage": "appraisal", "value": 1.25,
                "note": "Kiểm tra lại", "author": "Hội đồng", "timestamp": "2023-12-01T09:00:00+07:00"})
    h = worked.history("u1", "A1.1")
    assert h["value"].tolist() == [2.0, 1.5, 1.25]
    assert worked.final_results().loc["u1", "A1"] == 3.25


def test_json_round_trip_is_lossless(worked, tmp_path):
    path = tmp_path / "a.json"
    text = worked.to_json(path)
    back = Assessment.from_json(path, worked.model)
    assert back.to_json() == text
    pd.testing.assert_frame_equal(back.records, worked.records)
    doc = json.loads(text)
    assert doc["format"] == "chiso-assessment/1" and doc["units"][2]["name"] == "Sở Nội vụ"
    assert Assessment.from_json(doc, worked.model).to_json() == text


def test_csv_round_trip(worked, tmp_path):
    worked.to_csv(tmp_path / "r.csv", tmp_path / "u.csv")
    back = Assessment.from_csv(worked.model, "2023", tmp_path / "u.csv", tmp_path / "r.csv")
    pd.testing.assert_frame_equal(back.records, worked.records)


@pytest.mark.parametrize("record, error_id, text", [
    ({"unit": "u9", "criterion": "A1.1", "stage": "self", "value": 1}, "assessment.unknown_unit", "u9"),
    ({"unit": "u1", "criterion": "A9", "stage": "self", "value": 1}, "assessment.unknown_criterion", "A9"),
    ({"unit": "u1", "criterion": "A1.3", "stage": "self", "value": 120}, "assessment.range", "[0, 100]"),
    ({"unit": "u1", "criterion": "A1.1", "stage": "self", "value": 1.3}, "assessment.range", "multiple of 0.25"),
    ({"unit": "u1", "criterion": "A1.1", "stage": "self", "value": 1, "timestamp": T1}, "assessment.duplicate",
     "same timestamp"),
    ({"unit": "u2", "criterion": "A1.1", "stage": "appraisal", "value": 1}, "assessment.reason_missing", "reason"),
])
def test_bad_records_name_the_record_and_lose_nothing(worked, record, error_id, text):
    before = worked.records
    record = {"timestamp": "2023-12-02T09:00:00+07:00", "author": "Sở Nội vụ", **record}
    batch = pd.DataFrame([{"unit": "u1", "criterion": "A1.2", "stage": "self", "value": 1, "author": "Sở Nội vụ",
                           "timestamp": "2023-12-01T09:00:00+07:00"}, record])
    with pytest.raises(chiso.DataError) as info:
        worked.add(batch, source="new.csv")
    assert info.value.id == error_id
    assert text in str(info.value)
    assert info.value.source == "new.csv row 1"
    pd.testing.assert_frame_equal(worked.records, before)


def test_bad_files_name_file_and_line(tmp_path):
    model = chiso.load_model(MODEL)
    (tmp_path / "u.csv").write_text("id,name,group\nu1,A,district\n", encoding="utf-8")
    (tmp_path / "r.csv").write_text("unit,criterion,stage,value,timestamp\nu1,A1.1,self,2,2023-10-01\n"
                                    "u1,A1.2,self,\"1,2023-10-01\n", encoding="utf-8")
    with pytest.raises(chiso.DataError) as info:
        Assessment.from_csv(model, "2023", tmp_path / "u.csv", tmp_path / "r.csv")
    assert info.value.source == f"{tmp_path / 'r.csv'}:3"
    (tmp_path / "s.csv").write_text("respondent,unit,Q1\na,u1,5\nb,u1,7\n", encoding="utf-8")
    with pytest.raises(chiso.DataError) as info:
        Survey.from_csv(tmp_path / "s.csv")
    assert info.value.source == f"{tmp_path / 's.csv'}:3" and info.value.criterion == "Q1"
    with pytest.raises(chiso.DataError) as info:
        Assessment.from_json('{"format": "chiso-assessment/1", "model": "mini", "period": "2023", '
                             '"units": [{"id": "u1"}], "records": [{"unit": "u1", "criterion": "A1.1", '
                             '"stage": "self", "value": "hai", "timestamp": "2023-10-01"}]}', model)
    assert info.value.source == "<text>:/records/0/value"
    with pytest.raises(chiso.DataError):
        Survey.from_frame(pd.DataFrame({"unit": ["u1"], "Q1": [6]}))


def test_require_appraisal_policy():
    records = _records()
    records = records.drop(index=1)  # u1 A1.1: self only
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, records, require_appraisal=True)
    a.set_survey(SURVEY)
    with pytest.raises(chiso.DataError) as info:
        a.final_results()
    assert info.value.id == "assessment.not_final" and info.value.unit == "u1"
    r = a.final_results(provisional=True)
    assert not r.loc["u1", "final"] and r.loc["u1", "index"] == 78.57


def test_year_over_year_revised_model(worked):
    revised = json.loads(json.dumps(MODEL))
    revised["root"]["children"][0]["children"][1] = {"id": "A1.4", "name": "Kiểm tra", "max": 1,
                                                      "rule": {"kind": "yes_no"}}
    rows = [dict(unit=u, criterion=c, stage="appraisal", value=v, timestamp="2024-11-25")
            for u in ("u1", "u2", "u3") for c, v in (("A1.1", 2), ("A1.4", 1), ("A1.3", 100), ("A2.2", 0))]
    b = Assessment(chiso.load_model(revised), "2024", UNITS, rows)
    b.set_survey(pd.DataFrame({"unit": ["u1", "u2", "u3"], "Q1": [5, 4, 2], "Q2": [2, 3, 5]}))
    y = b.year_over_year(worked)
    assert y.added == ["A1.4"] and y.removed == ["A1.2"]
    u = y.units.set_index("unit")
    assert u.loc["u1", "index_after"] == 85.71 and u.loc["u1", "rank_change"] == 1
    a = y.areas.set_index(["unit", "area"])
    assert a.loc[("u1", "A1"), ["points_before", "points_after"]].tolist() == [3.5, 5.0]


def test_bundled_sample_evaluates_and_seed_progress():
    model = chiso.load_model(EXAMPLES / "models" / "hanoi-par-district-2023.json")
    a = Assessment.from_csv(model, "2023", EXAMPLES / "data" / "units-district.csv",
                            EXAMPLES / "data" / "par-district-2023.csv")
    rates = a.set_survey(Survey.from_csv(EXAMPLES / "data" / "survey-par-2023.csv"), strict=False)
    # The rates used: the survey's units that are in the assessment, the departments left out.
    surveyed = set(pd.read_csv(EXAMPLES / "data" / "survey-par-2023.csv", usecols=["unit"])["unit"])
    assert set(rates.index) == surveyed & set(a.units.index) and len(surveyed - set(rates.index)) > 0
    r = a.final_results()
    # Every unit ranked (an unranked one is NA, which a comparison with .all() would skip).
    assert len(r) == 30 and r["index"].between(0, 100).all() and r["rank"].notna().all()
    p = a.progress(as_of="2023-10-31T23:59:59+07:00")
    assert p.loc["hai-ba-trung", ["done", "total"]].tolist() == [63, 80]
    with pytest.raises(chiso.DataError):  # the survey also covers departments
        a.set_survey(Survey.from_csv(EXAMPLES / "data" / "survey-par-2023.csv"))
    dept = chiso.load_model(EXAMPLES / "models" / "hanoi-par-department-2023.json")
    from_json = Assessment.from_json(EXAMPLES / "data" / "par-department-2024.json", dept)
    from_csv = Assessment.from_csv(dept, "2024", EXAMPLES / "data" / "units-department.csv",
                                   EXAMPLES / "data" / "par-department-2024.csv")
    pd.testing.assert_frame_equal(from_json.records, from_csv.records)


def test_sipas_model_scores_the_sipas_survey():
    model = chiso.load_model(EXAMPLES / "models" / "sipas-2023.json")
    survey = Survey.from_csv(EXAMPLES / "data" / "survey-sipas-2023.csv")
    rates = survey.rates(model)
    result = model.evaluate(rates, groups=pd.Series("district", index=rates.index))
    # The SIPAS index is the mean of the 5 element means of the question rates, × 100.
    elements = survey.summary(model)["question"].pivot(index="unit", columns="question", values="rate")
    by_element = elements.T.groupby(lambda q: q.split(".")[0]).mean().T
    expected = (by_element.mean(axis=1) * 100).round(2)
    assert np.allclose(result.scores["index"].to_numpy(), expected.loc[rates.index].to_numpy(), atol=0.005 + 1e-9)


def test_records_added_as_history_are_read_as_the_records_csv_is(worked, tmp_path):
    # A records file read as a table (as `chiso assess` reads an .xlsx, .json or .parquet one) and
    # added as history gives the records the records CSV reader gives: the entry times and hashes
    # they carry, checked by the same rules.
    worked.add({"unit": "u2", "criterion": "A1.1", "stage": "appraisal", "value": 1.5, "note": "Thiếu văn bản",
                "author": "Hội đồng thẩm định", "timestamp": "2023-11-30T09:00:00+07:00"})  # entered now
    worked.to_csv(tmp_path / "records.csv", tmp_path / "units.csv")
    from_csv = Assessment.from_csv(MODEL, "2023", tmp_path / "units.csv", tmp_path / "records.csv")
    table = pd.read_csv(tmp_path / "records.csv", dtype=str, keep_default_na=False)
    added = Assessment(MODEL, "2023", UNITS)
    added.add(table, source="records.xlsx", history=True)
    pd.testing.assert_frame_equal(added.records, from_csv.records)
    assert added.records["entered_at"].tolist() == worked.records["entered_at"].tolist()
    assert added.records["timestamp"].tolist() == worked.records["timestamp"].tolist()
    assert added.records["entered_at"].iloc[-1]  # the last one's entry time, the others imported
    # Entered today, the last record is late for a round 1 that closed at the end of 2023, whichever
    # way it is read; without its entry time (imported) it is checked on its stated date.
    deadlines = {"appraisal": "2023-12-31"}
    with pytest.raises(chiso.DataError) as from_file:
        Assessment.from_csv(MODEL, "2023", tmp_path / "units.csv", tmp_path / "records.csv", deadlines=deadlines)
    with pytest.raises(chiso.DataError) as from_table:
        Assessment(MODEL, "2023", UNITS, deadlines=deadlines).add(table, source="records.xlsx", history=True)
    assert from_file.value.id == from_table.value.id == "assessment.deadline"
    imported = Assessment(MODEL, "2023", UNITS, deadlines=deadlines)
    imported.add(table.drop(columns=["entered_at", "hash"]), source="records.xlsx", history=True)
    assert imported.records["entered_at"].isna().all() and len(imported.records) == len(table)
