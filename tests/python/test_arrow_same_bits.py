"""The same bits on every path: `chiso score` on a Parquet file, Model.evaluate on a pandas
DataFrame and on a pyarrow Table give index, rank and band identical, bit for bit, to
Model.evaluate on a numpy array in the model's column order — whatever the order of the columns,
with extra columns, integer and float32 columns, and input in several chunks (a Parquet file of
many row groups). The Dask path is checked against the same reference in test_dask.py."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import chiso

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "examples" / "models" / "tutorial-par.json"
UNITS = 3000
GROUPS = ("quận", "huyện", "thị xã")


@pytest.fixture(scope="module")
def model():
    return chiso.load_model(TUTORIAL)


def random_inputs(model, units: int = UNITS, seed: int = 7) -> pd.DataFrame:
    """Values of every input of the tutorial model, many of them tied (ranks matter), percents
    with decimals (rounding matters)."""
    rng = np.random.default_rng(seed)
    values = {}
    for column in model.input_columns:
        if column in ("A1.1", "A7.1"):
            values[column] = rng.integers(0, 9, units) * 0.25
        elif column in ("A1.2", "A7.2"):
            values[column] = rng.integers(0, 2, units).astype(float)
        elif column == "A3.2":
            values[column] = np.round(rng.random(units), 3)
        else:
            values[column] = np.round(rng.uniform(60, 100, units), 1)
    frame = pd.DataFrame(values, index=pd.Index([f"u{k:05d}" for k in range(units)], name="unit"))
    frame["group"] = np.array(GROUPS, dtype=object)[rng.integers(0, len(GROUPS), units)]
    return frame


def reference(model, frame: pd.DataFrame):
    """Model.evaluate on a C-order numpy array in the model's column order, groups one per row."""
    values = np.ascontiguousarray(frame[model.input_columns].to_numpy(dtype=np.float64))
    return model.evaluate(values, groups=frame["group"].to_numpy(), units=frame.index, keep="root").scores


def shuffled(model, frame: pd.DataFrame) -> pd.DataFrame:
    """The columns in another order, with a column the model does not read, A1.2 as integers and
    A7.1 as float32 (both convert exactly)."""
    columns = list(frame.columns)[::-1]
    out = frame[columns].copy()
    out["A1.2"] = out["A1.2"].astype(np.int64)
    out["A7.1"] = out["A7.1"].astype(np.float32)
    out.insert(3, "note", "—")
    return out


def assert_same_bits(got_index, got_rank, got_band, expected: pd.DataFrame) -> None:
    assert np.asarray(got_index, dtype=np.float64).tobytes() == expected["index"].to_numpy(np.float64).tobytes()
    assert np.asarray(got_rank, dtype=np.int64).tolist() == expected["rank"].to_numpy(np.int64).tolist()
    assert [str(b) for b in got_band] == [str(b) for b in expected["band"]]


def test_dataframe_in_any_column_order(model):
    frame = random_inputs(model)
    expected = reference(model, frame)
    got = model.evaluate(shuffled(model, frame).drop(columns="group"), groups=frame["group"], keep="root").scores
    assert_same_bits(got["index"], got["rank"], got["band"], expected)


def test_arrow_table_in_chunks(model):
    frame = random_inputs(model)
    expected = reference(model, frame)
    table = pa.Table.from_pandas(shuffled(model, frame).drop(columns="group"), preserve_index=False)
    chunked = pa.concat_tables([table.slice(0, 1000), table.slice(1000, 1), table.slice(1001)])
    assert chunked.column("A3.1").num_chunks == 3
    got = model.evaluate(chunked, units=frame.index, groups=frame["group"].to_numpy(), keep="root").scores
    assert_same_bits(got["index"], got["rank"], got["band"], expected)


@pytest.mark.parametrize("row_group_size", [UNITS, 700])
def test_cli_parquet_in_row_groups(model, tmp_path, row_group_size):
    frame = random_inputs(model)
    expected = reference(model, frame)
    inputs = shuffled(model, frame).reset_index()
    pq.write_table(pa.Table.from_pandas(inputs, preserve_index=False), tmp_path / "in.parquet",
                   row_group_size=row_group_size)
    assert pq.ParquetFile(tmp_path / "in.parquet").metadata.num_row_groups == -(-UNITS // row_group_size)
    done = subprocess.run([sys.executable, "-m", "chiso", "score", str(TUTORIAL), "in.parquet", "-o", "out.parquet",
                           "--group-column", "group"], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column("unit").to_pylist() == frame.index.tolist()
    assert out.column("group").to_pylist() == frame["group"].tolist()
    assert_same_bits(out.column("index").to_numpy(), out.column("rank").to_numpy(), out.column("band").to_pylist(),
                     expected)


def test_cli_parquet_group_column_with_a_missing_group(model, tmp_path):
    """A null in the Parquet group column (coded by Arrow) is the same error as in the API."""
    frame = random_inputs(model, 20)
    inputs = frame.reset_index()
    inputs.loc[4, "group"] = None
    pq.write_table(pa.Table.from_pandas(inputs, preserve_index=False), tmp_path / "in.parquet", row_group_size=7)
    done = subprocess.run([sys.executable, "-m", "chiso", "score", str(TUTORIAL), "in.parquet", "-o", "out.parquet",
                           "--group-column", "group"], cwd=tmp_path, capture_output=True)
    assert done.returncode == 1
    assert "unit 'u00004' has no group" in done.stderr.decode()
