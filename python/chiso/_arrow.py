"""Arrow in, Arrow out: pyarrow Tables and polars DataFrames as inputs of Model.evaluate, and a
Result's tables as pyarrow Tables. Conversion only; pyarrow and polars are imported when used."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from . import _core
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


def text_array(values: Any) -> Any:
    """``values`` as one pyarrow string array when they are text in Arrow: a pyarrow array or
    chunked array of strings, or a pandas array of text stored in Arrow (its chunks, not copied
    when there is one); None for anything else."""
    module = type(values).__module__
    if not module.startswith("pyarrow"):
        dtype = getattr(values, "dtype", None)
        in_arrow = (str(getattr(dtype, "storage", "")).startswith("pyarrow")  # StringDtype("pyarrow")
                    or type(dtype).__name__ == "ArrowDtype")
        if not (module.startswith("pandas") and in_arrow and hasattr(values, "__arrow_array__")):
            return None
        values = values.__arrow_array__()
    import pyarrow as pa
    if isinstance(values, pa.ChunkedArray):
        values = values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
    if not isinstance(values, pa.Array) or not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    return values


def _text_layout(text: Any) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], int]:
    """A pyarrow string array's offsets (this array's, as int32 or int64), UTF-8 bytes, validity
    bitmap (None without nulls) and bit offset, as numpy views of its buffers."""
    import pyarrow as pa
    validity, offsets, data = text.buffers()[:3]
    offset_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    if offsets is None:  # an empty array may have no buffers
        return np.zeros(1, dtype=offset_type), np.zeros(0, dtype=np.uint8), None, 0
    offsets_view = np.frombuffer(offsets, dtype=offset_type)[text.offset:text.offset + len(text) + 1]
    bytes_view = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    bitmap = np.frombuffer(validity, dtype=np.uint8) if validity is not None and text.null_count else None
    return offsets_view, bytes_view, bitmap, text.offset


def first_appearance_codes(text: Any) -> Tuple[np.ndarray, np.ndarray]:
    """A pyarrow string array coded by first appearance in C++ (a null: -1): (int32 codes, int64
    row of each code's first appearance)."""
    return _core.code_arrow_texts(*_text_layout(text))


def first_refused_text(values: Any) -> Optional[Tuple[int, str]]:
    """The first text (row, what is wrong) that chiso refuses (the core's rule,
    detail/text_check.hpp), or None: read from the bytes of Arrow text (a pyarrow or Arrow-backed
    pandas array), else from the str cells of a column (other cells, and Arrow columns of other
    types, pass)."""
    text = text_array(values)
    if text is not None:
        offsets, data, _, _ = _text_layout(text)
        return _core.first_text_problem(offsets.astype(np.int64, copy=False), data)
    if type(values).__module__.startswith("pyarrow"):
        return None
    return _core.first_label_problem(np.asarray(values, dtype=object))


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


