"""Issue 10 as a Python user meets it: files in another encoding, numbers beyond a double, repeated
keys, lenient numbers in data files and ordinal ties of numeric unit ids. Each test is named after
what it guards; expected values are worked by hand from FORMAT.md."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import chiso

ONE_LEAF = """{"format": "chiso-model/1", "id": "m", "ranking": {"ties": "ordinal"},
 "root": {"id": "R", "name": "Index", "aggregate": "sum", "children": [
  {"id": "a", "name": "Quận", "max": MAX, "rule": {"kind": "points"}}]}}"""


def one_leaf(max_text: str = "10") -> str:
    return ONE_LEAF.replace("MAX", max_text)


def test_model_file_in_windows_1258_gives_a_readable_model_error(tmp_path):
    path = tmp_path / "model-1258.json"
    path.write_bytes(one_leaf().replace("Quận", "Quán").encode("cp1258"))  # á is the byte 0xE1
    with pytest.raises(chiso.ModelError) as error:
        chiso.load_model(path)
    message = str(error.value)  # a UnicodeDecodeError here was the bug
    assert error.value.id == "model.encoding"
    assert "0xE1" in message and "UTF-8" in message
    # Line 3 is `  {"id": "a", "name": "Qu` + á: 25 bytes before it on the line.
    assert "(byte 26 of line 3)" in message


def test_number_too_large_for_a_double_names_its_json_path():
    with pytest.raises(chiso.ModelError) as error:
        chiso.load_model(one_leaf("9e500"))
    assert error.value.id == "model.number_range"
    assert error.value.path == "/root/children/0/max"


def test_repeated_key_in_model_text_names_its_path():
    with pytest.raises(chiso.ModelError) as error:
        chiso.load_model(one_leaf('10, "max": 20'))
    assert error.value.id == "model.duplicate_key"
    assert error.value.path == "/root/children/0/max"


def _unit_and_records(tmp_path, record_line: bytes):
    units = tmp_path / "units.csv"
    units.write_text("id,name,group\nu1,Quận 1,A\n", encoding="utf-8")
    records = tmp_path / "records.csv"
    records.write_bytes(b"unit,criterion,stage,value,timestamp,note\n" + record_line)
    return units, records


def test_records_csv_in_windows_1258_names_file_line_and_byte(tmp_path):
    units, records = _unit_and_records(tmp_path, "u1,a,self,5,2025-03-01T08:00:00,Quán\n".encode("cp1258"))
    with pytest.raises(chiso.DataError) as error:
        chiso.Assessment.from_csv(chiso.load_model(one_leaf()), "2025", units, records)
    message = str(error.value)
    assert error.value.id == "csv.encoding"
    assert error.value.source == f"{records}:2"
    # Header 42 bytes; "u1,a,self,5,2025-03-01T08:00:00,Qu" is 34 more.
    assert "byte offset 76" in message and "re-save it as UTF-8" in message


@pytest.mark.parametrize("answer", ["nan", "0x4", " 5", "inf"])
def test_survey_answers_must_be_plain_numbers(tmp_path, answer):
    path = tmp_path / "survey.csv"
    path.write_text(f'respondent,unit,q1\nr1,u1,"{answer}"\n', encoding="utf-8")
    with pytest.raises(chiso.DataError) as error:
        chiso.Survey.from_csv(path)
    assert error.value.id == "survey.answer"
    assert error.value.source == f"{path}:2"


def test_ordinal_ties_order_integer_unit_ids_as_numbers():
    inputs = pd.DataFrame({"a": [5.0, 5.0, 5.0]}, index=pd.Index(["10", "9", "2"], name="unit"))
    ranks = chiso.load_model(one_leaf()).evaluate(inputs).scores["rank"]
    # All tie at 50.00: ordinal by id in numeric order 2, 9, 10 (byte order would put "10" first).
    assert ranks.to_dict() == {"10": 3, "9": 2, "2": 1}


def test_min_node_counts_a_zero_weight_child_that_applies():
    model = chiso.load_model(json.dumps({
        "format": "chiso-model/1", "id": "m",
        "root": {"id": "R", "aggregate": "min", "children": [
            {"id": "a", "max": 2, "weight": 0, "rule": {"kind": "points"}},
            {"id": "b", "max": 2, "rule": {"kind": "points"}}]}}))
    inputs = pd.DataFrame({"a": [1.0], "b": [2.0]}, index=["u1"])
    applies = pd.DataFrame({"a": [True], "b": [False]}, index=["u1"])
    # Only a applies: min over {1/2} = 0.5 → 50.00 (FORMAT.md), where the weight 0 used to drop it.
    assert list(model.evaluate(inputs, applicable=applies).scores["index"]) == [50.0]


def test_dict_model_with_a_lone_surrogate_names_its_json_path():
    # Text decoded with errors="surrogateescape" keeps an undecodable byte as "\udcff": not UTF-8.
    document = {"format": "chiso-model/1", "id": "m", "name": "Chỉ số",
                "root": {"id": "R", "aggregate": "sum", "children": [
                    {"id": "a", "name": "Ti\udcffu chí", "max": 1, "rule": {"kind": "yes_no"}}]}}
    with pytest.raises(chiso.ModelError) as caught:
        chiso.load_model(document)
    assert caught.value.id == "model.utf8"
    assert caught.value.path == "/root/children/0/name"
    assert "character 3" in str(caught.value)
    document["root"]["children"][0]["name"] = "Tiêu chí"
    document["meta"] = {"gh\udcffi chú": 1}  # in a key: the object holding it is named
    with pytest.raises(chiso.ModelError) as caught:
        chiso.load_model(document)
    assert caught.value.id == "model.utf8" and caught.value.path == "/meta"
