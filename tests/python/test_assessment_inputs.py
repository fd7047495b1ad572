"""Per-input records (issue 24, item 1): the service index, whose metrics take a numerator and a
denominator, goes through self-assessment, both appraisal rounds, the files and ``chiso assess``.

The inputs are the portal's published figures for Phú Thọ's units H44.03 and H44.07, month 2026-08
(copied in tests/python/test_models_service_index.py), completed where the portal published
nothing for them by small ratios worked by hand (PUBLISH_ON_TIME 1/2 → 3 points,
PUBLIC_UPDATE_ON_TIME 3/4 → 3, ONLINE_SERVICES 5.4 points), and the bundled Hà Nội sample
(examples/data/service-index-hanoi-2023.csv). Every final result must equal ``Model.evaluate`` on
the same table of input columns; H44.03's index is also worked by hand: 71.60 after
self-assessment, 70.07 after round 1, 69.77 after round 2.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso.assessment import Assessment

from test_cli import ROOT, call, err

MODEL_PATH = ROOT / "examples" / "models" / "service-index-766.json"
HANOI = ROOT / "examples" / "data" / "service-index-hanoi-2023.csv"

# H44.03's inputs: metric → values of its inputs, in the model's order.
H44_03 = {
    "PUBLISH_ON_TIME": (1, 2), "PUBLIC_UPDATE_ON_TIME": (3, 4), "PUBLIC_CONTENT_FULL": (87, 89),
    "DOSSIER_SYNC": (380, 380), "DVC_PROGRESS_ON_TIME": (486, 588), "ONLINE_SERVICES": (5.4,),
    "ONLINE_PAYMENT": (7, 7, 2, 0, 3), "ORIGINAL_RESULT_AVAILABLE": (385, 588),
    "SO_HOA_GIAY_TO_GIAI_QUYET": (312, 588), "ELECTRONIC_CERTIFIED_COPY": (100,),
    "REUSED_DIGITIZED_DATA": (0, 588), "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": (0, 588),
    "CITIZEN_DATA_CONNECTED_DOSSIER": (588, 588), "CITIZEN_DATA_CONNECTED_FORMALITY": (10, 42),
    "DOSSIER_RECEIVING_SATISFACTION": (486, 588), "PETITION_PROCESSING_ON_TIME": (0, 0),
    "PETITION_HANDLING_SATISFACTION": (0, 0),
}
# H44.07: its published ORIGINAL_RESULT_AVAILABLE, SO_HOA…, REUSED…, SYNCED…, CITIZEN…_DOSSIER and
# DOSSIER_SYNC figures, the rest as H44.03.
H44_07 = dict(H44_03, ORIGINAL_RESULT_AVAILABLE=(339, 482), SO_HOA_GIAY_TO_GIAI_QUYET=(231, 482),
              REUSED_DIGITIZED_DATA=(0, 482), SYNCED_WITH_DVCQG_PERSONAL_STORAGE=(0, 482),
              CITIZEN_DATA_CONNECTED_DOSSIER=(482, 482), DOSSIER_SYNC=(234, 234))


@pytest.fixture(scope="module")
def model():
    return chiso.load_model(MODEL_PATH)


def table(model) -> pd.DataFrame:
    """Units × input columns: H44.03, H44.07 and the bundled Hà Nội row."""
    rows = {}
    for unit, metrics in (("H44.03", H44_03), ("H44.07", H44_07)):
        values = [v for leaf in model.leaf_ids for v in metrics[leaf]]
        rows[unit] = dict(zip(model.input_columns, values))
    frame = pd.DataFrame.from_dict(rows, orient="index")
    hanoi = pd.read_csv(HANOI).set_index("unit")
    return pd.concat([frame, hanoi[model.input_columns]]).astype(float)


def self_records(inputs: pd.DataFrame) -> pd.DataFrame:
    """One self record per unit and input column; every second one names its leaf and input."""
    rows = []
    for unit, row in inputs.iterrows():
        for k, (column, value) in enumerate(row.items()):
            record = {"unit": unit, "criterion": column, "stage": "self", "value": value,
                      "evidence": ["Báo cáo tháng 8"], "author": "Văn phòng", "timestamp": "2026-09-01"}
            if k % 2 and "." in column:
                record["criterion"], record["input"] = column.split(".", 1)
            rows.append(record)
    return pd.DataFrame(rows)


def units(inputs: pd.DataFrame) -> list:
    return [(u, u, "") for u in inputs.index]


def assert_same_results(a: Assessment, model, inputs: pd.DataFrame) -> None:
    expected = model.evaluate(inputs).scores
    final = a.final_results()
    assert final["index"].to_dict() == expected["index"].to_dict()
    assert a.evaluate().scores["index"].to_dict() == expected["index"].to_dict()
    assert a.inputs().loc[inputs.index, inputs.columns].equals(inputs)


def test_self_assessment_then_two_rounds_score_as_evaluate_on_the_same_inputs(model):
    inputs = table(model)
    a = Assessment(model, "2026-08", units(inputs), self_records(inputs))
    # The input field is kept as the input column: one form, chained as before.
    assert set(a.records["criterion"]) == set(model.input_columns)
    assert "input" not in a.records.columns
    assert_same_results(a, model, inputs)
    assert a.final_results().loc["H44.03", "index"] == 71.60  # by hand (the module's docstring)

    # Round 1: the council cuts one input, with its reason (refused without one).
    cut = {"unit": "H44.03", "criterion": "DVC_PROGRESS_ON_TIME", "input": "numerator", "stage": "appraisal",
           "value": 441, "author": "Hội đồng thẩm định", "timestamp": "2026-09-10"}
    with pytest.raises(chiso.DataError, match=r"records row 0.*needs the council's reason") as caught:
        a.add(cut)
    assert caught.value.id == "assessment.reason_missing"
    a.add(dict(cut, note="45 hồ sơ trễ hạn"))
    inputs.loc["H44.03", "DVC_PROGRESS_ON_TIME.numerator"] = 441
    assert_same_results(a, model, inputs)
    assert a.final_results().loc["H44.03", "index"] == 70.07  # 20 × 441/588 = 15.00 for 16.53

    # Round 2 changes the other input: each column resolves on its own.
    a.add({"unit": "H44.03", "criterion": "DVC_PROGRESS_ON_TIME.denominator", "stage": "appraisal_2",
           "value": 600, "note": "Bổ sung hồ sơ trực tiếp", "author": "Hội đồng thẩm định",
           "timestamp": "2026-09-20"})
    inputs.loc["H44.03", "DVC_PROGRESS_ON_TIME.denominator"] = 600
    assert_same_results(a, model, inputs)
    assert a.final_results().loc["H44.03", "index"] == 69.77  # 20 × 441/600 = 14.70
    table_ = a.scoring_table("H44.03")
    assert table_.loc["DVC_PROGRESS_ON_TIME", "final_points"] == 14.70
    assert table_.loc["DVC_PROGRESS_ON_TIME", "origin"] == "appraisal_2"
    assert list(a.history("H44.03", "DVC_PROGRESS_ON_TIME")["stage"]) == ["self", "self", "appraisal",
                                                                          "appraisal_2"]
    assert a.why_lost("H44.03").loc["DVC_PROGRESS_ON_TIME", "lost"] == pytest.approx(20 - 14.70)
    assert set(a.reports()) >= {"final_results", "self_vs_appraised", "progress"}

    # JSON and CSV round trips: the same records and results.
    back = Assessment.from_json(a.to_json(), model)
    assert back.to_json() == a.to_json()
    assert back.final_results().equals(a.final_results())
    import pickle
    assert pickle.loads(pickle.dumps(a)).final_results().equals(a.final_results())


def test_the_csv_round_trip(model, tmp_path):
    inputs = table(model)
    a = Assessment(model, "2026-08", units(inputs), self_records(inputs))
    a.to_csv(tmp_path / "records.csv", tmp_path / "units.csv")
    back = Assessment.from_csv(model, "2026-08", tmp_path / "units.csv", tmp_path / "records.csv")
    assert back.to_json() == a.to_json()
    assert_same_results(back, model, inputs)
    # A records CSV with an input column, as a user may write it.
    records = self_records(inputs).assign(evidence="Báo cáo tháng 8")
    records.to_csv(tmp_path / "typed.csv", index=False)
    typed = Assessment.from_csv(model, "2026-08", tmp_path / "units.csv", tmp_path / "typed.csv")
    assert_same_results(typed, model, inputs)


def test_not_applicable_is_said_of_the_criterion(model):
    inputs = table(model).loc[["H44.03"]]
    a = Assessment(model, "2026-08", units(inputs), self_records(inputs))
    a.add({"unit": "H44.03", "criterion": "PETITION_PROCESSING_ON_TIME", "stage": "self", "applicable": False,
           "note": "Không có kiến nghị", "author": "Văn phòng", "timestamp": "2026-09-02"})
    applicable = pd.DataFrame(True, index=inputs.index, columns=model.leaf_ids)
    applicable.loc["H44.03", "PETITION_PROCESSING_ON_TIME"] = False
    expected = model.evaluate(inputs, applicable=applicable).scores["index"]
    assert a.final_results()["index"].to_dict() == expected.to_dict()
    assert a.final_results().loc["H44.03", "index"] == 69.79  # 65.60 of 94 points
    with pytest.raises(chiso.DataError, match=r"field applicable: applicability is per criterion") as caught:
        a.add({"unit": "H44.03", "criterion": "DVC_PROGRESS_ON_TIME.numerator", "stage": "self",
               "applicable": False, "note": "x", "timestamp": "2026-09-02"})
    assert caught.value.id == "assessment.input"


@pytest.mark.parametrize("record, message", [
    ({"criterion": "DVC_PROGRESS_ON_TIME.total"}, 'field criterion: unknown input "total"'),
    ({"criterion": "DVC_PROGRESS_ON_TIME", "input": "total"}, 'field input: unknown input "total"'),
    ({"criterion": "ONLINE_SERVICES", "input": "numerator"}, "the criterion takes one value"),
    ({"criterion": "DVC_PROGRESS_ON_TIME"}, "a record gives one of them"),
])
def test_a_wrong_input_is_an_error_naming_the_record_and_the_field(model, record, message):
    a = Assessment(model, "2026-08", ["H44.03"])
    row = {"unit": "H44.03", "stage": "self", "value": 1, "timestamp": "2026-09-01", **record}
    with pytest.raises(chiso.DataError) as caught:
        a.add([row], source="inputs.csv")
    assert caught.value.id == "assessment.input"
    assert message in str(caught.value) and "inputs.csv row 0" in str(caught.value)
    assert len(a.records) == 0


def test_chiso_assess_on_the_service_index(model, tmp_path):
    inputs = table(model)
    records = self_records(inputs).assign(evidence="Báo cáo tháng 8")
    records.to_csv(tmp_path / "records.csv", index=False)
    pd.DataFrame({"id": inputs.index, "name": inputs.index}).to_csv(tmp_path / "units.csv", index=False)
    done = call("assess", "service-index-766", "--units", "units.csv", "--records", "records.csv",
                "--period", "2026-08", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    written = pd.read_csv(tmp_path / "out" / "final_results.csv", encoding="utf-8-sig").set_index("unit")
    expected = model.evaluate(inputs).scores["index"]
    assert written["index"].to_dict() == expected.to_dict()


def test_existing_chains_still_hold(tmp_path):
    """A file written before per-input records (the bundled 2023 district sample saved as JSON by
    this chiso, and read back) keeps its hashes: the canonical form did not change."""
    district = chiso.load_model(ROOT / "examples" / "models" / "hanoi-par-district-2023.json")
    sample = ROOT / "examples" / "data"
    a = Assessment.from_csv(district, "2023", sample / "units-district.csv", sample / "par-district-2023.csv")
    text = a.to_json()
    assert '"input"' not in text
    assert Assessment.from_json(text, district).to_json() == text
    assert json.loads(text)["records"][0]["hash"] == a.records["hash"][0]


def test_the_chain_of_input_records_is_the_documented_one(model):
    """An independent implementation (Python's json and hashlib) of docs/assessment.md's rule: a
    record given with an ``input`` field is hashed with the input column in ``criterion`` and no
    ``input`` key, as every record before per-input records was."""
    import hashlib

    def sha(fields):
        return hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False).encode()).hexdigest()

    a = Assessment(model, "2026-08", ["H44.03"])
    a.add([{"unit": "H44.03", "criterion": "DVC_PROGRESS_ON_TIME", "input": "numerator", "stage": "self",
            "value": 486, "evidence": ["Báo cáo"], "author": "Văn phòng", "timestamp": "2026-09-01"},
           {"unit": "H44.03", "criterion": "DVC_PROGRESS_ON_TIME.denominator", "stage": "self", "value": 588,
            "author": "Văn phòng", "timestamp": "2026-09-01"}])
    previous = sha({"chain": "records", "format": "chiso-assessment/1", "model": "service-index-766",
                    "period": "2026-08", "previous": ""})
    expected_criteria = ["DVC_PROGRESS_ON_TIME.numerator", "DVC_PROGRESS_ON_TIME.denominator"]
    for record, criterion in zip(json.loads(a.to_json())["records"], expected_criteria):
        previous = sha({"unit": "H44.03", "criterion": criterion, "stage": "self", "value": record["value"],
                        "applicable": True, "evidence": record["evidence"], "explanation": "", "note": "",
                        "author": "Văn phòng", "timestamp": "2026-09-01", "entered_at": record["entered_at"],
                        "previous": previous})
        assert record["hash"] == previous


FIXTURE = ROOT / "tests" / "data" / "service-index-assessment.json"


def test_a_stored_assessment_of_input_records_loads_and_its_chain_holds(model):
    """tests/data/service-index-assessment.json, written by chiso when per-input records came (the
    second record was entered as criterion DVC_PROGRESS_ON_TIME with input denominator): it loads
    with its chain checked, the chain is the documented one, and a change is detected."""
    import hashlib

    text = FIXTURE.read_text(encoding="utf-8")
    a = Assessment.from_json(FIXTURE, model)
    assert a.to_json() == text
    assert list(a.records["criterion"]) == ["DVC_PROGRESS_ON_TIME.numerator", "DVC_PROGRESS_ON_TIME.denominator",
                                            "PETITION_PROCESSING_ON_TIME", "DVC_PROGRESS_ON_TIME.numerator"]
    previous = hashlib.sha256(json.dumps({"chain": "records", "format": "chiso-assessment/1",
                                          "model": "service-index-766", "period": "2026-08", "previous": ""},
                                         sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    for record in json.loads(text)["records"]:
        fields = {k: v for k, v in record.items() if k != "hash"}
        fields.update(explanation="", previous=previous)
        previous = hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":"),
                                             ensure_ascii=False).encode()).hexdigest()
        assert record["hash"] == previous
    assert chiso._core.assessment.check_chain(text, "fixture")["head"] == previous
    with pytest.raises(chiso.DataError) as caught:
        Assessment.from_json(text.replace('"value":441.0', '"value":486.0'), model)
    assert caught.value.id == "assessment.chain" and "/records/3" in str(caught.value)
    assert list(a.history("H44.03", "DVC_PROGRESS_ON_TIME")["stage"]) == ["self", "self", "appraisal"]
    # Scoring needs every input (missing: error); the message names the first missing one.
    with pytest.raises(chiso.DataError, match=r"input 'PUBLISH_ON_TIME.numerator' is missing"):
        a.final_results()


def test_evidence_is_the_criterions(model):
    """A self record naming a criterion of named inputs, without a value, holds its evidence; the
    service index's criteria are data criteria (source data), so progress counts none of them."""
    inputs = table(model).loc[["H44.03"]]
    a = Assessment(model, "2026-08", units(inputs), self_records(inputs))
    a.add({"unit": "H44.03", "criterion": "DVC_PROGRESS_ON_TIME", "stage": "self",
           "evidence": ["Báo cáo 12/BC-VP", "Trích xuất Cổng DVCQG"], "author": "Văn phòng",
           "timestamp": "2026-09-03"})
    assert a.scoring_table("H44.03").loc["DVC_PROGRESS_ON_TIME", "self_evidence"] == ["Báo cáo 12/BC-VP",
                                                                                      "Trích xuất Cổng DVCQG"]
    assert a.final_results().loc["H44.03", "index"] == 71.60  # no value: the inputs score as before
    assert a.progress().loc["H44.03", "total"] == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".html"])
def test_the_reports_write_an_assessment_of_input_records(model, tmp_path, suffix):
    """The service index's scoring table in every report format: the index written is the one the
    same input table scores (H44.03: 71.60 by hand, the module's docstring)."""
    inputs = table(model)
    a = Assessment(model, "2026-08", units(inputs), self_records(inputs))
    path = tmp_path / f"bang-diem{suffix}"
    chiso.reports.write(a, str(path), language="en")
    assert path.stat().st_size > 0
    if suffix == ".html":
        assert "71.60" in path.read_text(encoding="utf-8")
