"""The layout the writers (excel, word, html) share: the columns of the scoring table and of the
ranking, a scoring-table line and its total line as cell values, a unit's headline facts. Each
writer turns these values into its own cells; ``number`` is how it writes a number (rounded for
Excel, formatted text for Word and HTML), and a blank cell is None."""
from __future__ import annotations

from typing import Any, Callable, List, Optional

from .data import Report, Row, UnitReport, evidence_text, reason_text
from .i18n import format_number, label

Number = Callable[[Optional[float]], Any]  # a number as the writer's cell value
Format = Callable[..., str]  # fmt(value, sign=False): a number as text, as the report writes it


def number_text(report: Report, language: str) -> Format:
    """How Word and HTML write a number: the model's decimals, half up, in the language's way."""
    def fmt(value: Any, sign: bool = False) -> str:
        return format_number(value, report.digits, language, sign=sign)
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


def scoring_cells(report: Report, row: Row, language: str, number: Number, indent: str = "") -> List[Any]:
    """A scoring-table line: its numbers, or "n/a" and blanks where the criterion does not apply;
    the content indented by ``indent`` per level below the areas."""
    cells: List[Any] = [row.number, indent * (row.depth - 1) + row.name]
    if row.applicable:
        cells.append(number(row.max))
        if report.has_self:
            cells.append(number(row.self_points))
        cells += [number(p) for p in row.rounds] + [number(row.points), number(row.score)]
    else:
        cells.append(label("na_short", language))
        cells += [None] * (number_column_count(report) - 1)
    if report.has_self:
        reason = reason_text(row, language, report.round_count)
        cells += [evidence_text(row, language), reason or ("" if row.applicable else label("not_applicable", language))]
    return cells


def total_cells(report: Report, unit: UnitReport, language: str, number: Number, score: Any = None) -> List[Any]:
    """The total line under a scoring table, up to the score column (``score`` written there): the
    maximum, the self-assessed total, the achieved total under the last round and under points."""
    cells: List[Any] = [label("total", language), "", number(unit.total_max)]
    if report.has_self:
        cells.append(number(unit.total_self))
    cells += [None] * (report.round_count - 1) + [number(unit.total_points)] * min(1, report.round_count)
    return cells + [number(unit.total_points), score]


def unit_facts(report: Report, unit: UnitReport, language: str) -> str:
    """The line under a unit's title: its index, rank and band."""
    facts = [f"{label('index', language)}: {format_number(unit.index, report.digits, language)}"]
    if unit.rank is not None:
        facts.append(f"{label('rank', language)}: {unit.rank}")
    if unit.band:
        facts.append(f"{label('band', language)}: {unit.band}")
    return " — ".join(facts)


def ranking_heads(language: str) -> List[str]:
    """The columns of the ranking table of every unit (Excel and Word)."""
    return [label("group", language), label("rank", language), label("unit", language), label("index", language),
            label("band", language)]


def change_heads(report: Report, language: str) -> List[str]:
    """The ranking's columns of the change from the previous period (named with it when known)."""
    previous = label("previous", language) + (f" ({report.previous_period})" if report.previous_period else "")
    return [previous, label("change", language), label("rank_change", language)]


def whole(value: Any) -> Optional[int]:
    """A rank or rank change of :attr:`Report.ranking` (NaN where there is none) as an int."""
    return None if value is None or value != value else int(value)
