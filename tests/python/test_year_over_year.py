"""Year over year: units of one period only have no rank there (<NA>, never 0) and no rank change;
the changes are the decimal differences, in the tables and in every report that shows them."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import chiso
from chiso import reports
from chiso.assessment import Assessment

# One area of one criterion scored 0…100: the index is the points.
MODEL = {"format": "chiso-model/1", "id": "yoy", "name": "Chỉ số thử",
         "root": {"id": "R", "name": "Chỉ số", "aggregate": "sum", "children": [
             {"id": "A", "name": "Lĩnh vực A", "aggregate": "sum", "children": [
                 {"id": "A1", "name": "Tiêu chí A1", "max": 100, "rule": {"kind": "points"}}]}]}}


def _period(period, points):
    units = pd.DataFrame({"id": list(points), "name": [f"Đơn vị {u}" for u in points], "group": ["g"] * len(points)})
    rows = [dict(unit=u, criterion="A1", stage="appraisal", value=v, timestamp=f"{period}-11-25T09:00:00+07:00")
            for u, v in points.items()]
    return Assessment(chiso.load_model(MODEL), period, units, rows)


@pytest.fixture(scope="module")
def periods():
    # u1 left after 2023, u3 is new in 2024; u2 went from 1.1 to 7.3 (7.3 − 1.1 is 6.199999999999999
    # in doubles) and from rank 2 of 2 to rank 1 of 2.
    return _period("2023", {"u1": 50, "u2": 1.1}), _period("2024", {"u2": 7.3, "u3": 5})


def test_units_of_one_period_have_no_rank_there(periods):
    before, after = periods
    y = after.year_over_year(before)
    u = y.units.set_index("unit")
    assert str(u["rank_before"].dtype) == "Int32" and str(u["rank_change"].dtype) == "Int32"
    assert u.loc["u2", ["rank_before", "rank_after", "rank_change"]].tolist() == [2, 1, 1]
    assert pd.isna(u.loc["u3", "rank_before"]) and u.loc["u3", "rank_after"] == 2 and pd.isna(u.loc["u3", "rank_change"])
    assert u.loc["u1", "rank_before"] == 1 and pd.isna(u.loc["u1", "rank_after"]) and pd.isna(u.loc["u1", "rank_change"])


def test_changes_are_decimals(periods):
    before, after = periods
    y = after.year_over_year(before)
    assert y.units.set_index("unit").loc["u2", "index_change"] == 6.2
    areas = y.areas.set_index(["unit", "area"])
    assert areas.loc[("u2", "A"), ["points_before", "points_after", "change"]].tolist() == [1.1, 7.3, 6.2]
    assert pd.isna(areas.loc[("u3", "A"), "change"]) and pd.isna(areas.loc[("u1", "A"), "change"])


def test_results_compared_give_decimal_changes(periods):
    before, after = periods
    report = reports.build(after.evaluate(), previous=before.evaluate())
    u2 = next(u for u in report.units if u.unit == "u2")
    assert u2.index_change == 6.2 and u2.rank_change == 1


@pytest.mark.parametrize("suffix", [".html", ".docx", ".xlsx"])
def test_reports_show_no_rank_change_for_a_new_unit(periods, tmp_path, suffix):
    before, after = periods
    path = reports.write(after, tmp_path / f"yoy{suffix}", previous=before, language="en")
    if suffix == ".xlsx":
        import openpyxl
        rows = [[c.value for c in row] for row in openpyxl.load_workbook(path).worksheets[0].iter_rows()]
        heads = next(r for r in rows if "Rank change" in [str(c) for c in r])
        at = {name: heads.index(name) for name in ("Unit", "Change", "Rank change")}
        by_unit = {r[at["Unit"]]: r for r in rows if r[at["Unit"]] in ("Đơn vị u2", "Đơn vị u3")}
        assert by_unit["Đơn vị u2"][at["Change"]] == 6.2 and by_unit["Đơn vị u2"][at["Rank change"]] == 1
        assert by_unit["Đơn vị u3"][at["Rank change"]] is None and by_unit["Đơn vị u3"][at["Change"]] is None
        return
    if suffix == ".docx":
        import docx
        document = docx.Document(str(path))
        text = "\n".join(" | ".join(c.text for c in row.cells) for table in document.tables for row in table.rows)
    else:
        text = re.sub(r"<[^>]+>", " | ", path.read_text(encoding="utf-8"))
    assert "+6.20" in text and "6.199" not in text and "+0 " not in text
