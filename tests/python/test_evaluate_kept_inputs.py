"""The nodes of many units are scored when first read, from the inputs as they were at evaluate
time: a copy of the caller's float64 array, or, when chiso converted the inputs into an array of
its own (other dtypes), that array without a second copy. Either way, changing the caller's data
after the call changes nothing."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from small_model import small_model

# Whole-number inputs of three units (a1, a2, b1, b2) and their points by hand (FORMAT.md rules):
#  u1: a1 2, a2 yes 1, b1 96 % ≥ 95 → 2, b2 0 → 0:      A 3, B 2,     PAR 5    → 100.00
#  u2: a1 1, a2 no 0,  b1 85 % ≥ 80 → 1, b2 1 → −0.25:  A 1, B 0.75,  PAR 1.75 → 35.00
#  u3: a1 0, a2 yes 1, b1 50 % → 0,     b2 5 → −0.5 cap: A 1, B −0.5, PAR 0.5  → 10.00
UNITS = [[2, 1, 96, 0], [1, 0, 85, 1], [0, 1, 50, 5]]
HAND_POINTS = {"a1": [2.0, 1.0, 0.0], "a2": [1.0, 0.0, 1.0], "A": [3.0, 1.0, 1.0],
               "b1": [2.0, 1.0, 0.0], "b2": [0.0, -0.25, -0.5], "B": [2.0, 0.75, -0.5],
               "PAR": [5.0, 1.75, 0.5]}
HAND_INDEX = [100.0, 35.0, 10.0]
MANY = 2000  # 6000 units: their nodes are scored when first read


def address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def check_hand_values(result) -> None:
    assert not result._core.nodes_scored
    assert result.scores["index"].tolist() == HAND_INDEX * MANY
    for node, expected in HAND_POINTS.items():
        assert result.points[node].tolist() == expected * MANY
    assert result._core.nodes_scored


@pytest.mark.parametrize("dtype", [np.int64, np.uint8])  # float32: test_evaluate_float32.py
def test_an_array_converted_by_chiso_is_kept_without_a_second_copy(dtype):
    values = np.tile(np.array(UNITS, dtype=dtype), (MANY, 1))
    result = small_model().evaluate(values)
    kept = result._core.kept_inputs_address
    assert kept == result._core.input_address != address(values)  # the conversion, not a copy of it
    values[:] = 0  # the caller's array changes: the conversion does not
    check_hand_values(result)


def test_a_dataframe_converted_by_chiso_is_kept_without_a_second_copy():
    frame = pd.DataFrame(np.tile(np.array(UNITS), (MANY, 1)), columns=["a1", "a2", "b1", "b2"])
    frame = frame[["b2", "a1", "b1", "a2"]].assign(name="unit")  # any column order, a text column
    result = small_model().evaluate(frame)
    assert result._core.kept_inputs_address == result._core.input_address
    frame.loc[:, ["a1", "a2", "b1", "b2"]] = 0
    check_hand_values(result)


@pytest.mark.parametrize("form", ["array", "frame"])
def test_float64_inputs_of_the_caller_are_copied(form):
    values = np.tile(np.array(UNITS, dtype=np.float64), (MANY, 1))
    data = values if form == "array" else pd.DataFrame(values, columns=["a1", "a2", "b1", "b2"], copy=False)
    result = small_model().evaluate(data)
    assert result._core.input_address == address(values)  # read in place
    assert result._core.kept_inputs_address not in (0, address(values))  # and copied for the nodes
    values[:] = 0
    check_hand_values(result)


def test_few_units_keep_nothing():
    result = small_model().evaluate(np.array(UNITS, dtype=np.int64))
    assert result._core.nodes_scored and result._core.kept_inputs_address == 0
    assert result.points["PAR"].tolist() == HAND_POINTS["PAR"]
