"""Arrow in, Arrow out: pyarrow Tables and polars DataFrames as inputs of Model.evaluate, and a
Result's tables as pyarrow Tables. Conversion only; pyarrow and polars are imported when used."""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from .errors import DataError

__all__ = ["is_arrow_like", "input_columns", "scores_table", "wide_table"]


def is_arrow_like(data: Any) -> bool:
    """A pyarrow Table or RecordBatch, or a polars DataFrame (without importing either)."""
    module = type(data).__module__
    name = type(data).__name__
    if module.startswith("pyarrow") and name in ("Table", "RecordBatch"):
        return True
    return module.startswith("polars") and name == "DataFrame"


def input_columns(data: Any) -> Dict[str, np.ndarray]:
    """The columns of an Arrow table (or a polars frame, through Arrow) as float64 arrays. A
    float64 column in one chunk without nulls is a view of the Arrow buffer (no copy); nulls
    become NaN (missing); integer, decimal and boolean columns are converted; any other type is a
    DataError naming the column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if type(data).__module__.startswith("polars"):
        data = data.to_arrow()
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    out: Dict[str, np.ndarray] = {}
    for name, column in zip(data.column_names, data.columns):
        kind = column.type
        if not (pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind)
                or pa.types.is_boolean(kind) or pa.types.is_null(kind)):
            raise DataError(f"column {name!r} holds {kind}, not numbers",
                            id="data.not_a_number", criterion=name)
        if pa.types.is_float64(kind) and column.null_count == 0 and column.num_chunks == 1:
            out[name] = column.chunk(0).to_numpy(zero_copy_only=True)
            continue
        as_float = pc.cast(column, pa.float64()) if not pa.types.is_float64(kind) else column
        out[name] = as_float.to_numpy(zero_copy_only=False)  # nulls → NaN; chunks joined (one copy, read-only)
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


