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
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, NoReturn, Optional, Sequence

import numpy as np
import pandas as pd

from . import io as chiso_io
from . import models as bundled
from .cli_inputs import (EXIT_INVALID, EXIT_OK, EXIT_USAGE, LARGE, Progress, add_read_options, applicable_file,
                         groups_file, load_model_argument, message_of, parquet_inputs, read_table,
                         table_inputs, table_options, with_row)
from .errors import ChisoError, DataError, InputWarning, ModelError

__all__ = ["main", "Progress"]































# Subcommands --------------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    reports: List[Dict[str, Any]] = []
    for argument in args.models:
        problems, model = _problems(argument)
        if model is not None:
            reports.append({"file": argument, "valid": True, "id": model.id, "criteria": len(model.leaf_ids)})
        else:
            reports.append({"file": argument, "valid": False, "problems": problems, **problems[0]})
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            if r["valid"]:
                print(f"{r['file']}: valid ({r['id']}, {r['criteria']} criteria)")
                continue
            for problem in r["problems"]:  # the file once, then the JSON path (but for the whole document)
                path = "" if problem["path"] == "/" else f"{problem['path']}: "
                print(f"{r['file']}: {path}{_said_once(problem, r['file'])} [{problem['id']}]", file=sys.stderr)
    return EXIT_OK if all(r["valid"] for r in reports) else EXIT_INVALID


def _problem(error: ChisoError, prefix: str = "/root", at: str = "/root") -> Dict[str, str]:
    """A problem as validate reports it: its JSON path (moved from ``prefix`` to ``at``, when the
    core checked a part of the model on its own), id and message without the path or the id."""
    path = getattr(error, "path", "/") or "/"
    text = message_of(error).rsplit(" [", 1)[0]
    if path == prefix or path.startswith(prefix + "/"):
        text = text.replace(path, at + path[len(prefix):], 1)
        path = at + path[len(prefix):]
    return {"path": path, "id": f"chiso.{error.id}", "message": text}


def _said_once(problem: Dict[str, str], file: str) -> str:
    """A problem's message without the file and the JSON path, which validate's line starts with."""
    text = problem["message"]
    for said in (file, problem["path"]):
        if said and text.startswith(f"{said}: "):
            text = text[len(said) + 2:]
    return re.sub(r" \(in [^()]*\)$", "", text)  # the core's "(in FILE)"


def _problems(argument: str) -> "tuple[List[Dict[str, str]], Any]":
    """Every problem of a model file that the core can find: the whole model is checked first;
    when it fails, its settings, each leaf (under a parent of the same aggregation) and its tree
    of inner nodes are checked apart, so one bad criterion does not hide the next."""
    from .model import load_model
    try:
        file = bundled.file_of(argument)
    except ModelError as error:
        return [_problem(error)], None
    try:
        return [], load_model(file)
    except ModelError as error:
        first = _problem(error)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, OSError):  # not JSON: the core said where
        return [first], None
    root = document.get("root") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        return [first], None
    found: List[Dict[str, str]] = []

    def check(candidate: Dict[str, Any], prefix: str, at: str) -> bool:
        try:
            load_model(candidate)
            return True
        except ModelError as problem:
            found.append(_problem(problem, prefix, at))
            return False

    placeholder_leaf = {"max": 1, "rule": {"kind": "points"}}
    settings_ok = check({**document, "root": {"id": "_", "aggregate": "sum", "children": [{"id": "_l", **placeholder_leaf}]}},
                        "/root", "/root")
    base = document if settings_ok else {"format": "chiso-model/1", "id": "_"}  # settings said once

    def skeleton(node: Dict[str, Any], path: str, parent: Optional[str]) -> Any:
        children = node.get("children")
        if not isinstance(children, list) or not children:
            kind = node.get("rule", {}).get("kind") if isinstance(node.get("rule"), dict) else None
            if parent is None:  # under a parent whose aggregate is itself wrong: the usual one for the rule
                parent = "sum" if kind in ("bonus", "deduction") else "mean"
            wrapper = {"id": "_chiso_parent", "aggregate": parent, "children": [node]}
            if check({**base, "root": wrapper}, "/root/children/0", path):
                return node
            stand_in: Dict[str, Any] = ({"rule": {"kind": kind, "per": 1, "cap": 1}} if kind in ("bonus", "deduction")
                                        else dict(placeholder_leaf))
            return {"id": node.get("id"), **({"weight": node["weight"]} if "weight" in node else {}), **stand_in}
        aggregate = node.get("aggregate") if node.get("aggregate") in _AGGREGATES else None  # bad: said once
        return {**node, "children": [skeleton(child, f"{path}/children/{k}", aggregate) if isinstance(child, dict)
                                     else child for k, child in enumerate(children)]}

    tree = skeleton(root, "/root", "sum")
    if not isinstance(root.get("children"), list) or not root.get("children"):
        tree = root
    check({**base, "root": tree}, "/root", "/root")
    unique: List[Dict[str, str]] = []
    for problem in [first] + found:
        if problem not in unique and not any(p["path"] == problem["path"] and p["id"] == problem["id"] for p in unique):
            unique.append(problem)
    return sorted(unique, key=_document_order), None


_AGGREGATES = ("sum", "mean", "geomean", "harmonic", "min", "max")


def _document_order(problem: Dict[str, str]) -> List[Any]:
    """Problems in the order of the file: by JSON path, array positions as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in problem["path"].split("/") if part]


def cmd_score(args: argparse.Namespace) -> int:
    started = time.monotonic()
    model = load_model_argument(args.model)
    model.require_scorable()
    name = chiso_io._name(args.inputs)
    kind = chiso_io.format_of(args.inputs, args.format)
    out_kind = chiso_io.format_of(args.output, args.output_format) if args.output else (args.output_format or "csv")
    if args.output:  # before reading and scoring: a place that cannot be written, or an input
        chiso_io.check_output(args.output, [args.inputs, args.applicable, args.groups, _model_path(args.model)])
    read = parquet_inputs(args, name) if kind == "parquet" else table_inputs(args, model, name, kind)
    # Checked as it was read (unique, no control characters; errors name the file's line).
    from .model import units_already_checked
    unit_index = units_already_checked(pd.Index(read.units.array, name=args.unit_column, copy=False))
    progress: Optional[Progress] = None
    if len(unit_index) >= LARGE:
        progress = Progress(3, f"chiso score {len(unit_index):,} units", started=started)
        progress.step("read")
    groups = groups_file(args.groups, args) if args.groups else read.groups
    if isinstance(groups, pd.Categorical):  # a Parquet group column, one per row: matched to the units as they are
        groups = pd.Series(groups, index=unit_index, copy=False)
    applicable = applicable_file(args.applicable, args, model, unit_index) if args.applicable else None
    try:
        # An Arrow table has no index: its units go beside it; a DataFrame's index holds them.
        result = model.evaluate(read.inputs, applicable=applicable, groups=groups,
                                units=unit_index if kind == "parquet" else None, keep=args.keep)
    except DataError as error:
        if args.groups and error.id == "data.groups":  # the groups came from their own file
            raise DataError(f"{args.groups}: {message_of(error)}", id=error.id, unit=getattr(error, "unit", None),
                            source=args.groups) from None
        raise with_row(error, read.units, kind, name) from None
    if progress:
        progress.step("scored")
    _write_scores(result, args, out_kind, read.units_arrow)
    if progress:
        progress.step("written")
        progress.close()
    return EXIT_OK


def _model_path(argument: str) -> Optional[Path]:
    try:
        return bundled.file_of(argument)
    except ChisoError:
        return None


def score_decimals(model: Any, columns: Sequence[str]) -> Dict[str, chiso_io.Decimals]:
    """How each number column of the scores is written (README, "Command line"): the index at the
    model's rounding digits; a node's points at its ``round`` when it has one, else (and its max)
    at the fewest decimals that write the column exactly; scores, ratios without decimals of their
    own, each at its shortest (at most 12 significant digits)."""
    settings = model.to_dict()
    rounding = settings.get("rounding") or {}
    decimals: Dict[str, chiso_io.Decimals] = {}
    if rounding.get("mode", "half_up") != "none":
        decimals["index"] = int(rounding.get("digits", 2))
    nodes = model.nodes()
    rounds = nodes["round"] if "round" in nodes.columns else pd.Series(dtype=float)
    wanted = set(columns)
    for node in model.node_ids:
        k = rounds.get(node)
        points = f"{node}.points"
        if points in wanted:
            decimals[points] = int(k) if k is not None and not pd.isna(k) and k >= 0 else "common"
        if f"{node}.max" in wanted:
            decimals[f"{node}.max"] = "common"
    return decimals








def _write_scores(result: Any, args: argparse.Namespace, out_kind: str, units_arrow: Any) -> None:
    """The scores to --output (Parquet written from Arrow) or to stdout, numbers at the model's
    decimals."""
    if out_kind == "parquet" and args.output:
        chiso_io.require_pyarrow()
        chiso_io.write_arrow(_score_arrow(result, args, units_arrow), args.output)
    else:
        frame = _score_frame(result, args)
        chiso_io.write_table(frame, args.output or chiso_io.STDIO, table_options(args, output=True),
                             decimals=score_decimals(result.model, frame.columns))




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


_RECORD_TEXT = ["unit", "criterion", "input", "stage", "value", "applicable", "evidence", "explanation", "note", "author",
                "timestamp", "entered_at", "hash"]
_STAGES = ("self", "appraisal", "explanation", "appraisal_2")


def _deadlines(args: argparse.Namespace) -> Dict[str, str]:
    """--deadline STAGE=TIME, repeated."""
    deadlines: Dict[str, str] = {}
    for text in args.deadline or ():
        stage, sep, time_text = text.partition("=")
        if not sep or stage.strip() not in _STAGES or not time_text.strip():
            raise DataError(f"--deadline {text!r}: expected STAGE=TIME, STAGE one of {', '.join(_STAGES)} and TIME "
                            "ISO 8601 (e.g. self=2023-10-31T17:00:00+07:00)", id="cli.deadline")
        deadlines[stage.strip()] = time_text.strip()
    return deadlines


def _assessment_inputs(args: argparse.Namespace) -> List[Any]:
    return [getattr(args, role, None) for role in ("units", "records", "survey", "assessment", "previous",
                                                   "previous_survey")]


class _UsageError(Exception):
    """Options that do not go together (exit 2, as argparse's own usage errors)."""


def _check_assessment_files(args: argparse.Namespace) -> None:
    if args.assessment is None and (args.units is None or args.records is None):
        missing = " and ".join(f"--{r}" for r in ("units", "records") if getattr(args, r) is None)
        raise _UsageError(f"the following arguments are required: {missing} (or a saved assessment: "
                          "--assessment FILE.json)")
    if args.assessment is not None and (args.units is not None or args.records is not None):
        raise _UsageError("--assessment FILE.json holds the units and records: leave out --units and --records")
    for path in _assessment_inputs(args):
        if path is not None and path != chiso_io.STDIO and not Path(path).is_file():
            raise DataError(f"{path}: no such file", id="io.open", source=path)


def _assessment(args: argparse.Namespace, model: Any = None) -> Any:
    from .assessment import Assessment
    model = model if model is not None else load_model_argument(args.model)
    model.require_scorable()
    deadlines = _deadlines(args)
    if args.assessment is not None:
        assessment = _from_json(args.assessment, model)
        for stage, deadline in deadlines.items():
            assessment.set_deadline(stage, deadline)
    else:
        period = args.period if args.period is not None else str(model.to_dict().get("meta", {}).get("year", ""))
        plain_csv = (args.encoding is None and args.delimiter is None and args.decimal == "." and args.format is None
                     and args.units_encoding is None and args.records_encoding is None)
        files_are_csv = all(p != chiso_io.STDIO and chiso_io.format_of(p) == "csv" for p in (args.units, args.records))
        if plain_csv and files_are_csv:  # the core reads them and names file:line
            try:
                assessment = Assessment.from_csv(model, period, args.units, args.records, deadlines=deadlines)
            except DataError as error:
                raise _encoding_hint(error, args) from None
        else:
            units = read_table(args.units, args, text_columns=["id", "name", "group"])
            records = read_table(args.records, args, text_columns=_RECORD_TEXT)
            records = _decimal_values(records, args.decimal)
            assessment = Assessment(model, period, units, deadlines=deadlines)
            records_name = chiso_io._name(args.records)
            try:
                # A records file is history, whatever its format: its entry times and stated dates
                # are kept and checked, as the records CSV's are (not stamped now).
                assessment.add(records, source=records_name, history=True)
            except DataError as error:
                raise _at_line(error, records_name, chiso_io.format_of(args.records, args.format)) from None
    _add_survey(assessment, model, args)
    return assessment


def _encoding_hint(error: DataError, args: argparse.Namespace) -> DataError:
    """A file that is not UTF-8, read by the core: name the option that gives its encoding."""
    if not error.id.endswith("encoding"):
        return error
    text = message_of(error)
    role = next((r for r in ("records", "units") if text.startswith(f"{chiso_io._name(getattr(args, r))}:")), None)
    if role is None:
        return error
    return DataError(text.rsplit(" [", 1)[0] + f"; or give its encoding: --{role}-encoding cp1258 (or utf-16: "
                     "Vietnamese Excel exports are often one of these)", id=error.id, source=getattr(error, "source", None))


def _from_json(path: str, model: Any) -> Any:
    from .assessment import Assessment
    if path == chiso_io.STDIO:
        return Assessment.from_json(chiso_io.decode(chiso_io.read_bytes(path), None, "<stdin>"), model)
    return Assessment.from_json(path, model)


def _decimal_values(records: pd.DataFrame, decimal: str) -> pd.DataFrame:
    """Record values written with a decimal comma (1,75 under --decimal ,) as the numbers they are;
    other text (yes/no, a survey code) is left to the record reader."""
    if decimal == "." or "value" not in records.columns:
        return records
    pattern = re.compile(r"^\s*[+-]?(\d+|\d*" + re.escape(decimal) + r"\d+)\s*$")
    values = records["value"].map(lambda v: v.replace(decimal, ".") if isinstance(v, str) and pattern.match(v) else v)
    return records.assign(value=values)


_ROW = re.compile(r"\brow (\d+)\b")


def _at_line(error: DataError, name: str, kind: str) -> DataError:
    """A record error named by ``<file> row N`` (0-based, the reader's count) with the file's own
    line (CSV) or row (Excel), as the user sees it."""
    text = message_of(error)
    where = f"{name} row "
    if where not in text:
        return error
    start = text.index(where) + len(where)
    number = re.match(r"\d+", text[start:])
    if not number:
        return error
    line = chiso_io.row_name(kind, name, int(number.group()))
    text = text[:text.index(where)] + line + text[start + len(number.group()):]
    return DataError(text.rsplit(" [", 1)[0], id=error.id, unit=getattr(error, "unit", None),
                     criterion=getattr(error, "criterion", None), source=line)


def _add_survey(assessment: Any, model: Any, args: argparse.Namespace, survey_path: Optional[str] = None,
                skip_other_units: Optional[bool] = None, option: str = "--survey") -> None:
    from .assessment import Survey
    survey_path = args.survey if survey_path is None else survey_path
    skip = args.skip_other_units if skip_other_units is None else skip_other_units
    if not survey_path:
        _require_survey(assessment, model, option)
        return
    plain = (args.encoding is None and args.survey_encoding is None and args.delimiter is None and args.decimal == "."
             and args.format is None)
    name = chiso_io._name(survey_path)
    try:
        if plain and survey_path != chiso_io.STDIO and chiso_io.format_of(survey_path) == "csv":
            survey = Survey.from_csv(survey_path)
        else:
            survey = Survey.from_frame(read_table(survey_path, args, text_columns=["respondent", "unit", "service"]))
    except DataError as error:
        raise _at_line(_named(error, name), name, chiso_io.format_of(survey_path, args.format)) from None
    try:
        assessment.set_survey(survey, strict=not skip)
    except DataError as error:
        if error.id == "survey.unknown_unit":
            raise DataError(f"{name}: {message_of(error).rsplit(' [', 1)[0]}; add --skip-other-units to leave out "
                            "the respondents of units not in the assessment", id=error.id,
                            unit=getattr(error, "unit", None), source=name) from None
        raise


def _require_survey(assessment: Any, model: Any, option: str) -> None:
    """Survey criteria with no record at all come from survey microdata: without them the scoring
    would fail on the first unit's missing input; say which option gives them."""
    surveyed = [n for n, source in model.nodes()["source"].items() if source == "survey" and n in set(model.leaf_ids)]
    if not surveyed:
        return
    records = assessment.records
    recorded = set(records["criterion"]) if "criterion" in records.columns else set()
    without = [c for c in surveyed if c not in recorded]
    if without:
        raise DataError(f"the model's survey criteria ({', '.join(without[:5])}{', …' if len(without) > 5 else ''}) "
                        f"have no inputs: give the survey microdata with {option} FILE", id="cli.survey_missing",
                        criterion=without[0])


def _named(error: DataError, name: str) -> DataError:
    """An error of a table read from ``name`` that says ``row N`` without the file: with it."""
    text = message_of(error)
    if name in text or not _ROW.search(text):
        return error
    return DataError(_ROW.sub(lambda m: f"{name} row {m.group(1)}", text, count=1).rsplit(" [", 1)[0], id=error.id,
                     unit=getattr(error, "unit", None), criterion=getattr(error, "criterion", None), source=name)


def assess_decimals(model: Any, tables: Mapping[str, pd.DataFrame]) -> Dict[str, Dict[str, chiso_io.Decimals]]:
    """How the numbers of each report are written: the index at the model's digits, every other
    number (points, values, differences, counts) at the fewest decimals that write its column
    exactly."""
    rounding = model.to_dict().get("rounding") or {}
    digits = int(rounding.get("digits", 2)) if rounding.get("mode", "half_up") != "none" else "common"
    out: Dict[str, Dict[str, chiso_io.Decimals]] = {}
    for name, frame in tables.items():
        out[name] = {str(c): "common" for c in frame.columns}
        for column in frame.columns:
            if str(column) in ("index", "index_before", "index_after", "previous_index"):
                out[name][str(column)] = digits
    return out


def cmd_assess(args: argparse.Namespace) -> int:
    _check_assessment_files(args)
    model = load_model_argument(args.model)
    options = table_options(args, output=True)
    options.format = args.output_format or "csv"
    chiso_io.format_of("x", options.format)
    chiso_io.check_output(args.output, _assessment_inputs(args), directory=True)
    assessment = _assessment(args, model)
    tables = assessment.reports(as_of=args.as_of)
    why = []
    for unit in assessment.units.index:
        lost = assessment.why_lost(unit).reset_index()
        lost.insert(0, "unit", unit)
        why.append(lost)
    tables["why_lost"] = pd.concat(why, ignore_index=True) if why else pd.DataFrame()
    # The appraisal record itself beside its reports: what `chiso report --assessment`, a later
    # `chiso assess --assessment` and `chiso verify` read.
    record = Path(args.output) / "assessment.json"
    for path in chiso_io.table_paths(list(tables), args.output, options.format) + [record]:
        chiso_io.check_output(path, _assessment_inputs(args))
    for path in chiso_io.write_tables(tables, args.output, options, decimals=assess_decimals(model, tables)):
        print(f"wrote {path}")
    assessment.to_json(record)
    print(f"wrote {record}")
    records = assessment.records
    if len(records):  # to note: `chiso verify FILE --expect HASH` shows later that no record was removed
        print(f"{len(records)} records; SHA-256 of the last record: {records['hash'].iloc[-1]}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    _check_assessment_files(args)
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".xlsx", ".docx", ".html"):
        raise DataError(f"{args.output}: a report is .xlsx, .docx or .html, not {suffix or '(none)'!r}",
                        id="io.format", source=args.output)
    chiso_io.check_output(args.output, _assessment_inputs(args) + [_model_path(args.model)])
    if importlib.util.find_spec("chiso.reports") is None:
        raise ChisoError("chiso report needs the chiso.reports module, which this "
                         "installation does not have; `chiso assess -o DIR` writes the same tables as CSV or xlsx",
                         id="cli.no_reports")
    try:
        reports = importlib.import_module("chiso.reports")
    except ImportError as error:  # a package the reports need (e.g. for .docx) is not installed
        raise ChisoError(f"chiso report cannot load chiso.reports: {error}",
                         id="cli.no_reports") from None
    model = load_model_argument(args.model)
    previous = None
    if args.previous is not None:  # an earlier period, for the year-over-year columns
        previous_model = load_model_argument(args.previous_model) if args.previous_model else model
        previous = _from_json(args.previous, previous_model)
        _add_survey(previous, previous_model, args, args.previous_survey or "", True, "--previous-survey")
    assessment = _assessment(args, model)
    with chiso_io.atomic_path(args.output) as temporary:
        reports.write(assessment, temporary, language=args.lang, previous=previous)
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
        chiso_io.check_output(args.output)
        chiso_io.write_bytes(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK






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
    add_read_options(p, files=("applicable", "groups"))
    p.set_defaults(run=cmd_score)

    for command, run, text in (
            ("assess", cmd_assess, "the assessment workflow: final results, self vs appraised, progress, why "
                                   "lost, written as files in DIR"),
            ("report", cmd_report, "write the assessment's report as one .xlsx, .docx or .html document")):
        p = commands.add_parser(command, help=text.split(":")[0] if command == "assess" else text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("model", metavar="MODEL", help=model_help)
        p.add_argument("--units", metavar="FILE", help="the units: id, name, group")
        p.add_argument("--records", metavar="FILE",
                       help="the records: unit, criterion, stage, value, applicable, evidence, note, author, timestamp")
        p.add_argument("--assessment", metavar="FILE.json", help="a saved assessment (chiso-assessment/1 JSON, "
                       "Assessment.to_json), instead of --units and --records; its survey still comes with --survey")
        p.add_argument("--survey", metavar="FILE", help="survey microdata: respondent, unit[, service][, weight], "
                       "one column per question")
        p.add_argument("--skip-other-units", action="store_true",
                       help="leave out survey respondents of units not in --units (a survey covering several groups)")
        p.add_argument("--period", help="the period, e.g. 2023 (default: the model's meta.year)")
        p.add_argument("--deadline", action="append", metavar="STAGE=TIME",
                       help="close a stage (self, appraisal, explanation, appraisal_2) at an ISO 8601 time: records "
                            "of that stage entered later are refused; repeat for several stages")
        if command == "assess":
            p.add_argument("--as-of", metavar="DATE", help="progress counts only records up to this ISO 8601 time")
            p.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write the reports in")
            add_read_options(p, files=("units", "records", "survey"))
            p.set_defaults(run=run)
            p.set_defaults(output_format=None)
            for action in p._actions:
                if action.dest == "output_format":
                    action.help = "format of the reports: csv (default), parquet, json (one file each) or xlsx " \
                                  "(one workbook, a sheet per report)"
        else:
            p.add_argument("-o", "--output", required=True, metavar="FILE", help="the report: .xlsx, .docx or .html")
            p.add_argument("--lang", choices=("vi", "en"), default="vi", help="the report's language (default vi)")
            p.add_argument("--previous", metavar="FILE.json", help="the assessment of an earlier period (saved as "
                           "JSON), for the year-over-year columns")
            p.add_argument("--previous-model", metavar="MODEL", help="the model of --previous when it is not MODEL "
                           "(criteria are matched by id)")
            p.add_argument("--previous-survey", metavar="FILE", help="the survey microdata of --previous (a saved "
                           "assessment holds its records, not its survey); respondents of other units are left out")
            add_read_options(p, output=False, files=("units", "records", "survey"))
            p.set_defaults(run=run)

    from . import cli_analysis  # chiso uncertainty, chiso sensitivity
    cli_analysis.add_commands(commands, model_help)

    p = commands.add_parser("models", help="list the bundled models", description="List the models bundled with "
                            "chiso: id, number of criteria, name. The ids can stand for MODEL in every command.")
    p.add_argument("--json", action="store_true", help="as JSON, with each model's file")
    p.set_defaults(run=cmd_models)

    p = commands.add_parser("schema", help="print the JSON Schema of the model file",
                            description="Print the JSON Schema (draft 2020-12) of the model file format.")
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead of stdout")
    p.set_defaults(run=cmd_schema)

    from .store import add_verify_command  # chiso verify FILE|URL --period P: the store's hash chains
    add_verify_command(commands)

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


def _warning_printer(command: str) -> Callable[..., None]:
    """Warnings (percentages typed as fractions) as one line each, without Python's source line."""
    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
        print(f"chiso {command}: warning: {' '.join(str(message).split())}", file=sys.stderr)
    return show


_LONGEST = 1000  # characters of an error line; a message listing a million columns is cut in the middle


def _short(text: str) -> str:
    if len(text) <= _LONGEST:
        return text
    return f"{text[:_LONGEST // 2]} … {text[-_LONGEST // 2:]}"


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
        with warnings.catch_warnings():
            warnings.simplefilter("always", InputWarning)  # each said, once per criterion, even under -W error
            warnings.showwarning = _warning_printer(args.command)
            return int(args.run(args))
    except _UsageError as error:
        print(f"chiso {args.command}: {error} (see chiso {args.command} --help)", file=sys.stderr)
        return EXIT_USAGE
    except ChisoError as error:
        print(f"chiso {args.command}: {_short(message_of(error))}", file=sys.stderr)
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
