"""Every record entered says who states it (DESIGN: the council's decision "with a reason and by
whom"): `Assessment.add` refuses a record without an author, or with spaces only, and a reason of
spaces only is no reason; history read from a file (written before authors were asked for) still
loads and can be stored."""
from __future__ import annotations

import pandas as pd
import pytest

import chiso
from chiso.assessment import Assessment

from mini_par import UNITS
from test_assessment import MODEL

SELF = {"unit": "u1", "criterion": "A1.1", "stage": "self", "value": 2, "evidence": ["12/KH-UBND"],
        "timestamp": "2023-10-01T08:00:00+07:00"}


@pytest.mark.parametrize("author", [None, "", "   ", "\u00a0", "\u3000\u200b"])
def test_a_record_entered_without_its_author_is_refused(author):
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS)
    record = dict(SELF) if author is None else {**SELF, "author": author}
    with pytest.raises(chiso.DataError) as caught:
        a.add(record, source="web form")
    assert caught.value.id == "assessment.author"
    assert (caught.value.unit, caught.value.criterion, caught.value.source) == ("u1", "A1.1", "web form row 0")
    assert "needs its author" in str(caught.value)
    assert len(a.records) == 0
    a.add({**SELF, "author": "Phòng Nội vụ"})
    assert a.records["author"].tolist() == ["Phòng Nội vụ"]


def test_a_reason_of_spaces_is_no_reason():
    a = Assessment(chiso.load_model(MODEL), "2023", UNITS)
    a.add({**SELF, "author": "Phòng Nội vụ"})
    cut = {"unit": "u1", "criterion": "A1.1", "stage": "appraisal", "value": 1, "author": "Hội đồng",
           "note": " \u00a0 ", "timestamp": "2023-11-20T08:00:00+07:00"}
    with pytest.raises(chiso.DataError) as caught:
        a.add(cut)
    assert caught.value.id == "assessment.reason_missing" and "changes the self-score 2 to 1" in str(caught.value)
    na = {**SELF, "author": "Phòng Nội vụ", "value": None, "applicable": False, "note": "\t",
          "timestamp": "2023-10-02T08:00:00+07:00"}
    with pytest.raises(chiso.DataError) as caught:
        a.add(na)
    assert caught.value.id == "assessment.reason_missing"
    with pytest.raises(chiso.DataError, match="needs a reason"):
        a.reopen("self", "2099-01-01", reason="\u3000", author="Sở Nội vụ")


def test_history_without_authors_loads_and_is_stored(tmp_path):
    (tmp_path / "r.csv").write_text("unit,criterion,stage,value,evidence,timestamp\n"
                                    "u1,A1.1,self,2,12/KH-UBND,2023-10-01\n", encoding="utf-8")
    UNITS.to_csv(tmp_path / "u.csv", index=False)
    a = Assessment.from_csv(chiso.load_model(MODEL), "2023", tmp_path / "u.csv", tmp_path / "r.csv")
    assert a.records["author"].tolist() == [""]
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert a.to_sql(url) == 1
    assert Assessment.from_sql(url, a.model, "2023").records["value"].tolist() == [2.0]
