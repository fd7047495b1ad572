"""Python overhead of chiso's evaluation, measured in one run against references.

(a) Evaluating one unit through Python (a 1-row array, ``keep="root"``): median µs per call on
    the benchmark model and on the bundled 102-criterion Hanoi district model (goal ≤ 5 µs), beside
    the core's own call (``chiso._core.evaluate``, the reference in the same run).
(b) The PAR batch — units × 102 leaves (80 appraisal leaves mixing points of step 0.25 and rate
    tiers, 22 survey leaves proportional), 8 summed areas, 2 % not applicable, index and
    competition ranks in two groups — through ``Model.evaluate`` with an ndarray (``python_array_s``)
    and with DataFrames, groups by label and the scores table built (``python_dataframe_s``),
    against (i) a plain numpy streaming read (``values.sum()``) of the same inputs and (ii) the
    C++ benchmark binary when given (``--cpp-bench build/release/tests/benchmarks/bench_par_batch``)
    with fresh result buffers each call, as Python has: prints ``ratio_to_cpp`` (goal ≤ 1.1) and
    ``dataframe_ratio_to_cpp`` (goal ≤ 1.3).
(c) ``Model.evaluate(ndarray)`` on the Hanoi district model with the default ``keep="all"`` against
    ``keep="root"`` in the same run (goal: ≤ 2×), and what reading ``points`` afterwards costs
    (the nodes of many units are scored when first read).
(d) The check of text unit ids (control characters, bidirectional overrides) on as many ids,
    beside the DataFrame path.

    python tests/benchmarks/bench_python.py [--units 1000000] [--repeats 5] [--cpp-bench PATH]
    python tests/benchmarks/bench_python.py --smoke
"""
from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd

import chiso


def par_model() -> chiso.Model:
    """The model of bench_par_batch.cpp: areas of 13 leaves (six) and 12 leaves (two)."""
    areas, leaf = [], 0
    for a in range(8):
        criteria = []
        for _ in range(13 if a < 6 else 12):
            lid = f"C{leaf}"
            if leaf >= 80:
                criteria.append(chiso.leaf(lid, "survey", 1.5, chiso.rules.proportional(), source="survey"))
            elif leaf % 2 == 0:
                criteria.append(chiso.leaf(lid, "appraisal", 1.0, chiso.rules.points(step=0.25)))
            else:
                criteria.append(chiso.leaf(lid, "appraisal", 1.0, chiso.rules.tiers(
                    [{"min": 100, "points": 1.0}, {"min": 90, "points": 0.5}, {"min": 70, "points": 0.25}],
                    unit="percent")))
            leaf += 1
        areas.append(chiso.inner(f"A{a + 1}", "area", criteria))
    return chiso.Model.from_tree("bench-par", chiso.inner("PAR", "PAR", areas))


def batch(model: chiso.Model, units: int, seed: int = 42):
    rng = np.random.default_rng(seed)
    leaves = len(model.leaf_ids)
    r = rng.random((units, leaves))
    values = np.empty((units, leaves), order="F")
    for j in range(leaves):
        if j >= 80:
            values[:, j] = r[:, j]
        elif j % 2 == 0:
            values[:, j] = np.floor(r[:, j] * 5) * 0.25
        else:
            values[:, j] = 60 + 40 * r[:, j]
    applicable = np.asfortranarray(rng.random((units, leaves)) >= 0.02)
    groups = (np.arange(units) % 3 == 0).astype(np.int32)
    return values, applicable, groups


def hanoi_batch(model: chiso.Model, units: int, seed: int = 7) -> np.ndarray:
    """Random inputs the model accepts: each column on a grid of 0.25 up to the largest of a few
    bounds (100, 10, 5, 2, 1, 0.5, 0.25) its rule takes (found by scoring a probe)."""
    rng = np.random.default_rng(seed)
    columns = len(model.input_columns)
    probe = np.zeros((9, columns))
    values = np.empty((units, columns), order="F")
    for j in range(columns):
        bound = 0.0
        for candidate in (100.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.25):
            probe[:, j] = np.linspace(0, candidate, 9)
            try:
                model.evaluate(probe, keep="root")
            except chiso.DataError:
                continue
            bound = candidate
            break
        probe[:, j] = 0.0
        values[:, j] = np.floor(rng.random(units) * bound * 4) / 4
    return values


def median_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def page_faults(function) -> int:
    """Minor page faults of one call (first touches of fresh memory, 4 KiB or 2 MiB each)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    function()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cpp-bench", default=None, help="path of the bench_par_batch binary")
    parser.add_argument("--smoke", action="store_true", help="small size, for CI")
    args = parser.parse_args()
    units = 20_000 if args.smoke else args.units
    repeats = 3 if args.smoke else args.repeats

    model = par_model()
    # (a) one unit, through the pandas-free path.
    one, one_mask, _ = batch(model, 1)
    calls = 200 if args.smoke else 5000
    hanoi = chiso.load_model(Path(__file__).resolve().parents[2] / "examples" / "models" / "hanoi-par-district-2023.json")
    hanoi_one = np.zeros((1, len(hanoi.input_columns)))  # 0 is a valid input of each of its rules
    for name, m, x in (("", model, one), ("hanoi_", hanoi, hanoi_one)):
        python_us = statistics.median(median_time(lambda: m.evaluate(x, keep="root"), 1) for _ in range(calls)) * 1e6
        core_us = statistics.median(median_time(lambda: chiso._core.evaluate(m._core, x, keep="root"), 1)
                                    for _ in range(calls)) * 1e6
        print(f"{name}one_unit_us={python_us:.2f} {name}core_call_us={core_us:.2f} "
              f"python_over_core_us={python_us - core_us:.2f} goal_us=5")

    # (c) the default keep="all" against keep="root", interleaved so that both see the same load;
    # then the same inputs as float32 (read where they are; keep="all" keeps a float32 copy).
    hanoi_values = hanoi_batch(hanoi, units)
    for label, inputs in (("hanoi_units=" + str(units), hanoi_values), ("float32:", hanoi_values.astype(np.float32))):
        times = {"root": [], "all": [], "all_then_points": []}
        for _ in range(repeats):
            times["root"].append(median_time(lambda: hanoi.evaluate(inputs, keep="root"), 1))
            times["all"].append(median_time(lambda: hanoi.evaluate(inputs), 1))
            times["all_then_points"].append(median_time(lambda: hanoi.evaluate(inputs).points, 1))
        root, everything, then_points = (statistics.median(times[k]) for k in ("root", "all", "all_then_points"))
        print(f"{label} keep_root_s={root:.4f} keep_all_s={everything:.4f} "
              f"all_over_root={everything / root:.2f} (goal 2) keep_all_then_points_s={then_points:.4f}")

    # (b) the batch.
    values, applicable, groups = batch(model, units)
    stream = median_time(lambda: values.sum(), repeats)
    python = median_time(lambda: model.evaluate(values, applicable, groups, keep="inner"), repeats)
    frame = pd.DataFrame(values, columns=model.leaf_ids, copy=False)
    mask = pd.DataFrame(applicable, columns=model.leaf_ids, copy=False)
    group_series = pd.Series(np.where(groups == 1, "sở", "quận"), index=frame.index)
    pandas_time = median_time(lambda: model.evaluate(frame, mask, group_series, keep="inner").scores, repeats)
    count = units * len(model.leaf_ids)
    print(f"units={units} leaves={len(model.leaf_ids)} repeats={repeats}")
    print(f"numpy_stream_read_s={stream:.4f} ({stream / count * 1e9:.3f} ns/value)")
    print(f"python_array_s={python:.4f} ({python / count * 1e9:.3f} ns/value) "
          f"ratio_to_stream_read={python / stream:.2f}")
    print(f"python_dataframe_s={pandas_time:.4f} (with groups by label and the scores table)")
    print(f"page_faults_array={page_faults(lambda: model.evaluate(values, applicable, groups, keep='inner'))} "
          f"page_faults_dataframe={page_faults(lambda: model.evaluate(frame, mask, group_series, keep='inner'))}")
    # (d) text unit ids are checked for control characters and bidi overrides (the core's rule):
    # its cost on as many ids as units, in Arrow (pandas' default text) and as objects, beside
    # the DataFrame path above.
    from chiso.model import _check_unit_labels
    ids = [f"Đơn vị {k:07d}" for k in range(units)]
    for kind, index in (("arrow", pd.Index(ids)), ("object", pd.Index(ids, dtype=object))):
        check = median_time(lambda: _check_unit_labels(index), repeats)
        print(f"unit_id_check_{kind}_s={check:.4f} share_of_dataframe_path={check / pandas_time:.2f}")
    if args.cpp_bench:
        output = subprocess.run([args.cpp_bench, str(units), str(repeats)], check=True,
                                capture_output=True, text=True).stdout
        reused = float(re.search(r"evaluate_s=([0-9.]+)", output).group(1))
        cpp = float(re.search(r"evaluate_fresh_s=([0-9.]+)", output).group(1))
        # Python allocates a new result each call: compare with C++ doing the same.
        print(f"cpp_fresh_s={cpp:.4f} cpp_reused_buffers_s={reused:.4f} ratio_to_cpp={python / cpp:.2f} (goal 1.1) "
              f"dataframe_ratio_to_cpp={pandas_time / cpp:.2f} (goal 1.3)")


if __name__ == "__main__":
    main()
