"""The mini PAR model of the assessment tests (tests/data/mini-par.json, the worked example of
tests/cpp/assessment/test_reports.cpp): A1 (plan: points of 2, step 0.25; report: yes/no of 1;
completion: tiers ≥ 100 % → 2, ≥ 90 % → 1) and A2 (satisfaction: survey, 2 × rate of Q1 and Q2;
late dossiers: −0.5 each, at most −1); bands Xuất sắc from 90, Tốt from 70. Its three units, and
builders of the records the tests enter."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pandas as pd

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "mini-par.json"  # also the C++ tests' fixture


def mini_par_model(*, survey: bool = True, missing: Optional[str] = None) -> Dict[str, Any]:
    """The model document; `survey=False` leaves out the survey criterion A2.1, `missing` sets the
    model's missing policy."""
    model: Dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if not survey:
        area = model["root"]["children"][1]
        area["children"] = [c for c in area["children"] if c["id"] != "A2.1"]
    if missing is not None:
        model["missing"] = missing
    return model


UNITS = pd.DataFrame({"id": ["u1", "u2", "u3"], "name": ["Quận Ba Đình", "Quận Hoàn Kiếm", "Sở Nội vụ"],
                      "group": ["district", "district", "department"]})
T1, T2 = "2023-10-10T09:00:00+07:00", "2023-11-25T09:00:00+07:00"


def self_and_round1(unit: str, criterion: str, value: float, appraised: Optional[float] = None, note: str = "",
                    evidence: str = "12/KH-UBND", *, self_time: str = T1, round1_time: str = T2,
                    council: str = "Hội đồng thẩm định") -> List[Dict[str, Any]]:
    """The unit's self record and, unless `appraised` is None, the council's round-1 appraisal
    (with `note`, its reason)."""
    rows = [dict(unit=unit, criterion=criterion, stage="self", value=value, evidence=evidence,
                 author="Phòng Nội vụ", timestamp=self_time)]
    if appraised is not None:
        rows.append(dict(unit=unit, criterion=criterion, stage="appraisal", value=appraised, note=note,
                         author=council, timestamp=round1_time))
    return rows


def not_applicable(unit: str, criterion: str, note: str, *, timestamp: str = T1) -> Dict[str, Any]:
    """A self record marking the criterion not applicable, with its reason."""
    return dict(unit=unit, criterion=criterion, stage="self", value=None, applicable=False, note=note,
                author="Phòng Nội vụ", timestamp=timestamp)
