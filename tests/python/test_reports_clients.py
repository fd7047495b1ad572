"""The reports as a real office suite lays them out: one district's .docx and .xlsx (Quận Ba Đình,
2023) converted to PDF by LibreOffice (Debian's libreoffice-writer and libreoffice-calc, installed
here when missing, as scripts/setup.sh does), then read with poppler's pdfinfo and pdftotext:
page counts, page numbers, the title, the as-of date (a date, not ###), the table's total and
index, the signature block. (The HTML report's browser test is test_reports_html.py.)"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import chiso
from chiso import reports

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
TOOLS = {"soffice": "libreoffice-writer libreoffice-calc", "pdftotext": "poppler-utils", "pdfinfo": "poppler-utils"}


def tool(name: str) -> str:
    """A command of LibreOffice or poppler, installed with apt-get when missing."""
    found = shutil.which(name)
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + TOOLS[name].split(),
                   check=True, env=env, stdout=subprocess.DEVNULL)
    found = shutil.which(name)
    assert found, f"apt-get installed {TOOLS[name]} but {name} is not on PATH"
    return found


def to_pdf(document: Path, tmp_path: Path) -> Path:
    """The document converted by LibreOffice, headless, with a profile of its own."""
    out = tmp_path / document.suffix.lstrip(".")
    run = subprocess.run([tool("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(out), str(document)],
                         capture_output=True, text=True, timeout=300)
    pdf = out / (document.stem + ".pdf")
    assert pdf.exists(), run.stdout + run.stderr
    return pdf


def pages(pdf: Path) -> int:
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def text(pdf: Path) -> str:
    return subprocess.run([tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def ba_dinh() -> chiso.Assessment:
    model = chiso.load_model(ROOT / "examples" / "models" / "hanoi-par-district-2023.json")
    units = pd.read_csv(DATA / "units-district.csv")
    records = pd.read_csv(DATA / "par-district-2023.csv", keep_default_na=False, dtype=str)
    a = chiso.Assessment(model, "2023", units[units["id"] == "ba-dinh"], records[records["unit"] == "ba-dinh"])
    a.set_survey(chiso.Survey.from_csv(DATA / "survey-par-2023.csv"), strict=False)
    return a


def expected_lines(a: chiso.Assessment) -> list:
    """What both documents must show, as the Vietnamese report writes it."""
    final = a.final_results()
    index = f"{final.at['ba-dinh', 'index']:.2f}".replace(".", ",")
    latest = max(a.records["timestamp"])[:10]
    as_of = "/".join(reversed(latest.split("-")))
    return ["Kết quả Chỉ số cải cách hành chính năm 2023", "Bảng điểm: Quận Ba Đình", "Tổng điểm", index, as_of,
            "Người lập biểu", "Thủ trưởng đơn vị", "Quận, huyện, thị xã"]


def test_word_in_libreoffice(ba_dinh, tmp_path):
    pdf = to_pdf(reports.write(ba_dinh, tmp_path / "bang-diem.docx"), tmp_path)
    count, words = pages(pdf), text(pdf)
    # The ranking on the first page, then the district's table on about 3 A4 landscape pages
    # (12 before the columns had widths).
    assert 3 <= count <= 5, count
    for k in range(1, count + 1):
        assert f"Trang {k}/{count}" in words                                   # the footer's fields, filled in
    for line in expected_lines(ba_dinh) + ["Chỉ số (điểm đạt / điểm tối đa × 100)"]:
        assert line in words, line
    assert words.count("STT") == count - 1                                      # the header row on every table page


def test_excel_in_libreoffice(ba_dinh, tmp_path):
    pdf = to_pdf(reports.write(ba_dinh, tmp_path / "bang-diem.xlsx"), tmp_path)
    count, words = pages(pdf), text(pdf)
    assert 3 <= count <= 8, count                                               # the summary, then the table, one page wide
    assert "###" not in words                                                  # dates and numbers fit their columns
    for k in range(1, count + 1):
        assert re.search(rf"Trang {k}/\d+", words), k                           # the page footer
    for line in expected_lines(ba_dinh):
        assert line in words, line
