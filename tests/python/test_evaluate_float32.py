"""float32 inputs (numpy arrays, DataFrame columns, Arrow columns) are read where they are, not
copied to float64; the results are bit for bit those of the same data converted to float64 first
by numpy, with missing values, infinities and subnormals; keep="all" scores its nodes from a copy
of the caller's float32 data made at evaluate time."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import chiso
from small_model import small_model as small_model_missing_error


def small_model() -> chiso.Model:
    """The small model (tests/python/small_model.py) with `missing: zero`: NaN inputs are missing."""
    document = small_model_missing_error().to_dict()
    document["missing"] = "zero"
    return chiso.load_model(document)

COLUMNS = ["a1", "a2", "b1", "b2"]
# Whole-number inputs of three units and their index by hand (tests/python/test_evaluate_kept_inputs.py):
#  u1: a1 2, a2 1, b1 96 % → 2, b2 0 → 0: PAR 5 of 5 → 100; u2: 1, 0, 85 % → 1, 1 → −0.25: 1.75 → 35;
#  u3: 0, 1, 50 % → 0, 5 → −0.5: 0.5 → 10.
UNITS = [[2, 1, 96, 0], [1, 0, 85, 1], [0, 1, 50, 5]]
HAND_POINTS = {"A": [3.0, 1.0, 1.0], "B": [2.0, 0.75, -0.5], "PAR": [5.0, 1.75, 0.5]}
HAND_INDEX = [100.0, 35.0, 10.0]
MANY = 2000  # 6000 units: keep="all" scores the nodes when first read, from kept inputs


def address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def float32_units(n: int, seed: int) -> np.ndarray:
    """Valid float32 inputs, units × (a1, a2, b1, b2): rates float32 cannot hold exactly (94.99,
    95.01 beside the tier at 95), NaN (missing), subnormal and negative-zero rates."""
    rng = np.random.default_rng(seed)
    x = np.empty((n, 4), dtype=np.float32)
    x[:, 0] = rng.integers(0, 9, n) * 0.25
    x[:, 1] = rng.integers(0, 2, n)
    x[:, 2] = rng.choice(np.array([94.99, 95.0, 95.01, 79.99, 80.0, 33.3, 100.0, 1e-45, -0.0, 0.1],
                                  dtype=np.float32), n)
    x[:, 3] = rng.integers(0, 6, n)
    x[rng.random((n, 4)) < 0.05] = np.nan
    x[0, 2] = 96  # a rate above 1 %: not percentages typed as fractions (an InputWarning)
    return x


def float64_reference(x32: np.ndarray, keep: str = "all") -> chiso.Result:
    """The same units converted to float64 by numpy first (exact), then scored."""
    return small_model().evaluate(x32.astype(np.float64), keep=keep)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return np.asarray(a).tobytes() == np.asarray(b).tobytes()


def check_same(got: chiso.Result, expected: chiso.Result) -> None:
    for field in ("index", "raw_index", "rank", "band"):
        assert same_bits(getattr(got._core, field), getattr(expected._core, field)), field
    assert got._core.node_ids == expected._core.node_ids
    for field in ("points", "max", "score"):
        assert same_bits(getattr(got._core, field), getattr(expected._core, field)), field


def test_the_values_float32_holds_are_scored_exactly_as_their_float64_conversion():
    x = float32_units(3, 0)
    x[:] = [[2, 1, 94.99, 0], [1, 0, 95.01, 1], [0.25, 1, 1e-45, 5]]
    # By hand: 94.99 as float32 is 94.98999786… < 95 → 1 point; 95.01 → 95.01000214… ≥ 95 → 2; a
    # subnormal rate → 0. PAR: 2 + 1 + 1 + 0 = 4 → 80; 1 + 0 + 2 − 0.25 = 2.75 → 55;
    # 0.25 + 1 + 0 − 0.5 = 0.75 → 15.
    result = small_model().evaluate(x)
    assert result.scores["index"].tolist() == [80.0, 55.0, 15.0]


@pytest.mark.parametrize("units", [1, 5, 3000, 40000])
@pytest.mark.parametrize("order", ["C", "F"])
def test_a_float32_array_scores_as_its_float64_conversion(units, order):
    x = np.array(float32_units(units, units), order=order)
    result = small_model().evaluate(x)
    assert result._core.input_address == address(x)  # read where it is
    check_same(result, float64_reference(x))


def test_float32_dataframe_columns_score_as_their_float64_conversion_without_a_copy():
    x = float32_units(5000, 1)
    frame = pd.DataFrame(x[:, [3, 0, 2, 1]], columns=["b2", "a1", "b1", "a2"]).assign(name="unit")
    result = small_model().evaluate(frame, keep="all")
    assert result._core.input_address == address(frame["a1"].to_numpy())  # the frame's own column
    check_same(result, float64_reference(x))


def test_float32_and_float64_columns_mixed():
    x = float32_units(5000, 2)
    frame = pd.DataFrame(x, columns=COLUMNS)
    frame["b1"] = frame["b1"].astype(np.float64)
    check_same(small_model().evaluate(frame), float64_reference(x))
    mapping = {name: frame[name].to_numpy() for name in COLUMNS}
    check_same(small_model().evaluate(mapping), float64_reference(x))


def test_float32_arrow_columns_are_read_from_the_arrow_buffer():
    x = float32_units(5000, 3)
    table = pa.table({name: x[:, j] for j, name in enumerate(COLUMNS)})
    result = small_model().evaluate(table)
    assert result._core.input_address == address(table.column("a1").chunk(0).to_numpy(zero_copy_only=True))
    check_same(result, float64_reference(x))


def test_float32_arrow_columns_with_nulls_or_in_chunks():
    x = float32_units(5000, 4)
    nulls = pa.array(x[:, 2], mask=np.isnan(x[:, 2]))  # a null where the float32 is NaN: missing alike
    chunked = pa.chunked_array([x[:2500, 0], x[2500:, 0]])
    table = pa.table({"a1": chunked, "a2": x[:, 1], "b1": nulls, "b2": x[:, 3]})
    check_same(small_model().evaluate(table), float64_reference(x))


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_float32_input_is_the_error_of_its_float64_conversion(bad):
    x = float32_units(3000, 5)
    x[2999, 2] = bad
    with pytest.raises(chiso.DataError) as got:
        small_model().evaluate(x)
    with pytest.raises(chiso.DataError) as expected:
        float64_reference(x)
    assert str(got.value) == str(expected.value)
    assert "unit '2999'" in str(got.value) and "'b1'" in str(got.value)


@pytest.mark.parametrize("form", ["array", "frame", "arrow"])
def test_keep_all_scores_the_nodes_from_a_copy_of_the_callers_float32_data(form):
    values = np.asfortranarray(np.tile(np.array(UNITS, dtype=np.float32), (MANY, 1)))
    data = {"array": lambda: values,
            "frame": lambda: pd.DataFrame(values, columns=COLUMNS, copy=False),
            "arrow": lambda: pa.table({name: values[:, j] for j, name in enumerate(COLUMNS)})}[form]()
    result = small_model().evaluate(data)
    assert result._core.input_address == address(values)  # read where it is (Arrow wraps numpy's memory)
    assert not result._core.nodes_scored
    assert result._core.kept_inputs_address not in (0, address(values))  # a copy for the nodes
    values[:] = 0  # the caller's data changes after the call: the nodes are scored from the copy
    assert result.scores["index"].tolist() == HAND_INDEX * MANY
    for node, expected in HAND_POINTS.items():
        assert result.points[node].tolist() == expected * MANY
    assert result._core.nodes_scored


_EVERY_SET = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from test_evaluate_float32 import float32_units, small_model
x = float32_units(3000, 6)
got, expected = small_model().evaluate(x), small_model().evaluate(x.astype(np.float64))
same = all(np.asarray(getattr(got._core, f)).tobytes() == np.asarray(getattr(expected._core, f)).tobytes()
           for f in ("index", "raw_index", "points", "max", "score"))
print("same" if same else "different")
"""


@pytest.mark.parametrize("kernels", ["baseline", "avx2", "avx512"])
def test_float32_scores_as_float64_with_every_kernel_set(kernels):
    """CHISO_KERNELS caps the kernels' instruction set (a processor without it runs a smaller one:
    still compared)."""
    env = {**os.environ, "CHISO_KERNELS": kernels}
    done = subprocess.run([sys.executable, "-c", _EVERY_SET, str(Path(__file__).parent)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "same"
