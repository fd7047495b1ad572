"""Every file format and reading option of the `chiso` command, through a subprocess of the
installed package. The figures are the hand calculation of test_cli.py (Ba Đình 98.33,
Hoàn Kiếm 71.25 on the tutorial model)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vietnamese_text import cp1258

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "examples" / "models" / "tutorial-par.json"
UNITS = ["Ba Đình", "Hoàn Kiếm"]
ROWS = {"A1.1": [2, 1.75], "A1.2": [1, 0], "A1.3": [100, 96], "A3.1": [100, 96], "A3.2": [0.9, 0.9],
        "A7.1": [2, 1.75], "A7.2": [0, 1]}
EXPECTED = "unit,index,rank,band\nBa Đình,98.33,1,Xuất sắc\nHoàn Kiếm,71.25,2,Chưa đạt\n"


def run(*args, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONIOENCODING")}
    return subprocess.run([sys.executable, "-m", "chiso", *map(str, args)], input=stdin, capture_output=True,
                          cwd=cwd, env=env, timeout=120)


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    return done.stdout.decode("utf-8")


def frame() -> pd.DataFrame:
    return pd.DataFrame({"unit": UNITS, **ROWS})


def csv_text(sep: str = ",", decimal: str = ".") -> str:
    lines = [sep.join(["unit", *ROWS])]
    for k, unit in enumerate(UNITS):
        lines.append(sep.join([unit, *(f"{ROWS[c][k]:g}".replace(".", decimal) for c in ROWS)]))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("encoding, args", [
    ("utf-8", []),
    ("utf-8-sig", []),                        # Excel's "CSV UTF-8": a BOM before the first header
    ("cp1258", ["--encoding", "cp1258"]),     # Vietnamese Windows code page
    ("utf-16", ["--encoding", "utf-16"]),     # Excel's "Unicode text"
])
def test_csv_encodings(tmp_path, encoding, args):
    (tmp_path / "in.csv").write_bytes(cp1258(csv_text()) if encoding == "cp1258" else csv_text().encode(encoding))
    assert ok(run("score", TUTORIAL, "in.csv", *args, cwd=tmp_path)) == EXPECTED


def test_cp1258_decomposed_tones_are_read_as_the_same_names(tmp_path):
    """cp1258 writes some tone marks as combining characters: the names must still read back."""
    data = cp1258(csv_text())
    assert "Hoàn Kiếm".encode("utf-8") not in data and b"Ki\xeam" not in data  # ế is ê + a combining acute
    (tmp_path / "in.csv").write_bytes(data)
    text = ok(run("score", TUTORIAL, "in.csv", "--encoding", "cp1258", cwd=tmp_path))
    assert "Hoàn Kiếm" in text


def test_semicolons_and_decimal_commas(tmp_path):
    (tmp_path / "in.csv").write_text(csv_text(";", ","), encoding="utf-8")
    assert "0,9" in (tmp_path / "in.csv").read_text("utf-8")
    assert ok(run("score", TUTORIAL, "in.csv", "--delimiter", ";", "--decimal", ",", cwd=tmp_path)) == \
        EXPECTED.replace(",", ";").replace("98.33", "98,33").replace("71.25", "71,25")


def test_stdin_and_stdout(tmp_path):
    assert ok(run("score", TUTORIAL, "-", cwd=tmp_path, stdin=csv_text().encode())) == EXPECTED
    assert ok(run("score", TUTORIAL, "-", "-o", "-", cwd=tmp_path, stdin=csv_text().encode())) == EXPECTED
    json_in = frame().to_json(orient="records", force_ascii=False).encode()
    got = json.loads(ok(run("score", TUTORIAL, "-", "--format", "json", "--output-format", "json", cwd=tmp_path,
                            stdin=json_in)))
    assert got == [{"unit": "Ba Đình", "index": 98.33, "rank": 1, "band": "Xuất sắc"},
                   {"unit": "Hoàn Kiếm", "index": 71.25, "rank": 2, "band": "Chưa đạt"}]


def test_csv_output_encoding(tmp_path):
    (tmp_path / "in.csv").write_text(csv_text(), encoding="utf-8")
    ok(run("score", TUTORIAL, "in.csv", "-o", "out.csv", cwd=tmp_path))
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    ok(run("score", TUTORIAL, "in.csv", "-o", "out16.csv", "--output-encoding", "utf-16", cwd=tmp_path))
    assert (tmp_path / "out16.csv").read_bytes().decode("utf-16") == EXPECTED


def test_excel_in_and_out_with_sheets(tmp_path):
    with pd.ExcelWriter(tmp_path / "in.xlsx") as writer:
        pd.DataFrame({"note": ["not the data"]}).to_excel(writer, sheet_name="Ghi chú", index=False)
        frame().to_excel(writer, sheet_name="Dữ liệu", index=False)
    ok(run("score", TUTORIAL, "in.xlsx", "--sheet", "Dữ liệu", "-o", "out.xlsx", cwd=tmp_path))
    out = pd.read_excel(tmp_path / "out.xlsx")
    assert out.to_dict("list") == {"unit": UNITS, "index": [98.33, 71.25], "rank": [1, 2],
                                   "band": ["Xuất sắc", "Chưa đạt"]}
    frame().to_excel(tmp_path / "first.xlsx", index=False)
    assert ok(run("score", TUTORIAL, "first.xlsx", cwd=tmp_path)) == EXPECTED  # the first sheet
    done = run("score", TUTORIAL, "in.xlsx", "--sheet", "Sheet9", cwd=tmp_path)
    assert done.returncode == 1 and "no sheet 'Sheet9' (sheets: Ghi chú, Dữ liệu)" in done.stderr.decode()


def test_excel_not_a_number_names_the_row(tmp_path):
    bad = frame().astype(object)
    bad.loc[1, "A3.1"] = "chín sáu"
    bad.to_excel(tmp_path / "in.xlsx", index=False)
    done = run("score", TUTORIAL, "in.xlsx", cwd=tmp_path)
    assert done.returncode == 1
    assert "in.xlsx row 3: unit 'Hoàn Kiếm', criterion 'A3.1': 'chín sáu' is not a number" in done.stderr.decode()


def test_parquet_in_and_out(tmp_path):
    table = pa.table({"unit": UNITS, **{c: pa.array(v, type=pa.float64()) for c, v in ROWS.items()}})
    pq.write_table(table, tmp_path / "in.parquet")
    ok(run("score", TUTORIAL, "in.parquet", "-o", "out.parquet", "--keep", "inner", cwd=tmp_path))
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column("unit").to_pylist() == UNITS
    assert out.column("index").to_pylist() == [98.33, 71.25]
    assert out.column("rank").to_pylist() == [1, 2]
    assert out.column("band").to_pylist() == ["Xuất sắc", "Chưa đạt"]
    assert out.column("PAR.points").to_pylist() == [11.8, 8.55]
    assert out.column("A3.points").to_pylist() == [4.8, 3.8]  # 3 + 1.8; 2 + 1.8
    assert out.column("A7.max").to_pylist() == [2.0, 2.0]
    assert ok(run("score", TUTORIAL, "in.parquet", cwd=tmp_path)) == EXPECTED  # Parquet in, CSV out


def test_parquet_nulls_and_integers(tmp_path):
    """An integer column is converted; a null is a missing input (an error for this model)."""
    table = pa.table({"unit": UNITS, **{c: pa.array(v) for c, v in ROWS.items()}})
    table = table.set_column(table.column_names.index("A1.2"), "A1.2", pa.array([1, 0], type=pa.int64()))
    pq.write_table(table, tmp_path / "ints.parquet")
    assert ok(run("score", TUTORIAL, "ints.parquet", cwd=tmp_path)) == EXPECTED
    table = table.set_column(table.column_names.index("A3.1"), "A3.1", pa.array([100.0, None]))
    pq.write_table(table, tmp_path / "nulls.parquet")
    done = run("score", TUTORIAL, "nulls.parquet", cwd=tmp_path)
    text = done.stderr.decode()
    assert done.returncode == 1 and "Hoàn Kiếm" in text and "A3.1" in text and "Traceback" not in text
    table = table.set_column(table.column_names.index("A3.1"), "A3.1", pa.array(["100", "96"]))
    pq.write_table(table, tmp_path / "text.parquet")
    done = run("score", TUTORIAL, "text.parquet", cwd=tmp_path)
    assert done.returncode == 1 and "column 'A3.1' holds string, not numbers" in done.stderr.decode()


def test_json_records_in_and_out(tmp_path):
    frame().to_json(tmp_path / "in.json", orient="records", force_ascii=False)
    ok(run("score", TUTORIAL, "in.json", "-o", "out.json", "--keep", "all", cwd=tmp_path))
    records = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert [r["index"] for r in records] == [98.33, 71.25]
    assert records[1]["A7.2.points"] == -0.25 and records[1]["A1.3.points"] == 1.5
    assert records[0]["A3.2.score"] == 0.9
    (tmp_path / "obj.json").write_text('{"unit": "x"}', encoding="utf-8")
    done = run("score", TUTORIAL, "obj.json", cwd=tmp_path)
    assert done.returncode == 1 and "expected a JSON array of records" in done.stderr.decode()


def test_format_option_overrides_the_extension(tmp_path):
    (tmp_path / "in.txt").write_text(csv_text(), encoding="utf-8")
    frame().to_json(tmp_path / "data.dat", orient="records", force_ascii=False)
    assert ok(run("score", TUTORIAL, "data.dat", "--format", "json", cwd=tmp_path)) == EXPECTED
    ok(run("score", TUTORIAL, "in.txt", "-o", "out.dat", "--output-format", "parquet", cwd=tmp_path))
    assert pq.read_table(tmp_path / "out.dat").column("index").to_pylist() == [98.33, 71.25]
