"""Weights-only uncertainty analysis of the ASEM example: chiso against vectorised numpy, same run.

    python tests/benchmarks/bench_uncertainty.py [S] [--smoke] [--repeat K]

Both sides start from the same normalised ASEM data (COINr's example pipeline, from the
independent numpy transcription in tests/python/reference/coinr_asem.py) and compute the same
UA: S replications of the index with every weight at levels 2 and 3 times U(0.75, 1.25)
(COINr's get_noisy_weights), ranks as rank(-x, ties = "min"), per-unit rank mean, median, 5% and
95% quantiles (type 7 = numpy's "linear") and the same statistics of the scores, and the mean
absolute rank shift of every replication. Both run on one thread (numpy's BLAS limited to one
thread before numpy loads; chiso with threads=1 unless --threads says otherwise). Prints µs per
replication for each and ratio_to_numpy = numpy time / chiso time, for the medians of K runs
and for the best run of each side (the reference is noisy on a shared machine), in wall time and
in process CPU time (which does not count the time a one-thread run waits for a core on a
shared machine). Also times
chiso's SA of the four assumptions of the issue (winmax 1–5, min-max vs z-score, noisy weights,
arithmetic vs geometric) with N = 100.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one BLAS thread: the reference runs on one core, as chiso

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))

from reference import coinr_asem  # noqa: E402

from chiso import sensitivity as sa  # noqa: E402


def numpy_ua(normalised: pd.DataFrame, meta: pd.DataFrame, S: int, f: float, seed: int, chunk: int = 10000):
    """The UA in vectorised numpy (the fastest straightforward formulation: pillar scores are
    fixed because level-1 weights do not vary; everything else is matrix algebra per chunk)."""
    meta = meta[meta["Level"].notna()]
    lvl = dict(zip(meta["iCode"], meta["Level"].astype(int)))
    parent = dict(zip(meta["iCode"], meta["Parent"]))
    weight = dict(zip(meta["iCode"], meta["Weight"].astype(float)))
    pillars = [c for c in meta["iCode"] if lvl[c] == 2]
    subs = [c for c in meta["iCode"] if lvl[c] == 3]
    # Pillar scores (arithmetic mean of indicators, nominal weights).
    P = np.empty((normalised.shape[0], len(pillars)))
    for k, p in enumerate(pillars):
        codes = [c for c in normalised.columns if parent[c] == p]
        w = np.array([weight[c] for c in codes])
        P[:, k] = normalised[codes].to_numpy() @ w / w.sum()
    sub_of = np.array([subs.index(parent[p]) for p in pillars])
    w2 = np.array([weight[p] for p in pillars])
    w3 = np.array([weight[s] for s in subs])
    n = P.shape[0]
    rng = np.random.default_rng(seed)
    index = np.empty((n, S))
    for start in range(0, S, chunk):
        m = min(chunk, S - start)
        W2 = w2 * (1 + (2 * rng.random((m, len(w2))) - 1) * f)
        W3 = w3 * (1 + (2 * rng.random((m, len(w3))) - 1) * f)
        sub_scores = np.empty((len(subs), n, m))
        for s in range(len(subs)):
            cols = sub_of == s
            sub_scores[s] = (P[:, cols] @ W2[:, cols].T) / W2[:, cols].sum(axis=1)
        index[:, start:start + m] = np.einsum("snm,ms->nm", sub_scores, W3) / W3.sum(axis=1)
    # Ranks: with continuous weights there are no ties, so ordinal ranks equal "min" ranks.
    order = np.argsort(-index, axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1)[:, None], axis=0)
    sub_nom = np.stack([P[:, sub_of == s] @ w2[sub_of == s] / w2[sub_of == s].sum() for s in range(len(subs))])
    nominal = (w3 @ sub_nom) / w3.sum()
    nominal_rank = pd.Series(-nominal).rank(method="min").to_numpy()
    # The three rank quantiles in one call: one partition of the ranks instead of three.
    rank_q5, rank_median, rank_q95 = np.percentile(ranks, [5, 50, 95], axis=1)
    stats = {
        "Mean": ranks.mean(axis=1),
        "Median": rank_median,
        "Q5": rank_q5,
        "Q95": rank_q95,
        "score_mean": index.mean(axis=1),
        "score_sd": index.std(axis=1, ddof=1),
        "score_q": np.percentile(index, [5, 50, 95], axis=1),
        "shift": np.abs(ranks - nominal_rank[:, None]).mean(axis=0),
    }
    return nominal_rank, stats


def asem_variants(idata: pd.DataFrame, imeta: pd.DataFrame):
    """Normalised data for winmax 1…5 × (min-max [1,100], z-score (10, 2)), first choice fastest."""
    meta = imeta[imeta["Level"].notna()]
    direction = dict(zip(meta["iCode"], meta["Direction"]))
    treated = [coinr_asem.build(idata, imeta, winmax=w)["Treated"] for w in range(1, 6)]
    out = []
    for norm in ("minmax", "zscore"):
        for t in treated:
            x = t * pd.Series(direction)[t.columns]
            if norm == "minmax":
                x = (x - x.min()) / (x.max() - x.min()) * 99 + 1
            else:
                x = (x - x.mean()) / x.std(ddof=1) * 2 + 10
            out.append(x)
    # Mixed radix, winmax fastest: index = w + 5 * norm — which is the order built above.
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("size", nargs="?", type=int, default=100_000)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    S = 2000 if args.smoke else args.size
    repeat = 1 if args.smoke else args.repeat

    idata, imeta = coinr_asem.load()
    built = coinr_asem.build(idata, imeta)
    normalised = built["Normalised"]
    f = 0.25

    t_np, t_ch, cpu_np, cpu_ch = [], [], [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        nominal_rank, ref = numpy_ua(normalised, imeta, S, f, seed=1)
        t_np.append(time.perf_counter() - t0)
        cpu_np.append(time.process_time() - c0)

        t0, c0 = time.perf_counter(), time.process_time()
        an = sa.CompositeAnalysis(imeta, normalised, [sa.noisy_weights("Weights", {2: f, 3: f})])
        res = an.uncertainty(S, seed=1, threads=args.threads)
        t_ch.append(time.perf_counter() - t0)
        cpu_ch.append(time.process_time() - c0)

    # Same UA, different random numbers: the statistics agree within Monte Carlo error.
    rs = res.rank_stats
    np.testing.assert_array_equal(rs["Nominal"].to_numpy(), nominal_rank)
    assert np.max(np.abs(rs["Mean"].to_numpy() - ref["Mean"])) < (2.0 if S < 10_000 else 0.5)

    us_np, us_ch = statistics.median(t_np) * 1e6 / S, statistics.median(t_ch) * 1e6 / S
    best_np, best_ch = min(t_np) * 1e6 / S, min(t_ch) * 1e6 / S
    print(f"ua_weights_only replications={S} units={len(rs)} threads={args.threads} "
          f"chiso_us_per_replication={us_ch:.3f} numpy_us_per_replication={us_np:.3f} "
          f"ratio_to_numpy={us_np / us_ch:.2f} best_chiso_us={best_ch:.3f} best_numpy_us={best_np:.3f} "
          f"best_ratio={best_np / best_ch:.2f} goal_us=0.5 goal_ratio=10 coinr_us=146000")
    cpu_np_us, cpu_ch_us = statistics.median(cpu_np) * 1e6 / S, statistics.median(cpu_ch) * 1e6 / S
    print(f"ua_weights_only_cpu chiso_us_per_replication={cpu_ch_us:.3f} numpy_us_per_replication={cpu_np_us:.3f} "
          f"ratio_to_numpy={cpu_np_us / cpu_ch_us:.2f} best_chiso_us={min(cpu_ch) * 1e6 / S:.3f} "
          f"best_numpy_us={min(cpu_np) * 1e6 / S:.3f} best_ratio={min(cpu_np) / min(cpu_ch):.2f}")

    # SA of the four assumptions, N = 100, bootstrap 1000.
    variants = asem_variants(idata, imeta)
    assumptions = [
        sa.data_choice("Winmax", ["1", "2", "3", "4", "5"], nominal=4),
        sa.data_choice("Normalisation", ["min-max [1,100]", "z-score (10,2)"]),
        sa.noisy_weights("Weights", {2: f, 3: f}),
        sa.aggregation("Aggregation", ["arithmetic", "geometric"]),
    ]
    N = 100
    t_sa = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        an = sa.CompositeAnalysis(imeta, variants, assumptions)
        sres = an.sensitivity(N, seed=1, bootstrap=1000, threads=args.threads)
        t_sa.append(time.perf_counter() - t0)
    runs = N * (len(assumptions) + 2)
    print(f"sa_four_assumptions N={N} runs={runs} chiso_us_per_run={statistics.median(t_sa) * 1e6 / runs:.3f} "
          f"goal_us=150 coinr_us=152000 failed={len(sres.failed)}")
    print(sres.sensitivity.round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
