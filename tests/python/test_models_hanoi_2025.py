"""Hanoi's 2025 PAR models (Decision 5666/QĐ-UBND: 8 contents + a 9th of capped bonus and penalty
points, on 100) and their synthetic sample (examples/data/*-2025.csv): structure, and every unit's
index recomputed here from the record and survey files by a separate, plain implementation of the
rules (FORMAT.md), with a few units checked by hand."""
from __future__ import annotations

import functools
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

import chiso
from chiso.assessment import Assessment, Survey

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "examples" / "models"
DATA = ROOT / "examples" / "data"
KINDS = {"commune": "units-commune-2025.csv", "department": "units-department-2025.csv"}


def _document(kind: str) -> dict:
    return json.loads((MODELS / f"hanoi-par-{kind}-2025.json").read_text(encoding="utf-8"))


def _leaves(node: dict, content: str = "") -> list:
    if "children" not in node:
        return [(node, content)]
    return [leaf for child in node["children"] for leaf in _leaves(child, content or child["id"])]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_structure_nine_contents_on_100_points(kind):
    doc = _document(kind)
    contents = doc["root"]["children"]
    assert [c["id"] for c in contents] == [f"A{k}" for k in range(1, 10)]
    assert "5666/QĐ-UBND" in doc["description"] and "ILLUSTRATIVE" in doc["description"]
    assert doc["meta"]["sourced"] and doc["meta"]["illustrative"]
    leaves = [leaf for leaf, _ in _leaves(doc["root"])]
    assert sum(leaf.get("max", 0) for leaf in leaves) == pytest.approx(100)
    assert sum(leaf["max"] for leaf in leaves if leaf.get("source") == "survey") == pytest.approx(30)
    content_9 = contents[8]
    assert (content_9["points_min"], content_9["points_max"]) == (-3, 2)
    assert {leaf["rule"]["kind"] for leaf in content_9["children"]} == {"bonus", "deduction"}
    assert all("max" not in leaf for leaf in content_9["children"])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_models_load(kind):
    model = chiso.load_model(MODELS / f"hanoi-par-{kind}-2025.json")
    assert len(model.leaf_ids) == 54 + 18 + 8


def test_the_126_communes_and_wards():
    units = pd.read_csv(DATA / "units-commune-2025.csv")
    assert len(units) == 126 and units["id"].is_unique
    assert (units["name"].str.startswith("Phường ").sum(), units["name"].str.startswith("Xã ").sum()) == (51, 75)
    assert {"Phường Ô Chợ Dừa", "Phường Văn Miếu - Quốc Tử Giám", "Xã Hương Sơn"} <= set(units["name"])


# --- an independent recomputation of the index from the files -------------------------------

def _points(rule: dict, maximum: float, x: float) -> float:
    kind = rule["kind"]
    if kind == "points":
        return x
    if kind == "yes_no":
        return maximum * x
    if kind == "tiers":  # the input is in the tiers' unit (percent or fraction)
        return next((t["points"] for t in rule["tiers"] if x >= t["min"]), 0.0)
    if kind == "proportional":
        return maximum * x
    if kind == "bonus":
        return min(rule["per"] * x, rule["cap"])
    if kind == "deduction":
        return -min(rule["per"] * x, rule["cap"])
    raise AssertionError(kind)


def _survey_rates(unit_ids) -> dict:
    """(unit, question) → (Σ weights of answers 4–5, Σ weights of answers) from the microdata."""
    survey = pd.read_csv(DATA / "survey-par-2025.csv")
    survey = survey[survey["unit"].isin(unit_ids)]
    answers = survey.melt(id_vars=["respondent", "unit", "service", "weight"], var_name="question",
                          value_name="answer").dropna(subset=["answer"])
    answers["satisfied"] = answers["weight"].where(answers["answer"] >= 4, 0.0)
    sums = answers.groupby(["unit", "question"])[["satisfied", "weight"]].sum()
    return {key: (row.satisfied, row.weight) for key, row in zip(sums.index, sums.itertuples())}


def _half_up(x: float) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@functools.lru_cache(maxsize=None)
def recompute(kind: str) -> pd.DataFrame:
    doc = _document(kind)
    units = pd.read_csv(DATA / KINDS[kind])["id"].tolist()
    records = pd.read_csv(DATA / f"par-{kind}-2025.csv", keep_default_na=False)
    in_force = {}  # (stage, unit, criterion) → (applicable, value) of the latest record
    for row in records.sort_values("timestamp", kind="stable").itertuples():
        in_force[(row.stage, row.unit, row.criterion)] = (row.applicable, row.value)
    rates = _survey_rates(units)
    rows = []
    for unit in units:
        total = maximum = content_9 = 0.0
        for leaf, content in _leaves(doc["root"]):
            key = (unit, leaf["id"])
            # The final input: the appraisal in force, else the survey rate, else the self-score.
            final = next((in_force[(s, *key)] for s in ("appraisal", "self") if (s, *key) in in_force
                          and (s == "appraisal" or leaf.get("source") != "survey")), None)
            if final and final[0] == "no":
                continue  # not applicable: neither points nor max
            if final:
                x = float(final[1])
            else:  # a survey criterion: the pooled rate of its questions
                pooled = [rates[(unit, q)] for q in leaf["meta"]["survey"]["questions"]]
                x = sum(s for s, _ in pooled) / sum(w for _, w in pooled)
            points = _points(leaf["rule"], leaf.get("max", 0.0), x)
            if "round" in leaf:  # survey criteria: published, and added, with two decimals, half up on the
                # decimal value (FORMAT.md 0.3: the rate × max read to 15 significant digits, so 0.89 × 0.5 is 0.445)
                points = float(Decimal(f"{float(points):.15g}").quantize(Decimal(1).scaleb(-leaf["round"]),
                                                                          rounding=ROUND_HALF_UP))
            if content == "A9":
                content_9 += points
            else:
                total += points
            maximum += leaf.get("max", 0.0)
        capped_9 = min(max(content_9, -3.0), 2.0)
        index = min(max((total + capped_9) / maximum * 100, 0.0), 100.0)
        rows.append(dict(unit=unit, raw_9=content_9, content_9=capped_9, max=maximum, raw_index=index,
                         index=float(_half_up(index))))
    return pd.DataFrame(rows).set_index("unit")


@functools.lru_cache(maxsize=None)
def evaluate_sample(kind: str) -> pd.DataFrame:
    model = chiso.load_model(MODELS / f"hanoi-par-{kind}-2025.json")
    a = Assessment.from_csv(model, "2025", DATA / KINDS[kind], DATA / f"par-{kind}-2025.csv")
    a.set_survey(Survey.from_csv(DATA / "survey-par-2025.csv"), strict=False)
    return a.final_results()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_unit_index_matches_the_independent_recomputation(kind):
    results, expected = evaluate_sample(kind), recompute(kind)
    assert len(results) == len(expected) == (126 if kind == "commune" else 15)
    got = results["index"].reindex(expected.index)
    tie = (expected["raw_index"] * 100 % 1 - 0.5).abs() < 1e-6  # a tie at the third decimal: either side
    assert ((got - expected["index"]).abs() <= 1e-9)[~tie].all()
    assert ((got - expected["raw_index"]).abs() <= 0.005 + 1e-9).all()
    assert sorted(results["rank"].tolist())[0] == 1


def test_the_cap_of_content_9_binds_in_the_commune_sample():
    results, expected = evaluate_sample("commune"), recompute("commune")
    over = expected[expected["raw_9"] > 2]
    assert len(over) > 0  # the sample has units whose bonuses exceed the cap of +2
    assert (results.loc[over.index, "A9"] == 2).all()
    assert (results["A9"] >= -3 - 1e-9).all() and (results["A9"] <= 2 + 1e-9).all()


def test_by_hand_a_department_without_one_stop_procedures():
    # Thanh tra Thành phố: content 3 (23 points: 13 appraisal + 10 SIPAS) does not apply, so its
    # maximum is 100 − 23 = 77 and its index is its points over 77.
    expected = recompute("department")
    assert expected.loc["thanh-tra", "max"] == pytest.approx(77)
    assert expected.loc["so-noi-vu", "max"] == pytest.approx(100)
    results = evaluate_sample("department")
    assert results.loc["thanh-tra", "index"] == pytest.approx(expected.loc["thanh-tra", "index"], abs=1e-9)


def _full_marks(leaf: dict) -> float:
    rule = leaf["rule"]
    return {"points": leaf.get("max"), "yes_no": 1.0, "proportional": 1.0,
            "tiers": rule.get("tiers", [{}])[0].get("min")}.get(rule["kind"])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_by_hand_the_limits_of_content_9(kind):
    """A unit with every criterion at full marks (100 points): 10 of each deduction is −6.5 points
    before the limit, −3 after it → 97.00; 10 of each bonus is +3, +2 after the limit → 102,
    and the model clamps the index to 100."""
    doc = _document(kind)
    model = chiso.load_model(MODELS / f"hanoi-par-{kind}-2025.json")
    leaves = [leaf for leaf, _ in _leaves(doc["root"])]
    row = {leaf["id"]: _full_marks(leaf) for leaf in leaves if leaf["rule"]["kind"] not in ("bonus", "deduction")}
    penalties = dict(row, **{leaf["id"]: 10.0 if leaf["rule"]["kind"] == "deduction" else 0.0
                             for leaf in leaves if leaf["rule"]["kind"] in ("bonus", "deduction")})
    bonuses = dict(row, **{leaf["id"]: 10.0 if leaf["rule"]["kind"] == "bonus" else 0.0
                           for leaf in leaves if leaf["rule"]["kind"] in ("bonus", "deduction")})
    table = pd.DataFrame([penalties, bonuses], index=["penalties", "bonuses"])[list(model.leaf_ids)]
    result = model.evaluate(table)
    assert result.points.loc["penalties", "A9"] == pytest.approx(-3)   # −(1 + 1 + 1.5 + 1 + 1) = −6.5 → −3
    assert result.points.loc["bonuses", "A9"] == pytest.approx(2)      # 1 + 1 + 1 = 3 → 2
    assert result.scores.loc["penalties", "index"] == pytest.approx(97.0)
    assert result.scores.loc["bonuses", "index"] == pytest.approx(100.0)
