"""chiso.dask scoring on a LocalCluster against one process, measured in the same run.

The data: units × 102 criteria (the PAR batch model of bench_python.py: 80 appraisal leaves,
points of step 0.25 and percent tiers, 22 survey rates, 8 summed areas), two rank groups, in
Parquet partitions written to a temporary directory. Both sides read the same Parquet files and
produce index, band and global ranks within the groups:
  - one process: each partition read and scored in turn (Model.evaluate, one thread), then the
    ranks of all units from the per-group value counts (chiso's C++ ranking);
  - the cluster: chiso.dask.evaluate on a LocalCluster of W single-threaded worker processes,
    ranks computed and counted on the workers, each partition's index and rank gathered by this
    client and joined (as the one process joins its partitions; Dask's DataFrame.compute would
    first join them on a worker and send the whole on, a second transfer).
Arrow's thread pool has one thread on both sides (in this process and in each worker): the
reference is one thread, and a worker's Arrow threads would compete with the other workers for
the cores.
Printed: median seconds of each (of --repeats runs, the two sides alternated), the overhead ratio
(cluster time × W / one-process time: 1.0 is perfect scaling; also of the best runs) and the
throughput per worker, and the CPU seconds of each side (for the cluster: its workers, scheduler
and client), steadier than wall times on a shared machine.

    python tests/benchmarks/bench_dask.py                    # 10^7 units, 20 partitions, 2 workers
    python tests/benchmarks/bench_dask.py --smoke            # 20 000 units, 4 partitions, 1 repeat
    python tests/benchmarks/bench_dask.py --data DIR         # keeps the partitions in DIR, reused when they fit
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_python import par_model  # noqa: E402  (the same 102-criteria model)

import chiso  # noqa: E402
import chiso.dask as cd  # noqa: E402
from chiso import _core  # noqa: E402


def write_partitions(model: chiso.Model, units: int, partitions: int, directory: str) -> None:
    """Partition k holds units [k·n/P, (k+1)·n/P): float32 inputs in Parquet, a group column."""
    edges = np.linspace(0, units, partitions + 1).astype(np.int64)
    columns = model.input_columns
    for k in range(partitions):
        rng = np.random.default_rng(1000 + k)
        n = int(edges[k + 1] - edges[k])
        data = {}
        for j, column in enumerate(columns):
            if j >= 80:
                data[column] = np.round(rng.random(n), 2).astype(np.float32)
            elif j % 2 == 0:
                data[column] = (rng.integers(0, 5, n) * 0.25).astype(np.float32)
            else:
                data[column] = rng.integers(60, 101, n).astype(np.float32)
        frame = pd.DataFrame(data, index=pd.RangeIndex(edges[k], edges[k + 1], name="unit"))
        frame["group"] = np.where(frame.index.to_numpy() % 3 == 0, "district", "department")
        frame.reset_index().to_parquet(os.path.join(directory, f"part-{k:03d}.parquet"), index=False)


def one_process(model: chiso.Model, files: list) -> pd.DataFrame:  # Arrow's pool: one thread (main)
    parts = []
    for path in files:
        frame = pd.read_parquet(path).set_index("unit")
        scores = model.evaluate(frame[model.input_columns], groups=frame["group"], keep="root", threads=1).scores
        parts.append(scores)
    scores = pd.concat(parts)
    ranks = np.zeros(len(scores), dtype=np.int64)
    for group, rows in scores.groupby("group", observed=True).indices.items():
        values, inverse, counts = np.unique(scores["index"].to_numpy()[rows], return_inverse=True, return_counts=True)
        first = np.asarray(_core.ranking.rank_value_counts(model._core, values, counts))
        ranks[rows] = first[inverse]
    scores["rank"] = ranks
    return scores


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000_000)
    parser.add_argument("--partitions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="20 000 units, 4 partitions, one repeat")
    parser.add_argument("--data", metavar="DIR", help="keep the Parquet partitions in DIR and reuse them when there "
                        "(runs of two versions, e.g. with PYTHONPATH set to another build's package, on the same files)")
    args = parser.parse_args()
    if args.smoke:
        args.units, args.partitions, args.repeats = 20_000, 4, 1

    import dask
    import dask.dataframe as dd
    import pyarrow as pa
    from distributed import Client, LocalCluster

    pa.set_cpu_count(1)

    model = par_model()
    with tempfile.TemporaryDirectory(prefix="chiso-bench-dask-") as temporary:
        directory = args.data or temporary
        start = time.perf_counter()
        if args.data:
            Path(directory).mkdir(parents=True, exist_ok=True)
        files = sorted(str(p) for p in Path(directory).glob("*.parquet"))
        if len(files) != args.partitions or sum(len(pd.read_parquet(f, columns=["unit"])) for f in files) != args.units:
            for path in files:
                os.remove(path)
            write_partitions(model, args.units, args.partitions, directory)
            files = sorted(str(p) for p in Path(directory).glob("*.parquet"))
        print(f"data: {args.units} units × {len(model.leaf_ids)} criteria in {args.partitions} Parquet partitions "
              f"({sum(os.path.getsize(f) for f in files) / 1e6:.0f} MB, ready in {time.perf_counter() - start:.1f} s)")

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                          worker_dashboard_address=None, memory_limit=0) as cluster, Client(cluster) as client:
            client.run(pa.set_cpu_count, 1)

            def on_cluster() -> pd.DataFrame:
                scores = cd.evaluate(model, dd.read_parquet(files, index="unit"), groups="group")
                return pd.concat(dask.compute(*scores[["index", "rank"]].to_delayed()))

            def cluster_cpu() -> float:  # CPU seconds used so far by the workers, the scheduler and this client
                workers = client.run(lambda: time.process_time())
                return sum(workers.values()) + client.run_on_scheduler(lambda: time.process_time()) + time.process_time()

            # Alternated, so that a shared machine's changing load weighs on both sides alike.
            # CPU seconds beside wall times: steadier when the machine is shared.
            one_times, cluster_times, one_cpu, cluster_cpus = [], [], [], []
            for _ in range(args.repeats):
                before = time.process_time()
                one_times.append(timed(lambda: one_process(model, files)))
                one_cpu.append(time.process_time() - before)
                before = cluster_cpu()
                cluster_times.append(timed(on_cluster))
                cluster_cpus.append(cluster_cpu() - before)
            one_time, reference = statistics.median(t for t, _ in one_times), one_times[-1][1]
            cluster_time, got = statistics.median(t for t, _ in cluster_times), cluster_times[-1][1]
            print(f"one process: {one_time:.2f} s ({args.units / one_time:,.0f} units/s; runs "
                  f"{', '.join(f'{t:.2f}' for t, _ in one_times)})")

    got = got.sort_index()
    reference = reference.sort_index()
    same = (np.array_equal(got["index"].to_numpy(), reference["index"].to_numpy())
            and np.array_equal(got["rank"].to_numpy(dtype=np.int64), reference["rank"].to_numpy()))
    if not same:
        raise SystemExit("the cluster's scores or ranks differ from the one-process run")
    ratio = cluster_time * args.workers / one_time
    print(f"cluster ({args.workers} workers): {cluster_time:.2f} s "
          f"({args.units / cluster_time / args.workers:,.0f} units/s per worker; runs "
          f"{', '.join(f'{t:.2f}' for t, _ in cluster_times)})")
    print(f"overhead ratio (cluster time × workers / one-process time): {ratio:.2f} "
          f"(best of each side: {min(t for t, _ in cluster_times) * args.workers / min(t for t, _ in one_times):.2f})")
    print(f"CPU seconds: one process {statistics.median(one_cpu):.2f} (runs {', '.join(f'{t:.2f}' for t in one_cpu)}), "
          f"cluster {statistics.median(cluster_cpus):.2f} (workers, scheduler and client; runs "
          f"{', '.join(f'{t:.2f}' for t in cluster_cpus)}): ratio {statistics.median(cluster_cpus) / statistics.median(one_cpu):.2f}")
    print("results equal unit for unit (index and rank)")


if __name__ == "__main__":
    main()
