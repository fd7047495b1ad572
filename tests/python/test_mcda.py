"""COINr methods on ASEM against numpy transcriptions of COINr 1.1.14's R source (R/aggregate.R
a_copeland/outrankMatrix and a_genmean, R/correlations.R get_cronbach, R/normalise.R n_fracmax,
n_scaled, n_dist2ref, R/screen_units.R Screen byzeros), computed here independently of chiso;
and the decision-matrix API: argument errors, numpy in / numpy out, ranks, compromise sets."""
from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest

import chiso
from chiso import analysis as ca

from mcda_problems import random_weights_and_types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference import coinr_asem  # noqa: E402


@pytest.fixture(scope="module")
def asem():
    idata, imeta = coinr_asem.load(coinr_asem.ASEM_DIR)
    ref = coinr_asem.build(idata, imeta)
    meta = imeta[imeta["Level"].notna()].copy()
    meta["Level"] = meta["Level"].astype(int)
    return idata, meta, ref, ca.hierarchy_from_imeta(imeta)


def children(meta, parent):
    return meta.loc[meta["Parent"] == parent, "iCode"].tolist()


def copeland_by_counts(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """COINr a_copeland with weights that are exact in binary (integers or dyadic fractions):
    e_ij − ½ = ½ Σ w sign(x_i − x_j), so the score is Σ_j sign(Σ_k w_k sign(x_ik − x_jk))."""
    d = np.sign(x[:, None, :] - x[None, :, :])  # units × units × criteria
    return np.sign((d * w).sum(axis=2)).sum(axis=1)


def test_copeland_on_asem_pillars_matches_coinr_definition(asem):
    """Copeland at the pillar level (equal weights: 1/k in COINr, where sums of 1/k land ½ ± ulp
    at ties), then the arithmetic mean above it, as Aggregate(f_ag = c("a_copeland", "a_amean",
    "a_amean")) does."""
    _, meta, ref, h = asem
    nrm = ref["Normalised"]
    res = ca.aggregate(h, nrm, methods=[{"method": "copeland"}, {"method": "arithmetic"}, {"method": "arithmetic"}])
    worst = 0.0
    ties = 0
    for pillar in meta.loc[meta["Level"] == 2, "iCode"]:
        x = nrm[children(meta, pillar)].to_numpy()
        expected = copeland_by_counts(x, np.ones(x.shape[1]))
        worst = max(worst, np.abs(res[pillar].to_numpy() - expected).max())
        d = np.sign(x[:, None, :] - x[None, :, :]).sum(axis=2)
        ties += int((d == 0).sum()) - len(x)
    assert ties > 0  # the data have exact ties, the case that differed from COINr
    assert worst == 0.0
    sub = res["Conn"].to_numpy()
    expected_conn = res[children(meta, "Conn")].mean(axis=1).to_numpy()
    assert np.abs(sub - expected_conn).max() <= 1e-12


def test_copeland_weights_and_directions_on_asem(asem):
    _, meta, ref, _ = asem
    codes = children(meta, "Physical")
    x = ref["Treated"][codes].to_numpy()
    w = np.array([0.5, 0.25, 1, 0.125, 2, 0.5, 0.25, 1][: len(codes)])
    dirs = meta.set_index("iCode").loc[codes, "Direction"].astype(int).to_numpy()
    r = ca.copeland(x, w, dirs)
    expected = copeland_by_counts(x * dirs, w)
    assert np.array_equal(r.scores, expected)
    # outranking e_ij = Σ w[i beats j] + ½ Σ w[tie], weights rescaled to sum to 1 (outrankMatrix)
    wn = w / w.sum()
    d = np.sign((x * dirs)[:, None, :] - (x * dirs)[None, :, :])
    e = ((d > 0) * wn).sum(axis=2) + ((d == 0) * wn).sum(axis=2) / 2
    np.fill_diagonal(e, 0)
    assert np.abs(r.outranking - e).max() <= 1e-15
    frame = ca.copeland(pd.DataFrame(x, columns=codes), w, ["max" if d == 1 else "min" for d in dirs])
    assert np.array_equal(frame.to_numpy(), expected)
    assert list(frame.attrs["rank"]) == list(pd.Series(-expected).rank(method="min").astype(int))


def test_cronbach_alpha_with_missing_values_on_asem(asem):
    """get_cronbach(dset = "Raw"): cov(use = "pairwise.complete.obs"), α = k² mean(off-diag)/ΣC."""
    idata, meta, ref, h = asem
    raw = idata.set_index("uCode")[list(h.indicator_codes)].astype(float)
    assert raw.isna().to_numpy().sum() > 0
    scores = ref["Aggregated"].copy()
    scores[list(h.indicator_codes)] = raw.loc[scores.index]
    alpha = ca.cronbach_alpha(h, scores)
    worst = 0.0
    differs_from_complete_rows = 0.0
    for pillar in meta.loc[meta["Level"] == 2, "iCode"]:
        x = scores[children(meta, pillar)].to_numpy()
        k = x.shape[1]
        cov = np.empty((k, k))
        for i in range(k):
            for j in range(k):
                both = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
                a, b = x[both, i], x[both, j]
                cov[i, j] = ((a - a.mean()) * (b - b.mean())).sum() / (both.sum() - 1)
        expected = k * k * ((cov.sum() - np.trace(cov)) / (k * (k - 1))) / cov.sum()
        worst = max(worst, abs(alpha[pillar] - expected))
        complete = x[~np.isnan(x).any(axis=1)]
        old = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
        differs_from_complete_rows = max(differs_from_complete_rows, abs(old - expected))
    assert worst <= 1e-12, worst
    assert differs_from_complete_rows > 1e-3  # the data make the two definitions differ


def test_fracmax_scaled_dist2ref_on_asem(asem):
    _, meta, ref, h = asem
    trt = ref["Treated"][list(h.indicator_codes)]
    dirs = meta.set_index("iCode").loc[list(h.indicator_codes), "Direction"].astype(int).to_numpy()
    xd = trt.to_numpy() * dirs  # Normalise.numeric: x * direction first
    defined = np.nanmax(xd, axis=0) != 0  # x / max: a cost indicator with min 0 has max(x') = 0
    assert 0 < (~defined).sum() < len(defined)
    got = ca.normalise(trt.loc[:, defined], dirs[defined], "fraction_of_max").to_numpy()
    assert np.abs(got - xd[:, defined] / np.nanmax(xd[:, defined], axis=0)).max() <= 1e-15
    first_undefined = trt.columns[~defined][0]
    with pytest.raises(chiso.DataError, match=f"'{first_undefined}'.*maximum is 0"):
        ca.normalise(trt, dirs, "fraction_of_max")
    got = ca.normalise(trt, dirs, "scaled", lower=-50, upper=250, scale_factor=10).to_numpy()
    assert np.abs(got - (xd + 50) / 300 * 10).max() <= 1e-12
    iref = list(trt.index).index("FRA")  # COINr's iref is 1-based: iref = iref + 1 there
    got = ca.normalise(trt, dirs, "distance_to_reference", reference=iref, cap=False).to_numpy()
    expected = 1 - (xd[iref] - xd) / (xd[iref] - np.nanmin(xd, axis=0))
    assert np.abs(got - expected).max() <= 1e-12
    capped = ca.normalise(trt.to_numpy(), dirs, "distance_to_reference", reference=iref).to_numpy()
    assert np.abs(capped - np.minimum(expected, 1)).max() <= 1e-12


def test_generalised_mean_on_asem(asem):
    """a_genmean with p = 2 at every level, on the normalised data (missing children dropped)."""
    _, meta, ref, h = asem
    nrm = ref["Normalised"]
    got = ca.aggregate(h, nrm, methods=[{"method": "generalised", "power": 2}])
    agg = nrm.copy()
    for lev in (2, 3, 4):
        for parent in meta.loc[meta["Level"] == lev, "iCode"]:
            x = agg[children(meta, parent)].to_numpy()
            w = np.where(np.isnan(x), np.nan, 1.0)
            agg[parent] = (np.nansum(w * x ** 2, axis=1) / np.nansum(w, axis=1)) ** 0.5
    assert np.abs(got[agg.columns].to_numpy() - agg.to_numpy()).max() <= 1e-12
    with pytest.raises(chiso.ParameterError, match="p ≠ 0"):
        ca.aggregate(h, nrm, methods=[{"method": "generalised", "power": 0}])


def test_screen_byzeros_on_asem(asem):
    idata, _, _, h = asem
    raw = idata.set_index("uCode")[list(h.indicator_codes)].astype(float)
    x = raw.to_numpy()
    nonzero = 1 - (x == 0).sum(axis=1) / (~np.isnan(x)).sum(axis=1)
    avail = 1 - np.isnan(x).sum(axis=1) / x.shape[1]
    for rule, threshold, nz in [("byzeros", 2 / 3, 0.95), ("byNAandzeros", 0.95, 0.95), ("byNA", 0.95, 0.05)]:
        got = ca.screen(raw, rule, threshold, nz)
        keep = {"byzeros": nonzero >= nz, "byNA": avail >= threshold, "byNAandzeros": (nonzero >= nz) & (avail >= threshold)}
        assert np.array_equal(got["kept"].to_numpy(), keep[rule])
        assert np.abs(got["nonzero"].to_numpy() - nonzero).max() <= 1e-15
    assert 0 < (~(nonzero >= 0.95)).sum() < len(x)  # the threshold removes some units, not all
    with pytest.raises(chiso.ParameterError, match="unknown rule"):
        ca.screen(raw, "byzero")


# ---- decision-matrix API ---------------------------------------------------------------------

TZENG = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)


def test_numpy_in_numpy_out_and_frames_with_ranks():
    """Tzeng & Huang (2011): closeness [0.5037, 0.6581, 0.7482, 0.3340], ranks [3, 2, 1, 4]."""
    r = ca.topsis(TZENG, [0.3, 0.4, 0.3])
    assert isinstance(r, ca.TopsisResult)
    assert np.allclose(r.closeness, [0.5037, 0.6581, 0.7482, 0.3340], atol=5e-5)
    assert list(r.rank) == [3, 2, 1, 4]
    f = ca.topsis(pd.DataFrame(TZENG, index=list("abcd")), np.array([0.3, 0.4, 0.3]))
    assert list(f.columns) == ["closeness", "d_plus", "d_minus", "rank"]
    assert list(f["rank"]) == [3, 2, 1, 4]
    # Opricovic & Tzeng (2004): S = [.5, .375, .5], R = [.5, .25, .5], Q = [1, 0, 1]; compromise {2nd}.
    x = [[1, 3000], [2, 3750], [5, 4500]]
    v = ca.vikor(x, [0.5, 0.5], ["min", "max"])
    assert np.allclose(v.Q, [1, 0, 1]) and v.compromise == [1]
    assert v.acceptable_advantage and v.acceptable_stability
    fv = ca.vikor(pd.DataFrame(x, index=["A1", "A2", "A3"]), [0.5, 0.5], [-1, 1])
    assert fv.attrs["compromise"] == ["A2"] and list(fv["rank"]) == [2, 1, 2]
    assert ca.entropy_weights(TZENG).shape == (3,)
    assert ca.correlations(TZENG).shape == (3, 3)
    assert ca.normalise(TZENG, [1, 1, 1]).shape == (4, 3)


@pytest.mark.parametrize("call, message", [
    (lambda: ca.topsis(TZENG, [0.25] * 3, directions=[1]), "directions has 1 entries for 3 criteria"),
    (lambda: ca.vikor(TZENG, [0.25] * 3, directions=[1]), "directions has 1 entries for 3 criteria"),
    (lambda: ca.topsis(TZENG, [0.25] * 3, directions=[1, 2, 1]), r"directions\[1\] is 2"),
    (lambda: ca.topsis(TZENG, [0.25] * 3, directions=[1, "up", 1]), r"directions\[1\] is 'up'"),
    (lambda: ca.topsis(TZENG, [0.25] * 3, directions=[1, 0.5, 1]), r"directions\[1\] is 0.5"),
    (lambda: ca.topsis(TZENG, [0.25, -1, 1]), r"weights\[1\]"),
    (lambda: ca.vikor(TZENG, [0.25, np.inf, 1]), r"weights\[1\]"),
    (lambda: ca.copeland(TZENG, [0.25, 1]), "weights has 2 entries for 3 criteria"),
    (lambda: ca.vikor(TZENG, [1, 1, 1], v=2), r"vikor_v must be in \[0, 1\]"),
    (lambda: ca.topsis(TZENG[0], [1, 1, 1]), "2-D"),
    (lambda: ca.aggregate(ca.Hierarchy([{"code": "a", "level": 1, "parent": "I"}, {"code": "I", "level": 2}]),
                          np.ones((2, 1)), methods=[{"method": "vikor", "vikor_w": 0.2}]), "unknown key 'vikor_w'"),
    (lambda: ca.normalise(TZENG, [1, 1, 1], "min_max", uper=10), "unknown key 'uper'"),
])
def test_bad_arguments_raise_parameter_errors_naming_them(call, message):
    with pytest.raises(chiso.ParameterError, match=message):
        call()


def test_the_out_of_bounds_read_is_gone_and_constant_criteria_are_defined():
    with pytest.raises(chiso.ParameterError):
        ca.topsis(TZENG, [0.25] * 3, directions=[1])
    x = np.column_stack([TZENG, np.full(4, 3.0)])
    for norm in ("vector", "min_max"):
        a = ca.topsis(TZENG, [0.3, 0.4, 0.3], normalisation=norm).closeness
        b = ca.topsis(x, [0.3, 0.4, 0.3, 0.2], normalisation=norm).closeness
        assert np.allclose(a, b, rtol=0, atol=1e-14)
    q = ca.vikor(x, [0.3, 0.4, 0.3, 0.2]).Q
    assert np.isfinite(q).all() and np.allclose(q, ca.vikor(TZENG, [0.3, 0.4, 0.3]).Q, atol=1e-14)
    with pytest.raises(chiso.DataError, match="'c'.*zero range"):
        ca.normalise(pd.DataFrame({"a": [1.0, 2, 3], "c": [5.0, 5, 5]}), [1, 1])
    with pytest.raises(chiso.DataError, match="finite values"):
        ca.topsis([[1, np.nan], [2, 3]], [1, 1])


def test_ahp_reciprocal_tolerance_is_exposed():
    """0.33 written for 1/3: |3 · 0.33 − 1| = 0.01, rejected at the default 1e-6, accepted at 0.02."""
    a = np.array([[1, 3, 5], [0.33, 1, 2], [0.2, 0.5, 1]])
    with pytest.raises(chiso.ParameterError, match="reciprocal"):
        ca.ahp(a)
    r = ca.ahp(a, reciprocal_tolerance=0.02)
    assert r["weights"].sum() == pytest.approx(1)
    assert list(r["weights"].index) == [0, 1, 2]


# ---- methods the peers have: published examples, and pymcdm as an independent implementation --

def test_merec_keshavarz_ghorabaee_2021():
    """Keshavarz-Ghorabaee et al. (2021), Symmetry 13(4) 525: weights [0.5752, 0.0141, 0.4016, 0.0091]."""
    x = pd.DataFrame([[450, 8000, 54, 145], [10, 9100, 2, 160], [100, 8200, 31, 153], [220, 9300, 1, 162],
                      [5, 8400, 23, 158]], columns=["C1", "C2", "C3", "C4"])
    w = ca.merec_weights(x, ["max", "max", "min", "min"])
    assert list(w.index) == ["C1", "C2", "C3", "C4"]
    assert np.allclose(w, [0.5752, 0.0141, 0.4016, 0.0091], atol=5e-5)


def test_against_pymcdm_on_random_matrices():
    from pymcdm import correlations, methods, weights
    from pymcdm.normalizations import vector_normalization
    rng = np.random.default_rng(3)
    for _ in range(5):
        x = rng.uniform(1, 10, size=(9, 5))
        w, types = random_weights_and_types(rng, 5)
        assert np.allclose(ca.topsis(x, w, types).closeness, methods.TOPSIS(vector_normalization)(x, w, types), atol=1e-13)
        assert np.allclose(ca.topsis(x, w, types, "min_max").closeness, methods.TOPSIS()(x, w, types), atol=1e-13)
        assert np.allclose(ca.vikor(x, w, types).Q, methods.VIKOR()(x, w, types), atol=1e-13)
        assert np.allclose(ca.waspas(x, w, types).Q, methods.WASPAS()(x, w, types), atol=1e-13)
        assert np.allclose(ca.merec_weights(x, types), weights.merec_weights(x, types), atol=1e-13)
        assert np.allclose(ca.std_weights(x), weights.standard_deviation_weights(x), atol=1e-13)
        assert np.allclose(ca.gini_weights(x), weights.gini_weights(x), atol=1e-13)
        r1, r2 = rng.permutation(9) + 1.0, rng.permutation(9) + 1.0
        assert ca.weighted_spearman(r1, r2) == pytest.approx(correlations.weighted_spearman(r1, r2), abs=1e-13)
        assert ca.ws_similarity(r1, r2) == pytest.approx(correlations.rank_similarity_coef(r1, r2), abs=1e-13)


def test_ahp_beyond_fifteen_uses_the_simulated_index():
    """Alonso & Lamata (2006) simulated RI(10) = 1.4854; a consistent 16 × 16 matrix has CR 0."""
    assert ca.simulated_random_index(10, samples=2000) == pytest.approx(1.4854, abs=0.015)
    v = np.arange(1, 17, dtype=float)
    r = ca.ahp(np.outer(v, 1 / v))
    assert r["random_index"] == "simulated" and abs(r["cr"]) < 1e-10
    assert np.allclose(r["weights"], v / v.sum())
