"""`chiso assess` and `chiso report` as the library (issue 24, item 3): saved assessments,
deadlines, per-file encodings, decimal commas in records, errors naming the file and line, and
the README's command on the bundled data. Expected figures come from the Python API on the same
files (the command only reads files and calls it) or from the sample's records themselves."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pandas as pd
import pytest

import chiso

from test_cli import ROOT, SAMPLE, assert_clean_error, call, err, out
from vietnamese_text import cp1258

MODEL = ROOT / "examples" / "models" / "hanoi-par-district-2023.json"
UNITS, RECORDS, SURVEY = (SAMPLE / "units-district.csv", SAMPLE / "par-district-2023.csv",
                          SAMPLE / "survey-par-2023.csv")


@pytest.fixture(scope="module")
def api():
    model = chiso.load_model(MODEL)
    a = chiso.Assessment.from_csv(model, "2023", UNITS, RECORDS)
    a.set_survey(chiso.Survey.from_csv(SURVEY), strict=False)
    return a


def final_index(folder: Path, sep: str = ",", decimal: str = ".") -> list:
    frame = pd.read_csv(folder / "final_results.csv", encoding="utf-8-sig", sep=sep, decimal=decimal)
    return frame.set_index("unit")["index"].tolist()


def test_the_readmes_assess_line_runs_on_the_bundled_data(tmp_path, api):
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme[readme.index("## Command line"):]
    line = block[block.index("chiso assess"):].splitlines()[0].split("#")[0]  # the first `chiso assess` line
    words = shlex.split(line)
    assert words[:2] == ["chiso", "assess"]
    output = words.index("-o") + 1
    words[output] = str(tmp_path / "reports")
    done = call(*words[1:], cwd=ROOT)
    assert done.returncode == 0, err(done)
    assert final_index(tmp_path / "reports") == api.final_results()["index"].tolist()


def test_a_survey_of_other_units_says_to_skip_them(tmp_path):
    done = call("assess", MODEL, "--units", UNITS, "--records", RECORDS, "--survey", SURVEY, "--period", "2023",
                "-o", "out", cwd=tmp_path)
    assert_clean_error(done, 1, "survey-par-2023.csv", "add --skip-other-units", "[chiso.survey.unknown_unit]")


def test_leaving_out_the_survey_says_to_give_it(tmp_path):
    done = call("assess", MODEL, "--units", UNITS, "--records", RECORDS, "--period", "2023", "-o", "out",
                cwd=tmp_path)
    assert_clean_error(done, 1, "--survey FILE", "survey criteria", "[chiso.cli.survey_missing]")


def test_units_and_records_or_a_saved_assessment(tmp_path):
    assert_clean_error(call("assess", MODEL, "--units", UNITS, "-o", "out", cwd=tmp_path), 2, "--records",
                       "--assessment")
    assert_clean_error(call("assess", MODEL, "--assessment", "a.json", "--units", UNITS, "-o", "out", cwd=tmp_path),
                       2, "leave out --units and --records")


def test_assess_a_saved_assessment(tmp_path, api):
    api.to_json(tmp_path / "saved.json")
    done = call("assess", MODEL, "--assessment", "saved.json", "-o", "out", cwd=tmp_path)
    assert_clean_error(done, 1, "--survey FILE", "[chiso.cli.survey_missing]")  # the JSON holds no survey
    done = call("assess", MODEL, "--assessment", "saved.json", "--survey", SURVEY, "--skip-other-units", "-o", "out",
                cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert final_index(tmp_path / "out") == api.final_results()["index"].tolist()


def test_deadlines_refuse_later_records(tmp_path):
    # The sample's self-assessments run to 2023-10-16 and later; closing the stage on 2023-10-01
    # refuses the first self record dated after it.
    records = pd.read_csv(RECORDS, dtype=str, keep_default_na=False)
    late = records[(records["stage"] == "self") & (records["timestamp"] > "2023-10-02")]
    assert len(late)
    done = call("assess", MODEL, "--units", UNITS, "--records", RECORDS, "--survey", SURVEY, "--skip-other-units",
                "--period", "2023", "--deadline", "self=2023-10-01T00:00:00+07:00", "-o", "out", cwd=tmp_path)
    text = assert_clean_error(done, 1, "par-district-2023.csv")
    assert "deadline" in text or "closed" in text, text
    # A deadline after every record: the same results as without.
    done = call("assess", MODEL, "--units", UNITS, "--records", RECORDS, "--survey", SURVEY, "--skip-other-units",
                "--period", "2023", "--deadline", "self=2024-01-01", "--deadline", "appraisal=2024-01-01",
                "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert_clean_error(call("assess", MODEL, "--units", UNITS, "--records", RECORDS, "--deadline", "final=2024",
                            "-o", "out", cwd=tmp_path), 1, "--deadline 'final=2024'", "[chiso.cli.deadline]")


def test_records_with_decimal_commas(tmp_path, api):
    """1,75 under --decimal , is 1.75, in the records as in the inputs of `chiso score`."""
    records = pd.read_csv(RECORDS, dtype=str, keep_default_na=False)
    fractional = records["value"].str.contains(r"^\d+\.\d+$")
    assert fractional.any()
    records.loc[fractional, "value"] = records.loc[fractional, "value"].str.replace(".", ",", regex=False)
    records.to_csv(tmp_path / "records.csv", sep=";", index=False)
    survey = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    survey["weight"] = survey["weight"].str.replace(".", ",", regex=False)
    survey.to_csv(tmp_path / "survey.csv", sep=";", index=False)
    pd.read_csv(UNITS, dtype=str).to_csv(tmp_path / "units.csv", sep=";", index=False)
    done = call("assess", MODEL, "--units", "units.csv", "--records", "records.csv", "--survey", "survey.csv",
                "--skip-other-units", "--period", "2023", "--delimiter", ";", "--decimal", ",", "-o", "out",
                cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert final_index(tmp_path / "out", ";", ",") == api.final_results()["index"].tolist()
    text = (tmp_path / "out" / "final_results.csv").read_text("utf-8-sig")
    assert re.search(r";\d+,\d\d;", text)  # the index written with a decimal comma and two decimals


def test_a_bad_record_names_the_line_not_a_row_number(tmp_path):
    records = pd.read_csv(RECORDS, dtype=str, keep_default_na=False)
    records.loc[3, "value"] = "nhiều"
    records.to_csv(tmp_path / "records.csv", sep=";", index=False)
    pd.read_csv(UNITS, dtype=str).to_csv(tmp_path / "units.csv", sep=";", index=False)
    done = call("assess", MODEL, "--units", "units.csv", "--records", "records.csv", "--delimiter", ";",
                "--survey", SURVEY, "--skip-other-units", "--period", "2023", "-o", "out", cwd=tmp_path)
    text = assert_clean_error(done, 1, "records.csv:5")  # the header is line 1, record 3 (0-based) line 5
    assert "row 3" not in text and "row 0" not in text


def test_each_file_its_own_encoding(tmp_path, api):
    (tmp_path / "records.csv").write_bytes(cp1258(RECORDS.read_text("utf-8")))
    base = ("assess", MODEL, "--units", UNITS, "--records", "records.csv", "--survey", SURVEY,
            "--skip-other-units", "--period", "2023", "-o", "out")
    text = assert_clean_error(call(*base, cwd=tmp_path), 1, "records.csv:2", "--records-encoding cp1258")
    assert "encoding]" in text
    assert "units-district.csv" not in text
    done = call(*base, "--records-encoding", "cp1258", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert final_index(tmp_path / "out") == api.final_results()["index"].tolist()


def test_score_files_their_own_encodings(tmp_path):
    from test_cli import INPUTS_CSV, TUTORIAL
    (tmp_path / "in.csv").write_text(INPUTS_CSV, encoding="utf-8")
    (tmp_path / "groups.csv").write_bytes(cp1258("unit,group\nBa Đình,quận\nHoàn Kiếm,quận\n"))
    done = call("score", TUTORIAL, "in.csv", "--groups", "groups.csv", cwd=tmp_path)
    assert_clean_error(done, 1, "groups.csv:2", "--groups-encoding cp1258", "[chiso.io.encoding]")
    done = call("score", TUTORIAL, "in.csv", "--groups", "groups.csv", "--groups-encoding", "cp1258", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert done.stdout.decode("utf-8").splitlines()[2] == "Hoàn Kiếm,71.25,2,Chưa đạt,quận"


def test_report_with_the_previous_period(tmp_path, api):
    """The 2024 report beside the 2023 assessment saved as JSON: the year-over-year columns hold
    the 2023 index of each unit."""
    api.to_json(tmp_path / "2023.json")
    done = call("report", MODEL, "--units", UNITS, "--records", SAMPLE / "par-district-2024.csv",
                "--survey", SAMPLE / "survey-par-2024.csv", "--skip-other-units", "--period", "2024",
                "--previous", "2023.json", "--previous-survey", SURVEY, "--lang", "en", "-o", "report.html",
                cwd=tmp_path)
    assert done.returncode == 0, err(done)
    page = (tmp_path / "report.html").read_text("utf-8")
    before = api.final_results()
    assert f"{before['index'].iloc[0]:.2f}" in page
    without = call("report", MODEL, "--units", UNITS, "--records", SAMPLE / "par-district-2024.csv",
                   "--survey", SAMPLE / "survey-par-2024.csv", "--skip-other-units", "--period", "2024",
                   "--lang", "en", "-o", "plain.html", cwd=tmp_path)
    assert without.returncode == 0, err(without)
    assert "2023" in page.split("<body", 1)[1] and len(page) > len((tmp_path / "plain.html").read_text("utf-8"))


def test_records_in_any_format_are_history_under_the_same_deadlines(tmp_path):
    # The sample's records were entered in 2023. Under a deadline of 2023-12-31 for the appraisal,
    # they are on time whatever the records file's format: a .json (or .xlsx) file of the same
    # records is history, as the CSV is, not records stamped with today's date (refused as late).
    records = pd.read_csv(RECORDS, dtype=str, keep_default_na=False)
    as_json = tmp_path / "records.json"
    records.to_json(as_json, orient="records", force_ascii=False)
    outcomes = []
    for name, path in (("csv", RECORDS), ("json", as_json)):
        done = call("assess", MODEL, "--units", UNITS, "--records", path, "--survey", SURVEY, "--skip-other-units",
                    "--period", "2023", "--deadline", "appraisal=2023-12-31", "-o", name, cwd=tmp_path)
        assert done.returncode == 0, err(done)
        outcomes.append(final_index(tmp_path / name))
    assert outcomes[0] == outcomes[1]


def test_assess_writes_the_record_beside_its_reports(tmp_path, api):
    """The appraisal record is written with its reports (a command-line pipeline can verify and
    reopen it), and the hash to note is printed: the sample's last record's, as chained in the
    records file by the independent reading of the API."""
    done = call("assess", MODEL, "--units", UNITS, "--records", RECORDS, "--survey", SURVEY, "--skip-other-units",
                "--period", "2023", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, err(done)
    record = tmp_path / "out" / "assessment.json"
    last = api.records["hash"].iloc[-1]
    assert f"wrote {Path('out') / 'assessment.json'}" in out(done)
    assert f"{len(api.records)} records; SHA-256 of the last record: {last}" in out(done)
    reopened = chiso.Assessment.from_json(record, MODEL)
    assert reopened.records["hash"].tolist() == api.records["hash"].tolist()
    verified = call("verify", record, "--expect", last[:16], cwd=tmp_path)
    assert verified.returncode == 0, err(verified)
    assert "chain intact" in out(verified)
    # The saved record reads back into the same reports.
    done = call("assess", MODEL, "--assessment", record, "--survey", SURVEY, "--skip-other-units", "-o", "again",
                cwd=tmp_path)
    assert done.returncode == 0, err(done)
    assert final_index(tmp_path / "again") == api.final_results()["index"].tolist()


@pytest.mark.parametrize("name", ["assessment.json", "final_results.csv"])
def test_assess_never_writes_over_one_of_its_inputs(tmp_path, api, name):
    """An input inside the output folder under a name the command writes would be overwritten:
    refused before anything is written, the input left as it was."""
    folder = tmp_path / "out"
    folder.mkdir()
    if name == "assessment.json":
        api.to_json(folder / name)
        words = ["--assessment", folder / name]
    else:
        (folder / name).write_bytes(UNITS.read_bytes())
        words = ["--units", folder / name, "--records", RECORDS]
    before = (folder / name).read_bytes()
    done = call("assess", MODEL, *words, "--survey", SURVEY, "--skip-other-units", "--period", "2023", "-o", "out",
                cwd=tmp_path)
    assert_clean_error(done, 1, name, "is also an input", "[chiso.io.same_file]")
    assert (folder / name).read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [name]
