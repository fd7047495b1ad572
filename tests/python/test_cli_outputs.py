"""What the `chiso` command writes (issue 24, items 4 and 5): numbers at the model's decimals in
every format, read back from the written text; outputs checked before any work; files written
whole or not at all.

Figures: the hand calculation of test_cli.py on the tutorial model (two decimals, half up):
Ba Đình 11.8 of 12 points → 98.33; Hoàn Kiếm 8.55 of 12 → 71.25, and with A1.1 (2 points) not
applicable 6.8 of 10 → 68.00. Area A3: 3 + 1.8 = 4.8 and 2 + 1.8 = 3.8 points; A7.2 deducts
0 and 0.25.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from test_cli import INPUTS_CSV, TUTORIAL, assert_clean_error, call, err, out

NOISE = re.compile(r"\d\.\d*(?:0{6,}[1-9]|9{6,})")
APPLIES = "unit,A1.1\nBa Đình,yes\nHoàn Kiếm,no\n"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "in.csv").write_text(INPUTS_CSV, encoding="utf-8")
    (tmp_path / "applies.csv").write_text(APPLIES, encoding="utf-8")
    return tmp_path


# Item 4: the model's decimals ----------------------------------------------------------------------
def test_csv_index_has_the_models_two_decimals(workdir):
    done = call("score", TUTORIAL, "in.csv", "--applicable", "applies.csv", cwd=workdir)
    assert done.returncode == 0, err(done)
    assert out(done) == "unit,index,rank,band\nBa Đình,98.33,1,Xuất sắc\nHoàn Kiếm,68.00,2,Chưa đạt\n"


def test_csv_with_decimal_commas_keeps_the_decimals(workdir):
    header, rows = INPUTS_CSV.split("\n", 1)
    (workdir / "semi.csv").write_text(header.replace(",", ";") + "\n" + rows.replace(",", ";").replace(".", ","),
                                      encoding="utf-8")
    (workdir / "applies-semi.csv").write_text(APPLIES.replace(",", ";"), encoding="utf-8")
    done = call("score", TUTORIAL, "semi.csv", "--applicable", "applies-semi.csv", "--decimal", ",", "--delimiter",
                ";", "-o", "out.csv", cwd=workdir)
    assert done.returncode == 0, err(done)
    lines = (workdir / "out.csv").read_text("utf-8-sig").splitlines()
    assert lines[2] == "Hoàn Kiếm;68,00;2;Chưa đạt"


def test_json_numbers_are_written_as_the_model_has_them(workdir):
    done = call("score", TUTORIAL, "in.csv", "--keep", "all", "--output-format", "json", cwd=workdir)
    assert done.returncode == 0, err(done)
    text = out(done)
    assert not NOISE.search(text), NOISE.search(text)
    # The written text itself: the index at two decimals; points at the decimals of their column.
    assert '"index":98.33' in text and '"index":71.25' in text
    assert '"PAR.points":11.80' in text and '"PAR.points":8.55' in text
    assert '"A3.points":4.8,' in text and '"A3.points":3.8,' in text
    assert '"A7.2.points":0.00' in text and '"A7.2.points":-0.25' in text
    assert '"A3.2.score":0.9,' in text
    records = json.loads(text)
    assert [r["index"] for r in records] == [98.33, 71.25]
    assert records[1]["rank"] == 2 and isinstance(records[1]["rank"], int)


def test_json_index_at_two_decimals_even_when_whole(workdir):
    done = call("score", TUTORIAL, "in.csv", "--applicable", "applies.csv", "--output-format", "json", cwd=workdir)
    assert done.returncode == 0, err(done)
    assert '"index":68.00' in out(done)


def test_csv_points_columns_write_every_value_at_the_same_decimals(workdir):
    done = call("score", TUTORIAL, "in.csv", "--keep", "all", cwd=workdir)
    assert done.returncode == 0, err(done)
    table = list(csv_rows(out(done)))
    header = table[0]
    rows = {r[0]: dict(zip(header, r)) for r in table[1:]}
    assert rows["Ba Đình"]["PAR.points"] == "11.80" and rows["Hoàn Kiếm"]["PAR.points"] == "8.55"
    assert rows["Ba Đình"]["PAR.max"] == "12"
    assert rows["Ba Đình"]["A7.2.points"] == "0.00" and rows["Hoàn Kiếm"]["A7.2.points"] == "-0.25"
    assert not NOISE.search(out(done))


def csv_rows(text: str):
    for line in text.splitlines():
        yield line.split(",")


def test_excel_cells_are_the_decimal_values_shown_with_the_models_decimals(workdir):
    done = call("score", TUTORIAL, "in.csv", "--applicable", "applies.csv", "-o", "out.xlsx", cwd=workdir)
    assert done.returncode == 0, err(done)
    sheet = openpyxl.load_workbook(workdir / "out.xlsx").active
    header = [c.value for c in sheet[1]]
    index = header.index("index") + 1
    cells = [sheet.cell(row=r, column=index) for r in (2, 3)]
    assert [c.value for c in cells] == [98.33, 68.0]
    assert all(c.number_format == "0.00" for c in cells)


def test_parquet_holds_the_doubles_nearest_the_decimals(workdir):
    done = call("score", TUTORIAL, "in.csv", "--keep", "all", "-o", "out.parquet", cwd=workdir)
    assert done.returncode == 0, err(done)
    table = pq.read_table(workdir / "out.parquet")
    assert table.column("index").to_pylist() == [98.33, 71.25]
    assert table.column("PAR.points").to_pylist() == [11.8, 8.55]


# Item 5: outputs checked before the work ------------------------------------------------------------
BAD_INPUTS = INPUTS_CSV.replace("1.75,0,96", "1.75,0,abc")  # would fail the scoring: the output fails first


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet", "json"])
def test_output_to_a_missing_folder(workdir, suffix):
    (workdir / "bad.csv").write_text(BAD_INPUTS, encoding="utf-8")
    done = call("score", TUTORIAL, "bad.csv", "-o", f"nowhere/out.{suffix}", cwd=workdir)
    assert_clean_error(done, 1, f"nowhere/out.{suffix}", "no folder 'nowhere'", "[chiso.io.write]")


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet", "json"])
def test_output_that_is_a_folder(workdir, suffix):
    (workdir / "bad.csv").write_text(BAD_INPUTS, encoding="utf-8")
    (workdir / f"out.{suffix}").mkdir()
    done = call("score", TUTORIAL, "bad.csv", "-o", f"out.{suffix}", cwd=workdir)
    assert_clean_error(done, 1, f"out.{suffix}: is a folder", "[chiso.io.write]")


def read_only_folder(tmp_path: Path) -> Path:
    """A folder no file can be made in: a read-only directory, or for root (whom permissions do
    not stop) a directory of /proc."""
    if os.geteuid() == 0:
        return Path("/proc/self")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet", "json"])
def test_output_to_a_read_only_place(workdir, suffix):
    (workdir / "bad.csv").write_text(BAD_INPUTS, encoding="utf-8")
    target = read_only_folder(workdir) / f"out.{suffix}"
    done = call("score", TUTORIAL, "bad.csv", "-o", target, cwd=workdir)
    assert_clean_error(done, 1, str(target), "cannot write in", "[chiso.io.write]")


@pytest.mark.parametrize("suffix", ["html", "docx", "xlsx"])
def test_report_output_checked_before_the_assessment_is_read(workdir, suffix):
    (workdir / "folder.x").mkdir()
    base = ("report", "tutorial-par", "--units", "absent-units.csv", "--records", "absent-records.csv")
    assert_clean_error(call(*base, "-o", f"nowhere/r.{suffix}", cwd=workdir), 1, "no such file")  # inputs first
    (workdir / "u.csv").write_text("id,name,group\nx,X,g\n", encoding="utf-8")
    (workdir / "r.csv").write_text("unit,criterion,stage,value\nx,NOPE,self,1\n", encoding="utf-8")
    base = ("report", "tutorial-par", "--units", "u.csv", "--records", "r.csv")
    assert_clean_error(call(*base, "-o", f"nowhere/r.{suffix}", cwd=workdir), 1, "no folder 'nowhere'",
                       "[chiso.io.write]")
    (workdir / f"dir.{suffix}").mkdir()
    assert_clean_error(call(*base, "-o", f"dir.{suffix}", cwd=workdir), 1, "is a folder", "[chiso.io.write]")


def test_assess_output_that_is_a_file(workdir):
    (workdir / "u.csv").write_text("id,name,group\nx,X,g\n", encoding="utf-8")
    (workdir / "r.csv").write_text("unit,criterion,stage,value\nx,NOPE,self,1\n", encoding="utf-8")
    (workdir / "out").write_text("", encoding="utf-8")
    done = call("assess", "tutorial-par", "--units", "u.csv", "--records", "r.csv", "-o", "out", cwd=workdir)
    assert_clean_error(done, 1, "out: not a folder", "[chiso.io.write]")


@pytest.mark.parametrize("spelling", ["in.csv", "./in.csv", "sub/../in.csv"])
def test_output_equal_to_the_input_is_refused(workdir, spelling):
    (workdir / "sub").mkdir()
    done = call("score", TUTORIAL, "in.csv", "-o", spelling, cwd=workdir)
    assert_clean_error(done, 1, "also an input", "[chiso.io.same_file]")
    assert (workdir / "in.csv").read_text("utf-8") == INPUTS_CSV


def test_output_equal_to_the_applicable_file_is_refused(workdir):
    done = call("score", TUTORIAL, "in.csv", "--applicable", "applies.csv", "-o", "applies.csv", cwd=workdir)
    assert_clean_error(done, 1, "applies.csv", "[chiso.io.same_file]")
    assert (workdir / "applies.csv").read_text("utf-8") == APPLIES


# Atomic writes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx", "json"])
def test_a_failed_write_leaves_the_old_file(workdir, suffix, monkeypatch):
    """A failure in the middle of writing (here the disk, simulated) leaves the previous file as it
    was and no temporary file behind."""
    target = workdir / f"out.{suffix}"
    target.write_bytes(b"the previous results")
    real_write = Path.write_bytes
    import pyarrow.parquet as parquet
    real_parquet = parquet.write_table

    def half_then_fail(self, data):
        real_write(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    def parquet_half(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_then_fail)
    monkeypatch.setattr(parquet, "write_table", parquet_half)
    done = call("score", TUTORIAL, "in.csv", "-o", target.name, cwd=workdir)
    monkeypatch.setattr(Path, "write_bytes", real_write)
    monkeypatch.setattr(parquet, "write_table", real_parquet)
    assert_clean_error(done, 1, f"out.{suffix}: cannot write", "No space left on device", "[chiso.io.write]")
    assert target.read_bytes() == b"the previous results"
    assert sorted(p.name for p in workdir.iterdir()) == sorted(["in.csv", "applies.csv", f"out.{suffix}"])


def test_a_killed_write_leaves_the_old_file_or_the_new_one(tmp_path):
    """`chiso score` killed (SIGKILL) at moments spread over its run: the output is always either
    the previous file or a complete new one, never a partial file."""
    rows = ["unit,A1.1,A1.2,A1.3,A3.1,A3.2,A7.1,A7.2"] + [f"u{k},2,1,100,100,0.9,2,0" for k in range(40_000)]
    (tmp_path / "in.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    previous = "unit,index\nold,1\n"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONIOENCODING")}
    command = [sys.executable, "-m", "chiso", "score", str(TUTORIAL), "in.csv", "-o", "out.csv", "--keep", "all"]
    start = time.monotonic()
    full = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300)
    assert full.returncode == 0, full.stderr
    duration = time.monotonic() - start
    complete = target.read_text("utf-8-sig")
    assert complete.count("\n") == 40_001
    for fraction in (0.5, 0.8, 0.95):
        target.write_text(previous, encoding="utf-8")
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert target.read_text("utf-8-sig") in (previous, complete), fraction


# Other one-line errors ------------------------------------------------------------------------------
def test_a_missing_group_names_the_groups_file(workdir):
    (workdir / "groups.csv").write_text("unit,group\nBa Đình,quận\n", encoding="utf-8")
    text = assert_clean_error(call("score", TUTORIAL, "in.csv", "--groups", "groups.csv", cwd=workdir), 1,
                              "groups.csv", "Hoàn Kiếm", "[chiso.data.groups]")
    assert "in.csv" not in text


def test_wrong_delimiter_says_which(workdir):
    (workdir / "semi.csv").write_text(INPUTS_CSV.replace(",", ";"), encoding="utf-8")
    text = assert_clean_error(call("score", TUTORIAL, "semi.csv", cwd=workdir), 1, "semi.csv:1",
                              "pass --delimiter ';'", "[chiso.io.delimiter]")
    assert "tokenizing" not in text


def test_decimal_commas_in_a_comma_separated_file(workdir):
    (workdir / "commas.csv").write_text(INPUTS_CSV.replace("1.75,0", "1,75,0"), encoding="utf-8")
    text = assert_clean_error(call("score", TUTORIAL, "commas.csv", cwd=workdir), 1, "commas.csv:3",
                              "9 fields on line 3 where the header has 8", "--decimal ,", "[chiso.io.csv]")
    assert "tokenizing" not in text


def test_fractions_warning_is_one_line(workdir):
    (workdir / "fractions.csv").write_text(INPUTS_CSV.replace(",100,100,", ",1,1,").replace(",96,96,", ",0.96,0.96,"),
                                           encoding="utf-8")
    done = call("score", TUTORIAL, "fractions.csv", cwd=workdir)
    assert done.returncode == 0, err(done)
    lines = err(done).splitlines()
    assert len(lines) == 2, lines  # A1.3 and A3.1
    for line, criterion in zip(lines, ("A1.3", "A3.1")):
        assert line.startswith(f"chiso score: warning: criterion '{criterion}' takes a rate in percent"), line
    assert "warnings.warn" not in err(done) and "InputWarning" not in err(done)


def test_validate_lists_every_problem_naming_the_file_once(tmp_path):
    document = json.loads(TUTORIAL.read_text("utf-8"))
    areas = document["root"]["children"]
    areas[0]["children"][2]["rule"]["tiers"].reverse()          # tiers out of order
    areas[1]["children"][1]["max"] = -2                         # a negative max
    areas[2]["children"][0]["rule"] = {"kind": "no-such-rule"}  # an unknown rule
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    done = call("validate", "bad.json", cwd=tmp_path)
    assert done.returncode == 1
    lines = err(done).splitlines()
    assert len(lines) == 3, lines
    for line, where in zip(lines, ("/root/children/0/children/2/rule/tiers", "/root/children/1/children/1/max",
                                   "/root/children/2/children/0/rule")):
        assert line.startswith(f"bad.json: {where}"), line
        assert line.count("bad.json") == 1 and line.count(where) == 1, line
        assert re.search(r"\[chiso\.model\.[a-z_.]+\]$", line), line
    listed = json.loads(out(call("validate", "--json", "bad.json", cwd=tmp_path)))
    paths = [p["path"] for p in listed[0]["problems"]]
    assert len(paths) == 3 and all(path.startswith(where) for path, where in zip(paths, (
        "/root/children/0/children/2/rule/tiers", "/root/children/1/children/1/max",
        "/root/children/2/children/0/rule")))


def test_validate_a_file_that_does_not_exist(tmp_path):
    text = assert_clean_error(call("validate", "no-such.json", cwd=tmp_path), 1, "no-such.json: no such file")
    assert text.count("no-such.json") == 1 and "/:" not in text


@pytest.mark.parametrize("args, parts", [
    (["--unit-column", "A1.1"], ["in.csv: missing columns for criteria 'A1.1'", "[chiso.data.columns]"]),
    (["--delimiter", "ab"], ["in.csv:1: the header is one column", "pass --delimiter ','", "[chiso.io.delimiter]"]),
    (["--output-encoding", "latin-1"], ["<stdout>: 'Đ' cannot be written in latin-1", "[chiso.io.encoding]"]),
    (["--output-encoding", "nope"], ["unknown encoding 'nope' (--output-encoding)", "[chiso.io.encoding]"]),
])
def test_more_one_line_errors(workdir, args, parts):
    text = assert_clean_error(call("score", TUTORIAL, "in.csv", *args, cwd=workdir), 1, *parts)
    assert "data: " not in text and "warning" not in text


def test_schema_output_checked(tmp_path):
    assert_clean_error(call("schema", "-o", "nowhere/s.json", cwd=tmp_path), 1, "no folder 'nowhere'",
                       "[chiso.io.write]")


def test_validate_sees_past_wrong_settings_and_a_wrong_aggregate(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps({
        "format": "chiso-model/1", "id": "x", "scale": -1,
        "root": {"id": "r", "aggregate": "nope", "children": [
            {"id": "a", "max": 1, "rule": {"kind": "points", "step": 0}},
            {"id": "b", "max": 1, "rule": {"kind": "yes_no"}}]}}), encoding="utf-8")
    done = call("validate", "m.json", cwd=tmp_path)
    lines = err(done).splitlines()
    assert done.returncode == 1 and [line.split(": ")[1] for line in lines] == [
        "/root/aggregate", "/root/children/0/rule/step", "/scale"], lines
