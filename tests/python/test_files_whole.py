"""What the Python API writes — an assessment's JSON and records CSV, a model's JSON, a pipeline,
a report — is written whole or not at all, as the command line's outputs are: a disk that fills
half-way through (simulated) leaves the previous file as it was, and nothing beside it."""
from __future__ import annotations

from pathlib import Path

import pytest

import chiso
import chiso.reports
import chiso.reports.excel
import chiso.reports.word
from chiso.assessment import Assessment
from mini_par import UNITS, mini_par_model, self_and_round1

PREVIOUS = b"the previous file, kept whole\n"


@pytest.fixture
def full_disk(monkeypatch):
    """Path.write_bytes / write_text write half of what they are given, then fail (ENOSPC); so do
    the .docx and .xlsx writers."""
    real_bytes, real_text = Path.write_bytes, Path.write_text

    def half_bytes(self, data):
        real_bytes(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    def half_text(self, data, *args, **kwargs):
        real_text(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    def half_a_document(report, path, language="vi"):  # the .docx and .xlsx writers' own files
        with open(path, "wb") as file:
            file.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_bytes)
    monkeypatch.setattr(Path, "write_text", half_text)
    monkeypatch.setattr(chiso.reports.word, "write_word", half_a_document)
    monkeypatch.setattr(chiso.reports.excel, "write_excel", half_a_document)


def assessment():
    return Assessment(chiso.load_model(mini_par_model(survey=False, missing="zero")), "2023", UNITS,
                      self_and_round1("u1", "A1.1", 2, 1.5, "Thiếu tài liệu"))


WRITERS = {
    "assessment.json": lambda path: assessment().to_json(path),
    "model.json": lambda path: chiso.load_model(mini_par_model(survey=False)).to_json(path),
    "report.html": lambda path: chiso.reports.write(assessment(), path),
    "report.docx": lambda path: chiso.reports.write(assessment(), path),
    "report.xlsx": lambda path: chiso.reports.write(assessment(), path),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_full_disk_leaves_the_previous_file(tmp_path, full_disk, name):
    target = tmp_path / name
    with open(target, "wb") as file:  # (Path.write_bytes is patched)
        file.write(PREVIOUS)
    with pytest.raises(chiso.DataError) as info:
        WRITERS[name](target)
    assert info.value.id == "io.write" and "No space left on device" in str(info.value)
    assert target.read_bytes() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_write_replaces_the_file_whole(tmp_path, name):
    target = tmp_path / name
    target.write_bytes(PREVIOUS)
    with open(target, "rb") as reader:  # opened before: a new file is renamed over the old one
        WRITERS[name](target)
        assert reader.read() == PREVIOUS
    assert target.read_bytes() != PREVIOUS and [p.name for p in tmp_path.iterdir()] == [name]


def test_records_csv_are_replaced_whole(tmp_path):
    """Assessment.to_csv goes through the core's writer (detail/write_file.hpp)."""
    target = tmp_path / "records.csv"
    target.write_bytes(PREVIOUS)
    with open(target, "rb") as reader:
        assessment().to_csv(target)
        assert reader.read() == PREVIOUS
    assert target.read_text(encoding="utf-8").startswith("unit,criterion,")
    assert [p.name for p in tmp_path.iterdir()] == ["records.csv"]
