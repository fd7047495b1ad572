"""Bounded reading of input files (issue 24, item 6): hostile files generated here are refused
before they are parsed, with one line naming the limit and how to raise it."""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import chiso
from chiso import io as cio

from test_cli import INPUTS_CSV, TUTORIAL, assert_clean_error, call, err, out

EXPECTED = "unit,index,rank,band\nBa Đình,98.33,1,Xuất sắc\nHoàn Kiếm,71.25,2,Chưa đạt\n"


def bomb(path: Path, expanded: int, chunk: int = 1 << 20) -> None:
    """An .xlsx-shaped zip whose one worksheet expands to ``expanded`` bytes of spaces (deflate
    compresses them about 1000 times: a 1 GB part is a 1 MB file)."""
    block = b" " * chunk
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(expanded // chunk):
                part.write(block)


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    bomb(path, 2**30)
    return path


def test_the_generated_bomb_is_what_it_claims(gigabyte_bomb):
    assert gigabyte_bomb.stat().st_size < 1.5 * 2**20
    with zipfile.ZipFile(gigabyte_bomb) as archive:
        part = archive.getinfo("xl/worksheets/sheet1.xml")
        assert part.file_size == 2**30
        with archive.open(part) as stream:  # it really expands: the first MB is spaces
            assert stream.read(2**20) == b" " * 2**20


def test_an_xlsx_expanding_to_a_gigabyte_is_refused_before_it_is_opened(gigabyte_bomb, tmp_path, monkeypatch):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("the workbook was opened")
    monkeypatch.setattr(pd, "ExcelFile", must_not_parse)
    monkeypatch.setattr(zipfile.ZipExtFile, "read", must_not_parse)  # nothing is decompressed
    done = call("score", TUTORIAL, gigabyte_bomb, cwd=tmp_path)
    text = assert_clean_error(done, 1, "bomb.xlsx", "1.0 GB", "limit of 512.0 MB", "--max-xlsx-bytes",
                              "CHISO_MAX_XLSX_BYTES", "[chiso.io.limit]")
    assert len(text) < 400


def test_a_part_expanding_too_many_times_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "dense.xlsx"
    bomb(path, 64 * 2**20)  # 64 MB from about 64 kB: below the size limit, a thousand times over the ratio
    monkeypatch.setattr(pd, "ExcelFile", lambda *a, **k: pytest.fail("the workbook was opened"))
    done = call("score", TUTORIAL, path, cwd=tmp_path)
    assert_clean_error(done, 1, "dense.xlsx", "'xl/worksheets/sheet1.xml' expands", "limit of 100",
                       "--max-xlsx-ratio", "CHISO_MAX_XLSX_RATIO", "[chiso.io.limit]")


def test_limits_are_raised_by_option_and_environment(tmp_path, monkeypatch):
    frame = pd.read_csv(io.StringIO(INPUTS_CSV))
    frame.to_excel(tmp_path / "in.xlsx", index=False)
    assert out(call("score", TUTORIAL, "in.xlsx", cwd=tmp_path)) == EXPECTED
    assert_clean_error(call("score", TUTORIAL, "in.xlsx", "--max-xlsx-bytes", "1000", cwd=tmp_path), 1,
                       "limit of 1000 bytes", "[chiso.io.limit]")
    monkeypatch.setenv("CHISO_MAX_XLSX_BYTES", "1000")
    assert_clean_error(call("score", TUTORIAL, "in.xlsx", cwd=tmp_path), 1, "limit of 1000 bytes")
    assert out(call("score", TUTORIAL, "in.xlsx", "--max-xlsx-bytes", "100000000", cwd=tmp_path)) == EXPECTED
    monkeypatch.setenv("CHISO_MAX_XLSX_BYTES", "lots")
    assert_clean_error(call("score", TUTORIAL, "in.xlsx", cwd=tmp_path), 1, "CHISO_MAX_XLSX_BYTES='lots'",
                       "[chiso.io.limit]")


class CountingStream(io.RawIOBase):
    """stdin that counts the bytes it gave."""

    def __init__(self, data: bytes) -> None:
        self.source, self.given = io.BytesIO(data), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.source.read(len(buffer))
        buffer[:len(chunk)] = chunk
        self.given += len(chunk)
        return len(chunk)


def test_a_header_of_a_million_columns_is_refused_after_reading_its_start(tmp_path, monkeypatch):
    header = "unit," + ",".join(f"c{k}" for k in range(10**6))
    data = (header + "\n" + "x" + ",1" * 10**6 + "\n").encode()
    assert len(data) > 8 * 10**6
    stream = CountingStream(data)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(stream, buffer_size=1 << 16)))
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: pytest.fail("the table was parsed"))
    done = call("score", TUTORIAL, "-", cwd=tmp_path)
    text = assert_clean_error(done, 1, "<stdin>: the header has more than 20,000 columns", "limit of 20000",
                              "--max-columns", "CHISO_MAX_COLUMNS", "[chiso.io.limit]")
    assert len(text) < 300
    assert stream.given < 2**20, stream.given  # the start of the header, not the line nor the file


def test_the_column_limit_holds_for_every_format(tmp_path, monkeypatch):
    (tmp_path / "in.csv").write_text(INPUTS_CSV, encoding="utf-8")
    frame = pd.read_csv(io.StringIO(INPUTS_CSV))
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "in.parquet")
    frame.to_json(tmp_path / "in.json", orient="records", force_ascii=False)
    for name in ("in.csv", "in.parquet", "in.json"):
        assert_clean_error(call("score", TUTORIAL, name, "--max-columns", "5", cwd=tmp_path), 1,
                           f"{name}: the header has", "limit of 5", "[chiso.io.limit]")
    frame.to_excel(tmp_path / "in.xlsx", index=False)
    assert_clean_error(call("score", TUTORIAL, "in.xlsx", "--max-columns", "5", cwd=tmp_path), 1,
                       "in.xlsx sheet 'Sheet1': the header has 8 columns", "limit of 5", "[chiso.io.limit]")
    monkeypatch.setenv("CHISO_MAX_COLUMNS", "8")  # exactly the 8 columns: allowed
    assert out(call("score", TUTORIAL, "in.csv", cwd=tmp_path)) == EXPECTED


def test_quoted_delimiters_in_the_header_are_not_columns(tmp_path):
    text = INPUTS_CSV.replace("unit,A1.1", 'unit,"A1.1"', 1).replace("\n", ',"note, with, commas"\n', 1)
    text = text.replace("0.9,2,0\n", '0.9,2,0,"x"\n').replace("1.75,1\n", '1.75,1,"y"\n')
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    done = call("score", TUTORIAL, "in.csv", "--max-columns", "9", cwd=tmp_path)
    assert "[chiso.io.limit]" not in err(done)


def test_the_limits_in_python(tmp_path):
    (tmp_path / "in.csv").write_text(INPUTS_CSV, encoding="utf-8")
    with pytest.raises(chiso.DataError, match="limit of 3") as raised:
        cio.read_table(tmp_path / "in.csv", cio.TableOptions(max_columns=3))
    assert raised.value.id == "io.limit"
