"""Tables in files, for the command line and reporting pipelines: CSV, Excel (.xlsx), Parquet and
JSON records, read and written with errors that name the file and the line.

Numbers are written as the model rounds them: a float is written as the shortest text that reads
back to it after rounding to 12 significant digits, so 5.96 - a difference of two 2-decimal
values - is written ``5.96``, never ``5.959999999999994``.
"""
from __future__ import annotations

import io as _io
import json
import os
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = ["FORMATS", "STDIO", "TableOptions", "format_of", "read_bytes", "decode", "read_table", "read_arrow",
           "read_parquet_path", "numeric_columns", "row_name", "clean_floats", "write_table", "write_arrow",
           "write_tables", "require_pyarrow"]

FORMATS = ("csv", "xlsx", "parquet", "json")
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
               ".parquet": "parquet", ".pq": "parquet", ".json": "json"}
STDIO = "-"


@dataclass
class TableOptions:
    """How to read or write a table: ``format`` (None: from the extension), CSV ``encoding``,
    ``delimiter`` and ``decimal`` mark, and the Excel ``sheet`` (None: the first)."""

    format: Optional[str] = None
    encoding: Optional[str] = None
    delimiter: Optional[str] = None
    decimal: str = "."
    sheet: Optional[str] = None


def _name(path: Union[str, "os.PathLike[str]"]) -> str:
    return "<stdin>" if os.fspath(path) == STDIO else os.fspath(path)


def format_of(path: Union[str, "os.PathLike[str]"], explicit: Optional[str] = None, *, default: str = "csv") -> str:
    """The format of a file: ``explicit`` when given, else its extension (stdin/stdout: ``default``)."""
    if explicit:
        if explicit not in FORMATS:
            raise DataError(f"unknown format {explicit!r} (expected one of {', '.join(FORMATS)})",
                            id="io.format")
        return explicit
    path = os.fspath(path)
    if path == STDIO:
        return default
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise DataError(f"{path}: cannot tell the format from the extension {suffix or '(none)'!r}; "
                        f"use --format {'|'.join(FORMATS)}", id="io.format", source=path)
    return _EXTENSIONS[suffix]


def read_bytes(path: Union[str, "os.PathLike[str]"]) -> bytes:
    """The bytes of a file, or of stdin for ``-``; a missing file is a DataError naming it."""
    if os.fspath(path) == STDIO:
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read: {error.strerror}", id="io.open",
                        source=os.fspath(path)) from None


def decode(data: bytes, encoding: Optional[str], name: str) -> str:
    """Text of a CSV file. UTF-8 (with or without a BOM) by default; a byte that the encoding
    cannot decode is an error naming the file and the line, with a hint."""
    codec = encoding or "utf-8-sig"
    if codec.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        codec = "utf-8-sig"  # a BOM, when there is one, is not part of the first column's name
    try:
        # NFC: cp1258 (and some Mac exports) write tone marks as combining characters; the same
        # name must be the same unit id whichever way its letters were written.
        return unicodedata.normalize("NFC", data.decode(codec))
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}", id="io.encoding") from None
    except UnicodeDecodeError as error:
        before = data[:error.start]
        if codec.lower().startswith("utf-16") or codec.lower().startswith("utf16"):
            line = before.decode(codec, errors="replace").count("\n") + 1
        else:
            line = before.count(b"\n") + 1
        hint = ("; Vietnamese Excel exports are often cp1258 or utf-16: try --encoding cp1258 or --encoding utf-16"
                if encoding is None else "")
        raise DataError(f"{name}:{line}: the bytes are not {codec} text "
                        f"(byte 0x{data[error.start]:02x} at offset {error.start}){hint}",
                        id="io.encoding", source=f"{name}:{line}") from None


def read_table(path: Union[str, "os.PathLike[str]"], options: Optional[TableOptions] = None, *,
               text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """A table from a file (or stdin for ``-``). ``text_columns`` are read as text, unchanged
    (ids such as ``001``). CSV cells are text or numbers; only an empty cell is missing."""
    options = options or TableOptions()
    name = _name(path)
    kind = format_of(path, options.format)
    data = read_bytes(path)
    text_dtypes = {column: str for column in text_columns}
    if kind == "csv":
        text = decode(data, options.encoding, name)
        try:
            return pd.read_csv(_io.StringIO(text), sep=options.delimiter or ",", decimal=options.decimal,
                               dtype=text_dtypes or None, keep_default_na=False, na_values=[""])
        except pd.errors.EmptyDataError:
            raise DataError(f"{name}: the file is empty (expected a header line)", id="io.empty",
                            source=name) from None
        except pd.errors.ParserError as error:
            raise DataError(f"{name}: {str(error).strip()}", id="io.csv", source=name) from None
    if kind == "xlsx":
        _openpyxl()
        try:
            sheets = pd.ExcelFile(_io.BytesIO(data), engine="openpyxl")
        except Exception as error:  # openpyxl raises zipfile/KeyError/... for a file that is not a workbook
            raise DataError(f"{name}: not an Excel workbook ({type(error).__name__}: {error})",
                            id="io.xlsx", source=name) from None
        sheet = options.sheet if options.sheet is not None else sheets.sheet_names[0]
        if sheet not in sheets.sheet_names:
            raise DataError(f"{name}: no sheet {sheet!r} (sheets: {', '.join(sheets.sheet_names)})",
                            id="io.sheet", source=name)
        return sheets.parse(sheet, dtype=text_dtypes or None)
    if kind == "parquet":
        return read_arrow(data, name).to_pandas()
    return _read_json(data, options.encoding, name, text_columns)


def read_arrow(data: bytes, name: str) -> Any:
    """A Parquet file's bytes as a pyarrow Table."""
    pq = require_pyarrow()
    import pyarrow as pa
    try:
        return pq.read_table(pa.BufferReader(data))
    except (pa.ArrowInvalid, OSError) as error:
        raise DataError(f"{name}: not a Parquet file ({error})", id="io.parquet",
                        source=name) from None


def read_parquet_path(path: Union[str, "os.PathLike[str]"]) -> Any:
    """A Parquet file as a pyarrow Table, memory-mapped from disk (stdin for ``-``)."""
    if os.fspath(path) == STDIO:
        return read_arrow(read_bytes(path), "<stdin>")
    pq = require_pyarrow()
    import pyarrow as pa
    if not Path(path).is_file():
        raise DataError(f"{path}: no such file", id="io.open", source=os.fspath(path))
    try:
        return pq.read_table(os.fspath(path), memory_map=True)
    except (pa.ArrowInvalid, OSError) as error:
        raise DataError(f"{path}: not a Parquet file ({error})", id="io.parquet",
                        source=os.fspath(path)) from None


def _openpyxl() -> None:
    try:
        import openpyxl  # noqa: F401 - pandas reads and writes .xlsx through it
    except ImportError:
        raise DataError(".xlsx needs openpyxl: pip install 'chiso[files]'",
                        id="io.missing_package") from None


def require_pyarrow() -> Any:
    """pyarrow.parquet, or a DataError saying how to install it."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError("Parquet needs pyarrow: pip install 'chiso[files]'",
                        id="io.missing_package") from None
    return pq


def _read_json(data: bytes, encoding: Optional[str], name: str, text_columns: Sequence[str]) -> pd.DataFrame:
    text = decode(data, encoding, name)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(f"{name}:{error.lineno}: not JSON: {error.msg}", id="io.json",
                        source=f"{name}:{error.lineno}") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{name}: expected a JSON array of records (objects), one per row",
                        id="io.json", source=name)
    frame = pd.DataFrame.from_records(records)
    for column in text_columns:
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return frame


def row_name(kind: str, name: str, row: int) -> str:
    """Where row ``row`` (0-based, after the header) of a table is: a CSV line and a sheet row (as
    an editor and Excel number them), a Parquet row and a JSON record (0-based, as in the file)."""
    if kind == "csv":
        return f"{name}:{row + 2}"
    if kind == "xlsx":
        return f"{name} row {row + 2}"
    if kind == "parquet":
        return f"{name} row {row}"
    return f"{name} record {row}"


def numeric_columns(frame: pd.DataFrame, columns: Sequence[str], *, kind: str, name: str, decimal: str = ".",
                    units: Optional[Sequence[Any]] = None) -> pd.DataFrame:
    """The given columns as float64 (missing: NaN). A cell that is not a number is a DataError
    naming the file and line, the unit and the criterion."""
    out = {}
    for column in columns:
        values = frame[column]
        if values.dtype.kind in "fiub":
            out[column] = values.astype(np.float64)
            continue
        text = values.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
        if decimal != ".":
            text = text.str.replace(decimal, ".", regex=False)
        numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
        bad = np.flatnonzero((numbers.isna() & (text != "")).to_numpy())
        if len(bad):
            row = int(bad[0])
            unit = None if units is None else str(units[row])
            where = row_name(kind, name, row)
            raise DataError(f"{where}: unit {unit!r}, criterion {column!r}: "
                            f"{values.iloc[row]!r} is not a number", id="data.not_a_number", unit=unit,
                            criterion=column, source=where)
        out[column] = numbers.astype(np.float64)
    return pd.DataFrame(out, index=frame.index)


def clean_floats(values: np.ndarray) -> np.ndarray:
    """Floats rounded to 12 significant digits: the value a decimal figure stands for, without the
    noise of binary arithmetic (5.959999999999994 → 5.96). NaN and infinities are kept."""
    values = np.asarray(values, dtype=np.float64)
    out = values.copy()
    finite = np.isfinite(values) & (values != 0)
    if not finite.any():
        return out
    x = values[finite]
    exponent = 11 - np.floor(np.log10(np.abs(x))).astype(np.int64)
    # Powers of ten up to 1e22 are exact doubles, so round(x·10^k) / 10^k is the double nearest
    # the decimal; outside that range (|x| < 1e-11 or ≥ 1e12) the value is kept.
    usable = (exponent >= 0) & (exponent <= 22)
    scale = np.power(10.0, np.where(usable, exponent, 0))
    rounded = np.round(x * scale) / scale
    out[finite] = np.where(usable, rounded, x)
    return out


def _clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == np.float64:
            frame[column] = clean_floats(frame[column].to_numpy())
    return frame


def write_table(frame: pd.DataFrame, path: Union[str, "os.PathLike[str]"], options: Optional[TableOptions] = None,
                *, sheet: str = "chiso") -> None:
    """Write a table (its index is not written: reset it first). Floats are cleaned of binary
    noise (:func:`clean_floats`); CSV is UTF-8 with a BOM for Excel unless ``encoding`` says
    otherwise; ``-`` writes CSV (or the given format) to stdout."""
    options = options or TableOptions()
    kind = format_of(path, options.format)
    frame = _clean_frame(frame)
    if kind == "csv":
        to_stdout = os.fspath(path) == STDIO
        encoding = options.encoding or ("utf-8" if to_stdout else "utf-8-sig")
        text = frame.to_csv(index=False, sep=options.delimiter or ",", decimal=options.decimal, lineterminator="\n")
        _write_bytes(path, text.encode(encoding))
    elif kind == "xlsx":
        _openpyxl()
        buffer = _io.BytesIO()
        with _excel_writer(buffer) as writer:
            _excel_sheet(frame, writer, options.sheet or sheet)
        _write_bytes(path, buffer.getvalue())
    elif kind == "parquet":
        require_pyarrow()
        import pyarrow as pa
        write_arrow(pa.Table.from_pandas(frame, preserve_index=False), path)
    else:
        text = frame.to_json(orient="records", force_ascii=False, double_precision=15)
        _write_bytes(path, (text + "\n").encode(options.encoding or "utf-8"))


def write_arrow(table: Any, path: Union[str, "os.PathLike[str]"]) -> None:
    """A pyarrow Table as Parquet (stdout for ``-``)."""
    pq = require_pyarrow()
    if os.fspath(path) == STDIO:
        import pyarrow as pa
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        _write_bytes(path, sink.getvalue().to_pybytes())
    else:
        pq.write_table(table, os.fspath(path))


def _excel_writer(target: Any) -> Any:
    """A pandas Excel writer that writes every text as a text cell, never as a formula or a link
    (XlsxWriter with its string conversions off)."""
    from .reports.excel import WORKBOOK_OPTIONS
    return pd.ExcelWriter(target, engine="xlsxwriter", engine_kwargs={"options": dict(WORKBOOK_OPTIONS)})


def _excel_sheet(frame: pd.DataFrame, writer: Any, sheet: str) -> None:
    # Excel has no categorical or nullable integer cells: plain objects, None for missing.
    plain = frame.astype(object).where(frame.notna(), None)
    plain.to_excel(writer, sheet_name=sheet[:31], index=False)


def write_tables(tables: Mapping[str, pd.DataFrame], directory: Union[str, "os.PathLike[str]"],
                 options: Optional[TableOptions] = None) -> List[Path]:
    """Several named tables into a directory: one file per table (CSV, Parquet, JSON), or one
    workbook ``reports.xlsx`` with a sheet per table."""
    options = options or TableOptions()
    kind = options.format or "csv"
    format_of("x", kind)  # an unknown format is an error before anything is written
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        _openpyxl()
        path = out / "reports.xlsx"
        with _excel_writer(path) as writer:
            for name, frame in tables.items():
                _excel_sheet(_clean_frame(frame), writer, name)
        return [path]
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.{kind}"
        if kind == "csv":  # a report read in a spreadsheet: no text read as a formula
            from .reports.text import csv_safe
            frame = csv_safe(frame)
        write_table(frame, path, TableOptions(format=kind, encoding=options.encoding, delimiter=options.delimiter,
                                              decimal=options.decimal))
        written.append(path)
    return written


def _write_bytes(path: Union[str, "os.PathLike[str]"], data: bytes) -> None:
    if os.fspath(path) == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise DataError(f"{path}: cannot write: {error.strerror}", id="io.write",
                        source=os.fspath(path)) from None

