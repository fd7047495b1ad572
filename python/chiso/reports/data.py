"""What every report shows, read once from an Assessment or a Result: the scoring table of each
unit (the tree with its numbering, max, self-assessed, appraised and achieved points, evidence and
reasons), the ranking by group, and the change from a previous period.

All access to the assessment's records and views is in :func:`assessment_views`; the writers
(excel, word, html) read only the :class:`Report` built here.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..model import Model
from ..result import Result

_BONUS_RULES = ("bonus", "deduction")


@dataclass
class Row:
    """One line of a scoring table: an area, an inner node or a criterion."""
    number: str                      # tree numbering: "1", "1.1", "1.1.1"
    node: str
    name: str
    depth: int                       # 1 for areas
    is_leaf: bool
    is_area: bool
    bonus_penalty: bool              # a content of bonus and deduction points (shown last)
    max: Optional[float]             # the unit's (adjusted) maximum; None for bonus/deduction nodes
    self_points: Optional[float]
    rounds: List[Optional[float]]    # points in force after each appraisal round (round 1, round 2)
    points: Optional[float]          # achieved (final) points
    score: Optional[float]           # points / max in percent; None when not applicable
    applicable: bool
    evidence: str = ""               # the self-assessment's evidence, then the explanation's added evidence
    reason: str = ""                 # the council's reason in force (round 2, else round 1)
    unit_note: str = ""              # the unit's note or explanation on its self-score
    round_reasons: List[str] = field(default_factory=list)  # the council's reason by round
    explanation: str = ""            # the unit's explanation answering round 1
    missing_evidence: bool = False   # self-scored without evidence and without an explanation

    @property
    def lost(self) -> Optional[float]:
        """Points lost (max − points) of an applicable criterion with a maximum; None otherwise."""
        if not self.applicable or not self.max or self.points is None or self.max - self.points <= 0:
            return None
        return self.max - self.points


@dataclass
class UnitReport:
    unit: str
    name: str
    group: str
    index: Optional[float]
    rank: Optional[int]
    band: str
    rows: List[Row]
    self_index: Optional[float] = None
    previous_index: Optional[float] = None
    index_change: Optional[float] = None
    rank_change: Optional[int] = None
    total_max: Optional[float] = None
    total_points: Optional[float] = None
    total_self: Optional[float] = None


@dataclass
class Report:
    model: Model
    title: str
    period: str
    digits: int
    round_count: int                 # appraisal rounds shown (0 for a Result)
    has_self: bool
    units: List[UnitReport]
    areas: List[Tuple[str, str]]     # (id, name) of the root's children, in table order
    previous_period: str = ""            # the period compared with, when given
    as_of: Optional[datetime.date] = None  # the date of the latest record

    @property
    def has_change(self) -> bool:
        """Whether any unit has a change from the previous period (the ranking's change columns)."""
        return any(u.index_change is not None for u in self.units)

    @property
    def ranking(self) -> pd.DataFrame:
        """One row per unit, by group then rank: name, group, index, rank, band and the change."""
        frame = pd.DataFrame([{
            "unit": u.unit, "name": u.name, "group": u.group, "index": u.index, "rank": u.rank, "band": u.band,
            "self_index": u.self_index, "previous_index": u.previous_index, "index_change": u.index_change,
            "rank_change": u.rank_change} for u in self.units])
        frame["_rank"] = frame["rank"].fillna(10 ** 9)
        frame = frame.sort_values(["group", "_rank", "name"], kind="stable").drop(columns="_rank")
        return frame.set_index("unit")


def model_digits(model: Model) -> int:
    """The decimals the model rounds its index to (2 when it does not round)."""
    rounding = model.to_dict().get("rounding") or {}
    return int(rounding.get("digits", 2)) if rounding.get("mode", "half_up") != "none" else 2


def _result_of(model: Model, core_result: Any, units: pd.DataFrame) -> Result:
    """An assessment's core result as a :class:`chiso.Result`: the same plan evaluated on the same
    final inputs, mask and groups the assessment used."""
    if model.input_columns != model.leaf_ids:
        raise ParameterError("reports of assessments need one input per criterion",
                             id="report.inputs")
    index = pd.Index(units.index, name="unit")
    inputs = pd.DataFrame(np.asarray(core_result.inputs), index=index, columns=model.leaf_ids)
    applicable = pd.DataFrame(np.asarray(core_result.applicable, dtype=bool), index=index, columns=model.leaf_ids)
    groups = units["group"] if (units["group"] != "").any() else None
    return model.evaluate(inputs, applicable=applicable, groups=groups)


def assessment_views(assessment: Any) -> Dict[str, Any]:
    """Everything a report reads from an assessment, in one place: the final and the self-assessed
    results, the number of appraisal rounds (2 when any unit has a round-2 record, else 1), and per
    unit its scoring table (``Assessment.scoring_table``: each stage's points, evidence,
    explanation and reasons, and the missing-evidence flag).

    Returns ``{"final": Result, "self": Result, "round_count": int, "tables": {unit: DataFrame},
    "units": DataFrame(name, group), "as_of": date}``.
    """
    units = assessment.units
    final = result_of(assessment, assessment._evaluate_core())
    self_view = _result_of(assessment.model, assessment._core.evaluate(self_view=True), units)
    records = assessment.records
    round_count = 2 if (records["stage"] == "appraisal_2").any() else 1
    tables = {unit: assessment.scoring_table(unit) for unit in units.index}
    latest = max(records["timestamp"], key=_parse_stamp) if len(records) else ""
    return {"final": final, "self": self_view, "round_count": round_count, "tables": tables,
            "units": units, "as_of": _local_date(latest)}


def _local_date(stamp: str) -> Optional[datetime.date]:
    """The calendar date of an ISO 8601 timestamp, as written (its own offset)."""
    try:
        return datetime.date.fromisoformat(stamp[:10])
    except ValueError:
        return None


def _parse_stamp(text: str) -> Any:
    from .. import _core
    try:
        return _core.assessment.parse_timestamp(text)
    except Exception:  # noqa: BLE001 - an unparseable stamp sorts first, as entered
        return -1


def _numbering(info: pd.DataFrame, order: List[str]) -> Dict[str, str]:
    """Tree numbers 1, 1.1, 1.1.1 by position among siblings (the root unnumbered)."""
    numbers: Dict[str, str] = {}
    counters: Dict[str, int] = {}
    for node in order:
        parent = info.at[node, "parent"]
        if pd.isna(parent):
            continue
        counters[parent] = counters.get(parent, 0) + 1
        prefix = numbers.get(parent, "")
        numbers[node] = f"{prefix}.{counters[parent]}" if prefix else str(counters[parent])
    return numbers


def _is_bonus_penalty(info: pd.DataFrame, node: str) -> bool:
    """A node whose criteria are all bonus or deduction points."""
    prefix = str(info.at[node, "path"]) + "/"
    leaves = [n for n in info.index if bool(info.at[n, "is_leaf"])
              and (n == node or str(info.at[n, "path"]).startswith(prefix))]
    return bool(leaves) and all(info.at[n, "rule"] in _BONUS_RULES for n in leaves)


Table = Dict[Any, Dict[str, float]]  # unit → node → value (dict lookups: .at is slow in loops)


def _table(frame: Optional[pd.DataFrame]) -> Optional[Table]:
    return None if frame is None else frame.to_dict("index")


def _value(table: Optional[Table], unit: Any, node: str) -> Optional[float]:
    if table is None:
        return None
    value = table[unit].get(node)
    return None if value is None or value != value else float(value)


def build(source: Any, previous: Any = None) -> Report:
    """The report of ``source`` (an Assessment or a Result), compared with ``previous`` (the same
    kind, an earlier period) when given."""
    read = _read_source(source)
    model, result = read.model, read.result
    if "is_leaf" in model.nodes().columns and not set(model.node_ids) <= set(result.node_ids):
        raise ParameterError("the result must keep every node: evaluate with keep='all'",
                             id="report.keep")
    layout = _table_layout(model)
    values = _values(read, source)
    change = _changes(source, previous, values.scores)
    units = [_unit_report(unit, read, layout, values, change.get(unit, (None, None, None))) for unit in result.units]
    return Report(model=model, title=model.name or model.id, period=read.period, digits=model_digits(model),
                  round_count=read.round_count, has_self=read.self_result is not None, units=units,
                  areas=layout.area_names,
                  previous_period=getattr(previous, "period", "") if previous is not None else "", as_of=read.as_of)


@dataclass
class _Source:
    """What a report reads of an Assessment or a Result."""
    model: Model
    result: Result
    self_result: Optional[Result]    # the self-assessed points (an Assessment only)
    round_count: int
    names: Dict[Any, str]            # unit → name
    groups: Dict[Any, str]           # unit → group
    details: Dict[Any, Dict[str, Dict[str, Any]]]  # unit → criterion → what its row shows (_details)
    period: str
    as_of: Optional[datetime.date]


def _read_source(source: Any) -> _Source:
    from ..assessment import Assessment
    if isinstance(source, Assessment):
        views = assessment_views(source)
        units = views["units"]
        return _Source(model=source.model, result=views["final"], self_result=views["self"],
                       round_count=views["round_count"], names=units["name"].to_dict(), groups=units["group"].to_dict(),
                       details={unit: _details(table) for unit, table in views["tables"].items()},
                       period=source.period, as_of=views["as_of"])
    if isinstance(source, Result):
        scores = source.scores
        groups = scores["group"].astype(str).to_dict() if "group" in scores.columns else {u: "" for u in source.units}
        return _Source(model=source.model, result=source, self_result=None, round_count=0,
                       names={u: str(u) for u in source.units}, groups=groups, details={}, period="", as_of=None)
    raise ParameterError(f"a report is made of a chiso.Assessment or a chiso.Result, "
                         f"got {type(source).__name__}", id="report.source")


@dataclass
class _Layout:
    """The scoring table's lines, the same for every unit: the areas in the tree's order with the
    bonus and deduction areas last, each followed by its subtree."""
    root: str
    nodes: Dict[str, Dict[str, Any]]  # node → its row of Model.nodes()
    numbers: Dict[str, str]           # node → "1.2.3"
    areas: Set[str]
    area_names: List[Tuple[str, str]]  # (id, name) in table order
    table_order: List[str]
    bonus_nodes: Set[str]


def _table_layout(model: Model) -> _Layout:
    info = model.nodes()
    order = model.node_ids
    root = order[0]
    areas = [n for n in order if info.at[n, "parent"] == root]
    bonus_areas = [a for a in areas if _is_bonus_penalty(info, a)]
    area_order = [a for a in areas if a not in bonus_areas] + bonus_areas

    def subtree(area: str) -> List[str]:
        prefix = str(info.at[area, "path"])
        return [n for n in order if n == area or str(info.at[n, "path"]).startswith(prefix + "/")]

    return _Layout(root=root, nodes=info.to_dict("index"), numbers=_numbering(info, order), areas=set(areas),
                   area_names=[(a, str(info.at[a, "name"])) for a in area_order],
                   table_order=[n for a in area_order for n in subtree(a)],
                   bonus_nodes={n for a in bonus_areas for n in subtree(a)})


@dataclass
class _Values:
    """The result's numbers, looked up per unit and node."""
    points: Optional[Table]
    maxima: Optional[Table]
    score: Optional[Table]
    self_points: Optional[Table]
    scores: pd.DataFrame              # unit → index, rank, band
    self_scores: Optional[pd.DataFrame]
    applicable: Callable[[Any, str], bool]


def _values(read: _Source, source: Any) -> _Values:
    result, self_result = read.result, read.self_result
    return _Values(points=_table(result.points), maxima=_table(result.max), score=_table(result.score),
                   self_points=_table(self_result.points) if self_result is not None else None,
                   scores=result.scores, self_scores=self_result.scores if self_result is not None else None,
                   applicable=_applicable(source))


def _unit_report(unit: Any, read: _Source, layout: _Layout, values: _Values,
                 change: Tuple[Optional[float], Optional[float], Optional[int]]) -> UnitReport:
    scores, root = values.scores, layout.root
    rank = scores.at[unit, "rank"]
    previous_index, index_change, rank_change = change
    details = read.details.get(unit, {})
    return UnitReport(
        unit=str(unit), name=read.names.get(unit, str(unit)) or str(unit), group=str(read.groups.get(unit, "")),
        index=_float(scores.at[unit, "index"]), rank=None if pd.isna(rank) else int(rank),
        band="" if pd.isna(scores.at[unit, "band"]) else str(scores.at[unit, "band"]),
        rows=[_row(unit, node, layout, values, details, read.round_count) for node in layout.table_order],
        self_index=None if values.self_scores is None else _float(values.self_scores.at[unit, "index"]),
        previous_index=previous_index, index_change=index_change, rank_change=rank_change,
        total_max=_value(values.maxima, unit, root), total_points=_value(values.points, unit, root),
        total_self=_value(values.self_points, unit, root))


def _row(unit: Any, node: str, layout: _Layout, values: _Values, details: Dict[str, Dict[str, Any]],
         round_count: int) -> Row:
    """The line of ``node`` in the unit's scoring table. An inner node applies when it has points
    to give (or is a bonus/deduction content); a bonus/deduction node shows no max and no score."""
    info = layout.nodes[node]
    is_leaf = bool(info["is_leaf"])
    bonus = node in layout.bonus_nodes
    node_max = _value(values.maxima, unit, node)
    applies = values.applicable(unit, node) if is_leaf else (node_max or 0) > 0 or bonus
    points = _value(values.points, unit, node) if applies else None
    self_points = _value(values.self_points, unit, node) if applies else None
    detail = details.get(node, {}) if is_leaf else {}
    return Row(
        number=layout.numbers[node], node=node, name=str(info["name"]), depth=int(info["depth"]),
        is_leaf=is_leaf, is_area=node in layout.areas, bonus_penalty=bonus,
        max=None if bonus else node_max,
        self_points=self_points,
        rounds=_round_points(round_count, detail, self_points, points) if applies else [None] * round_count,
        points=points,
        score=(None if bonus or not applies or not node_max else 100.0 * (_value(values.score, unit, node) or 0.0)),
        applicable=applies,
        evidence=detail.get("evidence", ""), reason=detail.get("reason", ""),
        unit_note=detail.get("unit_note", ""), round_reasons=detail.get("round_reasons", [])[:round_count],
        explanation=detail.get("explanation", ""), missing_evidence=detail.get("missing_evidence", False),
    )


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _details(table: pd.DataFrame) -> Dict[str, Dict[str, Any]]:
    """criterion → what its row shows of the unit's scoring table (``Assessment.scoring_table``)."""
    out: Dict[str, Dict[str, Any]] = {}
    for criterion, row in table.to_dict("index").items():
        evidence: List[str] = []
        for item in list(row["self_evidence"] or []) + list(row["explanation_evidence"] or []):
            if str(item) and str(item) not in evidence:
                evidence.append(str(item))
        round_reasons = [_text(row["round1_reason"]), _text(row["round2_reason"])]
        out[str(criterion)] = {
            "evidence": "; ".join(evidence),
            "reason": round_reasons[1] or round_reasons[0],
            "unit_note": "; ".join(t for t in (_text(row["self_explanation"]), _text(row["self_note"])) if t),
            "round_reasons": round_reasons,
            "explanation": _text(row["explanation"]),
            "missing_evidence": bool(row["missing_evidence"]),
            "round1_points": _float(row["round1_points"]),
            "has_round2": _float(row["round2_points"]) is not None or bool(_text(row["round2_timestamp"])),
        }
    return out


def _round_points(round_count: int, detail: Dict[str, Any], self_points: Optional[float],
                  points: Optional[float]) -> List[Optional[float]]:
    """The points in force after each round. The last round shows the achieved points (of every
    node). With two rounds, a criterion's round-1 column shows its round-1 points, else what stood
    before round 2 (the self-score where round 2 changed it, else the achieved points); an inner
    node's round-1 total is not evaluated, so it is left empty."""
    if round_count <= 1:
        return [points] * round_count
    if not detail:
        return [None, points]
    if detail["round1_points"] is not None:
        first = detail["round1_points"]
    else:
        first = self_points if detail["has_round2"] else points
    return [first, points]


def reason_text(row: Row, language: str, round_count: int) -> str:
    """The "explanation / reason" cell: the unit's note on its self-score, the council's reason of
    each round and the unit's explanation between them, one per line, each named."""
    from .i18n import label
    parts = [row.unit_note] if row.unit_note else []
    for k, reason in enumerate(row.round_reasons):
        if reason:
            name = label("appraisal", language) if round_count == 1 else label("round", language, n=k + 1)
            parts.append(f"{name}: {reason}")
        if k == 0 and row.explanation:
            parts.append(f"{label('explanation', language)}: {row.explanation}")
    if row.explanation and not row.round_reasons:
        parts.append(f"{label('explanation', language)}: {row.explanation}")
    return "\n".join(parts)


def evidence_text(row: Row, language: str) -> str:
    """The "evidence" cell: the references, or the flag of a criterion self-scored without any."""
    from .i18n import label
    if row.missing_evidence and not row.evidence:
        return label("missing_evidence", language)
    return row.evidence


def _float(value: Any) -> Optional[float]:
    return None if value is None or pd.isna(value) else float(value)


def _applicable(source: Any):
    """unit, criterion → whether the criterion applies to the unit."""
    from ..assessment import Assessment
    if isinstance(source, Assessment):
        mask = source.applicable().to_dict("index")
        return lambda unit, node: bool(mask[unit][node])
    maxima, points = source.max.to_dict("index"), source.points.to_dict("index")
    return lambda unit, node: bool(maxima[unit][node] > 0) or bool(points[unit][node] != 0)


def _changes(source: Any, previous: Any, scores: pd.DataFrame) -> Dict[Any, Tuple[Optional[float], Optional[float], Optional[int]]]:
    """unit → (previous index, index change, rank change) for units of both periods."""
    if previous is None:
        return {}
    from ..assessment import Assessment
    if isinstance(source, Assessment) and isinstance(previous, Assessment):
        yoy = source.year_over_year(previous).units.set_index("unit")
        return {u: (_float(r["index_before"]), _float(r["index_change"]),
                    None if pd.isna(r["rank_change"]) else int(r["rank_change"])) for u, r in yoy.iterrows()}
    before = previous.final_results() if isinstance(previous, Assessment) else previous.scores
    out = {}
    for unit in scores.index:
        if unit in before.index:
            b, a = _float(before.at[unit, "index"]), _float(scores.at[unit, "index"])
            rb, ra = before.at[unit, "rank"], scores.at[unit, "rank"]
            out[unit] = (b, None if a is None or b is None else a - b,
                         None if pd.isna(rb) or pd.isna(ra) else int(rb) - int(ra))
    return out


def result_of(assessment: Any, core_result: Any) -> Result:
    """``Assessment.evaluate()``: the core result as a :class:`chiso.Result` that also knows the
    units' names (for plots and reports)."""
    units = assessment.units
    result = _result_of(assessment.model, core_result, units)
    setattr(result, "unit_names", units["name"].to_dict())
    return result
