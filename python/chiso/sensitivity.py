"""Uncertainty and sensitivity analysis of composite indicators, and Sobol indices in general.

The C++ engine (``chiso._core.sensitivity``) runs the replications on every core with the GIL
released; results are a pure function of the seed (identical on every run and for any thread
count). This module adds DataFrames and plots::

    from chiso import sensitivity as sa
    an = sa.CompositeAnalysis(imeta, normalised, [sa.noisy_weights("Weights", {2: 0.25, 3: 0.25})])
    res = an.uncertainty(100_000, seed=1)
    res.rank_stats            # Nominal, Mean, Median, Q5, Q95 rank per unit (COINr's RankStats)
    sa.plot_uncertainty(res)

Methods and references: docs/sensitivity.md (Saltelli et al. 2010; Jansen 1999).
"""
from __future__ import annotations

from dataclasses import dataclass, field
import warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .errors import DataError, InputWarning, ParameterError, UnknownKeyError

_s = _core.sensitivity

__all__ = [
    "CompositeAnalysis",
    "AnalysisResult",
    "FailedReplicationsWarning",
    "noisy_weights",
    "weight_sets",
    "aggregation",
    "data_choice",
    "data_range",
    "saltelli_sample",
    "random_sample",
    "sobol_indices",
    "analyse_function",
    "rank_descending",
    "plot_uncertainty",
    "plot_sensitivity",
    "rank_gains",
    "smallest_lift",
]


# ------------------------------------------------------------------------------------------------
# Assumptions


def noisy_weights(name: str, noise: Mapping[int, float]) -> Dict[str, Any]:
    """Every weight at each given level times U(1 − f, 1 + f) (COINr's ``get_noisy_weights``).

    ``noise`` maps a level (2 = the weights of the pillars, …) to its noise factor f."""
    return {"name": name, "type": "noisy_weights", "noise": {int(k): float(v) for k, v in noise.items()}}


def weight_sets(name: str, sets: Sequence[Sequence[float]], nominal: int = 0) -> Dict[str, Any]:
    """Explicit alternative weight sets, one weight per node (in ``CompositeAnalysis.codes`` order)."""
    return {"name": name, "type": "weight_sets", "sets": [list(map(float, s)) for s in sets], "nominal": nominal}


def aggregation(name: str, methods: Sequence[str], levels: Optional[Sequence[int]] = None,
                nominal: int = 0) -> Dict[str, Any]:
    """Alternative aggregation methods (``arithmetic``, ``geometric``, ``harmonic``; COINr's
    ``a_amean``… accepted) for the given aggregate levels (default: all)."""
    return {"name": name, "type": "aggregation", "methods": list(methods),
            "levels": None if levels is None else list(levels), "nominal": nominal}


def data_choice(name: str, labels: Sequence[str], nominal: int = 0) -> Dict[str, Any]:
    """A discrete choice upstream of aggregation (winmax, normalisation, imputation…). The data for
    each combination of choices is given to ``CompositeAnalysis`` as ``data_variants``."""
    return {"name": name, "type": "data_choice", "labels": [str(x) for x in labels], "nominal": nominal}


def data_range(name: str, lower: float, upper: float, nominal: float) -> Dict[str, Any]:
    """A continuous parameter upstream of aggregation, uniform on [lower, upper). Needs ``data`` to
    be a function ``f(choices, values)`` returning the normalised table (called once per
    replication, with the GIL held)."""
    return {"name": name, "type": "data_range", "lower": float(lower), "upper": float(upper),
            "nominal": float(nominal)}


# ------------------------------------------------------------------------------------------------
# Results


class FailedReplicationsWarning(InputWarning):
    """Some replications of an analysis failed (a geometric or harmonic mean met a score ≤ 0) and
    are left out of its statistics; the message says how many, under which alternatives, and why.
    ``AnalysisResult.failures`` and ``failure_counts`` hold the details."""


@dataclass
class AnalysisResult:
    """Result of an uncertainty or sensitivity analysis; every table is a DataFrame."""

    raw: Dict[str, Any] = field(repr=False)

    @property
    def units(self) -> List[str]:
        return list(self.raw["units"])

    @property
    def rank_stats(self) -> pd.DataFrame:
        """COINr's RankStats: nominal rank, mean, median and the 5%/95% quantiles (type 7)."""
        r = self.raw
        return pd.DataFrame({
            "Nominal": np.asarray(r["nominal_rank"]),
            "Mean": r["rank_mean"], "Median": r["rank_median"],
            "Q5": r["rank_lower"], "Q95": r["rank_upper"],
        }, index=pd.Index(self.units, name="uCode"))

    @property
    def score_stats(self) -> pd.DataFrame:
        """The score distribution per unit: nominal, mean, sd, 5%, median, 95%."""
        r = self.raw
        return pd.DataFrame({
            "Nominal": r["nominal_score"], "Mean": r["score_mean"], "SD": r["score_sd"],
            "Q5": r["score_lower"], "Median": r["score_median"], "Q95": r["score_upper"],
        }, index=pd.Index(self.units, name="uCode"))

    @property
    def scores(self) -> pd.DataFrame:
        """Units × replications (only with ``keep_replications=True``)."""
        return self._matrix("scores")

    @property
    def ranks(self) -> pd.DataFrame:
        """Units × replications ranks (only with ``keep_replications=True``)."""
        return self._matrix("ranks")

    def _matrix(self, key: str) -> pd.DataFrame:
        if key not in self.raw:
            raise ParameterError(f"AnalysisResult.{key}: the {key} were not kept: run with keep_replications=True",
                                 id="uncertainty.not_kept")
        m = self.raw[key]
        return pd.DataFrame(m, index=pd.Index(self.units, name="uCode"),
                            columns=[f"r_{k + 1}" for k in range(m.shape[1])])

    @property
    def parameters(self) -> pd.DataFrame:
        """The parameter each replication used (alternative index, or the noise key u)."""
        return pd.DataFrame(self.raw["parameters"], columns=self.raw["assumptions"])

    @property
    def output(self) -> np.ndarray:
        """Per replication: the SA output (mean |rank − nominal rank| unless chosen otherwise)."""
        return np.asarray(self.raw["output"])

    @property
    def failed(self) -> List[int]:
        """Replications that failed (geometric/harmonic mean of a value ≤ 0); never dropped silently."""
        return [int(k) for k in self.raw["failed"]]

    @property
    def failures(self) -> pd.DataFrame:
        """Why each failed replication failed: replication, node, method, and the first unit and
        child whose score was outside the mean's domain (``value`` ≤ 0)."""
        columns = ["replication", "node", "method", "unit", "child", "value"]
        return pd.DataFrame(self.raw.get("failures", {c: [] for c in columns}), columns=columns)

    @property
    def failure_counts(self) -> pd.DataFrame:
        """Failed replications per assumption: per alternative of a discrete one (its method,
        weight set or data label), over all replications for a continuous one (alternative "")."""
        return pd.DataFrame(self.raw.get("failure_counts", []),
                            columns=["assumption", "alternative", "replications", "failed"])

    @property
    def sensitivity(self) -> pd.DataFrame:
        """Si, STi and their bootstrap quantiles per assumption (COINr's Sensitivity table)."""
        if "indices" not in self.raw:
            raise ParameterError("AnalysisResult.sensitivity: no sensitivity indices: this was an uncertainty analysis",
                                 id="uncertainty.not_kept")
        return _indices_frame(self.raw["indices"], self.raw["assumptions"])


def _indices_frame(ind: Mapping[str, Any], names: Sequence[str]) -> pd.DataFrame:
    df = pd.DataFrame({"Si": ind["first"], "STi": ind["total"]}, index=pd.Index(list(names), name="Variable"))
    if ind["bootstrap"]:
        df["Si_q5"], df["Si_q95"] = ind["first_lower"], ind["first_upper"]
        df["STi_q5"], df["STi_q95"] = ind["total_lower"], ind["total_upper"]
    return df


# ------------------------------------------------------------------------------------------------
# The analysis


def _indicator_matrix(table: Any, indicators: Sequence[str], what: str) -> np.ndarray:
    """The units × indicators values of a table: a DataFrame's columns matched by name (an
    indicator missing or given twice is a DataError naming it), numbers only."""
    if isinstance(table, pd.DataFrame):
        from .model import _input_positions
        table = table.iloc[:, _input_positions(table.columns, indicators, what)]
        for code, column in table.items():
            if not (pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype)):
                raise DataError(f"{what}: indicator {code!r} holds {column.dtype} values, not numbers",
                                id="data.type", criterion=str(code))
        return table.to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.asarray(table, dtype=float)
    except (TypeError, ValueError) as error:
        raise DataError(f"{what}: the values must be numbers ({error})", id="data.type") from None


class CompositeAnalysis:
    """Uncertainty/sensitivity analysis of a composite indicator.

    hierarchy: the tree — a ``Model`` (a composite index, or a scored model whose criteria's
        scores are the indicators), a ``Hierarchy``, an iMeta-like DataFrame (iCode, Level,
        Parent, Weight) or a list of dicts (code, level, parent, weight); see
        ``chiso.analysis.hierarchy_of``.
    data: the normalised units × indicators table (DataFrame with units as index and indicator
        codes as columns, or an array in indicator order), or — with ``data_choice`` assumptions —
        a list of such tables, one per combination of choices, the first choice varying fastest,
        or a function ``f(choices, values)`` returning the table for the alternatives of the
        ``data_choice`` assumptions and the values of the ``data_range`` ones (needed for
        ``data_range``; with choices only it is called once per combination).
    assumptions: from ``noisy_weights``, ``weight_sets``, ``aggregation``, ``data_choice``.
    """

    def __init__(self, hierarchy: Any, data: Any, assumptions: Sequence[Mapping[str, Any]],
                 units: Optional[Sequence[str]] = None, groups: Any = None) -> None:
        from .analysis import hierarchy_of
        tree = hierarchy_of(hierarchy)
        if groups is None and isinstance(data, pd.DataFrame):
            groups = data.attrs.get("groups")  # set by chiso.analysis.indicators_of
        indicators = list(tree.indicator_codes)
        self.units: List[str]
        if callable(data):
            # A builder: f(choices, values) -> table. Called once here at the nominal choices to
            # learn the units.
            builder = data
            nominal_choices = [a.get("nominal", 0) for a in assumptions if a["type"] == "data_choice"]
            nominal_values = [a["nominal"] for a in assumptions if a["type"] == "data_range"]
            first = builder(nominal_choices, nominal_values)
            if units is None:
                units = [str(u) for u in first.index] if isinstance(first, pd.DataFrame) else \
                    [str(k + 1) for k in range(np.asarray(first).shape[0])]

            def as_matrix(choices: List[int], values: List[float]) -> np.ndarray:
                return _indicator_matrix(builder(choices, values), indicators, "the data builder's table")

            self.units = list(units)
            self.assumptions = list(assumptions)
            self._core = _s.CompositeAnalysis(tree, as_matrix, self.units, [dict(a) for a in assumptions],
                                              groups=_group_codes(groups, self.units))
            self.codes = list(self._core.codes)
            return
        variants = data if isinstance(data, (list, tuple)) else [data]
        mats = []
        for k, v in enumerate(variants):
            if isinstance(v, pd.DataFrame) and units is None:
                units = [str(u) for u in v.index]
            mats.append(_indicator_matrix(v, indicators, "data" if len(variants) == 1 else f"data[{k}]"))
        if units is None:
            units = [str(k + 1) for k in range(mats[0].shape[0])]
        self.units = list(units)
        self.assumptions = list(assumptions)
        payload: Any = mats if isinstance(data, (list, tuple)) else mats[0]
        self._core = _s.CompositeAnalysis(tree, payload, self.units, [dict(a) for a in assumptions],
                                          groups=_group_codes(groups, self.units))
        self.codes = list(self._core.codes)

    def nominal_scores(self) -> pd.DataFrame:
        """Scores of every node (units × nodes) under the nominal assumptions."""
        return pd.DataFrame(self._core.nominal_scores(), index=pd.Index(self.units, name="uCode"), columns=self.codes)

    def uncertainty(self, replications: int, seed: int = 1, threads: int = 0, target: str = "",
                    keep_replications: bool = False, score_statistics: bool = True,
                    lower_p: float = 0.05, upper_p: float = 0.95) -> AnalysisResult:
        """Monte Carlo UA with ``replications`` random draws of every assumption."""
        return _warn_of_failures(AnalysisResult(self._core.uncertainty(
            replications, seed=seed, threads=threads, target=target, keep_replications=keep_replications,
            score_statistics=score_statistics, lower_p=lower_p, upper_p=upper_p)))

    def sensitivity(self, N: int, seed: int = 1, threads: int = 0, target: str = "",
                    output: str = "mean_abs_rank_shift", unit: str = "", bootstrap: int = 1000,
                    keep_replications: bool = False, lower_p: float = 0.05,
                    upper_p: float = 0.95) -> AnalysisResult:
        """Variance-based SA with the N(d+2) design. ``output``: ``mean_abs_rank_shift`` (COINr's),
        ``unit_score`` or ``unit_rank`` (of ``unit``)."""
        return _warn_of_failures(AnalysisResult(self._core.sensitivity(
            N, seed=seed, threads=threads, target=target, keep_replications=keep_replications,
            output=output, output_unit=unit, bootstrap=bootstrap, lower_p=lower_p, upper_p=upper_p)))


def _group_codes(groups: Any, units: Sequence[str]) -> List[int]:
    """Group codes of the units (matched by name when ``groups`` is a Series, else in row order);
    empty without groups."""
    if groups is None:
        return []
    if isinstance(groups, Mapping):
        groups = pd.Series(list(groups.values()), index=[str(u) for u in groups], dtype=object)
    if isinstance(groups, pd.DataFrame):
        if groups.shape[1] != 1:
            raise DataError(f"groups: expected one column of group labels, got {groups.shape[1]}", id="data.groups")
        groups = groups.iloc[:, 0]
    if isinstance(groups, pd.Series):
        index = groups.index.astype(str)
        missing = [u for u in units if u not in set(index)]
        if missing:
            raise DataError(f"groups: unit {missing[0]!r} has no group", id="data.groups", unit=str(missing[0]))
        groups = pd.Series(groups.to_numpy(), index=index).loc[list(units)]
    labels = list(groups)
    if len(labels) != len(units):
        raise DataError(f"groups: {len(labels)} groups for {len(units)} units", id="data.groups")
    absent = [u for u, g in zip(units, labels) if g is None or (isinstance(g, float) and np.isnan(g))]
    if absent:
        raise DataError(f"groups: unit {absent[0]!r} has no group", id="data.groups", unit=str(absent[0]))
    codes, _ = pd.factorize(pd.Series(labels, dtype=object))
    return [int(c) for c in codes]


def _warn_of_failures(result: AnalysisResult) -> AnalysisResult:
    """A FailedReplicationsWarning when replications failed: how many, under which alternatives,
    and the first reason."""
    failed = len(result.raw["failed"])
    if failed == 0:
        return result
    total = int(result.raw["replications"])
    counts = result.failure_counts
    where = "; ".join(f"{r.assumption} = {r.alternative}: {r.failed} of {r.replications}"
                      for r in counts.itertuples() if r.alternative and r.failed)
    first = result.failures.iloc[0]
    reason = (f"the {first['method']} mean of '{first['node']}' met a score ≤ 0 (unit '{first['unit']}', "
              f"'{first['child']}' = {first['value']:g})")
    warnings.warn(FailedReplicationsWarning(
        f"{failed} of {total} replications failed and are left out of the statistics"
        f"{' (' + where + ')' if where else ''}: {reason}; see the result's failures and failure_counts"),
        stacklevel=3)
    return result


# ------------------------------------------------------------------------------------------------
# Generic Sobol analysis


def saltelli_sample(N: int, d: int, seed: int = 1) -> np.ndarray:
    """The N(d+2) × d design [A; B; A_B^1…A_B^d] of uniforms in [0, 1)."""
    return np.asarray(_s.saltelli_sample(N, d, seed))


def random_sample(N: int, d: int, seed: int = 1) -> np.ndarray:
    """N × d uniforms in [0, 1) from the counter-based generator."""
    return np.asarray(_s.random_sample(N, d, seed))


def sobol_indices(y: Any, N: int, d: int, bootstrap: int = 0, seed: int = 1, names: Optional[Sequence[str]] = None,
                  lower_p: float = 0.05, upper_p: float = 0.95) -> pd.DataFrame:
    """Si (Saltelli 2010) and STi (Jansen 1999) from the outputs of ``saltelli_sample(N, d)``."""
    ind = _s.estimate_sobol(np.ascontiguousarray(y, dtype=float), N, d, bootstrap=bootstrap, seed=seed,
                            lower_p=lower_p, upper_p=upper_p)
    return _indices_frame(ind, names or [f"V{k + 1}" for k in range(d)])


def analyse_function(f: Callable[[np.ndarray], np.ndarray], d: int, N: int, seed: int = 1, bootstrap: int = 0,
                     names: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """Sobol indices of a vectorised function of d uniforms (``f(X)`` with X of shape (n, d))."""
    X = saltelli_sample(N, d, seed)
    return sobol_indices(np.asarray(f(X), dtype=float), N, d, bootstrap=bootstrap, seed=seed, names=names)


def rank_descending(scores: Any) -> np.ndarray:
    """R's ``rank(-x, ties = "min")``; NaN → 0 (not ranked)."""
    return np.asarray(_s.rank_descending_min(np.asarray(scores, dtype=float)))


# ------------------------------------------------------------------------------------------------
# What-if on a criteria-tree model (chiso.Model)


def _whatif_args(model: Any, data: Any, unit: Any, applicable: Any, groups: Any) -> Dict[str, Any]:
    core = getattr(model, "_core", model)
    leaf_ids = list(core.leaf_ids)
    if isinstance(data, pd.DataFrame):
        missing = [c for c in leaf_ids if c not in data.columns]
        if missing:
            raise UnknownKeyError(f"what-if: the data has no column for the criteria {missing[:5]}",
                                  id="whatif.columns", criterion=str(missing[0]))
        units = [str(u) for u in data.index]
        values = data[leaf_ids].to_numpy(dtype=float)
        if isinstance(applicable, pd.DataFrame):
            applicable = applicable.reindex(index=data.index, columns=leaf_ids).fillna(True).to_numpy(dtype=bool)
        if not isinstance(unit, (int, np.integer)) and str(unit) not in units:
            raise UnknownKeyError(f"what-if: unit {unit!r} is not a row of the data", id="whatif.unit", unit=str(unit))
        row = units.index(str(unit)) if not isinstance(unit, (int, np.integer)) else int(unit)
    else:
        values = np.asarray(data, dtype=float)
        units = [str(k) for k in range(values.shape[0])]
        row = int(unit)
    codes = None
    if groups is not None:
        g = groups.reindex(data.index) if isinstance(groups, pd.Series) and isinstance(data, pd.DataFrame) else groups
        from .model import _group_codes
        # Aligned on the rows already: coded as Model.evaluate codes its groups (sorted labels).
        codes = [int(c) for c in _group_codes(list(g), pd.Index(units))[0]]
    mask = None if applicable is None else np.asarray(applicable, dtype=bool)
    return {"model": core, "values": values, "unit": row, "unit_ids": units, "groups": codes, "applicable": mask}


def rank_gains(model: Any, data: Any, unit: Any, applicable: Any = None, groups: Any = None,
               step: Optional[float] = None, include_adjustments: bool = True) -> pd.DataFrame:
    """For one unit: the rank gain of raising each criterion on its own to full points (or by
    ``step`` points), largest first. ``data`` as for ``Model.evaluate``; ``unit`` an index label
    or a row number."""
    args = _whatif_args(model, data, unit, applicable, groups)
    rows = _s.whatif_rank_gains(step=step, include_adjustments=include_adjustments, **args)
    cols = ["criterion", "input_before", "input_after", "index_before", "index_after", "rank_before",
            "rank_after", "rank_gain", "band_before", "band_after"]
    return pd.DataFrame(rows, columns=cols + ["leaf"])[cols]


def smallest_lift(model: Any, data: Any, unit: Any, rank: Optional[int] = None, band: Optional[str] = None,
                  applicable: Any = None, groups: Any = None, step: Optional[float] = None,
                  include_adjustments: bool = True) -> Dict[str, Any]:
    """The smallest set of criteria whose raising lifts ``unit`` to ``rank`` or better and/or into
    ``band`` (a label) or a better band. Returns reachable, already, criteria (ids, in the order
    chosen), index_after, rank_after, band_after."""
    args = _whatif_args(model, data, unit, applicable, groups)
    return dict(_s.whatif_smallest_lift(rank=rank, band=band, step=step,
                                        include_adjustments=include_adjustments, **args))


# ------------------------------------------------------------------------------------------------
# Plots (matplotlib imported lazily)


def plot_uncertainty(result: AnalysisResult, ax: Any = None, order_by: str = "nominal",
                     units: Optional[Sequence[str]] = None, color: str = "#83af70", *, language: str = "en") -> Any:
    """Rank uncertainty: units sorted by nominal (or median) rank, the median rank as a dot and
    the 5–95% interval as a line (COINr's ``plot_uncertainty``); titled, legend outside the plot,
    labels in ``language`` ("en" or "vi"). Returns the Axes."""
    import matplotlib.pyplot as plt
    from .reports.i18n import label

    rs = result.rank_stats
    if units is not None:
        rs = rs.loc[list(units)]
    key = {"nominal": "Nominal", "median": "Median"}.get(order_by)
    if key is None:
        raise ParameterError(f"plot_uncertainty: order_by must be 'nominal' or 'median', got {order_by!r}",
                             id="parameter.order_by")
    rs = rs.sort_values([key, "Median"])
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.18 * len(rs)), 4.0))
    x = np.arange(len(rs))
    ax.vlines(x, rs["Q5"], rs["Q95"], color="grey", linewidth=2, label=label("interval", language, p="5–95"))
    ax.plot(x, rs["Median"], "o", color=color, label=label("median", language))
    ax.plot(x, rs["Nominal"], "_", color="black", markersize=8, label=label("nominal", language))
    ax.set_xticks(x)
    ax.set_xticklabels(rs.index, rotation=90, fontsize=7)
    ax.invert_yaxis()
    ax.set_ylabel(label("uncertainty_x", language))
    ax.set_title(label("uncertainty_title", language))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    return ax


def plot_sensitivity(result: Union[AnalysisResult, pd.DataFrame], ax: Any = None, *, language: str = "en") -> Any:
    """Sensitivity indices: bars of Si and STi per assumption with bootstrap 5–95% intervals,
    titled, with what Sᵢ and STᵢ mean written under the plot. Returns the Axes."""
    import matplotlib.pyplot as plt
    from .reports.i18n import label

    df = result.sensitivity if isinstance(result, AnalysisResult) else result
    if ax is None:
        _, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(df)), 4.0))
    x = np.arange(len(df))
    width = 0.38
    for offset, col, colour, name in ((-width / 2, "Si", "#4c72b0", "first_order"),
                                      (width / 2, "STi", "#dd8452", "total_order")):
        err = None
        if f"{col}_q5" in df:
            lo = np.clip(df[col] - df[f"{col}_q5"], 0, None)
            hi = np.clip(df[f"{col}_q95"] - df[col], 0, None)
            err = np.vstack([lo, hi])
        ax.bar(x + offset, df[col], width, yerr=err, capsize=3, color=colour, label=label(name, language))
    ax.set_xticks(x)
    ax.set_xticklabels(df.index)
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_ylabel(label("sensitivity_x", language))
    ax.set_xlabel(label("factor", language))
    ax.set_title(label("sensitivity_title", language))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.annotate(label("sensitivity_note", language), xy=(0, -0.22), xycoords="axes fraction", va="top",
                fontsize=7, wrap=True, gid="sensitivity-note")
    ax.figure.subplots_adjust(bottom=0.3)
    return ax
