"""Independent reference implementation of COINr 1.1.14's ASEM example, in numpy/pandas.

It follows COINr's R source (github.com/bluefoxr/COINr, R/*.R) function by function and does
not use chiso. build_example_coin() (R/examples.R) runs:

    new_coin(ASEM_iData, ASEM_iMeta)
    Denominate(coin, dset = "Raw")                                  # R/denominate.R
    Impute(coin, dset = "Denominated", f_i = "i_mean_grp",
           use_group = "EurAsia_group")                             # R/impute.R
    Screen(coin, dset = "Imputed", dat_thresh = 0.9,
           unit_screen = "byNA")                                    # R/screen_units.R
    Treat(coin, dset = "Screened",
          global_specs = list(f1_para = list(winmax = 5)))          # R/treat.R
    Normalise(coin, dset = "Treated", global_specs = list(
          f_n = "n_minmax", f_n_para = list(c(0, 100))))            # R/normalise.R
    Aggregate(coin, dset = "Normalised", f_ag = "a_amean")          # R/aggregate.R

Run as a script to write asem_expected.csv (read by the C++ test) next to this file.
"""
from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ASEM_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "data", "asem"))


# ---- R numerics ---------------------------------------------------------------------------
def r_mean(x) -> float:
    """base::mean for doubles: long-double sum / n, then R adds mean(x - m) (summary.c)."""
    x = np.asarray(x, dtype=np.longdouble)
    n = x.size
    s = np.longdouble(0)
    for v in x:  # sequential accumulation, as R's rsum
        s += v
    s /= n
    if np.isfinite(s):
        t = np.longdouble(0)
        for v in x:
            t += v - s
        s += t / n
    return float(s)


def r_sum(x) -> float:
    s = np.longdouble(0)
    for v in np.asarray(x, dtype=np.float64):
        s += v
    return float(s)


# ---- R/treat.R -------------------------------------------------------------------------------
def skew(x) -> float:
    """COINr skew(x, na.rm = TRUE): e1071::skewness type 2."""
    x = np.asarray(x, dtype=np.float64)
    x = x[~np.isnan(x)]
    n = x.size
    if n < 3:
        raise ValueError("Insufficient non-NA points to calculate skewness (min 3 required).")
    x = x - r_mean(x)
    y = np.sqrt(n) * r_sum(x ** 3) / (r_sum(x ** 2) ** 1.5)
    return y * np.sqrt(n * (n - 1)) / (n - 2)


def kurt(x) -> float:
    """COINr kurt(x, na.rm = TRUE): e1071::kurtosis type 2."""
    x = np.asarray(x, dtype=np.float64)
    x = x[~np.isnan(x)]
    n = x.size
    if n < 4:
        raise ValueError("Insufficient non-NA points to calculate kurtosis (min 4 required).")
    x = x - r_mean(x)
    r = n * r_sum(x ** 4) / (r_sum(x ** 2) ** 2)
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def check_skew_kurt(x, skew_thresh=2.0, kurt_thresh=3.5):
    """COINr check_SkewKurt: (abs(sk) < skew_thresh) | (kt < kurt_thresh); None stands for R's NA."""
    sk, kt = skew(x), kurt(x)
    a = None if np.isnan(sk) else bool(abs(sk) < skew_thresh)
    b = None if np.isnan(kt) else bool(kt < kurt_thresh)
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def winsorise(x, winmax=5, skew_thresh=2.0, kurt_thresh=3.5):
    """COINr winsorise(): returns (x, nwin, treated labels)."""
    x = np.array(x, dtype=np.float64)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    nwin = 0
    imax = imin = np.array([], dtype=int)
    if not passing:
        below_winmax = nwin < winmax
        while (not passing) and below_winmax:
            if skew(x) >= 0:
                imax = np.flatnonzero(x == np.nanmax(x))  # which(x == max(x, na.rm = T))
                others = np.delete(x, imax)
                x[imax] = np.nanmax(others)               # max(x[-imax], na.rm = T)
            else:
                imin = np.flatnonzero(x == np.nanmin(x))
                others = np.delete(x, imin)
                x[imin] = np.nanmin(others)
            nwin = imax.size + imin.size
            below_winmax = nwin < winmax
            passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
            if passing is None:
                raise ValueError("R would stop: NA in while condition")
    treated = np.array([""] * x.size, dtype=object)
    treated[imax] = "winhi"
    treated[imin] = "winlo"
    return x, nwin, treated


def log_ct(x):
    """COINr log_CT: log(x - min(x) + 0.01 * (max(x) - min(x)))."""
    x = np.asarray(x, dtype=np.float64)
    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log(x - mn + 0.01 * (mx - mn))


def treat_numeric(x, winmax=5):
    """COINr Treat.numeric with f1 = winsorise, f2 = log_CT, f_pass = check_SkewKurt,
    combine_treat = FALSE. Returns (treated x, label per point)."""
    x = np.asarray(x, dtype=np.float64)
    labels = np.array([""] * x.size, dtype=object)
    passing = check_skew_kurt(x)
    if passing is None:
        return x.copy(), labels
    if not passing:
        x1, _, labels = winsorise(x, winmax=winmax)
        passing = check_skew_kurt(x1)
        if passing is None:
            return x.copy(), np.array([""] * x.size, dtype=object)
    else:
        x1 = x.copy()
    if not passing:
        x2 = log_ct(x)  # applied to the original x
        labels = np.array([(l + "+log_CT") if l else "log_CT" for l in labels], dtype=object)
    else:
        x2 = x1
    return x2, labels


# ---- the example ------------------------------------------------------------------------------
def load(asem_dir: str = ASEM_DIR):
    idata = pd.read_csv(os.path.join(asem_dir, "ASEM_iData.csv"))
    imeta = pd.read_csv(os.path.join(asem_dir, "ASEM_iMeta.csv"))
    return idata, imeta


def build(idata: pd.DataFrame, imeta: pd.DataFrame, winmax: int = 5):
    """Returns a dict of data frames indexed by uCode: Denominated, Imputed, Screened, Treated,
    Normalised, Aggregated, plus Treated_Points and Ranks (of the Index)."""
    meta = imeta[imeta["Level"].notna()].copy()
    meta["Level"] = meta["Level"].astype(int)
    icodes = meta.loc[meta["Level"] == 1, "iCode"].tolist()
    x = idata.set_index("uCode")[icodes].astype(float)

    # Denominate.data.frame: x[[iCode]] / (denoms[[Denominator]] / ScaleFactor), ScaleFactor 1.
    denomby = meta.loc[(meta["Level"] == 1) & meta["Denominator"].notna(), ["iCode", "Denominator"]]
    denoms = idata.set_index("uCode")
    den = x.copy()
    for icode, dcode in zip(denomby["iCode"], denomby["Denominator"]):
        den[icode] = x[icode] / (denoms[dcode] / 1.0)

    # Impute.coin -> Impute.data.frame(impute_by = "column") -> i_mean_grp(x, f = EurAsia_group).
    f = idata.set_index("uCode")["EurAsia_group"]
    imp = den.copy()
    for icode in icodes:
        col = den[icode].to_numpy().copy()
        for g in pd.unique(f.dropna()):
            rows = (f == g).to_numpy()
            xs = col[rows]
            if np.isnan(xs).any():
                present = xs[~np.isnan(xs)]
                m = r_mean(present) if present.size else np.nan  # i_mean: mean(x, na.rm = TRUE)
                xs = np.where(np.isnan(xs), m, xs)
                col[rows] = xs
        imp[icode] = col

    # Screen.data.frame(unit_screen = "byNA", dat_thresh = 0.9) via get_data_avail.
    nabyrow = imp.isna().sum(axis=1)
    dat_avail = 1 - nabyrow / imp.shape[1]
    included = ~(dat_avail < 0.9)
    scr = imp.loc[included]

    # Treat.data.frame: each column through Treat.numeric.
    trt = scr.copy()
    points = []
    for icode in icodes:
        xt, labels = treat_numeric(scr[icode].to_numpy(), winmax=winmax)
        trt[icode] = xt
        for u, l in zip(scr.index, labels):
            if l:
                points.append((u, icode, l))

    # Normalise.numeric: x * direction, then n_minmax with l_u = c(0, 100).
    direction = dict(zip(meta["iCode"], meta["Direction"]))
    nrm = trt.copy()
    for icode in icodes:
        v = trt[icode].to_numpy() * direction[icode]
        mn, mx = np.nanmin(v), np.nanmax(v)
        nrm[icode] = (v - mn) / (mx - mn) * (100 - 0) + 0

    # Aggregate.coin: level by level, a_amean over each parent's children with iMeta weights.
    agg = nrm.copy()
    weight = dict(zip(meta["iCode"], meta["Weight"]))
    nlev = int(meta["Level"].max())
    for lev in range(2, nlev + 1):
        meta_l = meta[meta["Level"] == lev - 1]
        for parent in pd.unique(meta_l["Parent"]):
            codes = meta_l.loc[meta_l["Parent"] == parent, "iCode"].tolist()
            wts = np.array([weight[c] for c in codes], dtype=float)
            vals = agg[codes].to_numpy()
            out = np.empty(vals.shape[0])
            for i, row in enumerate(vals):  # a_amean(x, w)
                keep = ~np.isnan(row)
                w = wts[keep]
                xr = row[keep]
                if xr.size == 0:
                    out[i] = np.nan
                    continue
                w = w / r_sum(w)
                out[i] = r_sum(w * xr)
            agg[parent] = out

    # Ranks as COINr's rank(-x, ties.method = "min").
    ranks = (-agg["Index"]).rank(method="min")
    return {
        "Denominated": den, "Imputed": imp, "Screened": scr, "Treated": trt, "Normalised": nrm,
        "Aggregated": agg, "Treated_Points": pd.DataFrame(points, columns=["uCode", "iCode", "treatment"]),
        "Ranks": ranks,
    }


def main(argv=None) -> int:
    idata, imeta = load()
    res = build(idata, imeta)
    out = res["Aggregated"].copy()
    out.insert(0, "Rank", res["Ranks"].astype(int))
    path = os.path.join(HERE, "asem_expected.csv")
    out.to_csv(path, float_format="%.17g")
    res["Treated_Points"].to_csv(os.path.join(HERE, "asem_treated_points.csv"), index=False)
    top = out.sort_values("Rank").head(10)
    print(top[["Rank", "Index", "Conn", "Sust"]].to_string())
    print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
