"""One unit scored from a plain array (the path a loop over units takes, without the steps of
matching names) gives the same bits, the same warnings and the same errors as the general path,
which the same values take when given as a DataFrame or with their columns named."""
from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso

MODELS = Path(__file__).resolve().parents[2] / "examples" / "models"


@pytest.fixture(scope="module")
def hanoi() -> chiso.Model:
    return chiso.load_model(MODELS / "hanoi-par-district-2023.json")


def tiny() -> chiso.Model:
    """Two criteria by hand: a (max 2, points of step 0.5) and b (max 1, yes/no)."""
    return chiso.Model.from_tree("tiny", chiso.inner("T", "tiny", [
        chiso.leaf("a", "a", 2.0, chiso.rules.points(step=0.5)),
        chiso.leaf("b", "b", 1.0, chiso.rules.yes_no()),
    ]))


def valid_row(model: chiso.Model) -> np.ndarray:
    """One unit with, in each column, the first of 75, 3, 1, 0.5, 0 its rule takes (not all 0)."""
    row = np.zeros((1, len(model.input_columns)))
    for j in range(row.shape[1]):
        for value in (75.0, 3.0, 1.0, 0.5):
            row[0, j] = value
            try:
                model.evaluate(row, keep="root")
                break
            except chiso.DataError:
                row[0, j] = 0.0
    return row


def general_paths(model: chiso.Model, row: np.ndarray, keep: str):
    """The same row through the general path: a DataFrame, and the array with its columns named in
    reverse order."""
    names = model.input_columns
    yield model.evaluate(pd.DataFrame(row, columns=names, index=pd.RangeIndex(1, name="unit")), keep=keep)
    yield model.evaluate(np.ascontiguousarray(row[:, ::-1]), columns=names[::-1], keep=keep)


def test_one_unit_by_hand():
    # a = 1.5 of 2, b = yes (1 of 1): 2.5 of 3 points, index 83.33 (two decimals, half up).
    result = tiny().evaluate(np.array([[1.5, 1.0]]), keep="root")
    assert result.scores["index"].tolist() == [83.33]
    assert result.points["T"].tolist() == [2.5] and result.max["T"].tolist() == [3.0]


@pytest.mark.parametrize("keep", ["root", "inner", "all"])
def test_same_bits_as_the_general_path(hanoi, keep):
    row = valid_row(hanoi)
    fast = hanoi.evaluate(row, keep=keep)
    assert fast.node_ids[-1] == "PAR"  # the root, last
    for other in general_paths(hanoi, row, keep):
        pd.testing.assert_frame_equal(fast.scores, other.scores, check_exact=True)
        np.testing.assert_array_equal(fast.raw_index.to_numpy(), other.raw_index.to_numpy())
        assert fast.node_ids == other.node_ids
        for field in ("points", "max", "score"):
            np.testing.assert_array_equal(fast.wide(field).to_numpy(), other.wide(field).to_numpy())


def one_line_error(call) -> tuple:
    with pytest.raises(chiso.ChisoError) as caught:
        call()
    return type(caught.value), caught.value.id, str(caught.value)


@pytest.mark.parametrize("bad", [-1.0, 1e9])
def test_same_error_as_the_general_path(hanoi, bad):
    row = np.zeros((1, len(hanoi.input_columns)))
    row[0, 3] = bad
    fast = one_line_error(lambda: hanoi.evaluate(row, keep="root"))
    for name, call in (("frame", lambda: hanoi.evaluate(pd.DataFrame(row, columns=hanoi.input_columns), keep="root")),
                       ("named", lambda: hanoi.evaluate(row, columns=hanoi.input_columns, keep="root"))):
        assert one_line_error(call) == fast, name
    assert "\n" not in fast[2] and f"'{hanoi.input_columns[3]}'" in fast[2] and "'0'" in fast[2]


def test_other_dtypes_and_shapes_take_the_general_path_with_its_errors():
    model = tiny()
    assert model.evaluate(np.array([[2, 1]], dtype=np.int32), keep="root").scores["index"].tolist() == [100.0]
    # a = True (1 of 2), b = False (0 of 1): 1 of 3 points.
    assert model.evaluate(np.array([[True, False]]), keep="root").scores["index"].tolist() == [33.33]
    with pytest.raises(chiso.DataError, match="2-D array of units × 2 input columns") as wrong_width:
        model.evaluate(np.zeros((1, 3)), keep="root")
    assert wrong_width.value.id == "data.shape"
    with pytest.raises(chiso.DataError, match="criterion 'b'.*expected a number, got the text '1'"):
        model.evaluate(np.array([[1.0, "1"]], dtype=object), keep="root")
    with pytest.raises(chiso.ParameterError, match='keep must be "all", "inner" or "root"'):
        model.evaluate(np.zeros((1, 2)), keep="roots")


def test_a_composite_index_is_refused_before_its_inputs_are_read():
    composite = chiso.load_model(MODELS / "asem-composite.json")
    for data in (np.zeros((1, 1)), np.zeros((1, len(composite.input_columns)))):
        with pytest.raises(chiso.ModelError) as refused:
            composite.evaluate(data, keep="root")
        assert refused.value.id == "model.composite"


def test_percent_typed_as_fraction_warns_on_the_fast_path():
    model = chiso.Model.from_tree("pct", chiso.inner("T", "t", [
        chiso.leaf("r", "rate", 1.0, chiso.rules.proportional(unit="percent"))]))
    with pytest.warns(chiso.InputWarning, match="criterion 'r' takes a rate in percent"):
        model.evaluate(np.array([[0.96]]), keep="root")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.evaluate(np.array([[96.0]]), keep="root").scores["index"].tolist() == [96.0]


def test_result_pickles_and_reads_its_tables_once():
    result = tiny().evaluate(np.array([[1.5, 1.0], [0.5, 0.0]]))
    assert result.wide("points") is result.points
    clone = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(clone.scores, result.scores)
    pd.testing.assert_frame_equal(clone.points, result.points)
    assert clone.points["T"].tolist() == [2.5, 0.5]


def percent_model(position: int) -> chiso.Model:
    """Two leaves; the one at `position` takes a rate in percent, the other a count (points)."""
    leaves = [chiso.leaf("n", "count", 1.0, chiso.rules.points(step=0.5))]
    leaves.insert(position, chiso.leaf("r", "rate", 1.0, chiso.rules.proportional(unit="percent")))
    return chiso.Model.from_tree(f"pct{position}", chiso.inner("T", "t", leaves))


def warned_criteria(model: chiso.Model, row) -> list:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.evaluate(np.array([row]), keep="root")
    return [w.message.criterion for w in caught if isinstance(w.message, chiso.InputWarning)]


def test_percent_warning_follows_each_model_in_turn():
    # The rate column is the first for one model and the second for the other; 0.5 in it warns,
    # 0.5 in the count column does not. Models made and dropped in turn (a new one may reuse the
    # memory of the last) are each looked at anew.
    for _ in range(3):
        first, second = percent_model(0), percent_model(1)
        assert warned_criteria(first, [0.5, 1.0]) == ["r"]
        assert warned_criteria(second, [0.5, 1.0]) == []
        assert warned_criteria(second, [1.0, 0.5]) == ["r"]
        assert warned_criteria(first, [1.0, 0.5]) == []
        del first, second
