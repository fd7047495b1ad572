"""The demo runs on the sample bundled in the installed package (from an empty directory, as after
`pip install`), prints the three tables and writes CSV + xlsx."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd


def test_demo_prints_and_writes(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "chiso", "demo", "--out", str(out)],
                          capture_output=True, cwd=tmp_path, env={"PYTHONIOENCODING": "ascii", **_env()})
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8")
    assert "Quận Hai Bà Trưng" in text and "Sở Nội vụ" in text  # Vietnamese names render
    assert "Xếp hạng" in text and "Hội đồng thẩm định" in text and "63/80" in text
    assert "SYNTHETIC" in text
    for name in ("final_results", "self_vs_appraised", "self_vs_appraised_areas", "progress", "year_over_year"):
        frame = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig")
        assert len(frame) > 0
    sheets = pd.read_excel(out / "reports.xlsx", sheet_name=None)
    assert {"final_results", "self_vs_appraised", "progress", "year_over_year"} <= set(sheets)
    results = sheets["final_results"]
    assert set(results["group"]) == {"district", "department"}
    assert "Quận Ba Đình" in set(results["name"])


def test_demo_module_and_examples_option(tmp_path):
    done = subprocess.run([sys.executable, "-m", "chiso.demo", "--help"], capture_output=True, cwd=tmp_path, env=_env())
    assert done.returncode == 0 and b"--examples" in done.stdout
    done = subprocess.run([sys.executable, "-m", "chiso.demo", "--examples", str(tmp_path)], capture_output=True,
                          cwd=tmp_path, env=_env())
    assert done.returncode == 1 and b"cannot find the sample models and data" in done.stderr
    assert b"Traceback" not in done.stderr


def _env():
    import os
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONPATH")}
