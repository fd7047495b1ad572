"""What every report shows, read once from an Assessment or a Result: the scoring table of each
unit (the tree with its numbering, max, self-assessed, appraised and achieved points, evidence and
reasons), the ranking by group, and the change from a previous period.

All access to the assessment's records and views is in :func:`assessment_views`; the writers
(excel, word, html) read only the :class:`Report` built here.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import pandas as pd

from ..errors import ParameterError
from ..model import Model
from ..result import Result
from ..assessment import _result_of, result_of
from .i18n import model_digits, round_half_up

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
    bounds: Optional[Tuple[Optional[float], Optional[float]]] = None  # bonus/penalty: (floor, cap) in the max column
    rate: Optional[float] = None     # a bonus (+) or deduction (−) leaf: its points per case
    adjustment: Optional[Tuple[str, float]] = None  # an adjustment line: (why: cap, floor, round, print; the bound)

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
    total_rounds: List[Optional[float]] = field(default_factory=list)  # the total after each round


@dataclass
class Report:
    model: Model
    title: str
    period: str
    digits: int                      # the index's decimals (the model's rounding)
    round_count: int                 # appraisal rounds shown (0 for a Result)
    has_self: bool
    units: List[UnitReport]
    areas: List[Tuple[str, str]]     # (id, name) of the root's children, in table order
    previous_period: str = ""            # the period compared with, when given
    as_of: Optional[datetime.date] = None  # the date of the latest record
    record_count: int = 0                # the assessment's records (0 for a Result)
    last_hash: str = ""                  # the hash chain's head: the last record's hash (see docs/assessment.md)
    point_digits: int = 2                # the points' decimals: the model's, or more where sums need them
    root_name: str = ""                  # the index's name (the model's root)
    custom_title: str = ""               # the document's title when given (else from the index and period)
    issuer: str = ""                     # the issuing body, printed above the title
    place: str = ""                      # where the document is signed
    signed_on: Optional[datetime.date] = None  # the date on the signature line (blank when None)
    signers: List[str] = field(default_factory=list)  # who signs (default: preparer and head)
    group_names: Dict[str, Any] = field(default_factory=dict)  # group code → its name, or {language: name}

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


# Points need at most this many decimals to print exactly; beyond, a rounding line closes the sum.
MAX_POINT_DIGITS = 6


def assessment_views(assessment: Any) -> Dict[str, Any]:
    """Everything a report reads from an assessment, in one place: the final and the self-assessed
    results, the number of appraisal rounds (2 when any unit has a round-2 record, else 1), the
    result as it stood after round 1 (the core evaluates it; with two rounds only), and per unit its
    scoring table (``Assessment.scoring_table``: each stage's points, evidence, explanation and
    reasons, and the missing-evidence flag).

    Returns ``{"final": Result, "self": Result, "round_one": Result | None, "round_count": int,
    "tables": {unit: {column: list}}, "units": DataFrame(name, group), "as_of": date,
    "record_count": int, "last_hash": str}`` (the last record's hash: the head of the chain).
    """
    units = assessment.units
    core = assessment._evaluate_core()
    final = result_of(assessment, core)
    self_view = _result_of(assessment.model, assessment._core.evaluate(self_view=True), units)
    records = assessment.records
    round_count = 2 if (records["stage"] == "appraisal_2").any() else 1
    round_one = (_result_of(assessment.model, assessment._core.evaluate_round_one(core), units)
                 if round_count == 2 else None)
    # The core's scoring-table columns of the same evaluation (no DataFrame per unit: 126 units in ms).
    tables = {unit: assessment._core.scoring_table(core, str(unit)) for unit in units.index}
    latest = max((assessment._core.instant(stamp) for stamp in records["timestamp"]), default=None)
    return {"final": final, "self": self_view, "round_one": round_one, "round_count": round_count,
            "tables": tables, "units": units, "as_of": _local_date(latest, assessment._core.utc_offset_minutes),
            "record_count": len(records), "last_hash": str(records["hash"].iloc[-1] or "") if len(records) else ""}


def _local_date(instant: Optional[int], offset_minutes: int) -> Optional[datetime.date]:
    """The calendar date in the period's time zone of an instant (µs since 1970 UTC)."""
    if instant is None:
        return None
    zone = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    return datetime.datetime.fromtimestamp(instant / 1_000_000, zone).date()


def _numbering(nodes: Dict[str, Dict[str, Any]], order: List[str]) -> Dict[str, str]:
    """Tree numbers 1, 1.1, 1.1.1 by position among siblings (the root unnumbered)."""
    numbers: Dict[str, str] = {}
    counters: Dict[str, int] = {}
    for node in order:
        parent = nodes[node]["parent"]
        if pd.isna(parent):
            continue
        counters[parent] = counters.get(parent, 0) + 1
        prefix = numbers.get(parent, "")
        numbers[node] = f"{prefix}.{counters[parent]}" if prefix else str(counters[parent])
    return numbers


def _is_bonus_penalty(nodes: Dict[str, Dict[str, Any]], node: str) -> bool:
    """A node whose criteria are all bonus or deduction points."""
    prefix = str(nodes[node]["path"]) + "/"
    leaves = [n for n, info in nodes.items() if bool(info["is_leaf"])
              and (n == node or str(info["path"]).startswith(prefix))]
    return bool(leaves) and all(nodes[n]["rule"] in _BONUS_RULES for n in leaves)


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
    digits = model_digits(model)
    point_digits = _point_digits(values, layout, digits)
    units = [_unit_report(unit, read, layout, values, change.get(unit, (None, None, None)), point_digits)
             for unit in result.units]
    document = model.to_dict()
    groups = (document.get("meta") or {}).get("groups") or {}
    return Report(model=model, title=model.name or model.id, period=read.period, digits=digits,
                  round_count=read.round_count, has_self=read.self_result is not None, units=units,
                  areas=layout.area_names,
                  previous_period=getattr(previous, "period", "") if previous is not None else "", as_of=read.as_of,
                  record_count=read.record_count, last_hash=read.last_hash,
                  point_digits=point_digits, group_names={str(k): v for k, v in dict(groups).items()},
                  root_name=str(layout.nodes[layout.root]["name"]) if layout.root in layout.nodes else "",
                  issuer=str((document.get("meta") or {}).get("issuer", "")),
                  place=str((document.get("meta") or {}).get("place", "")))


@dataclass
class _Source:
    """What a report reads of an Assessment or a Result."""
    model: Model
    result: Result
    self_result: Optional[Result]    # the self-assessed points (an Assessment only)
    round_one: Optional[Result]      # the points after round 1 (two rounds only)
    round_count: int
    names: Dict[Any, str]            # unit → name
    groups: Dict[Any, str]           # unit → group
    details: Dict[Any, Dict[str, Dict[str, Any]]]  # unit → criterion → what its row shows (_details)
    period: str
    as_of: Optional[datetime.date]
    record_count: int = 0
    last_hash: str = ""


def _read_source(source: Any) -> _Source:
    from ..assessment import Assessment
    if isinstance(source, Assessment):
        views = assessment_views(source)
        units = views["units"]
        return _Source(model=source.model, result=views["final"], self_result=views["self"],
                       round_one=views["round_one"], round_count=views["round_count"],
                       names=units["name"].to_dict(), groups=units["group"].to_dict(),
                       details={unit: _details(table) for unit, table in views["tables"].items()},
                       period=source.period, as_of=views["as_of"], record_count=views["record_count"],
                       last_hash=views["last_hash"])
    if isinstance(source, Result):
        scores = source.scores
        groups = scores["group"].astype(str).to_dict() if "group" in scores.columns else {u: "" for u in source.units}
        names = getattr(source, "unit_names", None) or {}
        return _Source(model=source.model, result=source, self_result=None, round_one=None, round_count=0,
                       names={u: str(names.get(u, u)) for u in source.units}, groups=groups, details={}, period="",
                       as_of=None)
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
    children: Dict[str, List[str]]     # inner node → its children, in table order
    rules: Dict[str, Dict[str, Any]]   # leaf → its rule as written in the model
    closes: Dict[str, List[str]] = field(default_factory=dict)  # line → the nodes whose adjustments follow it


def _table_layout(model: Model) -> _Layout:
    info = model.nodes()
    nodes = info.to_dict("index")
    order = model.node_ids
    root = order[0]
    areas = [n for n in order if nodes[n]["parent"] == root]
    bonus_areas = [a for a in areas if _is_bonus_penalty(nodes, a)]
    area_order = [a for a in areas if a not in bonus_areas] + bonus_areas

    def subtree(area: str) -> List[str]:
        prefix = str(nodes[area]["path"])
        return [n for n in order if n == area or str(nodes[n]["path"]).startswith(prefix + "/")]

    table_order = [n for a in area_order for n in subtree(a)]
    children: Dict[str, List[str]] = {root: area_order}
    for node in table_order:
        parent = nodes[node]["parent"]
        if parent != root:
            children.setdefault(parent, []).append(node)
    rules: Dict[str, Dict[str, Any]] = {}

    def read_rules(node: Dict[str, Any]) -> None:
        if "rule" in node:
            rules[node["id"]] = node["rule"]
        for child in node.get("children", []):
            read_rules(child)

    read_rules(model.to_dict()["root"])
    layout = _Layout(root=root, nodes=nodes, numbers=_numbering(nodes, order), areas=set(areas),
                     area_names=[(a, str(nodes[a]["name"])) for a in area_order], table_order=table_order,
                     bonus_nodes={n for a in bonus_areas for n in subtree(a)}, children=children, rules=rules)
    layout.closes = {node: _ancestors_closed_by(node, layout) for node in table_order}
    return layout


@dataclass
class _Values:
    """The result's numbers, looked up per unit and node."""
    points: Optional[Table]
    maxima: Optional[Table]
    score: Optional[Table]
    self_points: Optional[Table]
    round_one: Optional[Table]        # points after round 1 (two rounds only)
    scores: pd.DataFrame              # unit → index, rank, band
    self_scores: Optional[pd.DataFrame]
    applicable: Callable[[Any, str], bool]
    score_rows: Dict[Any, Dict[str, Any]] = field(default_factory=dict)  # scores as dicts (.at is slow in loops)
    self_index: Optional[Dict[Any, Any]] = None


def _values(read: _Source, source: Any) -> _Values:
    result, self_result = read.result, read.self_result
    return _Values(points=_table(result.points), maxima=_table(result.max), score=_table(result.score),
                   self_points=_table(self_result.points) if self_result is not None else None,
                   round_one=_table(read.round_one.points) if read.round_one is not None else None,
                   scores=result.scores, self_scores=self_result.scores if self_result is not None else None,
                   applicable=_applicable(source), score_rows=result.scores.to_dict("index"),
                   self_index=self_result.scores["index"].to_dict() if self_result is not None else None)


def _decimals(value: float) -> int:
    """The decimals of a value's decimal reading (15 significant digits, as the core reads them)."""
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return max(0, len(mantissa.split(".")[1]) if "." in mantissa else 0) - int(exponent)
    return len(text.split(".")[1]) if "." in text else 0


def _point_digits(values: _Values, layout: _Layout, digits: int) -> int:
    """The decimals the points are printed with: the model's, or as many more (up to
    MAX_POINT_DIGITS) as the criteria's points need for the lines to add up exactly. The bundled
    models round every criterion (``round``) to the model's decimals, so theirs print with two."""
    leaves = [n for n in layout.table_order if bool(layout.nodes[n]["is_leaf"])]
    needed = digits
    for table in (values.points, values.self_points, values.round_one):
        if table is None:
            continue
        for by_node in table.values():
            for leaf in leaves:
                value = by_node.get(leaf)
                if value is not None and value == value:
                    needed = max(needed, min(MAX_POINT_DIGITS, _decimals(float(value))))
                    if needed == MAX_POINT_DIGITS:
                        return needed
    return needed


def _unit_report(unit: Any, read: _Source, layout: _Layout, values: _Values,
                 change: Tuple[Optional[float], Optional[float], Optional[int]], point_digits: int) -> UnitReport:
    scores, root = values.score_rows[unit], layout.root
    rank = scores["rank"]
    previous_index, index_change, rank_change = change
    details = read.details.get(unit, {})
    rows = {node: _row(unit, node, layout, values, details, read.round_count) for node in layout.table_order}
    root_row = _row(unit, root, layout, values, details, read.round_count)
    lines: List[Row] = []
    for node in layout.table_order:
        lines.append(rows[node])
        # A node whose subtree ends here closes with its adjustment line, deepest first.
        for inner in layout.closes[node]:
            lines += _adjustments(rows[inner], [rows[c] for c in layout.children.get(inner, [])], layout,
                                  point_digits)
    lines += _adjustments(root_row, [rows[a] for a, _ in layout.area_names], layout, point_digits)
    return UnitReport(
        unit=str(unit), name=read.names.get(unit, str(unit)) or str(unit), group=str(read.groups.get(unit, "")),
        index=_float(scores["index"]), rank=None if pd.isna(rank) else int(rank),
        band="" if pd.isna(scores["band"]) else str(scores["band"]),
        rows=lines,
        self_index=None if values.self_index is None else _float(values.self_index[unit]),
        previous_index=previous_index, index_change=index_change, rank_change=rank_change,
        total_max=_value(values.maxima, unit, root), total_points=_value(values.points, unit, root),
        total_self=_value(values.self_points, unit, root), total_rounds=root_row.rounds)


def _ancestors_closed_by(node: str, layout: _Layout) -> List[str]:
    """The inner nodes below the root whose subtree's last line is ``node`` (a criterion): its
    parent when it is the last child, that parent's parent when it is the last child too, and so
    on — deepest first, the order their adjustment lines follow ``node`` in."""
    out: List[str] = []
    if layout.children.get(node):
        return out
    current = node
    while True:
        parent = layout.nodes[current]["parent"]
        if parent == layout.root or layout.children[parent][-1] != current:
            return out
        out.append(parent)
        current = parent


def _scaled(value: Optional[float], digits: int) -> int:
    """``value`` rounded half up to ``digits`` decimals, as an integer count of 10^-digits (0 for
    None). A value already on that grid (every criterion of a model that rounds them) is read
    directly; any other goes through the decimal rounding."""
    if value is None:
        return 0
    scaled = value * 10 ** digits
    nearest = round(scaled)
    if abs(scaled - nearest) < 1e-6:
        return int(nearest)
    return int((round_half_up(value, digits) or Decimal(0)).scaleb(digits))


_CAUSES = ("cap", "floor", "round", "print")


def _adjustments(node: Row, children: List[Row], layout: _Layout, digits: int) -> List[Row]:
    """The lines that make a sum node's printed lines add up to its printed points, where the
    model's rules make them differ: its cap (``points_max``), floor (``points_min``) or own rounding
    (``round``); otherwise the rounding of the printed figures (only where the criteria need more
    than MAX_POINT_DIGITS decimals). One line per cause, its numbers in the columns (self,
    each round, achieved) where that cause acted; none when the lines add up."""
    info = layout.nodes[node.node]
    if str(info.get("aggregate", "sum")) != "sum" or not node.applicable:
        return []
    high, low = _number_or_none(info.get("points_max")), _number_or_none(info.get("points_min"))
    rounds_itself = _number_or_none(info.get("round")) is not None
    live = [c for c in children if c.applicable]

    def column(total: Optional[float], parts: List[Optional[float]]) -> Tuple[Optional[str], Optional[float]]:
        """(cause, difference) of one number column; (None, None) when its lines add up."""
        if total is None:
            return None, None
        delta = _scaled(total, digits) - sum(_scaled(p, digits) for p in parts)
        if delta == 0:
            return None, None
        raw = sum(p or 0.0 for p in parts)
        cause = ("cap" if high is not None and raw > high else "floor" if low is not None and raw < low
                 else "round" if rounds_itself else "print")
        return cause, float(Decimal(delta).scaleb(-digits))

    self_column = column(node.self_points, [c.self_points for c in live])
    round_columns = [column(node.rounds[k], [c.rounds[k] for c in live]) for k in range(len(node.rounds))]
    points_column = column(node.points, [c.points for c in live])
    lines = []
    for cause in _CAUSES:
        def pick(col: Tuple[Optional[str], Optional[float]]) -> Optional[float]:
            return col[1] if col[0] == cause else None
        if cause not in {c for c, _ in [self_column, points_column] + round_columns}:
            continue
        bound = {"cap": high, "floor": low, "round": _number_or_none(info.get("round"))}.get(cause, float(digits))
        lines.append(Row(number="", node=node.node, name="", depth=node.depth + 1, is_leaf=False, is_area=False,
                         bonus_penalty=node.bonus_penalty, max=None, self_points=pick(self_column),
                         rounds=[pick(c) for c in round_columns], points=pick(points_column), score=None,
                         applicable=True, adjustment=(cause, float(bound or 0.0))))
    return lines


def _number_or_none(value: Any) -> Optional[float]:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


def _row(unit: Any, node: str, layout: _Layout, values: _Values, details: Dict[str, Dict[str, Any]],
         round_count: int) -> Row:
    """The line of ``node`` in the unit's scoring table. An inner node applies when it has points
    to give (or is a bonus/deduction content); a bonus/deduction node shows its bounds instead of
    a maximum, and no score."""
    info = layout.nodes[node]
    is_leaf = bool(info["is_leaf"])
    bonus = node in layout.bonus_nodes or (is_leaf and info.get("rule") in _BONUS_RULES)
    node_max = _value(values.maxima, unit, node)
    applies = values.applicable(unit, node) if is_leaf else (node_max or 0) > 0 or bonus
    if not is_leaf and not applies:  # a node with no maximum may still pass on bonus or penalty points
        applies = (_value(values.points, unit, node) or 0.0) != 0.0
    points = _value(values.points, unit, node) if applies else None
    self_points = _value(values.self_points, unit, node) if applies else None
    detail = details.get(node, {}) if is_leaf else {}
    if round_count <= 1:
        rounds = [points] * round_count
    else:
        rounds = [_value(values.round_one, unit, node) if applies else None, points]
    return Row(
        number=layout.numbers.get(node, ""), node=node, name=str(info["name"]), depth=int(info["depth"]),
        is_leaf=is_leaf, is_area=node in layout.areas, bonus_penalty=bonus,
        max=None if bonus else node_max,
        self_points=self_points, rounds=rounds, points=points,
        score=(None if bonus or not applies or not node_max else 100.0 * (_value(values.score, unit, node) or 0.0)),
        applicable=applies,
        evidence=detail.get("evidence", ""), reason=detail.get("reason", ""),
        unit_note=detail.get("unit_note", ""), round_reasons=detail.get("round_reasons", [])[:round_count],
        explanation=detail.get("explanation", ""), missing_evidence=detail.get("missing_evidence", False),
        bounds=_bounds(node, info, layout) if bonus else None, rate=_rate(layout.rules.get(node)),
    )


def _rate(rule: Optional[Dict[str, Any]]) -> Optional[float]:
    """A bonus leaf's points per case, a deduction's (negative); None for other rules."""
    if rule is None or rule.get("kind") not in _BONUS_RULES or _number_or_none(rule.get("per")) is None:
        return None
    per = float(rule["per"])
    return per if rule["kind"] == "bonus" else -per


def _bounds(node: str, info: Dict[str, Any], layout: _Layout) -> Optional[Tuple[Optional[float], Optional[float]]]:
    """What a bonus or penalty line may give, shown in place of a maximum: a bonus leaf's cap, a
    deduction's (negative) cap, a content's floor and cap (``points_min``, ``points_max``)."""
    rule = layout.rules.get(node)
    if rule is not None:
        cap = _number_or_none(rule.get("cap"))
        if cap is None:
            return None
        return (None, cap) if rule.get("kind") == "bonus" else (-cap, None)
    low, high = _number_or_none(info.get("points_min")), _number_or_none(info.get("points_max"))
    return None if low is None and high is None else (low, high)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _details(columns: Dict[str, List[Any]]) -> Dict[str, Dict[str, Any]]:
    """criterion → what its row shows of the unit's scoring table (the columns of
    ``Assessment.scoring_table``)."""
    out: Dict[str, Dict[str, Any]] = {}
    names = list(columns)
    for values in zip(*(columns[n] for n in names)):
        row = dict(zip(names, values))
        evidence: List[str] = []
        for item in list(row["self_evidence"] or []) + list(row["explanation_evidence"] or []):
            if str(item) and str(item) not in evidence:
                evidence.append(str(item))
        round_reasons = [_text(row["round1_reason"]), _text(row["round2_reason"])]
        out[str(row["criterion"])] = {
            "evidence": "; ".join(evidence),
            "reason": round_reasons[1] or round_reasons[0],
            "unit_note": "; ".join(t for t in (_text(row["self_explanation"]), _text(row["self_note"])) if t),
            "round_reasons": round_reasons,
            "explanation": _text(row["explanation"]),
            "missing_evidence": bool(row["missing_evidence"]),
        }
    return out


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
        # A unit without a previous index (or rank) has no change: empty, not 0.
        return {u: (_float(r["index_before"]), _float(r["index_change"]),
                    None if pd.isna(r["rank_change"]) else int(r["rank_change"]))
                for u, r in yoy.iterrows() if _float(r["index_before"]) is not None}
    before = previous.final_results() if isinstance(previous, Assessment) else previous.scores
    out = {}
    for unit in scores.index:
        if unit in before.index:
            b, a = _float(before.at[unit, "index"]), _float(scores.at[unit, "index"])
            rb, ra = before.at[unit, "rank"], scores.at[unit, "rank"]
            out[unit] = (b, None if a is None or b is None else _decimal_change(a, b),
                         None if pd.isna(rb) or pd.isna(ra) else int(rb) - int(ra))
    return out


def _decimal_change(after: float, before: float) -> float:
    """after − before on the decimals the indices are (61.96 − 56 = 5.96, not 5.959999999999994)."""
    return float(Decimal(repr(after)) - Decimal(repr(before)))
