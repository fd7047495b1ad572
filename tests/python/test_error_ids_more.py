"""More errors of the catalogue (docs/errors.md), each triggered from Python with its id and the
place its message names (the node, the indicator, the unit, the key, the file): the pipeline's
steps, normalisation and aggregation parameters, weights, the JSON a pipeline is read from, masks,
surveys and reports, table files, and the optional packages and model files the CLI needs."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso import analysis as ca
from chiso import io as chiso_io
from chiso.assessment import Assessment
from chiso.errors import ChisoError

from error_cases import check_error

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "examples" / "models" / "tutorial-par.json"
_a = ca._a  # the C++ bindings, for the arguments the Python layer always shapes itself

ROWS = [{"code": "i1", "level": 1, "parent": "P"}, {"code": "i2", "level": 1, "parent": "P"},
        {"code": "P", "level": 2}]
# i1 is divided by the denominator 'Area'.
ROWS_AREA = [{"code": "i1", "level": 1, "parent": "P", "denominator": "Area"},
             {"code": "i2", "level": 1, "parent": "P"}, {"code": "P", "level": 2}]


def tree(rows=None) -> ca.Hierarchy:
    return ca.Hierarchy(ROWS if rows is None else rows)


X = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 9.0]])
DATA = pd.DataFrame(X, index=pd.Index(["u1", "u2", "u3"], name="unit"), columns=["i1", "i2"])
AREA = pd.DataFrame({"Area": [10.0, 0.0, 30.0]}, index=DATA.index)  # u2's area is zero


def pipe(spec, rows=None) -> ca.Pipeline:
    return ca.Pipeline(tree(rows), spec)


def inputs(model, units=("u1",)) -> pd.DataFrame:
    return pd.DataFrame(np.ones((len(units), len(model.input_columns))), columns=model.input_columns, index=list(units))


def core_run(data, units=(), denominators=None, denominator_codes=()):
    # Pipeline.run always passes the hierarchy's columns and one code per row; the core checks them.
    p = pipe({})
    return p._core.run(np.asfortranarray(data, dtype=float), list(units),
                       np.zeros((len(data), 0), order="F") if denominators is None else denominators,
                       list(denominator_codes), {})


CASES = {
    # Pipeline specs and their JSON.
    "analysis.spec_json": (lambda: pipe({"normalise": "min_max"}), "normalise"),
    "analysis.pipeline_json": (lambda: ca.Pipeline.from_json(json.dumps({"hierarchy": ROWS})), "'spec'"),
    "analysis.hierarchy_json": (lambda: ca.Hierarchy.from_json(json.dumps([{"level": 1}])), "hierarchy JSON"),
    "analysis.pipeline_weights": (lambda: pipe({"weights": [1.0, 1.0]}), "3 nodes"),
    "analysis.impute_method": (lambda: pipe({"impute": {"method": "knn"}}), "knn"),
    # Pipeline runs.
    "analysis.pipeline_group": (lambda: pipe({"impute": {"method": "group_mean", "group": "region"}}).run(DATA),
                                "'region'"),
    "analysis.pipeline_shape": (lambda: core_run(np.ones((3, 3))), "3 columns"),
    "analysis.pipeline_units": (lambda: core_run(X, units=["u1"]), "one per row"),
    "analysis.treat_too_few": (lambda: pipe({"treat": {"winmax": 1}}).run(DATA), "i1"),
    # Denominators.
    "analysis.denominator_missing": (lambda: pipe({"denominate": True}, ROWS_AREA).run(DATA), "'Area'"),
    "analysis.denominate_rows": (lambda: pipe({"denominate": True}, ROWS_AREA).run(DATA, denominators=AREA.iloc[:2]),
                                 "2 rows"),
    "analysis.denominate_zero": (lambda: pipe({"denominate": True}, ROWS_AREA).run(DATA, denominators=AREA), "u2"),
    "analysis.denominate_column": (lambda: ca.Pipeline(tree(ROWS_AREA), {"denominate": True})._core.run(
        np.asfortranarray(X), ["u1", "u2", "u3"], np.zeros((3, 0), order="F"), ["Area"], {}), "'i1'"),
    # Normalisation.
    "analysis.normalise_bounds": (lambda: ca.normalise(X, [1, 1], lower=5, upper=5), "lower and upper"),
    "analysis.normalise_degenerate": (lambda: ca.normalise(DATA.assign(i2=7.0), [1, 1]), "i2"),
    "analysis.normalise_reference": (lambda: ca.normalise(X, [1, 1], method="distance_to_reference", reference=10),
                                     "reference"),
    "analysis.direction": (lambda: _a.normalise(np.asfortranarray(X), [2, 1], json.dumps({"method": "min_max"})),
                           "direction"),
    # Aggregation.
    "analysis.power": (lambda: ca.aggregate(tree(), X, methods=[{"method": "generalised", "power": 0}]), "power"),
    "analysis.genmean_nonpositive": (lambda: pipe({"normalise": {"method": "none"},
                                                   "aggregate": [{"method": "generalised", "power": -1}]}).run(
        DATA.assign(i1=[1.0, 0.0, 2.0])), "unit 'u2', criterion 'P'"),
    # Weights.
    "analysis.weights_zero": (lambda: ca.effective_weights(tree(), [0.0, 0.0, 1.0]), "'P'"),
    "analysis.critic_directions": (lambda: ca.critic_weights(X, [1]), "direction"),
    # Scoring, surveys and reports.
    "data.applicable": (lambda: chiso.load_model(MODEL).evaluate(
        inputs(chiso.load_model(MODEL)), applicable=inputs(chiso.load_model(MODEL), ["u9"]).astype(bool)), "units"),
    # A3.2 is the tutorial's survey rate, a fraction in [0, 1].
    "survey.range": (lambda: Assessment(chiso.load_model(MODEL), "2023", ["u1"])._core.set_survey_inputs(
        ["u1"], ["A3.2"], np.array([[150.0]])), "unit 'u1', criterion 'A3.2'"),
    "report.keep": (lambda: chiso.reports.build(chiso.load_model(MODEL).evaluate(
        inputs(chiso.load_model(MODEL)), keep="root")), "keep='all'"),
}


@pytest.mark.parametrize("error_id", sorted(CASES))
def test_each_error_has_its_id_and_names_the_place(error_id):
    trigger, place = CASES[error_id]
    check_error(error_id, trigger, place)


def test_a_mask_of_numbers_is_not_a_mask():
    model = chiso.load_model(MODEL)
    with pytest.raises(ChisoError) as caught:
        model.evaluate(inputs(model), applicable=inputs(model).astype(int))
    assert caught.value.id == "data.applicable" and "booleans" in str(caught.value)


# Files and optional packages ------------------------------------------------------------------

def test_table_errors_name_the_file(tmp_path):
    bad = tmp_path / "ragged.csv"
    bad.write_text("unit,A1.1\nu1,1\nu2,1,2,3\n", encoding="utf-8")
    with pytest.raises(ChisoError) as caught:
        chiso_io.read_table(bad)
    assert caught.value.id == "io.csv" and str(bad) in str(caught.value) and "line 3" in str(caught.value)
    book = tmp_path / "inputs.xlsx"
    pd.DataFrame({"unit": ["u1"], "A1.1": [1.0]}).to_excel(book, sheet_name="2023", index=False)
    with pytest.raises(ChisoError) as caught:
        chiso_io.read_table(book, chiso_io.TableOptions(sheet="2024"))
    assert caught.value.id == "io.sheet"
    assert str(book) in str(caught.value) and "'2024'" in str(caught.value) and "2023" in str(caught.value)


def test_a_missing_model_file_is_named(tmp_path, capsys):
    from chiso.cli import main

    absent = tmp_path / "absent.json"
    assert main(["validate", "--json", str(absent)]) != 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["id"] == "chiso.model.open" and str(absent) in report["message"]
    assert main(["score", str(absent), str(tmp_path / "inputs.csv")]) != 0
    err = capsys.readouterr().err
    assert "[chiso.model.open]" in err and str(absent) in err


def test_a_missing_optional_package_is_named(tmp_path, monkeypatch):
    # As if the files extra were not installed: the import fails, the error says what to install.
    book = tmp_path / "inputs.xlsx"
    book.write_bytes(b"not read")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ChisoError) as caught:
        chiso_io.read_table(book)
    assert caught.value.id == "io.missing_package" and "openpyxl" in str(caught.value)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ChisoError) as caught:
        chiso_io.require_pyarrow()
    assert caught.value.id == "io.missing_package" and "pyarrow" in str(caught.value)


def test_the_store_without_sqlalchemy_says_so(tmp_path, monkeypatch):
    from chiso import store

    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(ChisoError) as caught:
        store.connect(tmp_path / "records.sqlite")
    assert caught.value.id == "store.sqlalchemy" and "SQLAlchemy" in str(caught.value)
