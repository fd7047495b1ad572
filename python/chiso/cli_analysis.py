"""``chiso uncertainty`` and ``chiso sensitivity``: how robust a ranking is, from the command line.

The assumptions come from a small spec file (JSON or TOML) or from options; the inputs are scored
by the model first (a scored model: its criteria's scores are the analysis' indicators, ranked as
the model ranks, within groups) or, for a composite index, are its normalised indicators. The
statistics are written as CSV, Parquet or JSON, and plotted as PNG or SVG. No analysis logic here:
the command reads files, calls ``chiso.sensitivity``, writes files.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pandas as pd

from .cli_inputs import (EXIT_OK, Progress, add_read_options, groups_file, load_model_argument, parquet_inputs,
                         table_inputs, with_row)
from . import io as chiso_io
from .errors import ChisoError, DataError

__all__ = ["add_commands", "read_spec"]

# What a spec file may hold, and the type of each field.
_RUN_FIELDS = {"replications": int, "N": int, "seed": int, "threads": int, "target": str, "output": str,
               "unit": str, "bootstrap": int}
_ASSUMPTION_FIELDS = {
    "noisy_weights": {"name": str, "type": str, "noise": dict},
    "weight_sets": {"name": str, "type": str, "sets": list, "nominal": int},
    "aggregation": {"name": str, "type": str, "methods": list, "levels": list, "nominal": int},
}


def _spec_error(file: str, path: str, message: str) -> ChisoError:
    """A spec file that cannot be used: the file, the JSON path, what was expected."""
    return ChisoError(f"{file}: {path}: {message}", id="cli.spec")


def read_spec(path: str) -> Dict[str, Any]:
    """The spec file (``.json`` or ``.toml``) checked field by field: run settings (replications,
    N, seed, threads, target, output, unit, bootstrap) and ``assumptions``, a list of
    ``{"type": "noisy_weights", "name": …, "noise": {"2": 0.25}}``, ``{"type": "weight_sets",
    "sets": [[…], …]}`` or ``{"type": "aggregation", "methods": [...], "levels": [...]}``."""
    file = Path(path)
    if not file.is_file():
        raise _spec_error(path, "/", "no such file")
    raw = file.read_bytes()
    try:
        if file.suffix.lower() == ".toml":
            import tomllib
            spec = tomllib.loads(raw.decode("utf-8"))
        else:
            spec = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _spec_error(path, "/", f"not UTF-8 (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise _spec_error(path, "/", f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except ValueError as error:  # tomllib.TOMLDecodeError
        raise _spec_error(path, "/", f"not TOML: {error}") from None
    if not isinstance(spec, dict):
        raise _spec_error(path, "/", f"expected an object, got {type(spec).__name__}")
    for key, value in spec.items():
        if key == "assumptions":
            continue
        if key not in _RUN_FIELDS:
            raise _spec_error(path, f"/{key}", f"unknown field (expected assumptions, {', '.join(_RUN_FIELDS)})")
        _check_type(path, f"/{key}", value, _RUN_FIELDS[key])
    assumptions = spec.get("assumptions", [])
    if not isinstance(assumptions, list):
        raise _spec_error(path, "/assumptions", "expected a list of assumptions")
    spec["assumptions"] = [_assumption(path, f"/assumptions/{k}", a) for k, a in enumerate(assumptions)]
    return spec


def _check_type(file: str, where: str, value: Any, kind: type) -> None:
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise _spec_error(file, where, f"expected {'a number' if kind is int else 'a ' + kind.__name__}, "
                                       f"got {json.dumps(value, ensure_ascii=False)[:40]}")


def _assumption(file: str, where: str, a: Any) -> Dict[str, Any]:
    from . import sensitivity as sa
    if not isinstance(a, dict):
        raise _spec_error(file, where, "expected an object with a type and a name")
    kind = a.get("type")
    if kind not in _ASSUMPTION_FIELDS:
        raise _spec_error(file, f"{where}/type", f"expected one of {', '.join(_ASSUMPTION_FIELDS)}, got "
                                                 f"{json.dumps(kind, ensure_ascii=False)} (data choices need Python: "
                                                 "chiso.sensitivity)")
    fields = _ASSUMPTION_FIELDS[kind]
    for key, value in a.items():
        if key not in fields:
            raise _spec_error(file, f"{where}/{key}", f"unknown field of a {kind} assumption "
                                                      f"(expected {', '.join(fields)})")
        _check_type(file, f"{where}/{key}", value, fields[key])
    name = a.get("name", kind)
    if kind == "noisy_weights":
        noise = a.get("noise")
        if not noise:
            raise _spec_error(file, f"{where}/noise", 'expected levels and factors, e.g. {"2": 0.25}')
        levels: Dict[int, float] = {}
        for level, factor in noise.items():
            if not str(level).isdigit():
                raise _spec_error(file, f"{where}/noise/{level}", "a level is a whole number (1 = the indicators)")
            if isinstance(factor, bool) or not isinstance(factor, (int, float)):
                raise _spec_error(file, f"{where}/noise/{level}", "a noise factor is a number in [0, 1]")
            levels[int(level)] = float(factor)
        return sa.noisy_weights(name, levels)
    if kind == "weight_sets":
        sets = a.get("sets")
        if not sets or not all(isinstance(s, list) and all(isinstance(w, (int, float)) and not isinstance(w, bool)
                                                            for w in s) for s in sets):
            raise _spec_error(file, f"{where}/sets", "expected a list of weight lists (one weight per node)")
        return sa.weight_sets(name, sets, nominal=a.get("nominal", 0))
    methods = a.get("methods")
    if not methods or not all(isinstance(m, str) for m in methods):
        raise _spec_error(file, f"{where}/methods", 'expected method names, e.g. ["arithmetic", "geometric"]')
    levels_list = a.get("levels")
    if levels_list is not None and not all(isinstance(v, int) and not isinstance(v, bool) for v in levels_list):
        raise _spec_error(file, f"{where}/levels", "expected whole numbers (2 = the parents of the indicators)")
    return sa.aggregation(name, methods, levels=levels_list, nominal=a.get("nominal", 0))


def _assumptions_from_options(args: argparse.Namespace) -> List[Dict[str, Any]]:
    """--noise LEVEL=FACTOR (repeatable) and --aggregation METHOD,METHOD [--levels L,L]."""
    from . import sensitivity as sa
    out: List[Dict[str, Any]] = []
    if args.noise:
        levels: Dict[int, float] = {}
        for item in args.noise:
            level, _, factor = item.partition("=")
            try:
                levels[int(level)] = float(factor)
            except ValueError:
                raise ChisoError(f"--noise {item!r}: expected LEVEL=FACTOR, e.g. 1=0.25", id="cli.spec") from None
        out.append(sa.noisy_weights("Weights", levels))
    if args.aggregation:
        methods = [m.strip() for m in args.aggregation.split(",") if m.strip()]
        levels_list = None
        if args.levels:
            try:
                levels_list = [int(v) for v in args.levels.split(",")]
            except ValueError:
                raise ChisoError(f"--levels {args.levels!r}: expected whole numbers, e.g. 2,3", id="cli.spec") from None
        out.append(sa.aggregation("Aggregation", methods, levels=levels_list))
    return out


def _settings(args: argparse.Namespace) -> Tuple[Dict[str, Any], List[Dict[str, Any]], str]:
    """The run settings (spec file, then options over it) and the assumptions; the spec's name."""
    spec: Dict[str, Any] = read_spec(args.spec) if args.spec else {"assumptions": []}
    assumptions = list(spec.pop("assumptions")) + _assumptions_from_options(args)
    # Options override the spec file (option dest → spec field).
    for dest, key in (("replications", "replications"), ("n", "N"), ("seed", "seed"), ("threads", "threads"),
                      ("target", "target"), ("bootstrap", "bootstrap"), ("unit", "unit"), ("output_kind", "output")):
        value = getattr(args, dest, None)
        if value is not None:
            spec[key] = value
    where = args.spec or "the options"
    if not assumptions:
        raise ChisoError(f"{where}: no uncertain assumption: give --spec FILE, --noise LEVEL=FACTOR or "
                         "--aggregation METHODS", id="cli.spec")
    return spec, assumptions, where


def _data(args: argparse.Namespace) -> Tuple[Any, pd.DataFrame, Optional[pd.Series]]:
    """The model, the analysis' indicators (units × indicators) and the groups. A scored model
    scores the inputs first (as ``chiso score`` reads them); a composite index takes them as its
    normalised indicators."""
    from .analysis import indicators_of
    model = load_model_argument(args.model)
    name = chiso_io._name(args.inputs)
    kind = chiso_io.format_of(args.inputs, args.format)
    read = table_inputs(args, model, name, kind) if kind != "parquet" else parquet_inputs(args, name)
    inputs = read.inputs
    if kind == "parquet":
        inputs = inputs.to_pandas()
        inputs.index = pd.Index(read.units.to_numpy(), name=args.unit_column)
    groups = groups_file(args.groups, args) if args.groups else None
    if groups is None and read.groups is not None:
        groups = pd.Series(read.groups, index=inputs.index)
    if model.composite:
        return model, inputs, groups
    try:
        result = model.evaluate(inputs, groups=groups)
    except ChisoError as error:
        if isinstance(error, DataError):
            raise with_row(error, read.units, kind, name) from None
        raise
    return model, indicators_of(result), groups


def _write(frame: pd.DataFrame, path: str, args: argparse.Namespace) -> None:
    kind = chiso_io.format_of(path, args.output_format)
    if kind not in ("csv", "parquet", "json"):
        raise ChisoError(f"{path}: the analysis is written as .csv, .parquet or .json, not {kind}", id="io.format")
    chiso_io.write_table(frame, path, chiso_io.TableOptions(format=kind, encoding=args.output_encoding,
                                                            delimiter=args.delimiter, decimal=args.decimal))


def _plot(draw: Any, result: Any, path: str) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ChisoError(f"{path}: a plot is .png or .svg, not {suffix or '(none)'!r}", id="io.format")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ax = draw(result)
    with chiso_io.atomic_path(path) as temporary:  # whole or not at all, as every output
        ax.figure.savefig(temporary, bbox_inches="tight", format=suffix[1:])
    plt.close(ax.figure)


def _check_outputs(args: argparse.Namespace) -> None:
    """Output formats checked before the (long) analysis."""
    for path in (args.output, getattr(args, "stats", None)):
        if path and chiso_io.format_of(path, args.output_format) not in ("csv", "parquet", "json"):
            raise ChisoError(f"{path}: the analysis is written as .csv, .parquet or .json", id="io.format")
    if args.plot and Path(args.plot).suffix.lower() not in (".png", ".svg"):
        raise ChisoError(f"{args.plot}: a plot is .png or .svg", id="io.format")


def _rank_table(result: Any) -> pd.DataFrame:
    """Per unit: nominal score and rank, rank mean, median, 5% and 95% (or the asked quantiles),
    and the score's mean, sd and quantiles."""
    ranks = result.rank_stats.add_prefix("rank_")
    scores = result.score_stats.add_prefix("score_")
    table = pd.concat([ranks, scores], axis=1)
    table.columns = [c.lower() for c in table.columns]
    table.index.name = "unit"
    return table.reset_index()


def _run(args: argparse.Namespace, sensitivity: bool) -> int:
    from . import sensitivity as sa
    started = time.monotonic()
    _check_outputs(args)
    settings, assumptions, where = _settings(args)
    progress = Progress(4 if args.plot else 3, f"chiso {args.command}", started=started)
    model, data, groups = _data(args)
    progress.step("scored")
    analysis = sa.CompositeAnalysis(model, data, assumptions, groups=groups)
    run = dict(seed=settings.get("seed", 1), threads=settings.get("threads", 0), target=settings.get("target", ""))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa.FailedReplicationsWarning)
        if sensitivity:
            result = analysis.sensitivity(settings.get("N", 100), output=settings.get("output", "mean_abs_rank_shift"),
                                          unit=settings.get("unit", ""), bootstrap=settings.get("bootstrap", 1000),
                                          **run)
        else:
            result = analysis.uncertainty(settings.get("replications", 1000), **run)
    progress.step(f"{result.raw['replications']:,} replications")
    for w in caught:  # after the bar's line, one line each
        progress.close()
        progress.enabled = False
        print(f"chiso {args.command}: warning: {w.message}", file=sys.stderr)
    if sensitivity:
        indices = result.sensitivity.reset_index()
        _write(indices, args.output or chiso_io.STDIO, args)
        if args.stats:
            _write(_rank_table(result), args.stats, args)
    else:
        _write(_rank_table(result), args.output or chiso_io.STDIO, args)
    progress.step("written")
    if args.plot:
        _plot(sa.plot_sensitivity if sensitivity else sa.plot_uncertainty, result, args.plot)
        progress.step("plotted")
    progress.close()
    return EXIT_OK


def cmd_uncertainty(args: argparse.Namespace) -> int:
    return _run(args, sensitivity=False)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    return _run(args, sensitivity=True)


def add_commands(commands: Any, model_help: str) -> None:
    """Registers ``uncertainty`` and ``sensitivity`` with the ``chiso`` parser's subcommands."""
    for command, run, text in (
            ("uncertainty", cmd_uncertainty,
             "uncertainty analysis of the ranks: per unit the nominal rank, the mean, median, 5% and 95% rank "
             "and the score's distribution over random replications of the assumptions"),
            ("sensitivity", cmd_sensitivity,
             "sensitivity analysis: first-order and total Sobol indices of each assumption (N(d+2) "
             "replications), with bootstrap intervals")):
        p = commands.add_parser(command, help=text.split(":")[0], description=text[0].upper() + text[1:] + ". "
                                "A scored model scores INPUTS first and ranks its index as it does (within "
                                "groups, rounded, its tie rule); a composite index takes INPUTS as its "
                                "normalised indicators. Assumptions: --spec FILE (.json or .toml) and/or the "
                                "options below.")
        p.add_argument("model", metavar="MODEL", help=model_help)
        p.add_argument("inputs", metavar="INPUTS", help="the inputs, as for `chiso score` (.csv, .xlsx, .parquet, "
                       ".json, '-' for stdin)")
        p.add_argument("--spec", metavar="FILE", help="the assumptions and settings: a JSON or TOML file "
                       "(docs/sensitivity.md)")
        p.add_argument("--noise", action="append", metavar="LEVEL=FACTOR",
                       help="noisy weights: every weight of LEVEL times U(1 − FACTOR, 1 + FACTOR); repeatable")
        p.add_argument("--aggregation", metavar="METHODS", help="alternative means, e.g. arithmetic,geometric")
        p.add_argument("--levels", metavar="LEVELS", help="the levels --aggregation applies to (default: all)")
        if command == "uncertainty":
            p.add_argument("--replications", type=int, metavar="S", help="random replications (default 1000)")
        else:
            p.add_argument("-N", dest="n", type=int, metavar="N", help="base sample size (default 100)")
            p.add_argument("--bootstrap", type=int, metavar="B", help="bootstrap samples (default 1000)")
            p.add_argument("--output", dest="output_kind", metavar="Y", choices=("mean_abs_rank_shift", "unit_score",
                           "unit_rank"), help="what to explain (default mean_abs_rank_shift)")
            p.add_argument("--unit", metavar="UNIT", help="the unit of --output unit_score or unit_rank")
            p.add_argument("--stats", metavar="FILE", help="also write the rank statistics (from the first 2N rows)")
        p.add_argument("--seed", type=int, help="the seed (default 1): the results are a function of it")
        p.add_argument("--threads", type=int, help="threads (default: all cores; the results do not depend on it)")
        p.add_argument("--target", help="the node whose ranks are analysed (default: the index)")
        group = p.add_mutually_exclusive_group()
        group.add_argument("--groups", metavar="FILE", help="the group of each unit: a unit column and a group column")
        group.add_argument("--group-column", metavar="COL", help="the column of INPUTS that holds the group")
        p.add_argument("--unit-column", metavar="COL", default="unit", help="the column of unit ids (default: unit)")
        p.add_argument("-o", metavar="OUT", dest="output", help="where to write the statistics (.csv, .parquet, "
                       ".json; default: CSV on stdout)")
        p.add_argument("--plot", metavar="FILE", help="also plot them (.png or .svg)")
        add_read_options(p)
        p.set_defaults(run=run)

