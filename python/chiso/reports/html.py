"""The HTML report: one self-contained file (no network; charts are inline SVG) with the ranking
by group and bands, then a page per unit (areas, points lost, self vs appraised, year over year).
Prints to PDF from the browser (a print stylesheet: one unit per page, no navigation)."""
from __future__ import annotations

import html as _html
from pathlib import Path
from typing import Any, Dict, List, Optional

from .data import Report, Row, UnitReport, reason_text
from .i18n import MINUS, format_number, label
from .text import printable
from .layout import (Format, as_of_text, chain_text, change_heads, group_label, index_lines, number_column_count,
                     number_text, place_date_line, report_title, scoring_cells, scoring_heads, signature_block, total_cells, whole)

_CSS = """
*{box-sizing:border-box}
body{font-family:"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:0;color:#1d2733;background:#fff;font-size:14px}
main{max-width:1200px;margin:0 auto;padding:16px 24px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:24px 0 8px;border-bottom:2px solid #2f5d8a;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
nav{columns:3 12em;font-size:13px;margin:8px 0 16px}nav a{display:block;color:#2f5d8a;text-decoration:none}
.scroll{overflow-x:auto;max-width:100%;margin:6px 0 12px}
table{border-collapse:collapse;width:100%;margin:0}
th,td{border:1px solid #c5ccd6;padding:3px 6px;vertical-align:top}
th{background:#dde4ee;font-weight:600;overflow-wrap:normal;word-break:normal;hyphens:manual}
td{overflow-wrap:break-word}
td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.t{white-space:pre-line}
table.scoring{table-layout:fixed;min-width:980px}table.losses{table-layout:fixed;min-width:760px}
tr.area td{font-weight:700;background:#f2f4f7}tr.na td{color:#8a94a3;font-style:italic}
tr.adjust td{font-style:italic}
tr.total td{font-weight:700;border-top:2px solid #2f5d8a}
.trunc{display:block;max-height:3.2em;overflow:hidden}
.chart{height:auto;display:block}
.chart.ranking,.chart.profile,.chart.losses,.chart.years{width:100%;min-width:1000px}
.unit{page-break-before:always;break-before:page}
.meta{color:#52606d;overflow-wrap:anywhere}.band{display:inline-block;padding:0 6px;border-radius:3px;background:#e7eef7}
.up{color:#1b7f3b}.down{color:#b3261e}
.signatures{display:flex;justify-content:space-around;text-align:center;margin:24px 0 48px;flex-wrap:wrap;gap:16px}
.signatures .place{flex-basis:100%;text-align:right;font-style:italic}
.signatures div{min-width:12em}
@media print{nav,.noprint{display:none}main{max-width:none;padding:0}body{font-size:10pt}
 .scroll{overflow:visible}.chart.ranking,.chart.profile,.chart.losses,.chart.years{min-width:0}
 @page{size:A4 landscape;margin:12mm 12mm 16mm;@bottom-center{content:"%PAGE%";font-size:9pt}}
 h2{break-after:avoid}tr{break-inside:avoid}}
"""

# Nothing external: no script, no fetch, no font, no frame; inline styles and data: images only.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                           "form-action 'none'; base-uri 'none'")

_COLORS = ("#2f5d8a", "#d9822b")
_NA_PATTERN = ("<defs><pattern id='na-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
               "patternTransform='rotate(45)'><rect width='6' height='6' fill='#f4f4f4'/>"
               "<line x1='0' y1='0' x2='0' y2='6' stroke='#9aa5b1' stroke-width='2'/></pattern></defs>")


def _e(text: Any) -> str:
    return _html.escape(printable("" if text is None else str(text)), quote=True)


def _ranking_svg(units: List[UnitReport], bands: List[tuple], digits: int, language: str, scale: float) -> str:
    """Horizontal bars of the index, best first, with a vertical line at each band's threshold."""
    ranked = sorted(units, key=lambda u: (-(u.index if u.index is not None else -1e300), u.name))
    row, left, right, top = 22, 260, 70, 30
    width, height = 1100, top + row * len(ranked) + 30
    plot = width - left - right
    parts = [f"<svg class='chart ranking' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
             f"role='img' aria-label='{_e(label('ranking', language))}'>"]
    for minimum, name in bands:
        if minimum <= 0:
            continue
        x = left + plot * minimum / scale
        parts.append(f"<line class='band-line' x1='{x:.1f}' y1='{top - 12}' x2='{x:.1f}' y2='{height - 24}' "
                     "stroke='#b3261e' stroke-dasharray='4 3'/>")
        parts.append(f"<text x='{x:.1f}' y='{top - 16}' font-size='11' text-anchor='middle' fill='#b3261e'>"
                     f"{_e(name)} ≥ {_e(format_number(minimum, 0, language))}</text>")
    for k, unit in enumerate(ranked):
        y = top + k * row
        value = unit.index if unit.index is not None else 0.0
        bar = plot * max(value, 0.0) / scale
        parts.append(f"<text x='{left - 6}' y='{y + 15}' font-size='12' text-anchor='end'>{_e(unit.name)}</text>")
        parts.append(f"<rect class='bar' x='{left}' y='{y + 3}' width='{bar:.1f}' height='{row - 6}' fill='{_COLORS[0]}'>"
                     f"<title>{_e(unit.name)}: {_e(format_number(unit.index, digits, language))}</title></rect>")
        parts.append(f"<text x='{left + bar + 4:.1f}' y='{y + 15}' font-size='11'>"
                     f"{_e(format_number(unit.index, digits, language))}</text>")
    parts.append(f"<text x='{left + plot / 2}' y='{height - 6}' font-size='12' text-anchor='middle'>"
                 f"{_e(label('index_axis', language))}</text></svg>")
    return "".join(parts)


def _profile_svg(report: Report, unit: UnitReport, averages: Dict[str, Optional[float]], language: str) -> str:
    """Each area's share of its maximum: self-assessed and achieved bars, the group's average as a
    tick; an area that does not apply is a hatched gap, not a zero."""
    areas = [(a, n) for a, n in report.areas if not _is_bonus(unit, a)]
    width, left, top, row = 1100, 330, 26, 30
    height = top + row * len(areas) + 34
    plot = width - left - 80
    parts = [f"<svg class='chart profile' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
             f"role='img' aria-label='{_e(label('areas', language))}'>{_NA_PATTERN}"]
    legend = [(label("points", language), _COLORS[0])]
    if report.has_self:
        legend.insert(0, (label("self", language), _COLORS[1]))
    for k, (text, color) in enumerate(legend + [(label("group_average", language), "#000")]):
        x = left + k * 200
        parts.append(f"<rect x='{x}' y='4' width='12' height='12' fill='{color}'/>"
                     f"<text x='{x + 16}' y='14' font-size='12'>{_e(text)}</text>")
    rows = {r.node: r for r in unit.rows}
    for k, (area, name) in enumerate(areas):
        y = top + k * row
        r = rows[area]
        parts.append(f"<text x='{left - 6}' y='{y + 18}' font-size='12' text-anchor='end'>"
                     f"{_e(r.number)}. {_e(_short(name, 46))}<title>{_e(name)}</title></text>")
        if not r.applicable or not r.max:
            parts.append(f"<rect class='na' x='{left}' y='{y + 4}' width='{plot}' height='{row - 8}' fill='url(#na-hatch)'/>"
                         f"<text x='{left + 8}' y='{y + 19}' font-size='12' fill='#52606d'>"
                         f"{_e(label('gap_na', language))}</text>")
            continue
        bars = [(r.points, _COLORS[0])]
        if report.has_self:
            bars.insert(0, (r.self_points, _COLORS[1]))
        height_each = (row - 8) / len(bars)
        for j, (value, color) in enumerate(bars):
            share = 0.0 if value is None else max(0.0, min(1.0, value / r.max))
            parts.append(f"<rect class='bar' x='{left}' y='{y + 4 + j * height_each:.1f}' width='{plot * share:.1f}' "
                         f"height='{height_each:.1f}' fill='{color}'/>")
        parts.append(f"<text x='{left + plot + 6}' y='{y + 18}' font-size='11'>"
                     f"{_e(format_number(r.score, 1, language))} %</text>")
        average = averages.get(area)
        if average is not None:
            at = left + plot * average / 100.0
            parts.append(f"<line class='average' x1='{at:.1f}' y1='{y + 2}' x2='{at:.1f}' y2='{y + row - 2}' "
                         "stroke='#000' stroke-width='2'/>")
    parts.append(f"<text x='{left + plot / 2}' y='{height - 6}' font-size='12' text-anchor='middle'>"
                 f"{_e(label('area_score', language))}</text></svg>")
    return "".join(parts)


def _is_bonus(unit: UnitReport, area: str) -> bool:
    return any(r.node == area and r.bonus_penalty for r in unit.rows)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _group_averages(report: Report) -> Dict[str, Dict[str, Optional[float]]]:
    """group → area → mean share of the maximum (percent) over the units where the area applies."""
    out: Dict[str, Dict[str, Optional[float]]] = {}
    for group in {u.group for u in report.units}:
        members = [u for u in report.units if u.group == group]
        out[group] = {}
        for area, _ in report.areas:
            shares = [r.score for u in members for r in u.rows if r.node == area and r.score is not None]
            out[group][area] = sum(shares) / len(shares) if shares else None
    return out


def write_html(report: Report, path: Path, language: str = "vi") -> Path:
    fmt = number_text(report, language)
    out = _page_start(report, language)
    out += _ranking_section(report, language, fmt)
    averages = _group_averages(report)
    for unit in sorted(report.units, key=lambda u: (u.group, u.rank or 10 ** 9, u.name)):
        out += _unit_section(report, unit, averages.get(unit.group, {}), language, fmt)
    out.append(_signatures(report, language))
    out.append(f"<p class='meta'>{_e(label('generated', language))}</p></main></body></html>")
    Path(path).write_text("".join(out), encoding="utf-8")
    return Path(path)


def _cell(text: Any, numeric: bool = False) -> str:
    """A table cell: numbers right-aligned on one line; a text keeps its lines, a long one is cut
    to a few lines with the whole on hover."""
    if numeric:
        return f"<td class='n'>{_e(text)}</td>"
    text = "" if text is None else str(text)
    if len(text) > 120:
        return f"<td class='t'><span class='trunc' title='{_e(text)}'>{_e(text)}</span></td>"
    return f"<td class='t'>{_e(text)}</td>"


def _head_row(heads: List[str], numeric: Any = ()) -> str:
    return "<thead><tr>" + "".join(f"<th class='n'>{_e(h)}</th>" if k in numeric else f"<th>{_e(h)}</th>"
                                   for k, h in enumerate(heads)) + "</tr></thead>"


def _scroll(markup: str) -> str:
    """A wide table or chart in a box of its own that scrolls sideways on a narrow screen."""
    return f"<div class='scroll'>{markup}</div>"


def _signatures(report: Report, language: str) -> str:
    """The place and date line, then one column per signer."""
    people = "".join(f"<div><b>{_e(role)}</b><br><i>{_e(hint)}</i></div>"
                     for role, hint in signature_block(report, language))
    return (f"<div class='signatures'><p class='place'>{_e(place_date_line(report, language))}</p>"
            f"{people}</div>")


def _page_start(report: Report, language: str) -> List[str]:
    """The document's head with its stylesheet, the title and period, and the contents."""
    title = report_title(report, language)
    page = '"' + label("page", language, page='" counter(page) "', pages='" counter(pages) "') + '"'
    out = [f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>"
           f"<meta http-equiv='Content-Security-Policy' content=\"{CONTENT_SECURITY_POLICY}\">"
           "<meta name='viewport' content='width=device-width, initial-scale=1'>"
           f"<title>{_e(title)}</title><style>{_CSS.replace('%PAGE%', page)}</style></head><body><main>"]
    if report.issuer:
        out.append(f"<p><b>{_e(report.issuer)}</b></p>")
    out.append(f"<h1>{_e(title)}</h1>")
    facts = [f"{label('period', language)}: {report.period}"] if report.period else []
    if report.as_of is not None:
        facts.append(as_of_text(report, language))
    chain = chain_text(report, language)
    if chain:
        facts.append(chain)
    if facts:
        out.append(f"<p class='meta'>{_e(' · '.join(facts))}</p>")
    out.append(f"<nav class='noprint'><b>{_e(label('contents', language))}</b>")
    out.append(f"<a href='#ranking'>{_e(label('ranking', language))}</a>")
    for unit in sorted(report.units, key=lambda u: u.name):
        out.append(f"<a href='#u-{_e(unit.unit)}'>{_e(unit.name)}</a>")
    out.append("</nav>")
    return out


def _ranking_section(report: Report, language: str, fmt: Format) -> List[str]:
    """The ranking by group: for each group its chart, its table and how many units are in each band."""
    out = [f"<section id='ranking'><h2>{_e(label('ranking', language))}</h2>"]
    ranking = report.ranking
    for group in sorted({u.group for u in report.units}):
        members = [u for u in report.units if u.group == group]
        if group:
            out.append(f"<h3>{_e(label('group', language))}: {_e(group_label(report, group, language))}</h3>")
        out.append(_scroll(_ranking_svg(members, report.model.bands, report.digits, language, report.model.scale)))
        out.append(_scroll(_ranking_table(report, ranking[ranking["group"] == group], language, fmt)))
        if report.has_change:
            out.append(f"<h3>{_e(label('years', language))}</h3>")
            out.append(_scroll(_years_svg(report, members, language)))
        if report.model.bands:
            out.append(_band_table(report, members, language, fmt))
    out.append("</section>")
    return out


def _ranking_table(report: Report, ranking: Any, language: str, fmt: Format) -> str:
    """The rows of ``ranking`` (:attr:`Report.ranking` of one group): rank, unit, index, band, the
    self-assessed index and the change from the previous period."""
    heads = [label("rank", language), label("unit", language), label("index", language), label("band", language)]
    if report.has_self:
        heads.append(label("self", language))
    if report.has_change:
        heads += change_heads(report, language)
    out = ["<table class='ranking-table'>" + _head_row(heads, {0, 2} | set(range(4, len(heads)))) + "<tbody>"]
    for unit_id, r in ranking.iterrows():
        rank = whole(r["rank"])
        cells = [_cell("" if rank is None else str(rank), True),
                 f"<td><a href='#u-{_e(unit_id)}'>{_e(r['name'])}</a></td>", _cell(fmt(r["index"]), True),
                 _cell(r["band"])]
        if report.has_self:
            cells.append(_cell(fmt(r["self_index"]), True))
        if report.has_change:
            rank_change = whole(r["rank_change"])
            cells += [_cell(fmt(r["previous_index"]), True), _cell(fmt(r["index_change"], sign=True), True),
                      _cell("" if rank_change is None else f"{rank_change:+d}".replace("-", MINUS), True)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _band_table(report: Report, members: List[UnitReport], language: str, fmt: Format) -> str:
    """Each band's threshold and how many of ``members`` fall in it."""
    out = [f"<table class='bands'><thead><tr><th>{_e(label('band', language))}</th><th>≥</th>"
           f"<th>{_e(label('units_in_band', language))}</th></tr></thead><tbody>"]
    for minimum, name in report.model.bands:
        count = sum(1 for u in members if u.band == name)
        out.append(f"<tr><td>{_e(name)}</td>{_cell(fmt(minimum), True)}{_cell(count, True)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _unit_section(report: Report, unit: UnitReport, averages: Dict[str, Optional[float]], language: str,
                  fmt: Format) -> List[str]:
    """A unit's page: its facts, the profile of its areas, the criteria that lost the most points
    and its scoring table."""
    return [f"<section class='unit' id='u-{_e(unit.unit)}'><h2>{_e(unit.name)}</h2>",
            "<p class='meta'>" + " · ".join(_unit_facts(report, unit, language, fmt)) + "</p>",
            f"<h3>{_e(label('areas', language))}</h3>", _scroll(_profile_svg(report, unit, averages, language)),
            _losses(report, unit, language, fmt),
            f"<h3>{_e(label('scoring_table', language))}</h3>", _scroll(_scoring_table(report, unit, language, fmt)),
            "</section>"]


def _unit_facts(report: Report, unit: UnitReport, language: str, fmt: Format) -> List[str]:
    """Index, rank, band, self-assessed index, the change from the previous period and the data's
    date, as markup."""
    facts = [f"{label('index', language)}: <b>{_e(fmt(unit.index))}</b>"]
    if unit.rank is not None:
        facts.append(f"{label('rank', language)}: <b>{unit.rank}</b>")
    if unit.band:
        facts.append(f"{label('band', language)}: <span class='band'>{_e(unit.band)}</span>")
    if unit.self_index is not None:
        facts.append(f"{label('self', language)}: {_e(fmt(unit.self_index))}")
    if unit.index_change is not None:
        css = "up" if unit.index_change > 0 else "down" if unit.index_change < 0 else ""
        facts.append(f"{label('year_over_year', language)}: {_e(fmt(unit.previous_index))} → {_e(fmt(unit.index))} "
                     f"(<span class='{css}'>{_e(fmt(unit.index_change, sign=True))}</span>)")
    if report.as_of is not None:
        facts.append(_e(as_of_text(report, language)))
    return facts


def _top_losses(unit: UnitReport) -> List[Row]:
    """The ten criteria that lost the most points, most first."""
    return sorted((r for r in unit.rows if r.is_leaf and r.lost), key=lambda r: (-(r.lost or 0.0), r.number))[:10]


def _losses(report: Report, unit: UnitReport, language: str, fmt: Format) -> str:
    """The ten criteria that lost the most points, as a chart and a table with the council's
    reasons (nothing when none lost any)."""
    losses = _top_losses(unit)
    if not losses:
        return ""
    digits = report.point_digits
    heads = [label("number", language), label("content", language), label("max", language),
             label("points", language), label("lost", language)]
    if report.has_self:
        heads += [label("self", language), label("reason", language)]
    numeric = {2, 3, 4, 5}
    out = [f"<h3>{_e(label('top_losses', language))}</h3>", _scroll(_losses_svg(losses, digits, language)),
           "<div class='scroll'><table class='losses'><colgroup>"
           "<col style='width:7%'><col style='width:40%'></colgroup>" + _head_row(heads, numeric) + "<tbody>"]
    for r in losses:
        cells = [_cell(r.number), _cell(r.name), _cell(fmt(r.max, digits=digits), True),
                 _cell(fmt(r.points, digits=digits), True), _cell(fmt(r.lost, digits=digits), True)]
        if report.has_self:
            cells += [_cell(fmt(r.self_points, digits=digits), True), _cell(reason_text(r, language, report.round_count))]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _losses_svg(losses: List[Row], digits: int, language: str) -> str:
    """A bar per criterion: the points it lost out of its maximum (the whole bar), most first."""
    width, left, right, top, row = 1100, 420, 90, 8, 24
    height = top + row * len(losses) + 8
    plot = width - left - right
    largest = max((r.max or 0.0) for r in losses) or 1.0
    parts = [f"<svg class='chart losses' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
             f"role='img' aria-label='{_e(label('top_losses', language))}'>"]
    for k, r in enumerate(losses):
        y = top + k * row
        whole_bar, lost = plot * (r.max or 0.0) / largest, plot * (r.lost or 0.0) / largest
        parts.append(f"<text x='{left - 6}' y='{y + 16}' font-size='12' text-anchor='end'>"
                     f"{_e(r.number)} {_e(_short(r.name, 58))}<title>{_e(r.name)}</title></text>"
                     f"<rect x='{left}' y='{y + 4}' width='{whole_bar:.1f}' height='{row - 8}' fill='#e3e8ef'/>"
                     f"<rect class='bar' x='{left}' y='{y + 4}' width='{lost:.1f}' height='{row - 8}' fill='#b3261e'/>"
                     f"<text x='{left + whole_bar + 6:.1f}' y='{y + 16}' font-size='12'>"
                     f"{_e(format_number(-(r.lost or 0.0), digits, language))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _years_svg(report: Report, members: List[UnitReport], language: str) -> str:
    """Year over year: each unit's previous index (a hollow dot) and its index now (a filled dot),
    joined by a line; units without a previous index show the filled dot alone."""
    ranked = sorted(members, key=lambda u: (-(u.index if u.index is not None else -1e300), u.name))
    width, left, right, top, row = 1100, 260, 90, 30, 22
    height = top + row * len(ranked) + 30
    plot, scale = width - left - right, report.model.scale or 100.0
    previous = label("previous", language) + (f" ({report.previous_period})" if report.previous_period else "")
    parts = [f"<svg class='chart years' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
             f"role='img' aria-label='{_e(label('years', language))}'>",
             f"<circle cx='{left + 6}' cy='12' r='5' fill='#fff' stroke='{_COLORS[1]}' stroke-width='2'/>"
             f"<text x='{left + 16}' y='16' font-size='12'>{_e(previous)}</text>"
             f"<circle cx='{left + 256}' cy='12' r='5' fill='{_COLORS[0]}'/>"
             f"<text x='{left + 266}' y='16' font-size='12'>{_e(report.period or label('index', language))}</text>"]
    for k, unit in enumerate(ranked):
        y = top + k * row + 11
        now = left + plot * max(unit.index or 0.0, 0.0) / scale
        parts.append(f"<text x='{left - 6}' y='{y + 4}' font-size='12' text-anchor='end'>{_e(unit.name)}</text>")
        if unit.previous_index is not None:
            before = left + plot * max(unit.previous_index, 0.0) / scale
            parts.append(f"<line x1='{before:.1f}' y1='{y}' x2='{now:.1f}' y2='{y}' stroke='#9aa5b1' stroke-width='2'/>"
                         f"<circle cx='{before:.1f}' cy='{y}' r='5' fill='#fff' stroke='{_COLORS[1]}' stroke-width='2'/>")
        change = "" if unit.index_change is None else f" ({format_number(unit.index_change, report.digits, language, sign=True)})"
        parts.append(f"<circle class='now' cx='{now:.1f}' cy='{y}' r='5' fill='{_COLORS[0]}'>"
                     f"<title>{_e(unit.name)}: {_e(format_number(unit.index, report.digits, language))}{_e(change)}"
                     f"</title></circle><text x='{max(now, left) + 10:.1f}' y='{y + 4}' font-size='11'>"
                     f"{_e(format_number(unit.index, report.digits, language))}{_e(change)}</text>")
    parts.append(f"<text x='{left + plot / 2}' y='{height - 6}' font-size='12' text-anchor='middle'>"
                 f"{_e(label('index_axis', language))}</text></svg>")
    return "".join(parts)


def _scoring_table(report: Report, unit: UnitReport, language: str, fmt: Format) -> str:
    """The unit's scoring table with its adjustment lines, its total and the index under the score."""
    heads = scoring_heads(report, language)
    widths = {label("number", language): "5%", label("content", language): "28%",
              label("evidence", language): "15%", label("reason", language): "18%"}
    cols = "".join(f"<col style='width:{widths[h]}'>" if h in widths else "<col>" for h in heads)
    numbers = range(2, 2 + number_column_count(report))

    def number(value: Optional[float], digits: int) -> str:
        return fmt(value, digits=digits)

    def cells(values: List[Any]) -> str:  # the number columns right-aligned; a blank an empty text cell
        return "".join(_cell("" if v is None else v, k in numbers) for k, v in enumerate(values))

    out = [f"<table class='scoring'><colgroup>{cols}</colgroup>" + _head_row(heads, set(numbers)) + "<tbody>"]
    for r in unit.rows:
        css = "adjust" if r.adjustment else "area" if r.is_area else "na" if not r.applicable else ""
        out.append(f"<tr class='{css}'>" + cells(scoring_cells(report, r, language, number, indent="\u2003")) + "</tr>")
    for k, line in enumerate([total_cells(report, unit, language, number)]
                             + index_lines(report, unit, language, number)):
        line = line + [None] * (len(heads) - len(line))
        out.append(f"<tr class='{'total' if k == 0 else 'index'}'>" + cells(line) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)
