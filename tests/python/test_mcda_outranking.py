"""PROMETHEE II, EDAS, MABAC, SPOTIS and the weight optimisation (COINr get_opt_weights) from
Python: the published worked examples (cited per test), pymcdm 1.4 as an independent
implementation on random matrices (to 1e-12), argument errors, and constant criteria."""
from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest
from pymcdm import methods as pm

import chiso
from chiso import analysis as ca

from mcda_problems import random_weights_and_types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference import coinr_asem  # noqa: E402

# Pamučar & Ćirović (2015), Expert Syst. Appl. 42(6) 3016–3028: the forklift example.
FORKLIFTS = np.array([
    [22600, 3800, 2, 5, 1.06, 3.00, 3.5, 2.8, 24.5, 6.5],
    [19500, 4200, 3, 2, 0.95, 3.00, 3.4, 2.2, 24, 7.0],
    [21700, 4000, 1, 3, 1.25, 3.20, 3.3, 2.5, 24.5, 7.3],
    [20600, 3800, 2, 5, 1.05, 3.25, 3.2, 2.0, 22.5, 11.0],
    [22500, 3800, 4, 3, 1.35, 3.20, 3.7, 2.1, 23, 6.3],
    [23250, 4210, 3, 5, 1.45, 3.60, 3.5, 2.8, 23.5, 7.0],
    [20300, 3850, 2, 5, 0.90, 3.25, 3.0, 2.6, 21.5, 6.0]])
FORKLIFT_W = [0.146, 0.144, 0.119, 0.121, 0.115, 0.101, 0.088, 0.068, 0.050, 0.048]
FORKLIFT_DIRS = [-1, 1, 1, 1, -1, -1, 1, 1, 1, 1]

# Dezert et al. (2020), "The SPOTIS rank reversal free method", FUSION 2020: numerical example.
SPOTIS_X = np.array([[10.5, -3.1, 1.7], [-4.7, 0, 3.4], [8.1, 0.3, 1.3], [3.2, 7.3, -5.3]])
SPOTIS_BOUNDS = np.array([[-5, 12], [-6, 10], [-8, 5]], dtype=float)


def test_mabac_pamucar_cirovic_2015():
    """S = (0.0826, 0.2183, −0.0488, 0.0246, −0.0704, 0.0465, 0.0464); A2 > A1 > A6 > A7 > A4 > A3 > A5."""
    frame = pd.DataFrame(FORKLIFTS, index=[f"A{i}" for i in range(1, 8)])
    r = ca.mabac(frame, FORKLIFT_W, FORKLIFT_DIRS)
    assert np.allclose(r["S"], [0.0826, 0.2183, -0.0488, 0.0246, -0.0704, 0.0465, 0.0464], atol=5e-5)
    assert list(r.sort_values("rank").index) == ["A2", "A1", "A6", "A7", "A4", "A3", "A5"]
    assert len(r.attrs["border"]) == 10
    assert isinstance(ca.mabac(FORKLIFTS, FORKLIFT_W, FORKLIFT_DIRS), ca.MabacResult)


def test_spotis_dezert_2020():
    """d = (0.1989, 0.3705, 0.3063, 0.7491); row 1 by hand .2·1.5/17 + .3·2.9/16 + .5·3.3/13."""
    r = ca.spotis(SPOTIS_X, [0.2, 0.3, 0.5], ["max", "min", "max"], SPOTIS_BOUNDS)
    assert np.allclose(r.D, [0.1989, 0.3705, 0.3063, 0.7491], atol=5e-5)
    assert r.D[0] == pytest.approx(0.2 * 1.5 / 17 + 0.3 * 2.9 / 16 + 0.5 * 3.3 / 13, abs=1e-15)
    assert list(r.rank) == [1, 3, 2, 4]
    f = ca.spotis(pd.DataFrame(SPOTIS_X, columns=["a", "b", "c"]), [0.2, 0.3, 0.5], [1, -1, 1], SPOTIS_BOUNDS)
    assert list(f.columns) == ["D", "rank"]
    tight = SPOTIS_BOUNDS.copy()
    tight[1, 1] = 7
    with pytest.raises(chiso.DataError, match="row 3 has 7.300000 on criterion 1, outside its bounds"):
        ca.spotis(SPOTIS_X, [0.2, 0.3, 0.5], [1, -1, 1], tight)
    with pytest.raises(chiso.ParameterError, match=r"criteria × 2"):
        ca.spotis(SPOTIS_X, [0.2, 0.3, 0.5], [1, -1, 1], SPOTIS_BOUNDS[:, :1])


def test_edas_keshavarz_ghorabaee_2015_and_by_hand():
    """The EDAS example of pymcdm 1.4's documentation (it cites Keshavarz Ghorabaee et al. 2015,
    Informatica 26(3) 435–451; the paper's own table could not be checked here, so pymcdm below
    is the independent check): AS = (0.841, 0.632, 0.883, 0.457, 0.104). By hand, x = (1, 2, 3):
    AS = (0, ½, 1)."""
    x = np.array([[3873, 39.55, 0.27, 0.87, 150, 0.07, 12, 2130], [5067, 67.26, 0.23, 0.23, 40, 0.02, 21, 2200],
                  [2213, 24.69, 0.08, 0.17, 200, 0.04, 35, 570], [6243, 132, 0.07, 0.25, 100, 0.04, 16, 100],
                  [8312, 460.47, 0.05, 0.21, 25, 0.1, 25, 200]])
    w = [0.131, 0.113, 0.126, 0.125, 0.126, 0.129, 0.132, 0.117]
    r = ca.edas(x, w, [-1, -1, -1, 1, 1, -1, 1, 1])
    assert np.allclose(r.AS, [0.841, 0.632, 0.883, 0.457, 0.104], atol=5e-4)
    f = ca.edas(pd.DataFrame({"c": [1.0, 2, 3], "flat": [7.0, 7, 7]}), [1, 1])
    assert list(f["AS"]) == [0, 0.5, 1] and list(f["rank"]) == [3, 2, 1]


def test_promethee_ii_by_hand_and_frames():
    """pymcdm 1.4's PROMETHEE_II example, by hand: π(a1,a2) = .8, π(a2,a1) = .2, π(a1,a3) = .3,
    π(a3,a1) = .7, π(a2,a3) = π(a3,a2) = .5, so φ = (.1, −.3, .2)."""
    x = pd.DataFrame([[4, 3, 2], [3, 2, 4], [5, 1, 3]], index=["a1", "a2", "a3"], dtype=float)
    r = ca.promethee_ii(x, [0.5, 0.3, 0.2])
    assert np.allclose(r["net_flow"], [0.1, -0.3, 0.2], atol=1e-15)
    assert list(r["rank"]) == [2, 3, 1]
    assert r.attrs["preference"].loc["a1", "a2"] == pytest.approx(0.8)
    # One criterion x = (0, 1, 3), Gaussian s = 1: φ(a3) = (P(3) + P(2))/2, P(d) = 1 − exp(−d²/2).
    g = ca.promethee_ii(np.array([[0.0], [1], [3]]), [1], preference="gaussian", s=[1])
    assert g.net_flow[2] == pytest.approx((2 - np.exp(-4.5) - np.exp(-2)) / 2, abs=1e-15)


@pytest.mark.parametrize("function, params", [
    ("usual", {}), ("ushape", {"q": True}), ("vshape", {"p": True}), ("level", {"q": True, "p": True}),
    ("vshape_2", {"q": True, "p": True})])
def test_promethee_ii_against_pymcdm(function, params):
    rng = np.random.default_rng(11)
    for _ in range(5):
        x = rng.uniform(0, 10, size=(8, 4))
        x[rng.integers(8), 0] = x[0, 0]  # an exact tie
        w, types = random_weights_and_types(rng, 4)
        q = rng.uniform(0, 2, size=4)
        p = q + rng.uniform(0.5, 4, size=4)
        kw = {k: (q if k == "q" else p) for k in params}
        ours = ca.promethee_ii(x, w, types, function, **kw)
        theirs = pm.PROMETHEE_II(function, **kw)(x, w, types)
        assert np.abs(ours.net_flow - theirs).max() <= 1e-12


def test_edas_mabac_spotis_against_pymcdm():
    rng = np.random.default_rng(5)
    for _ in range(10):
        x = rng.uniform(1, 10, size=(9, 5))
        w, types = random_weights_and_types(rng, 5)
        assert np.abs(ca.edas(x, w, types).AS - pm.EDAS()(x, w, types)).max() <= 1e-12
        assert np.abs(ca.mabac(x, w, types).S - pm.MABAC()(x, w, types)).max() <= 1e-12
        bounds = np.column_stack([x.min(axis=0) - rng.uniform(0, 2, 5), x.max(axis=0) + rng.uniform(0, 2, 5)])
        assert np.abs(ca.spotis(x, w, types, bounds).D - pm.SPOTIS(bounds)(x, w, types)).max() <= 1e-12


X3 = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
B3 = np.array([[0, 10]] * 3, dtype=float)


@pytest.mark.parametrize("call, message", [
    (lambda: ca.promethee_ii(X3, [1, 1, 1], [1]), "directions has 1 entries for 3 criteria"),
    (lambda: ca.edas(X3, [1, 1, 1], [1, 0, 1]), r"directions\[1\] is 0"),
    (lambda: ca.mabac(X3, [1, -1, 1]), r"weights\[1\]"),
    (lambda: ca.spotis(X3, [1, 1], None, B3), "weights has 2 entries for 3 criteria"),
    (lambda: ca.mabac(X3, [1, 1, 1], ["max", "up", "min"]), r"directions\[1\] is 'up'"),
    (lambda: ca.promethee_ii(X3, [1, 1, 1], preference="vshape"), "criterion 0 uses 'v_shape', which needs p"),
    (lambda: ca.promethee_ii(X3, [1, 1, 1], preference="linear", q=[1, 1, 1], p=[2, 0.5, 2]), "criterion 1 .'linear'.: needs 0 ≤ q < p"),
    (lambda: ca.promethee_ii(X3, [1, 1, 1], preference="gauss"), "unknown preference function 'gauss'"),
    (lambda: ca.promethee_ii(X3, [1, 1, 1], preference="gaussian", s=2), "s must be a sequence"),
    (lambda: ca.spotis(X3, [1, 1, 1], None, [[0, 10], [5, 5], [0, 10]]), "bounds of criterion 1"),
    (lambda: ca.edas([[1, np.nan], [2, 3]], [1, 1]), "finite values"),
])
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(chiso.ChisoError, match=message):
        call()


def test_constant_criteria_have_no_influence():
    """PROMETHEE II, EDAS and MABAC: a constant criterion adds nothing (results equal those
    without it, the weights rescaled); every criterion constant: every alternative ties."""
    x = np.column_stack([X3, np.full(4, 3.0)])
    w3, w4 = np.array([0.3, 0.4, 0.3]), np.array([0.3, 0.4, 0.3, 0.5])
    scale = w3.sum() / w4.sum()
    assert np.allclose(ca.promethee_ii(x, w4).net_flow, scale * ca.promethee_ii(X3, w3).net_flow, atol=1e-15)
    assert np.allclose(ca.edas(x, w4).AS, ca.edas(X3, w3).AS, atol=1e-15)
    assert np.allclose(ca.mabac(x, w4).S, scale * ca.mabac(X3, w3).S, atol=1e-15)
    flat = np.full((3, 2), 4.0)
    assert list(ca.edas(flat, [1, 1]).AS) == [0.5] * 3
    assert list(ca.mabac(flat, [1, 1]).S) == [0] * 3
    assert list(ca.promethee_ii(flat, [1, 1]).rank) == [1] * 3


def test_optimise_weights_by_hand():
    """a ⟂ b, sd(b) = 2 sd(a): corr(a, I) ∝ w_a, corr(b, I) ∝ 2 w_b, equal at w = (2/3, 1/3)."""
    h = ca.Hierarchy([{"code": "a", "level": 1, "parent": "I"}, {"code": "b", "level": 1, "parent": "I"},
                      {"code": "I", "level": 2}])
    x = pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [2.0, 2, -2, -2]})
    r = ca.optimise_weights(h, x, level=1, tolerance=1e-12)
    assert r["table"]["weight"].to_numpy() == pytest.approx([2 / 3, 1 / 3], abs=1e-6)
    assert r["weights"]["I"] == 1
    t = ca.optimise_weights(h, x, level=1, targets=[1, 2], tolerance=1e-12)
    assert t["table"]["weight"].to_numpy() == pytest.approx([0.5, 0.5], abs=1e-6)
    with pytest.raises(chiso.ParameterError, match="expected 'equal'"):
        ca.optimise_weights(h, x, level=1, targets="same")
    with pytest.raises(chiso.ParameterError, match="unknown goal"):
        ca.optimise_weights(h, x, level=1, goal="max")


def test_optimise_weights_on_asem_equalises_correlations():
    """COINr's example: get_opt_weights(coin, itarg = "equal", dset = "Aggregated", Level = 3).
    The correlations reported are recomputed here with numpy from chiso.aggregate at the
    returned weights, and they are closer to equal than at the start (equal weights)."""
    idata, imeta = coinr_asem.load(coinr_asem.ASEM_DIR)
    ref = coinr_asem.build(idata, imeta)
    h = ca.hierarchy_from_imeta(imeta)
    nrm = ref["Normalised"]
    codes = list(h.codes)
    level3 = [c for c, lev in zip(imeta["iCode"], imeta["Level"]) if lev == 3]

    def spread(weights):
        agg = ca.aggregate(h, nrm, weights)
        c = np.array([np.corrcoef(agg[k], agg["Index"])[0, 1] for k in level3])
        return c / c.sum()

    start = spread(None)
    r = ca.optimise_weights(h, nrm, level=3)
    got = spread(r["weights"].to_numpy())
    assert np.abs(got - r["table"].loc[level3, "obtained"].to_numpy()).max() <= 1e-12
    assert np.abs(got - 0.5).max() < np.abs(start - 0.5).max()
    tight = ca.optimise_weights(h, nrm, level=3, tolerance=1e-10)
    assert np.abs(spread(tight["weights"].to_numpy()) - 0.5).max() <= 1e-4
    assert r["weights"].index.tolist() == codes
