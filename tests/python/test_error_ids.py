"""Each error of the catalogue (docs/errors.md) triggered by a bad argument or file, with its id
and the place its message names (the function, the entry, the value, the file)."""
from __future__ import annotations

import math
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso import _core
from chiso import analysis as ca
from chiso import sensitivity as sa
from chiso.assessment import Assessment, Survey
from chiso.errors import ChisoError

from error_cases import check_error

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "examples" / "models" / "tutorial-par.json"


def tree(rows=None) -> ca.Hierarchy:
    # Index P over the indicators i1 and i2.
    return ca.Hierarchy(rows if rows is not None else [
        {"code": "i1", "level": 1, "parent": "P"}, {"code": "i2", "level": 1, "parent": "P"},
        {"code": "P", "level": 2}])


X = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 9.0]])
W = [0.5, 0.5]


def _ahp_inconsistent():
    return ca.ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]], raise_if_inconsistent=True)


CASES = {
    # Hierarchies (one binding helper reads every row).
    "analysis.hierarchy_empty": (lambda: tree([]), ""),
    "analysis.hierarchy_code": (lambda: tree([{"code": "", "level": 1}]), ""),
    "analysis.hierarchy_duplicate": (lambda: tree([{"code": "i1", "level": 1, "parent": "P"},
                                                   {"code": "i1", "level": 1, "parent": "P"},
                                                   {"code": "P", "level": 2}]), "i1"),
    "analysis.hierarchy_level": (lambda: tree([{"code": "i1", "level": 0}]), "i1"),
    "analysis.hierarchy_parent": (lambda: tree([{"code": "i1", "level": 1, "parent": "X"},
                                                {"code": "P", "level": 2}]), "X"),
    "analysis.hierarchy_parent_level": (lambda: tree([{"code": "i1", "level": 1, "parent": "P"},
                                                      {"code": "P", "level": 3}]), "P"),
    "analysis.hierarchy_weight": (lambda: tree([{"code": "i1", "level": 1, "parent": "P", "weight": -1},
                                                {"code": "P", "level": 2}]), "i1"),
    "analysis.hierarchy_direction": (lambda: tree([{"code": "i1", "level": 1, "parent": "P", "direction": 2},
                                                   {"code": "P", "level": 2}]), "i1"),
    "analysis.hierarchy_childless": (lambda: tree([{"code": "P", "level": 2}]), "'P'"),
    # Aggregation.
    "analysis.aggregation": (lambda: ca.aggregate(tree(), X, methods=[{"method": "median_of_means"}]),
                             "median_of_means"),
    "analysis.aggregation_levels": (lambda: ca.aggregate(tree(), X, methods=[{"method": "arithmetic"}] * 3), ""),
    "analysis.aggregate_shape": (lambda: ca.aggregate(tree(), np.ones((3, 3))), ""),
    "analysis.geometric_nonpositive": (lambda: ca.aggregate(tree(), [[0.0, 1.0]], methods=[{"method": "geometric"}]),
                                       "geometric"),
    "analysis.harmonic_nonpositive": (lambda: ca.aggregate(tree(), [[0.0, 1.0]], methods=[{"method": "harmonic"}]),
                                       "harmonic"),
    # AHP.
    "analysis.ahp_shape": (lambda: ca.ahp([[1, 2, 3], [0.5, 1, 1]]), ""),
    "analysis.ahp_positive": (lambda: ca.ahp([[1, -2], [-0.5, 1]]), ""),
    "analysis.ahp_reciprocal": (lambda: ca.ahp([[1, 2], [2, 1]]), ""),
    "analysis.ahp_method": (lambda: ca.ahp([[1, 2], [0.5, 1]], method="least_squares"), "least_squares"),
    "analysis.ahp_inconsistent": (_ahp_inconsistent, "consistency ratio"),
    "analysis.ahp_ri": (lambda: ca.ahp([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]], random_index=[0.0]), ""),
    # Correlations, weights, screening.
    "analysis.correlation_method": (lambda: ca.correlations(X, method="kendall"), "kendall"),
    "analysis.correlation_shape": (lambda: ca.parent_correlations(tree(), X), ""),
    "analysis.aggregation_node": (lambda: ca.within_correlations(tree(), np.ones((3, 3)), "i1"), "'i1'"),
    "analysis.unknown_code": (lambda: ca.within_correlations(tree(), np.ones((3, 3)), "Q"), "'Q'"),
    "analysis.entropy_negative": (lambda: ca.entropy_weights([[-1.0, 2.0], [3.0, 4.0]]), ""),
    "analysis.weights_missing": (lambda: ca.entropy_weights([[1.0, math.nan], [2.0, 3.0]]), ""),
    "analysis.weights_degenerate": (lambda: ca.std_weights([[1.0, 2.0], [1.0, 2.0]]), ""),
    "analysis.pca_rows": (lambda: ca.pca_weights([[1.0, 2.0], [math.nan, 1.0], [2.0, math.nan]]), ""),
    "analysis.screen_threshold": (lambda: ca.screen(X, threshold=2.0), ""),
    "analysis.screen_rule": (lambda: ca.screen(X, rule="byMean"), "byMean"),
    # Normalisation.
    "analysis.normalise_method": (lambda: ca.normalise(X, [1, 1], method="softmax"), "softmax"),
    "analysis.normalise_shape": (lambda: ca.normalise(X, [1]), ""),
    "analysis.normalise_target": (lambda: ca.normalise(X, [1, 1], method="distance_to_target"), ""),
    "analysis.spec_key": (lambda: ca.normalise(X, [1, 1], upperr=100), "upperr"),
    # Decision-matrix methods (topsis, vikor, waspas).
    "analysis.topsis_normalisation": (lambda: ca.topsis(X, W, normalisation="l3"), "l3"),
    "analysis.vikor_v": (lambda: ca.vikor(X, W, v=2.0), ""),
    "analysis.waspas_lambda": (lambda: ca.waspas(X, W, lambda_=2.0), ""),
    "analysis.decision_matrix_value": (lambda: ca.topsis([[1.0, math.nan], [2.0, 3.0]], W), ""),
    "analysis.decision_matrix_shape": (lambda: ca.topsis([1.0, 2.0], W), "2-D"),
    "analysis.directions_length": (lambda: ca.topsis(X, W, directions=[1]), ""),
    "analysis.directions_value": (lambda: ca.topsis(X, W, directions=["up", "max"]), "directions[0]"),
    "analysis.weights_length": (lambda: ca.topsis(X, [1.0]), ""),
    "analysis.weights_value": (lambda: ca.topsis(X, [-1.0, 1.0]), ""),
    "analysis.rank_similarity": (lambda: ca.weighted_spearman([1, 2], [1, 2, 3]), ""),
    # Sobol analysis and the uncertainty engine.
    "sensitivity.d": (lambda: sa.saltelli_sample(8, 0), ""),
    "sensitivity.y": (lambda: sa.sobol_indices(np.zeros(5), 8, 2), ""),
    "sensitivity.quantiles": (lambda: sa.sobol_indices(np.arange(32.0), 8, 2, bootstrap=10, lower_p=0.9,
                                                       upper_p=0.1), ""),
    "uncertainty.assumption_type": (lambda: sa.CompositeAnalysis(
        [{"code": "i1", "level": 1, "parent": "P"}, {"code": "i2", "level": 1, "parent": "P"},
         {"code": "P", "level": 2}], X, [{"name": "w", "type": "bootstrap"}]), "bootstrap"),
    "uncertainty.output": (lambda: sa.CompositeAnalysis(
        [{"code": "i1", "level": 1, "parent": "P"}, {"code": "i2", "level": 1, "parent": "P"},
         {"code": "P", "level": 2}], X, [sa.noisy_weights("w", {1: 0.2})]).sensitivity(8, output="best"), "best"),
    # Scoring and results.
    "parameter.keep": (lambda: chiso.load_model(MODEL).evaluate(
        pd.DataFrame(np.ones((1, 7)), columns=chiso.load_model(MODEL).input_columns), keep="leaves"), "leaves"),
    "data.unknown_unit": (lambda: chiso.load_model(MODEL).evaluate(
        pd.DataFrame(np.ones((1, 7)), columns=chiso.load_model(MODEL).input_columns)).explain("nowhere"),
        "nowhere"),
    "parameter.pickle": (lambda: type(chiso.load_model(MODEL).evaluate(np.ones((1, 7)))._core).__new__(
        type(chiso.load_model(MODEL).evaluate(np.ones((1, 7)))._core)).__setstate__((1, 2)), "got 2"),
    "parameter.language": (lambda: chiso.reports.i18n.check_language("fr"), "fr"),
    "report.format": (lambda: chiso.reports.write(chiso.load_model(MODEL).evaluate(np.ones((1, 7))), "out.txt"),
                      "out.txt"),
    "report.source": (lambda: chiso.reports.build("a table"), "str"),
}


@pytest.mark.parametrize("error_id", sorted(CASES))
def test_each_error_has_its_id_and_names_the_place(error_id):
    trigger, place = CASES[error_id]
    check_error(error_id, trigger, place)


# Files -----------------------------------------------------------------------------------------

def test_files_errors_name_the_file(tmp_path):
    model = chiso.load_model(MODEL)
    units = tmp_path / "units.csv"
    units.write_text("id,name,group\nu1,One,a\nu1,Again,a\n", encoding="utf-8")
    with pytest.raises(ChisoError) as caught:
        Assessment(model, "2023", units)
    assert caught.value.id == "assessment.unit_duplicate" and f"{units}:3" in str(caught.value)
    units.write_text("id,name,group\n,Nameless,a\n", encoding="utf-8")
    with pytest.raises(ChisoError) as caught:
        Assessment(model, "2023", units)
    assert caught.value.id == "assessment.unit_id" and f"{units}:2" in str(caught.value)
    with pytest.raises(ChisoError) as caught:
        Assessment.from_json(tmp_path / "absent.json", model)
    assert caught.value.id == "io.read" and "absent.json" in str(caught.value)
    a = Assessment(model, "2023", ["u1"])
    with pytest.raises(ChisoError) as caught:
        a.to_csv(tmp_path / "no-such-folder" / "records.csv")
    assert caught.value.id == "io.write" and "no-such-folder" in str(caught.value)


def test_records_need_their_columns():
    a = Assessment(chiso.load_model(MODEL), "2023", ["u1"])
    with pytest.raises(ChisoError) as caught:
        a.add([{"unit": "u1", "criterion": "A1.1", "stage": "self", "value": 1}], source="batch")
    assert caught.value.id == "assessment.columns" and "'timestamp'" in str(caught.value)
    with pytest.raises(ChisoError) as caught:
        a.add([{"unit": "u1", "criterion": "A1.1", "stage": "final", "value": 1, "timestamp": "2023-10-01"}],
              source="batch")
    assert caught.value.id == "assessment.stage" and "batch row 0" in str(caught.value)


def test_dask_arguments_name_the_column():
    import dask.dataframe as dd
    from chiso import dask as chiso_dask

    model = chiso.load_model(MODEL)
    frame = pd.DataFrame(np.ones((4, 7)), columns=model.input_columns, index=[f"u{k}" for k in range(4)])
    ddf = dd.from_pandas(frame, npartitions=2)
    checks = [
        (lambda: chiso_dask.evaluate(model, ddf, keep="leaves"), "dask.keep", "'leaves'"),
        (lambda: chiso_dask.evaluate(model, ddf.drop(columns=model.input_columns[0])), "dask.columns",
         model.input_columns[0]),
        (lambda: chiso_dask.evaluate(model, ddf, groups="district"), "dask.groups", "'district'"),
        (lambda: chiso_dask.evaluate(model, ddf, applicable=dd.from_pandas(frame.astype(bool), npartitions=1)),
         "dask.applicable", "1 partitions"),
        (lambda: chiso_dask.aggregate_records(pd.DataFrame({"unit": ["u1"], "done": [True]}), "unit",
                                              {"A1.1": "on_time"}, {}), "dask.record_columns", "on_time"),
        (lambda: chiso_dask.uncertainty([{"code": "i1", "level": 1, "parent": "P"},
                                         {"code": "i2", "level": 1, "parent": "P"}, {"code": "P", "level": 2}],
                                        X, [sa.noisy_weights("w", {1: 0.2})], 8, blocks=0),
         "dask.blocks", "got 0"),
    ]
    for trigger, error_id, place in checks:
        with pytest.raises(ChisoError) as caught:
            trigger()
        assert caught.value.id == error_id, str(caught.value)
        assert place in str(caught.value)


def test_the_store_names_what_it_lacks(tmp_path):
    from chiso import store

    model = chiso.load_model(MODEL)
    empty = tmp_path / "empty.sqlite"
    import sqlite3
    sqlite3.connect(empty).close()
    with pytest.raises(ChisoError) as caught:
        store.read(empty, model, "2023")
    assert caught.value.id == "store.empty" and "empty.sqlite" in str(caught.value)
    url = tmp_path / "records.sqlite"
    a = Assessment(model, "2023", [("u1", "One", "a")])
    store.write(a, url)
    with pytest.raises(ChisoError) as caught:
        store.read(url, model, "2024")
    assert caught.value.id == "store.no_period" and "'2024'" in str(caught.value)
    other = Assessment(model, "2023", [("u1", "Another name", "a")])
    with pytest.raises(ChisoError) as caught:
        store.write(other, url)
    assert caught.value.id == "store.unit_conflict" and "'u1'" in str(caught.value)


ROWS = [{"code": "i1", "level": 1, "parent": "P"}, {"code": "i2", "level": 1, "parent": "P"},
        {"code": "P", "level": 2}]


def tutorial_inputs() -> pd.DataFrame:
    model = chiso.load_model(MODEL)
    return pd.DataFrame(np.ones((2, 7)), columns=model.input_columns, index=["u1", "u2"])


MORE_CASES = {
    "uncertainty.data_variants": (lambda: sa.CompositeAnalysis(
        ROWS, [X, X, X], [sa.data_choice("winmax", ["4", "5"])]), "3 variants"),
    "uncertainty.data_builder": (lambda: sa.CompositeAnalysis(
        ROWS, lambda choices, values: np.ones((3, 3)) if values[0] > 0.5 else X,
        [sa.data_range("cap", 0.0, 1.0, 0.25)], units=["a", "b", "c"]).uncertainty(16, seed=1), "3 × 3"),
    "whatif.target": (lambda: sa.smallest_lift(chiso.load_model(MODEL), tutorial_inputs(), "u1", rank=0),
                      "target rank"),
    "whatif.step": (lambda: sa.rank_gains(chiso.load_model(MODEL), tutorial_inputs(), "u1", step=-1), "step"),
    "whatif.values": (lambda: sa.rank_gains(chiso.load_model(MODEL), np.ones((2, 3)), 0), "3 columns"),
    "ranking.counts": (lambda: _core.ranking.rank_value_counts(chiso.load_model(MODEL)._core, np.array([1.0, 2.0]),
                                                               np.array([1], dtype=np.int64)), "differ in length"),
    "ranking.values": (lambda: _core.ranking.rank_value_counts(chiso.load_model(MODEL)._core, np.array([1.0, 1.0]),
                                                               np.array([1, 1], dtype=np.int64)), "listed twice"),
    "assessment.input": (lambda: Assessment(ROOT / "examples" / "models" / "service-index-766.json", "2023",
                                            ["hanoi"]).add({"unit": "hanoi", "criterion": "PUBLISH_ON_TIME.total",
                                                            "stage": "self", "value": 1, "timestamp": "2023-11-01"}),
                         'unknown input "total"'),
    "assessment.reopen": (lambda: Assessment(chiso.load_model(MODEL), "2023", ["u1"]).reopen(
        "self", "2023-12-31", "", timestamp="2023-11-01T00:00:00Z"), "needs a reason"),
    "survey.not_survey": (lambda: Assessment(chiso.load_model(MODEL), "2023", ["u1"])._core.set_survey_inputs(
        ["u1"], ["A1.1"], np.ones((1, 1))), "A1.1"),
    "survey.unknown_criterion": (lambda: Assessment(chiso.load_model(MODEL), "2023", ["u1"])._core.set_survey_inputs(
        ["u1"], ["Z9"], np.ones((1, 1))), "Z9"),
    "survey.shape": (lambda: Assessment(chiso.load_model(MODEL), "2023", ["u1"])._core.set_survey_inputs(
        ["u1"], ["A3.2"], np.ones((1, 2))), "units × leaves"),
    "survey.mapping": (lambda: Survey.from_frame(pd.DataFrame({"unit": ["u1"], "Q1": [5]})).rates(
        chiso.load_model(MODEL), {"A1.1": ["Q1"]}), "A1.1"),
    "survey.question": (lambda: Survey.from_frame(pd.DataFrame({"unit": ["u1"], "Q1": [5]})).rates(
        chiso.load_model(MODEL), {"A3.2": ["Q7"]}), "'Q7'"),
}


@pytest.mark.parametrize("error_id", sorted(MORE_CASES))
def test_more_errors_have_their_id_and_name_the_place(error_id):
    trigger, place = MORE_CASES[error_id]
    check_error(error_id, trigger, place)
