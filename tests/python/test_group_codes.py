"""Group labels are coded once, in C++, whatever their form (Python str, numpy text, integers,
booleans, floats, pandas text stored in Arrow, a Categorical, a pyarrow column), into the codes
and sorted labels pandas' factorize(sort=True) gives (the independent reference here); a unit
without a group, a label that is not one and a label or unit id that chiso refuses as text are
DataErrors naming the unit, through the Python API as through the command line."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso.model import _label_codes

from small_model import small_model

pa = pytest.importorskip("pyarrow")  # a test dependency (pyproject's test extra)


def fresh(text: str) -> str:
    """An equal str in a new object (as a CSV reader or np.where(...).astype(object) makes them)."""
    return "".join(list(text))


LABEL_COLUMNS = {
    "str objects": np.array(["quận", "sở", "quận", "huyện", "sở"], dtype=object),
    "equal str in new objects, numpy str": np.array(
        [fresh("quận"), np.str_("sở"), fresh("sở"), "quận", np.str_("quận"), fresh("huyện")], dtype=object),
    "numpy text": np.array(["b", "a", "ccc", "a", "b"]),
    "int64": np.array([2024, 2023, 2024, 7, 2023], dtype=np.int64),
    "int8 both signs": np.array([-128, 127, 0, 127, -128], dtype=np.int8),
    "uint64 wide span": np.array([2**64 - 1, 0, 5, 2**64 - 1], dtype=np.uint64),
    "int64 wide span": np.array([-(2**62), 2**62, 3, 2**62], dtype=np.int64),
    "bool": np.array([True, False, True]),
    "float": np.array([1.5, -0.0, 0.0, 1.5, 2.0]),
    "numbers equal as Python says": np.array([1, 1.0, True, 2, np.int64(2)], dtype=object),
    "mixed numbers and text": np.array([2, "a", 1, "b", 1], dtype=object),
    "pandas text in Arrow": pd.Series(["sở", "quận", "sở", "huyện"], dtype="string[pyarrow]"),
    "pandas default text": pd.Series(["sở", "quận", "sở", "huyện"]),
    "categorical, categories not sorted, one unused": pd.Series(
        pd.Categorical(["b", "a", "c", "a"], categories=["c", "z", "b", "a"])),
    "ordered categorical": pd.Series(pd.Categorical(["lo", "hi", "lo"], categories=["lo", "hi"], ordered=True)),
}


@pytest.mark.parametrize("name", list(LABEL_COLUMNS))
def test_labels_are_coded_as_pandas_factorize_sorts_them(name):
    column = LABEL_COLUMNS[name]
    expected_codes, expected_labels = pd.factorize(column, sort=True)
    codes, labels, first_missing = _label_codes(column)
    assert codes.dtype == np.int32 and first_missing == -1
    assert codes.tolist() == expected_codes.tolist()
    assert list(labels) == list(expected_labels)


def test_a_pyarrow_column_in_chunks_is_coded_as_its_text():
    column = pa.chunked_array([["sở", "quận"], ["sở", "huyện", "quận"]])
    codes, labels, first_missing = _label_codes(column)
    # Hand: sorted by code point, "huyện" < "quận" < "sở".
    assert list(labels) == ["huyện", "quận", "sở"] and first_missing == -1
    assert codes.tolist() == [2, 1, 2, 0, 1]


def test_the_command_line_codes_its_group_column_by_the_same_rule():
    from chiso.cli_inputs import _arrow_groups
    column = pa.chunked_array([["sở", None], ["quận", "sở", "Sở"]])
    groups = _arrow_groups(column)
    # Hand: code point order puts "Sở" (capital S, U+0053) before "quận" (U+0071) and "sở".
    assert list(groups.categories) == ["Sở", "quận", "sở"]
    assert groups.codes.tolist() == [2, -1, 1, 2, 0]


def test_evaluate_ranks_within_groups_and_shows_their_labels():
    inputs = pd.DataFrame({"a1": [2.0, 1.0, 1.5, 0.5], "a2": [1.0, 1.0, 0.0, 1.0],
                           "b1": [96.0, 96.0, 96.0, 96.0], "b2": [0.0, 0.0, 0.0, 0.0]},
                          index=pd.Index(["u1", "u2", "u3", "u4"], name="unit"))
    # Each label in a new object, as a reader makes them.
    groups = pd.Series(np.array([fresh("sở"), fresh("quận"), fresh("sở"), fresh("quận")], dtype=object),
                       index=inputs.index)
    scores = small_model().evaluate(inputs, groups=groups).scores
    # Hand: indices u1 100, u2 80, u3 70, u4 70 (points of 5); sở: u1 1, u3 2; quận: u2 1, u4 2.
    assert scores["rank"].tolist() == [1, 1, 2, 2]
    assert list(scores["group"].cat.categories) == ["quận", "sở"]
    assert scores["group"].tolist() == ["sở", "quận", "sở", "quận"]


INPUTS = pd.DataFrame({"a1": [2.0, 1.0, 1.5], "a2": [1.0, 1.0, 0.0], "b1": [96.0, 96.0, 96.0],
                       "b2": [0.0, 0.0, 0.0]}, index=pd.Index(["u1", "u2", "u3"], name="unit"))


@pytest.mark.parametrize("groups", [
    np.array(["x", None, "y"], dtype=object),
    np.array(["x", np.nan, "y"], dtype=object),
    np.array(["x", pd.NA, "y"], dtype=object),
    np.array([1.0, np.nan, 2.0]),
    pd.Series(["x", None, "y"], dtype="string[pyarrow]", index=INPUTS.index),
    pd.Series(pd.Categorical(["x", None, "y"]), index=INPUTS.index),
], ids=["None", "NaN", "NA", "float NaN", "Arrow null", "categorical NaN"])
def test_a_unit_without_a_group_is_named(groups):
    with pytest.raises(chiso.DataError, match=r"^\[chiso.data.groups\] unit 'u2' has no group$") as caught:
        small_model().evaluate(INPUTS, groups=groups)
    assert caught.value.id == "data.groups" and caught.value.unit == "u2"


def test_an_unhashable_group_names_the_unit():
    with pytest.raises(chiso.DataError, match=r"unit 'u3': a group is a label \(text or a number\), got list") as caught:
        small_model().evaluate(INPUTS, groups=np.array(["x", "x", ["y"]], dtype=object))
    assert caught.value.id == "data.groups" and caught.value.unit == "u3"


@pytest.mark.parametrize("label, problem", [
    ("sở\x1b[31m", "contains a control character U+001B at character 3"),
    ("abc\u202edcba", "contains a bidirectional override U+202E at character 4"),
    ("x\ud800", "contains a lone surrogate U+D800 at character 2 (not a character)"),
])
def test_a_group_label_chiso_refuses_as_text_is_named(label, problem):
    forms = [np.array(["x", label, label], dtype=object), pd.Series(["x", label, label], index=INPUTS.index, dtype=object)]
    if "\ud800" not in label:  # Arrow cannot hold a lone surrogate
        forms.append(pd.Series(["x", label, label], index=INPUTS.index, dtype="string[pyarrow]"))
    for groups in forms:
        with pytest.raises(chiso.DataError) as caught:
            small_model().evaluate(INPUTS, groups=groups)
        assert caught.value.id == "data.text" and caught.value.unit == "u2"
        assert str(caught.value) == f"[chiso.data.text] unit 'u2': group {label!r} {problem}"


@pytest.mark.parametrize("unit, problem", [
    ("u\x1b[31m2", "contains a control character U+001B at character 2"),
    ("u2\r", "contains a control character U+000D at character 3"),
    ("đơn vị\u2066", "contains a bidirectional override U+2066 at character 7"),
    ("u\ud83d", "contains a lone surrogate U+D83D at character 2 (not a character)"),
])
def test_a_unit_id_chiso_refuses_as_text_is_named(unit, problem):
    ids = ["u1", unit, "u3"]
    forms = [INPUTS.set_axis(pd.Index(ids, dtype=object)),  # objects
             (INPUTS.to_numpy(), ids)]                       # an array with units=
    if "\ud83d" not in unit:
        forms.append(INPUTS.set_axis(pd.Index(ids, dtype="string[pyarrow]")))  # text in Arrow
    for form in forms:
        data, units = form if isinstance(form, tuple) else (form, None)
        with pytest.raises(chiso.DataError) as caught:
            small_model().evaluate(data, units=units) if units else small_model().evaluate(data)
        assert caught.value.id == "data.text"
        assert str(caught.value) == f"[chiso.data.text] unit {unit!r} {problem}"


def test_plain_unit_ids_and_numbers_pass():
    for index in (pd.Index(["Hoàn Kiếm", "Ba Đình\tcũ", "Sở Nội vụ"]), pd.Index([7, 8, 9]), pd.RangeIndex(3)):
        result = small_model().evaluate(INPUTS.set_axis(index), groups=["a", "b", "a"])
        assert list(result.units) == list(index)


def test_the_scores_table_is_the_callers_to_change():
    result = small_model().evaluate(INPUTS, groups=["x", "y", "x"])
    scores = result.scores
    scores.loc["u1", "index"] = -1.0
    scores.loc["u1", "rank"] = 9
    scores.loc["u1", "group"] = "y"
    again = result.scores  # made from the result's buffers, unchanged
    # Hand: u1 100 (5 of 5 points), rank 1 of group x.
    assert again.loc["u1", "index"] == 100.0 and again.loc["u1", "rank"] == 1 and again.loc["u1", "group"] == "x"


@pytest.mark.parametrize("ids", [["a", "b", "a"], [3, 1, 3]])
def test_a_unit_named_twice_is_refused(ids):
    """The data's unit ids name each unit once: the mask's and groups' rows are matched to them."""
    model = chiso.load_model("tutorial-par")
    frame = pd.DataFrame(np.ones((3, len(model.input_columns))), columns=model.input_columns, index=ids)
    with pytest.raises(chiso.DataError) as caught:
        model.evaluate(frame)
    assert caught.value.id == "data.unit" and f"unit {ids[0]!r} appears twice" in str(caught.value)
    with pytest.raises(chiso.DataError, match="appears twice"):
        model.evaluate(frame.to_numpy(), units=ids)
