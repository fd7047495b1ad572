"""Arrow in and out of the Python API (Model.evaluate on a pyarrow Table or a polars DataFrame,
Result.to_arrow) and the command's progress bar. Figures: the hand calculation of test_cli.py."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import chiso
from chiso import _arrow
from chiso.cli import Progress

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "examples" / "models" / "tutorial-par.json"
UNITS = ["Ba Đình", "Hoàn Kiếm"]
ROWS = {"A1.1": [2.0, 1.75], "A1.2": [1.0, 0.0], "A1.3": [100.0, 96.0], "A3.1": [100.0, 96.0],
        "A3.2": [0.9, 0.9], "A7.1": [2.0, 1.75], "A7.2": [0.0, 1.0]}


@pytest.fixture(scope="module")
def model():
    return chiso.load_model(TUTORIAL)


def test_evaluate_a_pyarrow_table(model):
    table = pa.table(ROWS)
    result = model.evaluate(table, units=UNITS)
    assert result.scores["index"].tolist() == [98.33, 71.25]
    assert result.scores.index.tolist() == UNITS


def test_evaluate_a_polars_frame(model):
    frame = pl.DataFrame({**ROWS, "A1.2": [1, 0]})  # an integer column is converted
    result = model.evaluate(frame, units=UNITS)
    assert result.scores["index"].tolist() == [98.33, 71.25]


def test_float64_columns_without_nulls_are_not_copied():
    table = pa.table(ROWS)
    columns = _arrow.input_columns(table)
    for name in ROWS:
        buffer = np.frombuffer(table.column(name).chunk(0).buffers()[1], dtype=np.float64)
        assert np.shares_memory(columns[name], buffer), name


def test_nulls_are_missing_inputs(model):
    table = pa.table({**ROWS, "A3.1": pa.array([100.0, None])})
    columns = _arrow.input_columns(table)
    assert np.isnan(columns["A3.1"][1]) and columns["A3.1"][0] == 100.0
    with pytest.raises(chiso.DataError) as error:
        model.evaluate(table, units=UNITS)
    assert error.value.unit == "Hoàn Kiếm" and error.value.criterion == "A3.1"


def test_text_column_is_an_error_naming_it(model):
    with pytest.raises(chiso.DataError, match="column 'A1.1' holds string"):
        model.evaluate(pa.table({**ROWS, "A1.1": ["2", "1.75"]}), units=UNITS)


def test_result_as_arrow(model):
    result = model.evaluate(pa.table(ROWS), units=UNITS, groups=["quận", "quận"])
    scores = result.to_arrow()
    assert scores.column_names == ["unit", "index", "rank", "band", "group"]
    assert scores.column("unit").to_pylist() == UNITS
    assert scores.column("index").to_pylist() == [98.33, 71.25]
    assert scores.column("rank").to_pylist() == [1, 2]
    assert scores.column("band").to_pylist() == ["Xuất sắc", "Chưa đạt"]
    assert scores.column("group").to_pylist() == ["quận", "quận"]
    points = result.to_arrow("points")
    assert points.column("PAR").to_pylist() == [11.8, 8.55]
    assert points.column("A7.2").to_pylist() == [0.0, -0.25]
    assert result.to_arrow("max").column("PAR").to_pylist() == [12.0, 12.0]
    with pytest.raises(ValueError, match="table must be"):
        result.to_arrow("ranks")


def test_rank_is_null_where_nothing_applies(model):
    applies = pd.DataFrame(True, index=UNITS, columns=model.leaf_ids)
    applies.loc["Hoàn Kiếm"] = False
    inputs = pd.DataFrame(ROWS, index=UNITS)
    scores = model.evaluate(inputs, applicable=applies).to_arrow()
    assert scores.column("rank").to_pylist()[1] is None


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only():
    terminal = _Terminal()
    bar = Progress(4, "score", stream=terminal, width=8)
    bar.step("read")
    bar.step("scored", 3)
    bar.close()
    text = terminal.getvalue()
    assert "\rscore [##......] 1/4 read" in text and "\rscore [########] 4/4 scored" in text
    assert text.endswith("\n")
    pipe = io.StringIO()
    bar = Progress(4, "score", stream=pipe)
    bar.step("read")
    bar.close()
    assert pipe.getvalue() == ""


def test_large_scoring_is_silent_when_stderr_is_not_a_terminal(tmp_path):
    rng = np.random.default_rng(7)
    n = 12_000  # above the size that shows a bar on a terminal
    frame = pd.DataFrame({"unit": [f"u{k}" for k in range(n)], "A1.1": rng.integers(0, 9, n) * 0.25,
                          "A1.2": rng.integers(0, 2, n), "A1.3": rng.uniform(0, 100, n).round(1),
                          "A3.1": rng.uniform(0, 100, n).round(1), "A3.2": rng.uniform(0, 1, n).round(3),
                          "A7.1": rng.integers(0, 9, n) * 0.25, "A7.2": rng.integers(0, 6, n)})
    frame.to_csv(tmp_path / "in.csv", index=False)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-m", "chiso", "score", str(TUTORIAL), "in.csv", "-o", "out.parquet"],
                          capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0 and done.stderr == b""
    api = chiso.load_model(TUTORIAL).evaluate(frame.set_index("unit"))
    written = pd.read_parquet(tmp_path / "out.parquet")
    assert written["index"].tolist() == api.scores["index"].tolist()
