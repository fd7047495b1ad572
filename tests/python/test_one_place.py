"""Each rule in one place: the why-lost table, node descriptions, record cells, the units and
records readers, iMeta rows, group coding and the error prefix all come from one function (the
C++ core where it is a rule), whichever door the data comes in by."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso import analysis as ca
from chiso import sensitivity as sa
from chiso.assessment import Assessment
from chiso.errors import ArgumentTypeError, ChisoError, DataError, ParameterError, UnknownKeyError

from small_model import small_model


INPUTS = pd.DataFrame({"a1": [2.0, 1.5], "a2": [1.0, 0.0], "b1": [96.0, 85.0], "b2": [0.0, 1.0]},
                      index=pd.Index(["u1", "u2"], name="unit"))


# Why a unit lost points ----------------------------------------------------------------------

def records_for_u2() -> pd.DataFrame:
    # The inputs of u2 above as appraisal records (a1 cut from 2 to 1.5 with a reason).
    rows = [("a1", 1.5, "thiếu minh chứng"), ("a2", 0, ""), ("b1", 85, ""), ("b2", 1, "")]
    return pd.DataFrame([{"unit": "u2", "criterion": c, "stage": "appraisal", "value": v, "note": note,
                          "timestamp": "2023-11-01T00:00:00Z"} for c, v, note in rows])


def test_explain_and_why_lost_are_one_table():
    a = Assessment(small_model(), "2023", ["u2"], records_for_u2())
    explained = a.evaluate().explain("u2")
    why = a.why_lost("u2")
    # Hand: a2 lost 1 (no), b1 lost 1 (85 % → 1 of 2), a1 0.5, b2 −0.25 (one deduction; max 0).
    assert list(explained.index) == list(why.index) == ["a2", "b1", "a1", "b2"]
    assert explained["lost"].tolist() == why["lost"].tolist() == [1.0, 1.0, 0.5, 0.25]
    assert explained["rule"].tolist() == why["rule"].tolist()
    assert explained.loc["b1", "rule"] == "tiers: ≥ 95% → 2; ≥ 80% → 1; else 0"
    assert explained.loc["b1", "area"] == why.loc["b1", "area"] == "B"
    assert list(explained.columns) == ["name", "area", "rule", "points", "max", "score", "lost"]
    assert list(why.columns) == ["name", "area", "rule", "value", "points", "max", "lost", "origin", "reason"]
    assert why.loc["a1", "reason"] == "thiếu minh chứng" and why.loc["a1", "origin"] == "appraisal"
    assert explained.loc["b1", "score"] == 0.5  # 1 of 2


def test_explain_names_its_errors():
    result = small_model().evaluate(INPUTS)
    with pytest.raises(UnknownKeyError) as caught:
        result.explain("u9")
    assert caught.value.id == "data.unknown_unit" and "'u9'" in str(caught.value)
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
    with pytest.raises(ParameterError) as caught:
        small_model().evaluate(INPUTS, keep="root").explain("u1")
    assert caught.value.id == "result.no_criteria" and "keep='all'" in str(caught.value)
    clone = pickle.loads(pickle.dumps(result))  # the table also comes from an unpickled result
    assert clone.explain("u2")["lost"].tolist() == [1.0, 1.0, 0.5, 0.25]


# Node descriptions ---------------------------------------------------------------------------

def lines_of(model: chiso.Model) -> list:
    return repr(model).splitlines()


def test_repr_describes_nodes_as_the_core_does():
    model = chiso.Model.from_tree("d", chiso.inner("R", "Root", aggregate="mean", max=100, children=[
        chiso.inner("A", "Area", [chiso.leaf("a", "A leaf", 2, chiso.rules.yes_no())],
                    aggregate="sum", weight=2, round=1, points_min=0, points_max=1.5),
        chiso.leaf("s", "Survey", 1, chiso.rules.proportional(), source="survey"),
    ]))
    assert lines_of(model)[1] == "  R  Root  [mean, max 100]"
    lines = lines_of(model)
    assert lines[2] == "    A  Area  [sum, points within [0, 1.5], rounded to 1 decimals, weight 2]"
    assert lines[3] == "      a  A leaf  [yes → 2, no → 0]"
    assert lines[4] == "    s  Survey  [1 × rate, survey]"
    html = model._repr_html_()
    assert "sum, points within [0, 1.5], rounded to 1 decimals, weight 2" in html


# Records and units go through the core's readers ---------------------------------------------

def test_units_csv_in_windows_1258_is_a_chiso_error_naming_file_and_line(tmp_path):
    path = tmp_path / "units.csv"
    # "Hai Bà Trưng" in Windows-1258: à is 0xE0 (not UTF-8 followed by 'T').
    path.write_bytes("id,name,group\nhbt,Hai Bà Trưng,urban\n".encode("cp1258"))
    with pytest.raises(DataError) as caught:
        Assessment(small_model(), "2023", path)
    assert caught.value.id == "csv.encoding"
    assert f"{path}:2" in str(caught.value) and "UTF-8" in str(caught.value)
    with pytest.raises(DataError) as caught:  # the same door from a path string
        Assessment(small_model(), "2023", str(path))
    assert f"{path}:2" in str(caught.value)


def record(**cells):
    row = {"unit": "u1", "criterion": "a1", "stage": "self", "value": 1, "author": "UBND u1",
           "timestamp": "2023-10-01T00:00:00Z"}
    row.update(cells)
    return row


@pytest.mark.parametrize("cells, error_id, named", [
    ({"value": "abc"}, "assessment.value", 'value "abc" is not a number'),
    ({"value": " 5"}, "assessment.value", 'value " 5" is not a number'),   # the CSV rule: no blanks
    ({"value": "nan"}, "assessment.value", 'value "nan" is not a number'),
    ({"value": [1]}, "assessment.value", "value [1] is not a number"),
    ({"applicable": "maybe"}, "assessment.applicable", 'got "maybe"'),
    ({"stage": "final"}, "assessment.stage", 'got "final"'),
])
def test_dataframe_records_are_read_by_the_csv_rules(cells, error_id, named):
    a = Assessment(small_model(), "2023", ["u1"])
    with pytest.raises(DataError) as caught:
        a.add(pd.DataFrame([record(), record(**cells)]), source="batch.xlsx")
    assert caught.value.id == error_id and named in str(caught.value)
    assert caught.value.source == "batch.xlsx row 1" and caught.value.unit == "u1"
    assert len(a.records) == 0  # all or nothing


def test_record_cells_as_the_csv_reader_reads_them():
    a = Assessment(small_model(), "2023", ["u1"])
    a.add([record(value="1.25", evidence="cv-1|cv-2"),
           record(criterion="a2", value=np.float64(1), evidence=["qd-3"], applicable=np.bool_(True)),
           record(criterion="b1", value=None, evidence=np.nan, applicable="no", note="không phát sinh")])
    records = a.records
    assert records["value"].tolist()[:2] == [1.25, 1.0] and np.isnan(records["value"].iloc[2])
    assert records["evidence"].tolist() == [["cv-1", "cv-2"], ["qd-3"], []]
    assert records["applicable"].tolist() == [True, True, False]
    with pytest.raises(DataError) as caught:
        a.add([{"unit": "u1", "criterion": "a1", "stage": "self", "colour": "red", "timestamp": "2023-10-02"}])
    assert caught.value.id == "assessment.columns" and "'colour'" in str(caught.value)


def test_history_is_the_cores_oldest_first():
    a = Assessment(small_model(), "2023", ["u1"])
    a.add([record(value=2, timestamp="2023-10-03T00:00:00Z"), record(value=1, timestamp="2023-10-01T00:00:00Z"),
           record(criterion="a2", value=1), record(stage="appraisal", value=1.5, note="cut",
                                                   timestamp="2023-10-02T00:00:00+07:00")])
    history = a.history("u1", "a1")
    # Entered 2, 1, (a2), 1.5; by time: 1 (10-01), 1.5 (10-01 17:00 UTC), 2 (10-03).
    assert history["value"].tolist() == [1.0, 1.5, 2.0]
    assert history["stage"].tolist() == ["self", "appraisal", "self"]


# iMeta rows and group coding -----------------------------------------------------------------

IMETA = pd.DataFrame({
    "iCode": ["i1", "i2", "P", "Index", "g"],
    "Level": [1, 1, 2, 3, np.nan],
    "Parent": ["P", "P", "Index", None, None],
    "Weight": [1, 2, 1, 1, np.nan],
    "Direction": [1, -1, 1, 1, np.nan],
    "Target": [50.0, np.nan, np.nan, np.nan, np.nan],
    "Denominator": [None, "Population", None, None, None],
    "Type": ["Indicator", "Indicator", "Aggregate", "Aggregate", "Group"],
})


def test_direction_target_and_denominator_survive_the_one_imeta_path():
    expected_i2 = {"code": "i2", "level": 1, "parent": "P", "weight": 2.0, "direction": -1, "target": None,
                   "denominator": "Population"}
    from_analysis = ca.imeta_rows(IMETA)
    assert [r["code"] for r in from_analysis] == ["i1", "i2", "P", "Index"]  # the group row is skipped
    assert from_analysis[1] == expected_i2 and from_analysis[0]["target"] == 50.0
    # The toolkit and the uncertainty engine take the same tree (hierarchy_of): it keeps
    # direction, target and denominator, and saves them in its model.
    tree = ca.hierarchy_from_imeta(IMETA)
    assert list(tree.directions) == [1, -1]
    saved = ca.Hierarchy.from_json(tree.to_json())
    assert list(saved.directions) == [1, -1]
    assert '"Population"' in tree.to_json() and "50" in tree.to_json()
    analysis = sa.CompositeAnalysis(IMETA, pd.DataFrame({"i1": [10.0, 20.0], "i2": [30.0, 0.0]}, index=["a", "b"]),
                                    [sa.noisy_weights("w", {2: 0.1})])
    # Weights 1 and 2: a = (10 + 2·30)/3 = 23.33…, b = (20 + 0)/3 = 6.67 at the nominal weights.
    assert analysis.nominal_scores()["P"].round(2).tolist() == [23.33, 6.67]
    with pytest.raises(ParameterError) as caught:
        ca.imeta_rows(pd.DataFrame({"Code": ["i1"]}))
    assert caught.value.id == "analysis.imeta_columns" and "Level" in str(caught.value)


def test_imeta_rows_are_read_by_position_and_type():
    # Rows in a shuffled, gapped index; a denominator row with a level is skipped by its Type;
    # columns that are absent take their defaults (weight 1, direction +1).
    meta = pd.DataFrame({
        "code": ["P", "pop", "i1", "i2"],
        "level": [2, 1, 1, 1],
        "parent": [None, "P", "P", "P"],
        "weight": [np.nan, 1, 3, 0.5],
        "type": ["Aggregate", "Denominator", "Indicator", "Indicator"],
    }, index=[7, 3, 11, 0])
    assert ca.imeta_rows(meta) == [
        {"code": "P", "level": 2, "parent": None, "weight": 1.0, "direction": 1, "target": None, "denominator": None},
        {"code": "i1", "level": 1, "parent": "P", "weight": 3.0, "direction": 1, "target": None, "denominator": None},
        {"code": "i2", "level": 1, "parent": "P", "weight": 0.5, "direction": 1, "target": None, "denominator": None},
    ]


def test_what_if_codes_groups_as_evaluate_does():
    model = small_model()
    with pytest.raises(DataError) as caught:  # was numpy's TypeError from factorize
        sa.rank_gains(model, INPUTS, "u2", groups=pd.Series([["x"], ["y"]], index=INPUTS.index))
    assert caught.value.id == "data.groups" and "u1" in str(caught.value)
    with pytest.raises(UnknownKeyError) as caught:
        sa.rank_gains(model, INPUTS, "u9")
    assert caught.value.id == "whatif.unit" and "'u9'" in str(caught.value)
    with pytest.raises(UnknownKeyError) as caught:
        sa.rank_gains(model, INPUTS.drop(columns="b1"), "u2")
    assert caught.value.id == "whatif.columns" and "b1" in str(caught.value)


# Errors ----------------------------------------------------------------------------------------

def test_the_error_prefix_is_built_in_one_place():
    error = DataError("unit 'u1': no group", id="data.groups", unit="u1")
    assert str(error) == "[chiso.data.groups] unit 'u1': no group" and error.id == "data.groups"
    assert error.unit == "u1"
    # A message that already carries its tag (from the core, or the command line's form) is kept.
    assert str(DataError("[chiso.data.range] x", id="data.range")) == "[chiso.data.range] x"
    assert str(DataError("file: x [chiso.data.range]", id="data.range")) == "file: x [chiso.data.range]"
    assert issubclass(ChisoError, ValueError)
    keyed = UnknownKeyError("no column 'x'", id="analysis.data_columns")
    assert str(keyed) == "[chiso.analysis.data_columns] no column 'x'"  # not quoted as KeyError does


def test_bad_arguments_raise_chiso_errors_that_stay_catchable_as_before():
    with pytest.raises(TypeError) as caught:
        chiso.load_model(42)
    assert isinstance(caught.value, ArgumentTypeError) and caught.value.id == "parameter.model_source"
    assert "int" in str(caught.value)
    result = small_model().evaluate(INPUTS)
    with pytest.raises(ValueError) as caught:
        result.wide("points_lost")
    assert caught.value.id == "parameter.field" and "'points_lost'" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        result.to_arrow("nodes")
    assert caught.value.id == "parameter.field" and "'nodes'" in str(caught.value)
    a = Assessment(small_model(), "2023", ["u2"], records_for_u2())
    with pytest.raises(ValueError) as caught:
        a.self_vs_appraised("unit")
    assert caught.value.id == "parameter.level" and "'unit'" in str(caught.value)
    tree = ca.hierarchy_from_imeta(IMETA)
    with pytest.raises(KeyError) as caught:
        ca.Pipeline(tree).run(pd.DataFrame({"i1": [1.0, 2.0]}, index=["a", "b"]))
    assert caught.value.id == "analysis.data_columns" and "i2" in str(caught.value)
    un = sa.CompositeAnalysis(IMETA, pd.DataFrame({"i1": [10.0, 20.0], "i2": [30.0, 0.0]}, index=["a", "b"]),
                              [sa.noisy_weights("w", {2: 0.1})]).uncertainty(4, seed=1)
    with pytest.raises(ValueError) as caught:
        un.scores
    assert caught.value.id == "uncertainty.not_kept" and "keep_replications=True" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        un.sensitivity
    assert caught.value.id == "uncertainty.not_kept"


def test_plot_and_table_arguments_are_chiso_errors():
    import matplotlib
    matplotlib.use("Agg")
    result = small_model().evaluate(INPUTS)
    with pytest.raises(ParameterError) as caught:
        result.plot_profile("u1", kind="pie")
    assert caught.value.id == "parameter.plot_kind" and "'pie'" in str(caught.value)
    un = sa.CompositeAnalysis(IMETA, pd.DataFrame({"i1": [10.0, 20.0], "i2": [30.0, 0.0]}, index=["a", "b"]),
                              [sa.noisy_weights("w", {2: 0.1})]).uncertainty(4, seed=1)
    with pytest.raises(ParameterError) as caught:
        sa.plot_uncertainty(un, order_by="mean")
    assert caught.value.id == "parameter.order_by" and "'mean'" in str(caught.value)
    with pytest.raises(ParameterError) as caught:  # the core's table checks the row it is given
        result._core.losses(result.model._core, 2)
    assert caught.value.id == "result.unit" and "unit row 2" in str(caught.value)
