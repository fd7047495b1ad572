"""chiso.analysis against an independent transcription of COINr (tests/python/reference) and
published multi-criteria values (each test cites its paper)."""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from chiso import analysis as ca

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference import coinr_asem  # noqa: E402

ASEM = coinr_asem.ASEM_DIR


@pytest.fixture(scope="module")
def asem():
    idata, imeta = coinr_asem.load(ASEM)
    ref = coinr_asem.build(idata, imeta)
    data = idata.set_index("uCode")
    pipe = ca.Pipeline.coinr_example(ca.hierarchy_from_imeta(imeta))
    res = pipe.run(data, denominators=data[["Area", "Energy", "GDP", "Population"]], groups=data[["EurAsia_group"]])
    return ref, res, pipe, data


def test_asem_index_every_aggregate_and_ranks_match_coinr_reference(asem):
    ref, res, _, _ = asem
    expected = ref["Aggregated"]
    assert list(res.scores.index) == list(expected.index)
    got = res.scores[expected.columns]
    diff = (got - expected).abs().to_numpy().max()
    assert diff <= 1e-9, diff
    assert (res.ranks.astype(int) == ref["Ranks"].astype(int)).all()


def test_asem_intermediate_steps_match(asem):
    ref, res, _, _ = asem
    assert np.nanmax(np.abs(res.treated.to_numpy() - ref["Treated"][res.treated.columns].to_numpy())) <= 1e-9
    assert np.nanmax(np.abs(res.normalised.to_numpy() - ref["Normalised"][res.normalised.columns].to_numpy())) <= 1e-9
    want = {tuple(r) for r in ref["Treated_Points"].itertuples(index=False)}
    got = {(r.unit, r.indicator, r.treatment) for r in res.treated_points.itertuples()}
    assert got == want
    assert len(res.imputed_cells) == 65  # COINr reports 65 missing points imputed on ASEM
    assert res.removed_units.empty


def test_pipeline_json_round_trip_and_one_step_changed(asem, tmp_path):
    _, res, pipe, data = asem
    path = tmp_path / "pipe.json"
    pipe.save(str(path))
    again = ca.Pipeline.load(str(path))
    assert again.spec == pipe.spec
    kw = dict(denominators=data[["Area", "Energy", "GDP", "Population"]], groups=data[["EurAsia_group"]])
    assert again.run(data, **kw).scores.equals(res.scores)
    changed = pipe.with_step("treat", {"winmax": 1})
    assert changed.spec["treat"]["winmax"] == 1 and pipe.spec["treat"]["winmax"] == 5
    ref1 = coinr_asem.build(*coinr_asem.load(ASEM), winmax=1)["Aggregated"]
    got1 = changed.run(data, **kw).scores[ref1.columns]
    assert (got1 - ref1).abs().to_numpy().max() <= 1e-9


def test_skewness_kurtosis_are_type_2():
    x = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100.0])
    assert ca.skewness(x) == pytest.approx(scipy.stats.skew(x, bias=False), rel=1e-12)
    assert ca.kurtosis(x) == pytest.approx(scipy.stats.kurtosis(x, bias=False), rel=1e-12)


def test_topsis_tzeng_huang_2011():
    x = pd.DataFrame([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], index=list("ABCD"))
    r = ca.topsis(x, [0.3, 0.4, 0.3])
    assert np.allclose(r["closeness"], [0.5037, 0.6581, 0.7482, 0.3340], atol=5e-5)


def test_vikor_opricovic_tzeng_2004():
    x = pd.DataFrame([[1, 3000], [2, 3750], [5, 4500]])
    r = ca.vikor(x, [0.5, 0.5], [-1, 1])
    assert np.allclose(r["S"], [0.5, 0.375, 0.5]) and np.allclose(r["R"], [0.5, 0.25, 0.5]) and np.allclose(r["Q"], [1, 0, 1])


def test_critic_diakoulaki_1995():
    x = pd.DataFrame([[61, 1.08, 4.33], [20.7, 0.26, 4.34], [16.3, 1.98, 2.53], [9, 3.29, 1.65], [5.4, 2.77, 2.33],
                      [4, 4.12, 1.21], [-6.1, 3.52, 2.10], [-34.6, 3.31, 0.98]])
    assert np.allclose(ca.critic_weights(x), [0.20222554, 0.48090173, 0.31687273], atol=1e-8)


def test_ahp_saaty_2008_drinks_and_inconsistency():
    n = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
    a = np.array([[1, 9, 5, 2, 1, 1, .5], [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9], [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
                  [.5, 9, 3, 1, .5, 1, 1 / 3], [1, 9, 4, 2, 1, 2, .5], [1, 9, 3, 1, .5, 1, 1 / 3], [2, 9, 9, 3, 2, 3, 1]])
    r = ca.ahp(pd.DataFrame(a, index=n, columns=n))
    assert r["weights"]["water"] == pytest.approx(0.327, abs=0.0015)
    assert r["weights"]["wine"] == pytest.approx(0.019, abs=0.0015)
    assert r["cr"] == pytest.approx(0.022, abs=0.0015) and r["random_index"] == "saaty"
    bad = pd.DataFrame([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert not ca.ahp(bad)["consistent"]
    with pytest.raises(ValueError):
        ca.ahp(bad, raise_if_inconsistent=True)


def test_entropy_weights_by_numpy():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(1, 10, size=(12, 4)))
    p = x / x.sum()
    e = -(p * np.log(p)).sum() / np.log(len(x))
    assert np.allclose(ca.entropy_weights(x), (1 - e) / (1 - e).sum(), atol=1e-14)


def test_aggregate_errors_name_the_unit_of_the_frame_index():
    """A geometric mean needs values > 0: the unit whose indicator is 0 is named by its index
    label (a numpy matrix has no labels: its row)."""
    from chiso import DataError
    h = ca.Hierarchy([{"code": "i1", "level": 1, "parent": "P"}, {"code": "i2", "level": 1, "parent": "P"},
                      {"code": "P", "level": 2}])
    frame = pd.DataFrame({"i1": [4.0, 9.0], "i2": [1.0, 0.0]}, index=["hanoi", "hue"])
    geometric = [{"method": "geometric"}]
    with pytest.raises(DataError) as caught:
        ca.aggregate(h, frame, methods=geometric)
    assert caught.value.id == "analysis.geometric_nonpositive" and caught.value.unit == "hue"
    with pytest.raises(DataError) as caught:
        ca.aggregate(h, frame.to_numpy(), methods=geometric)
    assert caught.value.unit == "row 1"
    # By hand where it is defined: sqrt(4 · 1) = 2.
    assert ca.aggregate(h, frame.iloc[:1], methods=geometric).loc["hanoi", "P"] == pytest.approx(2.0, abs=1e-15)


def test_within_correlations_against_numpy_and_pandas():
    """Correlations between the children of one aggregate: Pearson as numpy's corrcoef,
    Spearman as scipy's, pairwise complete with a missing value as pandas' DataFrame.corr."""
    h = ca.Hierarchy([{"code": c, "level": 1, "parent": "P"} for c in ("a", "b", "c")] +
                     [{"code": "d", "level": 1, "parent": "Q"}, {"code": "P", "level": 2, "parent": "I"},
                      {"code": "Q", "level": 2, "parent": "I"}, {"code": "I", "level": 3}])
    rng = np.random.default_rng(7)
    scores = pd.DataFrame(rng.uniform(0, 100, size=(9, len(h.codes))), columns=list(h.codes))
    children = scores[["a", "b", "c"]]
    pearson = ca.within_correlations(h, scores, "P")
    assert list(pearson.index) == ["a", "b", "c"] and list(pearson.columns) == ["a", "b", "c"]
    assert np.allclose(pearson.to_numpy(), np.corrcoef(children.to_numpy(), rowvar=False), atol=1e-14)
    spearman = ca.within_correlations(h, scores, "P", "spearman")
    assert np.allclose(spearman.to_numpy(), scipy.stats.spearmanr(children.to_numpy())[0], atol=1e-14)
    top = ca.within_correlations(h, scores, "I")
    assert top.loc["P", "Q"] == pytest.approx(np.corrcoef(scores["P"], scores["Q"])[0, 1], abs=1e-14)
    scores.loc[2, "b"] = np.nan
    gappy = ca.within_correlations(h, scores, "P")
    assert np.allclose(gappy.to_numpy(), scores[["a", "b", "c"]].corr().to_numpy(), atol=1e-14)


def test_correlations_and_cronbach_on_asem(asem):
    _, res, pipe, _ = asem
    h = pipe.hierarchy
    pc = ca.parent_correlations(h, res.scores, "spearman")
    s = res.scores
    assert pc["LPI"] == pytest.approx(scipy.stats.spearmanr(s["LPI"], s["Physical"])[0], abs=1e-12)
    alpha = ca.cronbach_alpha(h, s)
    kids = s[["Conn", "Sust"]]
    k = 2
    expected = k / (k - 1) * (1 - kids.var().sum() / kids.sum(axis=1).var())
    assert alpha["Index"] == pytest.approx(expected, abs=1e-12)


# ---- the steps called alone: denominate, impute, treat; local and per-node weights ------------

def test_denominate_impute_treat_alone_match_the_coinr_reference():
    """The pipeline's first steps as functions of their own, on ASEM, against the independent
    transcription of COINr (Denominate, Impute by EurAsia_group mean, Treat): every value, the
    65 imputed points COINr reports, and every treated point with its label."""
    idata, imeta = coinr_asem.load(ASEM)
    ref = coinr_asem.build(idata, imeta)
    data = idata.set_index("uCode")
    asem = ca.model_from_imeta(imeta)
    denominated = ca.denominate(data, data[["Area", "Energy", "GDP", "Population"]], asem)
    assert (denominated.data - ref["Denominated"][denominated.data.columns]).abs().max().max() <= 1e-12
    assert set(denominated.denominated) == set(imeta.loc[imeta["Denominator"].notna() & (imeta["Level"] == 1), "iCode"])
    imputed = ca.impute(denominated.data, "group_mean", groups=data["EurAsia_group"])
    assert (imputed.data - ref["Imputed"][imputed.data.columns]).abs().max().max() <= 1e-12
    assert len(imputed.imputed) == 65 and imputed.still_missing.empty
    screened = imputed.data.loc[ref["Screened"].index]
    treated = ca.treat(screened)
    assert (treated.data - ref["Treated"][treated.data.columns]).abs().max().max() <= 1e-12
    assert {tuple(r) for r in treated.points[["unit", "indicator", "treatment"]].itertuples(index=False)} == \
        {tuple(r) for r in ref["Treated_Points"].itertuples(index=False)}
    # One step changed, as in the pipeline: winmax 1.
    ref1 = coinr_asem.build(idata, imeta, winmax=1)["Treated"]
    assert (ca.treat(screened, winmax=1).data - ref1[treated.data.columns]).abs().max().max() <= 1e-12


def test_denominate_by_hand_units_matched_by_name():
    """x / (d / scale), the denominators given in another unit order; a missing denominator
    makes the cell missing (listed), a zero one is an error naming the unit and indicator."""
    data = pd.DataFrame({"flights": [10.0, 20.0, 6.0], "score": [1.0, 2.0, 3.0]}, index=["hanoi", "hue", "vinh"])
    population = pd.DataFrame({"pop": [4.0, np.nan, 2.0]}, index=["hue", "vinh", "hanoi"])
    d = ca.denominate(data, population, {"flights": "pop"}, scale=1000)
    # hanoi 10 / (2 / 1000) = 5000; hue 20 / (4 / 1000) = 5000; vinh: no population.
    assert d.data.loc["hanoi", "flights"] == 5000 and d.data.loc["hue", "flights"] == 5000
    assert np.isnan(d.data.loc["vinh", "flights"]) and d.data["score"].tolist() == [1.0, 2.0, 3.0]
    assert d.denominated == ["flights"] and d.lost.to_dict("records") == [{"unit": "vinh", "indicator": "flights"}]
    from chiso import DataError, ParameterError
    with pytest.raises(DataError) as caught:
        ca.denominate(data, population.assign(pop=[4.0, 0.0, 2.0]), {"flights": "pop"})
    assert caught.value.id == "analysis.denominate_zero" and caught.value.unit == "vinh"
    assert caught.value.criterion == "flights"
    with pytest.raises(ParameterError) as caught:
        ca.denominate(data, population.drop(index="hue"), {"flights": "pop"})
    assert caught.value.id == "analysis.denominate_rows" and "hue" in str(caught.value)
    with pytest.raises(ParameterError) as caught:
        ca.denominate(data, population, {"flights": "area"})
    assert caught.value.id == "analysis.denominator_missing"


def test_impute_by_hand_groups_matched_by_name():
    data = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0], "b": [2.0, np.nan, np.nan, 8.0]}, index=["p", "q", "r", "s"])
    median = ca.impute(data, "indicator_median")
    assert median.data.loc["q", "a"] == 3.0            # median of 1, 3, 10
    assert median.data.loc["q", "b"] == 5.0            # median of 2, 8 (R's: the mean of the middle two)
    assert sorted(map(tuple, median.imputed.to_numpy().tolist())) == [("q", "a", 3.0), ("q", "b", 5.0), ("r", "b", 5.0)]
    # Groups given in another order: p, q in "north"; r, s in "south".
    groups = pd.Series({"s": "south", "q": "north", "r": "south", "p": "north"})
    grouped = ca.impute(data, "group_mean", groups=groups)
    assert grouped.data.loc["q", "a"] == 1.0 and grouped.data.loc["q", "b"] == 2.0 and grouped.data.loc["r", "b"] == 8.0
    # A unit without a group keeps its missing cell, reported.
    partial = ca.impute(data, "group_mean", groups=groups.drop("r"))
    assert np.isnan(partial.data.loc["r", "b"])
    assert partial.still_missing.to_dict("records") == [{"unit": "r", "indicator": "b"}]
    from chiso import ParameterError
    with pytest.raises(ParameterError) as caught:
        ca.impute(data, "parent_mean")
    assert caught.value.id == "analysis.impute_hierarchy"
    with pytest.raises(ParameterError) as caught:
        ca.impute(data, "group_mean", groups=["north", "north"])
    assert caught.value.id == "analysis.impute_groups"


def test_treat_by_hand():
    """1…10, 30, 100: skewness ≥ 2 and kurtosis ≥ 3.5, so the maximum takes the next value in
    (100 → 30), after which the column passes (scipy's bias-corrected skewness < 2). With
    winmax 0 nothing may be winsorised: the original values become log(x − min + 0.01 (max − min))."""
    x = pd.DataFrame({"v": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100.0]}, index=[f"u{i}" for i in range(12)])
    assert abs(scipy.stats.skew(x["v"], bias=False)) >= 2 and scipy.stats.kurtosis(x["v"], bias=False) >= 3.5
    t = ca.treat(x)
    assert t.data["v"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 30]
    assert abs(scipy.stats.skew(t.data["v"], bias=False)) < 2
    assert t.points.to_dict("records") == [{"unit": "u11", "indicator": "v", "before": 100.0, "after": 30.0,
                                            "treatment": "winhi"}]
    assert t.indicators.loc["v", "applied"] == "winsorised" and t.indicators.loc["v", "n_winsorised"] == 1
    logged = ca.treat(x, winmax=0)
    assert np.allclose(logged.data["v"], np.log(x["v"] - 1 + 0.01 * 99), rtol=0, atol=1e-15)
    assert logged.indicators.loc["v", "applied"] == "log_transformed"


def test_local_effective_and_per_node_weights_by_hand():
    """i1 (weight 1) and i2 (3) under P (2); i3 (1) under Q (2); P and Q under the index.
    Local: i1 1/4, i2 3/4, i3 1, P and Q 1/2; effective: 1/8, 3/8, 1/2. AHP weights for P's
    children, labelled by child, replace theirs whatever the label order."""
    rows = [{"code": "i1", "level": 1, "parent": "P", "weight": 1}, {"code": "i2", "level": 1, "parent": "P", "weight": 3},
            {"code": "i3", "level": 1, "parent": "Q", "weight": 1}, {"code": "P", "level": 2, "parent": "I", "weight": 2},
            {"code": "Q", "level": 2, "parent": "I", "weight": 2}, {"code": "I", "level": 3}]
    h = ca.Hierarchy(rows)
    assert ca.local_weights(h).to_dict() == {"i1": 0.25, "i2": 0.75, "i3": 1.0, "P": 0.5, "Q": 0.5, "I": 1.0}
    assert ca.effective_weights(h)[["i1", "i2", "i3"]].tolist() == [0.125, 0.375, 0.5]
    # A 2 × 2 pairwise matrix with i2 twice as important as i1: weights 1/3, 2/3.
    pairwise = pd.DataFrame([[1, 2], [0.5, 1]], index=["i2", "i1"], columns=["i2", "i1"])
    ahp = ca.ahp(pairwise)["weights"]
    w = ca.with_children_weights(h, None, "P", ahp)
    assert w["i1"] == pytest.approx(1 / 3, abs=1e-15) and w["i2"] == pytest.approx(2 / 3, abs=1e-15)
    assert w[["i3", "P", "Q"]].tolist() == [1, 2, 2]
    assert ca.effective_weights(h, w)[["i1", "i2"]].tolist() == pytest.approx([1 / 6, 1 / 3], abs=1e-15)
    assert ca.with_children_weights(h, None, "P", [4, 1])[["i1", "i2"]].tolist() == [4, 1]  # the children's order
    from chiso import ParameterError
    for call, id in [(lambda: ca.with_children_weights(h, None, "P", [1, 2, 3]), "analysis.weights_children"),
                     (lambda: ca.with_children_weights(h, None, "nope", [1, 2]), "analysis.unknown_code"),
                     (lambda: ca.with_children_weights(h, [1.0, 2.0], "P", [1, 2]), "analysis.weights_length"),
                     (lambda: ca.with_children_weights(h, None, "P", pd.Series({"i1": 1.0})), "analysis.weights_children")]:
        with pytest.raises(ParameterError) as caught:
            call()
        assert caught.value.id == id


def test_pipeline_run_matches_denominators_and_groups_by_unit(asem):
    """Denominators and groups in another row order than the data give the same scores."""
    _, res, pipe, data = asem
    shuffled = data.sample(frac=1, random_state=3)
    again = pipe.run(data, denominators=shuffled[["Area", "Energy", "GDP", "Population"]],
                     groups=shuffled[["EurAsia_group"]])
    assert again.scores.equals(res.scores)
