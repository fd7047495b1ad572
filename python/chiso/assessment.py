"""Assessments of a period: self-assessment and appraisal records, survey microdata, reports.

An :class:`Assessment` holds, for a model and a set of units, every record ever entered
(nothing is overwritten) and resolves the final input of each criterion: the appraisal in force,
else the survey rate (survey criteria), else the self-score. Reports come back as DataFrames::

    import chiso
    model = chiso.load_model("examples/models/hanoi-par-district-2023.json")
    a = chiso.Assessment.from_csv(model, "2023", "examples/data/units-district.csv",
                                  "examples/data/par-district-2023.csv")
    a.set_survey(chiso.Survey.from_csv("examples/data/survey-par-2023.csv"), strict=False)
    a.final_results()            # index, rank within group, band, points by area
    a.self_vs_appraised()        # the council's cuts, largest first, with reasons
    a.progress(as_of="2023-10-31T23:59:59+07:00")
    a.why_lost("hai-ba-trung")
    a.year_over_year(previous)   # the same or a revised model

Every rule lives in the C++ core (include/chiso/assessment.hpp and include/chiso/assessment/); this
module converts. File formats and the workflow: docs/assessment.md.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .errors import DataError, ParameterError
from .model import Model, load_model
from .result import Result

__all__ = ["Assessment", "Survey", "YearOverYear"]

PathLike = Union[str, "os.PathLike[str]"]
_core_a = _core.assessment



def _model(model: Union[Model, PathLike, Mapping[str, Any]]) -> Model:
    return model if isinstance(model, Model) else load_model(model)


def _units(units: Any) -> List[tuple]:
    """Units as (id, name, group): a DataFrame with columns id[, name, group] (or the index as
    id), a path to a units CSV, or a sequence of ids / tuples / dicts."""
    if isinstance(units, (str, os.PathLike)):  # read by the core: errors name file:line
        units = pd.DataFrame(_core_a.load_units_csv(os.fspath(units)))
    if isinstance(units, pd.DataFrame):
        frame = units if "id" in units.columns else units.reset_index().rename(columns={units.index.name or "index": "id"})
        names = frame["name"] if "name" in frame.columns else pd.Series([""] * len(frame))
        groups = frame["group"] if "group" in frame.columns else pd.Series([""] * len(frame))
        return [(str(i), "" if pd.isna(n) else str(n), "" if pd.isna(g) else str(g))
                for i, n, g in zip(frame["id"], names, groups)]
    out = []
    for unit in units:
        if isinstance(unit, str):
            out.append((unit, "", ""))
        elif isinstance(unit, Mapping):
            out.append((str(unit["id"]), str(unit.get("name", "")), str(unit.get("group", ""))))
        else:
            unit = tuple(unit) + ("", "")
            out.append((str(unit[0]), str(unit[1]), str(unit[2])))
    return out


def _record_columns(records: Union[pd.DataFrame, Iterable[Mapping[str, Any]]]) -> Dict[str, list]:
    """A records table (DataFrame or dicts) as column → list of cells; the core reads each cell as
    the records CSV reader reads it (errors name `<source> row N`)."""
    if isinstance(records, pd.DataFrame):
        return {str(column): [None if cell is pd.NA else cell for cell in records[column].tolist()]
                for column in records.columns}
    # Dicts go to the core as they are (a DataFrame would stop at text the core refuses and names).
    rows = list(records)
    names: Dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(map(str, row)))
    return {name: [row.get(name) for row in rows] for name in names}


class Survey:
    """Survey microdata: respondents × questions, Likert answers 1–5 (NaN = no answer), with the
    unit, service and (optional) weight of each respondent."""

    __slots__ = ("_core",)

    def __init__(self, core: Any) -> None:
        self._core = core

    @classmethod
    def from_csv(cls, path: PathLike, units: Optional[Sequence[str]] = None) -> "Survey":
        """Read ``respondent,unit[,service][,weight],<question>…``; with ``units``, a respondent
        of another unit is an error."""
        return cls(_core_a.Survey.load_csv(os.fspath(path), list(units or [])))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, questions: Optional[Sequence[str]] = None, *,
                   unit: str = "unit", respondent: str = "respondent", service: str = "service",
                   weight: str = "weight", units: Optional[Sequence[str]] = None) -> "Survey":
        """One row per respondent; ``questions`` default to every other column."""
        fixed = {unit, respondent, service, weight}
        questions = list(questions) if questions is not None else [c for c in frame.columns if c not in fixed]
        unit_ids = frame[unit].astype(str).tolist()
        sources = [f"row {i}" for i in range(len(frame))]
        answers = np.empty((len(frame), len(questions)))
        for k, question in enumerate(questions):
            column = frame[question]
            if pd.api.types.is_numeric_dtype(column):
                answers[:, k] = column.to_numpy(dtype=np.float64, na_value=np.nan)
            else:  # text cells (option letters, numbers as text) are read by the CSV reader's rule
                cells = ["" if pd.isna(v) else str(v) for v in column]
                answers[:, k] = _core_a.survey_answers(cells, str(question), unit_ids, sources)
        ids = frame[respondent].astype(str).tolist() if respondent in frame.columns else \
            [str(i) for i in frame.index]
        services = frame[service].astype(str).tolist() if service in frame.columns else [""] * len(frame)
        weights = frame[weight].astype(float).tolist() if weight in frame.columns else []
        core = _core_a.Survey(ids, unit_ids, services, weights, [str(q) for q in questions], answers, sources,
                              list(units or []))
        return cls(core)

    @property
    def questions(self) -> List[str]:
        return list(self._core.questions)

    def answers(self) -> pd.DataFrame:
        """respondents × questions, with unit, service and weight columns first."""
        frame = pd.DataFrame(self._core.answers, columns=self._core.questions)
        frame.insert(0, "weight", self._core.weights)
        frame.insert(0, "service", self._core.services)
        frame.insert(0, "unit", self._core.units)
        frame.index = pd.Index(self._core.respondents, name="respondent")
        return frame

    def summary(self, elements: Union[None, Model, Mapping[str, str]] = None) -> Dict[str, pd.DataFrame]:
        """``{"question": …, "element": …}``: per unit and question (element): satisfaction rate
        (weighted share answering 4 or 5 among valid answers), mean score and counts. ``elements``:
        question → element, or a model whose survey leaves' parents are the elements."""
        if isinstance(elements, Model):
            elements = dict(_core_a.question_elements(elements._core))
        by_question, by_element = self._core.summarise(dict(elements or {}))
        return {"question": pd.DataFrame(by_question).rename(columns={"key": "question"}),
                "element": pd.DataFrame(by_element).rename(columns={"key": "element"})}

    def rates(self, model: Model, mapping: Optional[Mapping[str, Sequence[str]]] = None) -> pd.DataFrame:
        """Inputs of the model's survey leaves: units × leaves, the pooled rate of each leaf's
        questions (``meta.survey.questions``, or ``mapping``) in the leaf's rule unit."""
        units, leaves, values = self._core.leaf_inputs(model._core, {k: list(v) for k, v in (mapping or {}).items()})
        return pd.DataFrame(values, index=pd.Index(units, name="unit"), columns=pd.Index(leaves, name="criterion"))


class YearOverYear:
    """Two periods compared: ``units`` (index, rank and their change), ``areas`` (points by area),
    and the criteria ``added``, ``removed`` and ``matched`` by id."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.period_before: str = data["period_before"]
        self.period_after: str = data["period_after"]
        self.added: List[str] = list(data["added"])
        self.removed: List[str] = list(data["removed"])
        self.matched: List[str] = list(data["matched"])
        self.units_gone: List[str] = list(data["units_gone"])  # in the earlier period only
        self.units_new: List[str] = list(data["units_new"])    # in the later period only
        self.units = _unit_changes(pd.DataFrame(data["units"]))
        self.areas = pd.DataFrame(data["areas"])

    def __repr__(self) -> str:
        return (f"<chiso.YearOverYear {self.period_before} → {self.period_after}: {len(self.units)} units, "
                f"{len(self.added)} criteria added, {len(self.removed)} removed, {len(self.units_gone)} units gone, "
                f"{len(self.units_new)} new>")


def _unit_changes(units: pd.DataFrame) -> pd.DataFrame:
    """The core's ranks with 0 (not ranked: the unit is in one period only, or has no index) as
    <NA>, and no rank change where either rank is missing."""
    if units.empty:
        return units.astype({c: "Int32" for c in ("rank_before", "rank_after", "rank_change") if c in units})
    unranked = (units["rank_before"] == 0) | (units["rank_after"] == 0)
    for column in ("rank_before", "rank_after"):
        ranks = units[column].to_numpy()
        units[column] = pd.arrays.IntegerArray(ranks.astype("int32"), ranks == 0)
    units["rank_change"] = pd.arrays.IntegerArray(units["rank_change"].to_numpy().astype("int32"),
                                                  unranked.to_numpy())
    return units


def _now() -> str:
    """The stated date of an act dated "now" (the entry clock is chiso's own)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _restore(model: Model, text: str, survey: np.ndarray) -> "Assessment":
    a = Assessment.from_json(text, model)
    leaves = [k for k, leaf in enumerate(model.leaf_ids) if not np.isnan(survey[:, k]).all()]
    if leaves:
        a._core.set_survey_inputs(list(a._core.units()["id"]), [model.leaf_ids[k] for k in leaves],
                                  np.ascontiguousarray(survey[:, leaves]))
    return a


class Assessment:
    """The assessment of a period for a model and a set of units."""

    __slots__ = ("_core", "model", "_result")

    def __init__(self, model: Union[Model, PathLike], period: str, units: Any,
                 records: Union[None, pd.DataFrame, Iterable[Mapping[str, Any]]] = None, *,
                 require_appraisal: bool = False, deadlines: Optional[Mapping[str, str]] = None,
                 time_zone: str = "Asia/Ho_Chi_Minh", description: str = "") -> None:
        """``deadlines``: stage → ISO 8601 instant after which records of that stage are refused
        (stages ``self``, ``appraisal`` (round 1), ``explanation``, ``appraisal_2``); a date alone
        runs to 23:59:59 of that day in ``time_zone``, where times without an offset are read.
        ``records`` are history: each keeps the ``entered_at`` it carries, and those without one
        are imported (entry time unknown); records added later with :meth:`add` are entered now."""
        self.model = _model(model)
        self._core = _core_a.Assessment(self.model._core, str(period), _units(units), require_appraisal,
                                        dict(deadlines or {}), time_zone)
        self._result = None
        if description:
            self._core.description = description
        if records is not None:
            self._core.add(_record_columns(records), "records", history=True)

    @classmethod
    def _wrap(cls, model: Model, core: Any) -> "Assessment":
        self = cls.__new__(cls)
        self.model = model
        self._core = core
        self._result = None
        return self

    # Files ------------------------------------------------------------------------------------
    @classmethod
    def from_csv(cls, model: Union[Model, PathLike], period: str, units: PathLike, records: PathLike, *,
                 require_appraisal: bool = False, deadlines: Optional[Mapping[str, str]] = None,
                 time_zone: str = "Asia/Ho_Chi_Minh") -> "Assessment":
        """Units CSV (``id,name,group``) and records CSV (history: records keep their
        ``entered_at``); errors name ``file:line``. The schedule is not in the CSV: pass
        ``deadlines`` (and call :meth:`reopen`) as for a new assessment."""
        model = _model(model)
        return cls._wrap(model, _core_a.Assessment.load_csv(model._core, str(period), os.fspath(units),
                                                             os.fspath(records), require_appraisal,
                                                             dict(deadlines or {}), time_zone))

    def __reduce__(self) -> Any:
        # Pickles (for multiprocessing) as its lossless JSON and its survey inputs.
        survey = self._core.survey_matrix()
        return (_restore, (self.model, self._core.to_json(), survey))

    @classmethod
    def from_json(cls, source: Union[PathLike, Mapping[str, Any]], model: Union[Model, PathLike], *,
                  verify: bool = True) -> "Assessment":
        """A ``chiso-assessment/1`` document: a path, JSON text or a dict; errors name the JSON path.
        The hash chains of records and schedule acts are checked (``assessment.chain`` names the
        first record that breaks); ``verify=False`` reads a broken chain anyway, for forensics."""
        model = _model(model)
        if isinstance(source, Mapping):
            try:  # (escaped: a lone surrogate reaches the core's reader, which names it)
                text = json.dumps(source)
            except (RecursionError, TypeError, ValueError) as error:
                raise DataError(f"the assessment dict cannot be read as JSON: {error}", id="assessment.json",
                                source="<dict>") from None
            core = _core_a.Assessment.parse_json(text, model._core, "<dict>", verify)
        elif isinstance(source, str) and source.lstrip().startswith("{"):
            # Bytes as they are: text that is not UTF-8 is the reader's to name.
            core = _core_a.Assessment.parse_json(source.encode("utf-8", "surrogatepass"), model._core, "<text>",
                                                 verify)
        else:
            core = _core_a.Assessment.load_json(os.fspath(source), model._core, verify)
        return cls._wrap(model, core)

    def to_json(self, path: Optional[PathLike] = None) -> str:
        """The assessment as JSON (lossless: every record, in order); also written to ``path``, whole
        or not at all (a temporary file renamed over it: a full disk or a killed process leaves
        the previous file)."""
        text = self._core.to_json()
        if path is not None:
            from .io import write_bytes
            write_bytes(path, text.encode("utf-8"))
        return text

    @classmethod
    def from_sql(cls, url: Any, model: Union[Model, PathLike], period: str, *, verify: bool = True) -> "Assessment":
        """The assessment stored in a database (chiso.store: SQLite path or SQLAlchemy URL); its hash
        chains are checked as :meth:`from_json` checks them."""
        from . import store
        model = _model(model)
        return cls._wrap(model, store.read(url, model, period, verify=verify))

    def to_sql(self, url: Any) -> int:
        """Append the records the database does not hold yet, in one transaction (chiso.store)."""
        from . import store
        return store.write(self, url)

    def to_csv(self, records: PathLike, units: Optional[PathLike] = None) -> None:
        self._core.save_records_csv(os.fspath(records))
        if units is not None:
            self._core.save_units_csv(os.fspath(units))

    # Contents ---------------------------------------------------------------------------------
    @property
    def period(self) -> str:
        return self._core.period

    @property
    def time_zone(self) -> str:
        """The period's time zone: naive times and date-only deadlines are read in it."""
        return self._core.time_zone

    @property
    def description(self) -> str:
        return self._core.description

    @property
    def units(self) -> pd.DataFrame:
        return pd.DataFrame(self._core.units()).set_index("id")

    @property
    def records(self) -> pd.DataFrame:
        """Every record, in the order entered (the history), with ``entered_at`` (when chiso
        accepted it, UTC; None for imported history) and its chain ``hash``."""
        return pd.DataFrame(self._core.records())

    def add(self, records: Union[pd.DataFrame, Mapping[str, Any], Iterable[Mapping[str, Any]]],
            source: str = "records", *, history: bool = False) -> None:
        """Add records (a DataFrame or dicts with the record columns), entered now: chiso sets their
        ``entered_at``, and deadlines are checked on it. A criterion of named inputs takes one
        record per input: ``criterion`` the input column (``DVC_PROGRESS_ON_TIME.numerator``), or
        the criterion's id with an ``input`` column (``numerator``), kept as the input column. All or nothing: a bad record raises
        :class:`chiso.DataError` naming it (``source`` row N) and nothing is added.

        ``history=True`` adds them as the records given to the constructor or read from a records
        CSV are: each keeps the ``entered_at`` (and ``hash``) it carries, and one without is imported
        (entry time unknown: its deadline is checked on its stated date) — for records read from a
        file of any format."""
        if isinstance(records, Mapping):
            records = [records]
        self._core.add(_record_columns(records), source, history=history)
        self._result = None

    # The schedule: deadlines and the acts that change them ---------------------------------------
    @property
    def deadlines(self) -> Dict[str, str]:
        """stage → the deadline in force (ISO 8601), for the stages that have one."""
        return dict(self._core.schedule()["deadlines"])

    @property
    def schedule(self) -> pd.DataFrame:
        """Every act of the schedule, in the order recorded: ``act`` (``deadline``: set, moved or
        removed — ``when`` empty —; ``reopen``: ``when`` is the date it runs until), ``stage, when,
        note, author, timestamp, entered_at, hash``."""
        return pd.DataFrame(self._core.schedule()["acts"],
                            columns=["act", "stage", "when", "note", "author", "timestamp", "entered_at", "hash"])

    @property
    def reopenings(self) -> pd.DataFrame:
        """Every reopening, in the order recorded: ``stage, until, note, author, timestamp, entered_at``."""
        acts = self.schedule
        acts = acts[acts["act"] == "reopen"].rename(columns={"when": "until"}).reset_index(drop=True)
        return acts[["stage", "until", "note", "author", "timestamp", "entered_at"]]

    def set_deadline(self, stage: str, deadline: Optional[str], *, reason: str = "", author: str = "",
                     timestamp: Optional[str] = None) -> None:
        """Set, move or (``deadline=None``) remove the deadline of ``stage``: a recorded act with
        its ``reason``, ``author`` and date (``timestamp``, default now). A record already in that
        was entered after the new deadline is an error naming it."""
        self._core.set_deadline(stage, deadline or "", reason, author, timestamp or _now())

    def reopen(self, stage: str, until: str, reason: str, *, author: str = "", timestamp: Optional[str] = None) -> None:
        """Reopen a closed stage: records of it entered from now up to ``until`` are taken. A
        recorded act (saved in the JSON and the store) with its ``reason``, ``author`` and date
        (``timestamp``, default now; not before the deadline it reopens)."""
        self._core.reopen(stage, until, reason, author, timestamp or _now())

    def history(self, unit: str, criterion: str) -> pd.DataFrame:
        """The records of a unit and criterion, oldest first (every stage); for a criterion of
        named inputs, those of its inputs too (or of one input: ``criterion`` its input column)."""
        return pd.DataFrame(self._core.history(str(unit), str(criterion)))

    def set_survey(self, survey: Union[Survey, pd.DataFrame], *, strict: bool = True,
                   mapping: Optional[Mapping[str, Sequence[str]]] = None) -> pd.DataFrame:
        """Feed the model's survey leaves from microdata; returns the rates used. With
        ``strict=False`` respondents of units outside this assessment are left out (a survey
        covering several groups); else they are an error."""
        if isinstance(survey, pd.DataFrame):
            survey = Survey.from_frame(survey)
        rates = survey.rates(self.model, mapping)
        left_out = self._core.set_survey_inputs([str(u) for u in rates.index], list(rates.columns),
                                                rates.to_numpy(dtype=np.float64), not strict)
        self._result = None
        return rates.drop(index=left_out) if left_out else rates

    # Evaluation and reports -------------------------------------------------------------------
    def evaluate(self, *, provisional: bool = False) -> Result:
        """The scores as a :class:`chiso.Result`, as ``Model.evaluate`` gives them (scores,
        points, explain, plots), for the final inputs (one column per input column of the model),
        with the units' names for the plots."""
        return result_of(self, self._evaluate_core(provisional=provisional))

    def _evaluate_core(self, *, provisional: bool = False) -> Any:
        """The core's result (cached until records change)."""
        if provisional:
            return self._core.evaluate(provisional=True)
        if self._result is None:
            self._result = self._core.evaluate()
        return self._result

    def applicable(self, *, provisional: bool = False) -> pd.DataFrame:
        """Which criteria apply to which unit (False where a record marked them not applicable)."""
        r = self._evaluate_core(provisional=provisional)
        return pd.DataFrame(r.applicable, index=pd.Index(self._core.units()["id"], name="unit"),
                            columns=pd.Index(self.model.leaf_ids, name="criterion"))

    def inputs(self, *, provisional: bool = False) -> pd.DataFrame:
        """The final input of every unit and input column (:attr:`Model.input_columns`: a
        criterion's id, or ``<criterion>.<input>`` for its named inputs), each column resolved on
        its own (NaN: missing; see ``applicable()`` for the criteria that do not apply, whose
        inputs are not read): the table ``Model.evaluate`` scores."""
        r = self._evaluate_core(provisional=provisional)
        return pd.DataFrame(r.inputs, index=pd.Index(self._core.units()["id"], name="unit"),
                            columns=pd.Index(self.model.input_columns, name="criterion"))

    def final_results(self, *, provisional: bool = False) -> pd.DataFrame:
        """One row per unit, by group then rank: index, rank within group, band, final, and points
        by area (one column per area id)."""
        data = self._evaluate_core(provisional=provisional).final_results()
        frame = pd.DataFrame({k: data[k] for k in ("unit", "name", "group", "index", "rank", "band", "final")})
        frame["rank"] = pd.array([r if r > 0 else pd.NA for r in frame["rank"]], dtype="Int32")
        points = np.array(data["area_points"], dtype=float).reshape(len(frame), len(data["area_ids"]))
        for k, area in enumerate(data["area_ids"]):
            frame[area] = points[:, k]
        frame.attrs["area_names"] = dict(zip(data["area_ids"], data["area_names"]))
        return frame.set_index("unit")

    def self_vs_appraised(self, level: str = "criterion") -> pd.DataFrame:
        """Self-score vs appraised score per unit and criterion (``level="criterion"``) or area
        (``"area"``), with the difference and the council's reason; the largest cut first. The
        appraised score is the final one (round 2, else round 1); per criterion the columns
        ``round1_value, round1_points, round1_reason, explanation, explanation_evidence,
        round2_value, round2_points, round2_reason`` show both rounds (NaN / empty where absent)."""
        if level == "criterion":
            return pd.DataFrame(self._core.self_vs_appraised())
        if level == "area":
            return pd.DataFrame(self._core.self_vs_appraised_areas())
        raise ParameterError(f"self_vs_appraised: level must be 'criterion' or 'area', got {level!r}",
                             id="parameter.level")

    def scoring_table(self, unit: str) -> pd.DataFrame:
        """The unit's scoring table (*bảng chấm điểm*), one row per criterion in model order,
        indexed by ``criterion``: ``name, area, source, max, applicable``; the self record in force
        (``self_value, self_points, self_evidence`` (list), ``self_explanation, self_note,
        self_timestamp``); round 1 (``round1_value, round1_points, round1_reason,
        round1_timestamp``); the unit's explanation (``explanation_value`` — the score it asks
        for —, ``explanation_evidence`` (list), ``explanation, explanation_timestamp``); round 2
        (``round2_value, round2_points, round2_reason, round2_timestamp``); the final input
        (``final_value, final_points, origin``: appraisal_2, appraisal, survey, self or none) and
        ``missing_evidence`` (self-scored with neither evidence nor explanation). Values and points
        are NaN (texts empty) where a stage has no record; a not-applicable record has a NaN value
        and 0 points."""
        data = self._core.scoring_table(self._evaluate_core(provisional=True), str(unit))
        return pd.DataFrame(data).set_index("criterion")

    def missing_evidence(self) -> pd.DataFrame:
        """The flag of criteria self-scored without evidence and without a written explanation:
        ``unit, name, group, criterion, criterion_name, value, timestamp, source``."""
        return pd.DataFrame(self._core.missing_evidence(),
                            columns=["unit", "name", "group", "criterion", "criterion_name", "value", "timestamp",
                                     "source"])

    def progress(self, as_of: Optional[str] = None) -> pd.DataFrame:
        """Per unit: criteria self-scored with evidence (or not applicable, with a reason) out of
        the appraisal criteria — "63/80 done"; only records up to ``as_of`` (ISO 8601) count."""
        return pd.DataFrame(self._core.progress(as_of or "")).set_index("unit")

    def why_lost(self, unit: str) -> pd.DataFrame:
        """A unit's criteria sorted by points lost (max − points), with the rule that applied,
        the input, where it came from (appraisal, self, survey) and the reason."""
        return pd.DataFrame(self._core.why_lost(self._evaluate_core(), str(unit))).set_index("criterion")

    def year_over_year(self, before: "Assessment") -> YearOverYear:
        """Compare with an earlier period (the same or a revised model; criteria matched by id)."""
        return YearOverYear(_core_a.compare_periods(before._core, before._evaluate_core(), self._core, self._evaluate_core()))

    def reports(self, as_of: Optional[str] = None) -> Dict[str, pd.DataFrame]:
        """Every report of this period, by name (what the demo writes, one sheet each); lists of
        evidence references are joined with ``|`` as in the records CSV."""
        cuts = self.self_vs_appraised()
        return {
            "final_results": self.final_results().reset_index(),
            "self_vs_appraised": cuts.assign(explanation_evidence=cuts["explanation_evidence"].map("|".join)),
            "self_vs_appraised_areas": self.self_vs_appraised("area"),
            "progress": self.progress(as_of).reset_index(),
        }

    def __repr__(self) -> str:
        return (f"<chiso.Assessment {self.model.id!r} {self.period}: {len(self._core.units()['id'])} units, "
                f"{len(self._core.records()['unit'])} records>")


def _result_of(model: Model, core_result: Any, units: pd.DataFrame) -> Result:
    """An assessment's core result as a :class:`chiso.Result`: the same plan evaluated on the same
    final inputs, mask and groups the assessment used."""
    index = pd.Index(units.index, name="unit")
    inputs = pd.DataFrame(np.asarray(core_result.inputs), index=index, columns=model.input_columns)
    applicable = pd.DataFrame(np.asarray(core_result.applicable, dtype=bool), index=index, columns=model.leaf_ids)
    groups = units["group"] if (units["group"] != "").any() else None
    return model.evaluate(inputs, applicable=applicable, groups=groups)


def result_of(assessment: Any, core_result: Any) -> Result:
    """``Assessment.evaluate()``: the core result as a :class:`chiso.Result` that also knows the
    units' names (for plots and reports)."""
    units = assessment.units
    result = _result_of(assessment.model, core_result, units)
    setattr(result, "unit_names", units["name"].to_dict())
    return result
