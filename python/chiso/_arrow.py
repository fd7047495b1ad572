"""Arrow in, Arrow out: pyarrow Tables and polars DataFrames as inputs of Model.evaluate, and a
Result's tables as pyarrow Tables. Conversion only; pyarrow and polars are imported when used."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import numpy as np

from .errors import DataError

__all__ = ["is_arrow_like", "input_columns", "mask_columns", "scores_table", "wide_table"]


def is_arrow_like(data: Any) -> bool:
    """A pyarrow Table or RecordBatch, or a polars DataFrame (without importing either)."""
    module = type(data).__module__
    name = type(data).__name__
    if module.startswith("pyarrow") and name in ("Table", "RecordBatch"):
        return True
    return module.startswith("polars") and name == "DataFrame"


def _as_table(data: Any) -> Any:
    import pyarrow as pa
    if type(data).__module__.startswith("polars"):
        data = data.to_arrow()
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    return data


def _refuse_duplicates(names: Sequence[str], known: Any, what: str) -> None:
    """A dict keeps one column of a name: a wanted name given twice is refused here."""
    seen = set()
    for name in names:
        if name in seen and name in known:
            raise DataError(f"{what}, criterion {name!r}: the column appears twice", id="data.columns",
                            criterion=name)
        seen.add(name)


def input_columns(data: Any, wanted: Optional[Sequence[str]] = None) -> Dict[str, np.ndarray]:
    """The ``wanted`` columns (default: all) of an Arrow table (or a polars frame, through Arrow)
    as float64 arrays (float32 ones without nulls as float32), by name; the others are only named
    (the caller names a wanted one missing). A float64 or float32 column in one chunk without nulls
    is a view of the Arrow buffer (no copy), one in
    several chunks is joined once; nulls become NaN (missing); integer, decimal and boolean
    columns are converted; any other type is a DataError naming the column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data = _as_table(data)
    known = set(data.column_names if wanted is None else wanted)
    _refuse_duplicates(data.column_names, known, "data")
    out: Dict[str, np.ndarray] = {}
    for name, column in zip(data.column_names, data.columns):
        if name not in known:
            out[name] = np.empty(0)  # kept for its name only: a duplicate of a wanted column shows
            continue
        kind = column.type
        if not (pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind)
                or pa.types.is_boolean(kind) or pa.types.is_null(kind)):
            raise DataError(f"column {name!r} holds {kind}, not numbers",
                            id="data.not_a_number", criterion=name)
        # float32 without nulls stays float32 (the core reads it where it is); a null is a NaN
        # put in a float64 column.
        if not (pa.types.is_float64(kind) or (pa.types.is_float32(kind) and not column.null_count)):
            column = pc.cast(column, pa.float64())
        if column.null_count:
            column = pc.fill_null(column, np.nan)  # a null is a missing input
        # One chunk (a Parquet file of one row group) is read where it is; several are joined by
        # Arrow's concatenation, a copy at memory speed (the core reads one array per column).
        whole = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
        out[name] = whole.to_numpy(zero_copy_only=True)
    return out


def mask_columns(data: Any, leaf_ids: Sequence[str]) -> Dict[str, np.ndarray]:
    """The leaf columns of an Arrow (or polars) applicability mask as numpy booleans, by name;
    a null or a column of another type is a DataError naming the criterion."""
    import pyarrow as pa

    data = _as_table(data)
    known = set(leaf_ids)
    _refuse_duplicates(data.column_names, known, "applicable")
    out: Dict[str, np.ndarray] = {}
    for name, column in zip(data.column_names, data.columns):
        if name in known and (not pa.types.is_boolean(column.type) or column.null_count):
            raise DataError(f"applicable: column {name!r} must hold booleans without nulls (True = applies),"
                            f" got {column.type}{' with nulls' if column.null_count else ''}",
                            id="data.applicable", criterion=name)
        out[name] = column.to_numpy(zero_copy_only=False) if name in known else np.empty(0, dtype=bool)
    return out


def _index_array(units: Any) -> Any:
    import pyarrow as pa
    values = np.asarray(units)
    if values.dtype != object:
        return pa.array(values)
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # ids that are not all text
        return pa.array([str(u) for u in values], type=pa.string())


def scores_table(result: Any, unit_column: str = "unit", units: Any = None) -> Any:
    """``Result.scores`` as a pyarrow Table: unit, index, rank (null where nothing applies),
    band and group (dictionary-encoded). ``units``: an Arrow array of the unit ids to use (the
    input's own column), instead of converting ``result.units``."""
    import pyarrow as pa
    core = result._core
    rank = np.asarray(core.rank)
    columns = {
        unit_column: _index_array(result.units) if units is None else units,
        "index": pa.array(np.asarray(core.index, dtype=np.float64)),
        "rank": pa.array(rank.astype(np.int32), mask=rank == 0),
    }
    labels = [label for _, label in result.model.bands]
    band = np.asarray(core.band)
    if labels:
        columns["band"] = pa.DictionaryArray.from_arrays(pa.array(band.astype(np.int32), mask=band < 0),
                                                         pa.array(labels, type=pa.string()))
    else:
        columns["band"] = pa.nulls(len(band), type=pa.string())
    if result._group_codes is not None:
        columns["group"] = pa.DictionaryArray.from_arrays(pa.array(np.asarray(result._group_codes, dtype=np.int32)),
                                                          pa.array([str(g) for g in result._group_labels]))
    return pa.table(columns)


def wide_table(result: Any, field: str, unit_column: Optional[str] = "unit") -> Any:
    """``points``, ``max`` or ``score`` as a pyarrow Table, one column per node (each a view of
    the result's column-major buffer), the unit ids first."""
    import pyarrow as pa
    matrix = np.asarray(getattr(result._core, field))
    columns = {}
    if unit_column:
        columns[unit_column] = _index_array(result.units)
    for k, node in enumerate(result._core.node_ids):
        columns[node] = pa.array(matrix[:, k])
    return pa.table(columns)


