"""Composite-indicator toolkit (the COINr scope), pandas in and out.

Data frames are units × indicators, indexed by unit code, columns by indicator code; NaN is
missing. The hierarchy comes from an iMeta-like frame (COINr's columns: iCode, Level, Parent,
Weight, Direction, Target, Denominator). Computation is in chiso's C++ core; see
docs/analysis.md for every formula and default.

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
from typing import Any, Dict, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from . import _core

_a = _core.analysis
Hierarchy = _a.Hierarchy

__all__ = [
    "Hierarchy", "Pipeline", "PipelineResult", "hierarchy_from_imeta", "ahp", "entropy_weights",
    "critic_weights", "pca_weights", "effective_weights", "topsis", "vikor", "copeland",
    "normalise", "aggregate", "correlations", "parent_correlations", "cronbach_alpha",
    "skewness", "kurtosis", "saaty_random_index",
]


def _f(x) -> np.ndarray:
    return np.asfortranarray(np.asarray(x, dtype=np.float64))


def _isna(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def hierarchy_from_imeta(meta: pd.DataFrame) -> "Hierarchy":
    """Hierarchy from COINr-style iMeta rows (rows with Level NA, groups and denominators, are skipped)."""
    rows = []
    for _, r in meta.iterrows():
        if _isna(r.get("Level")):
            continue
        rows.append({
            "code": str(r["iCode"]), "level": int(r["Level"]),
            "parent": None if _isna(r.get("Parent")) else str(r["Parent"]),
            "weight": 1.0 if _isna(r.get("Weight")) else float(r["Weight"]),
            "direction": 1 if _isna(r.get("Direction")) else int(r["Direction"]),
            "target": None if _isna(r.get("Target")) else float(r["Target"]),
            "denominator": None if _isna(r.get("Denominator")) else str(r["Denominator"]),
        })
    return Hierarchy(rows)


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

    def __init__(self, hierarchy: "Hierarchy", spec: Optional[Mapping[str, Any]] = None):
        self.hierarchy = hierarchy
        spec = dict(spec) if spec is not None else {}
        self._core = _a.Pipeline(hierarchy, json.dumps(spec))
        self.spec: Dict[str, Any] = json.loads(self._core.spec_json)

    @classmethod
    def coinr_example(cls, hierarchy: "Hierarchy", group: str = "EurAsia_group") -> "Pipeline":
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
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    @classmethod
    def load(cls, path: str) -> "Pipeline":
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    def run(self, data: pd.DataFrame, denominators: Optional[pd.DataFrame] = None,
            groups: Optional[pd.DataFrame] = None) -> PipelineResult:
        codes = list(self.hierarchy.indicator_codes)
        missing = [c for c in codes if c not in data.columns]
        if missing:
            raise KeyError(f"data has no column for indicators {missing}")
        units = [str(u) for u in data.index]
        x = _f(data[codes].to_numpy(dtype=float))
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
        removed = cell([(units[u], a, m) for u, a, m in r.get("screen_removed", [])], ["unit", "availability", "missing"])
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

def normalise(data: pd.DataFrame, directions: Sequence[int], method: str = "min_max", **params: Any) -> pd.DataFrame:
    """Per-column normalisation; params as in docs/analysis.md (lower, upper, mean, sd, goal_low,
    goal_high, scale, target, cap, ties); `targets` (one per column) for distance_to_target."""
    targets = list(params.pop("targets", []))
    spec = {"method": method, **params}
    out = _a.normalise(_f(data.to_numpy(dtype=float)), list(directions), json.dumps(spec), targets)
    return pd.DataFrame(out, index=data.index, columns=data.columns)


def aggregate(hierarchy: "Hierarchy", normalised: pd.DataFrame, weights: Optional[Sequence[float]] = None,
              methods: Sequence[Mapping[str, Any]] = ({"method": "arithmetic"},)) -> pd.DataFrame:
    """Scores of every node; `methods` one for all aggregate levels or one per level."""
    w = np.asarray(hierarchy.weights if weights is None else weights, dtype=float)
    out = _a.aggregate(hierarchy, _f(normalised[list(hierarchy.indicator_codes)].to_numpy(dtype=float)), w,
                       json.dumps(list(methods)))
    return pd.DataFrame(out, index=normalised.index, columns=list(hierarchy.codes))


def ahp(pairwise: pd.DataFrame, method: str = "eigenvector", random_index: Optional[Sequence[float]] = None,
        random_index_name: str = "custom", max_cr: float = 0.1, raise_if_inconsistent: bool = False) -> Dict[str, Any]:
    """AHP priorities; `weights` as a Series labelled by the matrix's index. A warning string is
    returned (not raised) when CR > max_cr unless raise_if_inconsistent."""
    r = _a.ahp(_f(pairwise.to_numpy(dtype=float)), method, list(random_index or []), random_index_name, max_cr,
               raise_if_inconsistent)
    r["weights"] = pd.Series(r["weights"], index=pairwise.index, name="weight")
    return r


def entropy_weights(data: pd.DataFrame) -> pd.Series:
    return pd.Series(_a.entropy_weights(_f(data.to_numpy(dtype=float))), index=data.columns, name="weight")


def critic_weights(data: pd.DataFrame, directions: Optional[Sequence[int]] = None) -> pd.Series:
    return pd.Series(_a.critic_weights(_f(data.to_numpy(dtype=float)), list(directions or [])), index=data.columns, name="weight")


def pca_weights(data: pd.DataFrame) -> pd.Series:
    loadings, share, rows = _a.pca_weights(_f(data.to_numpy(dtype=float)))
    s = pd.Series(loadings, index=data.columns, name="loading")
    s.attrs.update(variance_share=share, rows_used=rows)
    return s


def effective_weights(hierarchy: "Hierarchy", weights: Optional[Sequence[float]] = None) -> pd.Series:
    w = np.asarray(hierarchy.weights if weights is None else weights, dtype=float)
    return pd.Series(_a.effective_weights(hierarchy, w), index=list(hierarchy.codes), name="effective_weight")


def topsis(data: pd.DataFrame, weights: Sequence[float], directions: Optional[Sequence[int]] = None,
           normalisation: str = "vector") -> pd.DataFrame:
    c, dp, dm = _a.topsis(_f(data.to_numpy(dtype=float)), list(weights), list(directions or []), normalisation)
    return pd.DataFrame({"closeness": c, "d_plus": dp, "d_minus": dm}, index=data.index)


def vikor(data: pd.DataFrame, weights: Sequence[float], directions: Optional[Sequence[int]] = None, v: float = 0.5) -> pd.DataFrame:
    s, r, q = _a.vikor(_f(data.to_numpy(dtype=float)), list(weights), list(directions or []), v)
    return pd.DataFrame({"S": s, "R": r, "Q": q}, index=data.index)


def copeland(data: pd.DataFrame, weights: Sequence[float]) -> pd.Series:
    scores, _ = _a.copeland(_f(data.to_numpy(dtype=float)), list(weights))
    return pd.Series(scores, index=data.index, name="copeland")


def correlations(data: pd.DataFrame, method: str = "pearson") -> pd.DataFrame:
    return pd.DataFrame(_a.correlation_matrix(_f(data.to_numpy(dtype=float)), method), index=data.columns, columns=data.columns)


def parent_correlations(hierarchy: "Hierarchy", scores: pd.DataFrame, method: str = "pearson") -> pd.Series:
    s = _f(scores[list(hierarchy.codes)].to_numpy(dtype=float))
    return pd.Series(_a.parent_correlations(hierarchy, s, method), index=list(hierarchy.codes), name=f"{method}_with_parent")


def cronbach_alpha(hierarchy: "Hierarchy", scores: pd.DataFrame) -> pd.Series:
    s = _f(scores[list(hierarchy.codes)].to_numpy(dtype=float))
    out = pd.Series(_a.cronbach_alphas(hierarchy, s), index=list(hierarchy.codes), name="cronbach_alpha")
    return out.iloc[hierarchy.n_indicators:]


def skewness(x: Sequence[float]) -> float:
    return _a.skewness(np.asarray(x, dtype=float))


def kurtosis(x: Sequence[float]) -> float:
    return _a.kurtosis(np.asarray(x, dtype=float))


def saaty_random_index() -> list:
    return list(_a.saaty_random_index())
