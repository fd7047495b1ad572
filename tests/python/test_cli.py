"""The `chiso` command, run as a user runs it: a subprocess of the installed package, in an empty
working directory (so the bundled models and data must come from the wheel, not the sources).

Expected figures are hand calculations on the tutorial model (examples/models/tutorial-par.json:
three areas summed, 12 points at most, scale 100, two decimals half up):
  Ba Đình   A1.1 2 + A1.2 yes 1 + A1.3 100 % → 2 + A3.1 100 % → 3 + A3.2 0.9 × 2 = 1.8 + A7.1 2
            + A7.2 0 deductions = 11.8 of 12 → 98.33 (Xuất sắc)
  Hoàn Kiếm 1.75 + 0 + 96 % → 1.5 + 96 % → 2 + 1.8 + 1.75 − 0.25 = 8.55 of 12 → 71.25 (Chưa đạt);
            with A1.1 not applicable: 6.8 of 10 → 68.00
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import chiso

from vietnamese_text import cp1258

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "examples" / "models" / "tutorial-par.json"
SAMPLE = ROOT / "examples" / "data"
CRITERIA = ["A1.1", "A1.2", "A1.3", "A3.1", "A3.2", "A7.1", "A7.2"]
INPUTS_CSV = ("unit,A1.1,A1.2,A1.3,A3.1,A3.2,A7.1,A7.2\n"
              "Ba Đình,2,1,100,100,0.9,2,0\n"
              "Hoàn Kiếm,1.75,0,96,96,0.9,1.75,1\n")
NOISE = re.compile(r"\d\.\d*(?:0{6,}[1-9]|9{6,})")  # 5.959999999999994, 0.30000000000000004


def run(*args: str, cwd: Path, stdin: bytes = b"", kernels: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONIOENCODING", "CHISO_KERNELS")}
    if kernels is not None:
        env["CHISO_KERNELS"] = kernels
    return subprocess.run([sys.executable, "-m", "chiso", *map(str, args)], input=stdin, capture_output=True,
                          cwd=cwd, env=env, timeout=120)


def call(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command run in this process (``chiso.cli.main``), for the many bad-input cases: the
    same exit codes and streams as a subprocess without its start-up time; an uncaught exception
    fails the test, as a traceback would."""
    from chiso.cli import main
    stdout, stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    saved = sys.stdout, sys.stderr, os.getcwd()
    sys.stdout, sys.stderr = stdout, stderr
    os.chdir(cwd)
    try:
        code = main([str(a) for a in args])
    except SystemExit as exit:  # argparse: --help (0) and usage errors (2)
        code = int(exit.code or 0)
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        os.chdir(saved[2])
    stdout.flush()
    stderr.flush()
    return subprocess.CompletedProcess(list(args), code, stdout.buffer.getvalue(), stderr.buffer.getvalue())


def out(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode("utf-8")


def err(done: subprocess.CompletedProcess) -> str:
    return done.stderr.decode("utf-8")


def assert_clean_error(done: subprocess.CompletedProcess, code: int, *parts: str) -> str:
    """Exit ``code``, one line on stderr holding every part, no traceback, nothing on stdout."""
    text = err(done)
    assert done.returncode == code, (done.returncode, text)
    assert "Traceback" not in text
    assert text.endswith("\n") and text.count("\n") == 1, text
    for part in parts:
        assert part in text, (part, text)
    if code == 1:  # invalid input: the error's id, once, at the end
        assert len(re.findall(r"\[chiso\.[a-z_.]+\]", text)) == 1, text
        assert re.search(r"\[chiso\.[a-z_.]+\]\n$", text), text
    return text


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    path = tmp_path / "inputs.csv"
    path.write_text(INPUTS_CSV, encoding="utf-8")
    return path


# The command itself -------------------------------------------------------------------------------
def test_console_script_and_module_are_installed(tmp_path):
    script = Path(sys.executable).parent / "chiso"
    done = subprocess.run([str(script), "--version"], capture_output=True, cwd=tmp_path)
    assert done.returncode == 0 and out(done).strip() == f"chiso {chiso.__version__}"
    assert run("--version", cwd=tmp_path).stdout == done.stdout


@pytest.mark.parametrize("command", ["validate", "score", "assess", "report", "models", "schema"])
def test_every_subcommand_has_help(tmp_path, command):
    done = call(command, "--help", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert out(done).startswith(f"usage: chiso {command}")


def test_top_level_help_lists_the_subcommands(tmp_path):
    text = out(run("--help", cwd=tmp_path))
    for command in ("validate", "score", "assess", "report", "models", "schema", "demo"):
        assert command in text
    assert "Exit codes: 0 success, 1 invalid input" in text


@pytest.mark.parametrize("args, part", [
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["score"], "the following arguments are required: MODEL, INPUTS"),
    (["score", "tutorial-par", "x.csv", "--keep", "leaves"], "invalid choice: 'leaves'"),
    (["assess", "tutorial-par", "--units", "u.csv", "-o", "out"], "--records"),
    (["score", "m.json", "x.csv", "--groups", "g.csv", "--group-column", "g"], "not allowed with argument"),
])
def test_usage_errors_exit_2(tmp_path, args, part):
    assert_clean_error(call(*args, cwd=tmp_path), 2, part)


def test_no_command_prints_help_and_exits_2(tmp_path):
    done = run(cwd=tmp_path)
    assert done.returncode == 2 and "usage: chiso" in err(done)


# models, schema, validate -------------------------------------------------------------------------
def test_models_lists_the_bundled_models(tmp_path):
    done = run("models", cwd=tmp_path)
    assert done.returncode == 0
    ids = [line.split()[0] for line in out(done).splitlines()]
    expected = sorted(p.stem for p in (ROOT / "examples" / "models").glob("*.json"))
    assert ids == expected and "service-index-766" in ids
    listed = json.loads(out(call("models", "--json", cwd=tmp_path)))
    tutorial = next(m for m in listed if m["id"] == "tutorial-par")
    assert tutorial["criteria"] == 7 and Path(tutorial["path"]).is_file()
    package = Path(chiso.__file__).resolve().parent
    assert package in Path(tutorial["path"]).resolve().parents  # from the installed package, not the sources
    assert package != ROOT / "python" / "chiso"


def test_models_module_loads_from_any_directory(tmp_path):
    code = ("import chiso.models as m; print(m.names()); x = m.load('service-index-766'); "
            "print(x.id, len(x.leaf_ids))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert "'tutorial-par'" in out(done) and "service-index-766 17" in out(done)


def test_unknown_bundled_model_lists_the_known_ones(tmp_path, inputs):
    assert_clean_error(call("score", "no-such-model", inputs, cwd=tmp_path), 1, "'no-such-model': no such file, nor a bundled model",
                       "tutorial-par", "[chiso.model.unknown]")


def test_schema_prints_the_schema_file(tmp_path):
    done = run("schema", cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads(out(done)) == json.loads((ROOT / "schema" / "chiso-model-1.schema.json").read_text("utf-8"))
    assert call("schema", "-o", "s.json", cwd=tmp_path).returncode == 0
    assert json.loads((tmp_path / "s.json").read_text("utf-8")) == json.loads(out(done))


def test_validate_valid_models(tmp_path):
    done = run("validate", TUTORIAL, "service-index-766", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert f"{TUTORIAL}: valid (tutorial-par, 7 criteria)" in out(done)
    assert "service-index-766: valid (service-index-766, 17 criteria)" in out(done)
    assert err(done) == ""


def _bad_tiers_model(tmp_path: Path) -> Path:
    document = json.loads(TUTORIAL.read_text("utf-8"))
    tiers = document["root"]["children"][0]["children"][2]["rule"]["tiers"]
    tiers.reverse()  # ascending minimums: the format wants them strictly decreasing
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_validate_reports_each_problem_with_file_path_and_id(tmp_path):
    bad = _bad_tiers_model(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "chiso-model/1", "id": ', encoding="utf-8")
    done = run("validate", TUTORIAL, bad, broken, cwd=tmp_path)
    assert done.returncode == 1
    lines = err(done).splitlines()
    assert len(lines) == 2 and "Traceback" not in err(done)
    assert lines[0].startswith(f"{bad}: ") and "/root/children/0/children/2/rule/tiers" in lines[0]
    assert re.search(r"\[chiso\.model\.[a-z_.]+\]$", lines[0]), lines[0]
    assert lines[1].startswith(f"{broken}: ") and re.search(r"\[chiso\.model\.[a-z_.]+\]$", lines[1])
    assert "valid (tutorial-par" in out(done)


def test_validate_json(tmp_path):
    bad = _bad_tiers_model(tmp_path)
    done = call("validate", "--json", TUTORIAL, bad, cwd=tmp_path)
    assert done.returncode == 1
    reports = json.loads(out(done))
    assert reports[0] == {"file": str(TUTORIAL), "valid": True, "id": "tutorial-par", "criteria": 7}
    assert reports[1]["valid"] is False and reports[1]["path"].startswith("/root/children/0/children/2/rule/tiers")
    assert reports[1]["id"].startswith("chiso.model.")


def test_validate_missing_file(tmp_path):
    done = call("validate", "nowhere/model.json", cwd=tmp_path)
    assert done.returncode == 1 and "nowhere/model.json: " in err(done) and "no such file" in err(done)


# score --------------------------------------------------------------------------------------------
def test_score_csv_to_stdout_hand_figures(tmp_path, inputs):
    done = run("score", TUTORIAL, inputs, cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert err(done) == ""  # no progress bar when stderr is not a terminal
    assert out(done) == "unit,index,rank,band\nBa Đình,98.33,1,Xuất sắc\nHoàn Kiếm,71.25,2,Chưa đạt\n"


def test_kernels_chosen_by_the_environment_give_the_same_scores(tmp_path, inputs):
    """CHISO_KERNELS caps the instruction set of the kernels (docs/testing.md); every set gives the
    hand figures, and an unknown set is a clear error, not a silent choice."""
    for kernels in ("baseline", "avx2", "avx512"):
        done = run("score", TUTORIAL, inputs, cwd=tmp_path, kernels=kernels)
        assert done.returncode == 0, err(done)
        rows = pd.read_csv(io.StringIO(out(done)))
        assert rows["index"].tolist() == [98.33, 71.25], kernels
    done = run("score", TUTORIAL, inputs, cwd=tmp_path, kernels="avx9")
    assert_clean_error(done, 1, "CHISO_KERNELS", "'avx9'", "baseline, avx2 or avx512", "[chiso.kernels.environment]")


def test_score_applicable_and_groups_files(tmp_path, inputs):
    (tmp_path / "applies.csv").write_text("unit,A1.1\nBa Đình,yes\nHoàn Kiếm,no\n", encoding="utf-8")
    (tmp_path / "groups.csv").write_text("unit,group\nBa Đình,quận\nHoàn Kiếm,huyện\n", encoding="utf-8")
    done = run("score", TUTORIAL, inputs, "--applicable", "applies.csv", "--groups", "groups.csv", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    # Ranked within each group: each unit is first of its own.
    assert out(done) == "unit,index,rank,band,group\nBa Đình,98.33,1,Xuất sắc,quận\nHoàn Kiếm,68.00,1,Chưa đạt,huyện\n"


def test_score_group_and_unit_columns(tmp_path):
    text = INPUTS_CSV.replace("unit,", "ma_don_vi,nhom,").replace("Ba Đình,", "Ba Đình,quận,") \
        .replace("Hoàn Kiếm,", "Hoàn Kiếm,quận,")
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    done = call("score", TUTORIAL, "in.csv", "--unit-column", "ma_don_vi", "--group-column", "nhom", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert out(done).splitlines() == ["ma_don_vi,index,rank,band,group", "Ba Đình,98.33,1,Xuất sắc,quận",
                                      "Hoàn Kiếm,71.25,2,Chưa đạt,quận"]


def test_round_trip_csv_score_csv_equals_the_python_api(tmp_path):
    """The bundled Hanoi 2023 district sample's final inputs, scored by the command and by the API."""
    model = chiso.load_model(ROOT / "examples" / "models" / "hanoi-par-district-2023.json")
    assessment = chiso.Assessment.from_csv(model, "2023", SAMPLE / "units-district.csv",
                                           SAMPLE / "par-district-2023.csv")
    assessment.set_survey(chiso.Survey.from_csv(SAMPLE / "survey-par-2023.csv"), strict=False)
    inputs = assessment.inputs()
    applicable = assessment.applicable()
    inputs.rename_axis("unit").reset_index().to_csv(tmp_path / "in.csv", index=False)
    applicable.rename_axis("unit").reset_index().to_csv(tmp_path / "applies.csv", index=False)
    done = run("score", ROOT / "examples" / "models" / "hanoi-par-district-2023.json", "in.csv",
               "--applicable", "applies.csv", "--keep", "all", "-o", "out.csv", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    written = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig", dtype={"unit": str}).set_index("unit")
    api = model.evaluate(inputs, applicable=applicable, keep="all")
    pd.testing.assert_series_equal(written["index"], api.scores["index"].rename_axis("unit"), check_exact=True)
    assert written["rank"].tolist() == api.scores["rank"].astype(int).tolist()
    assert written["band"].tolist() == api.scores["band"].astype(str).tolist()
    for node in api.node_ids:
        for field in ("points", "max", "score"):
            expected = api.wide(field)[node].to_numpy()
            assert written[f"{node}.{field}"].to_numpy() == pytest.approx(expected, abs=1e-12, rel=1e-11, nan_ok=True)
    assert not NOISE.search((tmp_path / "out.csv").read_text("utf-8-sig"))


def test_written_numbers_have_no_float_noise(tmp_path):
    """89.35 − 83.39 is 5.959999999999994 in binary arithmetic; the file says 5.96."""
    from chiso import io as cio
    frame = pd.DataFrame({"unit": ["a", "b"], "difference": [89.35 - 83.39, 0.1 + 0.2], "share": [63 / 80, 1 / 3]})
    for suffix in ("csv", "json"):
        cio.write_table(frame, tmp_path / f"t.{suffix}")
    assert (tmp_path / "t.csv").read_text("utf-8-sig") == \
        "unit,difference,share\na,5.96,0.7875\nb,0.3,0.333333333333\n"
    assert json.loads((tmp_path / "t.json").read_text("utf-8"))[0]["difference"] == 5.96
    cio.write_table(frame, tmp_path / "t.xlsx")
    assert pd.read_excel(tmp_path / "t.xlsx")["difference"].tolist() == [5.96, 0.3]


# Bad input ----------------------------------------------------------------------------------------
def test_not_a_number_names_file_line_unit_and_criterion(tmp_path):
    (tmp_path / "in.csv").write_text(INPUTS_CSV.replace("1.75,0,96", "1.75,0,abc"), encoding="utf-8")
    assert_clean_error(run("score", TUTORIAL, "in.csv", cwd=tmp_path), 1, "in.csv:3", "'Hoàn Kiếm'", "'A1.3'",
                       "'abc' is not a number", "[chiso.data.not_a_number]")


def test_missing_value_names_line_unit_and_criterion(tmp_path):
    (tmp_path / "in.csv").write_text(INPUTS_CSV.replace("1.75,0,96", "1.75,0,"), encoding="utf-8")
    text = assert_clean_error(call("score", TUTORIAL, "in.csv", cwd=tmp_path), 1, "in.csv:3", "Hoàn Kiếm", "A1.3")
    assert "[chiso.data." in text


def test_wrong_encoding_names_file_and_line(tmp_path):
    (tmp_path / "in.csv").write_bytes(cp1258(INPUTS_CSV))
    assert_clean_error(run("score", TUTORIAL, "in.csv", cwd=tmp_path), 1, "in.csv:2", "not utf-8",
                       "--encoding cp1258", "[chiso.io.encoding]")


@pytest.mark.parametrize("content, parts", [
    (INPUTS_CSV.replace("unit,", "id,"), ["no column 'unit'", "--unit-column", "[chiso.data.columns]"]),
    (INPUTS_CSV.replace(",A7.2\n", ",A7.3\n"), ["'A7.2'", "'A7.3'", "[chiso.data.columns]"]),
    (INPUTS_CSV.replace("Hoàn Kiếm", "Ba Đình"), ["in.csv:3", "'Ba Đình' appears twice", "[chiso.data.unit]"]),
    (INPUTS_CSV.replace("Hoàn Kiếm", ""), ["in.csv:3", "empty 'unit'"]),
    (INPUTS_CSV.replace("96,96", "96,1096"), ["Hoàn Kiếm", "A3.1", "[chiso.data."]),
    ("", ["in.csv: the file is empty", "[chiso.io.empty]"]),
])
def test_bad_inputs(tmp_path, content, parts):
    (tmp_path / "in.csv").write_text(content, encoding="utf-8")
    assert_clean_error(call("score", TUTORIAL, "in.csv", cwd=tmp_path), 1, *parts)


def test_bad_applicable_value(tmp_path, inputs):
    (tmp_path / "applies.csv").write_text("unit,A1.1\nBa Đình,yes\nHoàn Kiếm,maybe\n", encoding="utf-8")
    assert_clean_error(call("score", TUTORIAL, inputs, "--applicable", "applies.csv", cwd=tmp_path), 1,
                       "applies.csv:3", "'Hoàn Kiếm'", "'A1.1'", "'maybe' is not yes/no")


def test_groups_file_missing_a_unit(tmp_path, inputs):
    (tmp_path / "groups.csv").write_text("unit,group\nBa Đình,quận\n", encoding="utf-8")
    assert_clean_error(call("score", TUTORIAL, inputs, "--groups", "groups.csv", cwd=tmp_path), 1, "Hoàn Kiếm",
                       "[chiso.data.groups]")


@pytest.mark.parametrize("args, parts", [
    (["score", "tutorial-par", "absent.csv"], ["absent.csv: cannot read", "[chiso.io.open]"]),
    (["score", "tutorial-par", "in.dat"], ["cannot tell the format", "--format", "[chiso.io.format]"]),
    (["score", "tutorial-par", "in.parquet"], ["in.parquet: not a Parquet file", "[chiso.io.parquet]"]),
    (["score", "tutorial-par", "in.xlsx"], ["in.xlsx: not an Excel workbook", "[chiso.io.xlsx]"]),
    (["score", "tutorial-par", "in.json"], ["in.json:1: not JSON", "[chiso.io.json]"]),
    (["score", "nowhere/m.json", "in.json"], ["nowhere/m.json: no such file"]),
])
def test_bad_files(tmp_path, args, parts):
    for name in ("in.dat", "in.parquet", "in.xlsx", "in.json"):
        (tmp_path / name).write_text("unit,A1.1\nx,1\n", encoding="utf-8")
    assert_clean_error(call(*args, cwd=tmp_path), 1, *parts)


def test_bad_model_file_names_its_json_path(tmp_path, inputs):
    bad = _bad_tiers_model(tmp_path)
    assert_clean_error(call("score", bad, inputs, cwd=tmp_path), 1, f"{bad}: ",
                       "/root/children/0/children/2/rule/tiers", "[chiso.model.")


# assess, report, demo -----------------------------------------------------------------------------
def _assess_args(*extra: str):
    return ("assess", ROOT / "examples" / "models" / "hanoi-par-district-2023.json",
            "--units", SAMPLE / "units-district.csv", "--records", SAMPLE / "par-district-2023.csv",
            "--survey", SAMPLE / "survey-par-2023.csv", "--skip-other-units", "--period", "2023", *extra)


def _api_assessment():
    model = chiso.load_model(ROOT / "examples" / "models" / "hanoi-par-district-2023.json")
    a = chiso.Assessment.from_csv(model, "2023", SAMPLE / "units-district.csv", SAMPLE / "par-district-2023.csv")
    a.set_survey(chiso.Survey.from_csv(SAMPLE / "survey-par-2023.csv"), strict=False)
    return a


def test_assess_writes_every_report_equal_to_the_api(tmp_path):
    done = run(*_assess_args("--as-of", "2023-10-31T23:59:59+07:00", "-o", "out"), cwd=tmp_path)
    assert done.returncode == 0, err(done)
    names = {"final_results", "self_vs_appraised", "self_vs_appraised_areas", "progress", "why_lost", "assessment"}
    assert {p.stem for p in (tmp_path / "out").iterdir()} == names
    a = _api_assessment()
    final = pd.read_csv(tmp_path / "out" / "final_results.csv", encoding="utf-8-sig").set_index("unit")
    expected = a.final_results()
    assert final["index"].tolist() == expected["index"].tolist()
    assert final["rank"].tolist() == expected["rank"].astype(int).tolist()
    cuts = pd.read_csv(tmp_path / "out" / "self_vs_appraised.csv", encoding="utf-8-sig")
    api_cuts = a.self_vs_appraised()
    assert len(cuts) == len(api_cuts)
    # Differences of two 2-decimal figures, written as 2-decimal figures.
    assert cuts["difference"].tolist() == pytest.approx([round(x, 2) for x in api_cuts["difference"]], abs=0)
    progress = pd.read_csv(tmp_path / "out" / "progress.csv", encoding="utf-8-sig").set_index("unit")
    assert f"{progress.at['hai-ba-trung', 'done']}/{progress.at['hai-ba-trung', 'total']}" == "63/80"
    why = pd.read_csv(tmp_path / "out" / "why_lost.csv", encoding="utf-8-sig")
    assert set(why["unit"]) == set(expected.index)
    for path in (tmp_path / "out").iterdir():
        assert not NOISE.search(path.read_text("utf-8-sig")), path


def test_assess_xlsx_workbook(tmp_path):
    done = run(*_assess_args("--output-format", "xlsx", "-o", "out"), cwd=tmp_path)
    assert done.returncode == 0, err(done)
    sheets = pd.read_excel(tmp_path / "out" / "reports.xlsx", sheet_name=None)
    assert {"final_results", "self_vs_appraised", "progress", "why_lost"} <= set(sheets)
    assert "Quận Ba Đình" in set(sheets["final_results"]["name"])


def test_assess_records_in_another_encoding_and_format(tmp_path):
    records = pd.read_csv(SAMPLE / "par-district-2023.csv", dtype=str, keep_default_na=False)
    records.to_csv(tmp_path / "records.csv", index=False, sep=";", encoding="utf-16")
    units = pd.read_csv(SAMPLE / "units-district.csv", dtype=str)
    units.to_excel(tmp_path / "units.xlsx", index=False)
    pd.read_csv(SAMPLE / "survey-par-2023.csv", dtype={"respondent": str, "unit": str}).to_parquet(
        tmp_path / "survey.parquet")
    done = run("assess", ROOT / "examples" / "models" / "hanoi-par-district-2023.json", "--units", "units.xlsx",
               "--records", "records.csv", "--survey", "survey.parquet", "--skip-other-units",
               "--encoding", "utf-16", "--delimiter", ";", "--period", "2023", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    # --delimiter holds for the CSV written too (a Vietnamese-locale Excel opens it as it reads it).
    final = pd.read_csv(tmp_path / "out" / "final_results.csv", encoding="utf-8-sig", sep=";").set_index("unit")
    assert final["index"].tolist() == _api_assessment().final_results()["index"].tolist()


def test_assess_bad_record_names_file_and_line(tmp_path):
    text = (SAMPLE / "par-district-2023.csv").read_text("utf-8").splitlines()
    header = text[0].split(",")
    row = text[5].split(",")
    row[header.index("value")] = "nhiều"
    text[5] = ",".join(row)
    (tmp_path / "records.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    done = run("assess", ROOT / "examples" / "models" / "hanoi-par-district-2023.json", "--units",
               SAMPLE / "units-district.csv", "--records", "records.csv", "--period", "2023", "-o", "out",
               cwd=tmp_path)
    assert_clean_error(done, 1, "records.csv:6", "[chiso.")


def test_assess_missing_file(tmp_path):
    done = call("assess", "tutorial-par", "--units", "u.csv", "--records", "r.csv", "-o", "out", cwd=tmp_path)
    assert_clean_error(done, 1, "u.csv: no such file", "[chiso.io.open]")


def test_report_writes_or_says_the_module_is_missing(tmp_path):
    """`chiso report` calls chiso.reports.write; without that module it is one clean error."""
    import importlib.util
    done = run("report", ROOT / "examples" / "models" / "hanoi-par-district-2023.json",
               "--units", SAMPLE / "units-district.csv", "--records", SAMPLE / "par-district-2023.csv",
               "--survey", SAMPLE / "survey-par-2023.csv", "--skip-other-units",
               "--period", "2023", "-o", "report.html", "--lang", "en", cwd=tmp_path)
    if importlib.util.find_spec("chiso.reports") is None:
        assert_clean_error(done, 1, "chiso report needs the chiso.reports module", "[chiso.cli.no_reports]")
        assert not (tmp_path / "report.html").exists()
    else:
        assert done.returncode == 0, err(done)
        page = (tmp_path / "report.html").read_text("utf-8")
        first = _api_assessment().final_results().sort_values("rank").iloc[0]
        assert first["name"] in page and f"{first['index']:.2f}" in page


def test_report_rejects_other_extensions(tmp_path):
    done = call("report", "tutorial-par", "--units", SAMPLE / "units-district.csv", "--records",
               SAMPLE / "par-district-2023.csv", "-o", "report.pdf", cwd=tmp_path)
    assert_clean_error(done, 1, "report.pdf", "[chiso.io.format]")
