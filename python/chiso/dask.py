"""chiso on a Dask cluster (extra ``pip install chiso[dask]``): scoring a partitioned data set,
uncertainty and sensitivity analyses in blocks of replications, and record-level aggregation.

    import dask.dataframe as dd
    from distributed import Client
    import chiso, chiso.dask

    client = Client("tcp://scheduler:8786")     # or Client(LocalCluster(...)), or no client at all
    model = chiso.load_model("model.json")
    ddf = dd.read_parquet("s3://lake/units/")   # one row per unit, the model's input columns
    scores = chiso.dask.evaluate(model, ddf, groups="group")
    scores.to_parquet("s3://lake/scores/")

Scoring runs partition by partition in the C++ core (the model travels once to each worker as
its JSON text and is parsed once per worker process). Ranks are global within each group: a
group's competition and dense ranks depend only on how many units hold each rounded index value,
so one reduction (counts per group and value) is gathered and chiso's C++ ranking turns it into
ranks (``chiso._core.ranking``); ordinal ties also order the tied units by name, which costs a
shuffle of (group, index, unit) triples. The ranks equal ``Model.evaluate``'s unit for unit.
Details and measured rates: docs/scale.md.
"""
from __future__ import annotations

import hashlib
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core
from .errors import DataError, ParameterError
from .model import Model, load_model
from .sensitivity import AnalysisResult, CompositeAnalysis

try:
    import dask
    import dask.dataframe as dd
except ImportError:  # pragma: no cover - the dask extra is missing
    raise ImportError("chiso.dask needs Dask: pip install chiso[dask]") from None

__all__ = ["evaluate", "uncertainty", "sensitivity", "aggregate_records"]

# Per worker process: models and analyses already built, by the hash of what was shipped.
_built: Dict[str, Any] = {}


def _worker_model(text: str) -> Model:
    key = "model:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    if key not in _built:
        _built[key] = load_model(text)
    return _built[key]


def _band_dtype(model: Model) -> pd.CategoricalDtype:
    return pd.CategoricalDtype([label for _, label in model.bands])


def _score_partition(part: pd.DataFrame, applicable: Optional[pd.DataFrame], text: str, group: Optional[str],
                     keep: str, ordinal: bool, partition_info: Optional[Mapping[str, Any]] = None) -> pd.DataFrame:
    model = _worker_model(text)
    groups = part[group] if group else None
    result = model.evaluate(part[model.input_columns], applicable=applicable,
                            groups=None if groups is None else groups.astype(str), keep=keep)
    scores = result.scores
    out = pd.DataFrame({"index": scores["index"].astype(np.float64), "rank": pd.array([pd.NA] * len(part), "Int32"),
                        "band": scores["band"].astype(_band_dtype(model))}, index=part.index)
    if groups is not None:
        out["group"] = groups.astype(str)  # the dtype pandas gives text (str in pandas 3), in meta and partitions alike
    if keep != "root":
        points = result.points
        for node in points.columns:
            out[f"points:{node}"] = points[node].to_numpy(dtype=np.float64)
    if ordinal:
        # The unit's place in the whole data set, for ordinal ties between equal names.
        number = partition_info["number"] if partition_info else 0
        out["_partition"] = np.full(len(part), number, dtype=np.int64)
        out["_row"] = np.arange(len(part), dtype=np.int64)
    return out


def _attach_ranks(part: pd.DataFrame, first: pd.DataFrame, group: Optional[str]) -> pd.DataFrame:
    """Each unit's rank: the first rank of its (group, index) value, from the reduction."""
    keys = ["group", "index"] if group else ["index"]
    merged = part[keys].merge(first, how="left", on=keys)
    rank = merged["first"].to_numpy(dtype=np.float64)
    out = part.copy()
    out["rank"] = pd.array(np.where(np.isnan(rank), 0, rank).astype(np.int64), dtype="Int32")
    out.loc[out["index"].isna().to_numpy(), "rank"] = pd.NA
    return out


def _ordinal_places(bucket: pd.DataFrame) -> pd.DataFrame:
    """Places 1…n among the units of one (group, index) value, by chiso's ordinal rule; the
    bucket is put in data-set order first (the rule's fallback for equal names)."""
    bucket = bucket.sort_values(["_partition", "_row"], kind="stable")
    places = _core.ranking.ordinal_places([str(u) for u in bucket["_unit"]])
    return pd.DataFrame({"place": np.asarray(places, dtype=np.int64)}, index=bucket["_unit"].to_numpy())


def evaluate(model: Union[Model, str, Mapping[str, Any]], ddf: "dd.DataFrame",
             applicable: Optional["dd.DataFrame"] = None, groups: Optional[str] = None, *,
             keep: str = "root") -> "dd.DataFrame":
    """Score every unit of a Dask DataFrame (rows = units, index = unit ids, columns including
    the model's :attr:`~chiso.Model.input_columns`). ``applicable``: a Dask DataFrame of booleans
    with the leaf ids as columns, partitioned as ``ddf``. ``groups``: the name of a column of
    ``ddf`` holding each unit's group. ``keep``: ``"root"`` (index, rank, band, group), or
    ``"inner"``/``"all"`` to add each node's points as ``points:<node>`` columns.

    Returns a Dask DataFrame partitioned as ``ddf``. Building it scores every partition (kept
    in the workers' memory, ``persist``) and runs the one reduction the ranks need (counts per
    group and index value); the ranks are attached lazily."""
    model = model if isinstance(model, Model) else load_model(model)
    if keep not in ("root", "inner", "all"):
        raise ParameterError(f"keep must be 'root', 'inner' or 'all', got {keep!r}",
                             id="dask.keep")
    missing = [c for c in model.input_columns if c not in ddf.columns]
    if missing:
        raise DataError(f"the data has no input columns {missing[:5]} (of "
                        f"{len(missing)} missing)", id="dask.columns", criterion=missing[0])
    if groups is not None and groups not in ddf.columns:
        raise DataError(f"the data has no group column {groups!r}", id="dask.groups")
    if applicable is not None:  # its columns are matched to the leaves by name, its rows by unit id
        from .model import _input_positions
        _input_positions(list(applicable.columns), model.leaf_ids, "applicable")
    if applicable is not None and applicable.npartitions != ddf.npartitions:
        raise DataError(f"applicable has {applicable.npartitions} partitions, the data "
                        f"{ddf.npartitions}: partition them alike", id="dask.applicable")
    ties = _core.ranking.tie_rule(model._core)
    ordinal = ties == "ordinal"
    rank_group = groups if model._core.rank_by == "group" else None
    text = dask.delayed(model.to_json(), pure=True)  # one task: each worker fetches it once

    meta = _score_partition(ddf._meta, None if applicable is None else applicable._meta, model.to_json(), groups,
                            keep, ordinal)
    if applicable is None:
        scored = ddf.map_partitions(_score_partition, None, text, groups, keep, ordinal, meta=meta)
    else:
        scored = dd.map_partitions(_score_partition, ddf, applicable, text, groups, keep, ordinal, meta=meta,
                                   align_dataframes=False)

    # Scored once: the counts and the ranks read the same kept partitions (index, band, group:
    # a few tens of bytes per unit).
    scored = scored.persist()
    keys = ["group", "index"] if rank_group else ["index"]
    counts = scored[keys].dropna(subset=["index"]).groupby(keys).size().compute()
    first = _first_ranks(model, counts, bool(rank_group))

    ranked = scored.map_partitions(_attach_ranks, first, rank_group, meta=meta)
    if ordinal:
        triples = ranked[keys + ["_partition", "_row"]].dropna(subset=["index"]).assign(_unit=ranked.index)
        places = triples.groupby(keys, group_keys=False).apply(_ordinal_places, meta={"place": "int64"})
        ranked = ranked.join(places, how="left")
        ranked["rank"] = (ranked["rank"] + ranked["place"].astype("Int32") - 1).astype("Int32")
        ranked = ranked.drop(columns=["place", "_partition", "_row"])
    return ranked


def _first_ranks(model: Model, counts: pd.Series, grouped: bool) -> pd.DataFrame:
    """(group, index) → the rank of the first unit with that index in that group."""
    frames = []
    parts: List[Tuple[Any, pd.Series]] = list(counts.groupby(level=0)) if grouped else [(None, counts)]
    for label, part in parts:
        values = part.index.get_level_values(-1).to_numpy(dtype=np.float64)
        first = _core.ranking.rank_value_counts(model._core, values, part.to_numpy(dtype=np.int64))
        frame = pd.DataFrame({"index": values, "first": np.asarray(first, dtype=np.int64)})
        if grouped:
            frame.insert(0, "group", label)
        frames.append(frame)
    columns = (["group"] if grouped else []) + ["index", "first"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


# Uncertainty and sensitivity in blocks ----------------------------------------------------------
def _worker_analysis(spec: Tuple[Any, Any, Sequence[Mapping[str, Any]], Optional[Sequence[str]]],
                     key: str) -> CompositeAnalysis:
    if key not in _built:
        hierarchy, data, assumptions, units = spec
        _built[key] = CompositeAnalysis(hierarchy, data, assumptions, units=units)
    return _built[key]


def _run_block(spec: Any, key: str, rows: np.ndarray, seed: int, target: str, output: str,
               unit: str) -> Dict[str, Any]:
    analysis = _worker_analysis(spec, key)
    return _core.replications.run_rows(analysis._core, rows, seed, target=target, output=output, output_unit=unit,
                                       threads=1)


def _blocks(sample: np.ndarray, blocks: int) -> List[np.ndarray]:
    if blocks < 1:
        raise ParameterError(f"blocks must be at least 1, got {blocks}", id="dask.blocks")
    edges = np.linspace(0, len(sample), min(blocks, len(sample)) + 1).round().astype(int)
    return [np.ascontiguousarray(sample[a:b]) for a, b in zip(edges[:-1], edges[1:])]


def _run_blocks(hierarchy: Any, data: Any, assumptions: Sequence[Mapping[str, Any]], units: Optional[Sequence[str]],
                sample: np.ndarray, seed: int, blocks: int, target: str, output: str, unit: str) -> Dict[str, Any]:
    spec = (hierarchy, data, list(assumptions), None if units is None else list(units))
    key = "analysis:" + dask.base.tokenize(spec)
    shipped = dask.delayed(spec, pure=True)
    parts = dask.compute(*[dask.delayed(_run_block, pure=True)(shipped, key, rows, seed, target, output, unit)
                           for rows in _blocks(sample, blocks)])
    offsets = np.cumsum([0] + [len(p["output"]) for p in parts])
    return {
        "output": np.concatenate([p["output"] for p in parts]),
        "parameters": np.vstack([p["parameters"] for p in parts]),
        "scores": np.hstack([p["scores"] for p in parts]),
        "ranks": np.hstack([p["ranks"] for p in parts]),
        "failed": [int(f) + int(o) for p, o in zip(parts, offsets) for f in p["failed"]],
    }


def _result(raw: Dict[str, Any], units: List[str], assumptions: Sequence[Mapping[str, Any]]) -> AnalysisResult:
    raw.update(units=units, assumptions=[a["name"] for a in assumptions], replications=len(raw["output"]))
    return AnalysisResult(raw)


def uncertainty(hierarchy: Any, data: Any, assumptions: Sequence[Mapping[str, Any]], replications: int, *,
                blocks: int, units: Optional[Sequence[str]] = None, seed: int = 1, target: str = "") -> AnalysisResult:
    """Monte Carlo uncertainty analysis (the arguments of :class:`chiso.CompositeAnalysis`) run
    in ``blocks`` blocks of replications on the Dask scheduler in use. ``output``, ``parameters``,
    ``scores`` and ``ranks`` (units × replications) and ``failed`` are bit-identical to
    ``CompositeAnalysis(...).uncertainty(replications, seed, keep_replications=True)`` for any
    number of blocks and workers: replication r depends only on (seed, r)."""
    local = CompositeAnalysis(hierarchy, data, assumptions, units=units)
    sample = np.asarray(_core.sensitivity.random_sample(replications, len(assumptions), seed))
    raw = _run_blocks(hierarchy, data, assumptions, units, sample, seed, blocks, target, "mean_abs_rank_shift", "")
    return _result(raw, local.units, assumptions)


def sensitivity(hierarchy: Any, data: Any, assumptions: Sequence[Mapping[str, Any]], N: int, *, blocks: int,
                units: Optional[Sequence[str]] = None, seed: int = 1, target: str = "",
                output: str = "mean_abs_rank_shift", unit: str = "", bootstrap: int = 1000,
                lower_p: float = 0.05, upper_p: float = 0.95) -> AnalysisResult:
    """Variance-based sensitivity analysis (the N(d+2) design) in ``blocks`` blocks of
    replications; the Sobol indices are estimated by the core from the gathered outputs, and
    equal ``CompositeAnalysis(...).sensitivity(N, ...)``'s bit for bit."""
    local = CompositeAnalysis(hierarchy, data, assumptions, units=units)
    d = len(assumptions)
    sample = np.asarray(_core.sensitivity.saltelli_sample(N, d, seed))
    raw = _run_blocks(hierarchy, data, assumptions, units, sample, seed, blocks, target, output, unit)
    raw["indices"] = _core.sensitivity.estimate_sobol(raw["output"], N, d, bootstrap=bootstrap, seed=seed,
                                                      lower_p=lower_p, upper_p=upper_p)
    return _result(raw, local.units, assumptions)


# Record-level data ------------------------------------------------------------------------------
def aggregate_records(records: Union["dd.DataFrame", pd.DataFrame], unit: str,
                      numerators: Mapping[str, str], denominators: Mapping[str, str]) -> pd.DataFrame:
    """One row per record (a dossier, a payment, …) → one row per unit of the counts a model
    takes as numerator and denominator inputs. ``numerators``/``denominators`` map each input
    column of the model to a column of ``records``: a boolean (or 0/1) column is counted where
    true; the same column may serve several inputs. One reduction (a grouped sum); the result
    is a small pandas DataFrame indexed by unit, ready for :meth:`chiso.Model.evaluate`."""
    wanted = {**numerators, **denominators}
    absent = sorted({c for c in wanted.values() if c not in records.columns} | ({unit} - set(records.columns)))
    if absent:
        raise DataError(f"the records have no columns {absent}", id="dask.record_columns")
    columns = sorted(set(wanted.values()))
    sums = records[[unit] + columns].groupby(unit).sum()
    if isinstance(sums, dd.DataFrame):
        sums = sums.compute()
    out = pd.DataFrame({name: sums[column].to_numpy(dtype=np.float64) for name, column in wanted.items()},
                       index=sums.index.astype(str).rename("unit"))
    return out.sort_index()
