"""The appraisal as provinces run it, from Python: self → round 1 → explanation → round 2,
deadlines and reopenings, the scoring table, evidence flags, pickling, survey option values,
the units CSV's empty groups, and year over year across the 2025 reform (bundled sample).
Expected numbers are worked by hand from the mini model of test_assessment.py."""
from __future__ import annotations

import json
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
    assert header == "unit,criterion,stage,value,applicable,evidence,note,author,timestamp,explanation,entered_at,hash"
    clone = pickle.loads(pickle.dumps(rounds))
    assert clone.to_json() == rounds.to_json()
    pd.testing.assert_frame_equal(clone.final_results(), rounds.final_results())  # survey inputs too


def _index_of(a: Assessment) -> list:
    return a.final_results()["index"].tolist()


def test_assessment_pickles_for_multiprocessing(rounds):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.map(_index_of, [rounds]) == [_index_of(rounds)]


def _in_a_day() -> str:
    return (pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_deadlines_are_enforced_on_entry_and_reopening_is_a_recorded_act():
    a = Assessment(chiso.load_model(MODEL), "2025", UNITS,
                   deadlines={"self": "2025-12-15T23:59:59+07:00", "appraisal": "2026-01-31"})
    # Entered now (after the deadline), however early it is dated.
    early = dict(unit="u1", criterion="A1.2", stage="self", value=1, evidence="2/BC", author="UBND u1",
                 timestamp="2025-12-10T08:00:00")
    with pytest.raises(chiso.DataError) as e:
        a.add(early, source="web form")
    assert e.value.id == "assessment.deadline"
    assert (e.value.unit, e.value.criterion, e.value.source) == ("u1", "A1.2", "web form row 0")
    assert "self stage closed (deadline 2025-12-15T23:59:59+07:00)" in str(e.value)
    # A reopening needs a reason and an author, and is dated after the deadline it reopens.
    with pytest.raises(chiso.DataError, match="needs a reason") as e:
        a.reopen("self", _in_a_day(), "", author="Sở Nội vụ")
    assert e.value.id == "assessment.reopen"
    with pytest.raises(chiso.DataError, match="needs an author"):
        a.reopen("self", _in_a_day(), "Gia hạn", author="")
    with pytest.raises(chiso.DataError, match="before the deadline it reopens"):
        a.reopen("self", _in_a_day(), "Gia hạn", author="Sở Nội vụ", timestamp="2025-12-01")
    a.reopen("self", _in_a_day(), "Gia hạn cho đơn vị mới sáp nhập", author="Sở Nội vụ")
    a.add(early)
    assert a.records["entered_at"].notna().all()
    assert a.reopenings[["stage", "note", "author"]].values.tolist() == [
        ["self", "Gia hạn cho đơn vị mới sáp nhập", "Sở Nội vụ"]]
    # Removing a deadline is an act too, with its reason and author.
    with pytest.raises(chiso.DataError) as e:
        a.set_deadline("appraisal", None, reason="", author="Sở Nội vụ")
    assert e.value.id == "assessment.deadline_change"
    a.set_deadline("appraisal", None, reason="Hội đồng họp lại", author="Giám đốc Sở")
    assert a.deadlines == {"self": "2025-12-15T23:59:59+07:00"}
    assert a.schedule[["act", "stage", "when", "author"]].values.tolist() == [
        ["reopen", "self", a.reopenings["until"][0], "Sở Nội vụ"], ["deadline", "appraisal", "", "Giám đốc Sở"]]
    back = Assessment.from_json(a.to_json(), a.model)
    assert back.deadlines == a.deadlines
    pd.testing.assert_frame_equal(back.schedule, a.schedule)
    pd.testing.assert_frame_equal(back.records, a.records)
    with pytest.raises(chiso.ChisoError, match="appraisal_2"):
        a.set_deadline("round 2", "2026-03-01", reason="x", author="y")


def test_naive_times_are_local_to_the_period_and_a_stamp_in_the_future_is_refused():
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS)
    assert a.time_zone == "Asia/Ho_Chi_Minh"
    for stamp in ("2099-01-01", "9999-12-31T00:00:00Z"):
        with pytest.raises(chiso.DataError) as e:
            a.add(dict(unit="u1", criterion="A1.1", stage="appraisal", value=0, note="x", author="anyone",
                       timestamp=stamp))
        assert e.value.id == "assessment.future"
    with pytest.raises(chiso.DataError) as e:
        Assessment(chiso.load_model(MODEL), "2023", UNITS, time_zone="Mars/Olympus")
    assert e.value.id == "assessment.time_zone"
    # Records given with the assessment are history: no entry time, imported.
    b = Assessment(chiso.load_model(MODEL), "2023", UNITS,
                   [dict(unit="u1", criterion="A1.1", stage="self", value=2, timestamp="2023-10-31T09:00:00")])
    assert b.records["entered_at"].isna().all()
    with pytest.raises(chiso.DataError) as e:
        b.add(b.records)  # records with their entry time and hash are history, not new entries
    assert e.value.id == "assessment.columns"


@pytest.mark.parametrize("text, what", [("a\x00b", "U+0000"), ("a\x0bb", "U+000B"), ("\x1b[2J", "U+001B"),
                                        ("x\ud800", "lone surrogate U+D800"), ("abc\u202efdp.exe", "U+202E")])
def test_text_at_the_door_names_the_field(text, what):
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS)
    with pytest.raises(chiso.DataError) as e:
        a.add(dict(unit="u1", criterion="A1.1", stage="self", value=2, note=text, timestamp="2023-10-01"),
              source="form")
    assert e.value.id == "assessment.text" and e.value.source == "form row 0" and e.value.unit == "u1"
    assert "field note" in str(e.value) and what in str(e.value)
    with pytest.raises(chiso.DataError) as e:
        Assessment(chiso.load_model(MODEL), "2023", [("u1", "Ba Đình" + text, "district")])
    assert e.value.id == "assessment.text" and "the unit's name" in str(e.value)
    model = chiso.load_model(MODEL).to_dict()
    model["name"] = text
    with pytest.raises(chiso.ModelError) as m:
        chiso.load_model(model)
    if "surrogate" not in what:  # (a lone surrogate does not even make JSON text)
        assert m.value.id == "model.text" and m.value.path == "/name" and what in str(m.value)


def test_a_100_mb_nested_description_is_refused_at_once(tmp_path):
    path = tmp_path / "deep.json"
    with open(path, "w", encoding="utf-8") as file:
        file.write('{"format": "chiso-assessment/1", "model": "mini", "period": "2023", "description": ')
        chunk = "[" * (1 << 20)
        for _ in range(100):
            file.write(chunk)
    with pytest.raises(chiso.DataError) as e:
        Assessment.from_json(path, chiso.load_model(MODEL))
    assert e.value.id == "assessment.json" and "nested deeper than 8 levels" in str(e.value)
    with pytest.raises(chiso.DataError) as e:
        Assessment.from_json({"format": "chiso-assessment/1", "model": "mini", "period": "2023", "units": [],
                              "description": {"any": "type"}}, chiso.load_model(MODEL))
    assert e.value.id == "assessment.json" and e.value.source == "<dict>:/description"


def test_a_lone_surrogate_in_an_assessment_document_is_a_chiso_error():
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, _records()[:1])
    document = json.loads(a.to_json())
    document["records"][0]["note"] = "x\ud800"
    for source in (document, json.dumps(document, ensure_ascii=False)):
        with pytest.raises(chiso.DataError) as e:
            Assessment.from_json(source, a.model)
        assert e.value.id in ("assessment.json", "assessment.text")


def test_issue_10_1_a_record_that_breaks_an_appraisal_is_refused_and_what_is_kept_reloads(tmp_path):
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS)
    a.add(dict(unit="u1", criterion="A1.1", stage="self", value=2, author="UBND u1", timestamp="2023-10-01"))
    a.add(dict(unit="u1", criterion="A1.1", stage="appraisal", value=2, author="Hội đồng", timestamp="2023-11-20"))
    with pytest.raises(chiso.DataError) as e:
        a.add(dict(unit="u1", criterion="A1.1", stage="self", value=1.5, author="UBND u1", timestamp="2023-10-15"),
              source="late")
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


def test_acts_and_records_keep_their_chain_through_json_and_csv(tmp_path):
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, _records(), deadlines={"appraisal": "2023-11-30"})
    a.set_deadline("appraisal", None, reason="Hội đồng họp lại", author="Giám đốc Sở")
    a.add(dict(unit="u2", criterion="A1.1", stage="appraisal", value=1.5, note="Thiếu minh chứng", author="HĐ",
               timestamp="2023-12-05"))
    text = a.to_json()
    # An act rewritten behind chiso's back (another author) breaks the schedule's chain.
    with pytest.raises(chiso.DataError) as e:
        Assessment.from_json(text.replace("Giám đốc Sở", "Phó Giám đốc"), a.model)
    assert e.value.id == "assessment.chain" and "deadline change" in str(e.value)
    # The records CSV keeps entry times and hashes: it round-trips, chain included.
    a.to_csv(tmp_path / "r.csv", tmp_path / "u.csv")
    b = Assessment.from_csv(a.model, "2023", tmp_path / "u.csv", tmp_path / "r.csv")
    pd.testing.assert_frame_equal(b.records, a.records)
    forged = (tmp_path / "r.csv").read_text(encoding="utf-8").replace("Thiếu minh chứng", "Đủ")
    (tmp_path / "f.csv").write_text(forged, encoding="utf-8")
    with pytest.raises(chiso.DataError) as e:
        Assessment.from_csv(a.model, "2023", tmp_path / "u.csv", tmp_path / "f.csv")
    assert e.value.id == "assessment.chain" and e.value.source.endswith("f.csv:" + str(len(a.records) + 1))


def test_the_hash_is_sha256_of_the_documented_canonical_json():
    """An independent implementation (Python's json and hashlib) of docs/assessment.md's rule."""
    import hashlib

    a = Assessment(chiso.load_model(MODEL), "2023", UNITS, _records()[:2])
    previous = hashlib.sha256(json.dumps({"chain": "records", "format": "chiso-assessment/1", "model": "mini",
                                          "period": "2023", "previous": ""}, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False).encode()).hexdigest()
    for record in json.loads(a.to_json())["records"]:
        fields = {k: v for k, v in record.items() if k != "hash"}
        fields.setdefault("explanation", "")
        fields["previous"] = previous
        previous = hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":"),
                                             ensure_ascii=False).encode()).hexdigest()
        assert record["hash"] == previous
