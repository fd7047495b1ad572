"""The demo runs on the sample bundled in the installed package (from an empty directory, as after
`pip install`): it scores the index in force (2025, communes and departments) and shows the change
from 2024 across the reform, with the units that no longer exist listed as such. Expected figures
come from the sample files and from chiso's assessment API, not from the demo's printing code."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import chiso

ROOT = Path(__file__).resolve().parents[2]
MODELS, DATA = ROOT / "examples" / "models", ROOT / "examples" / "data"


def _env():
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONPATH")}


def _assessment(model: str, year: str, units: str, records: str, survey: str) -> chiso.Assessment:
    a = chiso.Assessment.from_csv(MODELS / f"{model}.json", year, DATA / units, DATA / records)
    a.set_survey(chiso.Survey.from_csv(DATA / survey), strict=False)
    return a


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's printed text and its --out folder, run from an empty directory."""
    cwd = tmp_path_factory.mktemp("demo")
    out = cwd / "out"
    done = subprocess.run([sys.executable, "-m", "chiso", "demo", "--out", str(out), "--rows", "200"],
                          capture_output=True, cwd=cwd, env={"PYTHONIOENCODING": "ascii", **_env()})
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8"), out


def _line(text: str, *cells: str) -> bool:
    """Whether a line of ``text`` holds ``cells`` side by side, in this order, separated by spaces."""
    return re.search(r"(^|[ \n])" + r" +".join(re.escape(c) for c in cells) + r"( |\n|$)", text) is not None


def test_the_index_in_force_is_ranked_for_communes_and_departments(demo):
    text, _ = demo
    assert "SYNTHETIC" in text and "2025" in text
    for model, units, records, count in [("hanoi-par-commune-2025", "units-commune-2025.csv", "par-commune-2025.csv", 126),
                                         ("hanoi-par-department-2025", "units-department-2025.csv",
                                          "par-department-2025.csv", 15)]:
        results = _assessment(model, "2025", units, records, "survey-par-2025.csv").final_results()
        assert len(results) == count == len(pd.read_csv(DATA / units))
        assert f"({count} đơn vị)" in text
        for _, r in results.iterrows():  # every unit, with its rank, index and band
            assert _line(text, str(r["rank"]), r["name"], f"{r['index']:.2f}", r["band"]), r["name"]


def test_year_over_year_across_the_reform(demo):
    text, _ = demo
    # Departments: those of 2024 kept their id in 2025 and show their change; index and rank from
    # the two assessments, the change by subtraction here.
    before = _assessment("hanoi-par-department-2023", "2024", "units-department.csv", "par-department-2024.csv",
                         "survey-par-2024.csv").final_results()
    after = _assessment("hanoi-par-department-2025", "2025", "units-department-2025.csv", "par-department-2025.csv",
                        "survey-par-2025.csv").final_results()
    kept = after.index.intersection(before.index)
    assert len(kept) == 13
    for unit in kept:
        a, b = after.loc[unit], before.loc[unit]
        moved = b["rank"] - a["rank"]
        change = f"{moved:+d}" if moved else "="
        assert _line(text, a["name"], f"{a['index']:.2f}", a["band"], f"{b['index']:.2f}",
                     f"{round(a['index'] - b['index'], 2):+.2f}", change), a["name"]
    # Units that no longer exist in 2025, each with its 2024 index and rank: the departments
    # merged away and all 30 districts (the district level ended on 1 July 2025).
    old_departments = pd.read_csv(DATA / "units-department.csv").set_index("id")
    gone = old_departments.index.difference(pd.read_csv(DATA / "units-department-2025.csv")["id"])
    assert len(gone) == 7
    districts = _assessment("hanoi-par-district-2023", "2024", "units-district.csv", "par-district-2024.csv",
                            "survey-par-2024.csv").final_results()
    assert len(districts) == 30
    for results, units in [(before, gone), (districts, districts.index)]:
        for unit in units:
            r = results.loc[unit]
            assert _line(text, r["name"], f"{r['index']:.2f}", str(r["rank"]), "không còn"), r["name"]
    assert "30 không còn, 126 mới" in text and "13 đơn vị so sánh được, 7 không còn, 2 mới" in text


def test_progress_counts_the_appraisal_criteria(demo):
    """Each 2025 model has 62 appraisal criteria (leaves whose source is appraisal, the default;
    bonus and penalty points included), counted in its file: 126 × 62 and 15 × 62 in all."""
    text, _ = demo

    def appraisal_leaves(node):
        if "children" in node:
            return sum(appraisal_leaves(c) for c in node["children"])
        return int(node.get("source", "appraisal") == "appraisal")

    for model, units in [("hanoi-par-commune-2025", 126), ("hanoi-par-department-2025", 15)]:
        leaves = appraisal_leaves(json.loads((MODELS / f"{model}.json").read_text(encoding="utf-8"))["root"])
        assert leaves == 62
        assert re.search(rf"\d+/{units * leaves} tiêu chí", text), model


def test_reports_written(demo):
    _, out = demo
    for name in ("final_results", "self_vs_appraised", "self_vs_appraised_areas", "progress", "year_over_year"):
        assert len(pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig")) > 0
    sheets = pd.read_excel(out / "reports.xlsx", sheet_name=None)
    assert {"final_results", "self_vs_appraised", "progress", "year_over_year"} <= set(sheets)
    results = sheets["final_results"]
    assert set(results["group"]) == {"commune", "department"} and len(results) == 126 + 15
    assert "Phường Ba Đình" in set(results["name"])
    changes = sheets["year_over_year"]
    assert len(changes) == (30 + 126) + (13 + 7 + 2)
    gone = changes[changes["index_after"].isna()]
    assert set(gone["name"]) >= {"Quận Hai Bà Trưng", "Sở Ngoại vụ"} and len(gone) == 30 + 7


def test_demo_module_and_examples_option(tmp_path):
    done = subprocess.run([sys.executable, "-m", "chiso.demo", "--help"], capture_output=True, cwd=tmp_path, env=_env())
    assert done.returncode == 0 and b"--examples" in done.stdout
    done = subprocess.run([sys.executable, "-m", "chiso.demo", "--examples", str(tmp_path)], capture_output=True,
                          cwd=tmp_path, env=_env())
    assert done.returncode == 1 and b"cannot find the sample models and data" in done.stderr
    assert b"Traceback" not in done.stderr
