"""Uncertainty and sensitivity on a scored model rank as the model ranks (issue 24, item 2):
within groups when `ranking.by` is `group`, on the index rounded as the model says, with the
model's tie rule; failed replications are counted per assumption and announced."""
import copy
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso import analysis as ca
from chiso import sensitivity as sa

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = json.loads((ROOT / "examples" / "models" / "tutorial-par.json").read_text(encoding="utf-8"))
FULL = {"A1.1": 2.0, "A1.2": 1.0, "A1.3": 100.0, "A3.1": 100.0, "A3.2": 1.0, "A7.1": 2.0, "A7.2": 0.0}


def tutorial_inputs(**changes):
    """Units of the tutorial model (max 12 points): full points but for the given inputs."""
    rows = {unit: {**FULL, **change} for unit, change in changes.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def test_ranks_within_groups_as_the_model():
    model = chiso.load_model(TUTORIAL)
    # By hand (12 points): u1 12 → 100; u2 11 → 91.67; u3 11.5 → 95.83; u4 10.5 → 87.5.
    inputs = tutorial_inputs(u1={}, u2={"A1.1": 1.0}, u3={"A1.1": 1.5}, u4={"A1.1": 0.5})
    groups = pd.Series(["g1", "g1", "g2", "g2"], index=inputs.index)
    result = model.evaluate(inputs, groups=groups)
    assert result.scores["index"].tolist() == [100.0, 91.67, 95.83, 87.5]
    # Within g1: u1 1, u2 2; within g2: u3 1, u4 2 (across all units it would be 1, 3, 2, 4).
    assert result.scores["rank"].tolist() == [1, 2, 1, 2]
    analysis = sa.CompositeAnalysis(model, ca.indicators_of(result), [sa.noisy_weights("criteria", {1: 0.0})])
    ua = analysis.uncertainty(50, seed=4, keep_replications=True)
    assert ua.rank_stats["Nominal"].tolist() == [1, 2, 1, 2]
    # No noise: every replication ranks as the model does.
    assert (ua.ranks.to_numpy() == np.array([[1], [2], [1], [2]])).all()
    assert ua.rank_stats["Q95"].tolist() == [1, 2, 1, 2]
    # The groups may also be given by name, in any order; without them, one group.
    told = sa.CompositeAnalysis(model, ca.indicators_of(result).iloc[::-1], [sa.noisy_weights("w", {1: 0.0})],
                                groups={"u4": "b", "u3": "b", "u2": "a", "u1": "a"})
    assert told.uncertainty(5).rank_stats["Nominal"].to_dict() == {"u4": 2, "u3": 1, "u2": 2, "u1": 1}
    plain = ca.indicators_of(result)
    plain.attrs.clear()
    alone = sa.CompositeAnalysis(model, plain, [sa.noisy_weights("w", {1: 0.0})]).uncertainty(5)
    assert alone.rank_stats["Nominal"].tolist() == [1, 3, 2, 4]


def test_ranks_use_the_rounded_index_and_the_tie_rule():
    # A3.2 is 2 points × the fraction: 11/12 → 91.6667 and 11.0002/12 → 91.6683 both show 91.67.
    inputs = tutorial_inputs(a={"A3.2": 0.5}, b={"A3.2": 0.5001}, c={"A3.2": 0.0})
    model = chiso.load_model(TUTORIAL)
    result = model.evaluate(inputs)
    assert result.scores["index"].tolist() == [91.67, 91.67, 83.33]
    assert result.scores["rank"].tolist() == [1, 1, 3]  # competition: tied on the published index
    ua = sa.CompositeAnalysis(model, ca.indicators_of(result),
                              [sa.noisy_weights("w", {1: 0.0})]).uncertainty(20, keep_replications=True)
    assert ua.rank_stats["Nominal"].tolist() == [1, 1, 3]
    assert (ua.ranks.to_numpy() == np.array([[1], [1], [3]])).all()
    # Dense and ordinal ties, as the model file says (ordinal: tied units by name).
    for ties, expected in (("dense", [1, 1, 2]), ("ordinal", [1, 2, 3])):
        spec = copy.deepcopy(TUTORIAL)
        spec["ranking"]["ties"] = ties
        other = chiso.load_model(spec)
        scored = other.evaluate(inputs.iloc[::-1])  # b before a: ordinal still puts a first
        assert scored.scores["rank"].to_dict() == dict(zip(["a", "b", "c"], expected))
        nominal = sa.CompositeAnalysis(other, ca.indicators_of(scored), [sa.noisy_weights("w", {1: 0.0})]) \
            .uncertainty(3).rank_stats["Nominal"]
        assert nominal.to_dict() == dict(zip(["a", "b", "c"], expected))


def test_a_composite_index_keeps_coinr_ranks():
    # A composite index (indicator leaves) is ranked as COINr ranks: unrounded, all units.
    rows = [{"code": "i1", "level": 1, "parent": "I"}, {"code": "i2", "level": 1, "parent": "I"},
            {"code": "I", "level": 2}]
    data = pd.DataFrame({"i1": [50.0, 50.002], "i2": [50.0, 50.0]}, index=["x", "y"])
    ua = sa.CompositeAnalysis(rows, data, [sa.noisy_weights("w", {1: 0.0})]).uncertainty(3)
    assert ua.rank_stats["Nominal"].tolist() == [2, 1]


def test_the_2025_commune_sample_ranks_as_published():
    from chiso import Assessment, Survey
    data = ROOT / "examples" / "data"
    a = Assessment.from_csv(ROOT / "examples" / "models" / "hanoi-par-commune-2025.json", "2025",
                            data / "units-commune-2025.csv", data / "par-commune-2025.csv")
    a.set_survey(Survey.from_csv(data / "survey-par-2025.csv"), strict=False)
    result = a.evaluate()
    published = result.scores["rank"].astype(int)
    analysis = sa.CompositeAnalysis(result.model, ca.indicators_of(result), [sa.noisy_weights("criteria", {1: 0.25})])
    ua = analysis.uncertainty(200, seed=1)
    assert (ua.rank_stats["Nominal"] == published).all()
    # Ranked on the unrounded scores (COINr's rule, the engine's before), 2 of the 126 differ:
    # communes tied on the published index that the binary scores part (observed on the sample,
    # whose survey criteria are rounded to two decimals as published).
    unrounded = sa.rank_descending(analysis.nominal_scores()[analysis.codes[-1]])  # the root comes last
    assert int((unrounded != published.to_numpy()).sum()) == 2


def small_tree():
    return [{"code": "i1", "level": 1, "parent": "P1"}, {"code": "i2", "level": 1, "parent": "P1"},
            {"code": "i3", "level": 1, "parent": "P2"}, {"code": "i4", "level": 1, "parent": "P2"},
            {"code": "P1", "level": 2, "parent": "I"}, {"code": "P2", "level": 2, "parent": "I"},
            {"code": "I", "level": 3}]


def test_failed_replications_are_counted_per_assumption_and_announced():
    # Unit z has i3 = 0: a geometric mean at P2 fails in every replication that draws it.
    data = pd.DataFrame({"i1": [1.0, 2.0, 3.0], "i2": [2.0, 1.0, 3.0], "i3": [1.0, 2.0, 0.0], "i4": [3.0, 3.0, 3.0]},
                        index=["x", "y", "z"])
    assumptions = [sa.noisy_weights("Weights", {1: 0.2}), sa.aggregation("Aggregation", ["arithmetic", "geometric"])]
    analysis = sa.CompositeAnalysis(small_tree(), data, assumptions)
    S = 400
    with pytest.warns(sa.FailedReplicationsWarning) as caught:
        ua = analysis.uncertainty(S, seed=9)
    # The replications that draw the geometric mean: u ≥ 1/2 in the sample's second column.
    u = sa.random_sample(S, 2, seed=9)[:, 1]
    geometric = int((u >= 0.5).sum())
    assert 0 < geometric < S
    assert ua.failed == [int(r) for r in np.flatnonzero(u >= 0.5)]
    counts = ua.failure_counts.set_index(["assumption", "alternative"])
    assert counts.loc[("Aggregation", "arithmetic")].tolist() == [S - geometric, 0]
    assert counts.loc[("Aggregation", "geometric")].tolist() == [geometric, geometric]
    assert counts.loc[("Weights", "")].tolist() == [S, geometric]
    why = ua.failures
    assert len(why) == geometric
    assert set(why["node"]) == {"P2"} and set(why["method"]) == {"geometric"}
    assert set(why["unit"]) == {"z"} and set(why["child"]) == {"i3"} and set(why["value"]) == {0.0}
    message = str(caught[0].message)
    assert f"{geometric} of {S} replications failed" in message
    assert f"Aggregation = geometric: {geometric} of {geometric}" in message
    assert "'P2'" in message and "unit 'z'" in message and "'i3' = 0" in message
    assert issubclass(sa.FailedReplicationsWarning, chiso.InputWarning)
    # The statistics use the arithmetic replications only. Indicator weights within ±20% give
    # P2 = 1 + 2s (x), 2 + s (y), 3s (z) with s = w4/(w3 + w4) ∈ [0.4, 0.6], P1 ∈ [1.4, 1.6] for x
    # and y and 3 for z: I(x) ∈ [1.6, 1.9] < I(y) ∈ [1.9, 2.1] < I(z) ∈ [2.1, 2.4] — the same ranks
    # in every replication.
    stats = ua.rank_stats
    assert stats["Q5"].tolist() == [3, 2, 1] and stats["Q95"].tolist() == [3, 2, 1]
    assert stats["Mean"].tolist() == [3, 2, 1]
    # No failure: no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", sa.FailedReplicationsWarning)
        fine = sa.CompositeAnalysis(small_tree(), data, [sa.noisy_weights("Weights", {1: 0.2})]).uncertainty(50)
    assert fine.failed == [] and fine.failure_counts["failed"].tolist() == [0]
