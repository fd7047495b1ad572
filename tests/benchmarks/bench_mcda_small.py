"""Small decision-matrix calls through Python: 1,000 × TOPSIS, VIKOR, PROMETHEE II, EDAS, MABAC
and SPOTIS on 20 × 8, chiso's numpy
fast path against pymcdm (with its validation on and off), in one run; medians of `--repeats`
runs. Prints µs per call and the ratio chiso / pymcdm (goal: ≤ 50 µs per call, ratio < 1
against pymcdm without validation).

    python tests/benchmarks/bench_mcda_small.py [--calls 1000] [--repeats 5]
    python tests/benchmarks/bench_mcda_small.py --smoke
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from pymcdm.methods import EDAS, MABAC, PROMETHEE_II, SPOTIS, TOPSIS, VIKOR
from pymcdm.normalizations import minmax_normalization, vector_normalization

from chiso import analysis as ca


def timed(fn, calls: int) -> float:
    """µs per call over `calls` calls."""
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls * 1e6


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--smoke", action="store_true", help="a tiny run (CI): 20 calls, 1 repeat")
    a = p.parse_args(argv)
    calls, repeats = (20, 1) if a.smoke else (a.calls, a.repeats)

    rng = np.random.default_rng(7)
    x = rng.uniform(1, 10, size=(20, 8))
    w = rng.uniform(0.5, 1.5, size=8)
    w = w / w.sum()
    types = np.array([1, 1, -1, 1, -1, 1, 1, -1])
    dirs = types.tolist()
    topsis_vec, topsis_mm = TOPSIS(vector_normalization), TOPSIS(minmax_normalization)
    vikor = VIKOR()
    promethee, edas, mabac = PROMETHEE_II("usual"), EDAS(), MABAC()
    bounds = np.column_stack([np.zeros(8), np.full(8, 11.0)])
    spotis = SPOTIS(bounds)

    # Same answers first (pymcdm's TOPSIS with vector / min-max normalisation is chiso's
    # "vector" / "min_max"; its VIKOR returns Q).
    assert np.allclose(ca.topsis(x, w, dirs).closeness, topsis_vec(x, w, types), atol=1e-12)
    assert np.allclose(ca.topsis(x, w, dirs, "min_max").closeness, topsis_mm(x, w, types), atol=1e-12)
    assert np.allclose(ca.vikor(x, w, dirs).Q, vikor(x, w, types), atol=1e-12)
    assert np.allclose(ca.promethee_ii(x, w, dirs).net_flow, promethee(x, w, types), atol=1e-12)
    assert np.allclose(ca.edas(x, w, dirs).AS, edas(x, w, types), atol=1e-12)
    assert np.allclose(ca.mabac(x, w, dirs).S, mabac(x, w, types), atol=1e-12)
    assert np.allclose(ca.spotis(x, w, dirs, bounds).D, spotis(x, w, types), atol=1e-12)

    cases = {
        "topsis": (lambda: ca.topsis(x, w, dirs), lambda: topsis_vec(x, w, types),
                   lambda: topsis_vec(x, w, types, validation=False)),
        "vikor": (lambda: ca.vikor(x, w, dirs), lambda: vikor(x, w, types),
                  lambda: vikor(x, w, types, validation=False)),
        "promethee_ii": (lambda: ca.promethee_ii(x, w, dirs), lambda: promethee(x, w, types),
                         lambda: promethee(x, w, types, validation=False)),
        "edas": (lambda: ca.edas(x, w, dirs), lambda: edas(x, w, types), lambda: edas(x, w, types, validation=False)),
        "mabac": (lambda: ca.mabac(x, w, dirs), lambda: mabac(x, w, types), lambda: mabac(x, w, types, validation=False)),
        "spotis": (lambda: ca.spotis(x, w, dirs, bounds), lambda: spotis(x, w, types),
                   lambda: spotis(x, w, types, validation=False)),
    }
    print(f"{calls} calls on 20 × 8, median of {repeats}")
    for name, (chiso_call, ref, ref_noval) in cases.items():
        c = statistics.median(timed(chiso_call, calls) for _ in range(repeats))
        r = statistics.median(timed(ref, calls) for _ in range(repeats))
        rn = statistics.median(timed(ref_noval, calls) for _ in range(repeats))
        print(f"{name:12s} chiso {c:7.1f} µs/call   pymcdm {r:7.1f} µs/call   pymcdm (validation off) {rn:7.1f} µs/call   "
              f"ratio_to_pymcdm {c / r:.2f}   ratio_to_pymcdm_no_validation {c / rn:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
