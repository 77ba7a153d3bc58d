#!/usr/bin/env python3
"""Pool<PostgresConnectionFactory> beside postgres-nio's PostgresClient on one PostgreSQL, in the same runs.

    python3 Benchmarks/postgres/compare.py [--runs 5] [--seconds 3]

Builds Benchmarks' PostgresCompare in release and runs it --runs times (a process each), against the PostgreSQL
at POSTGRES_PORT or, without it, a throwaway cluster started with Scripts/postgres.sh. Each run measures both
pools (10 connections each) at 1, 16 and 256 tasks on `SELECT 1` and on a primary-key read of a 100,000-row
table, alternating which goes first, and the floor: no pool, 10 tasks each on a connection of its own. Prints a Markdown table: min–median–max over the runs of each design's
throughput, p50/p99 latency, client CPU per query, and the ratio pool / PostgresClient of the same run; then the
pool's own share of a query's time at one task (acquire + release, timed around the query).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = HERE.parent
ROOT = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))
from benchlib import parse_fields, run  # noqa: E402


def spread(values, digits=0):
    """min–median–max of values."""
    values = sorted(values)
    form = f"{{:,.{digits}f}}"
    return "–".join(form.format(v) for v in (values[0], statistics.median(values), values[-1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--tasks", default="1,16,256")
    arguments = parser.parse_args()

    port, scratch = os.environ.get("POSTGRES_PORT"), None
    if port is None:
        scratch = Path(tempfile.mkdtemp(prefix="memtop-pgbench-"))
        scratch.chmod(0o755)  # the cluster belongs to the postgres user when this runs as root
        port = "55499"
        subprocess.run(["bash", str(ROOT / "Scripts/postgres.sh"), "start", str(scratch / "pg"), port], check=True)
    try:
        run(["swift", "build", "-c", "release", "--product", "PostgresCompare"], BENCHMARKS)
        binary = run(["swift", "build", "-c", "release", "--show-bin-path"], BENCHMARKS).strip() + "/PostgresCompare"
        cells, shares = [], []
        for number in range(1, arguments.runs + 1):
            output = run([binary, "--port", port, "--seconds", str(arguments.seconds), "--tasks", arguments.tasks],
                         BENCHMARKS)
            for fields in parse_fields(output):
                fields["run"] = number
                (shares if fields.get("kind") == "share" else cells).append(fields)
            print(f"run {number} of {arguments.runs} done", file=sys.stderr)
    finally:
        if scratch is not None:
            subprocess.run(["bash", str(ROOT / "Scripts/postgres.sh"), "stop", str(scratch / "pg")])

    def of(design, query, tasks):
        return {c["run"]: c for c in cells if c["design"] == design and c["query"] == query and c["tasks"] == tasks}

    print(f"{arguments.runs} runs of {arguments.seconds:g} s per cell, min–median–max; ratio = pool / PostgresClient "
          "in the same run (above 1: the pool is ahead)\n")
    print("| query | tasks | PostgresClient q/s | Pool q/s | ratio | p50 µs client / pool | p99 µs client / pool "
          "| CPU µs/query client / pool |")
    print("|---|---|---|---|---|---|---|---|")
    for query in ("select1", "pk-read"):
        for tasks in arguments.tasks.split(","):
            client, pool = of("postgres-client", query, tasks), of("pool", query, tasks)
            ratios = [float(pool[r]["qps"]) / float(client[r]["qps"]) for r in client if r in pool]

            def column(key, digits=0):
                return (f"{spread([float(c[key]) for c in client.values()], digits)} / "
                        f"{spread([float(c[key]) for c in pool.values()], digits)}")

            print(f"| {query} | {tasks} | {spread([float(c['qps']) for c in client.values()])} "
                  f"| {spread([float(c['qps']) for c in pool.values()])} | {spread(ratios, 2)}× "
                  f"| {column('p50_us')} | {column('p99_us')} | {column('cpu_us_per_query', 1)} |")
    print()
    for query in ("select1", "pk-read"):
        floor = of("bare", query, "10")
        if not floor:
            continue
        top = max(arguments.tasks.split(","), key=int)
        client, pool = of("postgres-client", query, top), of("pool", query, top)
        print(f"floor, {query}: no pool, 10 tasks each on a connection of its own: "
              f"{spread([float(c['qps']) for c in floor.values()])} q/s, "
              f"{spread([float(c['cpu_us_per_query']) for c in floor.values()], 1)} µs CPU per query; at {top} tasks "
              f"PostgresClient / floor {spread([float(client[r]['qps']) / float(floor[r]['qps']) for r in floor], 2)}×, "
              f"Pool / floor {spread([float(pool[r]['qps']) / float(floor[r]['qps']) for r in floor], 2)}×")
    for query in ("select1", "pk-read"):
        picked = [s for s in shares if s["query"] == query]
        if picked:
            print(f"pool's own share at 1 task, {query}: {spread([float(s['pool_share_pct']) for s in picked], 2)} % "
                  f"of the query's time ({spread([float(s['pool_ns_per_query']) for s in picked])} ns per query "
                  "in acquire + release)")


if __name__ == "__main__":
    main()
