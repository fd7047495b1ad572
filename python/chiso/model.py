"""Models: load, build, inspect, save, evaluate.

A :class:`Model` is parsed and validated once (by the C++ core) and compiled once; evaluate it as
often as needed. Every rule lives in the C++ core: this module only converts.
"""
from __future__ import annotations

import json
import math
import numbers
import os
import warnings
import weakref
from typing import Any, Dict, Hashable, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _arrow, _core, models
from .errors import ArgumentTypeError, DataError, InputWarning, ModelError
from .result import Result

__all__ = ["Model", "load_model", "leaf", "inner", "rules"]

JSONSource = Union[str, "os.PathLike[str]", Mapping[str, Any]]


def load_model(source: JSONSource) -> "Model":
    """Load a model from a file path, a JSON string or a dict (as parsed from JSON).

    A string whose first non-blank character is ``{`` or ``[`` is JSON text; any other string is
    a path, or the id of a bundled model (``chiso.models.names()``) when no such file exists. A
    model is a JSON object: a JSON list is a :class:`ModelError`."""
    if isinstance(source, Mapping):
        return Model(_core.Model.from_json(_json_text(source)))
    if isinstance(source, os.PathLike):
        return Model(_core.Model.load(os.fspath(source)))
    if isinstance(source, str):
        start = source.lstrip()[:1]
        if start == "{":
            return Model(_core.Model.from_json(source))
        if start == "[":
            try:
                _core.Model.from_json(source)
            except ModelError as error:
                if error.id != "model.type":
                    raise  # not JSON at all: the parser's line and column
            raise ModelError("/: a model is a JSON object ({\"format\": \"chiso-model/1\", …}),"
                             " got a JSON list", id="model.type", path="/")
        return Model(_core.Model.load(os.fspath(models.file_of(source))))
    raise ArgumentTypeError(f"load_model takes a path, a JSON string or a dict, not {type(source).__name__}",
                            id="parameter.model_source")


def _json_text(document: Mapping[str, Any]) -> str:
    """JSON text of a model given as a dict, refusing what JSON cannot hold (NaN, infinities,
    keys that are not text, objects that are not JSON values) with the JSON path of the value."""
    return json.dumps(_plain_json(document, "", 1), ensure_ascii=False, allow_nan=False)


def _plain_json(value: Any, path: str, depth: int) -> Any:
    """``value`` as plain JSON values; ``depth`` counts the objects and lists it is in (itself
    included), held to the limit the core holds JSON text to."""
    where = path or "/"
    if isinstance(value, (Mapping, list, tuple)) and depth > _core.max_model_json_nesting:
        raise ModelError(f"{where}: JSON nested deeper than {_core.max_model_json_nesting} levels",
                         id="model.depth", path=where)
    if isinstance(value, str):
        _check_utf8(value, where)
        return value
    if value is None or isinstance(value, (bool, np.bool_)):
        return bool(value) if isinstance(value, np.bool_) else value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ModelError(f"{where}: expected a finite number, got {float(value)!r}"
                             " (JSON has no NaN or infinity)", id="model.type", path=where)
        return float(value)
    if isinstance(value, Mapping):
        plain = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ModelError(f"{where}: keys of a JSON object are text, got {key!r}",
                                 id="model.type", path=where)
            _check_utf8(key, where)
            plain[key] = _plain_json(item, path + "/" + key.replace("~", "~0").replace("/", "~1"), depth + 1)
        return plain
    if isinstance(value, (list, tuple)):
        return [_plain_json(item, f"{path}/{i}", depth + 1) for i, item in enumerate(value)]
    raise ModelError(f"{where}: expected a JSON value (object, list, text, number,"
                     f" true, false or null), got {type(value).__name__} {value!r}", id="model.type", path=where)


def _check_utf8(text: str, where: str) -> None:
    """Text that UTF-8 cannot hold (a lone surrogate such as "\\udcff", left by decoding bytes
    with errors="surrogateescape") is a ModelError naming the JSON path and the position."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ModelError(f"{where}: text is not valid UTF-8 (character {error.start + 1} is a lone surrogate"
                         f" {text[error.start]!r}); decode the source with its real encoding",
                         id="model.utf8", path=where) from None


class Model:
    """A validated, compiled criteria tree (bộ chỉ số)."""

    __slots__ = ("_core", "_leaf_ids", "_input_columns", "_composite")

    def __init__(self, core: "_core.Model") -> None:
        self._core = core
        # Asked for on every evaluation.
        self._leaf_ids = tuple(core.leaf_ids)
        self._input_columns = tuple(core.input_columns)
        self._composite = bool(core.composite)

    # Building -------------------------------------------------------------------------------
    @classmethod
    def from_tree(cls, id: str, root: Mapping[str, Any], *, name: str = "", **settings: Any) -> "Model":
        """Build a model from a root node made with :func:`inner` and :func:`leaf`.

        ``settings`` are the model fields of the file format (``scale``, ``rounding``,
        ``ranking``, ``missing``, ``bands``, ``clamp``, ``description``, ``meta``).
        """
        document: Dict[str, Any] = {"format": "chiso-model/1", "id": id, "name": name}
        document.update(settings)
        document["root"] = dict(root)
        return load_model(document)

    # Identity and structure -----------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._core.id

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def description(self) -> str:
        return self._core.description

    @property
    def scale(self) -> float:
        return self._core.scale

    @property
    def bands(self) -> List[tuple]:
        """``(min, label)`` pairs, highest first."""
        return list(self._core.bands)

    @property
    def leaf_ids(self) -> List[str]:
        """Leaf (criterion) ids in input-column order."""
        return list(self._leaf_ids)

    @property
    def input_columns(self) -> List[str]:
        """The columns of the inputs, in order: a leaf's id, or ``<leaf id>.<input>`` for each
        named input of a leaf (``"inputs": [...]`` in the file). Equal to :attr:`leaf_ids` when
        every leaf takes one input."""
        return list(self._input_columns)

    @property
    def node_ids(self) -> List[str]:
        """Every node id, in file order (a parent before its children)."""
        return [record["id"] for record in self._core.nodes()]

    def nodes(self) -> pd.DataFrame:
        """One row per node: id, name, parent, depth, path, is_leaf, max, weight, description,
        aggregate, rule (its kind), rule_text (the rule in words), source, inputs (named inputs of
        a leaf), round, points_min, points_max."""
        frame = pd.DataFrame(self._core.nodes())
        return frame.set_index("id")

    # Serialisation ----------------------------------------------------------------------------
    def to_json(self, path: Optional[Union[str, "os.PathLike[str]"]] = None) -> str:
        """The model as JSON text (lossless); also written to ``path`` when given, whole or not at
        all."""
        text = self._core.to_json()
        if path is not None:
            from .io import write_bytes
            write_bytes(path, text.encode("utf-8"))
        return text

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self._core.to_json())

    def __getstate__(self) -> str:
        return self._core.to_json()

    def __setstate__(self, state: str) -> None:
        self.__init__(_core.Model.from_json(state))  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and self._core == other._core

    def __hash__(self) -> int:
        return hash(self._core.to_json())

    # Display ----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        lines = [f"<chiso.Model {self.id!r}: {self.name}>"]
        for record in self._core.nodes():
            indent = "  " * (record["depth"] + 1)
            lines.append(f"{indent}{record['id']}  {record['name']}  [{self._core.describe(record['id'])}]")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .reports.notebook import model_html  # the tree as collapsible sections
        return model_html(self)

    # Evaluation -------------------------------------------------------------------------------
    @property
    def composite(self) -> bool:
        """True for a composite index (its leaves are ``indicator`` rules): the composite toolkit
        (``chiso.analysis``) normalises and aggregates it; :meth:`evaluate` refuses it."""
        return bool(self._core.composite)

    def require_scorable(self) -> None:
        """Raise :class:`ModelError` ``model.composite`` if this model is a composite index."""
        self._core.require_scorable()

    def evaluate(
        self,
        data: Union[pd.DataFrame, np.ndarray, Mapping[str, Any]],
        applicable: Optional[Union[pd.DataFrame, np.ndarray]] = None,
        groups: Optional[Union[pd.Series, Sequence[Any], np.ndarray]] = None,
        *,
        units: Optional[Sequence[Any]] = None,
        columns: Optional[Sequence[str]] = None,
        keep: str = "all",
        threads: int = 0,
    ) -> Result:
        """Score every unit.

        Everything is matched by name (FORMAT.md, "Alignment by name"): the data's columns to the
        model's :attr:`input_columns` and the mask's to its :attr:`leaf_ids`, in any order (other
        columns are ignored), and a mask's or groups' rows to the data's units by unit id.

        ``data``: a DataFrame (rows = units, index = unit ids, columns including
        :attr:`input_columns`), a 2-D array (its columns named by ``columns``, default
        :attr:`input_columns` in order; a structured array's fields are its columns), a mapping of
        input column → 1-D array (float64 and float32 ones are read without copying), or a pyarrow
        Table or polars DataFrame (float64 and float32 columns in one chunk without nulls are read
        without copying; nulls are
        missing). NaN is a missing input. ``units``: unit ids for an array, a mapping or an Arrow
        table (default 0, 1, …). ``applicable``: booleans, units × leaves: a DataFrame with leaf ids
        as columns (its rows matched to the units by index: every unit once), a mapping of leaf id
        → 1-D array, a pyarrow Table or polars DataFrame (rows in the data's order), or a 2-D array
        in leaf order; default: everything applies. ``groups``: unit → group (a Series matched to
        the units by index, every unit once, or one value per row). ``keep``: whose
        points/max/score to keep: ``"all"`` nodes, ``"inner"`` nodes, or the ``"root"`` only.
        Accepted dtypes: floats, integers and booleans (numpy or pandas' nullable ``Float64``,
        ``Int64``, ``boolean``: <NA> is missing), and object columns holding only real numbers
        and missing values (None, NaN, <NA>). Text (even ``"5"``), complex numbers, dates and
        categories are a :class:`DataError` naming the column (and the unit, for a cell).
        float64 and float32 inputs are read where they are, in C or Fortran order (float32 is
        converted to float64 a block of units at a time, exactly); other dtypes are converted once. The GIL is released while scoring more than 16 units. A ``percent`` rate
        column whose values all lie in [0, 1] (not only 0 and 1) gives an :class:`InputWarning`:
        percentages typed as fractions would score as under 1 %.
        """
        if self._composite:  # refused before its inputs are read
            self._core.require_scorable()
        if (type(data) is np.ndarray and applicable is None and groups is None and units is None and columns is None
                and data.ndim == 2 and data.shape[1] == len(self._input_columns) and data.dtype.kind in _REAL_KINDS):
            # Real numbers in input-column order and nothing to match by name: what the general path
            # below passes on for such an array, without its steps (a unit scored in a loop).
            codes = labels = None
            unit_index: Union[pd.Index, range] = range(data.shape[0])
            core_result = _core.evaluate(self._core, data, None, None, None, unit_index, keep, threads, None)
        else:
            values, columns, unit_index, converted = _numeric_inputs(data, self._input_columns, units, columns)
            _check_unit_labels(unit_index)
            mask, mask_columns = (None, None) if applicable is None else _mask(applicable, unit_index, self._leaf_ids)
            codes, labels = (None, None) if groups is None else _group_codes(groups, unit_index)
            # Positional (model, values, applicable, groups, columns, unit_names, keep, threads,
            # applicable_columns, inputs_are_chisos): pybind11 matching keywords by name costs ~1 µs.
            core_result = _core.evaluate(self._core, values, mask, codes, columns, unit_index, keep, threads,
                                         mask_columns, converted)
        for name in core_result.percent_typed_as_fraction:
            warnings.warn(InputWarning(
                f"criterion '{name}' takes a rate in percent (0–100), but all its values lie in [0, 1]:"
                " percentages typed as fractions? 0.96 scores as 0.96 %, not 96 %", criterion=name), stacklevel=2)
        return Result(core_result, unit_index, codes, labels, self)


# Input conversion: every form of `data` that evaluate takes becomes either one 2-D array (with
# the position of each input column) or one 1-D array per input column, of real numbers.
def _numeric_inputs(data: Any, inputs: Sequence[str], units: Optional[Sequence[Any]],
                    names: Optional[Sequence[str]] = None):
    """(values, columns, unit index, converted) for the core: values is a 2-D array whose column for
    input ``i`` is ``columns[i]`` (None: ``i``), or a list of 1-D arrays in input order; converted:
    values is a 2-D array made here (no one else holds it). ``names``: the columns of a 2-D array."""
    if isinstance(data, np.ndarray) and data.dtype.names is None:  # first: a single unit scored in a loop
        return _array_inputs(data, inputs, units, names)
    if names is not None:
        raise ArgumentTypeError("columns= names the columns of a 2-D array; a "
                                f"{type(data).__name__} names its own", id="parameter.columns")
    if isinstance(data, np.ndarray):  # a structured array: its fields are its columns
        data = {name: data[name] for name in data.dtype.names}
    if _arrow.is_arrow_like(data):  # a pyarrow Table or a polars DataFrame: its columns, through Arrow
        data = _arrow.input_columns(data, inputs)
    if isinstance(data, pd.DataFrame):
        return _frame_inputs(data, inputs)
    if isinstance(data, Mapping):
        positions = _input_positions(list(data.keys()), inputs, "data")
        arrays = list(data.values())
        values = [_real_column(arrays[i], inputs[k], units) for k, i in enumerate(positions)]
        rows = len(values[0]) if values else 0
        return values, None, _unit_index(units, rows), False
    return _array_inputs(np.asarray(data), inputs, units)


def _frame_inputs(data: pd.DataFrame, inputs: Sequence[str]):
    columns = _input_positions(data.columns, inputs, "data")
    dtypes = data.dtypes.to_numpy()  # once: each .dtypes builds a Series
    floats = [isinstance(d, np.dtype) and d.kind == "f" and d.itemsize for d in dtypes[columns]]
    if 4 in floats and all(size in (4, 8) for size in floats):
        # float32 columns (a Parquet file's, in Dask partitions) are read where they are, column
        # by column: a 2-D array of them would be a float64 copy (or a float32 one, for a subset
        # of the frame's columns).
        return [data.iloc[:, position].to_numpy() for position in columns], None, data.index, False
    if len(data.columns) != len(inputs):  # other columns (names, notes…) are not converted
        data = data.iloc[:, columns]
        dtypes = dtypes[columns]
        columns = np.arange(len(inputs), dtype=np.int64)
    unit_index = data.index
    nullable = False
    # A column of another dtype than float64: pandas makes a new array of them all.
    converted = any(dtypes[position] != np.float64 for position in columns)
    for position in columns:
        dtype = dtypes[position]
        if isinstance(dtype, np.dtype) and dtype.kind in _REAL_KINDS:
            continue
        name = str(data.columns[position])
        if isinstance(dtype, np.dtype) and dtype.kind == "O":
            _check_real_objects(data.iloc[:, position].to_numpy(), name, unit_index)
            nullable = True  # may hold <NA>
        elif _is_nullable_real(dtype):
            nullable = True
        else:
            _refuse_dtype(dtype, name, data.iloc[:, position].to_numpy(), unit_index)
    if not len(data.columns):
        values = np.empty((len(data), 0))
    elif nullable:  # column by column: <NA> becomes NaN (a missing input)
        values = np.empty(data.shape, order="F")
        for j in range(data.shape[1]):
            values[:, j] = data.iloc[:, j].to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = data.to_numpy(dtype=np.float64, copy=False)
    return values, columns, unit_index, converted


def _array_inputs(values: np.ndarray, inputs: Sequence[str], units: Optional[Sequence[Any]],
                  names: Optional[Sequence[str]] = None):
    positions = None
    if names is not None:
        if values.ndim != 2 or values.shape[1] != len(names):
            raise DataError(f"inputs must be a 2-D array of units × {len(names)} columns (as many as"
                            f" columns= names), got shape {values.shape}", id="data.shape")
        positions = _input_positions(names, inputs, "data")
    elif values.ndim != 2 or values.shape[1] != len(inputs):
        raise DataError(
            f"inputs must be a 2-D array of units × {len(inputs)} input columns"
            f" (in the model's input-column order, or named by columns=), got shape {values.shape}",
            id="data.shape",
        )
    unit_index = _unit_index(units, values.shape[0])
    converted = values.dtype.kind not in _REAL_KINDS
    if converted:
        for k, name in enumerate(inputs):
            j = k if positions is None else int(positions[k])
            if values.dtype.kind == "O":
                _check_real_objects(values[:, j], name, unit_index)
            else:
                _refuse_dtype(values.dtype, name, values[:, j], unit_index)
        values = values.astype(np.float64)
    return values, positions, unit_index, converted


_REAL_KINDS = "biuf"  # numpy kinds taken as numbers: bool, signed and unsigned integers, floats


def _is_nullable_real(dtype: Any) -> bool:
    """pandas' nullable Int*, UInt*, Float* and boolean dtypes, and their pyarrow-backed
    counterparts (<NA> is a missing value)."""
    types = pd.api.types
    return types.is_extension_array_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype) and (
        types.is_integer_dtype(dtype) or types.is_float_dtype(dtype) or types.is_bool_dtype(dtype))


def _real_column(array: Any, name: str, units: Optional[Sequence[Any]]) -> np.ndarray:
    column = np.asarray(array)
    if column.dtype.kind in _REAL_KINDS:
        return column
    unit_index = _unit_index(units, len(column)) if column.ndim == 1 else range(0)
    if column.dtype.kind == "O" and column.ndim == 1:
        _check_real_objects(column, name, unit_index)
        return column.astype(np.float64)
    _refuse_dtype(column.dtype, name, column, unit_index)
    raise AssertionError("unreachable")  # pragma: no cover


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _check_real_objects(cells: np.ndarray, name: str, units: pd.Index) -> None:
    """Object cells must be real numbers or missing values; the first other cell is named."""
    for row, value in enumerate(cells):
        if isinstance(value, numbers.Real) or _is_missing(value):
            continue
        unit = units[row] if row < len(units) else row
        raise DataError(f"unit '{unit}', criterion '{name}': expected a number,"
                        f" got {_describe_cell(value)}", id="data.type", unit=str(unit), criterion=name)


def _describe_cell(value: Any) -> str:
    if isinstance(value, (str, np.str_)):
        return f"the text {str(value)!r} (numbers written as text are not converted: use pd.to_numeric)"
    if isinstance(value, (complex, np.complexfloating)):
        return f"the complex number {value!r}"
    return f"{type(value).__name__} {value!r}"


def _refuse_dtype(dtype: Any, name: str, cells: np.ndarray, units: pd.Index) -> None:
    """A column of a dtype that is not taken: name the first offending cell when it has one."""
    kind = getattr(dtype, "kind", "")
    if kind in ("U", "S", "O") or pd.api.types.is_string_dtype(dtype):
        for row, value in enumerate(cells):
            if not _is_missing(value):
                unit = units[row] if row < len(units) else row
                raise DataError(f"unit '{unit}', criterion '{name}': expected a number,"
                                f" got {_describe_cell(value)}", id="data.type", unit=str(unit), criterion=name)
    what = {"c": "complex numbers", "M": "dates", "m": "durations"}.get(kind, f"values of dtype {dtype}")
    raise DataError(f"criterion '{name}': the column holds {what}; inputs are real"
                    " numbers (floats, integers or booleans)", id="data.type", criterion=name)


def _unit_index(units: Optional[Sequence[Any]], rows: int) -> Union[pd.Index, range]:
    """The unit ids: given, or the row numbers 0, 1, … as a range (made a pandas index only when
    something asks for one: a one-unit call in a loop never does)."""
    if units is None:
        return range(rows)
    try:
        index = units if isinstance(units, pd.Index) else pd.Index(units)  # an index is immutable: kept as it is
    except UnicodeEncodeError:  # text that Arrow cannot hold (a lone surrogate), refused by name later
        index = pd.Index(units, dtype=object)
    if len(index) != rows:
        raise DataError(f"{len(index)} unit ids for {rows} rows of inputs", id="data.shape")
    return index


def _input_positions(columns: Sequence[Any], wanted: Sequence[str], what: str) -> np.ndarray:
    """Position of each wanted column (input columns, or leaf ids for a mask) among the given
    columns, matched by name (chiso::column_map); other columns are ignored, a wanted column absent
    or given twice is a DataError naming it."""
    names = [c if isinstance(c, str) else str(c) for c in columns]
    return np.asarray(_core.column_map(list(wanted), names, what), dtype=np.int64)


def _as_unit_index(units: Union[pd.Index, range]) -> pd.Index:
    """The unit ids as a pandas index (row numbers as a RangeIndex named "unit")."""
    return pd.RangeIndex(units.start, units.stop, name="unit") if isinstance(units, range) else units


def _mask(applicable: Any, units: Union[pd.Index, range], leaf_ids: Sequence[str]):
    """The mask as units × columns booleans and the column of each leaf (None: leaf order). A
    DataFrame's rows are matched to the units by index; other forms' rows are the units' rows."""
    if applicable is None:
        return None, None
    units = _as_unit_index(units)
    if _arrow.is_arrow_like(applicable):
        applicable = _arrow.mask_columns(applicable, leaf_ids)
    if isinstance(applicable, pd.DataFrame):
        positions = _input_positions(applicable.columns, leaf_ids, "applicable")
        dtypes = applicable.dtypes.to_numpy()  # once: each .dtypes builds a Series
        for position in positions:
            if dtypes[position] != np.bool_:
                raise DataError(f"applicable: column {str(applicable.columns[position])!r} must hold booleans"
                                " (True = applies)", id="data.applicable", criterion=str(applicable.columns[position]))
        if not applicable.index.equals(units):
            applicable = applicable.iloc[_rows_of_units(applicable.index, units, "applicable", "data.applicable")]
        return applicable.to_numpy(dtype=np.bool_, copy=False), positions
    if isinstance(applicable, Mapping):
        positions = _input_positions(list(applicable.keys()), leaf_ids, "applicable")
        arrays = list(applicable.values())
        columns = [np.asarray(arrays[i]) for i in positions]
        for leaf, column in zip(leaf_ids, columns):
            if column.dtype != np.bool_ or column.ndim != 1 or len(column) != len(units):
                raise DataError(f"applicable: column {leaf!r} must be {len(units)} booleans (one per unit,"
                                " True = applies)", id="data.applicable", criterion=leaf)
        mask = np.column_stack(columns) if columns else np.ones((len(units), 0), dtype=bool)
        return mask, None
    mask = np.asarray(applicable)
    if mask.dtype != np.bool_:
        raise DataError("the mask must hold booleans (True = applies)", id="data.applicable")
    if mask.ndim != 2 or mask.shape[1] != len(leaf_ids):
        raise DataError(f"the mask must be units × {len(leaf_ids)} leaves"
                        f" (in the model's leaf order; a DataFrame's columns are matched by name),"
                        f" got shape {mask.shape}", id="data.applicable")
    return mask, None


def _rows_of_units(index: pd.Index, units: pd.Index, what: str, error_id: str) -> np.ndarray:
    """The row of each unit in a table indexed by unit id (a mask, groups): every unit once."""
    duplicated = index.duplicated()
    if duplicated.any():
        unit = index[int(np.flatnonzero(duplicated)[0])]
        raise DataError(f"{what}: unit {unit!r} appears twice", id=error_id, unit=str(unit))
    rows = index.get_indexer(units)
    if (rows < 0).any():
        unit = units[int(np.flatnonzero(rows < 0)[0])]
        raise DataError(f"{what}: no row for unit {unit!r} (its rows are matched to the data's units by id)",
                        id=error_id, unit=str(unit))
    return rows


def _group_codes(groups: Any, units: Union[pd.Index, range]):
    """(int32 code of each unit's group, the sorted group labels) for the core; a unit without a
    group, a label that is not one (a list) or a label text chiso refuses is a DataError naming
    the unit."""
    if groups is None:
        return None, None
    units = _as_unit_index(units)
    if isinstance(groups, pd.Series) and not groups.index.equals(units):
        groups = groups.iloc[_rows_of_units(groups.index, units, "groups", "data.groups")]
    # A column as it is (no Python object per unit for text or numbers); a list as objects.
    one_column = (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)
    if not (isinstance(groups, one_column) or (isinstance(groups, np.ndarray) and groups.ndim == 1)
            or _arrow.text_array(groups) is not None):
        groups = pd.Series(list(groups), dtype=object).to_numpy()
    if len(groups) != len(units):
        raise DataError(f"{len(groups)} groups for {len(units)} units", id="data.groups")
    try:
        codes, labels, first_missing = _label_codes(groups)
    except TypeError as error:
        for row, value in enumerate(groups):
            if not isinstance(value, Hashable):
                raise DataError(f"unit '{units[row]}': a group is a label (text or a number),"
                                f" got {type(value).__name__} {value!r}", id="data.groups",
                                unit=str(units[row])) from error
        raise DataError(f"groups must be labels (text or numbers): {error}",
                        id="data.groups") from error
    if first_missing >= 0:
        raise DataError(f"unit {units[first_missing]!r} has no group", id="data.groups",
                        unit=str(units[first_missing]))
    # Labels reach the tables and reports chiso writes: each distinct one checked once.
    problem = _arrow.first_refused_text(np.asarray(labels, dtype=object))
    if problem is not None:
        code, what = problem
        unit = units[int(np.argmax(codes == code))]
        raise DataError(f"unit {unit!r}: group {labels[code]!r} {what}", id="data.text", unit=str(unit))
    return codes, labels


def _label_codes(labels: Any):
    """One label per row → (int32 codes 0…k−1, the k labels, the first row without a label or
    −1; its code is −1). The one rule for the labels' order, whatever door they come in by
    (Model.evaluate's groups, the command line's group column): as pandas' factorize(sort=True)
    orders them (text by code point, numbers by value, a Categorical's as its categories).
    The rows are coded in C++ by first appearance; only the few distinct labels are sorted here."""
    array = labels.array if isinstance(labels, (pd.Series, pd.Index)) else labels
    text = _arrow.text_array(array)
    if text is not None:  # Arrow text: its bytes, never a Python object per row
        codes, first_rows = _arrow.first_appearance_codes(text)
        distinct = (array.take(first_rows) if type(array).__module__.startswith("pandas")
                    else text.take(first_rows).to_numpy(zero_copy_only=False))
    elif isinstance(array, pd.Categorical):  # its codes; the categories give the labels' order
        codes, first_rows = _core.code_labels(array.codes)
        distinct = array.take(first_rows)
    else:
        values = labels.to_numpy() if isinstance(labels, (pd.Series, pd.Index)) else labels
        if not (isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "OUbiuf"):
            # Other types (dates, nullable integers…): pandas codes them, by the same rule.
            codes, sorted_labels = pd.factorize(labels, sort=True)
            missing = np.flatnonzero(codes < 0)
            return (codes.astype(np.int32, copy=False), pd.Index(sorted_labels),
                    int(missing[0]) if len(missing) else -1)
        codes, first_rows = _core.code_labels(values)
        distinct = values[first_rows]
    order, sorted_labels = pd.factorize(distinct, sort=True)  # a missing label (<NA>, NaT) → −1
    first_missing = _core.remap_codes(codes, order.astype(np.int32))
    # Objects stay objects (as pandas' factorize of an object column gives them; text that Arrow
    # cannot hold, a lone surrogate, is then refused by name).
    kept = {"dtype": object} if getattr(sorted_labels, "dtype", None) == object else {}
    return codes, pd.Index(sorted_labels, **kept), first_missing


# Unit indexes already checked as _check_unit_labels checks them, by whoever read them with
# their file's lines to name (the command line): not checked a second time. Held weakly, by
# identity: an index that is let go leaves the registry with it.
_units_checked: "weakref.WeakValueDictionary[int, pd.Index]" = weakref.WeakValueDictionary()


def units_already_checked(units: pd.Index) -> pd.Index:
    """Marks ``units`` as checked (unique ids, no control characters): Model.evaluate takes them
    as they are."""
    _units_checked[id(units)] = units
    return units


def _check_unit_labels(units: Union[pd.Index, range]) -> None:
    """Unit ids name each unit once (the mask's and groups' rows are matched to them, and ranks are
    read by them): an id given twice is a DataError naming it. They reach the tables and reports
    chiso writes: a text id holding a control character, a bidirectional override or a lone
    surrogate is a DataError naming it (the core's rule, detail/text_check.hpp, as for a file's
    unit column)."""
    if isinstance(units, range) or _units_checked.get(id(units)) is units:
        return
    if not units.is_unique:
        unit = units[int(np.flatnonzero(units.duplicated())[0])]
        unit = unit.item() if isinstance(unit, np.generic) else unit  # 3, not np.int64(3)
        raise DataError(f"unit {unit!r} appears twice in the data (a unit is scored once)", id="data.unit",
                        unit=str(unit))
    if units.dtype.kind in "biufcmM":
        return
    problem = _arrow.first_refused_text(units.array)
    if problem is not None:
        unit = units[int(problem[0])]
        raise DataError(f"unit {unit!r} {problem[1]}", id="data.text", unit=str(unit))


# Building models in Python: plain dicts in the file format, validated by the core when the model
# is made (Model.from_tree).
def leaf(id: str, name: str, max: Optional[float], rule: Mapping[str, Any], **fields: Any) -> Dict[str, Any]:
    """A criterion: ``max`` points scored by ``rule`` (see :mod:`chiso.rules`); ``max`` is None for
    deduction and bonus rules."""
    node: Dict[str, Any] = {"id": id, "name": name, "rule": dict(rule)}
    if max is not None:
        node["max"] = max
    node.update(fields)
    return node


def inner(id: str, name: str, children: Iterable[Mapping[str, Any]], aggregate: str = "sum",
          **fields: Any) -> Dict[str, Any]:
    """An area or criterion with sub-criteria, combining its children with ``aggregate``."""
    node: Dict[str, Any] = {"id": id, "name": name, "aggregate": aggregate, "children": [dict(c) for c in children]}
    node.update(fields)
    return node


class rules:  # noqa: N801 - a namespace of rule builders, read as chiso.rules.tiers(...)
    """Builders for the ``rule`` of a leaf (dicts in the file format)."""

    @staticmethod
    def points(step: Optional[float] = None, values: Optional[Sequence[float]] = None) -> Dict[str, Any]:
        rule: Dict[str, Any] = {"kind": "points"}
        if step is not None:
            rule["step"] = step
        if values is not None:
            rule["values"] = list(values)
        return rule

    @staticmethod
    def yes_no() -> Dict[str, Any]:
        return {"kind": "yes_no"}

    @staticmethod
    def tiers(tiers: Sequence[Mapping[str, Any]], unit: str = "fraction",
              direction: str = "higher_is_better") -> Dict[str, Any]:
        return {"kind": "tiers", "unit": unit, "direction": direction, "tiers": [dict(t) for t in tiers]}

    @staticmethod
    def linear(lower: float, upper: float, direction: str = "higher_is_better") -> Dict[str, Any]:
        return {"kind": "linear", "lower": lower, "upper": upper, "direction": direction}

    @staticmethod
    def proportional(unit: str = "fraction", direction: str = "higher_is_better",
                     clamp: bool = False) -> Dict[str, Any]:
        return {"kind": "proportional", "unit": unit, "direction": direction, "clamp": clamp}

    @staticmethod
    def deduction(per: float, cap: float) -> Dict[str, Any]:
        return {"kind": "deduction", "per": per, "cap": cap}

    @staticmethod
    def bonus(per: float, cap: float) -> Dict[str, Any]:
        return {"kind": "bonus", "per": per, "cap": cap}

    @staticmethod
    def formula(expr: str, clamp: bool = False) -> Dict[str, Any]:
        """Points = the value of ``expr`` over the leaf's inputs (its ``inputs`` names, or ``x``);
        ``clamp`` bounds it to [0, max] instead of rejecting it."""
        rule: Dict[str, Any] = {"kind": "formula", "expr": expr}
        if clamp:
            rule["clamp"] = True
        return rule
