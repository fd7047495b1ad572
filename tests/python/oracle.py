"""An independent evaluator of chiso models, for the differential tests.

Written from the model-file contract (FORMAT.md with its "Clarifications (chiso 0.3)", and
docs/format.md for rounding on the decimal value), not from chiso's C++: plain Python in exact
``fractions.Fraction`` arithmetic. A model is the parsed JSON document (a dict); inputs are exact
numbers (``Fraction``), ``None`` for a missing value, or ``float('inf')``/``float('-inf')``; rows,
masks and groups are keyed by column name and unit (FORMAT.md 0.3: aligned by name).

FORMAT.md 0.3, as read here: decimal arithmetic (formula results, comparisons, the range check of
points and every `round` act on exact values: 0.33 + 0.56 + 0.11 is 1, 0.1 + 0.2 == 0.3 is true,
round(1.005 − 1, 2) is 0.01); `and`, `or`, `ratio` and `if` evaluate only the operand they need; a
`sum` node to which nothing applies is not applicable and its `points_min`/`points_max` do not
apply, while one to which only adjustments (bonus/deduction leaves, or contents of them) apply
passes their points; children weighing 0 do not enter a mean, geometric or harmonic mean (a
zero-weight child scoring 0 is no error; they still count in the node's max, as every applicable
child does).

Where the contract leaves the outcome open, or where floating point legitimately decides it (a
value within 1e-12 of a rounding tie without being one, a geometric mean that is irrational next to
a tie), the unit is marked ``uncertain`` and the tests do not compare its rounded figures; a case
the contract does not settle at all raises :class:`Ambiguous`.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

ADJUSTMENTS = ("deduction", "bonus")
MEANS = ("mean", "geomean", "harmonic", "min", "max")


class OracleError(Exception):
    """The evaluation fails for a unit: ``kind`` is the expected chiso error id."""

    def __init__(self, kind: str, unit: Any, node: str, why: str) -> None:
        super().__init__(f"{kind}: unit {unit!r}, criterion {node!r}: {why}")
        self.kind, self.unit, self.node = kind, unit, node


class Ambiguous(Exception):
    """The contract does not settle this case (the test skips it)."""


@functools.lru_cache(maxsize=1 << 16)
def exact(text: Any) -> Fraction:
    """A JSON number as written (decimal), exactly."""
    return Fraction(str(text)) if not isinstance(text, Fraction) else text


@dataclass
class Unit:
    """What the oracle works out for one unit."""

    nodes: Dict[str, Tuple[Fraction, Fraction, Optional[Fraction]]] = field(default_factory=dict)
    raw_index: Optional[Fraction] = None
    index: Optional[Fraction] = None
    rank: int = 0
    band: int = -1
    inexact: bool = False    # an irrational value (geometric mean) was approximated
    uncertain: bool = False  # a rounding that floating point may legitimately decide otherwise


# Rounding on the decimal value -------------------------------------------------------------------
SIGNIFICANT = 15          # chiso reads a computed number to 15 significant digits, then rounds it
EXACT_NOISE = Fraction(1, 2**51)   # relative error of a double computed in a few operations
INEXACT_NOISE = Fraction(1, 10**13)  # the same through exp and log (geometric means)


def _round_at(x: Fraction, quantum: Fraction, mode: str) -> Fraction:
    """x rounded to a multiple of quantum: halves away from zero (half_up) or to even."""
    scaled = x / quantum
    low = math.floor(scaled)
    rest = scaled - low
    if rest == Fraction(1, 2):
        up = x > 0 if mode == "half_up" else low % 2 == 1
    else:
        up = rest > Fraction(1, 2)
    return (low + 1 if up else low) * quantum


def _significant(x: Fraction, digits: int) -> Fraction:
    """The decimal value chiso rounds: x to 15 significant digits (what a spreadsheet shows), or,
    where `digits` reaches beyond the 15th significant digit, the shortest decimal that reads
    back as the same double."""
    if x == 0:
        return x
    exponent = len(str(abs(x.numerator))) - len(str(x.denominator))  # within one of log10 |x|
    while Fraction(10) ** exponent > abs(x):
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= abs(x):
        exponent += 1
    if exponent + 1 + digits > SIGNIFICANT:
        return Fraction(repr(float(x)))
    return _round_at(x, Fraction(10) ** (exponent + 1 - SIGNIFICANT), "half_even")


def round_decimal(x: Fraction, digits: int, mode: str, unit: Unit) -> Fraction:
    """x rounded exactly to `digits` decimals, half up (halves away from zero) or half even; `none`
    keeps x. When the double chiso computes, a few units in the last place off x, may round
    otherwise even after recovering its decimal value (see _significant), the unit is marked
    uncertain."""
    if mode == "none":
        return x
    quantum = Fraction(1, 10**digits)
    # FORMAT.md 0.3: the exact value is rounded (24000/13 to 10 decimals is 1846.1538461538, not
    # the 1846.1538461539 of its 15 significant digits rounded again).
    result = _round_at(x, quantum, mode)
    recovered = _round_at(_significant(x, digits), quantum, mode)
    noise = abs(x) * (INEXACT_NOISE if unit.inexact else EXACT_NOISE)
    if _round_at(_significant(x - noise, digits), quantum, mode) != recovered or \
            _round_at(_significant(x + noise, digits), quantum, mode) != recovered:
        unit.uncertain = True
    return result


# Exact roots, for geometric means -----------------------------------------------------------------
def _integer_root(a: int, n: int) -> Optional[int]:
    """The whole n-th root of a ≥ 0, or None when there is none."""
    if a < 2:
        return a
    r = int(round(a ** (1.0 / n))) if a.bit_length() < 1000 else 1 << (a.bit_length() // n)
    # Newton's method from above.
    r = max(r, 1) + 1
    while True:
        s = ((n - 1) * r + a // r ** (n - 1)) // n
        if s >= r:
            break
        r = s
    for candidate in (r - 1, r, r + 1):
        if candidate >= 0 and candidate**n == a:
            return candidate
    return None


def geometric_mean(scores: Sequence[Fraction], weights: Sequence[Fraction], unit: Unit) -> Fraction:
    """Π sᵢ^(wᵢ/Σw): exact when the root is rational, else to 40 significant digits."""
    denominator = 1
    for w in weights:
        denominator = denominator * w.denominator // math.gcd(denominator, w.denominator)
    whole = [int(w * denominator) for w in weights]
    n = sum(whole)
    product = Fraction(1)
    for s, w in zip(scores, whole):
        product *= s**w
    top, bottom = _integer_root(product.numerator, n), _integer_root(product.denominator, n)
    if top is not None and bottom is not None:
        return Fraction(top, bottom)
    unit.inexact = True
    with localcontext() as context:
        context.prec = 50
        total = sum(Decimal(w) * (Decimal(s.numerator).ln() - Decimal(s.denominator).ln())
                    for s, w in zip(scores, whole))
        return Fraction((total / Decimal(n)).exp())


# The formula language ----------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)"
                    r"|(<=|>=|==|!=|[-+*/(),<>]))")


def parse_formula(text: str) -> Any:
    """The expression as a tree of tuples: ("num", v), ("name", n), (op, a, b), ("neg", a),
    ("not", a), ("call", name, [args])."""
    tokens: List[Tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise ValueError(f"cannot read {text[position:]!r}")
        number, name, symbol = match.groups()
        if number is not None:
            tokens.append(("num", number))
        elif name is not None:
            tokens.append(("kw", name) if name in ("and", "or", "not") else ("name", name))
        else:
            tokens.append(("sym", symbol))
        position = match.end()
    tokens.append(("end", ""))
    at = [0]

    def peek() -> Tuple[str, str]:
        return tokens[at[0]]

    def take() -> Tuple[str, str]:
        at[0] += 1
        return tokens[at[0] - 1]

    def expect(symbol: str) -> None:
        if take() != ("sym", symbol):
            raise ValueError(f"expected {symbol!r}")

    def disjunction() -> Any:
        left = conjunction()
        while peek() == ("kw", "or"):
            take()
            left = ("or", left, conjunction())
        return left

    def conjunction() -> Any:
        left = negation()
        while peek() == ("kw", "and"):
            take()
            left = ("and", left, negation())
        return left

    def negation() -> Any:
        if peek() == ("kw", "not"):
            take()
            return ("not", negation())
        return comparison()

    def comparison() -> Any:
        left = additive()
        if peek()[0] == "sym" and peek()[1] in ("<", "<=", ">", ">=", "==", "!="):
            return (take()[1], left, additive())
        return left

    def additive() -> Any:
        left = multiplicative()
        while peek()[0] == "sym" and peek()[1] in "+-":
            left = (take()[1], left, multiplicative())
        return left

    def multiplicative() -> Any:
        left = unary()
        while peek()[0] == "sym" and peek()[1] in "*/":
            left = (take()[1], left, unary())
        return left

    def unary() -> Any:
        if peek() == ("sym", "-"):
            take()
            return ("neg", unary())
        return primary()

    def primary() -> Any:
        kind, value = take()
        if kind == "num":
            return ("num", Fraction(value))
        if kind == "sym" and value == "(":
            inner = disjunction()
            expect(")")
            return inner
        if kind == "name":
            if peek() == ("sym", "("):
                take()
                args = [disjunction()]
                while peek() == ("sym", ","):
                    take()
                    args.append(disjunction())
                expect(")")
                return ("call", value, args)
            return ("name", value)
        raise ValueError(f"unexpected {value!r}")

    tree = disjunction()
    if peek()[0] != "end":
        raise ValueError("text after the expression")
    return tree


class _DivisionByZero(Exception):
    pass


def eval_formula(tree: Any, env: Mapping[str, Fraction], unit: Unit) -> Fraction:
    def ev(t: Any) -> Fraction:
        op = t[0]
        if op == "num":
            return t[1]
        if op == "name":
            return env[t[1]]
        if op == "neg":
            return -ev(t[1])
        if op == "not":
            return Fraction(int(ev(t[1]) == 0))
        if op == "and":
            return Fraction(int(ev(t[1]) != 0 and ev(t[2]) != 0))
        if op == "or":
            return Fraction(int(ev(t[1]) != 0 or ev(t[2]) != 0))
        if op == "call":
            name, args = t[1], t[2]
            if name == "if":
                return ev(args[1]) if ev(args[0]) != 0 else ev(args[2])
            if name == "ratio":
                d = ev(args[1])
                return ev(args[2]) if d == 0 else ev(args[0]) / d
            if name == "round":
                return round_decimal(ev(args[0]), int(args[1][1]), "half_up", unit)
            values = [ev(a) for a in args]
            if name == "min":
                return min(values)
            if name == "max":
                return max(values)
            if name == "clamp":
                return min(max(values[0], values[1]), values[2])
            if name == "abs":
                return abs(values[0])
            raise ValueError(f"unknown function {name}")
        a, b = ev(t[1]), ev(t[2])
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise _DivisionByZero()
            return a / b
        return Fraction(int({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]))

    return ev(tree)


# Leaves --------------------------------------------------------------------------------------------
def _range_error(unit_id: Any, node: Mapping[str, Any], why: str) -> OracleError:
    return OracleError("data.range", unit_id, node["id"], why)


def leaf_points(node: Mapping[str, Any], values: Sequence[Any], unit_id: Any, unit: Unit) -> Fraction:
    """The points of an applicable leaf from its (finite) inputs."""
    rule = node["rule"]
    kind = rule["kind"]
    top = exact(node["max"]) if "max" in node else None
    x = values[0]
    if kind == "points":
        if not 0 <= x <= top:
            raise _range_error(unit_id, node, "points outside [0, max]")
        if "step" in rule and (x / exact(rule["step"])).denominator != 1:
            raise _range_error(unit_id, node, "not a multiple of step")
        if "values" in rule and x not in [exact(v) for v in rule["values"]]:
            raise _range_error(unit_id, node, "not one of values")
        return x
    if kind == "yes_no":
        if x not in (0, 1):
            raise _range_error(unit_id, node, "yes/no takes 1 or 0")
        return top if x == 1 else Fraction(0)
    if kind in ("tiers", "proportional"):
        high = Fraction(100) if rule.get("unit", "fraction") == "percent" else Fraction(1)
        lower_better = rule.get("direction", "higher_is_better") == "lower_is_better"
        if kind == "tiers":
            if not 0 <= x <= high:
                raise _range_error(unit_id, node, "rate outside its range")
            for tier in rule["tiers"]:
                bound = exact(tier["max"] if lower_better else tier["min"])
                strict = tier.get("exclusive", False)
                if lower_better:
                    hit = x < bound if strict else x <= bound
                else:
                    hit = x > bound if strict else x >= bound
                if hit:
                    return exact(tier["points"])
            return Fraction(0)
        if not 0 <= x <= high:
            if not rule.get("clamp", False):
                raise _range_error(unit_id, node, "rate outside its range")
            x = min(max(x, Fraction(0)), high)
        rate = x / high
        return top * (1 - rate if lower_better else rate)
    if kind == "linear":
        lower, upper = exact(rule["lower"]), exact(rule["upper"])
        if rule.get("direction", "higher_is_better") == "lower_is_better":
            t = (upper - x) / (upper - lower)
        else:
            t = (x - lower) / (upper - lower)
        return top * min(max(t, Fraction(0)), Fraction(1))
    if kind in ADJUSTMENTS:
        if x < 0 or x.denominator != 1:
            raise _range_error(unit_id, node, "a count is a whole number ≥ 0")
        amount = min(exact(rule["per"]) * x, exact(rule["cap"]))
        return amount if kind == "bonus" else -amount
    if kind == "formula":
        names = node.get("inputs") or ["x"]
        try:
            points = eval_formula(parse_formula(rule["expr"]), dict(zip(names, values)), unit)
        except _DivisionByZero:
            raise _range_error(unit_id, node, "division by zero") from None
        if not 0 <= points <= top:
            if not rule.get("clamp", False):
                raise _range_error(unit_id, node, "points outside [0, max]")
            points = min(max(points, Fraction(0)), top)
        return points
    raise ValueError(f"unknown rule kind {kind}")


def leaf_columns(node: Mapping[str, Any]) -> List[str]:
    """A leaf's input columns: ``<id>.<input>`` for each named input, else ``<id>``."""
    names = node.get("inputs")
    return [f"{node['id']}.{n}" for n in names] if names else [node["id"]]


def input_columns(model: Mapping[str, Any]) -> List[str]:
    columns: List[str] = []
    for node in walk(model["root"]):
        if "rule" in node:
            columns.extend(leaf_columns(node))
    return columns


def walk(node: Mapping[str, Any]):
    """Every node, a parent before its children (file order)."""
    yield node
    for child in node.get("children", ()):
        yield from walk(child)


# The tree ----------------------------------------------------------------------------------------
def leaf_result(node: Mapping[str, Any], inputs: Mapping[str, Any], applies: Mapping[str, bool], missing: str,
                unit_id: Any, unit: Unit) -> Tuple[Fraction, Fraction]:
    """(points, max) of a leaf for one unit, before its own `round`."""
    kind = node["rule"]["kind"]
    full = Fraction(0) if kind in ADJUSTMENTS else exact(node["max"])
    if not applies.get(node["id"], True):
        return Fraction(0), Fraction(0)
    values = [inputs[c] for c in leaf_columns(node)]
    if any(isinstance(v, float) for v in values):  # ±infinity
        if any(v is None for v in values):
            raise Ambiguous("one input of a leaf missing, another infinite: a missing input or a range error")
        raise OracleError("data.range", unit_id, node["id"], "infinity is not a number")
    if any(v is None for v in values):
        if missing == "error":
            raise OracleError("data.missing", unit_id, node["id"], "missing input")
        if missing == "exclude":
            return Fraction(0), Fraction(0)
        return Fraction(0), full
    return leaf_points(node, values, unit_id, unit), full


def leaf_errors(model: Mapping[str, Any], inputs: Mapping[str, Any], applies: Mapping[str, bool],
                unit_id: Any) -> List[OracleError]:
    """Every leaf of one unit that fails on its own (chiso may report any of them first)."""
    errors = []
    for node in walk(model["root"]):
        if "rule" in node:
            try:
                leaf_result(node, inputs, applies, model.get("missing", "error"), unit_id, Unit())
            except OracleError as error:
                errors.append(error)
    return errors


def evaluate_unit(model: Mapping[str, Any], inputs: Mapping[str, Any], applies: Mapping[str, bool],
                  unit_id: Any) -> Unit:
    """Points, max and score of every node, and the index, of one unit (rank and band later)."""
    unit = Unit()
    missing = model.get("missing", "error")

    def finish(node: Mapping[str, Any], points: Fraction, top: Fraction, applies_here: bool
               ) -> Tuple[Fraction, Fraction, bool]:
        if "round" in node:
            points = round_decimal(points, int(node["round"]), "half_up", unit)
        score = points / top if top > 0 else None
        unit.nodes[node["id"]] = (points, top, score)
        return points, top, applies_here

    def visit(node: Mapping[str, Any]) -> Tuple[Fraction, Fraction, bool]:
        """(points, max, whether anything under the node applies to the unit)."""
        if "rule" in node:
            points, top = leaf_result(node, inputs, applies, missing, unit_id, unit)
            excluded = missing == "exclude" and any(inputs[c] is None for c in leaf_columns(node))
            present = applies.get(node["id"], True) and not excluded  # "exclude": like not applicable
            return finish(node, points, top, present)
        children = [(child, *visit(child)) for child in node["children"]]
        aggregate = node["aggregate"]
        if aggregate == "sum":
            if not any(a for *_, a in children):  # nothing applies: no floor is invented
                return finish(node, Fraction(0), Fraction(0), False)
            points = sum((p for _, p, _, _ in children), Fraction(0))
            top = sum((m for _, _, m, _ in children), Fraction(0))
            if "points_min" in node:
                points = max(points, exact(node["points_min"]))
            if "points_max" in node:
                points = min(points, exact(node["points_max"]))
            return finish(node, points, top, True)
        if any(m == 0 and a and p != 0 for _, p, m, a in children):
            raise Ambiguous("adjustment points of a child of max 0 under a mean-type node")
        present = [(child, p / m, m) for child, p, m, _ in children if m > 0]
        if aggregate in ("min", "max"):
            counted = present
        else:
            counted = [(c, s, m) for c, s, m in present if exact(c.get("weight", 1)) > 0]
        if not counted:
            return finish(node, Fraction(0), Fraction(0), False)
        top = exact(node["max"]) if "max" in node else sum((m for _, _, m in present), Fraction(0))
        scores = [s for _, s, _ in counted]
        weights = [exact(c.get("weight", 1)) for c, _, _ in counted]
        if aggregate == "mean":
            score = sum((w * s for w, s in zip(weights, scores)), Fraction(0)) / sum(weights)
        elif aggregate == "min":
            score = min(scores)
        elif aggregate == "max":
            score = max(scores)
        else:
            bad = [c["id"] for c, s, _ in counted if s <= 0]
            if bad:
                raise OracleError("data.nonpositive_score", unit_id, node["id"], f"score ≤ 0 of {bad[0]}")
            if aggregate == "geomean":
                score = geometric_mean(scores, weights, unit)
            else:
                score = sum(weights) / sum((w / s for w, s in zip(weights, scores)), Fraction(0))
        return finish(node, score * top, top, True)

    root = model["root"]
    points, top, _ = visit(root)
    if top > 0:
        scale = exact(model.get("scale", 100))
        raw = points / top * scale
        if model.get("clamp", False):
            raw = min(max(raw, Fraction(0)), scale)
        rounding = model.get("rounding", {})
        unit.raw_index = raw
        unit.index = round_decimal(raw, int(rounding.get("digits", 2)), rounding.get("mode", "half_up"), unit)
    return unit


def unit_order_key(unit_id: Any) -> Tuple[int, Any]:
    """Ordinal ties: whole-number ids in numeric order, text ids in code-point order."""
    if isinstance(unit_id, int):
        return (0, unit_id)
    return (1, str(unit_id))


def evaluate(model: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], applicable: Sequence[Mapping[str, bool]],
             units: Sequence[Any], groups: Optional[Sequence[Any]] = None) -> List[Unit]:
    """Every unit, ranked and banded. Raises OracleError for the first failing unit after
    collecting them all into ``.all`` (chiso may report any one of them)."""
    results: List[Unit] = []
    errors: List[OracleError] = []
    for unit_id, row, applies in zip(units, rows, applicable):
        try:
            results.append(evaluate_unit(model, row, applies, unit_id))
        except OracleError as error:
            errors.append(error)
            errors.extend(leaf_errors(model, row, applies, unit_id))
    if errors:
        first = errors[0]
        first.all = errors  # type: ignore[attr-defined]
        raise first
    ranking = model.get("ranking", {})
    ties = ranking.get("ties", "competition")
    by_group = ranking.get("by", "group") == "group" and groups is not None
    pools: Dict[Any, List[int]] = {}
    for i in range(len(results)):
        if results[i].index is not None:
            pools.setdefault(groups[i] if by_group else None, []).append(i)
    for members in pools.values():
        ordered = sorted(members, key=lambda i: (-results[i].index, unit_order_key(units[i])))
        distinct = sorted({results[i].index for i in members}, reverse=True)
        for position, i in enumerate(ordered):
            value = results[i].index
            if ties == "ordinal":
                results[i].rank = position + 1
            elif ties == "dense":
                results[i].rank = distinct.index(value) + 1
            else:
                results[i].rank = 1 + sum(1 for j in members if results[j].index > value)
    bands = [exact(b["min"]) for b in model.get("bands", [])]
    for result in results:
        if result.index is not None:
            result.band = next((k for k, low in enumerate(bands) if low <= result.index), -1)
    return results
