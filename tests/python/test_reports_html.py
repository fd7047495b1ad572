"""The HTML report: one self-contained file, read as text and rendered in a real headless browser
(Debian's chromium, installed here when missing) at 1280 px."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from chiso import reports
from test_reports_data import NO_ONE_STOP, records, sample, unit_names

PROBE = ("<script>window.addEventListener('load', () => {"
         "const d = document.documentElement;"
         "const charts = [...document.querySelectorAll('svg.chart')].filter(e => e.getBoundingClientRect().width > 0);"
         "const bars = document.querySelectorAll('svg.ranking rect.bar').length;"
         "document.body.insertAdjacentHTML('beforeend', "
         "`<pre id='probe'>${d.scrollWidth} ${d.clientWidth} ${charts.length} ${bars}</pre>`);});</script>")


def chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (as scripts/setup.sh does)."""
    found = shutil.which("chromium")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    found = shutil.which("chromium")
    assert found, "apt-get installed chromium but it is not on PATH"
    return found


@pytest.fixture(scope="module")
def report_vi(tmp_path_factory) -> Path:
    return reports.write(sample(), tmp_path_factory.mktemp("html") / "report.html")


def test_self_contained_with_vietnamese_numbers(report_vi):
    text = report_vi.read_text(encoding="utf-8")
    assert "<svg" in text and text.count("class='chart profile'") == 15
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", text)          # nothing fetched
    assert "url(http" not in text and "@import" not in text
    assert "@media print" in text                                                 # prints to PDF
    final = sample().final_results()
    best = final.sort_values("index", ascending=False).iloc[0]
    written = f"{best['index']:.2f}".replace(".", ",")
    assert f"<b>{written}</b>" in text                                            # "90,89", not 90.89
    assert "Xếp hạng theo nhóm" in text and "Không áp dụng" in text
    # The unit without one-stop procedures: content 3 drawn as not applicable, with its note.
    page = text[text.index(f"id='u-{NO_ONE_STOP}'"):]
    page = page[:page.index("</section>")]
    assert "class='na'" in page and "không áp dụng" in page
    assert records()[(NO_ONE_STOP, "A3.1.1")]["self"]["note"] in page


def test_english_labels_and_numbers(tmp_path):
    text = reports.write(sample(), tmp_path / "report.html", language="en").read_text(encoding="utf-8")
    assert "Ranking by group" in text and "Scoring table" in text and "Xếp hạng theo nhóm" not in text
    best = sample().final_results()["index"].max()
    assert f"<b>{best:.2f}</b>" in text


def test_year_over_year_with_a_previous_period(tmp_path):
    a = sample()
    # The same period as its own previous one: every change is zero, written "+0,00".
    text = reports.write(a, tmp_path / "yoy.html", previous=a).read_text(encoding="utf-8")
    assert text.count("<td class='n'>+0,00</td>") == 15 and "So với kỳ trước" in text


def test_renders_in_chromium_at_1280_px_without_horizontal_scrolling(report_vi, tmp_path):
    page = tmp_path / "probe.html"
    page.write_text(report_vi.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                          "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    probe = re.search(r"<pre id=\"probe\">(\d+) (\d+) (\d+) (\d+)</pre>", run.stdout)
    assert probe, run.stderr[-2000:]
    scroll_width, client_width, charts, bars = map(int, probe.groups())
    assert scroll_width <= client_width <= 1280
    assert charts == 1 + 15 and bars == len(unit_names())                         # ranking + one per unit
