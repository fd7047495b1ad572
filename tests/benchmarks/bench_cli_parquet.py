"""The command line on a large batch: `chiso score MODEL in.parquet -o out.parquet` for units ×
102 criteria (the PAR batch of bench_python.py: 80 appraisal leaves, 22 survey leaves, 8 areas,
two groups), timed as a user runs it (a subprocess: start-up, reading, scoring, writing), against
pyarrow.parquet reading the same input file and writing the same output table, in the same run,
two ways: in this (warm) process, and in a fresh Python process as a script would (start-up and
first-touch memory, which the command pays too). Prints the medians and both ratios (goal ≤ 2).

    python tests/benchmarks/bench_cli_parquet.py [--units 1000000] [--repeats 5]
    python tests/benchmarks/bench_cli_parquet.py --smoke
    python tests/benchmarks/bench_cli_parquet.py --before DIR   # also times the chiso package in DIR

``--before DIR`` times a second version of the command in the same interleaved runs: the chiso
package found in DIR (a copy of another build's site-packages/chiso, put first on PYTHONPATH),
for before/after figures measured under the same load.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_python import batch, par_model  # noqa: E402 - the same model and data as the Python benchmark


def write_inputs(path: Path, units: int) -> None:
    model = par_model()
    values, _, groups = batch(model, units)
    columns = {"unit": pa.array([f"u{k:07d}" for k in range(units)]),
               "group": pa.array(np.where(groups == 1, "quận", "huyện"))}
    for j, leaf in enumerate(model.leaf_ids):
        columns[leaf] = pa.array(np.ascontiguousarray(values[:, j]))
    pq.write_table(pa.table(columns), path)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="a tiny run, for CI")
    parser.add_argument("--before", metavar="DIR", help="also time the chiso package in DIR (its parent on PYTHONPATH)")
    args = parser.parse_args()
    units, repeats = (2_000, 1) if args.smoke else (args.units, args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model_file, inputs, output = folder / "bench-par.json", folder / "in.parquet", folder / "out.parquet"
        par_model().to_json(model_file)
        write_inputs(inputs, units)
        command = [sys.executable, "-m", "chiso", "score", str(model_file), str(inputs), "-o", str(output),
                   "--group-column", "group"]

        def cli() -> None:
            done = subprocess.run(command, capture_output=True)
            if done.returncode != 0:
                raise SystemExit(f"chiso score failed: {done.stderr.decode('utf-8', 'replace')}")

        cli()  # warm the page cache and check it works
        result = pq.read_table(output)
        assert result.num_rows == units and result.column("index").null_count == 0

        def reference() -> None:
            pq.read_table(inputs, memory_map=True)
            pq.write_table(result, folder / "reference.parquet")

        script = ("import sys, pyarrow.parquet as pq; pq.read_table(sys.argv[1], memory_map=True); "
                  "pq.write_table(pq.read_table(sys.argv[2]), sys.argv[3])")

        def fresh_reference() -> None:
            subprocess.run([sys.executable, "-c", script, str(inputs), str(output), str(folder / "fresh.parquet")],
                           check=True)

        def before() -> None:
            env = {**os.environ, "PYTHONPATH": args.before}
            done = subprocess.run(command, capture_output=True, env=env)
            if done.returncode != 0:
                raise SystemExit(f"chiso score (before) failed: {done.stderr.decode('utf-8', 'replace')}")

        cli_times, reference_times, fresh_times, before_times = [], [], [], []
        for _ in range(repeats):  # interleaved, so all see the same load on a shared machine
            if args.before:
                before_times.append(timed(before))
            cli_times.append(timed(cli))
            reference_times.append(timed(reference))
            fresh_times.append(timed(fresh_reference))
        cli_median, reference_median = statistics.median(cli_times), statistics.median(reference_times)
        fresh_median = statistics.median(fresh_times)
        size = inputs.stat().st_size / 1e6
        print(f"bench_cli_parquet: {units:,} units × {len(par_model().leaf_ids)} criteria, input {size:.0f} MB, "
              f"medians of {repeats}")
        print(f"  chiso score (subprocess, Parquet → Parquet): {cli_median:.3f} s "
              f"(runs: {', '.join(f'{t:.3f}' for t in cli_times)})")
        print(f"  pyarrow.parquet read + write, this process:  {reference_median:.3f} s "
              f"(runs: {', '.join(f'{t:.3f}' for t in reference_times)})")
        print(f"  pyarrow.parquet read + write, fresh process: {fresh_median:.3f} s "
              f"(runs: {', '.join(f'{t:.3f}' for t in fresh_times)})")
        if before_times:
            before_median = statistics.median(before_times)
            print(f"  chiso score before ({args.before}): {before_median:.3f} s "
                  f"(runs: {', '.join(f'{t:.3f}' for t in before_times)}); "
                  f"ratio_to_pyarrow_fresh_process = {before_median / fresh_median:.2f}")
        print(f"  ratio_to_pyarrow = {cli_median / reference_median:.2f} (warm process)")
        print(f"  ratio_to_pyarrow_fresh_process = {cli_median / fresh_median:.2f} (goal ≤ 1.5)")


if __name__ == "__main__":
    main()
