"""Data, applicability mask and groups are matched to criteria by column name and to units by unit id,
whatever the order of the columns or rows of each table (FORMAT.md 0.3, "Alignment by name") — on
every input path: DataFrame, 2-D array with column names, structured array, dict, pyarrow, polars,
the command line's --applicable/--groups files, chiso.dask and the core's column maps.

The model (hand calculation, scale 100, two decimals half up):
  R = sum of a (points, max 1), b (points, max 1) and G = sum of c (points, max 2) and
  f (formula over the named inputs n and d: 2 × ratio(n, d, 0), max 2).
  Input columns a, b, c, f.n, f.d; leaves a, b, c, f.

  unit  a    b    c  n  d   f     applies          points            max      index
  u1    1    0    2  1  2   1     a c f (not b)    1 + 2 + 1 = 4     1+2+2=5  80.00
  u2    0    1    1  3  4   1.5   a b f (not c)    0 + 1 + 1.5 = 2.5 1+1+2=4  62.50
  u3    0.5  0.5  0  0  0   0     b c (not a, f)   0.5 + 0 = 0.5     1+2=3    16.67
  Groups: u1, u3 in "east", u2 in "west": ranks 1, 1, 2; node G's points 3, 1.5, 0.

Every mask column and row matters: a mask applied to the wrong criterion or unit changes an index.
Each order is tried on this model and on its twin where f takes its points (1, 1.5, 0) as one input
column "f" (every leaf one input: the input columns are the leaves, the case of the issue).
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso

UNITS = ["u1", "u2", "u3"]
INPUTS = ["a", "b", "c", "f.n", "f.d"]
LEAVES = ["a", "b", "c", "f"]
VALUES = {"a": [1, 0, 0.5], "b": [0, 1, 0.5], "c": [2, 1, 0], "f.n": [1, 3, 0], "f.d": [2, 4, 0], "f": [1, 1.5, 0]}
APPLIES = {"a": [True, True, False], "b": [False, True, True], "c": [True, False, True], "f": [True, True, False]}
GROUPS = {"u1": "east", "u2": "west", "u3": "east"}
INDEX = [80.0, 62.5, 16.67]
RANK = [1, 1, 2]
G_POINTS = [3.0, 1.5, 0.0]

# Column orders of the data (input columns) and of the mask (leaves).
REVERSED_INPUTS = INPUTS[::-1]
SHUFFLED_INPUTS = ["f.d", "b", "f.n", "a", "c"]
REVERSED_LEAVES = LEAVES[::-1]
SHUFFLED_LEAVES = ["c", "a", "f", "b"]

def one_input_each(columns):
    """The same order for the model whose leaf f takes its points as one input column "f"."""
    return [c for c in ("f" if c == "f.n" else c for c in columns) if c != "f.d"]


# Both models: with the named inputs of f, and with one input per leaf (where input columns and
# leaves are the same list, and a mask was once read "laid out like the inputs").
ORDERS = [pytest.param(make(data), mask, id=f"{kind}-{name}")
          for kind, make in (("named-inputs", list), ("one-input-each", one_input_each))
          for data, mask, name in ((INPUTS, LEAVES, "leaf-order"),
                                   (REVERSED_INPUTS, REVERSED_LEAVES, "reversed"),
                                   (SHUFFLED_INPUTS, SHUFFLED_LEAVES, "shuffled"),
                                   (SHUFFLED_INPUTS, LEAVES, "data-shuffled-mask-in-leaf-order"),
                                   (INPUTS, SHUFFLED_LEAVES, "data-in-leaf-order-mask-shuffled"))]


def model(one_input_per_leaf: bool = False) -> chiso.Model:
    points = {"kind": "points"}
    f = {"id": "f", "max": 2, "rule": points} if one_input_per_leaf else \
        {"id": "f", "max": 2, "inputs": ["n", "d"], "rule": {"kind": "formula", "expr": "2 * ratio(n, d, 0)"}}
    return chiso.load_model({
        "format": "chiso-model/1", "id": "alignment", "name": "alignment",
        "ranking": {"ties": "competition", "by": "group"},
        "root": {"id": "R", "aggregate": "sum", "children": [
            {"id": "a", "max": 1, "rule": points},
            {"id": "b", "max": 1, "rule": points},
            {"id": "G", "aggregate": "sum", "children": [{"id": "c", "max": 2, "rule": points}, f]}]},
    })


def model_for(columns) -> chiso.Model:
    """The model whose input columns these are."""
    return model(one_input_per_leaf="f" in columns)


def data_frame(columns, units=UNITS, extra=False) -> pd.DataFrame:
    rows = [UNITS.index(u) for u in units]
    frame = pd.DataFrame({c: [float(VALUES[c][r]) for r in rows] for c in columns}, index=pd.Index(units, name="unit"))
    if extra:  # columns that are not the model's: a name and a note, anywhere
        frame.insert(1, "district name", [f"Quận {u}" for u in units])
        frame["note"] = "checked"
    return frame


def mask_frame(columns, units=UNITS, extra=False) -> pd.DataFrame:
    rows = [UNITS.index(u) for u in units]
    frame = pd.DataFrame({c: [APPLIES[c][r] for r in rows] for c in columns}, index=pd.Index(units, name="unit"))
    if extra:
        frame.insert(0, "reviewed", True)
    return frame


def groups_series(units=UNITS) -> pd.Series:
    return pd.Series([GROUPS[u] for u in units], index=units)


def assert_expected(result: chiso.Result, units=UNITS) -> None:
    """The hand-calculated figures, unit by unit (in the data's row order)."""
    scores = result.scores
    rows = [UNITS.index(u) for u in units]
    assert list(scores.index) == list(units)
    assert scores["index"].tolist() == [INDEX[r] for r in rows]
    assert scores["rank"].tolist() == [RANK[r] for r in rows]
    assert result.points["G"].tolist() == [G_POINTS[r] for r in rows]


def test_the_issue_reproducer():
    # Issue 21: data columns b, a = 0, 1; a applies, b does not → 1 of 1 → 100, not 0.
    m = chiso.load_model({"format": "chiso-model/1", "id": "t", "root": {"id": "R", "aggregate": "sum", "children": [
        {"id": "a", "max": 1, "rule": {"kind": "points"}}, {"id": "b", "max": 1, "rule": {"kind": "points"}}]}})
    data = pd.DataFrame({"b": [0.0], "a": [1.0]})
    mask = pd.DataFrame({"a": [True], "b": [False]})
    assert m.evaluate(data, applicable=mask).scores["index"].tolist() == [100.0]
    assert m.evaluate(data, applicable=mask.to_numpy()).scores["index"].tolist() == [100.0]  # an array: leaf order


# DataFrame -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
@pytest.mark.parametrize("extra", [False, True], ids=["exact", "extra-columns"])
def test_frame(data_columns, mask_columns, extra):
    result = model_for(data_columns).evaluate(data_frame(data_columns, extra=extra),
                                              applicable=mask_frame(mask_columns, extra=extra), groups=groups_series())
    assert_expected(result)


@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
def test_frame_with_mask_and_groups_rows_in_another_order(data_columns, mask_columns):
    result = model_for(data_columns).evaluate(data_frame(data_columns),
                                              applicable=mask_frame(mask_columns, units=["u3", "u1", "u2"]),
                                              groups=groups_series(["u2", "u3", "u1"]))
    assert_expected(result)
    units = ["u2", "u3", "u1"]  # the data's rows in another order too: results follow the data's rows
    result = model_for(data_columns).evaluate(data_frame(data_columns, units=units),
                                              applicable=mask_frame(mask_columns), groups=groups_series())
    assert_expected(result, units)


def test_frame_with_nullable_and_integer_columns_shuffled():
    frame = data_frame(SHUFFLED_INPUTS, extra=True)
    frame["c"] = frame["c"].astype("Int64")
    frame["f.d"] = frame["f.d"].astype("Float64")
    assert_expected(model().evaluate(frame, applicable=mask_frame(REVERSED_LEAVES), groups=groups_series()))


def test_a_mask_array_is_in_leaf_order_whatever_the_data():
    mask = mask_frame(LEAVES).to_numpy()
    for columns in (INPUTS, REVERSED_INPUTS, SHUFFLED_INPUTS):
        for data_columns in (columns, one_input_each(columns)):
            result = model_for(data_columns).evaluate(data_frame(data_columns), applicable=mask, groups=groups_series())
            assert_expected(result)


# Arrays --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
@pytest.mark.parametrize("layout", ["C", "F"])
def test_array_with_column_names(data_columns, mask_columns, layout):
    values = np.asarray(data_frame(data_columns).to_numpy(), order=layout)
    result = model_for(data_columns).evaluate(values, columns=data_columns, units=UNITS,
                                              applicable=mask_frame(mask_columns), groups=[GROUPS[u] for u in UNITS])
    assert_expected(result)
    assert result._core.input_address == values.__array_interface__["data"][0]  # still read in place


def test_array_with_column_names_and_extra_columns():
    frame = data_frame(SHUFFLED_INPUTS)
    frame.insert(2, "z", 9.0)
    result = model().evaluate(frame.to_numpy(), columns=list(frame.columns), units=UNITS,
                              applicable=mask_frame(SHUFFLED_LEAVES), groups=groups_series())
    assert_expected(result)


def test_array_without_names_is_in_input_column_order():
    result = model().evaluate(data_frame(INPUTS).to_numpy(), units=UNITS, applicable=mask_frame(LEAVES).to_numpy(),
                              groups=[GROUPS[u] for u in UNITS])
    assert_expected(result)


@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
def test_structured_array(data_columns, mask_columns):
    frame = data_frame(data_columns)
    records = frame.to_records(index=False)
    result = model_for(data_columns).evaluate(records, units=UNITS, applicable=mask_frame(mask_columns),
                                              groups=groups_series())
    assert_expected(result)


# Mappings, Arrow, polars -----------------------------------------------------------------------------
@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
@pytest.mark.parametrize("mask_kind", ["frame", "dict"])
def test_dict(data_columns, mask_columns, mask_kind):
    frame = data_frame(data_columns, extra=True)
    columns = {name: frame[name].to_numpy() for name in frame.columns}
    mask = mask_frame(mask_columns, extra=True)
    applicable = mask if mask_kind == "frame" else {name: mask[name].to_numpy() for name in mask.columns}
    result = model_for(data_columns).evaluate(columns, units=UNITS, applicable=applicable, groups=groups_series())
    assert_expected(result)


@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
def test_pyarrow(data_columns, mask_columns):
    pa = pytest.importorskip("pyarrow")
    frame = data_frame(data_columns, extra=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    mask = pa.Table.from_pandas(mask_frame(mask_columns, extra=True), preserve_index=False)
    result = model_for(data_columns).evaluate(table, units=UNITS, applicable=mask, groups=groups_series())
    assert_expected(result)
    batch = table.to_batches()[0]
    assert_expected(model_for(data_columns).evaluate(batch, units=UNITS, applicable=mask_frame(mask_columns),
                                                     groups=groups_series()))


@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
def test_polars(data_columns, mask_columns):
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(data_frame(data_columns, extra=True))
    mask = pl.from_pandas(mask_frame(mask_columns, extra=True))
    result = model_for(data_columns).evaluate(frame, units=UNITS, applicable=mask, groups=groups_series())
    assert_expected(result)


# The core's column maps ----------------------------------------------------------------------------
@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
def test_core_column_maps(data_columns, mask_columns):
    m = model_for(data_columns)
    columns = chiso._core.column_map(m.input_columns, data_columns, "data")
    mask_map = chiso._core.column_map(m.leaf_ids, mask_columns, "applicable")
    core = chiso._core.evaluate(m._core, data_frame(data_columns).to_numpy(), applicable=mask_frame(mask_columns).to_numpy(),
                                columns=np.asarray(columns), applicable_columns=np.asarray(mask_map),
                                groups=np.array([0, 1, 0], dtype=np.int32))
    assert np.asarray(core.index).tolist() == INDEX
    assert np.asarray(core.rank).tolist() == RANK


def test_core_mask_has_its_own_column_map():
    # Inputs given with a column map and the mask without one: the mask is in leaf order (it was
    # once read "laid out like the inputs").
    m = chiso.load_model({"format": "chiso-model/1", "id": "t", "root": {"id": "R", "aggregate": "sum", "children": [
        {"id": "a", "max": 1, "rule": {"kind": "points"}}, {"id": "b", "max": 1, "rule": {"kind": "points"}}]}})
    core = chiso._core.evaluate(m._core, np.array([[0.0, 1.0]]), applicable=np.array([[True, False]]),
                                columns=np.array([1, 0]))
    assert np.asarray(core.index).tolist() == [100.0]


# Refusals --------------------------------------------------------------------------------------------
def refused(error_type, pattern, **kwargs):
    with pytest.raises(error_type, match=pattern) as caught:
        model().evaluate(**kwargs)
    return caught.value


def test_a_mask_missing_a_unit_or_a_criterion_or_with_duplicates_is_refused():
    data = data_frame(SHUFFLED_INPUTS)
    error = refused(chiso.DataError, r"applicable: no row for unit 'u2'", data=data,
                    applicable=mask_frame(LEAVES, units=["u3", "u1"]))
    assert error.id == "data.applicable" and error.unit == "u2"
    error = refused(chiso.DataError, r"applicable: unit 'u1' appears twice", data=data,
                    applicable=mask_frame(LEAVES, units=["u1", "u2", "u3", "u1"]))
    assert error.id == "data.applicable"
    error = refused(chiso.DataError, r"applicable, criterion 'f': missing columns for criteria 'f'", data=data,
                    applicable=mask_frame(["c", "a", "b"]))
    assert error.id == "data.columns" and error.criterion == "f"
    twice = pd.concat([mask_frame(LEAVES), mask_frame(["b"])], axis=1)
    error = refused(chiso.DataError, r"applicable, criterion 'b': the column appears twice", data=data, applicable=twice)
    assert error.id == "data.columns"


def test_groups_missing_a_unit_or_with_duplicates_are_refused():
    data = data_frame(INPUTS)
    error = refused(chiso.DataError, r"groups: no row for unit 'u3'", data=data, groups=groups_series(["u2", "u1"]))
    assert error.id == "data.groups" and error.unit == "u3"
    error = refused(chiso.DataError, r"groups: unit 'u2' appears twice", data=data,
                    groups=groups_series(["u2", "u1", "u3", "u2"]))
    assert error.id == "data.groups"


def test_data_missing_or_doubling_a_column_is_refused_naming_it():
    error = refused(chiso.DataError, r"data, criterion 'f.n': missing columns for criteria 'f.n' "
                    r"\(its columns that are not criteria of the model: 'f.N'\)",
                    data=data_frame(INPUTS).rename(columns={"f.n": "f.N"}))
    assert error.id == "data.columns" and error.criterion == "f.n"
    twice = pd.concat([data_frame(INPUTS), data_frame(["c"])], axis=1)
    refused(chiso.DataError, r"data, criterion 'c': the column appears twice", data=twice)
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_arrays([pa.array([1.0] * 3)] * 6, names=INPUTS + ["c"])
    refused(chiso.DataError, r"criterion 'c': the column appears twice", data=table)


def test_column_names_of_an_array_must_match_its_width():
    refused(chiso.DataError, r"as many as columns= names", data=np.zeros((3, 5)), columns=INPUTS[:4])
    with pytest.raises(chiso.ArgumentTypeError, match=r"columns= names the columns of a 2-D array") as caught:
        model().evaluate(data_frame(INPUTS), columns=INPUTS)
    assert caught.value.id == "parameter.columns"


# Command line ---------------------------------------------------------------------------------------
def write_model(path: Path, m: chiso.Model = None) -> Path:
    path.write_text((m or model()).to_json(), encoding="utf-8")
    return path


def csv_of(frame: pd.DataFrame, yes_no: bool = False) -> str:
    frame = frame.rename_axis("unit").reset_index()
    if yes_no:
        frame = frame.replace({True: "yes", False: "no"})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


def score(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CHISO_KERNELS")}
    return subprocess.run([sys.executable, "-m", "chiso", "score", *args], capture_output=True, cwd=tmp_path,
                          env=env, timeout=120, text=True)


@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
def test_command_line_applicable_and_groups_files(tmp_path, data_columns, mask_columns):
    write_model(tmp_path / "m.json", model_for(data_columns))
    (tmp_path / "in.csv").write_text(csv_of(data_frame(data_columns, units=["u2", "u1", "u3"], extra=True)),
                                     encoding="utf-8")
    (tmp_path / "app.csv").write_text(csv_of(mask_frame(mask_columns, units=["u3", "u2", "u1"]), yes_no=True),
                                      encoding="utf-8")
    (tmp_path / "groups.csv").write_text("unit,group\nu3,east\nu1,east\nu2,west\n", encoding="utf-8")
    done = score(tmp_path, "m.json", "in.csv", "--applicable", "app.csv", "--groups", "groups.csv")
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(io.StringIO(done.stdout), index_col="unit")
    assert rows.loc[UNITS, "index"].tolist() == INDEX
    assert rows.loc[UNITS, "rank"].tolist() == RANK


def test_command_line_parquet_with_a_mask_file(tmp_path):
    pytest.importorskip("pyarrow")
    write_model(tmp_path / "m.json")
    data_frame(SHUFFLED_INPUTS, extra=True).reset_index().to_parquet(tmp_path / "in.parquet")
    (tmp_path / "app.csv").write_text(csv_of(mask_frame(REVERSED_LEAVES, units=["u3", "u1", "u2"])), encoding="utf-8")
    done = score(tmp_path, "m.json", "in.parquet", "--applicable", "app.csv")
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(io.StringIO(done.stdout), index_col="unit")
    assert rows.loc[UNITS, "index"].tolist() == INDEX


@pytest.mark.parametrize("name, content, parts", [
    ("app.csv", "unit,a,b,c,f\nu1,1,0,1,1\nu2,1,1,0,1\nu1,1,1,1,1\nu3,0,1,1,0\n",
     ["app.csv:4", "'u1' appears twice", "[chiso.data.unit]"]),
    ("app.csv", "unit,a,b,c,f\nu1,1,0,1,1\nu3,0,1,1,0\n", ["app.csv", "'u2'", "[chiso.data.applicable]"]),
    ("groups.csv", "unit,group\nu1,east\nu2,west\nu3,east\nu2,east\n",
     ["groups.csv:5", "'u2' appears twice", "[chiso.data.unit]"]),
])
def test_command_line_refuses_duplicate_or_missing_units(tmp_path, name, content, parts):
    write_model(tmp_path / "m.json")
    (tmp_path / "in.csv").write_text(csv_of(data_frame(INPUTS)), encoding="utf-8")
    (tmp_path / name).write_text(content, encoding="utf-8")
    flag = "--applicable" if name == "app.csv" else "--groups"
    done = score(tmp_path, "m.json", "in.csv", flag, name)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line = done.stderr.strip()
    assert "\n" not in line and all(part in line for part in parts), line


# Dask --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("data_columns, mask_columns", ORDERS)
def test_dask(data_columns, mask_columns):
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    import chiso.dask as cd
    frame = data_frame(data_columns, extra=True).assign(group=[GROUPS[u] for u in UNITS])
    with dask.config.set(scheduler="synchronous"):
        got = cd.evaluate(model_for(data_columns), dd.from_pandas(frame, npartitions=2),
                          applicable=dd.from_pandas(mask_frame(mask_columns, extra=True), npartitions=2),
                          groups="group").compute()
    assert got.loc[UNITS, "index"].tolist() == INDEX
    assert got.loc[UNITS, "rank"].tolist() == RANK


def test_dask_refuses_a_mask_missing_a_criterion():
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    import chiso.dask as cd
    with dask.config.set(scheduler="synchronous"), pytest.raises(chiso.DataError, match=r"missing columns for criteria 'f'"):
        cd.evaluate(model(), dd.from_pandas(data_frame(INPUTS), npartitions=1),
                    applicable=dd.from_pandas(mask_frame(["a", "b", "c"]), npartitions=1))
