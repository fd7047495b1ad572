"""Tables whose header or text cells would make `chiso score` guess or plant something in the
files it writes: a column named twice (pandas would keep the first as the input and rename the
second "A1.1.1"; json keeps the last key) and unit ids or group labels holding control
characters or bidirectional overrides. Each is refused with one line naming the file and the
row or column, and no output file is written — in every input format."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from test_cli import CRITERIA, assert_clean_error, call

ROW = [2, 1, 100, 100, 0.9, 2, 0]


def write(path, header, rows, kind):
    if kind == "csv":
        path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows),
                        encoding="utf-8")
    elif kind == "xlsx":
        import openpyxl
        book = openpyxl.Workbook()
        sheet = book.active
        for r in [header, *rows]:
            sheet.append(list(r))
        book.save(path)
    elif kind == "parquet":
        columns = [pa.array([r[k] for r in rows]) for k in range(len(header))]
        pq.write_table(pa.Table.from_arrays(columns, names=list(header)), path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet"])
def test_a_column_named_twice_is_refused(tmp_path, kind):
    header = ["unit", *CRITERIA, "A1.1"]
    source = write(tmp_path / f"in.{kind}", header, [["u1", *ROW, 0]], kind)
    done = call("score", "tutorial-par", source, "-o", tmp_path / "out.csv", cwd=tmp_path)
    assert_clean_error(done, 1, f"in.{kind}", "column 'A1.1' appears twice (columns 2 and 9)", "[chiso.data.columns]")
    assert not (tmp_path / "out.csv").exists()


def test_a_json_record_naming_a_column_twice_is_refused(tmp_path):
    record = ", ".join(f'"{c}": {v}' for c, v in zip(CRITERIA, ROW))
    (tmp_path / "in.json").write_text(f'[{{"unit": "u1", {record}, "A1.1": 0}}]', encoding="utf-8")
    done = call("score", "tutorial-par", tmp_path / "in.json", cwd=tmp_path)
    assert_clean_error(done, 1, "in.json", "a record names 'A1.1' twice", "[chiso.data.columns]")
    assert done.stdout == b""


BIDI = ("u\u202e2", "a bidirectional override U+202E at character 2")
ESCAPE = ("u\x1b[31m2", "a control character U+001B at character 2")  # (openpyxl cannot write it in a cell)


@pytest.mark.parametrize("kind, bad, what", [(k, *BIDI) for k in ("csv", "xlsx", "parquet", "json")]
                         + [(k, *ESCAPE) for k in ("csv", "parquet", "json")])
def test_a_unit_id_with_a_control_character_is_refused(tmp_path, kind, bad, what):
    rows = [["u1", *ROW], [bad, *ROW]]
    path = tmp_path / f"in.{kind}"
    if kind == "json":
        path.write_text(json.dumps([dict(zip(["unit", *CRITERIA], r)) for r in rows]), encoding="utf-8")
    else:
        write(path, ["unit", *CRITERIA], rows, kind)
    done = call("score", "tutorial-par", path, "-o", tmp_path / "out.xlsx", cwd=tmp_path)
    row = {"csv": "in.csv:3", "xlsx": "in.xlsx row 3", "parquet": "in.parquet row 1", "json": "in.json record 1"}
    assert_clean_error(done, 1, f"{row[kind]}: unit {bad!r} contains {what}", "[chiso.data.text]")
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_group_label_with_a_control_character_is_refused(tmp_path, kind):
    rows = [["u1", "quận", *ROW], ["u2", "huyện\x07", *ROW]]
    source = write(tmp_path / f"in.{kind}", ["unit", "group", *CRITERIA], rows, kind)
    done = call("score", "tutorial-par", source, "--group-column", "group", cwd=tmp_path)
    row = "in.csv:3" if kind == "csv" else "in.parquet row 1"
    assert_clean_error(done, 1, f"{row}: group 'huyện\\x07' contains a control character U+0007 at character 6",
                       "[chiso.data.text]")


def test_tabs_and_vietnamese_text_still_pass(tmp_path):
    """The check refuses what the core refuses, no more: text a user means stays accepted."""
    rows = [["Ba Đình", *ROW], ["Hoàn Kiếm — phường Hàng Bạc", *ROW]]
    source = write(tmp_path / "in.parquet", ["unit", *CRITERIA], rows, "parquet")
    done = call("score", "tutorial-par", source, "-o", tmp_path / "out.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(tmp_path / "out.csv")["unit"].tolist() == ["Ba Đình", "Hoàn Kiếm — phường Hàng Bạc"]
