"""The JSON Schema of the model file (schema/chiso-model-1.schema.json) accepts every bundled
model and rejects documents the reader (src/model/model_json.cpp) rejects for their shape."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "schema" / "chiso-model-1.schema.json"
MODELS = sorted((ROOT / "examples" / "models").glob("*.json"))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator, document):
    return list(validator.iter_errors(document))


VALID = {
    "$schema": "https://chiso.dev/schema/chiso-model-1.schema.json",
    "format": "chiso-model/1",
    "id": "par-mini",
    "name": "Chỉ số CCHC — ví dụ",
    "description": "ví dụ",
    "meta": {"nguồn": "QĐ 4190", "anything": [1, {"x": None}]},
    "scale": 100,
    "rounding": {"digits": 2, "mode": "half_up"},
    "ranking": {"ties": "competition", "by": "group"},
    "missing": "exclude",
    "bands": [{"min": 80, "label": "Tốt"}, {"min": 0, "label": "Chưa đạt"}],
    "clamp": True,
    "root": {
        "id": "PAR",
        "name": "Chỉ số",
        "aggregate": "sum",
        "children": [
            {"id": "A", "aggregate": "sum", "children": [
                {"id": "a1", "max": 2, "rule": {"kind": "points", "step": 0.25}},
                {"id": "a2", "max": 1, "source": "self", "rule": {"kind": "points", "values": [0, 0.5, 1]}},
                {"id": "a3", "max": 1, "weight": 1, "rule": {"kind": "yes_no"}},
                {"id": "a4", "max": 1, "rule": {"kind": "tiers", "unit": "percent", "tiers": [
                    {"min": 100, "points": 1}, {"min": 90, "points": 0.5, "exclusive": True}]}},
                {"id": "a5", "max": 1, "source": "data", "rule": {
                    "kind": "tiers", "unit": "percent", "direction": "lower_is_better",
                    "tiers": [{"max": 0, "points": 1}, {"max": 5, "points": 0.5}]}},
                {"id": "a6", "rule": {"kind": "deduction", "per": 0.5, "cap": 1}},
                {"id": "a7", "rule": {"kind": "bonus", "per": 0.5, "cap": 1}},
                {"id": "a8", "max": 10, "round": 2, "inputs": ["numerator", "denominator"],
                 "rule": {"kind": "formula", "expr": "10 * ratio(numerator, denominator, 0)", "clamp": True}},
            ]},
            {"id": "B", "aggregate": "mean", "max": 4, "children": [
                {"id": "b1", "weight": 2, "max": 3, "rule": {
                    "kind": "linear", "lower": 20, "upper": 80, "direction": "lower_is_better"}},
                {"id": "b2", "weight": 0.5, "max": 3, "source": "survey", "rule": {
                    "kind": "proportional", "unit": "percent", "clamp": True}},
                {"id": "C", "aggregate": "geomean", "children": [
                    {"id": "c1", "max": 1, "rule": {"kind": "proportional"}}]},
            ]},
            {"id": "BP", "aggregate": "sum", "round": 1, "points_min": -5, "points_max": 5, "children": [
                {"id": "bp1", "rule": {"kind": "bonus", "per": 1, "cap": 10}}]},
        ],
    },
}


def test_schema_accepts_a_document_with_every_field(validator):
    assert errors(validator, VALID) == []


def test_minimal_document(validator):
    doc = {"format": "chiso-model/1", "id": "m", "root": {
        "id": "R", "aggregate": "sum", "children": [{"id": "a", "max": 1, "rule": {"kind": "yes_no"}}]}}
    assert errors(validator, doc) == []


def test_the_bundled_models_are_there():
    """The models docs/assessment.md lists (and the tutorial): the test below checks each."""
    assert {p.stem for p in MODELS} >= {
        "hanoi-par-commune-2025", "hanoi-par-department-2025", "hanoi-par-district-2023",
        "hanoi-par-department-2023", "service-index-766", "sipas-2023", "tutorial-par"}


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_bundled_models_are_valid(validator, path):
    document = json.loads(path.read_text(encoding="utf-8"))
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors(validator, document)]
    assert problems == []


def _mutated(change):
    doc = copy.deepcopy(VALID)
    change(doc)
    return doc


def _leaf(doc, area, index):
    return doc["root"]["children"][area]["children"][index]


INVALID = {
    "wrong format": lambda d: d.update(format="chiso-model/2"),
    "missing id": lambda d: d.pop("id"),
    "unknown top-level field": lambda d: d.update(scal=10),
    "misspelt aggregate": lambda d: d["root"].update(agregate="mean"),
    "unknown aggregate": lambda d: d["root"].update(aggregate="average"),
    "unknown rule kind": lambda d: _leaf(d, 0, 0)["rule"].update(kind="percentage"),
    "rule field of another kind": lambda d: _leaf(d, 0, 2)["rule"].update(step=0.25),
    "step and values together": lambda d: _leaf(d, 0, 0)["rule"].update(values=[0, 1]),
    "min on a lower_is_better tier": lambda d: _leaf(d, 0, 4)["rule"]["tiers"][0].update(min=0),
    "max on a higher_is_better tier": lambda d: _leaf(d, 0, 3)["rule"]["tiers"][0].update(max=1),
    "unknown tier field": lambda d: _leaf(d, 0, 3)["rule"]["tiers"][0].update(pts=1),
    "tiers missing": lambda d: _leaf(d, 0, 3)["rule"].pop("tiers"),
    "max on a deduction": lambda d: _leaf(d, 0, 5).update(max=2),
    "leaf without max": lambda d: _leaf(d, 0, 0).pop("max"),
    "max of 0": lambda d: _leaf(d, 0, 0).update(max=0),
    "negative weight": lambda d: _leaf(d, 1, 0).update(weight=-1),
    "declared max on a sum node": lambda d: d["root"].update(max=10),
    "empty children": lambda d: d["root"]["children"][0].update(children=[]),
    "unknown source": lambda d: _leaf(d, 0, 0).update(source="council"),
    "rounding digits 13": lambda d: d["rounding"].update(digits=13),
    "rounding digits 2.5": lambda d: d["rounding"].update(digits=2.5),
    "unknown missing policy": lambda d: d.update(missing="impute"),
    "unknown tie rule": lambda d: d["ranking"].update(ties="average"),
    "band without label": lambda d: d["bands"][0].pop("label"),
    "clamp not a boolean": lambda d: d.update(clamp="yes"),
    "deduction without cap": lambda d: _leaf(d, 0, 5)["rule"].pop("cap"),
    "linear without upper": lambda d: _leaf(d, 1, 0)["rule"].pop("upper"),
    "scale 0": lambda d: d.update(scale=0),
    "root is a leaf": lambda d: d.update(root={"id": "a", "max": 1, "rule": {"kind": "yes_no"}}),
    "formula without expr": lambda d: _leaf(d, 0, 7)["rule"].pop("expr"),
    "formula with an empty expr": lambda d: _leaf(d, 0, 7)["rule"].update(expr=""),
    "formula with a field of another kind": lambda d: _leaf(d, 0, 7)["rule"].update(step=1),
    "input name starting with a digit": lambda d: _leaf(d, 0, 7).update(inputs=["1n"]),
    "input name that is a word of the language": lambda d: _leaf(d, 0, 7).update(inputs=["and"]),
    "duplicate input names": lambda d: _leaf(d, 0, 7).update(inputs=["n", "n"]),
    "empty inputs": lambda d: _leaf(d, 0, 7).update(inputs=[]),
    "round negative": lambda d: _leaf(d, 0, 7).update(round=-1),
    "round 13": lambda d: _leaf(d, 0, 7).update(round=13),
    "round 1.5": lambda d: d["root"]["children"][2].update(round=1.5),
    "points_min on a mean node": lambda d: d["root"]["children"][1].update(points_min=0),
    "points_max on a leaf": lambda d: _leaf(d, 0, 0).update(points_max=1),
    "inputs on an inner node": lambda d: d["root"]["children"][2].update(inputs=["n"]),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_schema_rejects(validator, name):
    assert errors(validator, _mutated(INVALID[name])), name
