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
from .sensitivity import AnalysisResult, CompositeAnalysis, _warn_of_failures

try:
    import dask
    import dask.dataframe as dd
except ImportError:  # pragma: no cover - the dask extra is missing
    raise ImportError("chiso.dask needs Dask: pip install chiso[dask]") from None

__all__ = ["evaluate", "uncertainty", "sensitivity", "aggregate_records"]

# Rank group label (None: one ranking of all units) → (index values, how many units hold each).
ValueCounts = Dict[Optional[str], Tuple[np.ndarray, np.ndarray]]
# Rank group label → (sorted index values, the rank of the first unit holding each).
FirstRanks = Dict[Optional[str], Tuple[np.ndarray, np.ndarray]]

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
    """One partition's scores (rank still <NA>), in the task that reads it (map_partitions fuses
    the two; only the columns the model reads are read)."""
    model = _worker_model(text)
    labels = part[group].astype(str) if group else None  # the dtype pandas gives text, in meta and partitions alike
    # One thread: the worker's threads are the parallelism; the core's own would oversubscribe.
    result = model.evaluate(part, applicable=applicable, groups=labels, keep=keep, threads=1)
    core = result._core
    rows = len(part)
    # Codes straight from the core (no bands: every code is -1, none).
    band_codes = np.asarray(core.band) if model.bands else np.full(rows, -1, dtype=np.int8)
    band = pd.Categorical.from_codes(band_codes, dtype=_band_dtype(model))
    out = pd.DataFrame({"index": np.asarray(core.index, dtype=np.float64),
                        "rank": pd.arrays.IntegerArray(np.zeros(rows, np.int32), np.ones(rows, bool)),
                        "band": band}, index=part.index)
    if labels is not None:
        out["group"] = labels.array
        # The evaluation's codes of the labels, kept for counting and ranking by group without
        # coding the labels again (dropped when the ranks are attached).
        out["_group_code"] = result._group_codes
    if keep != "root":
        points = np.asarray(core.points)
        for k, node in enumerate(result.node_ids):
            out[f"points:{node}"] = points[:, k]
    if ordinal:  # the unit's place in the whole data set, for ordinal ties between equal names
        out["_partition"] = np.full(rows, (partition_info or {}).get("number", 0), dtype=np.int64)
        out["_row"] = np.arange(rows, dtype=np.int64)
    return out


def _count_values(scores: pd.DataFrame, rank_group: bool) -> ValueCounts:
    """How many units of a scored partition hold each (rank group, index value): what the global
    ranks need, counted on the worker that keeps the scores."""
    index = scores["index"].to_numpy(dtype=np.float64)
    counts: ValueCounts = {}
    for label, members in _members(scores, rank_group):
        # Counted by hashing, unsorted (4 times faster than np.unique's sort of the partition,
        # measured); the reduction sorts the few distinct values of all partitions once.
        counted = pd.Series(index[members], copy=False).value_counts(sort=False)
        counts[label] = (counted.index.to_numpy(dtype=np.float64), counted.to_numpy(dtype=np.int64))
    return counts


def _members(scores: pd.DataFrame, rank_group: bool) -> List[Tuple[Optional[str], np.ndarray]]:
    """(rank group label, positions of its scored units) for each rank group of a partition;
    units without an index (not scorable) are in none."""
    scored = ~np.isnan(scores["index"].to_numpy(dtype=np.float64))
    if not rank_group:
        return [(None, np.flatnonzero(scored))]
    # Codes 0…k of the partition's labels (every one held by some unit), from its evaluation.
    codes = scores["_group_code"].to_numpy()
    group = scores["group"]
    members = []
    for code in range(int(codes.max()) + 1 if len(codes) else 0):
        in_group = codes == code
        members.append((str(group.iat[int(np.argmax(in_group))]), np.flatnonzero(scored & in_group)))
    return members


def _first_ranks(text: str, *partition_counts: ValueCounts) -> FirstRanks:
    """The one reduction: the value counts of all partitions summed per rank group, and turned by
    chiso's ranking into the rank of the first unit holding each value."""
    model = _worker_model(text)
    gathered: Dict[Optional[str], List[Tuple[np.ndarray, np.ndarray]]] = {}
    for counts in partition_counts:
        for label, pair in counts.items():
            gathered.setdefault(label, []).append(pair)
    first: FirstRanks = {}
    for label, pairs in gathered.items():
        values, inverse = np.unique(np.concatenate([v for v, _ in pairs]), return_inverse=True)
        totals = np.zeros(len(values), dtype=np.int64)
        np.add.at(totals, inverse, np.concatenate([c for _, c in pairs]))
        first[label] = (values, np.asarray(_core.ranking.rank_value_counts(model._core, values, totals), np.int64))
    return first


def _attach_ranks(scored: pd.DataFrame, first: FirstRanks, rank_group: bool) -> pd.DataFrame:
    """Each unit's rank: the first rank of its (group, index) value, from the reduction."""
    out = scored.drop(columns=["_group_code"], errors="ignore")  # the kept scores stay as they are
    index = out["index"].to_numpy(dtype=np.float64)
    rank = np.zeros(len(out), dtype=np.int32)
    known = np.zeros(len(out), dtype=bool)
    for label, members in _members(scored, rank_group):
        values, first_rank = first[label]
        # A hash lookup of values the reduction saw (every unit's value was counted): exact.
        rank[members] = first_rank[pd.Index(values).get_indexer(index[members])]
        known[members] = True
    out["rank"] = pd.arrays.IntegerArray(rank, ~known)
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
    text = model.to_json()
    shipped = dask.delayed(text, pure=True)  # one task: each worker fetches it once

    # Only the columns the model reads (a read_parquet collection then reads only those), scored
    # in the task that reads the partition.
    data = ddf[list(dict.fromkeys(list(model.input_columns) + ([groups] if groups else [])))]
    scored_meta = _score_partition(data._meta, None if applicable is None else applicable._meta, text, groups, keep,
                                   ordinal)
    meta = scored_meta.drop(columns=["_group_code"], errors="ignore")
    scored = data.map_partitions(_score_partition, applicable, shipped, groups, keep, ordinal, meta=scored_meta,
                                 align_dataframes=False, enforce_metadata=False).to_delayed()
    count = dask.delayed(_count_values, pure=True)
    first = dask.delayed(_first_ranks)(shipped, *[count(s, bool(rank_group)) for s in scored])
    # Scored once and kept in the workers' memory (index, band, group: a few tens of bytes per
    # unit) with the reduction; the ranks are attached from them without reading the data again.
    # On a distributed cluster persist returns at once: nothing waits for the reduction here.
    scored, first = dask.persist(scored, first)
    attach = dask.delayed(_attach_ranks)
    divisions = ddf.divisions if ddf.known_divisions else None
    ranked = dd.from_delayed([attach(s, first, bool(rank_group)) for s in scored], meta=meta,
                             divisions=divisions, verify_meta=False)
    if ordinal:
        keys = ["group", "index"] if rank_group else ["index"]
        triples = ranked[keys + ["_partition", "_row"]].dropna(subset=["index"]).assign(_unit=ranked.index)
        places = triples.groupby(keys, group_keys=False).apply(_ordinal_places, meta={"place": "int64"})
        ranked = ranked.join(places, how="left")
        ranked["rank"] = (ranked["rank"] + ranked["place"].astype("Int32") - 1).astype("Int32")
        ranked = ranked.drop(columns=["place", "_partition", "_row"])
    return ranked


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
        "failures": _failures(parts, offsets),
        "failure_counts": _failure_counts(parts),
    }


def _failures(parts: Sequence[Dict[str, Any]], offsets: np.ndarray) -> Dict[str, list]:
    """Why each replication failed, the blocks' lists joined, replications counted from the first
    block's first."""
    columns = ["replication", "node", "method", "unit", "child", "value"]
    joined: Dict[str, list] = {c: [] for c in columns}
    for part, offset in zip(parts, offsets):
        for column in columns:
            values = list(part["failures"][column])
            joined[column] += [int(v) + int(offset) for v in values] if column == "replication" else values
    return joined


def _failure_counts(parts: Sequence[Dict[str, Any]]) -> Dict[str, list]:
    """Replications and failures per assumption and alternative (columns), summed over the blocks
    (every block lists the same rows in the same order)."""
    if not parts:
        return {}
    counts = {column: list(values) for column, values in parts[0]["failure_counts"].items()}
    for part in parts[1:]:
        for column in ("replications", "failed"):
            counts[column] = [total + n for total, n in zip(counts[column], part["failure_counts"][column])]
    return counts


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
    return _warn_of_failures(_result(raw, local.units, assumptions))


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
    return _warn_of_failures(_result(raw, local.units, assumptions))


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
