"""The appraisal as provinces run it, from Python: self → round 1 → explanation → round 2,
deadlines and reopenings, the scoring table, evidence flags, pickling, survey option values,
the units CSV's empty groups, and year over year across the 2025 reform (bundled sample).
Expected numbers are worked by hand from the mini model of test_assessment.py."""
from __future__ import annotations

import math
import multiprocessing
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso.assessment import Assessment, Survey

from test_assessment import MODEL, SURVEY, UNITS, _records

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
MODELS = ROOT / "examples" / "models"


@pytest.fixture()
def rounds():
    """The worked example plus a second round on u1 A1.1: the unit explains, the council restores
    1.75 of the 2 it claimed (round 1 had cut it to 1.5)."""
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, _records())
    a.set_survey(SURVEY)
    a.add([
        dict(unit="u1", criterion="A1.1", stage="explanation", value=2, evidence="98/KH-UBND|99/BC-UBND",
             explanation="Kế hoạch ban hành đúng hạn", author="Phòng Nội vụ", timestamp="2023-12-01"),
        dict(unit="u1", criterion="A1.1", stage="appraisal_2", value=1.75, note="Chấp nhận một phần",
             author="Hội đồng thẩm định", timestamp="2023-12-10"),
    ])
    return a


def test_round_two_is_final_and_both_rounds_are_reported(rounds):
    # u1: A1 1.75 + 1 + 1 = 3.75, A2 2 × 0.75 = 1.5 → 5.25 / 7 = 75.00 (round 1 alone: 71.43).
    assert rounds.final_results().loc["u1", "index"] == 75.0
    cuts = rounds.self_vs_appraised().set_index(["unit", "criterion"])
    row = cuts.loc[("u1", "A1.1")]
    assert (row["self_points"], row["round1_points"], row["round2_points"], row["appraised_points"]) == \
        (2.0, 1.5, 1.75, 1.75)
    assert row["difference"] == -0.25
    assert (row["round1_reason"], row["round2_reason"], row["reason"]) == \
        ("Thiếu tài liệu kiểm chứng", "Chấp nhận một phần", "Chấp nhận một phần")
    assert row["explanation"] == "Kế hoạch ban hành đúng hạn"
    assert row["explanation_evidence"] == ["98/KH-UBND", "99/BC-UBND"]
    assert math.isnan(cuts.loc[("u1", "A1.3"), "round2_points"])


def test_scoring_table(rounds):
    t = rounds.scoring_table("u1")
    assert list(t.index) == ["A1.1", "A1.2", "A1.3", "A2.1", "A2.2"]
    a11 = t.loc["A1.1"]
    assert (a11["max"], a11["self_value"], a11["round1_value"], a11["explanation_value"], a11["round2_value"]) == \
        (2.0, 2.0, 1.5, 2.0, 1.75)
    assert a11["self_evidence"] == ["12/KH-UBND"]
    assert a11["explanation_evidence"] == ["98/KH-UBND", "99/BC-UBND"]
    assert (a11["final_points"], a11["origin"]) == (1.75, "appraisal_2")
    assert (t.loc["A1.3", "round1_points"], t.loc["A1.3", "origin"]) == (1.0, "appraisal")
    assert (t.loc["A2.1", "final_points"], t.loc["A2.1", "origin"], t.loc["A2.1", "source"]) == (1.5, "survey", "survey")
    assert math.isnan(t.loc["A2.1", "self_value"])
    # u1's A2.2 self record (0 cases) has no evidence and no explanation: flagged.
    assert bool(t.loc["A2.2", "missing_evidence"]) and not bool(a11["missing_evidence"])
    flags = rounds.missing_evidence()
    assert flags[["unit", "criterion"]].values.tolist() == [["u1", "A2.2"]]


def test_rounds_survive_json_csv_and_pickle(rounds, tmp_path):
    back = Assessment.from_json(rounds.to_json(), rounds.model)
    pd.testing.assert_frame_equal(back.records, rounds.records)
    rounds.to_csv(tmp_path / "r.csv", tmp_path / "u.csv")
    again = Assessment.from_csv(rounds.model, "2023", tmp_path / "u.csv", tmp_path / "r.csv")
    pd.testing.assert_frame_equal(again.records, rounds.records)
    header = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "unit,criterion,stage,value,applicable,evidence,note,author,timestamp,explanation"
    clone = pickle.loads(pickle.dumps(rounds))
    assert clone.to_json() == rounds.to_json()
    pd.testing.assert_frame_equal(clone.final_results(), rounds.final_results())  # survey inputs too


def _index_of(a: Assessment) -> list:
    return a.final_results()["index"].tolist()


def test_assessment_pickles_for_multiprocessing(rounds):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.map(_index_of, [rounds]) == [_index_of(rounds)]


def test_deadlines_and_reopening():
    a = Assessment(chiso.load_model(MODEL), "2025", UNITS,
                   deadlines={"self": "2025-12-15T23:59:59+07:00", "appraisal": "2026-01-31"})
    a.add(dict(unit="u1", criterion="A1.1", stage="self", value=2, evidence="1/KH", timestamp="2025-12-15T20:00:00+07:00"))
    late = dict(unit="u1", criterion="A1.2", stage="self", value=1, evidence="2/BC", timestamp="2025-12-16T08:00:00+07:00")
    with pytest.raises(chiso.DataError) as e:
        a.add(late, source="web form")
    assert e.value.id == "assessment.deadline"
    assert (e.value.unit, e.value.criterion, e.value.source) == ("u1", "A1.2", "web form row 0")
    assert "self stage closed (deadline 2025-12-15T23:59:59+07:00)" in str(e.value)
    a.reopen("self", "2025-12-20", "Gia hạn cho đơn vị mới sáp nhập", author="Sở Nội vụ", timestamp="2025-12-16")
    a.add(late)
    assert a.deadlines == {"self": "2025-12-15T23:59:59+07:00", "appraisal": "2026-01-31"}
    assert a.reopenings[["stage", "until"]].values.tolist() == [["self", "2025-12-20"]]
    back = Assessment.from_json(a.to_json(), a.model)
    assert back.deadlines == a.deadlines
    pd.testing.assert_frame_equal(back.reopenings, a.reopenings)
    with pytest.raises(chiso.DataError, match="needs a reason"):
        a.reopen("appraisal", "2026-02-15", "", timestamp="2026-02-01")
    with pytest.raises(chiso.ChisoError, match="appraisal_2"):
        a.set_deadline("round 2", "2026-03-01")


def test_issue_10_1_a_record_that_breaks_an_appraisal_is_refused_and_what_is_kept_reloads(tmp_path):
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS)
    a.add(dict(unit="u1", criterion="A1.1", stage="self", value=2, timestamp="2023-10-01"))
    a.add(dict(unit="u1", criterion="A1.1", stage="appraisal", value=2, timestamp="2023-11-20"))
    with pytest.raises(chiso.DataError) as e:
        a.add(dict(unit="u1", criterion="A1.1", stage="self", value=1.5, timestamp="2023-10-15"), source="late")
    assert e.value.id == "assessment.reason_missing" and e.value.source == "late row 0"
    a.to_csv(tmp_path / "r.csv", tmp_path / "u.csv")
    assert len(Assessment.from_csv(a.model, "2023", tmp_path / "u.csv", tmp_path / "r.csv").records) == 2
    assert len(Assessment.from_json(a.to_json(), a.model).records) == 2


def test_units_csv_empty_group_names_the_line(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("id,name,group\nu1,Ba Đình,district\nu2,Hoàn Kiếm,\n", encoding="utf-8")
    for load in (lambda: Assessment(chiso.load_model(MODEL), "2023", path),
                 lambda: Assessment.from_csv(chiso.load_model(MODEL), "2023", path, DATA / "par-district-2023.csv")):
        with pytest.raises(chiso.DataError) as e:
            load()
        assert e.value.id == "assessment.unit_group"
        assert e.value.source == f"{path}:3"


def test_survey_option_values():
    model = chiso.load_model({
        "format": "chiso-model/1", "id": "options", "root": {"id": "R", "aggregate": "sum", "children": [
            {"id": "S1", "max": 2, "source": "survey", "rule": {"kind": "proportional", "unit": "percent"},
             "meta": {"survey": {"questions": ["Q1"], "options": {"A": 100, "B": 60, "C": 20, "D": 0}}}}]}})
    frame = pd.DataFrame({"respondent": ["r1", "r2", "r3", "r4"], "unit": ["u1"] * 4,
                          "weight": [1, 1, 2, 1], "Q1": ["A", "B", "C", "D"]})
    # (100 + 60 + 2 × 20 + 0) / 5 = 40 % of 2 points = 0.8.
    rates = Survey.from_frame(frame).rates(model)
    assert rates.loc["u1", "S1"] == pytest.approx(40.0)
    a = Assessment(model, "2025", ["u1"])
    a.set_survey(frame)
    assert a.final_results().loc["u1", "index"] == 40.0


def _sample(kind: str, year: str, model: str, units: str) -> Assessment:
    a = Assessment.from_csv(MODELS / f"{model}.json", year, DATA / units, DATA / f"par-{kind}-{year}.csv")
    a.set_survey(Survey.from_csv(DATA / f"survey-par-{year}.csv"), strict=False)
    return a


def test_year_over_year_across_the_2025_reform():
    before = _sample("district", "2023", "hanoi-par-district-2023", "units-district.csv")
    after = _sample("commune", "2025", "hanoi-par-commune-2025", "units-commune-2025.csv")
    y = after.year_over_year(before)
    old, new = set(before.model.leaf_ids), set(after.model.leaf_ids)
    assert set(y.matched) == old & new and set(y.added) == new - old and set(y.removed) == old - new
    assert set(y.units_gone) == set(before.units.index) and set(y.units_new) == set(after.units.index)
    assert len(y.units) == 30 + 126
    gone = y.units[y.units["unit"].isin(y.units_gone)]
    assert gone["index_after"].isna().all() and gone["index_before"].notna().all()
    assert "30 units gone, 126 new" in repr(y)
