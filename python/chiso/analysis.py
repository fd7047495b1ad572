"""Composite-indicator toolkit (the COINr scope), pandas in and out.

Data frames are units × indicators, indexed by unit code, columns by indicator code; NaN is
missing. The tree is a chiso model: a composite-index model file (``indicator`` leaves,
docs/format.md), or one made from an iMeta-like frame (COINr's columns: iCode, Level, Parent,
Weight, Direction, Target, Denominator) by ``model_from_imeta``, or a scored (PAR-type) model,
whose criteria's scores are then the indicators. Every function taking a ``hierarchy`` takes any
of these (or a ``Hierarchy``, the composite view of a model). Computation is in chiso's C++ core;
see docs/analysis.md for every formula and default.

    import pandas as pd
    from chiso import analysis as ca
    meta = pd.read_csv("ASEM_iMeta.csv"); data = pd.read_csv("ASEM_iData.csv").set_index("uCode")
    pipe = ca.Pipeline.coinr_example(ca.hierarchy_from_imeta(meta))
    res = pipe.run(data, denominators=data[["Area", "Energy", "GDP", "Population"]],
                   groups=data[["EurAsia_group"]])
    res.scores["Index"].sort_values(ascending=False).head()
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .errors import ArgumentTypeError, ParameterError, UnknownKeyError
from .model import Model

_a = _core.analysis
Hierarchy = _a.Hierarchy

__all__ = [
    "Hierarchy", "Pipeline", "PipelineResult", "hierarchy_from_imeta", "model_from_imeta", "hierarchy_of",
    "indicators_of", "ahp", "entropy_weights",
    "critic_weights", "pca_weights", "effective_weights", "topsis", "vikor", "copeland",
    "normalise", "aggregate", "correlations", "parent_correlations", "cronbach_alpha",
    "skewness", "kurtosis", "saaty_random_index", "screen", "TopsisResult", "VikorResult", "CopelandResult",
    "WaspasResult", "waspas", "merec_weights", "std_weights", "gini_weights", "weighted_spearman", "ws_similarity",
    "simulated_random_index",
    "PrometheeResult", "promethee_ii", "EdasResult", "edas", "MabacResult", "mabac", "SpotisResult", "spotis",
    "optimise_weights", "denominate", "impute", "treat", "Denominated", "Imputed", "Treated", "local_weights",
    "with_children_weights",
]

Matrix = Union[pd.DataFrame, np.ndarray, Sequence[Sequence[float]]]


def _f(x) -> np.ndarray:
    return np.asfortranarray(np.asarray(x, dtype=np.float64))


def _values(data: Matrix) -> np.ndarray:
    """The float64 values of a DataFrame or array-like (2-D), for the C++ core. Text (even "5"),
    dates and categories are refused naming the cell, as ``Model.evaluate`` refuses them."""
    from .model import _real_column
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(np.asarray(data)) if np.ndim(data) == 2 else None
    if frame is not None:
        for position in range(frame.shape[1]):
            _real_column(frame.iloc[:, position].to_numpy(), str(frame.columns[position]), frame.index)
    x = data.to_numpy(dtype=np.float64) if isinstance(data, pd.DataFrame) else np.asarray(data, dtype=np.float64)
    if x.ndim != 2:
        raise ParameterError(f"expected a 2-D matrix (units × criteria), got {x.ndim} dimension(s)",
                             id="analysis.decision_matrix_shape")
    return x


def _columns(data: Matrix, n: int) -> pd.Index:
    return data.columns if isinstance(data, pd.DataFrame) else pd.RangeIndex(n)


def _index(data: Matrix, n: int) -> pd.Index:
    return data.index if isinstance(data, pd.DataFrame) else pd.RangeIndex(n)


_DIRECTION_NAMES = {"max": 1, "min": -1, "benefit": 1, "cost": -1}


def _directions(directions: Optional[Sequence[Any]]) -> List[int]:
    """+1/-1 or "max"/"min" ("benefit"/"cost") → ints; the C++ core checks the length and ±1."""
    if directions is None:
        return []
    if isinstance(directions, (str, bytes)):
        raise ParameterError(f"directions must be a sequence, one per criterion, not the string {directions!r}",
                             id="analysis.directions_value")
    out = []
    for i, d in enumerate(directions):
        if isinstance(d, str):
            if d not in _DIRECTION_NAMES:
                raise ParameterError(f"directions[{i}] is {d!r} (expected +1, -1, 'max' or 'min')",
                                     id="analysis.directions_value")
            out.append(_DIRECTION_NAMES[d])
            continue
        try:
            v = float(d)
        except (TypeError, ValueError):
            raise ParameterError(f"directions[{i}] is {d!r} (expected +1, -1, 'max' or 'min')",
                                     id="analysis.directions_value") from None
        if v not in (1.0, -1.0):
            raise ParameterError(f"directions[{i}] is {d!r} (expected +1, -1, 'max' or 'min')",
                                     id="analysis.directions_value")
        out.append(int(v))
    return out


def _weights(weights: Any) -> List[float]:
    try:
        return [float(w) for w in (weights.tolist() if isinstance(weights, np.ndarray) else weights)]
    except (TypeError, ValueError):
        raise ParameterError(f"weights must be a sequence of numbers, one per criterion, not {weights!r}",
                             id="analysis.weights_value") from None


def _isna(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def imeta_rows(meta: pd.DataFrame) -> List[Dict[str, Any]]:
    """COINr-style iMeta rows as hierarchy rows (code, level, parent, weight, direction, target,
    denominator), the one conversion every iMeta reader uses. Column names are matched without
    case (``iCode`` or ``code``); rows with Level NA (groups, denominators) and, with a ``Type``
    column, rows that are not an Indicator or an Aggregate are skipped."""
    columns = {str(c).lower(): c for c in meta.columns}
    code = columns.get("icode", columns.get("code"))
    if code is None or "level" not in columns:
        raise ParameterError("iMeta needs columns iCode (or code) and Level (and Parent, Weight, Direction, Target, "
                             f"Denominator where given); it has {list(meta.columns)}", id="analysis.imeta_columns")
    kept = meta[columns["type"]].isin(["Indicator", "Aggregate"]).tolist() if "type" in columns else [True] * len(meta)

    # Column by column: a Series built per row (iterrows), or a filtered copy of the frame, cost
    # more than an uncertainty analysis of 10^4 replications.
    def column(name: str) -> List[Any]:
        if name not in columns:
            return [None] * len(meta)
        values = meta[columns[name]]
        return [None if missing else value for value, missing in zip(values.tolist(), values.isna().tolist())]

    rows = []
    for keep, code_value, level, parent, weight, direction, target, denominator in zip(
            kept, meta[code].tolist(), column("level"), column("parent"), column("weight"), column("direction"),
            column("target"), column("denominator")):
        if not keep or level is None:
            continue
        rows.append({
            "code": str(code_value), "level": int(level),
            "parent": None if parent is None else str(parent),
            "weight": 1.0 if weight is None else float(weight),
            "direction": 1 if direction is None else int(direction),
            "target": None if target is None else float(target),
            "denominator": None if denominator is None else str(denominator),
        })
    return rows


def model_from_imeta(meta: pd.DataFrame, id: str = "composite") -> Model:
    """The composite-index model (``indicator`` leaves with each row's direction, target and
    denominator) of COINr-style iMeta rows; rows with Level NA (groups, denominators) are skipped.
    Save it with ``model.to_json(path)`` to keep the index as a model file."""
    return Model(_a.composite_model(imeta_rows(meta), id))


def hierarchy_from_imeta(meta: pd.DataFrame) -> "Hierarchy":
    """The composite view of ``model_from_imeta(meta)``."""
    return Hierarchy(model_from_imeta(meta)._core)


def hierarchy_of(tree: Any) -> "Hierarchy":
    """The composite view of ``tree``: a ``Hierarchy`` as it is; a ``Model`` (composite index or
    scored model); an iMeta-like DataFrame; or a list of hierarchy rows (dicts with code, level,
    parent, weight, direction, target, denominator)."""
    if isinstance(tree, Hierarchy):
        return tree
    if isinstance(tree, Model):
        return Hierarchy(tree._core)
    if isinstance(tree, pd.DataFrame):
        return hierarchy_from_imeta(tree)
    if isinstance(tree, (list, tuple)):
        return Hierarchy([dict(r) for r in tree])
    raise ArgumentTypeError(f"expected a Model, a Hierarchy, an iMeta DataFrame or a list of rows, not "
                            f"{type(tree).__name__}", id="analysis.hierarchy_type")


def indicators_of(result: Any, tree: Any = None) -> pd.DataFrame:
    """The indicators of a scored model's composite view from its evaluation (a ``Result``):
    each criterion's score and, for points outside the max (bonus, deduction, or a subtotal of
    them), its points — units × the view's indicators, the table ``aggregate`` and
    ``chiso.sensitivity.CompositeAnalysis`` take. ``tree``: the model's view (default: of
    ``result.model``). The units' groups, when the result has them, come along in
    ``attrs["groups"]`` (unit → group): the analysis ranks within them as the model does."""
    tree = hierarchy_of(result.model if tree is None else tree)
    codes = list(tree.indicator_codes)
    outside = list(tree.outside_max)[:len(codes)]
    score, points = result.score, result.points
    table = pd.DataFrame({c: (points if o else score)[c] for c, o in zip(codes, outside)}, index=score.index)
    groups = result.scores.get("group")
    if groups is not None:  # a plain dict: pandas compares attrs when it concatenates
        table.attrs["groups"] = {str(u): g for u, g in zip(groups.index, groups.astype(object))}
    return table


@dataclass
class PipelineResult:
    scores: pd.DataFrame           # kept units × nodes (normalised indicators, then aggregates)
    index: pd.Series
    ranks: pd.Series
    normalised: pd.DataFrame
    treated: Optional[pd.DataFrame]
    imputed_cells: pd.DataFrame    # unit, indicator, value
    treated_points: pd.DataFrame   # unit, indicator, before, after, treatment
    treatment: pd.DataFrame        # per indicator: applied, skew/kurt before and after, n_winsorised
    removed_units: pd.DataFrame    # unit, availability, missing
    log: Dict[str, Any]


class Pipeline:
    """The recorded pipeline: `spec` is a dict (the JSON the C++ pipeline saves)."""

    def __init__(self, hierarchy: Any, spec: Optional[Mapping[str, Any]] = None):
        self.hierarchy = hierarchy_of(hierarchy)
        spec = dict(spec) if spec is not None else {}
        self._core = _a.Pipeline(self.hierarchy, json.dumps(spec))
        self.spec: Dict[str, Any] = json.loads(self._core.spec_json)

    @classmethod
    def coinr_example(cls, hierarchy: Any, group: str = "EurAsia_group") -> "Pipeline":
        """COINr 1.1.14's build_example_coin() steps."""
        return cls(hierarchy, json.loads(_a.Pipeline.coinr_example_spec(group)))

    def with_step(self, step: str, value: Any) -> "Pipeline":
        """A copy with one step's parameters replaced (e.g. ("treat", {"winmax": 1}))."""
        spec = copy.deepcopy(self.spec)
        if isinstance(value, dict) and isinstance(spec.get(step), dict):
            spec[step].update(value)
        else:
            spec[step] = value
        return Pipeline(self.hierarchy, spec)

    def to_json(self) -> str:
        return self._core.to_json()

    @classmethod
    def from_json(cls, text: str) -> "Pipeline":
        core = _a.Pipeline.from_json(text)
        return cls(core.hierarchy, json.loads(core.spec_json))

    def save(self, path: str) -> None:
        """The pipeline as JSON in ``path``, written whole or not at all."""
        from .io import write_bytes
        write_bytes(path, self.to_json().encode("utf-8"))

    @classmethod
    def load(cls, path: str) -> "Pipeline":
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    def run(self, data: pd.DataFrame, denominators: Optional[pd.DataFrame] = None,
            groups: Optional[pd.DataFrame] = None) -> PipelineResult:
        codes = list(self.hierarchy.indicator_codes)
        missing = [c for c in codes if c not in data.columns]
        if missing:
            raise UnknownKeyError(f"Pipeline.run: the data has no column for the indicators {missing}",
                                  id="analysis.data_columns", criterion=str(missing[0]))
        units = [str(u) for u in data.index]
        x = _f(data[codes].to_numpy(dtype=float))
        # Denominators and groups are matched to the data's units by index, whatever their order.
        if denominators is not None:
            denominators = _by_unit(denominators, data.index, "Pipeline.run: denominators", "analysis.denominate_rows")
        if groups is not None:
            groups = _by_unit(groups, data.index, "Pipeline.run: groups", "analysis.pipeline_group")
        den = _f(denominators.to_numpy(dtype=float)) if denominators is not None else np.zeros((len(units), 0), order="F")
        den_codes = [str(c) for c in denominators.columns] if denominators is not None else []
        grp = {} if groups is None else {str(c): ["" if _isna(v) else str(v) for v in groups[c]] for c in groups.columns}
        r = self._core.run(x, units, den, den_codes, grp)
        kept = pd.Index(r["units"], name=data.index.name or "unit")
        nodes = list(r["nodes"])
        scores = pd.DataFrame(r["scores"], index=kept, columns=nodes)
        cell = lambda rows, cols: pd.DataFrame(rows, columns=cols)  # noqa: E731
        imputed = cell([(units[u], codes[j], v) for u, j, v in r.get("imputed_cells", [])], ["unit", "indicator", "value"])
        points = cell([(r["units"][u], codes[j], b, a, k) for u, j, b, a, k in r.get("treated_points", [])],
                      ["unit", "indicator", "before", "after", "treatment"])
        treatment = cell([(codes[j], ap, sb, kb, sa, ka, nw, ok) for j, ap, sb, kb, sa, ka, nw, ok in r.get("treatment", [])],
                         ["indicator", "applied", "skew_before", "kurt_before", "skew_after", "kurt_after",
                          "n_winsorised", "passes_after"]).set_index("indicator") if "treatment" in r else pd.DataFrame()
        removed = cell([(units[u], a, m, nz, z) for u, a, m, nz, z in r.get("screen_removed", [])],
                       ["unit", "availability", "missing", "nonzero", "zeros"])
        return PipelineResult(
            scores=scores,
            index=pd.Series(r["index"], index=kept, name="index"),
            ranks=pd.Series(r["ranks"], index=kept, name="rank"),
            normalised=pd.DataFrame(r["normalised"], index=kept, columns=codes),
            treated=pd.DataFrame(r["treated"], index=kept, columns=codes) if "treated" in r else None,
            imputed_cells=imputed, treated_points=points, treatment=treatment, removed_units=removed,
            log=json.loads(r["log"]),
        )


# ---- single steps and methods ------------------------------------------------------------------

def _by_unit(table: Any, units: pd.Index, what: str, id: str) -> Any:
    """``table`` (a DataFrame or Series indexed by unit) in the order of ``units``: matched by
    name, as chiso matches every table; a unit it lacks is an error naming it."""
    absent = units.difference(table.index)
    if len(absent):
        raise ParameterError(f"{what}: {len(table)} rows, none for the units {[str(u) for u in absent[:5]]}"
                             f"{' …' if len(absent) > 5 else ''} ({len(absent)} of {len(units)})", id=id)
    return table.reindex(units)


def _cells(rows: Sequence[Sequence[Any]], units: pd.Index, codes: Sequence[str], columns: List[str]) -> pd.DataFrame:
    """Report rows of (unit position, indicator position, …) as unit and indicator names."""
    return pd.DataFrame([(units[r[0]], codes[r[1]], *r[2:]) for r in rows], columns=columns)


class Denominated(NamedTuple):
    """:func:`denominate`'s result."""
    data: pd.DataFrame        # units × indicators, the denominated ones divided
    denominated: List[str]    # the indicators divided
    lost: pd.DataFrame        # unit, indicator: cells made missing (their denominator is missing)


class Imputed(NamedTuple):
    """:func:`impute`'s result."""
    data: pd.DataFrame
    imputed: pd.DataFrame        # unit, indicator, value: every cell imputed
    still_missing: pd.DataFrame  # unit, indicator: cells left missing (no value in the group)


class Treated(NamedTuple):
    """:func:`treat`'s result."""
    data: pd.DataFrame
    indicators: pd.DataFrame  # per indicator: applied, skewness and kurtosis before and after, n_winsorised, passes_after
    points: pd.DataFrame      # unit, indicator, before, after, treatment ("winhi", "winlo", "log_CT")


def denominate(data: pd.DataFrame, denominators: pd.DataFrame, by: Any,
               scale: Union[float, Mapping[str, float]] = 1.0) -> Denominated:
    """COINr's Denominate: each indicator that has a denominator becomes x / (d / scale).
    ``by``: ``{indicator: denominator column}``, or a tree (Model, Hierarchy, iMeta) whose
    indicators name their denominator (the data then needs the tree's indicator columns).
    ``denominators``: units × denominator columns, matched to ``data``'s units by index.
    ``scale``: one factor for every indicator, or ``{indicator: factor}`` (default 1). A zero
    denominator is a DataError naming the unit and indicator; a missing one makes the cell
    missing, listed in ``lost``."""
    den_codes = [str(c) for c in denominators.columns]
    if isinstance(by, Mapping):
        codes = [str(c) for c in data.columns]
        unknown = [f"{i} → {d}" for i, d in by.items() if str(d) not in den_codes or str(i) not in codes]
        if unknown:
            raise ParameterError(f"denominate: {unknown[:5]}: the indicator is not a data column or the denominator "
                                 f"not among the denominator columns {den_codes}", id="analysis.denominator_missing")
        columns = [den_codes.index(str(by[c])) if c in by else -1 for c in codes]
    else:
        tree = hierarchy_of(by)
        codes = list(tree.indicator_codes)
        data = _indicator_columns(data, codes, "denominate")
        columns = list(_a.denominator_columns(tree, den_codes))
    factors = [float(scale.get(c, 1.0)) for c in codes] if isinstance(scale, Mapping) else [float(scale)] * len(codes)
    units = [str(u) for u in data.index]
    den = _by_unit(denominators, data.index, "denominate: denominators", "analysis.denominate_rows")
    x, divided, lost = _a.denominate(_f(data[codes].to_numpy(dtype=float)), _f(den.to_numpy(dtype=float)), columns,
                                     factors, units, codes)
    return Denominated(pd.DataFrame(x, index=data.index, columns=codes), [codes[j] for j in divided],
                       _cells(lost, data.index, codes, ["unit", "indicator"]))


def impute(data: pd.DataFrame, method: str = "indicator_mean", groups: Any = None, tree: Any = None) -> Imputed:
    """COINr's Impute: ``method`` is ``indicator_mean``, ``indicator_median``, ``group_mean``,
    ``group_median`` (``groups``: each unit's group label, a Series matched by unit, or a
    sequence in the data's order; a unit without a group keeps its missing cells) or
    ``parent_mean`` (``tree``: the indicators' hierarchy, whose indicator columns the data
    needs). Every imputed cell is in ``imputed``, every cell left missing in ``still_missing``."""
    hierarchy = None if tree is None else hierarchy_of(tree)
    if hierarchy is not None:
        data = _indicator_columns(data, list(hierarchy.indicator_codes), "impute")
    codes = [str(c) for c in data.columns]
    group_ids: List[int] = []
    if groups is not None:
        if isinstance(groups, pd.DataFrame):
            groups = groups.iloc[:, 0]
        if isinstance(groups, pd.Series):
            groups = groups.reindex(data.index)  # matched by unit; a unit it lacks has no group
        group_ids = [int(g) for g in pd.factorize(pd.Series(list(groups)))[0]]  # missing → -1: no group
    x, imputed, left = _a.impute(_f(data.to_numpy(dtype=float)), method, group_ids, hierarchy)
    return Imputed(pd.DataFrame(x, index=data.index, columns=codes),
                   _cells(imputed, data.index, codes, ["unit", "indicator", "value"]),
                   _cells(left, data.index, codes, ["unit", "indicator"]))


def treat(data: pd.DataFrame, winmax: int = 5, skew_threshold: float = 2.0, kurt_threshold: float = 3.5,
          log_fallback: bool = True) -> Treated:
    """COINr's Treat with its defaults: an indicator with |skewness| ≥ 2 and kurtosis ≥ 3.5 is
    winsorised one extreme at a time, up to ``winmax`` points, else (``log_fallback``) its
    original values are log-transformed (docs/analysis.md). Missing values stay missing."""
    codes = [str(c) for c in data.columns]
    x, indicators, points = _a.treat(_f(data.to_numpy(dtype=float)), int(winmax), float(skew_threshold),
                                     float(kurt_threshold), bool(log_fallback), codes)
    summary = pd.DataFrame([(codes[r[0]], *r[1:]) for r in indicators],
                           columns=["indicator", "applied", "skew_before", "kurt_before", "skew_after", "kurt_after",
                                    "n_winsorised", "passes_after"]).set_index("indicator")
    return Treated(pd.DataFrame(x, index=data.index, columns=codes), summary,
                   _cells(points, data.index, codes, ["unit", "indicator", "before", "after", "treatment"]))


def _indicator_columns(data: pd.DataFrame, codes: List[str], step: str) -> pd.DataFrame:
    missing = [c for c in codes if c not in data.columns]
    if missing:
        raise UnknownKeyError(f"{step}: the data has no column for the indicators {missing[:5]}",
                              id="analysis.data_columns", criterion=str(missing[0]))
    return data[codes]


def normalise(data: Matrix, directions: Sequence[Any], method: str = "min_max", **params: Any) -> pd.DataFrame:
    """Per-column normalisation; params as in docs/analysis.md (lower, upper, mean, sd, goal_low,
    goal_high, scale, target, cap, ties, scale_factor, reference); `targets` (one per column) for
    distance_to_target. An unknown parameter is a ParameterError."""
    targets = list(params.pop("targets", []))
    spec = {"method": method, **params}
    x = _values(data)
    columns = _columns(data, x.shape[1])
    out = _a.normalise(x, _directions(directions), json.dumps(spec), targets, [str(c) for c in columns])
    return pd.DataFrame(out, index=_index(data, x.shape[0]), columns=columns)


def aggregate(hierarchy: Any, normalised: Matrix, weights: Optional[Sequence[float]] = None,
              methods: Sequence[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """Scores of every node; `methods` empty for each node's own (its model's ``aggregate``:
    arithmetic for iMeta rows), or one for all aggregate levels, or one per level (keys:
    method, topsis_normalisation, vikor_v, power; an unknown key is a ParameterError). A numpy
    `normalised` has the hierarchy's indicators as columns, in its order."""
    hierarchy = hierarchy_of(hierarchy)
    w = np.asarray(hierarchy.weights if weights is None else weights, dtype=float)
    x = _values(normalised[list(hierarchy.indicator_codes)] if isinstance(normalised, pd.DataFrame) else normalised)
    units = _index(normalised, x.shape[0])
    # Errors name a DataFrame's units by its index; a numpy matrix's by row.
    names = [str(u) for u in units] if isinstance(normalised, pd.DataFrame) else []
    out = _a.aggregate(hierarchy, x, w, json.dumps(list(methods)), names)
    return pd.DataFrame(out, index=units, columns=list(hierarchy.codes))


def ahp(pairwise: Matrix, method: str = "eigenvector", random_index: Optional[Sequence[float]] = None,
        random_index_name: str = "custom", max_cr: float = 0.1, raise_if_inconsistent: bool = False,
        reciprocal_tolerance: float = 1e-6) -> Dict[str, Any]:
    """AHP priorities; `weights` as a Series labelled by the matrix's index. A warning string is
    returned (not raised) when CR > max_cr unless raise_if_inconsistent. `reciprocal_tolerance`:
    the largest |a_ij · a_ji − 1| accepted (e.g. 0.01 for 0.33 written for 1/3)."""
    x = _values(pairwise)
    r = _a.ahp(x, method, list(random_index or []), random_index_name, max_cr, raise_if_inconsistent,
               float(reciprocal_tolerance))
    r["weights"] = pd.Series(r["weights"], index=_index(pairwise, x.shape[0]), name="weight")
    return r


def entropy_weights(data: Matrix) -> pd.Series:
    x = _values(data)
    return pd.Series(_a.entropy_weights(x), index=_columns(data, x.shape[1]), name="weight")


def critic_weights(data: Matrix, directions: Optional[Sequence[Any]] = None) -> pd.Series:
    x = _values(data)
    return pd.Series(_a.critic_weights(x, _directions(directions)), index=_columns(data, x.shape[1]), name="weight")


def pca_weights(data: Matrix) -> pd.Series:
    x = _values(data)
    loadings, share, rows = _a.pca_weights(x)
    s = pd.Series(loadings, index=_columns(data, x.shape[1]), name="loading")
    s.attrs.update(variance_share=share, rows_used=rows)
    return s


def _node_weights(hierarchy: "Hierarchy", weights: Any) -> np.ndarray:
    """Weights of every node, in the hierarchy's order: its own, or ``weights`` (a Series by
    code, or a sequence in the hierarchy's order)."""
    if weights is None:
        return np.asarray(hierarchy.weights, dtype=float)
    if isinstance(weights, pd.Series):
        weights = _by_unit(weights, pd.Index(hierarchy.codes), "weights", "analysis.weights_length")  # by code
    return np.asarray(weights, dtype=float)


def effective_weights(hierarchy: Any, weights: Any = None) -> pd.Series:
    """Each node's weight in the index: its local weight times its parent's effective weight
    (the indicators' sum to 1). ``weights``: of every node (default the tree's)."""
    hierarchy = hierarchy_of(hierarchy)
    return pd.Series(_a.effective_weights(hierarchy, _node_weights(hierarchy, weights)), index=list(hierarchy.codes),
                     name="effective_weight")


def local_weights(hierarchy: Any, weights: Any = None) -> pd.Series:
    """Each node's weight divided by the sum of its siblings' (the root: 1)."""
    hierarchy = hierarchy_of(hierarchy)
    return pd.Series(_a.local_weights(hierarchy, _node_weights(hierarchy, weights)), index=list(hierarchy.codes),
                     name="local_weight")


def with_children_weights(hierarchy: Any, weights: Any, node: str, children_weights: Any) -> pd.Series:
    """The weights of every node (``weights``, None for the tree's) with ``node``'s children's
    replaced by ``children_weights``: a Series by child code (as ``ahp(...)["weights"]`` of a
    matrix labelled by the children), or a sequence in the children's order. Call it for each
    aggregate to weight every level."""
    hierarchy = hierarchy_of(hierarchy)
    w = _node_weights(hierarchy, weights)
    if isinstance(children_weights, pd.Series):
        codes = list(hierarchy.codes)
        position = list(hierarchy.codes).index(node) if node in codes else None
        if position is not None:  # an unknown node is the core's error
            children = [codes[c] for c in hierarchy.children(position)]
            children_weights = _by_unit(children_weights, pd.Index(children), f"with_children_weights: the weights "
                                        f"of {node!r}'s children", "analysis.weights_children")
    return pd.Series(_a.with_children_weights(hierarchy, w, str(node), np.asarray(children_weights, dtype=float)),
                     index=list(hierarchy.codes), name="weight")


class TopsisResult(NamedTuple):
    """TOPSIS on a numpy matrix: arrays, one entry per alternative (row); rank 1 = best."""
    closeness: np.ndarray
    d_plus: np.ndarray
    d_minus: np.ndarray
    rank: np.ndarray


class VikorResult(NamedTuple):
    """VIKOR on a numpy matrix; rank by Q (1 = best); compromise: rows, best Q first."""
    S: np.ndarray
    R: np.ndarray
    Q: np.ndarray
    rank: np.ndarray
    compromise: List[int]
    acceptable_advantage: bool
    acceptable_stability: bool


class CopelandResult(NamedTuple):
    scores: np.ndarray
    rank: np.ndarray
    outranking: np.ndarray


def topsis(data: Matrix, weights: Sequence[float], directions: Optional[Sequence[Any]] = None,
           normalisation: str = "vector") -> Union[pd.DataFrame, TopsisResult]:
    """TOPSIS closeness (higher is better). A DataFrame gives a DataFrame (closeness, d_plus,
    d_minus, rank) on its index; a numpy array (or nested lists) gives a TopsisResult of arrays
    (the fast path). directions: +1/-1 or "max"/"min" per criterion (default all benefit)."""
    r = _a.topsis(_values(data), _weights(weights), _directions(directions), normalisation)
    if not isinstance(data, pd.DataFrame):
        return TopsisResult(*r)
    c, dp, dm, rank = r
    return pd.DataFrame({"closeness": c, "d_plus": dp, "d_minus": dm, "rank": rank.astype(int)}, index=data.index)


def vikor(data: Matrix, weights: Sequence[float], directions: Optional[Sequence[Any]] = None,
          v: float = 0.5) -> Union[pd.DataFrame, VikorResult]:
    """VIKOR S, R, Q (lower is better) and rank by Q. A DataFrame gives a DataFrame whose
    attrs hold the compromise set (index labels) and the two conditions; a numpy array gives a
    VikorResult (the fast path)."""
    s, r, q, rank, comp, adv, stab = _a.vikor(_values(data), _weights(weights), _directions(directions), float(v))
    if not isinstance(data, pd.DataFrame):
        return VikorResult(s, r, q, rank, list(comp), adv, stab)
    out = pd.DataFrame({"S": s, "R": r, "Q": q, "rank": rank.astype(int)}, index=data.index)
    out.attrs.update(compromise=[data.index[i] for i in comp], acceptable_advantage=adv, acceptable_stability=stab)
    return out


def copeland(data: Matrix, weights: Sequence[float],
             directions: Optional[Sequence[Any]] = None) -> Union[pd.Series, CopelandResult]:
    """Copeland scores (COINr a_copeland; ties score exactly 0). A DataFrame gives a Series
    (attrs: rank, outranking matrix); a numpy array gives a CopelandResult."""
    scores, rank, orm = _a.copeland(_values(data), _weights(weights), _directions(directions))
    if not isinstance(data, pd.DataFrame):
        return CopelandResult(scores, rank, orm)
    out = pd.Series(scores, index=data.index, name="copeland")
    out.attrs.update(rank=pd.Series(rank.astype(int), index=data.index, name="rank"),
                     outranking=pd.DataFrame(orm, index=data.index, columns=data.index))
    return out


class WaspasResult(NamedTuple):
    Q: np.ndarray
    wsm: np.ndarray
    wpm: np.ndarray
    rank: np.ndarray


def waspas(data: Matrix, weights: Sequence[float], directions: Optional[Sequence[Any]] = None,
           lambda_: float = 0.5) -> Union[pd.DataFrame, WaspasResult]:
    """WASPAS Q = λ·WSM + (1 − λ)·WPM on x/max (benefit), min/x (cost); λ = 1 is the weighted
    sum, λ = 0 the weighted product. DataFrame in, DataFrame out; numpy in, WaspasResult out."""
    r = _a.waspas(_values(data), _weights(weights), _directions(directions), float(lambda_))
    if not isinstance(data, pd.DataFrame):
        return WaspasResult(*r)
    q, wsm, wpm, rank = r
    return pd.DataFrame({"Q": q, "wsm": wsm, "wpm": wpm, "rank": rank.astype(int)}, index=data.index)


def merec_weights(data: Matrix, directions: Optional[Sequence[Any]] = None) -> pd.Series:
    x = _values(data)
    return pd.Series(_a.merec_weights(x, _directions(directions)), index=_columns(data, x.shape[1]), name="weight")


def std_weights(data: Matrix) -> pd.Series:
    x = _values(data)
    return pd.Series(_a.std_weights(x), index=_columns(data, x.shape[1]), name="weight")


def gini_weights(data: Matrix) -> pd.Series:
    x = _values(data)
    return pd.Series(_a.gini_weights(x), index=_columns(data, x.shape[1]), name="weight")


def weighted_spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """r_w of two rankings (1 = best), weighting agreement at the top."""
    return _a.weighted_spearman(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def ws_similarity(x: Sequence[float], y: Sequence[float]) -> float:
    """WS coefficient of ranking y against the reference ranking x (asymmetric)."""
    return _a.ws_similarity(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def simulated_random_index(n: int, samples: int = 10000, seed: int = 20061) -> float:
    """AHP random index for size n by simulation (Saaty's definition); ahp() uses it for n > 15."""
    return _a.simulated_random_index(int(n), int(samples), int(seed))


def screen(data: Matrix, rule: str = "byNA", threshold: float = 2 / 3, nonzero_threshold: float = 0.05) -> pd.DataFrame:
    """COINr Screen(unit_screen = rule): per unit its data availability, share of non-zero
    values and whether it is kept ("byNA", "byzeros" or "byNAandzeros")."""
    x = _values(data)
    kept, avail, nonzero = _a.screen_units(x, rule, float(threshold), float(nonzero_threshold))
    keep = np.zeros(len(x), dtype=bool)
    keep[list(kept)] = True
    return pd.DataFrame({"availability": avail, "nonzero": nonzero, "kept": keep}, index=_index(data, len(x)))


def correlations(data: Matrix, method: str = "pearson") -> pd.DataFrame:
    x = _values(data)
    cols = _columns(data, x.shape[1])
    return pd.DataFrame(_a.correlation_matrix(x, method), index=cols, columns=cols)


def parent_correlations(hierarchy: Any, scores: Matrix, method: str = "pearson") -> pd.Series:
    hierarchy = hierarchy_of(hierarchy)
    s = _values(scores[list(hierarchy.codes)] if isinstance(scores, pd.DataFrame) else scores)
    return pd.Series(_a.parent_correlations(hierarchy, s, method), index=list(hierarchy.codes), name=f"{method}_with_parent")


def cronbach_alpha(hierarchy: Any, scores: Matrix) -> pd.Series:
    """Cronbach's alpha of each aggregate's children (COINr get_cronbach: pairwise-complete
    covariances). A numpy `scores` has one column per node, in the hierarchy's order."""
    hierarchy = hierarchy_of(hierarchy)
    s = _values(scores[list(hierarchy.codes)] if isinstance(scores, pd.DataFrame) else scores)
    out = pd.Series(_a.cronbach_alphas(hierarchy, s), index=list(hierarchy.codes), name="cronbach_alpha")
    return out.iloc[hierarchy.n_indicators:]


def skewness(x: Sequence[float]) -> float:
    return _a.skewness(np.asarray(x, dtype=float))


def kurtosis(x: Sequence[float]) -> float:
    return _a.kurtosis(np.asarray(x, dtype=float))


def saaty_random_index() -> list:
    return list(_a.saaty_random_index())


# ---- PROMETHEE II, EDAS, MABAC, SPOTIS; weight optimisation (COINr get_opt_weights) -------------

class PrometheeResult(NamedTuple):
    """PROMETHEE II on a numpy matrix: net flow φ = φ⁺ − φ⁻ (higher is better), rank by φ."""
    net_flow: np.ndarray
    positive_flow: np.ndarray
    negative_flow: np.ndarray
    rank: np.ndarray
    preference: np.ndarray


class EdasResult(NamedTuple):
    AS: np.ndarray
    SP: np.ndarray
    SN: np.ndarray
    NSP: np.ndarray
    NSN: np.ndarray
    rank: np.ndarray


class MabacResult(NamedTuple):
    S: np.ndarray
    rank: np.ndarray
    border: np.ndarray


class SpotisResult(NamedTuple):
    D: np.ndarray
    rank: np.ndarray


def _parameters(values: Any, name: str) -> List[float]:
    """A per-criterion parameter (q, p, s) as floats; None → none given."""
    if values is None:
        return []
    if np.isscalar(values):
        raise ParameterError(f"{name} must be a sequence, one per criterion, not {values!r}")
    try:
        return [float(v) for v in values]
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a sequence of numbers, one per criterion, not {values!r}") from None


def promethee_ii(data: Matrix, weights: Sequence[float], directions: Optional[Sequence[Any]] = None,
                 preference: Union[str, Sequence[str]] = "usual", q: Optional[Sequence[float]] = None,
                 p: Optional[Sequence[float]] = None,
                 s: Optional[Sequence[float]] = None) -> Union[pd.DataFrame, PrometheeResult]:
    """PROMETHEE II net flows. `preference`: one function for every criterion or one per criterion
    ("usual", "u_shape", "v_shape", "level", "linear", "gaussian"; pymcdm's "ushape", "vshape",
    "vshape_2" too); q (indifference), p (preference), s (Gaussian) thresholds one per criterion,
    needed by the functions that use them. DataFrame in: a DataFrame (net_flow, positive_flow,
    negative_flow, rank; attrs["preference"] the π matrix); numpy in: a PrometheeResult."""
    functions = [preference] if isinstance(preference, str) else [str(f) for f in preference]
    r = _a.promethee_ii(_values(data), _weights(weights), _directions(directions), functions,
                        _parameters(q, "q"), _parameters(p, "p"), _parameters(s, "s"))
    if not isinstance(data, pd.DataFrame):
        return PrometheeResult(*r)
    net, plus, minus, rank, pref = r
    out = pd.DataFrame({"net_flow": net, "positive_flow": plus, "negative_flow": minus, "rank": rank.astype(int)},
                       index=data.index)
    out.attrs["preference"] = pd.DataFrame(pref, index=data.index, columns=data.index)
    return out


def edas(data: Matrix, weights: Sequence[float],
         directions: Optional[Sequence[Any]] = None) -> Union[pd.DataFrame, EdasResult]:
    """EDAS appraisal score AS (higher is better) from the distances to the average solution.
    DataFrame in: a DataFrame (AS, SP, SN, NSP, NSN, rank); numpy in: an EdasResult."""
    r = _a.edas(_values(data), _weights(weights), _directions(directions))
    if not isinstance(data, pd.DataFrame):
        return EdasResult(*r)
    score, sp, sn, nsp, nsn, rank = r
    return pd.DataFrame({"AS": score, "SP": sp, "SN": sn, "NSP": nsp, "NSN": nsn, "rank": rank.astype(int)},
                        index=data.index)


def mabac(data: Matrix, weights: Sequence[float],
          directions: Optional[Sequence[Any]] = None) -> Union[pd.DataFrame, MabacResult]:
    """MABAC S (higher is better), the summed distances to the border approximation area.
    DataFrame in: a DataFrame (S, rank; attrs["border"] per criterion); numpy in: a MabacResult."""
    x = _values(data)
    r = _a.mabac(x, _weights(weights), _directions(directions))
    if not isinstance(data, pd.DataFrame):
        return MabacResult(*r)
    score, rank, border = r
    out = pd.DataFrame({"S": score, "rank": rank.astype(int)}, index=data.index)
    out.attrs["border"] = pd.Series(border, index=data.columns, name="border")
    return out


def spotis(data: Matrix, weights: Sequence[float], directions: Optional[Sequence[Any]], bounds: Matrix
           ) -> Union[pd.DataFrame, SpotisResult]:
    """SPOTIS distance D to the ideal point (lower is better). `bounds`: criteria × 2 (lower,
    upper), as pymcdm's; a value outside its criterion's bounds is a DataError naming both.
    DataFrame in: a DataFrame (D, rank); numpy in: a SpotisResult."""
    b = _values(bounds)
    if b.shape[1] != 2:
        raise ParameterError(f"bounds must be criteria × 2 (lower, upper), got shape {b.shape}")
    r = _a.spotis(_values(data), _weights(weights), _directions(directions), b[:, 0].tolist(), b[:, 1].tolist())
    if not isinstance(data, pd.DataFrame):
        return SpotisResult(*r)
    score, rank = r
    return pd.DataFrame({"D": score, "rank": rank.astype(int)}, index=data.index)


def optimise_weights(hierarchy: Any, normalised: Matrix, level: int,
                     targets: Union[str, Sequence[float], None] = "equal", goal: str = "balance",
                     weights: Optional[Sequence[float]] = None,
                     methods: Sequence[Mapping[str, Any]] = (),
                     correlation: str = "pearson", tolerance: float = 0.1,
                     max_iterations: int = 500) -> Dict[str, Any]:
    """COINr get_opt_weights(itarg = targets, Level = level, optype = goal, toler = tolerance,
    maxiter = max_iterations): weights of the nodes at `level` whose correlations with the
    index match `targets` (relative importances, one per node at the level in hierarchy order,
    or "equal"), or whose correlations sum to the most (goal "infomax"), found by R's
    Nelder–Mead. `normalised` as for aggregate(); `methods` the aggregation. Returns weights (a
    Series over every node), table (per node at the level: desired, obtained, weight),
    objective, evaluations and convergence (0 converged, 1 iteration limit, 10 degenerate)."""
    hierarchy = hierarchy_of(hierarchy)
    w = np.asarray(hierarchy.weights if weights is None else weights, dtype=float)
    x = _values(normalised[list(hierarchy.indicator_codes)] if isinstance(normalised, pd.DataFrame) else normalised)
    if isinstance(targets, str):
        if targets != "equal":
            raise ParameterError(f"targets is {targets!r} (expected 'equal' or one number per node at the level)")
        target_list: List[float] = []
    else:
        target_list = [] if targets is None else _weights(targets)
    r = _a.optimise_weights(hierarchy, x, w, int(level), json.dumps(list(methods)), goal, target_list, correlation,
                            float(tolerance), int(max_iterations))
    codes = list(hierarchy.codes)
    level_codes = [codes[i] for i in r["nodes"]]
    table = pd.DataFrame({"desired": r["desired"], "obtained": r["obtained"], "weight": r["level_weights"]},
                         index=pd.Index(level_codes, name="code"))
    return {"weights": pd.Series(r["weights"], index=codes, name="weight"), "table": table,
            "objective": r["objective"], "evaluations": r["evaluations"], "convergence": r["convergence"]}


def within_correlations(hierarchy: Any, scores: Matrix, node: str, method: str = "pearson") -> pd.DataFrame:
    """Correlations between the children of aggregate `node` (COINr's correlations within an
    aggregate), pairwise complete; `scores` as for parent_correlations. An indicator (no
    children) is a ParameterError."""
    hierarchy = hierarchy_of(hierarchy)
    s = _values(scores[list(hierarchy.codes)] if isinstance(scores, pd.DataFrame) else scores)
    children, r = _a.within_node_correlations(hierarchy, s, node, method)
    return pd.DataFrame(r, index=pd.Index(children, name="code"), columns=list(children))


__all__ += ["within_correlations"]
