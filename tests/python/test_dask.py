"""chiso.dask on a real dask.distributed LocalCluster with two worker processes: scores and ranks
equal the in-memory Model.evaluate unit for unit (competition, dense and ordinal ties, ties
across partitions), analyses in blocks equal the one-process run bit for bit, and record-level
aggregation gives the counts counted by hand."""
from __future__ import annotations

from collections import Counter
import numpy as np
import pandas as pd
import pytest
import dask
import dask.dataframe as dd
from dask.utils import key_split
from distributed import Client, LocalCluster, get_task_stream

import chiso
import chiso.dask as cd
from chiso import sensitivity as cs

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def tiny_model(ties: str, by: str = "group"):
    return chiso.load_model({
        "format": "chiso-model/1", "id": f"tiny-{ties}", "name": "Tiny", "scale": 10,
        "rounding": {"digits": 1, "mode": "half_up"}, "ranking": {"ties": ties, "by": by},
        "bands": [{"min": 8, "label": "A"}, {"min": 0, "label": "B"}],
        "root": {"id": "T", "name": "Total", "aggregate": "sum", "children": [
            {"id": "x", "name": "x", "max": 4, "rule": {"kind": "points", "step": 1}},
            {"id": "y", "name": "y", "max": 1, "rule": {"kind": "yes_no"}}]},
    })


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      worker_dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def _data(n=60, seed=3):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x": rng.integers(0, 5, n).astype(float), "y": rng.integers(0, 2, n).astype(float),
                          "group": np.where(rng.random(n) < 0.5, "north", "south")},
                         index=pd.Index([f"u{k:03d}" for k in range(n)][::-1], name="unit"))
    return frame


@pytest.mark.parametrize("ties", ["competition", "dense", "ordinal"])
def test_ranks_equal_in_memory_across_partitions(client, ties):
    model = tiny_model(ties)
    frame = _data()
    expected = model.evaluate(frame[["x", "y"]], groups=frame["group"]).scores
    got = cd.evaluate(model, dd.from_pandas(frame, npartitions=4), groups="group").compute().loc[frame.index]
    assert got["index"].tolist() == expected["index"].tolist()
    assert got["rank"].tolist() == expected["rank"].tolist()
    assert got["band"].astype(str).tolist() == expected["band"].astype(str).tolist()
    assert got["group"].tolist() == expected["group"].astype(str).tolist()


def test_ranks_by_hand(client):
    """Five units in one group, two partitions, ties spanning both: indices 10, 8, 8, 2, 8
    (x = 4, 3, 3, 0, 3, y = 1, 1, 1, 1, 1 of 5 points on a scale of 10)."""
    frame = pd.DataFrame({"x": [4.0, 3, 3, 0, 3], "y": [1.0, 1, 1, 1, 1]}, index=["e", "d", "c", "b", "a"])
    ddf = dd.from_pandas(frame, npartitions=2, sort=False)
    by_rule = {"competition": [1, 2, 2, 5, 2], "dense": [1, 2, 2, 3, 2],
               "ordinal": [1, 4, 3, 5, 2]}  # ordinal: the tied c, d, a by name → a 2, c 3, d 4
    for ties, ranks in by_rule.items():
        got = cd.evaluate(tiny_model(ties, by="all"), ddf).compute().loc[frame.index]
        assert got["index"].tolist() == [10.0, 8.0, 8.0, 2.0, 8.0]
        assert got["rank"].tolist() == ranks, ties


def test_each_partition_read_once_and_scored_once(client, tmp_path):
    """The ranks come from the kept scores: each partition is read once and scored once, its
    values counted from the kept scores, and one reduction task sums the counts — however many
    times the result is computed (here twice, for two columns)."""
    model = tiny_model("competition")
    frame = _data(40)
    reads = tmp_path / "reads"

    def load(rows):  # nested: shipped to the workers by value; logs each read of a partition
        with open(reads, "a") as log:
            log.write(f"{rows.start}\n")
        return frame.iloc[rows]

    parts = [dask.delayed(load)(slice(k, k + 10)) for k in range(0, 40, 10)]
    ddf = dd.from_delayed(parts, meta=frame.iloc[:0], verify_meta=False)
    with get_task_stream(client) as stream:
        scores = cd.evaluate(model, ddf, groups="group")
        ranks = scores["rank"].compute()
        indices = scores["index"].compute()
    tasks = Counter(key_split(task["key"]) for task in stream.data)
    assert tasks["score_partition"] == 4 and tasks["count_values"] == 4, dict(tasks)  # key_split drops the "_"
    assert tasks["first_ranks"] == 1, dict(tasks)
    assert sorted(reads.read_text().split()) == ["0", "10", "20", "30"]
    expected = model.evaluate(frame[["x", "y"]], groups=frame["group"]).scores
    assert ranks.loc[frame.index].tolist() == expected["rank"].tolist()
    assert indices.loc[frame.index].tolist() == expected["index"].tolist()


def test_parquet_partitions_read_and_scored_in_one_task(client, tmp_path):
    """A read_parquet collection: each partition is read (only the columns the model reads) and
    scored in one task, with the in-memory scores; a text column the model does not read is
    left in the files."""
    model = tiny_model("dense")
    frame = _data(40)
    for k in range(4):
        part = frame.iloc[10 * k:10 * (k + 1)].assign(note="không đọc")
        part.reset_index().to_parquet(tmp_path / f"part-{k}.parquet", index=False)
    ddf = dd.read_parquet(sorted(str(p) for p in tmp_path.glob("*.parquet")), index="unit")
    with get_task_stream(client) as stream:
        got = cd.evaluate(model, ddf, groups="group").compute().loc[frame.index]
    tasks = Counter(key_split(task["key"]) for task in stream.data)
    # Fused: the tasks are named by the read (dask may read small files together, fewer partitions).
    assert tasks["score_partition"] == 0 and tasks["read_parquet"] == tasks["count_values"] >= 1, dict(tasks)
    expected = model.evaluate(frame[["x", "y"]], groups=frame["group"]).scores
    assert got["index"].tolist() == expected["index"].tolist()
    assert got["rank"].tolist() == expected["rank"].tolist()
    assert got["group"].tolist() == frame["group"].tolist()


def test_node_points_and_bad_input(client):
    model = tiny_model("competition")
    frame = _data(20)
    got = cd.evaluate(model, dd.from_pandas(frame, npartitions=2), groups="group", keep="all").compute()
    expected = model.evaluate(frame[["x", "y"]], groups=frame["group"], keep="all").points
    assert got.loc[frame.index, "points:x"].tolist() == expected["x"].tolist()
    with pytest.raises(chiso.DataError, match=r"no input columns \['y'\]"):
        cd.evaluate(model, dd.from_pandas(frame[["x", "group"]], npartitions=2))
    with pytest.raises(chiso.DataError, match="no group column 'region'"):
        cd.evaluate(model, dd.from_pandas(frame, npartitions=2), groups="region")


def test_mask_matched_by_name_and_unit_on_workers(client):
    """The mask's columns in another order than the data's, its rows shuffled within each partition,
    extra columns on both: by hand, x (max 4) and y (max 1) on a scale of 10, y not applicable to
    "b" and "d" (x/4 × 10) and x not applicable to "a" (y/1 × 10)."""
    frame = pd.DataFrame({"note": ["-"] * 5, "y": [1.0, 0, 1, 1, 0], "x": [4.0, 3, 2, 0, 1]},
                         index=["e", "d", "c", "b", "a"])
    mask = pd.DataFrame({"x": [True, True, True, True, False], "reviewed": True,
                         "y": [True, False, True, False, True]}, index=["e", "d", "c", "b", "a"])
    shuffled = pd.concat([mask.iloc[[2, 0, 1]], mask.iloc[[4, 3]]])  # the same partitions: 3 rows, then 2
    got = cd.evaluate(tiny_model("competition", by="all"), dd.from_pandas(frame, npartitions=2, sort=False),
                      applicable=dd.from_pandas(shuffled, npartitions=2, sort=False)).compute().loc[frame.index]
    assert got["index"].tolist() == [10.0, 7.5, 6.0, 0.0, 0.0]


def _asem_like():
    """Four indicators, two aggregates, eight units (normalised values 0–100)."""
    rng = np.random.default_rng(11)
    units = [f"C{k}" for k in range(8)]
    data = pd.DataFrame(rng.uniform(10, 100, (8, 4)), index=units, columns=["i1", "i2", "i3", "i4"])
    hierarchy = [{"code": c, "level": 1, "parent": p, "weight": 1.0}
                 for c, p in [("i1", "A"), ("i2", "A"), ("i3", "B"), ("i4", "B")]]
    hierarchy += [{"code": "A", "level": 2, "parent": "Index", "weight": 1.0},
                  {"code": "B", "level": 2, "parent": "Index", "weight": 1.0},
                  {"code": "Index", "level": 3, "parent": None, "weight": 1.0}]
    assumptions = [cs.noisy_weights("weights", {1: 0.25, 2: 0.25}),
                   cs.aggregation("method", ["arithmetic", "geometric"])]
    return hierarchy, data, assumptions


@pytest.mark.parametrize("blocks", [1, 3, 7])
def test_uncertainty_blocks_bit_identical(client, blocks):
    hierarchy, data, assumptions = _asem_like()
    one = cs.CompositeAnalysis(hierarchy, data, assumptions).uncertainty(50, seed=5, keep_replications=True)
    got = cd.uncertainty(hierarchy, data, assumptions, 50, blocks=blocks, seed=5)
    for key in ("output", "parameters", "scores", "ranks"):
        assert np.asarray(got.raw[key]).tobytes() == np.asarray(one.raw[key]).tobytes(), key
    assert got.failed == one.failed


@pytest.mark.parametrize("blocks", [1, 4])
def test_failed_replications_in_blocks_warn_as_in_one_process(client, blocks):
    # Unit z has i3 = 0: a geometric mean at P2 fails in every replication that draws it (u ≥ 1/2
    # in the sample's second column), whichever block runs it.
    tree = [{"code": "i1", "level": 1, "parent": "P1"}, {"code": "i2", "level": 1, "parent": "P1"},
            {"code": "i3", "level": 1, "parent": "P2"}, {"code": "i4", "level": 1, "parent": "P2"},
            {"code": "P1", "level": 2, "parent": "I"}, {"code": "P2", "level": 2, "parent": "I"},
            {"code": "I", "level": 3}]
    data = pd.DataFrame({"i1": [1.0, 2.0, 3.0], "i2": [2.0, 1.0, 3.0], "i3": [1.0, 2.0, 0.0], "i4": [3.0, 3.0, 3.0]},
                        index=["x", "y", "z"])
    assumptions = [cs.noisy_weights("Weights", {1: 0.2}), cs.aggregation("Aggregation", ["arithmetic", "geometric"])]
    S = 60
    with pytest.warns(cs.FailedReplicationsWarning) as caught:
        got = cd.uncertainty(tree, data, assumptions, S, blocks=blocks, seed=9)
    geometric = np.flatnonzero(cs.random_sample(S, 2, seed=9)[:, 1] >= 0.5)
    assert 0 < len(geometric) < S
    assert got.failed == geometric.tolist()
    counts = got.failure_counts.set_index(["assumption", "alternative"])
    assert counts.loc[("Aggregation", "arithmetic")].tolist() == [S - len(geometric), 0]
    assert counts.loc[("Aggregation", "geometric")].tolist() == [len(geometric), len(geometric)]
    assert counts.loc[("Weights", "")].tolist() == [S, len(geometric)]
    why = got.failures
    assert why["replication"].tolist() == geometric.tolist()
    assert set(why["node"]) == {"P2"} and set(why["unit"]) == {"z"} and set(why["child"]) == {"i3"}
    message = str(caught[0].message)
    assert f"{len(geometric)} of {S} replications failed" in message
    assert f"Aggregation = geometric: {len(geometric)} of {len(geometric)}" in message
    assert "'P2'" in message and "unit 'z'" in message and "'i3' = 0" in message
    # The sensitivity design (S(d + 2) = 240 rows) warns in the words of the one-process run.
    with pytest.warns(cs.FailedReplicationsWarning, match=f"of {S * 4} replications failed") as in_blocks:
        cd.sensitivity(tree, data, assumptions, S, blocks=blocks, seed=9, bootstrap=10)
    with pytest.warns(cs.FailedReplicationsWarning) as in_one:
        cs.CompositeAnalysis(tree, data, assumptions).sensitivity(S, seed=9, bootstrap=10)
    assert str(in_blocks[0].message) == str(in_one[0].message)


def test_sensitivity_blocks_bit_identical(client):
    hierarchy, data, assumptions = _asem_like()
    one = cs.CompositeAnalysis(hierarchy, data, assumptions).sensitivity(40, seed=2, bootstrap=50)
    got = cd.sensitivity(hierarchy, data, assumptions, 40, blocks=5, seed=2, bootstrap=50)
    assert np.asarray(got.output).tobytes() == np.asarray(one.output).tobytes()
    pd.testing.assert_frame_equal(got.sensitivity, one.sensitivity, check_exact=True)


def test_aggregate_records_service_index(client):
    """Dossiers → per-unit numerators and denominators of the service index; counts by hand:
    unit a: 3 dossiers, 2 on time, 1 paid online of 2 with a fee; unit b: 2 dossiers, 2 on time,
    0 paid online of 1 with a fee."""
    model = chiso.load_model(EXAMPLES / "models" / "service-index-766.json")
    dossiers = pd.DataFrame({
        "unit": ["a", "b", "a", "a", "b"],
        "received": [True] * 5,
        "on_time": [True, True, False, True, True],
        "has_fee": [True, True, True, False, False],
        "paid_online": [True, False, False, False, False],
    })
    counts = cd.aggregate_records(
        dd.from_pandas(dossiers, npartitions=2), "unit",
        numerators={"DVC_PROGRESS_ON_TIME.numerator": "on_time",
                    "ONLINE_PAYMENT.totalDossierOnlinePaymentSuccess": "paid_online"},
        denominators={"DVC_PROGRESS_ON_TIME.denominator": "received",
                      "ONLINE_PAYMENT.totalDossierFinancialObligation": "has_fee"})
    assert counts.loc["a"].tolist() == [2, 1, 3, 2] and counts.loc["b"].tolist() == [2, 0, 2, 1]
    # The counts feed the model: progress 20 × 2/3 = 13.33 (rounded), 20 × 2/2 = 20.
    inputs = pd.DataFrame(0.0, index=counts.index, columns=model.input_columns)
    inputs[list(counts.columns)] = counts
    points = model.evaluate(inputs, keep="all").points
    assert points.loc["a", "DVC_PROGRESS_ON_TIME"] == 13.33 and points.loc["b", "DVC_PROGRESS_ON_TIME"] == 20.0
    with pytest.raises(chiso.DataError, match=r"no columns \['late'\]"):
        cd.aggregate_records(dossiers, "unit", {"x": "late"}, {})


def test_parquet_row_groups_in_any_column_order_same_bits_as_numpy(client, tmp_path):
    """Partitions of many row groups, columns in another order with integer and float32 ones and
    a column the model does not read: index, ranks and bands equal Model.evaluate on a numpy
    array in the model's order, bit for bit (the reference of test_arrow_same_bits.py)."""
    from test_arrow_same_bits import TUTORIAL, assert_same_bits, random_inputs, reference, shuffled
    model = chiso.load_model(TUTORIAL)
    frame = random_inputs(model, 2000)
    expected = reference(model, frame)
    inputs = shuffled(model, frame)
    for k in range(4):
        inputs.iloc[500 * k:500 * (k + 1)].reset_index().to_parquet(tmp_path / f"part-{k}.parquet", index=False,
                                                                    row_group_size=150)
    ddf = dd.read_parquet(sorted(str(p) for p in tmp_path.glob("*.parquet")), index="unit")
    got = cd.evaluate(model, ddf, groups="group").compute().loc[frame.index]
    assert_same_bits(got["index"], got["rank"], got["band"], expected)
    assert got["group"].tolist() == frame["group"].tolist()
