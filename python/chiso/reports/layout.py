"""The layout the writers (excel, word, html) share: the columns of the scoring table and of the
ranking, a scoring-table line and its total line as cell values, a unit's headline facts. Each
writer turns these values into its own cells; ``number`` is how it writes a number (rounded for
Excel, formatted text for Word and HTML), and a blank cell is None."""
from __future__ import annotations

from typing import Any, Callable, List, Optional

from .data import Report, Row, UnitReport, evidence_text, reason_text
from .i18n import format_number, label, short_number

Number = Callable[[Optional[float], int], Any]  # number(value, digits): a number as the writer's cell value
Format = Callable[..., str]  # fmt(value, sign=False, digits=None): a number as text, as the report writes it


def number_text(report: Report, language: str) -> Format:
    """How Word and HTML write a number: the model's decimals (or ``digits``), half up, in the
    language's way, with a minus sign."""
    def fmt(value: Any, sign: bool = False, digits: Optional[int] = None) -> str:
        return format_number(value, report.digits if digits is None else digits, language, sign=sign)
    return fmt


def scoring_heads(report: Report, language: str) -> List[str]:
    """The scoring table's columns: number, content, max, self-assessed, each appraisal round,
    points, score, then evidence and reason (these two and the self-assessed column only for an
    assessment)."""
    heads = [label("number", language), label("content", language), label("max", language)]
    if report.has_self:
        heads.append(label("self", language))
    if report.round_count == 1:
        heads.append(label("appraisal", language))
    else:
        heads += [label("round", language, n=k + 1) for k in range(report.round_count)]
    heads += [label("points", language), label("score", language)]
    if report.has_self:
        heads += [label("evidence", language), label("reason", language)]
    return heads


def number_column_count(report: Report) -> int:
    """How many of the scoring table's columns, from the third on, hold numbers (max to score)."""
    return 1 + (1 if report.has_self else 0) + report.round_count + 2


def bounds_text(row: Row, language: str) -> str:
    """What a bonus or penalty line may give, in its max cell: a leaf's points per case and cap
    ("+0,5/lần, tối đa +1", "−0,25/lần, tối thiểu −1"), or a content's "−3 … +2"."""
    rate = "" if row.rate is None else label("per_case", language, per=short_number(row.rate, language, sign=True))
    if row.bounds is None:
        return rate
    low, high = row.bounds
    if low is not None and high is not None:
        bounds = f"{short_number(low, language, sign=True)} … {short_number(high, language, sign=True)}"
    elif high is not None:
        bounds = label("at_most", language, bound=short_number(high, language, sign=True))
    else:
        bounds = label("at_least", language, bound=short_number(low or 0.0, language, sign=True))
    return f"{rate}, {bounds}" if rate else bounds


def adjustment_text(row: Row, language: str) -> str:
    """The name of an adjustment line: why the node's points differ from the sum of its lines."""
    why, bound = row.adjustment or ("print", 0.0)
    if why == "round":
        return label("adjust_round", language, bound=int(bound))
    if why == "print":
        return label("adjust_print", language)
    return label(f"adjust_{why}", language, bound=short_number(bound, language, sign=True))


def scoring_cells(report: Report, row: Row, language: str, number: Number, indent: str = "") -> List[Any]:
    """A scoring-table line: its numbers (points with the report's point decimals, the score with
    the model's), or "n/a" and blanks where the criterion does not apply; the content indented by
    ``indent`` per level below the areas. An adjustment line has no number of its own and no max."""
    points = report.point_digits
    if row.adjustment is not None:
        cells: List[Any] = ["", indent * (row.depth - 1) + adjustment_text(row, language), None]
        if report.has_self:
            cells.append(number(row.self_points, points))
        cells += [number(p, points) for p in row.rounds] + [number(row.points, points), None]
        return cells + (["", ""] if report.has_self else [])
    cells = [row.number, indent * (row.depth - 1) + row.name]
    if row.applicable:
        cells.append(bounds_text(row, language) or None if row.bonus_penalty else number(row.max, points))
        if report.has_self:
            cells.append(number(row.self_points, points))
        cells += [number(p, points) for p in row.rounds] + [number(row.points, points),
                                                             number(row.score, report.digits)]
    else:
        cells.append(label("na_short", language))
        cells += [None] * (number_column_count(report) - 1)
    if report.has_self:
        reason = reason_text(row, language, report.round_count)
        cells += [evidence_text(row, language), reason or ("" if row.applicable else label("not_applicable", language))]
    return cells


def total_cells(report: Report, unit: UnitReport, language: str, number: Number) -> List[Any]:
    """The total line under a scoring table: the maximum, the self-assessed total, the total after
    each round and the achieved total; the score column left for the index line."""
    points = report.point_digits
    cells: List[Any] = ["", label("total", language), number(unit.total_max, points)]
    if report.has_self:
        cells.append(number(unit.total_self, points))
    cells += [number(p, points) for p in unit.total_rounds]
    return cells + [number(unit.total_points, points), None]


def index_lines(report: Report, unit: UnitReport, language: str, number: Number) -> List[List[Any]]:
    """The index line (and the self-assessed index) under the total: its label in the content
    column, the value under the score column."""
    blanks = [None] * (number_column_count(report) - 1)
    lines = [["", label("index_of", language, scale=report.model.scale)] + blanks + [number(unit.index, report.digits)]]
    if unit.self_index is not None:
        lines.append(["", f"{label('index', language)} ({label('self', language).lower()})"] + blanks
                     + [number(unit.self_index, report.digits)])
    return lines


def unit_facts(report: Report, unit: UnitReport, language: str) -> str:
    """The line under a unit's title: its index, rank and band."""
    facts = [f"{label('index', language)}: {format_number(unit.index, report.digits, language)}"]
    if unit.rank is not None:
        facts.append(f"{label('rank', language)}: {unit.rank}")
    if unit.band:
        facts.append(f"{label('band', language)}: {unit.band}")
    return " — ".join(facts)


def ranking_heads(report: Report, language: str) -> List[str]:
    """The columns of the ranking table of every unit (Excel and Word), with the change from the
    previous period when one is given."""
    heads = [label("group", language), label("rank", language), label("unit", language), label("index", language),
             label("band", language)]
    return heads + (change_heads(report, language) if report.has_change else [])


def ranking_cells(report: Report, row: Any, language: str, number: Number,
                  change: Optional[Number] = None) -> List[Any]:
    """A unit's line of the ranking (a row of :attr:`Report.ranking`): its group's label, rank,
    name, index, band, and the previous index and changes — empty where the unit has no previous
    value. ``change`` writes the changes (with their sign; default ``number``)."""
    change = change or number
    rank = whole(row["rank"])
    cells = [group_label(report, row["group"], language), rank, str(row["name"]), number(row["index"], report.digits),
             str(row["band"])]
    if report.has_change:
        rank_change = whole(row["rank_change"])
        cells += [number(row["previous_index"], report.digits), change(row["index_change"], report.digits),
                  None if rank_change is None else change(float(rank_change), 0)]
    return cells


def group_label(report: Report, group: Any, language: str = "vi") -> str:
    """A group as the reader knows it: its name in the model's ``meta.groups`` (a text, or a text
    per language), else as the units file writes it."""
    code = "" if group is None or group != group else str(group)
    name = report.group_names.get(code, code)
    if isinstance(name, dict):
        name = name.get(language) or name.get("vi") or next(iter(name.values()), code)
    return str(name)


def report_title(report: Report, language: str) -> str:
    """The document's title: as given, else the result of the model's index for the period."""
    if report.custom_title:
        return report.custom_title
    name = report.root_name or report.title
    if report.period:
        return label("title", language, name=name, period=report.period)
    return label("title_no_period", language, name=name)


def place_date_line(report: Report, language: str) -> str:
    """"Hà Nội, ngày 15 tháng 01 năm 2026" (dots where the place or date is left to write by hand)."""
    place = report.place or "…………"
    when = report.signed_on
    if language == "vi":
        day, month, year = ((f"{when.day:02d}", f"{when.month:02d}", str(when.year)) if when is not None
                            else ("……", "……", "………"))
        return label("signed_place", language, place=place, day=day, month=month, year=year)
    return label("signed_place", language, place=place,
                 date=when.strftime("%d %B %Y").lstrip("0") if when is not None else "……………")


def signature_block(report: Report, language: str) -> List[List[str]]:
    """The signature block's columns, each a list of lines: who signs, the hint under it."""
    if report.signers:
        return [[role, ""] for role in report.signers]
    return [[label("preparer", language), label("sign_hint", language)],
            [label("head", language), label("seal_hint", language)]]


def chain_text(report: Report, language: str) -> str:
    """"1.234 bản ghi; SHA-256 của bản ghi cuối: 3f2a…" (empty without records): printed once per
    document, so that `chiso verify --expect HASH` can later prove no record was removed."""
    if not report.last_hash:
        return ""
    count = format_number(report.record_count, 0, language)
    return f"{label('records_count', language, count=count)}; {label('last_hash', language)}: {report.last_hash}"


def as_of_text(report: Report, language: str) -> str:
    """"Số liệu đến ngày 15/01/2026" (empty without records)."""
    if report.as_of is None:
        return ""
    return f"{label('as_of', language)}: {report.as_of.strftime('%d/%m/%Y')}"


def change_heads(report: Report, language: str) -> List[str]:
    """The ranking's columns of the change from the previous period (named with it when known)."""
    previous = label("previous", language) + (f" ({report.previous_period})" if report.previous_period else "")
    return [previous, label("change", language), label("rank_change", language)]


def whole(value: Any) -> Optional[int]:
    """A rank or rank change of :attr:`Report.ranking` (NaN where there is none) as an int."""
    return None if value is None or value != value else int(value)
