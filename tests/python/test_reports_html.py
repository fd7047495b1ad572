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

# Measured in the page once it is laid out: the page's widths; the elements wider than the
# viewport that are neither a scroll container nor inside one; the chart texts and how many render
# below 10 px; the number cells and how many break over more than one line.
PROBE = """<script>window.addEventListener('load', () => {
  const d = document.documentElement, vw = d.clientWidth;
  const wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('.scroll') && !e.classList.contains('scroll')) continue;
    const r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) wide.push(e.tagName + '.' + e.className);
  }
  let texts = 0, small = 0;
  for (const svg of document.querySelectorAll('svg.chart')) {
    const w = svg.getBoundingClientRect().width;
    if (!w) continue;
    const scale = w / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      texts++;
      if (parseFloat(t.getAttribute('font-size')) * scale < 9.99) small++;
    }
  }
  let numbers = 0, broken = 0;
  for (const td of document.querySelectorAll('td.n')) {
    if (!td.textContent) continue;
    numbers++;
    const range = document.createRange();
    range.selectNodeContents(td);
    if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken++;
  }
  const charts = [...document.querySelectorAll('svg.chart')].filter(e => e.getBoundingClientRect().width > 0);
  const bars = document.querySelectorAll('svg.ranking rect.bar').length;
  parent.postMessage(`${d.scrollWidth} ${vw} ${charts.length} ${bars} `
    + `${wide.length} ${texts} ${small} ${numbers} ${broken} ${wide.slice(0, 5).join(',')}`, '*');
});</script>"""

# The page that holds the report in a frame as wide as the screen measured (Chromium's window is
# at least 500 px wide; a frame's viewport is its own width), and prints what the probe posts.
FRAME = """<!DOCTYPE html><html><body style='margin:0'>
<iframe src='{src}' width='{width}' height='844' style='border:0'></iframe>
<script>window.addEventListener('message', e => document.body.insertAdjacentHTML('beforeend',
  `<pre id='probe'>${{e.data}}</pre>`));</script></body></html>"""

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
    assert text.count("<td class='n'>+0</td>") == 15


def probe(report: Path, width: int, tmp_path: Path) -> dict:
    """The report rendered by Chromium at ``width`` px, measured by PROBE. The report's
    Content-Security-Policy forbids every script; this copy allows the inline probe only."""
    text = report.read_text(encoding="utf-8")
    assert "script-src" not in text and "default-src 'none'" in text
    text = text.replace("default-src 'none'", "default-src 'none'; script-src 'unsafe-inline'", 1)
    page = tmp_path / f"probe-{width}.html"
    page.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(src=page.name, width=width), encoding="utf-8")
    run = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width + 40},900",
                          "--hide-scrollbars", "--allow-file-access-from-files", "--virtual-time-budget=15000",
                          "--dump-dom", frame.as_uri()], capture_output=True, text=True, timeout=180)
    found = re.search(r"<pre id=\"probe\">(\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) ?([^<]*)</pre>",
                      run.stdout)
    assert found, run.stderr[-2000:]
    keys = ("scroll_width", "client_width", "charts", "bars", "wide", "texts", "small", "numbers", "broken")
    return dict(zip(keys, map(int, found.groups()[:9])), offenders=found.group(10))


@pytest.mark.parametrize("width", [1280, 390])
def test_renders_in_chromium_without_horizontal_scrolling(report_vi, tmp_path, width):
    seen = probe(report_vi, width, tmp_path)
    assert seen["client_width"] == width
    # Nothing but the scroll boxes is wider than the screen; the page itself does not scroll sideways.
    assert seen["wide"] == 0, seen["offenders"]
    assert seen["scroll_width"] <= seen["client_width"]
    # Chart text at least 10 px, numbers on one line.
    assert seen["texts"] > 500 and seen["small"] == 0
    assert seen["numbers"] > 500 and seen["broken"] == 0
    assert seen["charts"] >= 1 + 15 * 2 and seen["bars"] == len(unit_names())  # ranking; areas and losses per unit


def test_content_security_policy_allows_nothing_external(report_vi):
    text = report_vi.read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv=\'Content-Security-Policy\' content="([^"]+)">', text).group(1)
    assert text.index(policy) < text.index("<style>")                            # before anything it governs
    rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
    assert rules["default-src"] == "'none'" and rules["style-src"] == "'unsafe-inline'"
    assert rules["img-src"] == "data:" and "script-src" not in rules
    assert "<script" not in text


def test_the_charts_the_readme_lists(tmp_path):
    """The criteria that lost the most points, for every unit that lost any; year over year, with
    a previous period."""
    a = sample()
    text = reports.write(a, tmp_path / "yoy.html", previous=a).read_text(encoding="utf-8")
    report = reports.build(a)
    losing = [u for u in report.units if any(r.is_leaf and r.lost for r in u.rows)]
    assert text.count("<svg class='chart losses'") == len(losing) > 0
    assert text.count("<svg class='chart years'") == 1 and text.count("class='now'") == 15
