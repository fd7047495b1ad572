"""Tables in files, for the command line and reporting pipelines: CSV, Excel (.xlsx), Parquet and
JSON records, read and written with errors that name the file and the line.

Numbers are written as the model rounds them: a float is written as the shortest text that reads
back to it after rounding to 12 significant digits, so 5.96 - a difference of two 2-decimal
values - is written ``5.96``, never ``5.959999999999994``.
"""
from __future__ import annotations

import codecs
import io as _io
import json
import os
import re
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = ["FORMATS", "STDIO", "TableOptions", "format_of", "read_bytes", "decode", "read_table", "read_arrow",
           "read_parquet_path", "numeric_columns", "row_name", "clean_floats", "write_table", "write_arrow",
           "write_tables", "write_bytes", "require_pyarrow", "check_output", "atomic_path", "number_texts", "Decimals",
           "LIMITS"]

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
    #: the option that sets ``encoding`` for this file, named in the hint of a decoding error
    encoding_option: str = "--encoding"
    #: limits of what a file may hold (None: ``LIMITS``' environment variable, else its default)
    max_columns: Optional[int] = None
    max_xlsx_bytes: Optional[int] = None
    max_xlsx_ratio: Optional[float] = None


# Bounded reading: a hostile or mistaken file is refused before it costs memory -------------------
@dataclass(frozen=True)
class _Limit:
    option: str     # the command's option that raises it
    variable: str   # the environment variable that raises it
    default: float
    what: str

    def value(self, given: Optional[float]) -> float:
        if given is not None:
            return given
        text = os.environ.get(self.variable)
        if text is None or not text.strip():
            return self.default
        try:
            value = float(text)
        except ValueError:
            raise DataError(f"{self.variable}={text!r} is not a number ({self.what})", id="io.limit") from None
        if not value > 0:
            raise DataError(f"{self.variable}={text!r} must be positive ({self.what})", id="io.limit")
        return value

    def how_to_raise(self) -> str:
        return f"raise it with {self.option} or the environment variable {self.variable}"


LIMITS = {
    "columns": _Limit("--max-columns", "CHISO_MAX_COLUMNS", 20_000, "the most columns a table may have"),
    "xlsx_bytes": _Limit("--max-xlsx-bytes", "CHISO_MAX_XLSX_BYTES", 512 * 2**20,
                         "the most bytes an .xlsx workbook may expand to"),
    "xlsx_ratio": _Limit("--max-xlsx-ratio", "CHISO_MAX_XLSX_RATIO", 100,
                         "the most a part of an .xlsx workbook may expand, in times its compressed size"),
}
_RATIO_FLOOR = 2**20  # parts smaller than this expanded are not checked for their ratio (tiny XML parts compress well)


def _size(n: float) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} bytes"


def _check_xlsx(data: bytes, name: str, options: TableOptions) -> None:
    """Refuse a workbook that expands beyond the limits, from its zip directory alone (before any
    of it is decompressed). The directory's sizes bind: Python's zipfile, which openpyxl reads
    through, stops each part at its declared size (and fails its checksum past it)."""
    try:
        parts = zipfile.ZipFile(_io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise DataError(f"{name}: not an Excel workbook ({error})", id="io.xlsx", source=name) from None
    max_bytes = LIMITS["xlsx_bytes"].value(options.max_xlsx_bytes)
    max_ratio = LIMITS["xlsx_ratio"].value(options.max_xlsx_ratio)
    total = sum(part.file_size for part in parts)
    if total > max_bytes:
        raise DataError(f"{name}: the workbook expands to {_size(total)}, more than the limit of {_size(max_bytes)}; "
                        f"{LIMITS['xlsx_bytes'].how_to_raise()} (in bytes)", id="io.limit", source=name)
    for part in parts:
        if part.file_size >= _RATIO_FLOOR and part.file_size > max_ratio * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise DataError(f"{name}: its part {part.filename!r} expands {ratio:.0f} times ({_size(part.compress_size)} "
                            f"to {_size(part.file_size)}), more than the limit of {max_ratio:g}; "
                            f"{LIMITS['xlsx_ratio'].how_to_raise()}", id="io.limit", source=name)


def _too_many_columns(name: str, count: str, limit: float) -> DataError:
    return DataError(f"{name}: the header has {count} columns, more than the limit of {limit:.0f}; "
                     f"{LIMITS['columns'].how_to_raise()}", id="io.limit", source=name)


def _check_column_count(columns: int, name: str, options: TableOptions) -> None:
    limit = LIMITS["columns"].value(options.max_columns)
    if columns > limit:
        raise _too_many_columns(name, f"{columns:,}", limit)


_CHUNK = 1 << 16


def _read_csv_bytes(path: Union[str, "os.PathLike[str]"], name: str, options: TableOptions) -> bytes:
    """The bytes of a CSV file (or stdin), its header line checked as it is read: more columns
    than the limit are refused as soon as they are counted, without reading on (the header of a
    million columns costs a few hundred kB of reading, not the line)."""
    if os.fspath(path) == STDIO:
        return _read_checked(sys.stdin.buffer, name, options)
    try:
        with open(path, "rb") as stream:
            return _read_checked(stream, name, options)
    except OSError as error:
        raise DataError(f"{path}: cannot read: {error.strerror}", id="io.open", source=name) from None


def _read_checked(stream: BinaryIO, name: str, options: TableOptions) -> bytes:
    limit = LIMITS["columns"].value(options.max_columns)
    separator = options.delimiter or ","
    try:
        decoder = codecs.getincrementaldecoder(_codec(options.encoding))(errors="replace")
    except LookupError:
        raise DataError(f"unknown encoding {options.encoding!r} ({options.encoding_option})", id="io.encoding") from None
    tokens = re.compile("[\"\n" + re.escape(separator) + "]" if len(separator) == 1 else
                        "\"|\n|" + re.escape(separator))
    chunks: List[bytes] = []
    fields, quoted, header_done = 1, False, False
    while not header_done:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        for token in tokens.finditer(decoder.decode(chunk)):
            text = token.group()
            if text == '"':
                quoted = not quoted
            elif quoted:
                continue
            elif text == "\n":
                header_done = True
                break
            else:
                fields += 1
                if fields > limit:
                    raise _too_many_columns(name, f"more than {limit:,.0f}", limit)
    chunks.append(stream.read())
    return b"".join(chunks)


def _codec(encoding: Optional[str]) -> str:
    codec = encoding or "utf-8-sig"
    if codec.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        codec = "utf-8-sig"  # a BOM, when there is one, is not part of the first column's name
    return codec


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


def decode(data: bytes, encoding: Optional[str], name: str, option: str = "--encoding") -> str:
    """Text of a CSV file. UTF-8 (with or without a BOM) by default; a byte that the encoding
    cannot decode is an error naming the file and the line, with a hint naming ``option``, the
    command's option that sets this file's encoding."""
    codec = _codec(encoding)
    try:
        # NFC: cp1258 (and some Mac exports) write tone marks as combining characters; the same
        # name must be the same unit id whichever way its letters were written.
        return unicodedata.normalize("NFC", data.decode(codec))
    except LookupError:
        raise DataError(f"{name}: unknown encoding {encoding!r} ({option})", id="io.encoding", source=name) from None
    except UnicodeDecodeError as error:
        before = data[:error.start]
        if codec.lower().startswith("utf-16") or codec.lower().startswith("utf16"):
            line = before.decode(codec, errors="replace").count("\n") + 1
        else:
            line = before.count(b"\n") + 1
        hint = (f"; Vietnamese Excel exports are often cp1258 or utf-16: try {option} cp1258 or {option} utf-16"
                if encoding is None else f" (set by {option})")
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
    text_dtypes = {column: str for column in text_columns}
    if kind == "csv":
        text = decode(_read_csv_bytes(path, name, options), options.encoding, name, options.encoding_option)
        separator = options.delimiter or ","
        try:
            frame = pd.read_csv(_io.StringIO(text), sep=separator, decimal=options.decimal,
                                dtype=text_dtypes or None, keep_default_na=False, na_values=[""],
                                engine="c" if len(separator) == 1 else "python")  # a longer one: no warning
        except pd.errors.EmptyDataError:
            raise DataError(f"{name}: the file is empty (expected a header line)", id="io.empty",
                            source=name) from None
        except pd.errors.ParserError as error:
            raise _csv_error(error, name, separator) from None
        _check_delimiter(frame, name, separator)
        if len(frame.columns) > 1:  # pandas renames a repeated header ("A1.1.1"): read it as written
            header = pd.read_csv(_io.StringIO(text), sep=separator, header=None, nrows=1, dtype=str,
                                 keep_default_na=False, engine="c" if len(separator) == 1 else "python")
            check_unique_columns(header.iloc[0].tolist(), f"{name}:1")
        return frame
    data = read_bytes(path)
    if kind == "xlsx":
        _openpyxl()
        _check_xlsx(data, name, options)
        try:
            sheets = pd.ExcelFile(_io.BytesIO(data), engine="openpyxl")
        except Exception as error:  # openpyxl raises zipfile/KeyError/... for a file that is not a workbook
            raise DataError(f"{name}: not an Excel workbook ({type(error).__name__}: {error})",
                            id="io.xlsx", source=name) from None
        sheet = options.sheet if options.sheet is not None else sheets.sheet_names[0]
        if sheet not in sheets.sheet_names:
            raise DataError(f"{name}: no sheet {sheet!r} (sheets: {', '.join(sheets.sheet_names)})",
                            id="io.sheet", source=name)
        frame = pd.read_excel(sheets, sheet_name=sheet, dtype=text_dtypes or None)
        _check_column_count(len(frame.columns), f"{name} sheet {sheet!r}", options)
        if len(frame.columns) > 1:
            header = pd.read_excel(sheets, sheet_name=sheet, header=None, nrows=1, dtype=str)
            check_unique_columns(header.iloc[0].tolist(), f"{name} sheet {sheet!r} row 1")
        return frame
    if kind == "parquet":
        return read_arrow(data, name, options).to_pandas()
    return _read_json(data, options, name, text_columns)


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OTHER_SEPARATORS = (";", "\t", "|", ",")


def _separator_name(separator: str) -> str:
    return {"\t": "a tab ($'\\t')"}.get(separator, repr(separator))


def _csv_error(error: Exception, name: str, separator: str) -> DataError:
    """pandas' tokenizer message, said in the user's terms: the line, and what to check."""
    found = _FIELDS.search(str(error))
    if not found:
        return DataError(f"{name}: cannot read the CSV file ({' '.join(str(error).split())})", id="io.csv", source=name)
    expected, line, saw = found.groups()
    hint = ("; a decimal comma in a file separated by commas must be quoted (\"1,75\"), or use another "
            "delimiter (--delimiter ';') with --decimal ," if separator == "," else
            f"; is the delimiter {_separator_name(separator)} right? --delimiter sets it")
    return DataError(f"{name}:{line}: {saw} fields on line {line} where the header has {expected}{hint}", id="io.csv",
                     source=f"{name}:{line}")


def _check_delimiter(frame: pd.DataFrame, name: str, separator: str) -> None:
    """A file read as one column whose header holds another usual delimiter was read with the
    wrong one: say which, rather than "no column 'unit'" later."""
    if len(frame.columns) != 1:
        return
    header = str(frame.columns[0])
    for other in _OTHER_SEPARATORS:
        if other != separator and other in header:
            raise DataError(f"{name}:1: the header is one column, {header[:60]!r}{'…' if len(header) > 60 else ''}, "
                            f"holding {_separator_name(other)}: the delimiter is {_separator_name(separator)}; "
                            f"pass --delimiter {other!r}" + (" (and --decimal , for decimal commas)"
                                                             if other == ";" else ""),
                            id="io.delimiter", source=f"{name}:1")


def read_arrow(data: bytes, name: str, options: Optional[TableOptions] = None) -> Any:
    """A Parquet file's bytes as a pyarrow Table (its number of columns checked first)."""
    pq = require_pyarrow()
    import pyarrow as pa
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        _check_column_count(parquet.metadata.num_columns, name, options or TableOptions())
        check_unique_columns(parquet.schema_arrow.names, name)
        return parquet.read()
    except (pa.ArrowInvalid, OSError) as error:
        raise DataError(f"{name}: not a Parquet file ({error})", id="io.parquet",
                        source=name) from None


def read_parquet_path(path: Union[str, "os.PathLike[str]"], options: Optional[TableOptions] = None) -> Any:
    """A Parquet file as a pyarrow Table, memory-mapped from disk (stdin for ``-``); its number
    of columns is checked against the limit before it is read."""
    if os.fspath(path) == STDIO:
        return read_arrow(read_bytes(path), "<stdin>", options)
    pq = require_pyarrow()
    import pyarrow as pa
    if not Path(path).is_file():
        raise DataError(f"{path}: no such file", id="io.open", source=os.fspath(path))
    try:
        parquet = pq.ParquetFile(os.fspath(path), memory_map=True)
        _check_column_count(parquet.metadata.num_columns, os.fspath(path), options or TableOptions())
        check_unique_columns(parquet.schema_arrow.names, os.fspath(path))
        # Read whole (not pq.read_table's batches of 128 Ki rows): a column comes in one chunk per
        # row group, which the scorer reads without joining when the file has one.
        return parquet.read()
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


class _RepeatedKey(Exception):
    pass


def _unique_keys(pairs: List[Any]) -> dict:
    """A JSON object as a dict, refusing a key it holds twice (json keeps the last silently)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set = set()
        raise _RepeatedKey(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return out


def _read_json(data: bytes, options: TableOptions, name: str, text_columns: Sequence[str]) -> pd.DataFrame:
    text = decode(data, options.encoding, name, options.encoding_option)
    try:
        records = json.loads(text, object_pairs_hook=_unique_keys)
    except _RepeatedKey as repeated:
        raise DataError(f"{name}: a record names {repeated.args[0]!r} twice", id="data.columns",
                        source=name) from None
    except json.JSONDecodeError as error:
        raise DataError(f"{name}:{error.lineno}: not JSON: {error.msg}", id="io.json",
                        source=f"{name}:{error.lineno}") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{name}: expected a JSON array of records (objects), one per row",
                        id="io.json", source=name)
    if records:
        _check_column_count(max(len(r) for r in records), name, options)
    frame = pd.DataFrame.from_records(records)
    for column in text_columns:
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return frame


def check_unique_columns(columns: Sequence[Any], where: str) -> None:
    """A table's header naming a column twice is refused: which of the two would be the input is a
    guess (pandas would keep both, renaming the second)."""
    seen: dict = {}
    for k, column in enumerate(columns):
        if column in seen and not (isinstance(column, float) and column != column):  # NaN: an empty header cell
            raise DataError(f"{where}: column {column!r} appears twice (columns {seen[column] + 1} and {k + 1})",
                            id="data.columns", source=where)
        seen.setdefault(column, k)


def check_texts(values: Any, *, column: str, kind: str, name: str) -> None:
    """Text cells that will reach the files chiso writes (unit ids, group labels) are refused
    when they hold a control character, a bidirectional override or a lone surrogate, naming the
    row (the rule is the core's, detail/text_check.hpp, as Model.evaluate applies it). ``values``:
    a pyarrow array or chunked array (other types than text pass), or a sequence of str."""
    from ._arrow import first_refused_text
    found = first_refused_text(values)
    if found is None:
        return
    row, problem = int(found[0]), found[1]
    cell = values[row]
    value = cell.as_py() if type(cell).__module__.startswith("pyarrow") else str(cell)
    where = row_name(kind, name, row)
    raise DataError(f"{where}: {column} {value[:60]!r}{'…' if len(value) > 60 else ''} {problem}",
                    id="data.text", source=where)


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


# Written numbers ----------------------------------------------------------------------------------
#: How a float column is written: an int is that many decimals, always ("68.00" at 2);
#: ``"common"`` the fewest decimals that write every value of the column exactly (points: 2.00,
#: 1.75), when at most 6 do, else each value at its shortest; ``"shortest"`` each value at its
#: shortest (a ratio such as 0.333333333333). Every form writes the value cleaned of binary noise
#: (:func:`clean_floats`).
Decimals = Union[int, str]
_MAX_COMMON = 6  # beyond, a column of computed values (linear points) would pad every figure to 12 places


def _common_decimals(values: np.ndarray) -> Optional[int]:
    """The fewest decimals d with every value equal to itself rounded to d decimals (the double
    nearest a decimal of d places is recovered exactly by round(x·10^d) / 10^d)."""
    for d in range(_MAX_COMMON + 1):
        scale = 10.0 ** d
        with np.errstate(over="ignore", invalid="ignore"):
            if np.array_equal(np.round(values * scale) / scale, values):
                return d
    return None


def number_texts(values: np.ndarray, decimals: Decimals = "shortest", decimal_mark: str = ".") -> List[Optional[str]]:
    """Each float as written (None where it is missing: NaN or infinite): see :data:`Decimals`."""
    cleaned = clean_floats(values) + 0.0  # + 0.0: no "-0.00"
    finite = np.isfinite(cleaned)
    d: Optional[int] = decimals if isinstance(decimals, int) else None
    if decimals == "common":
        d = _common_decimals(cleaned[finite])
    if d is not None:
        if isinstance(decimals, int):
            # Rounding half up on the decimal value (the model's rule), then written at d places.
            cleaned = np.where(finite, _round_half_up(cleaned, d), cleaned)
        texts = [f"{v:.{d}f}" if ok else None for v, ok in zip(cleaned.tolist(), finite.tolist())]
    else:
        texts = [np.format_float_positional(v, unique=True, trim="-") if ok else None
                 for v, ok in zip(cleaned.tolist(), finite.tolist())]
    if decimal_mark != ".":
        texts = [None if t is None else t.replace(".", decimal_mark) for t in texts]
    return texts


def _round_half_up(values: np.ndarray, digits: int) -> np.ndarray:
    """Values already at ``digits`` (an index the core rounded) are unchanged; others are rounded
    half up on their decimal value (they are first cleaned to 12 significant digits)."""
    scale = 10.0 ** digits
    return np.floor(np.abs(values) * scale + 0.5) / scale * np.sign(values)


def _float_columns(frame: pd.DataFrame) -> List[str]:
    return [c for c in frame.columns if frame[c].dtype == np.float64]


def _decimals_of(column: str, decimals: Optional[Mapping[str, Decimals]]) -> Decimals:
    return (decimals or {}).get(column, "shortest")


def _clean_frame(frame: pd.DataFrame, decimals: Optional[Mapping[str, Decimals]] = None) -> pd.DataFrame:
    """Float columns as the doubles nearest their written decimals (Parquet, Excel)."""
    frame = frame.copy()
    for column in _float_columns(frame):
        values = clean_floats(frame[column].to_numpy()) + 0.0
        d = _decimals_of(column, decimals)
        if isinstance(d, int):
            values = np.where(np.isfinite(values), _round_half_up(values, d), values)
        frame[column] = values
    return frame


def _text_frame(frame: pd.DataFrame, decimals: Optional[Mapping[str, Decimals]], decimal_mark: str) -> pd.DataFrame:
    """Float columns replaced by their written text (CSV)."""
    frame = frame.copy()
    for column in _float_columns(frame):
        frame[column] = pd.Series(number_texts(frame[column].to_numpy(), _decimals_of(column, decimals), decimal_mark),
                                  index=frame.index, dtype=object)
    return frame


def _json_cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and not np.isfinite(value)):
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return number_texts(np.array([value]))[0] or "null"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_json_cell(v) for v in value) + "]"
    return json.dumps(value if isinstance(value, str) else str(value), ensure_ascii=False)


def _json_text(frame: pd.DataFrame, decimals: Optional[Mapping[str, Decimals]]) -> str:
    """Records as JSON, floats written as in CSV (``68.00`` is a JSON number; no binary noise)."""
    keys = [json.dumps(str(c), ensure_ascii=False) for c in frame.columns]
    columns: List[List[str]] = []
    floats = set(_float_columns(frame))
    for column in frame.columns:
        if column in floats:
            columns.append([t if t is not None else "null"
                            for t in number_texts(frame[column].to_numpy(), _decimals_of(column, decimals))])
        else:
            columns.append([_json_cell(v) for v in frame[column].tolist()])
    rows = ("{" + ",".join(f"{k}:{cells[i]}" for k, cells in zip(keys, columns)) + "}" for i in range(len(frame)))
    return "[" + ",\n".join(rows) + "]\n"


# Writing: checked before the work, written whole or not at all -----------------------------------
def check_output(path: Union[str, "os.PathLike[str]"], inputs: Sequence[Any] = (), *, option: str = "-o",
                 directory: bool = False) -> None:
    """Check that ``path`` can be written, before any work: its folder exists and takes a new file,
    it is not a folder (or, with ``directory``, it is one or can be made), and it is none of
    ``inputs`` (files the command reads). A DataError naming it otherwise."""
    if os.fspath(path) == STDIO:
        return
    target = Path(path)
    for source in inputs:
        if source is None or os.fspath(source) == STDIO:
            continue
        if _same_file(target, Path(source)):
            raise DataError(f"{path}: {option} is also an input of the command ({source}); write to another file, "
                            "the input would be lost", id="io.same_file", source=os.fspath(path))
    if directory:
        if target.exists() and not target.is_dir():
            raise DataError(f"{path}: not a folder ({option} names the folder to write the files in)",
                            id="io.write", source=os.fspath(path))
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DataError(f"{path}: cannot make the folder: {error.strerror}", id="io.write",
                            source=os.fspath(path)) from None
        folder = target
    else:
        if target.is_dir():
            raise DataError(f"{path}: is a folder; {option} takes a file name (e.g. {target / 'scores.csv'})",
                            id="io.write", source=os.fspath(path))
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.exists():
            raise DataError(f"{path}: no folder {str(folder)!r} to write in (create it first)", id="io.write",
                            source=os.fspath(path))
        if not folder.is_dir():
            raise DataError(f"{path}: {str(folder)!r} is not a folder", id="io.write", source=os.fspath(path))
    try:  # the one true test of a place: make a file there
        descriptor, probe = tempfile.mkstemp(prefix=".chiso-probe-", dir=folder)
    except OSError as error:
        raise DataError(f"{path}: cannot write in {str(folder)!r}: {error.strerror}", id="io.write",
                        source=os.fspath(path)) from None
    os.close(descriptor)
    os.unlink(probe)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


class atomic_path:
    """``with atomic_path(target) as temporary:`` write ``temporary`` (in the target's folder, with
    the target's extension); on success it replaces ``target`` in one rename, on any failure (or
    interruption) it is removed and ``target`` is as it was. A kill leaves at most a hidden
    ``.name-….tmp.ext`` file beside the old target, never a half-written target."""

    def __init__(self, target: Union[str, "os.PathLike[str]"]) -> None:
        self.target = Path(target)
        self.temporary: Optional[Path] = None

    def __enter__(self) -> Path:
        folder = self.target.parent if str(self.target.parent) else Path(".")
        try:
            descriptor, name = tempfile.mkstemp(prefix=f".{self.target.stem}-", suffix=f".tmp{self.target.suffix}",
                                                dir=folder)
        except OSError as error:
            raise DataError(f"{self.target}: cannot write: {error.strerror}", id="io.write",
                            source=str(self.target)) from None
        os.close(descriptor)
        self.temporary = Path(name)
        return self.temporary

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        assert self.temporary is not None
        if kind is not None:
            self.temporary.unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise DataError(f"{self.target}: cannot write: {error.strerror or error}", id="io.write",
                                source=str(self.target)) from None
            return
        try:
            with open(self.temporary, "rb+") as written:
                os.fsync(written.fileno())  # the bytes are on disk before the name points at them
            mode = self.target.stat().st_mode & 0o777 if self.target.exists() else 0o666 & ~_umask()
            os.chmod(self.temporary, mode)
            os.replace(self.temporary, self.target)
        except OSError as failure:
            self.temporary.unlink(missing_ok=True)
            raise DataError(f"{self.target}: cannot write: {failure.strerror}", id="io.write",
                            source=str(self.target)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_table(frame: pd.DataFrame, path: Union[str, "os.PathLike[str]"], options: Optional[TableOptions] = None,
                *, sheet: str = "chiso", decimals: Optional[Mapping[str, Decimals]] = None) -> None:
    """Write a table (its index is not written: reset it first). Float columns are written as
    ``decimals`` says (column → :data:`Decimals`; default: each value at its shortest), never
    with binary noise; CSV is UTF-8 with a BOM for Excel unless ``encoding`` says otherwise;
    ``-`` writes CSV (or the given format) to stdout. A file is written whole or not at all."""
    options = options or TableOptions()
    kind = format_of(path, options.format)
    if kind == "csv":
        to_stdout = os.fspath(path) == STDIO
        encoding = options.encoding or ("utf-8" if to_stdout else "utf-8-sig")
        text = _text_frame(frame, decimals, options.decimal).to_csv(index=False, sep=options.delimiter or ",",
                                                                    lineterminator="\n")
        write_bytes(path, _encode(text, encoding, path))
    elif kind == "xlsx":
        _openpyxl()
        buffer = _io.BytesIO()
        with _excel_writer(buffer) as writer:
            _excel_sheet(frame, writer, options.sheet or sheet, decimals)
        write_bytes(path, buffer.getvalue())
    elif kind == "parquet":
        require_pyarrow()
        import pyarrow as pa
        write_arrow(pa.Table.from_pandas(_clean_frame(frame, decimals), preserve_index=False), path)
    else:
        write_bytes(path, _encode(_json_text(frame, decimals), options.encoding or "utf-8", path))


def _encode(text: str, encoding: str, path: Union[str, "os.PathLike[str]"]) -> bytes:
    try:
        return text.encode(encoding)
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r} (--output-encoding)", id="io.encoding") from None
    except UnicodeEncodeError as error:
        where = "<stdout>" if os.fspath(path) == STDIO else os.fspath(path)
        raise DataError(f"{where}: {text[error.start]!r} cannot be written in {encoding} "
                        "(--output-encoding); UTF-8 writes every character", id="io.encoding",
                        source=where) from None


def write_arrow(table: Any, path: Union[str, "os.PathLike[str]"]) -> None:
    """A pyarrow Table as Parquet (stdout for ``-``), written whole or not at all."""
    pq = require_pyarrow()
    if os.fspath(path) == STDIO:
        import pyarrow as pa
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        write_bytes(path, sink.getvalue().to_pybytes())
    else:
        with atomic_path(path) as temporary:
            pq.write_table(table, os.fspath(temporary))


def _excel_writer(target: Any) -> Any:
    """A pandas Excel writer that writes every text as a text cell, never as a formula or a link
    (XlsxWriter with its string conversions off)."""
    from .reports.excel import WORKBOOK_OPTIONS
    return pd.ExcelWriter(target, engine="xlsxwriter", engine_kwargs={"options": dict(WORKBOOK_OPTIONS)})


def _excel_sheet(frame: pd.DataFrame, writer: Any, sheet: str, decimals: Optional[Mapping[str, Decimals]] = None) -> None:
    # Excel has no categorical or nullable integer cells: plain objects, None for missing. Numbers
    # are the doubles nearest their decimals, shown with the column's decimals (68.00).
    cleaned = _clean_frame(frame, decimals)
    plain = cleaned.astype(object).where(cleaned.notna(), None)
    plain.to_excel(writer, sheet_name=sheet[:31], index=False)
    worksheet = writer.sheets[sheet[:31]]
    float_columns = set(_float_columns(frame))
    for position, column in enumerate(frame.columns):
        if column not in float_columns:
            continue
        d = _decimals_of(column, decimals)
        if d == "common":
            values = cleaned[column].to_numpy()
            d = _common_decimals(values[np.isfinite(values)])
        if not isinstance(d, int):
            continue
        number_format = writer.book.add_format({"num_format": "0." + "0" * d if d else "0"})
        worksheet.set_column(position, position, None, number_format)  # cells pandas wrote unformatted


def write_tables(tables: Mapping[str, pd.DataFrame], directory: Union[str, "os.PathLike[str]"],
                 options: Optional[TableOptions] = None,
                 decimals: Optional[Mapping[str, Mapping[str, Decimals]]] = None) -> List[Path]:
    """Several named tables into a directory: one file per table (CSV, Parquet, JSON), or one
    workbook ``reports.xlsx`` with a sheet per table. ``decimals``: per table, as for
    :func:`write_table`."""
    options = options or TableOptions()
    kind = options.format or "csv"
    paths = table_paths(list(tables), directory, kind)
    Path(directory).mkdir(parents=True, exist_ok=True)
    decimals = decimals or {}
    if kind == "xlsx":
        _openpyxl()
        buffer = _io.BytesIO()
        with _excel_writer(buffer) as writer:
            for name, frame in tables.items():
                _excel_sheet(frame, writer, name, decimals.get(name))
        write_bytes(paths[0], buffer.getvalue())
        return paths
    for (name, frame), path in zip(tables.items(), paths):
        if kind == "csv":  # a report read in a spreadsheet: no text read as a formula
            from .reports.text import csv_safe
            frame = csv_safe(frame)
        write_table(frame, path, TableOptions(format=kind, encoding=options.encoding, delimiter=options.delimiter,
                                              decimal=options.decimal), decimals=decimals.get(name))
    return paths


def table_paths(names: Sequence[str], directory: Union[str, "os.PathLike[str]"], kind: str) -> List[Path]:
    """The files :func:`write_tables` writes for tables of these names in ``kind``: one per table,
    or the one workbook ``reports.xlsx``."""
    format_of("x", kind)  # an unknown format is an error before anything is written
    out = Path(directory)
    return [out / "reports.xlsx"] if kind == "xlsx" else [out / f"{name}.{kind}" for name in names]


def write_bytes(path: Union[str, "os.PathLike[str]"], data: bytes) -> None:
    if os.fspath(path) == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
