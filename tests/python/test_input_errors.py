"""A new user's mistakes in Python get a chiso error naming the place, or a warning — never a
numpy or pandas exception, a silent conversion or a silent wrong answer (issue 10, items 7 and 8).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import chiso


def rate_model() -> chiso.Model:
    # p: tiers on a percent rate (≥ 90 % → 2, ≥ 50 % → 1); f: the same on a fraction; n: points.
    tiers = [{"min": 90, "points": 2}, {"min": 50, "points": 1}]
    return chiso.Model.from_tree("rates", chiso.inner("R", "R", [
        chiso.leaf("p", "percent", 2, chiso.rules.tiers(tiers, unit="percent")),
        chiso.leaf("f", "fraction", 2, chiso.rules.tiers([{"min": 0.9, "points": 2}], unit="fraction")),
        chiso.leaf("n", "points", 2, chiso.rules.points()),
    ]))


def frame(**columns) -> pd.DataFrame:
    base = {"p": [96.0, 100.0], "f": [0.5, 0.95], "n": [1.0, 2.0]}
    base.update(columns)
    return pd.DataFrame(base, index=["Ba Đình", "Hoàn Kiếm"])


# Percentages typed as fractions (item 7) ---------------------------------------------------------
def test_percentages_typed_as_fractions_warn_naming_the_column():
    with pytest.warns(chiso.InputWarning, match=r"criterion 'p' takes a rate in percent") as record:
        result = rate_model().evaluate(frame(p=[0.96, 1.0]))
    assert [w.message.criterion for w in record] == ["p"]
    # The warning is the only hint: 0.96 % and 1 % match no tier, so p scores 0.
    assert result.points["p"].tolist() == [0.0, 0.0]


def test_the_warning_also_comes_from_arrays_and_column_mappings():
    values = np.array([[0.96, 0.5, 1.0], [0.5, 0.95, 2.0]])
    with pytest.warns(chiso.InputWarning, match="'p'"):
        rate_model().evaluate(values)
    with pytest.warns(chiso.InputWarning, match="'p'"):
        rate_model().evaluate({"p": values[:, 0], "f": values[:, 1], "n": values[:, 2]})


def test_real_percentages_and_fraction_rules_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rate_model().evaluate(frame())                      # 96 %, 100 %
        rate_model().evaluate(frame(p=[0.0, 1.0]))          # only 0 and 1: may be 0 % and 1 %
        rate_model().evaluate(frame(p=[0.5, 75.0]))         # one value above 1 clears the column
        rate_model().evaluate(frame(f=[0.2, 0.3]))          # fractions where fractions are due


# load_model's text (item 7) ----------------------------------------------------------------------
def test_a_json_list_is_not_taken_for_a_path():
    with pytest.raises(chiso.ModelError, match=r"a model is a JSON object") as raised:
        chiso.load_model("[1, 2, 3]")
    assert raised.value.path == "/" and raised.value.id == "model.type"
    with pytest.raises(chiso.ModelError, match="a model is a JSON object"):
        chiso.load_model("  \n [ ]")
    # Not JSON at all: the parser says where.
    with pytest.raises(chiso.ModelError, match=r"line 1, column \d+") as raised:
        chiso.load_model("[1, 2")
    assert raised.value.id == "model.parse"


# DataFrame cells and dtypes (item 8) ------------------------------------------------------------
def test_text_in_a_column_names_the_unit_and_the_criterion():
    with pytest.raises(chiso.DataError, match=r"unit 'Hoàn Kiếm', criterion 'n': expected a number, got the text 'abc'") \
            as raised:
        rate_model().evaluate(frame(n=[1.0, "abc"]))
    assert (raised.value.unit, raised.value.criterion, raised.value.id) == ("Hoàn Kiếm", "n", "data.type")


def test_numbers_written_as_text_are_not_converted():
    with pytest.raises(chiso.DataError, match=r"unit 'Ba Đình', criterion 'n'.*the text '5'.*pd.to_numeric"):
        rate_model().evaluate(frame(n=["5", "2"]))
    with pytest.raises(chiso.DataError, match=r"criterion 'n'.*the text '5'"):
        rate_model().evaluate(frame(n=pd.array(["5", "2"], dtype="string")))
    with pytest.raises(chiso.DataError, match=r"unit '0', criterion 'p'.*the text '96'"):
        rate_model().evaluate(np.array([["96", "0.5", "1"], ["x", "0.5", "1"]], dtype=object))


def test_complex_dates_and_categories_are_refused_naming_the_column():
    with pytest.raises(chiso.DataError, match=r"criterion 'n': the column holds complex numbers") as raised:
        rate_model().evaluate(frame(n=[1 + 0j, 2 + 1j]))
    assert raised.value.criterion == "n"
    with pytest.raises(chiso.DataError, match=r"criterion 'n': the column holds dates"):
        rate_model().evaluate(frame(n=pd.to_datetime(["2023-01-01", "2023-02-01"])))
    with pytest.raises(chiso.DataError, match=r"criterion 'n'"):
        rate_model().evaluate(frame(n=pd.Categorical([1.0, 2.0])))
    with pytest.raises(chiso.DataError, match=r"criterion 'p': the column holds complex numbers"):
        rate_model().evaluate(np.array([[96, 0.5, 1], [90, 0.5, 1]], dtype=complex))
    with pytest.raises(chiso.DataError, match=r"unit 'Hoàn Kiếm', criterion 'n': expected a number, got the complex"):
        rate_model().evaluate(frame(n=np.array([1.0, 2 + 1j], dtype=object)))


def test_accepted_dtypes_integers_booleans_nullable_and_objects_holding_numbers():
    # Hand: p 96 → 2, 100 → 2; f 0.5 → 0, 0.95 → 2; n as given. Max 6.
    expected = frame()
    reference = rate_model().evaluate(expected).points
    as_int = frame(p=np.array([96, 100], dtype=np.int32), n=np.array([1, 2], dtype=np.uint8))
    as_objects = frame(n=np.array([1, 2.0], dtype=object))
    nullable = frame(n=pd.array([1, 2], dtype="Int64"), p=pd.array([96.0, 100.0], dtype="Float64"))
    booleans = frame(n=[True, False])
    for data in (as_int, as_objects, nullable):
        pd.testing.assert_frame_equal(rate_model().evaluate(data).points, reference)
    assert rate_model().evaluate(booleans).points["n"].tolist() == [1.0, 0.0]


def test_nullable_missing_values_are_missing_inputs():
    with pytest.raises(chiso.DataError, match=r"unit 'Hoàn Kiếm', criterion 'n'") as raised:
        rate_model().evaluate(frame(n=pd.array([1, None], dtype="Int64")))
    assert raised.value.id == "data.missing"
    for cells in ([1.0, None], [1.0, pd.NA], [1, math.nan]):
        with pytest.raises(chiso.DataError) as raised:
            rate_model().evaluate(frame(n=np.array(cells, dtype=object)))
        assert raised.value.id == "data.missing" and raised.value.unit == "Hoàn Kiếm"


# Groups (item 8) ---------------------------------------------------------------------------------
def test_unhashable_groups_name_the_unit():
    with pytest.raises(chiso.DataError, match=r"unit 'Hoàn Kiếm': a group is a label.*list") as raised:
        rate_model().evaluate(frame(), groups=["district", ["town"]])
    assert raised.value.unit == "Hoàn Kiếm" and raised.value.id == "data.groups"


def test_groups_of_mixed_kinds_are_ranked_apart():
    result = rate_model().evaluate(frame(), groups=[1, "town"])
    assert result.scores["rank"].tolist() == [1, 1]


# Models given as dicts (item 8) -----------------------------------------------------------------
def model_dict(**leaf_fields) -> dict:
    leaf = {"id": "a", "max": 2, "rule": {"kind": "points"}}
    leaf.update(leaf_fields)
    return {"format": "chiso-model/1", "id": "d", "root": {"id": "R", "aggregate": "sum", "children": [leaf]}}


def test_nan_in_a_dict_model_is_named_by_its_json_path():
    with pytest.raises(chiso.ModelError, match=r"/root/children/0/max: expected a finite number, got nan") as raised:
        chiso.load_model(model_dict(max=float("nan")))
    assert raised.value.path == "/root/children/0/max" and raised.value.id == "model.type"
    with pytest.raises(chiso.ModelError, match=r"/root/children/0/rule/step: expected a finite number, got inf"):
        chiso.load_model(model_dict(rule={"kind": "points", "step": math.inf}))
    with pytest.raises(chiso.ModelError) as raised:
        chiso.load_model(model_dict(meta={"a/b": [1, np.float64("nan")]}))
    assert raised.value.path == "/root/children/0/meta/a~1b/1"


def test_dict_values_that_are_not_json_are_named():
    with pytest.raises(chiso.ModelError, match=r"/root/children/0/meta: keys of a JSON object are text, got 1"):
        chiso.load_model(model_dict(meta={1: "one"}))
    with pytest.raises(chiso.ModelError, match=r"/root/children/0/meta: expected a JSON value.*set"):
        chiso.load_model(model_dict(meta={"x"}))
    # numpy numbers are numbers.
    assert chiso.load_model(model_dict(max=np.int64(2))) == chiso.load_model(model_dict(max=2))


# The analysis toolkit and the plots (issue 24, item 5) ------------------------------------------
def decision_matrix(**columns) -> pd.DataFrame:
    base = {"cost": [250.0, 200.0, 300.0], "quality": [16.0, 16.0, 32.0]}
    base.update(columns)
    return pd.DataFrame(base, index=["a", "b", "c"])


def test_text_in_an_mcda_matrix_names_the_cell():
    from chiso import analysis as ca
    with pytest.raises(chiso.DataError, match=r"unit 'b', criterion 'quality': expected a number, got the text 'high'") \
            as raised:
        ca.topsis(decision_matrix(quality=[16.0, "high", 32.0]), [0.5, 0.5], ["min", "max"])
    assert raised.value.id == "data.type"


def test_numbers_as_text_in_an_mcda_matrix_are_refused_as_evaluate_refuses_them():
    from chiso import analysis as ca
    text = decision_matrix(quality=["16", "16", "32"])
    with pytest.raises(chiso.DataError, match=r"criterion 'quality'.*the text '16'.*pd.to_numeric"):
        ca.topsis(text, [0.5, 0.5], ["min", "max"])
    with pytest.raises(chiso.DataError, match=r"unit '0', criterion '0'.*the text '250'"):  # a list of lists: all text
        ca.entropy_weights([[250, "16"], [200, "16"]])
    # The same numbers as numbers are taken (and give what they gave before).
    ca.topsis(decision_matrix(), [0.5, 0.5], ["min", "max"])


def test_a_pipeline_weight_that_is_not_a_number_is_named_by_its_path():
    from chiso import analysis as ca
    meta = pd.DataFrame({"iCode": ["x", "y", "Index"], "Level": [1, 1, 2], "Parent": ["Index", "Index", None],
                         "Weight": [1.0, 1.0, 1.0], "Direction": [1, 1, 1]})
    hierarchy = ca.hierarchy_from_imeta(meta)
    with pytest.raises(chiso.ParameterError) as raised:
        ca.Pipeline(hierarchy, {"weights": [1, "heavy", 1]})
    message = str(raised.value)
    assert "/weights/1" in message and '"heavy"' in message and "json.exception" not in message
    with pytest.raises(chiso.ParameterError, match=r"/weights: expected a list of numbers") as raised:
        ca.Pipeline(hierarchy, {"weights": "equal"})
    assert "json.exception" not in str(raised.value)


def test_plot_profile_of_an_unknown_unit_is_a_chiso_error():
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    from chiso import models
    result = chiso.load_model(models.path("tutorial-par")).evaluate(
        pd.DataFrame({"A1.1": [2.0], "A1.2": [1.0], "A1.3": [100.0], "A3.1": [100.0], "A3.2": [0.9], "A7.1": [2.0],
                      "A7.2": [0.0]}, index=["Ba Đình"]))
    with pytest.raises(chiso.UnknownKeyError, match=r"plot_profile: unit 'nope' is not in this result") as raised:
        result.plot_profile("nope")
    assert raised.value.id == "data.unknown_unit" and raised.value.unit == "nope"
