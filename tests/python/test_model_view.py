"""One tree: a composite index is a model file (indicator leaves), iMeta rows become a model, and
the composite toolkit and the uncertainty engine take models — composite indices and scored (PAR)
models alike. Expected values: the independent numpy transcription of COINr (tests/python/
reference) for ASEM, and hand calculation for the small models."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso import analysis as ca
from chiso import sensitivity as sa

from error_cases import check_error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference import coinr_asem  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ASEM_MODEL = ROOT / "examples" / "models" / "asem-composite.json"


@pytest.fixture(scope="module")
def asem():
    idata, imeta = coinr_asem.load(coinr_asem.ASEM_DIR)
    return idata, imeta, coinr_asem.build(idata, imeta)


def test_the_bundled_asem_model_file_runs_coinr_example_to_the_reference(asem):
    idata, _, ref = asem
    model = chiso.load_model(ASEM_MODEL)
    data = idata.set_index("uCode")
    res = ca.Pipeline.coinr_example(model).run(data, denominators=data[["Area", "Energy", "GDP", "Population"]],
                                               groups=data[["EurAsia_group"]])
    expected = ref["Aggregated"]
    diff = (res.scores[expected.columns] - expected).abs().to_numpy().max()
    assert diff <= 1e-9, diff
    assert (res.ranks.astype(int) == ref["Ranks"].astype(int)).all()


def test_imeta_becomes_the_same_tree_as_the_model_file(asem):
    _, imeta, _ = asem
    from_imeta = ca.model_from_imeta(imeta, id="asem")
    assert from_imeta.id == "asem"
    view, bundled = ca.hierarchy_of(from_imeta), ca.hierarchy_of(chiso.load_model(ASEM_MODEL))
    assert list(view.codes) == list(bundled.codes)
    assert list(view.weights) == list(bundled.weights)
    assert list(view.directions) == list(bundled.directions)
    # The iMeta table itself: 49 indicators, Direction −1 where COINr says so.
    indicators = imeta[imeta["Type"] == "Indicator"].set_index("iCode")
    assert list(view.indicator_codes) == list(indicators.index)
    assert list(view.directions) == [int(d) for d in indicators["Direction"]]
    # Saved and read again: the same model.
    assert chiso.load_model(from_imeta.to_json()) == from_imeta


def test_a_composite_index_is_not_scored_by_rules():
    model = chiso.load_model(ASEM_MODEL)
    values = pd.DataFrame(np.ones((1, len(model.input_columns))), columns=model.input_columns, index=["u1"])
    check_error("model.composite", lambda: model.evaluate(values), "/root/children/0/children/0/children/0")


TOY_PAR = {
    # Root (sum) = C1 (points, max 4) + C2 (mean, max 6) of a (yes/no, max 1) and b (linear
    # 0–10, max 2, weight 3).
    "format": "chiso-model/1", "id": "toy-par", "name": "Toy PAR",
    "root": {"id": "R", "name": "Root", "aggregate": "sum", "children": [
        {"id": "C1", "name": "C1", "max": 4, "rule": {"kind": "points"}},
        {"id": "C2", "name": "C2", "aggregate": "mean", "max": 6, "children": [
            {"id": "a", "name": "a", "max": 1, "rule": {"kind": "yes_no"}},
            {"id": "b", "name": "b", "max": 2, "weight": 3, "rule": {"kind": "linear", "lower": 0, "upper": 10}}]}]}}


def test_a_par_model_goes_through_the_uncertainty_engine():
    model = chiso.load_model(TOY_PAR)
    inputs = pd.DataFrame({"C1": [3.0, 4.0, 1.0], "a": [1.0, 0.0, 1.0], "b": [5.0, 10.0, 0.0]}, index=["u1", "u2", "u3"])
    result = model.evaluate(inputs)
    # By hand: u1 = (3 + 6·(1 + 3·0.5)/4)/10 = 0.675; u2 = (4 + 6·(0 + 3·1)/4)/10 = 0.85;
    # u3 = (1 + 6·(1 + 0)/4)/10 = 0.25.
    assert result.scores["index"].tolist() == [67.5, 85.0, 25.0]
    tree = ca.hierarchy_of(model)
    assert list(tree.weights) == [4, 1, 3, 6, 1]
    scores = result.score[list(tree.indicator_codes)]
    analysis = sa.CompositeAnalysis(model, scores, [sa.noisy_weights("criteria", {1: 0.25})])
    nominal = analysis.nominal_scores()
    assert nominal["R"].tolist() == pytest.approx([0.675, 0.85, 0.25], abs=1e-15)
    assert nominal["C2"].tolist() == pytest.approx([0.625, 0.75, 0.25], abs=1e-15)
    ua = analysis.uncertainty(200, seed=3)
    # u2 leads on every criterion but a: no weight within ±25% moves it from first; u3 is last on
    # C1 and b, ahead only on a (with u1): it stays last.
    ranks = ua.rank_stats
    assert ranks.loc["u2", "Q5"] == 1 and ranks.loc["u2", "Q95"] == 1
    assert ranks.loc["u3", "Q5"] == 3 and ranks.loc["u3", "Q95"] == 3


def test_each_node_aggregates_with_its_own_method_unless_told():
    model = chiso.load_model({
        "format": "chiso-model/1", "id": "toy-composite", "name": "Toy",
        "root": {"id": "Index", "name": "Index", "aggregate": "mean", "children": [
            {"id": "P1", "name": "P1", "aggregate": "max", "children": [
                {"id": "i1", "name": "i1", "rule": {"kind": "indicator"}},
                {"id": "i2", "name": "i2", "rule": {"kind": "indicator"}}]},
            {"id": "P2", "name": "P2", "aggregate": "geomean", "children": [
                {"id": "i3", "name": "i3", "rule": {"kind": "indicator"}},
                {"id": "i4", "name": "i4", "rule": {"kind": "indicator"}}]}]}})
    x = pd.DataFrame({"i1": [1.0, 4.0], "i2": [9.0, 1.0], "i3": [4.0, 1.0], "i4": [9.0, 16.0]}, index=["u", "v"])
    own = ca.aggregate(model, x)
    # P1 = max: 9, 4; P2 = √(4·9) = 6, √16 = 4; Index = (9 + 6)/2 = 7.5, (4 + 4)/2 = 4.
    assert own["P1"].tolist() == [9.0, 4.0]
    assert own["P2"].tolist() == pytest.approx([6.0, 4.0], abs=1e-15)
    assert own["Index"].tolist() == pytest.approx([7.5, 4.0], abs=1e-15)
    told = ca.aggregate(model, x, methods=[{"method": "arithmetic"}])
    # Everything arithmetic: P1 = 5, 2.5; P2 = 6.5, 8.5; Index = 5.75, 5.5.
    assert told["Index"].tolist() == pytest.approx([5.75, 5.5], abs=1e-15)
    # The uncertainty engine varies means only: a max node is refused, naming it.
    check_error("uncertainty.node_method",
                lambda: sa.CompositeAnalysis(model, x, [sa.noisy_weights("w", {1: 0.1})]), "'P1'")


def test_errors_of_the_tree():
    rows = [{"code": "i1", "level": 1, "parent": "A"}, {"code": "i2", "level": 1, "parent": "B"},
            {"code": "A", "level": 2}, {"code": "B", "level": 2}]
    imeta = pd.DataFrame({"iCode": [r["code"] for r in rows], "Level": [r["level"] for r in rows],
                          "Parent": [r.get("parent") for r in rows]})
    check_error("analysis.hierarchy_roots", lambda: ca.model_from_imeta(imeta), "'A', 'B'")
    check_error("analysis.hierarchy_type", lambda: ca.hierarchy_of(42), "int")
    mixed = {"format": "chiso-model/1", "id": "mixed", "name": "Mixed",
             "root": {"id": "R", "name": "R", "aggregate": "mean", "children": [
                 {"id": "i1", "name": "i1", "rule": {"kind": "indicator"}},
                 {"id": "c1", "name": "c1", "max": 1, "rule": {"kind": "yes_no"}}]}}
    check_error("model.indicator", lambda: chiso.load_model(mixed), "/root/children/1/rule")
    with_bonus = {"format": "chiso-model/1", "id": "bonus", "name": "Bonus",
                  "root": {"id": "R", "name": "R", "aggregate": "sum", "children": [
                      {"id": "c1", "name": "c1", "max": 1, "rule": {"kind": "yes_no"}},
                      {"id": "b1", "name": "b1", "rule": {"kind": "bonus", "per": 1, "cap": 2}}]}}
    check_error("analysis.model_adjustments", lambda: ca.hierarchy_of(chiso.load_model(with_bonus)), "'b1'")


def test_the_command_line_validates_a_composite_index_and_refuses_to_score_it(tmp_path):
    from test_cli import assert_clean_error, call, out
    done = call("validate", ASEM_MODEL, cwd=tmp_path)
    assert done.returncode == 0 and "valid (asem-composite, 49 criteria)" in out(done)
    (tmp_path / "inputs.csv").write_text("unit,LPI\nu1,3\n", encoding="utf-8")
    assert_clean_error(call("score", ASEM_MODEL, "inputs.csv", cwd=tmp_path), 1, "composite index",
                       "[chiso.model.composite]")
    assert chiso.load_model(ASEM_MODEL).composite and not chiso.load_model(TOY_PAR).composite
