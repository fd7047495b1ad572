"""Named inputs, formula criteria, rounding and limits on nodes from Python: input columns,
DataFrames, mappings of columns (read without copying), masks per leaf, errors.

The service-index figures are the national portal's published scores (month 2026-08, province H44
and two of its units); the others are worked by hand in the comments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import chiso

PAYMENT_INPUTS = ["paid", "obligation", "paid_fee", "fee_with_dossiers", "fee_procedures"]
PAYMENT = ("round(6 * ratio(paid, obligation, 0), 2) + round(min(2, 2.5 * ratio(paid_fee, fee_procedures, 0)), 2)"
           " + round(2.5 * ratio(fee_with_dossiers, fee_procedures, 0), 2)")


def portal_model() -> chiso.Model:
    return chiso.Model.from_tree(
        "portal-sample",
        chiso.inner("ROOT", "Chỉ số phục vụ", [
            chiso.inner("G2", "Tiến độ giải quyết", [
                chiso.leaf("DVC_PROGRESS_ON_TIME", "Hồ sơ đúng hạn", 20,
                           chiso.rules.formula("20 * ratio(numerator, denominator, 0)"),
                           inputs=["numerator", "denominator"], round=2),
            ]),
            chiso.inner("G4", "Thanh toán trực tuyến", [
                chiso.leaf("ONLINE_PAYMENT", "Thanh toán trực tuyến", 10, chiso.rules.formula(PAYMENT),
                           inputs=PAYMENT_INPUTS, round=2),
            ]),
            chiso.inner("G6", "Mức độ hài lòng", [
                chiso.leaf("PETITION_PROCESSING_ON_TIME", "PAKN đúng hạn", 6,
                           chiso.rules.formula("6 * ratio(numerator, denominator, 1)"),
                           inputs=["numerator", "denominator"], round=2),
            ]),
        ]),
    )


def portal_data() -> pd.DataFrame:
    rows = {
        # DVC n, d | payment paid, obligation, paid_fee, fee_with_dossiers, fee_procedures | petitions n, d
        "H44": [144625, 184513, 82913, 98459, 93, 56, 310, 182, 247],
        "H44.01": [0, 0, 0, 0, 0, 0, 1, 0, 0],
        "H44.03": [486, 588, 7, 7, 2, 0, 3, 0, 0],
    }
    columns = (["DVC_PROGRESS_ON_TIME.numerator", "DVC_PROGRESS_ON_TIME.denominator"]
               + [f"ONLINE_PAYMENT.{name}" for name in PAYMENT_INPUTS]
               + ["PETITION_PROCESSING_ON_TIME.numerator", "PETITION_PROCESSING_ON_TIME.denominator"])
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns, dtype=float)


def test_input_columns_in_order():
    model = portal_model()
    assert model.leaf_ids == ["DVC_PROGRESS_ON_TIME", "ONLINE_PAYMENT", "PETITION_PROCESSING_ON_TIME"]
    assert model.input_columns == list(portal_data().columns)


def test_published_scores_from_a_dataframe_in_any_column_order():
    data = portal_data()
    result = portal_model().evaluate(data[data.columns[::-1]])
    points = result.points
    # H44: 20 × 144625 / 184513 = 15.676… → 15.68; payment 5.05 + 0.75 + 0.45 = 6.25;
    # petitions 6 × 182 / 247 = 4.421… → 4.42.
    assert points.loc["H44", "DVC_PROGRESS_ON_TIME"] == 15.68
    assert points.loc["H44", "ONLINE_PAYMENT"] == 6.25
    assert points.loc["H44", "PETITION_PROCESSING_ON_TIME"] == 4.42
    # H44.01: nothing received; no petitions: full marks.
    assert points.loc["H44.01", "DVC_PROGRESS_ON_TIME"] == 0
    assert points.loc["H44.01", "ONLINE_PAYMENT"] == 0
    assert points.loc["H44.01", "PETITION_PROCESSING_ON_TIME"] == 6
    # H44.03: 20 × 486 / 588 = 16.53…; payment 6 + round(2.5 × 2 / 3, 2) + 0 = 7.67.
    assert points.loc["H44.03", "DVC_PROGRESS_ON_TIME"] == 16.53
    assert points.loc["H44.03", "ONLINE_PAYMENT"] == 7.67
    assert points.loc["H44.03", "ROOT"] == 30.2  # 16.53 + 7.67 + 6, exactly
    assert result.scores.loc["H44.03", "index"] == 83.89  # 30.2 / 36 × 100 = 83.888…


def test_columns_as_arrays_are_read_without_copying():
    data = portal_data()
    columns = {name: np.ascontiguousarray(data[name].to_numpy()) for name in reversed(data.columns)}
    model = portal_model()
    result = model.evaluate(columns, units=list(data.index))
    first = columns[model.input_columns[0]]
    assert result._core.input_address == first.__array_interface__["data"][0]
    assert list(result.points["ONLINE_PAYMENT"]) == [6.25, 0, 7.67]
    assert list(result.units) == ["H44", "H44.01", "H44.03"]


def test_pyarrow_and_polars_columns():
    import pyarrow as pa  # test extras: a missing one fails here, loudly
    import polars as pl
    data = portal_data()
    table = pa.table({name: pa.array(data[name].to_numpy()) for name in data.columns})
    model = portal_model()
    arrays = {name: table.column(name).chunk(0).to_numpy(zero_copy_only=True) for name in table.column_names}
    from_arrow = model.evaluate(arrays)
    assert list(from_arrow.points["DVC_PROGRESS_ON_TIME"]) == [15.68, 0, 16.53]
    frame = pl.DataFrame({name: data[name].to_numpy() for name in data.columns})
    from_polars = model.evaluate({name: frame[name].to_numpy() for name in frame.columns})
    assert list(from_polars.points["ONLINE_PAYMENT"]) == [6.25, 0, 7.67]


def test_missing_and_extra_input_columns_are_named():
    data = portal_data()
    with pytest.raises(chiso.DataError, match=r"missing columns for criteria 'ONLINE_PAYMENT.paid_fee'"):
        portal_model().evaluate(data.drop(columns="ONLINE_PAYMENT.paid_fee"))
    with pytest.raises(chiso.DataError, match=r"not criteria of the model: 'ONLINE_PAYMENT'"):
        portal_model().evaluate(data.drop(columns="ONLINE_PAYMENT.paid_fee").assign(ONLINE_PAYMENT=1.0))
    arrays = {name: data[name].to_numpy() for name in data.columns if name != "G2"}
    arrays["ONLINE_PAYMENT.paid"] = arrays["ONLINE_PAYMENT.paid"][:2]
    with pytest.raises(chiso.DataError, match=r"'ONLINE_PAYMENT.paid' has 2 values"):
        portal_model().evaluate(arrays)


def test_the_mask_is_units_by_leaves():
    data = portal_data()
    applies = pd.DataFrame(True, index=data.index, columns=portal_model().leaf_ids)
    applies.loc["H44.01", "PETITION_PROCESSING_ON_TIME"] = False
    result = portal_model().evaluate(data, applicable=applies[applies.columns[::-1]])
    assert result.max.loc["H44.01", "ROOT"] == 30  # 20 + 10: petitions do not apply
    assert result.max.loc["H44", "ROOT"] == 36
    with pytest.raises(chiso.DataError, match=r"missing columns for criteria 'ONLINE_PAYMENT'"):
        portal_model().evaluate(data, applicable=applies.drop(columns="ONLINE_PAYMENT"))


def test_division_by_zero_and_out_of_range_name_unit_and_criterion():
    model = chiso.Model.from_tree("m", chiso.inner("R", "R", [
        chiso.leaf("share", "Tỷ lệ", 10, chiso.rules.formula("10 * n / d"), inputs=["n", "d"])]))
    with pytest.raises(chiso.DataError, match=r"division by zero \(the '/' at column 8") as error:
        model.evaluate(pd.DataFrame({"share.n": [1.0, 1.0], "share.d": [2.0, 0.0]}, index=["x1", "x2"]))
    assert error.value.unit == "x2" and error.value.criterion == "share" and error.value.id == "data.range"
    with pytest.raises(chiso.DataError, match=r"gives 20, outside \[0, 10\]"):
        model.evaluate(pd.DataFrame({"share.n": [2.0], "share.d": [1.0]}))


def test_bad_expressions_are_model_errors_with_path_and_column():
    with pytest.raises(chiso.ModelError, match=r"column 12: unknown input 'num'") as error:
        chiso.Model.from_tree("m", chiso.inner("R", "R", [
            chiso.leaf("a", "A", 1, chiso.rules.points()),
            chiso.leaf("b", "B", 10, chiso.rules.formula("10 * ratio(num, d, 0)"), inputs=["n", "d"])]))
    assert error.value.path == "/root/children/1/rule/expr"


def test_saving_keeps_the_expression_and_the_new_fields():
    model = portal_model()
    document = model.to_dict()
    payment = document["root"]["children"][1]["children"][0]
    assert payment["rule"]["expr"] == PAYMENT
    assert payment["inputs"] == PAYMENT_INPUTS and payment["round"] == 2
    assert chiso.load_model(model.to_json()) == model


def test_nodes_and_repr_describe_formulas_round_and_limits():
    model = chiso.Model.from_tree("m", chiso.inner("R", "R", [
        chiso.leaf("a", "A", 6, chiso.rules.formula("6 * x"), round=2),
        chiso.inner("C9", "Thưởng, trừ", [chiso.leaf("b", "B", None, chiso.rules.bonus(per=1, cap=10))],
                    points_min=-5, points_max=5),
    ]))
    nodes = model.nodes()
    assert nodes.loc["a", "rule_text"] == "formula 6 * x → 0–6"
    assert nodes.loc["a", "round"] == 2 and nodes.loc["C9", "points_max"] == 5
    text = repr(model)
    assert "a  A  [formula 6 * x → 0–6, rounded to 2 decimals]" in text
    assert "C9  Thưởng, trừ  [sum, points within [-5, 5]]" in text
    # points_max caps the content: 7 bonuses of 1 give 5; the max stays 6.
    result = model.evaluate(pd.DataFrame({"a": [0.5], "b": [7.0]}))
    assert result.points.loc[0, "C9"] == 5 and result.points.loc[0, "R"] == 8
    assert result.max.loc[0, "R"] == 6
