"""What the command's scoring subcommands (score, uncertainty, sensitivity) share: the model
argument, the inputs table with its applicability and groups files, the read options, one-line
messages, the progress bar and the exit codes. Reading only: no scoring logic.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, TextIO

import numpy as np
import pandas as pd

from . import io as chiso_io
from . import models as bundled
from .errors import ChisoError, DataError, ModelError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
LARGE = 10_000  # units from which scoring shows a progress bar (on a terminal)


class Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal (silent in pipelines, cron
    jobs and logs)."""

    def __init__(self, total: int, label: str, stream: Optional[TextIO] = None, enabled: Optional[bool] = None,
                 width: int = 30, started: Optional[float] = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.total, self.label, self.width, self.done = max(total, 1), label, width, 0
        self.started = time.monotonic() if started is None else started

    def step(self, what: str, count: int = 1) -> None:
        self.done = min(self.done + count, self.total)
        if not self.enabled:
            return
        filled = round(self.width * self.done / self.total)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{self.done}/{self.total} {what} ({elapsed:.1f} s)\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


# Models -------------------------------------------------------------------------------------------
def load_model_argument(argument: str) -> Any:
    from .model import load_model
    file = bundled.file_of(argument)
    try:
        return load_model(file)
    except ModelError as error:
        raise ModelError(f"{file}: {_path_of(error)}{message_of(error)}", id=error.id,
                         path=getattr(error, "path", "/")) from None


def _path_of(error: ChisoError) -> str:
    path = getattr(error, "path", None)
    message = str(error)
    return f"{path}: " if path and path not in message else ""


def message_of(error: ChisoError) -> str:
    """The message with its ``[chiso.id]`` tag moved to the end: ``what: why [chiso.id]``."""
    text = " ".join(str(error).split())  # one line
    tag = f"[chiso.{error.id}]"
    if text.endswith(tag):
        return text
    if text.startswith(tag):
        text = text[len(tag):].strip()
    elif text.startswith("[chiso.") and "]" in text:
        tag, text = text[:text.index("]") + 1], text[text.index("]") + 1:].strip()
    return f"{text} {tag}"


# Reading ------------------------------------------------------------------------------------------
#: The files a command reads, by the option (or argument) that names them; each has its own
#: --<name>-encoding, defaulting to --encoding.
_FILES = ("inputs", "applicable", "groups", "units", "records", "survey", "assessment", "previous")


def _role(args: argparse.Namespace, path: Any) -> Optional[str]:
    return next((role for role in _FILES if getattr(args, role, None) is not None
                 and os.fspath(getattr(args, role)) == os.fspath(path)), None)


def table_options(args: argparse.Namespace, *, output: bool = False, path: Any = None) -> chiso_io.TableOptions:
    """How to read ``path`` (its own --<file>-encoding when given, else --encoding) or write."""
    if output:
        return chiso_io.TableOptions(format=args.output_format, encoding=args.output_encoding,
                                     delimiter=args.delimiter, decimal=args.decimal)
    role = _role(args, path) if path is not None else None
    own = getattr(args, f"{role}_encoding", None) if role else None
    return chiso_io.TableOptions(format=args.format, encoding=own or args.encoding,
                                 encoding_option=f"--{role}-encoding" if role and hasattr(args, f"{role}_encoding")
                                 else "--encoding",
                                 delimiter=args.delimiter, decimal=args.decimal, sheet=args.sheet,
                                 max_columns=getattr(args, "max_columns", None),
                                 max_xlsx_bytes=getattr(args, "max_xlsx_bytes", None),
                                 max_xlsx_ratio=getattr(args, "max_xlsx_ratio", None))


def read_table(path: str, args: argparse.Namespace, text_columns: Sequence[str] = ()) -> pd.DataFrame:
    return chiso_io.read_table(path, table_options(args, path=path), text_columns=text_columns)


def _column(frame: pd.DataFrame, column: str, name: str, flag: str, kind: str) -> pd.Series:
    if column not in frame.columns:
        raise DataError(f"{name}: no column {column!r} (columns: "
                        f"{', '.join(map(str, frame.columns[:8]))}{', …' if len(frame.columns) > 8 else ''}); "
                        f"name it with {flag}", id="data.columns", source=name)
    values = frame[column]
    missing = np.flatnonzero(values.isna().to_numpy() | (values.astype(str).str.strip() == "").to_numpy())
    if len(missing):
        where = chiso_io.row_name(kind, name, int(missing[0]))
        raise DataError(f"{where}: empty {column!r}", id="data.unit", source=where)
    texts = values.astype(str)
    chiso_io.check_texts(texts.to_numpy(), column=column, kind=kind, name=name)
    return texts


def _unique_units(units: pd.Series, name: str, kind: str) -> None:
    duplicated = np.flatnonzero(units.duplicated().to_numpy())
    if len(duplicated):
        row = int(duplicated[0])
        where = chiso_io.row_name(kind, name, row)
        raise DataError(f"{where}: unit {units.iloc[row]!r} appears twice", id="data.unit",
                        unit=str(units.iloc[row]), source=where)


_TRUE = {"1", "yes", "true", "y", "có", "co", "x"}
_FALSE = {"0", "no", "false", "n", "không", "khong", ""}


def applicable_file(path: str, args: argparse.Namespace, model: Any, units: pd.Index) -> pd.DataFrame:
    """The applicability mask: unit column and one column per criterion, yes/no (1/0, true/false)."""
    frame = read_table(path, args, text_columns=[args.unit_column])
    name = chiso_io._name(path)
    kind = chiso_io.format_of(path, args.format)
    ids = _column(frame, args.unit_column, name, "--unit-column", kind)
    _unique_units(ids, name, kind)  # rows are matched to the inputs' units by id
    frame = frame.drop(columns=[args.unit_column])
    mask = {}
    for criterion in frame.columns:
        values = frame[criterion]
        if values.dtype == np.bool_:
            mask[criterion] = values.to_numpy()
            continue
        text = values.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else
                          str(int(v)) if isinstance(v, (int, float)) and float(v).is_integer() else str(v))
        text = text.str.strip().str.lower()
        bad = np.flatnonzero(~text.isin(_TRUE | _FALSE).to_numpy())
        if len(bad):
            row = int(bad[0])
            where = chiso_io.row_name(kind, name, row)
            raise DataError(f"{where}: unit {ids.iloc[row]!r}, criterion {criterion!r}: "
                            f"{values.iloc[row]!r} is not yes/no (1/0, true/false)", id="data.applicable",
                            unit=ids.iloc[row], criterion=str(criterion), source=where)
        mask[criterion] = text.isin(_TRUE).to_numpy()
    unknown = [c for c in mask if c not in model.leaf_ids]
    if unknown:
        raise DataError(f"{name}: columns that are not criteria of the model: "
                        f"{', '.join(map(repr, unknown))}", id="data.columns", criterion=str(unknown[0]), source=name)
    for criterion in model.leaf_ids:  # a criterion without a column applies to every unit
        mask.setdefault(criterion, np.ones(len(ids), dtype=bool))
    table = pd.DataFrame(mask, index=pd.Index(ids.to_numpy(), name="unit"))[model.leaf_ids]
    missing = units.difference(table.index)
    if len(missing):
        raise DataError(f"{name}: no row for unit {missing[0]!r}", id="data.applicable",
                        unit=str(missing[0]), source=name)
    return table.loc[units]


def groups_file(path: str, args: argparse.Namespace) -> pd.Series:
    frame = read_table(path, args, text_columns=[args.unit_column, "group"])
    name = chiso_io._name(path)
    kind = chiso_io.format_of(path, args.format)
    ids = _column(frame, args.unit_column, name, "--unit-column", kind)
    _unique_units(ids, name, kind)  # matched to the inputs' units by id
    groups = _column(frame, "group", name, "a column named group", kind)
    return pd.Series(groups.to_numpy(), index=pd.Index(ids.to_numpy()), name="group")


@dataclass
class ScoreInputs:
    """The inputs of ``chiso score``, one row per unit."""
    inputs: Any              # a DataFrame indexed by unit, or an Arrow table (Parquet, not copied)
    units: pd.Series         # the unit of each row, in order
    groups: Any              # the group of each row (--group-column), or None
    units_arrow: Any = None  # the unit column as Arrow, when the inputs are


def parquet_inputs(args: argparse.Namespace, name: str) -> ScoreInputs:
    """A Parquet file read as Arrow, its unit column checked (present, no nulls, unique) and taken
    out with the group column."""
    table = chiso_io.read_parquet_path(args.inputs, table_options(args, path=args.inputs))
    if args.unit_column not in table.column_names:
        raise DataError(f"{name}: no column {args.unit_column!r}; name it with --unit-column",
                        id="data.columns", source=name)
    import pyarrow as pa
    import pyarrow.compute as pc
    units_column = table.column(args.unit_column)
    if units_column.null_count:
        raise DataError(f"{name}: {units_column.null_count} rows without a {args.unit_column!r}",
                        id="data.unit", source=name)
    if not pa.types.is_string(units_column.type):
        units_column = pc.cast(units_column, pa.string())
    chiso_io.check_texts(units_column, column=args.unit_column, kind="parquet", name=name)
    if len(units_column) > 1:  # sorted, a repeated id sits beside its twin (faster than hashing a million ids)
        ordered = pc.take(units_column, pc.sort_indices(units_column))
        if pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py():
            _unique_units(pd.Series(units_column.to_numpy(zero_copy_only=False)), name, "parquet")
    # pandas text backed by the Arrow column (no Python object per unit, with pandas ≥ 3).
    units = units_column.to_pandas()
    drop = [args.unit_column]
    groups: Any = None
    if args.group_column:
        if args.group_column not in table.column_names:
            raise DataError(f"{name}: no group column {args.group_column!r}",
                            id="data.columns", source=name)
        chiso_io.check_texts(table.column(args.group_column), column=args.group_column, kind="parquet", name=name)
        groups = _arrow_groups(table.column(args.group_column))
        drop.append(args.group_column)
    inputs = table.drop_columns(drop) if hasattr(table, "drop_columns") else table.drop(drop)
    return ScoreInputs(inputs=inputs, units=units, groups=groups, units_arrow=units_column)


def _arrow_groups(column: Any) -> Any:
    """A text group column as a pandas Categorical coded from its Arrow bytes (no Python object
    per unit; the labels sorted by Model.evaluate's one rule, model._label_codes; a null is code
    -1, refused by Model.evaluate). Other types (numbers) go as they are, one per row in order."""
    from ._arrow import text_array
    from .model import _label_codes
    if text_array(column) is None:
        return column.to_numpy(zero_copy_only=False)
    codes, labels, _ = _label_codes(column)
    return pd.Categorical.from_codes(codes, categories=labels)


def table_inputs(args: argparse.Namespace, model: Any, name: str, kind: str) -> ScoreInputs:
    """A CSV, Excel or JSON table read as a DataFrame: the model's input columns converted to
    numbers (naming the line of a bad cell), then the units checked unique."""
    frame = read_table(args.inputs, args, text_columns=[c for c in (args.unit_column, args.group_column) if c])
    units = _column(frame, args.unit_column, name, "--unit-column", kind)
    groups = None
    drop = [args.unit_column]
    if args.group_column:
        groups = _column(frame, args.group_column, name, "--group-column", kind).to_numpy()
        drop.append(args.group_column)
    frame = frame.drop(columns=drop)
    known = set(model.input_columns)
    numeric = [c for c in frame.columns if c in known]
    converted = chiso_io.numeric_columns(frame, numeric, kind=kind, name=name, decimal=args.decimal,
                                         units=units.to_numpy())
    inputs = pd.concat([converted, frame[[c for c in frame.columns if c not in known]]], axis=1)
    _unique_units(units, name, kind)
    from .model import units_already_checked  # checked above, naming their lines
    inputs.index = units_already_checked(pd.Index(units.to_numpy(), name=args.unit_column))
    return ScoreInputs(inputs=inputs, units=units, groups=groups)


def with_row(error: DataError, units: pd.Series, kind: str, name: str) -> DataError:
    """A scoring error with the file and line of its unit added (the file alone for an error of
    the whole table, such as its columns)."""
    unit = getattr(error, "unit", None)
    if getattr(error, "source", None) not in (None, "", "data"):  # "data": the core's name for the table
        return error
    if unit is None:
        text = re.sub(r"^data(, criterion '[^']*')?: ", "", message_of(error))
        return DataError(f"{name}: {text}", id=error.id, criterion=getattr(error, "criterion", None), source=name)
    rows = np.flatnonzero((units == unit).to_numpy())
    if not len(rows):
        return error
    where = chiso_io.row_name(kind, name, int(rows[0]))
    text = message_of(error)
    return DataError(f"{where}: {text}", id=error.id, unit=unit, criterion=getattr(error, "criterion", None),
                     source=where)


# The parser ---------------------------------------------------------------------------------------
def add_read_options(parser: argparse.ArgumentParser, *, output: bool = True, files: Sequence[str] = ()) -> None:
    group = parser.add_argument_group("file options")
    group.add_argument("--format", choices=chiso_io.FORMATS,
                       help="format of the input files (default: from the extension; stdin '-': csv)")
    group.add_argument("--encoding", help="encoding of CSV/JSON input (default UTF-8, with or without a BOM); "
                       "e.g. cp1258 or utf-16 for Vietnamese Excel exports")
    for role in files:
        group.add_argument(f"--{role}-encoding", metavar="ENCODING",
                           help=f"encoding of the --{role} file when it differs from --encoding")
    group.add_argument("--delimiter", help="CSV field separator, read and written (default ','); e.g. ';' or $'\\t'")
    group.add_argument("--decimal", default=".", help="decimal mark of CSV numbers, read and written (default '.'); "
                       "',' reads and writes 89,35")
    group.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    if output:
        group.add_argument("--output-format", choices=chiso_io.FORMATS,
                           help="format of the output (default: from its extension; stdout: csv)")
        group.add_argument("--output-encoding", help="encoding of CSV output (default UTF-8 with a BOM for Excel; "
                           "stdout: UTF-8)")
    limits = parser.add_argument_group("limits of the input files (refused beyond them, before they are read)")
    for key, dest, kind in (("columns", "max_columns", int), ("xlsx_bytes", "max_xlsx_bytes", int),
                            ("xlsx_ratio", "max_xlsx_ratio", float)):
        limit = chiso_io.LIMITS[key]
        default = format(limit.default, "_").replace("_", " ")  # 536 870 912, not 5.36871e+08
        limits.add_argument(limit.option, dest=dest, type=positive(kind), metavar="N",
                            help=f"{limit.what} (default {default}, or ${limit.variable})")


def positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be positive")
        return value
    return parse
