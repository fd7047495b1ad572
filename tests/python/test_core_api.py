"""The Python face of models and evaluation: loading, building, display, pickling, evaluation of
DataFrames and arrays (without copies), results, errors, threads and plots.

Expected values are worked by hand in the comments, from FORMAT.md's rules."""
from __future__ import annotations

import json
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso

from small_model import small_model

SOURCE_DIR = Path(__file__).resolve().parents[2]
TUTORIAL = SOURCE_DIR / "examples" / "models" / "tutorial-par.json"


def inputs() -> pd.DataFrame:
    return pd.DataFrame(
        {"a1": [2.0, 1.5, 0.5], "a2": [1.0, 0.0, 1.0], "b1": [96.0, 85.0, 50.0], "b2": [0.0, 1.0, 5.0]},
        index=pd.Index(["u1", "u2", "u3"], name="unit"))


# Hand: max 2 + 1 + 2 = 5.
#  u1: 2 + 1 + 2 − 0 = 5 → 100.00;  u2: 1.5 + 0 + 1 − 0.25 = 2.25 → 45.00;
#  u3: 0.5 + 1 + 0 − min(1.25, 0.5) = 1.0 → 20.00.
EXPECTED_INDEX = [100.0, 45.0, 20.0]


def test_load_from_path_string_dict_and_json_text():
    from_path = chiso.load_model(TUTORIAL)
    from_str_path = chiso.load_model(str(TUTORIAL))
    text = TUTORIAL.read_text(encoding="utf-8")
    from_text = chiso.load_model(text)
    from_dict = chiso.load_model(json.loads(text))
    assert from_path == from_str_path == from_text == from_dict
    assert from_path.id == "tutorial-par"
    assert from_path.leaf_ids == ["A1.1", "A1.2", "A1.3", "A3.1", "A3.2", "A7.1", "A7.2"]


def test_json_round_trip_and_pickle(tmp_path):
    model = small_model()
    path = tmp_path / "small.json"
    model.to_json(path)
    assert chiso.load_model(path) == model
    assert chiso.load_model(model.to_dict()) == model
    clone = pickle.loads(pickle.dumps(model))
    assert clone == model
    assert list(clone.evaluate(inputs()).scores["index"]) == EXPECTED_INDEX


def test_repr_is_a_readable_tree_and_html_renders():
    model = small_model()
    text = repr(model)
    lines = text.splitlines()
    assert lines[0] == "<chiso.Model 'small': Small>"
    assert lines[1].strip().startswith("PAR  Chỉ số")
    # Leaves' rules as the C++ core describes them (chiso::describe_rule).
    assert "  a1  Kế hoạch  [points 0–2, step 0.25]" in text
    assert "b1  Đúng hạn  [tiers: ≥ 95% → 2; ≥ 80% → 1; else 0]" in text
    assert "b2  Sai sót  [−0.25 per occurrence, at most −0.5]" in text
    html = model._repr_html_()
    assert "<details" in html and "Lĩnh vực A" in html


def test_nodes_table():
    nodes = small_model().nodes()
    assert list(nodes.index) == ["PAR", "A", "a1", "a2", "B", "b1", "b2"]
    assert nodes.loc["b1", "parent"] == "B" and nodes.loc["b1", "depth"] == 2
    assert nodes.loc["a1", "rule"] == "points" and bool(nodes.loc["A", "is_leaf"]) is False


def test_evaluate_dataframe_scores_points_and_tidy_nodes():
    result = small_model().evaluate(inputs())
    scores = result.scores
    assert list(scores["index"]) == EXPECTED_INDEX
    assert list(scores["rank"]) == [1, 2, 3]
    assert list(scores["band"].astype(str)) == ["Tốt", "Chưa đạt", "Chưa đạt"]
    points = result.points
    # u2: A = 1.5 + 0 = 1.5, B = 1 − 0.25 = 0.75.
    assert points.loc["u2", "A"] == 1.5 and points.loc["u2", "B"] == 0.75
    assert result.max.loc["u2", "PAR"] == 5.0
    assert result.score.loc["u2", "a1"] == 0.75
    tidy = result.nodes
    assert list(tidy.columns) == ["unit", "node", "points", "max", "score"]
    assert len(tidy) == 3 * 7
    row = tidy[(tidy["unit"] == "u3") & (tidy["node"] == "b2")].iloc[0]
    assert row["points"] == -0.5 and row["max"] == 0.0


def test_columns_in_any_order_give_the_same_result():
    shuffled = inputs()[["b2", "a2", "b1", "a1"]]
    assert list(small_model().evaluate(shuffled).scores["index"]) == EXPECTED_INDEX


def test_applicable_mask_adjusts_the_maximum_and_groups_rank_apart():
    applies = pd.DataFrame(True, index=inputs().index, columns=inputs().columns)
    applies.loc["u2", "a1"] = False          # u2: max 5 − 2 = 3, points 0 + 1 − 0.25 = 0.75 → 25.00
    groups = pd.Series({"u1": "quận", "u2": "sở", "u3": "quận"})
    result = small_model().evaluate(inputs(), applicable=applies, groups=groups)
    assert list(result.scores["index"]) == [100.0, 25.0, 20.0]
    assert list(result.scores["rank"]) == [1, 1, 2]
    assert list(result.scores["group"].astype(str)) == ["quận", "sở", "quận"]


def grouped_result() -> chiso.Result:
    groups = pd.Series({"u1": "quận", "u2": "sở", "u3": "quận"})
    return small_model().evaluate(inputs(), groups=groups)


def assert_same_result(a: chiso.Result, b: chiso.Result) -> None:
    pd.testing.assert_frame_equal(a.scores, b.scores)
    for field in ("points", "max", "score"):
        pd.testing.assert_frame_equal(a.wide(field), b.wide(field))
    pd.testing.assert_series_equal(a.raw_index, b.raw_index)
    assert a.node_ids == b.node_ids and a.model == b.model


def test_results_pickle_and_cross_processes():
    result = grouped_result()
    clone = pickle.loads(pickle.dumps(result))
    assert_same_result(clone, result)
    # Hand: u1 100.00, u3 20.00 in group quận (ranks 1, 2); u2 45.00 alone in sở.
    assert list(clone.scores["rank"]) == [1, 1, 2] and list(clone.scores["index"]) == [100.0, 45.0, 20.0]
    assert clone.explain("u2")["lost"].tolist() == [1.0, 1.0, 0.5, 0.25]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        from_worker = pool.submit(grouped_result).result()
    assert_same_result(from_worker, result)


def test_numpy_input_in_leaf_order():
    array = inputs().to_numpy()
    result = small_model().evaluate(array)
    assert list(result.scores["index"]) == EXPECTED_INDEX
    assert list(result.scores.index) == [0, 1, 2]


@pytest.mark.parametrize("order", ["C", "F"])
def test_float64_arrays_are_not_copied(order):
    array = np.array(inputs().to_numpy(), order=order)
    result = small_model().evaluate(array)
    assert result._core.input_address == array.__array_interface__["data"][0]


def test_float64_dataframe_is_not_copied():
    frame = inputs()
    result = small_model().evaluate(frame)
    assert result._core.input_address == frame.to_numpy().__array_interface__["data"][0]


def test_other_dtypes_are_converted_once():  # float32 is read in place: test_evaluate_float32.py
    array = inputs().to_numpy().astype(np.float16)  # exact for these inputs
    result = small_model().evaluate(array)
    assert result._core.input_address != array.__array_interface__["data"][0]
    assert list(result.scores["index"]) == EXPECTED_INDEX


def test_results_are_views_of_the_result_memory():
    result = small_model().evaluate(inputs())
    a = result._core.points
    b = result._core.points
    assert a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    assert not a.flags.owndata and a.flags.f_contiguous


# Hand, per node (points, max) of the three units of inputs(), in order u1, u2, u3:
HAND_POINTS = {"a1": [2.0, 1.5, 0.5], "a2": [1.0, 0.0, 1.0], "A": [3.0, 1.5, 1.5],
               "b1": [2.0, 1.0, 0.0], "b2": [0.0, -0.25, -0.5], "B": [2.0, 0.75, -0.5],
               "PAR": [5.0, 2.25, 1.0]}
HAND_MAX = {"a1": 2.0, "a2": 1.0, "A": 3.0, "b1": 2.0, "b2": 0.0, "B": 2.0, "PAR": 5.0}
MANY = 1700  # copies of the three units: 5100 units, enough for the nodes to be scored when read


def many_units(order: str) -> np.ndarray:
    return np.array(np.tile(inputs().to_numpy(), (MANY, 1)), order=order)


@pytest.mark.parametrize("order", ["C", "F"])
def test_many_units_score_their_nodes_when_first_read_with_the_same_values(order):
    model = small_model()
    values = many_units(order)
    result = model.evaluate(values)
    assert not result._core.nodes_scored  # only the index, ranks and bands so far
    assert result.node_ids == ["a1", "a2", "A", "b1", "b2", "B", "PAR"]
    assert list(result.scores["index"][:3]) == EXPECTED_INDEX
    values[:] = 0.0  # the caller's array changes after the call: the result does not
    points = result.points
    assert result._core.nodes_scored
    assert result.points is points and result.wide("points") is points
    for node, expected in HAND_POINTS.items():
        assert points[node].tolist() == expected * MANY
        assert (result.max[node] == HAND_MAX[node]).all()
    # Every field equals the evaluation of the three units, repeated: scored in one pass (few units).
    few = model.evaluate(inputs().to_numpy())
    assert few._core.nodes_scored
    for field in ("points", "max", "score"):
        expected = np.tile(few.wide(field).to_numpy(), (MANY, 1))
        np.testing.assert_array_equal(result.wide(field).to_numpy(), expected)
    np.testing.assert_array_equal(result.raw_index.to_numpy(), np.tile(few.raw_index.to_numpy(), MANY))
    tidy = result.nodes
    row = tidy[(tidy["unit"] == 3 * 7 + 2) & (tidy["node"] == "b2")].iloc[0]
    assert row["points"] == -0.5 and row["max"] == 0.0
    assert result.explain(1)["lost"].tolist() == [1.0, 1.0, 0.5, 0.25]  # u2's
    assert result.to_arrow("points").column("B").to_pylist() == HAND_POINTS["B"] * MANY


def test_many_units_with_a_mask_pickle_before_their_nodes_are_read():
    model = small_model()
    values = many_units("C")
    applies = np.ones((len(values), 4), dtype=bool)
    applies[1::3, 0] = False  # every u2: max 5 − 2 = 3, points 0 + 1 − 0.25 = 0.75 → 25.00
    mask = pd.DataFrame(applies[:, [3, 2, 1, 0]], columns=["b2", "b1", "a2", "a1"])  # any column order
    result = model.evaluate(values, applicable=mask)
    assert not result._core.nodes_scored
    clone = pickle.loads(pickle.dumps(result))  # scores them: a pickle holds every field
    assert result._core.nodes_scored and clone._core.nodes_scored
    assert clone.node_ids == result.node_ids == ["a1", "a2", "A", "b1", "b2", "B", "PAR"]
    for copy in (clone, result):
        assert copy.scores["index"][:3].tolist() == [100.0, 25.0, 20.0]
        assert copy.points["PAR"].tolist() == [5.0, 0.75, 1.0] * MANY
        assert copy.max["PAR"].tolist() == [5.0, 3.0, 5.0] * MANY
    assert_same_result(clone, result)
    # Few kept nodes (3 of 7, beside 4 inputs and the mask): scored at once, copying nothing.
    assert model.evaluate(values, applicable=mask, keep="inner")._core.nodes_scored


def test_missing_and_extra_columns_are_named():
    with pytest.raises(chiso.DataError, match=r"missing columns for criteria 'b2'") as missing:
        small_model().evaluate(inputs().drop(columns="b2"))
    assert missing.value.criterion == "b2"
    with pytest.raises(chiso.DataError, match=r"'b2' \(its columns that are not criteria of the model: 'zz'\)"):
        small_model().evaluate(inputs().drop(columns="b2").assign(zz=1.0))
    # Other columns are ignored (FORMAT.md 0.3: matched by name).
    assert small_model().evaluate(inputs().assign(zz="note")).scores.equals(small_model().evaluate(inputs()).scores)


def test_errors_keep_unit_criterion_and_path():
    bad = inputs()
    bad.loc["u2", "a1"] = 1.3          # not a multiple of 0.25
    with pytest.raises(chiso.DataError) as error:
        small_model().evaluate(bad)
    assert error.value.unit == "u2" and error.value.criterion == "a1" and error.value.id == "data.range"
    assert "multiple of 0.25" in str(error.value)
    assert isinstance(error.value, ValueError) and isinstance(error.value, chiso.ChisoError)

    document = small_model().to_dict()
    document["root"]["children"][1]["children"][0]["rule"]["tiers"][1]["min"] = 99
    with pytest.raises(chiso.ModelError) as model_error:
        chiso.load_model(document)
    assert model_error.value.path == "/root/children/1/children/0/rule/tiers/1/min"
    assert model_error.value.id == "model.tiers_order"


def test_nan_is_missing_and_the_policy_is_an_error_by_default():
    bad = inputs()
    bad.loc["u3", "b1"] = np.nan
    with pytest.raises(chiso.DataError) as error:
        small_model().evaluate(bad)
    assert (error.value.unit, error.value.criterion, error.value.id) == ("u3", "b1", "data.missing")


def test_threads_from_python_give_identical_results_and_release_the_gil():
    model = small_model()
    rng = np.random.default_rng(7)
    n = 300_000
    big = np.column_stack([
        rng.integers(0, 9, n) * 0.25, rng.integers(0, 2, n), rng.uniform(0, 100, n), rng.integers(0, 4, n),
    ]).astype(np.float64)
    reference = model.evaluate(big, threads=1).scores["index"].to_numpy()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: model.evaluate(big).scores["index"].to_numpy(), range(4)))
    for r in results:
        np.testing.assert_array_equal(r, reference)

    # While a long evaluation runs, a Python thread keeps counting: the GIL is released.
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0)

    counter = threading.Thread(target=count)
    counter.start()
    before = ticks
    for _ in range(5):
        model.evaluate(big, threads=1, keep="root")
    during = ticks - before
    stop.set()
    counter.join()
    assert during > 100


def test_explain_lists_criteria_by_points_lost():
    table = small_model().evaluate(inputs()).explain("u2")
    # u2 lost: a2 1 (yes/no 0), b1 1 (85 % → 1 of 2), a1 0.5, b2 0.25 (one deduction).
    assert list(table.index[:2]) == ["a2", "b1"]
    assert table.loc["a1", "lost"] == 0.5 and table.loc["b2", "lost"] == 0.25
    assert table.loc["b1", "area"] == "B"


def test_plots_draw():
    import matplotlib  # a test dependency (pyproject's [test] extra): missing, the test fails

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    result = small_model().evaluate(inputs())
    ax = result.plot_ranking()
    # Stacked by area: u1's bars are A 3/5·100 = 60 and B 2/5·100 = 40.
    heights = sorted(round(p.get_height(), 9) for p in ax.patches if p.get_x() < 0.5)
    assert heights == [40.0, 60.0]
    bar = result.plot_profile("u2")
    assert [round(p.get_height(), 9) for p in bar.patches] == [50.0, 37.5]   # A 1.5/3, B 0.75/2
    radar = result.plot_profile("u2", kind="radar")
    assert radar.name == "polar"
    plt.close("all")


def test_the_package_compiles_with_warnings_as_errors():
    """Every module of the package compiles under ``python -W error``: an invalid escape in a
    docstring (``\\ s``) is a SyntaxWarning at compile time, and an error for a user who runs
    with warnings as errors once the cached bytecode is gone."""
    import warnings

    sources = sorted(Path(chiso.__file__).parent.rglob("*.py"))
    assert len(sources) > 10
    for source in sources:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(source.read_text(encoding="utf-8"), str(source), "exec")
