"""The ``chiso`` command: validate models, score tables of inputs, run the assessment workflow and
write its reports, from files (CSV, Excel, Parquet, JSON) or stdin, for batch jobs and pipelines.

Exit codes: 0 success, 1 invalid input (model or data), 2 usage. Errors go to stderr, one line
each, naming the file, line or JSON path, unit and criterion. The command holds no scoring logic:
it reads files, calls the library, writes files.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, TextIO

import numpy as np
import pandas as pd

from . import io as chiso_io
from . import models as bundled
from .errors import ChisoError, DataError, ModelError

__all__ = ["main", "Progress"]

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
def _model_file(argument: str) -> Path:
    """A model argument: a file, or the id of a bundled model (``chiso models``)."""
    path = Path(argument)
    if path.is_file() or argument.endswith(".json") or os.sep in argument:
        if not path.is_file():
            raise ModelError(f"{argument}: no such file (bundled models: `chiso models`)",
                             id="model.open", path="/")
        return path
    return bundled.path(argument)


def _load(argument: str) -> Any:
    from .model import load_model
    file = _model_file(argument)
    try:
        return load_model(file)
    except ModelError as error:
        raise ModelError(f"{file}: {_path_of(error)}{_message(error)}", id=error.id,
                         path=getattr(error, "path", "/")) from None


def _path_of(error: ChisoError) -> str:
    path = getattr(error, "path", None)
    message = str(error)
    return f"{path}: " if path and path not in message else ""


def _message(error: ChisoError) -> str:
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
def _options(args: argparse.Namespace, *, output: bool = False) -> chiso_io.TableOptions:
    return chiso_io.TableOptions(format=args.output_format if output else args.format,
                                 encoding=args.output_encoding if output else args.encoding,
                                 delimiter=args.delimiter, decimal=args.decimal,
                                 sheet=None if output else args.sheet)


def _read(path: str, args: argparse.Namespace, text_columns: Sequence[str] = ()) -> pd.DataFrame:
    return chiso_io.read_table(path, _options(args), text_columns=text_columns)


def _column(frame: pd.DataFrame, column: str, name: str, flag: str) -> pd.Series:
    if column not in frame.columns:
        raise DataError(f"{name}: no column {column!r} (columns: "
                        f"{', '.join(map(str, frame.columns[:8]))}{', …' if len(frame.columns) > 8 else ''}); "
                        f"name it with {flag}", id="data.columns", source=name)
    values = frame[column]
    missing = np.flatnonzero(values.isna().to_numpy() | (values.astype(str).str.strip() == "").to_numpy())
    if len(missing):
        kind = chiso_io.format_of(name, None) if name != "<stdin>" else "csv"
        where = chiso_io.row_name(kind, name, int(missing[0]))
        raise DataError(f"{where}: empty {column!r}", id="data.unit", source=where)
    return values.astype(str)


def _unique_units(units: pd.Series, name: str, kind: str) -> None:
    duplicated = np.flatnonzero(units.duplicated().to_numpy())
    if len(duplicated):
        row = int(duplicated[0])
        where = chiso_io.row_name(kind, name, row)
        raise DataError(f"{where}: unit {units.iloc[row]!r} appears twice", id="data.unit",
                        unit=str(units.iloc[row]), source=where)


_TRUE = {"1", "yes", "true", "y", "có", "co", "x"}
_FALSE = {"0", "no", "false", "n", "không", "khong", ""}


def _applicable(path: str, args: argparse.Namespace, model: Any, units: pd.Index) -> pd.DataFrame:
    """The applicability mask: unit column and one column per criterion, yes/no (1/0, true/false)."""
    frame = _read(path, args, text_columns=[args.unit_column])
    name = chiso_io._name(path)
    kind = chiso_io.format_of(path, args.format)
    ids = _column(frame, args.unit_column, name, "--unit-column")
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


def _groups_file(path: str, args: argparse.Namespace) -> pd.Series:
    frame = _read(path, args, text_columns=[args.unit_column, "group"])
    name = chiso_io._name(path)
    ids = _column(frame, args.unit_column, name, "--unit-column")
    _unique_units(ids, name, chiso_io.format_of(path, args.format))  # matched to the inputs' units by id
    groups = _column(frame, "group", name, "a column named group")
    return pd.Series(groups.to_numpy(), index=pd.Index(ids.to_numpy()), name="group")


# Subcommands --------------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    from .model import load_model
    reports: List[Dict[str, Any]] = []
    for argument in args.models:
        try:
            file = _model_file(argument)
            model = load_model(file)
        except ModelError as error:
            reports.append({"file": argument, "valid": False, "path": getattr(error, "path", "/"),
                            "id": f"chiso.{error.id}", "message": _message(error).rsplit(" [", 1)[0]})
            continue
        reports.append({"file": argument, "valid": True, "id": model.id, "criteria": len(model.leaf_ids)})
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            if r["valid"]:
                print(f"{r['file']}: valid ({r['id']}, {r['criteria']} criteria)")
            else:
                path = f"{r['path']}: " if r["path"] not in r["message"] else ""
                print(f"{r['file']}: {path}{r['message']} [{r['id']}]", file=sys.stderr)
    return EXIT_OK if all(r["valid"] for r in reports) else EXIT_INVALID


def cmd_score(args: argparse.Namespace) -> int:
    started = time.monotonic()
    model = _load(args.model)
    model.require_scorable()
    name = chiso_io._name(args.inputs)
    kind = chiso_io.format_of(args.inputs, args.format)
    out_kind = chiso_io.format_of(args.output, args.output_format) if args.output else (args.output_format or "csv")
    read = _parquet_inputs(args, name) if kind == "parquet" else _table_inputs(args, model, name, kind)
    unit_index = pd.Index(read.units.to_numpy(), name=args.unit_column)
    progress: Optional[Progress] = None
    if len(unit_index) >= LARGE:
        progress = Progress(3, f"chiso score {len(unit_index):,} units", started=started)
        progress.step("read")
    groups = _groups_file(args.groups, args) if args.groups else read.groups
    applicable = _applicable(args.applicable, args, model, unit_index) if args.applicable else None
    try:
        # An Arrow table has no index: its units go beside it; a DataFrame's index holds them.
        result = model.evaluate(read.inputs, applicable=applicable, groups=groups,
                                units=unit_index if kind == "parquet" else None, keep=args.keep)
    except DataError as error:
        raise _with_row(error, read.units, kind, name) from None
    if progress:
        progress.step("scored")
    _write_scores(result, args, out_kind, read.units_arrow)
    if progress:
        progress.step("written")
        progress.close()
    return EXIT_OK


@dataclass
class _ScoreInputs:
    """The inputs of ``chiso score``, one row per unit."""
    inputs: Any              # a DataFrame indexed by unit, or an Arrow table (Parquet, not copied)
    units: pd.Series         # the unit of each row, in order
    groups: Any              # the group of each row (--group-column), or None
    units_arrow: Any = None  # the unit column as Arrow, when the inputs are


def _parquet_inputs(args: argparse.Namespace, name: str) -> _ScoreInputs:
    """A Parquet file read as Arrow, its unit column checked (present, no nulls, unique) and taken
    out with the group column."""
    table = chiso_io.read_parquet_path(args.inputs)
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
    if pc.count_distinct(units_column).as_py() != len(units_column):
        _unique_units(pd.Series(units_column.to_numpy(zero_copy_only=False)), name, "parquet")
    units = pd.Series(units_column.to_numpy(zero_copy_only=False), copy=False)
    drop = [args.unit_column]
    groups: Any = None
    if args.group_column:
        if args.group_column not in table.column_names:
            raise DataError(f"{name}: no group column {args.group_column!r}",
                            id="data.columns", source=name)
        groups = table.column(args.group_column).to_numpy(zero_copy_only=False)  # one per row, in order
        drop.append(args.group_column)
    inputs = table.drop_columns(drop) if hasattr(table, "drop_columns") else table.drop(drop)
    return _ScoreInputs(inputs=inputs, units=units, groups=groups, units_arrow=units_column)


def _table_inputs(args: argparse.Namespace, model: Any, name: str, kind: str) -> _ScoreInputs:
    """A CSV, Excel or JSON table read as a DataFrame: the model's input columns converted to
    numbers (naming the line of a bad cell), then the units checked unique."""
    frame = _read(args.inputs, args, text_columns=[c for c in (args.unit_column, args.group_column) if c])
    units = _column(frame, args.unit_column, name, "--unit-column")
    groups = None
    drop = [args.unit_column]
    if args.group_column:
        groups = _column(frame, args.group_column, name, "--group-column").to_numpy()
        drop.append(args.group_column)
    frame = frame.drop(columns=drop)
    known = set(model.input_columns)
    numeric = [c for c in frame.columns if c in known]
    converted = chiso_io.numeric_columns(frame, numeric, kind=kind, name=name, decimal=args.decimal,
                                         units=units.to_numpy())
    inputs = pd.concat([converted, frame[[c for c in frame.columns if c not in known]]], axis=1)
    inputs.index = pd.Index(units.to_numpy(), name=args.unit_column)
    _unique_units(units, name, kind)
    return _ScoreInputs(inputs=inputs, units=units, groups=groups)


def _write_scores(result: Any, args: argparse.Namespace, out_kind: str, units_arrow: Any) -> None:
    """The scores to --output (Parquet written from Arrow) or to stdout."""
    if out_kind == "parquet" and args.output:
        chiso_io.require_pyarrow()
        chiso_io.write_arrow(_score_arrow(result, args, units_arrow), args.output)
    else:
        chiso_io.write_table(_score_frame(result, args), args.output or chiso_io.STDIO, _options(args, output=True))


def _with_row(error: DataError, units: pd.Series, kind: str, name: str) -> DataError:
    """A scoring error with the file and line of its unit added."""
    unit = getattr(error, "unit", None)
    if unit is None or getattr(error, "source", None):
        return error
    rows = np.flatnonzero((units == unit).to_numpy())
    if not len(rows):
        return error
    where = chiso_io.row_name(kind, name, int(rows[0]))
    text = _message(error)
    return DataError(f"{where}: {text}", id=error.id, unit=unit, criterion=getattr(error, "criterion", None),
                     source=where)


def _node_columns(result: Any) -> Dict[str, np.ndarray]:
    columns: Dict[str, np.ndarray] = {}
    matrices = {field: np.asarray(getattr(result._core, field)) for field in ("points", "max", "score")}
    for k, node in enumerate(result.node_ids):
        for field, matrix in matrices.items():
            columns[f"{node}.{field}"] = matrix[:, k]
    return columns


def _score_frame(result: Any, args: argparse.Namespace) -> pd.DataFrame:
    frame = result.scores.reset_index()
    frame = frame.rename(columns={frame.columns[0]: args.unit_column})
    if args.keep != "root":
        frame = pd.concat([frame, pd.DataFrame(_node_columns(result))], axis=1)
    return frame


def _score_arrow(result: Any, args: argparse.Namespace, units: Any = None) -> Any:
    """The scores as an Arrow table; ``units``: the input's unit column, when it came as Arrow."""
    import pyarrow as pa
    from . import _arrow
    table = _arrow.scores_table(result, args.unit_column, units)
    if args.keep != "root":
        for column, values in _node_columns(result).items():
            table = table.append_column(column, pa.array(chiso_io.clean_floats(values)))
    return table


def _assessment(args: argparse.Namespace) -> Any:
    from .assessment import Assessment, Survey
    model = _load(args.model)
    model.require_scorable()
    period = args.period if args.period is not None else str(model.to_dict().get("meta", {}).get("year", ""))
    plain_csv = (args.encoding is None and args.delimiter is None and args.decimal == "." and args.format is None)
    files_are_csv = all(p != chiso_io.STDIO and chiso_io.format_of(p) == "csv" for p in (args.units, args.records))
    for path in (args.units, args.records) + ((args.survey,) if args.survey else ()):
        if path != chiso_io.STDIO and not Path(path).is_file():
            raise DataError(f"{path}: no such file", id="io.open", source=path)
    if plain_csv and files_are_csv:
        assessment = Assessment.from_csv(model, period, args.units, args.records)  # the core names file:line
    else:
        units = _read(args.units, args, text_columns=["id", "name", "group"])
        records = _read(args.records, args, text_columns=["unit", "criterion", "stage", "value", "applicable",
                                                             "evidence", "note", "author", "timestamp"])
        assessment = Assessment(model, period, units)
        assessment.add(records, source=chiso_io._name(args.records))
    if args.survey:
        if plain_csv and chiso_io.format_of(args.survey) == "csv":
            survey = Survey.from_csv(args.survey)
        else:
            survey = Survey.from_frame(_read(args.survey, args, text_columns=["respondent", "unit", "service"]))
        assessment.set_survey(survey, strict=not args.skip_other_units)
    return assessment


def cmd_assess(args: argparse.Namespace) -> int:
    assessment = _assessment(args)
    tables = assessment.reports(as_of=args.as_of)
    why = []
    for unit in assessment.units.index:
        lost = assessment.why_lost(unit).reset_index()
        lost.insert(0, "unit", unit)
        why.append(lost)
    tables["why_lost"] = pd.concat(why, ignore_index=True) if why else pd.DataFrame()
    options = _options(args, output=True)
    options.format = args.output_format or "csv"
    for path in chiso_io.write_tables(tables, args.output, options):
        print(f"wrote {path}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".xlsx", ".docx", ".html"):
        raise DataError(f"{args.output}: a report is .xlsx, .docx or .html, not {suffix or '(none)'!r}",
                        id="io.format", source=args.output)
    if importlib.util.find_spec("chiso.reports") is None:
        raise ChisoError("chiso report needs the chiso.reports module, which this "
                         "installation does not have; `chiso assess -o DIR` writes the same tables as CSV or xlsx",
                         id="cli.no_reports")
    try:
        reports = importlib.import_module("chiso.reports")
    except ImportError as error:  # a package the reports need (e.g. for .docx) is not installed
        raise ChisoError(f"chiso report cannot load chiso.reports: {error}",
                         id="cli.no_reports") from None
    reports.write(_assessment(args), args.output, language=args.lang)
    print(f"wrote {args.output}")
    return EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    from .model import load_model
    rows: List[Dict[str, Any]] = []
    for model_id in bundled.names():
        model = load_model(bundled.path(model_id))
        rows.append({"id": model_id, "name": model.name, "criteria": len(model.leaf_ids),
                     "path": str(bundled.path(model_id))})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            print(f"{r['id']:<{width}}  {r['criteria']:>4} criteria  {r['name']}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    text = bundled.schema_path().read_text(encoding="utf-8")
    if args.output and args.output != chiso_io.STDIO:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


# The parser ---------------------------------------------------------------------------------------
def _add_read_options(parser: argparse.ArgumentParser, *, output: bool = True) -> None:
    files = parser.add_argument_group("file options")
    files.add_argument("--format", choices=chiso_io.FORMATS,
                       help="format of the input files (default: from the extension; stdin '-': csv)")
    files.add_argument("--encoding", help="encoding of CSV/JSON input (default UTF-8, with or without a BOM); "
                       "e.g. cp1258 or utf-16 for Vietnamese Excel exports")
    files.add_argument("--delimiter", help="CSV field separator, read and written (default ','); e.g. ';' or $'\\t'")
    files.add_argument("--decimal", default=".", help="decimal mark of CSV numbers, read and written (default '.'); "
                       "',' reads and writes 89,35")
    files.add_argument("--sheet", help="Excel sheet to read (default: the first)")
    if output:
        files.add_argument("--output-format", choices=chiso_io.FORMATS,
                           help="format of the output (default: from its extension; stdout: csv)")
        files.add_argument("--output-encoding", help="encoding of CSV output (default UTF-8 with a BOM for Excel; "
                           "stdout: UTF-8)")


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one line (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="chiso", description=__doc__.split("\n\n")[0],
                     epilog="Exit codes: 0 success, 1 invalid input (model or data), 2 usage. "
                            "`chiso COMMAND --help` for each command.")
    from . import __version__
    parser.add_argument("--version", action="version", version=f"chiso {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    model_help = "a model file (.json) or the id of a bundled model (see `chiso models`)"

    p = commands.add_parser("validate", help="check model files against the format",
                            description="Check model files. Exit 0 when all are valid; otherwise one line per "
                                        "problem on stderr, `file: /json/path: message [chiso.id]`, exit 1.")
    p.add_argument("models", nargs="+", metavar="MODEL", help=model_help)
    p.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    p.set_defaults(run=cmd_validate)

    p = commands.add_parser("score", help="score a table of inputs (one row per unit)",
                            description="Score a table of inputs: one row per unit, a unit column and one column "
                                        "per input of the model. Writes unit, index, rank, band and group (and "
                                        "<node>.points/.max/.score with --keep inner|all) to OUT, or CSV to stdout.")
    p.add_argument("model", metavar="MODEL", help=model_help)
    p.add_argument("inputs", metavar="INPUTS", help="the inputs: .csv, .xlsx, .parquet, .json, or '-' for stdin")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write (.csv, .xlsx, .parquet, .json; '-': stdout)")
    p.add_argument("--applicable", metavar="FILE", help="which criteria apply: a unit column and a yes/no (1/0, "
                   "true/false) column per criterion; criteria without a column apply to every unit")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--groups", metavar="FILE", help="the group of each unit: a unit column and a group column")
    group.add_argument("--group-column", metavar="COL", help="the column of INPUTS that holds the group")
    p.add_argument("--unit-column", metavar="COL", default="unit", help="the column of unit ids (default: unit)")
    p.add_argument("--keep", choices=("root", "inner", "all"), default="root",
                   help="also write points, max and score of the inner nodes or of all nodes (default: root only)")
    _add_read_options(p)
    p.set_defaults(run=cmd_score)

    for command, run, text in (
            ("assess", cmd_assess, "the assessment workflow: final results, self vs appraised, progress, why "
                                   "lost, written as files in DIR"),
            ("report", cmd_report, "write the assessment's report as one .xlsx, .docx or .html document")):
        p = commands.add_parser(command, help=text.split(":")[0] if command == "assess" else text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("model", metavar="MODEL", help=model_help)
        p.add_argument("--units", required=True, metavar="FILE", help="the units: id, name, group")
        p.add_argument("--records", required=True, metavar="FILE",
                       help="the records: unit, criterion, stage, value, applicable, evidence, note, author, timestamp")
        p.add_argument("--survey", metavar="FILE", help="survey microdata: respondent, unit[, service][, weight], "
                       "one column per question")
        p.add_argument("--skip-other-units", action="store_true",
                       help="leave out survey respondents of units not in --units (a survey covering several groups)")
        p.add_argument("--period", help="the period, e.g. 2023 (default: the model's meta.year)")
        if command == "assess":
            p.add_argument("--as-of", metavar="DATE", help="progress counts only records up to this ISO 8601 time")
            p.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write the reports in")
            _add_read_options(p)
            p.set_defaults(run=run)
            p.set_defaults(output_format=None)
            for action in p._actions:
                if action.dest == "output_format":
                    action.help = "format of the reports: csv (default), parquet, json (one file each) or xlsx " \
                                  "(one workbook, a sheet per report)"
        else:
            p.add_argument("-o", "--output", required=True, metavar="FILE", help="the report: .xlsx, .docx or .html")
            p.add_argument("--lang", choices=("vi", "en"), default="vi", help="the report's language (default vi)")
            _add_read_options(p, output=False)
            p.set_defaults(run=run)

    p = commands.add_parser("models", help="list the bundled models", description="List the models bundled with "
                            "chiso: id, number of criteria, name. The ids can stand for MODEL in every command.")
    p.add_argument("--json", action="store_true", help="as JSON, with each model's file")
    p.set_defaults(run=cmd_models)

    p = commands.add_parser("schema", help="print the JSON Schema of the model file",
                            description="Print the JSON Schema (draft 2020-12) of the model file format.")
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead of stdout")
    p.set_defaults(run=cmd_schema)

    # Listed for --help; main() hands `chiso demo …` to chiso.demo, which parses its own options.
    commands.add_parser("demo", help="run the demo on the bundled sample (SYNTHETIC data); --out DIR writes "
                        "every report")
    return parser


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            reconfigure: Optional[Callable[..., None]] = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8")  # Vietnamese names whatever the terminal's setting


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    _utf8_stdio()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["demo"]:  # the demo parses its own options (chiso demo --help)
        from . import demo
        return demo.main(argv[1:], prog="chiso demo")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except ChisoError as error:
        print(f"chiso {args.command}: {_message(error)}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # `chiso score … | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("chiso: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
