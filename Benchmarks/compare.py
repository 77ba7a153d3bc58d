#!/usr/bin/env python3
"""Runs the pool benchmarks and the Java peers in one go and prints a side-by-side table with ratios.

    python3 Benchmarks/compare.py            # run everything (about 3 minutes after the first build)
    python3 Benchmarks/compare.py --skip-java
    python3 Benchmarks/compare.py --skip-java --gate mallocs   # what CI runs

Swift numbers are package-benchmark's p50 wall-clock time per operation; Java numbers are the median of
five rounds (Benchmarks/peers/java). A ratio above 1 means the peer is slower than PatinoxMemory.
"""
import argparse
import sys

from benchlib import HERE, fmt, parse_java, parse_swift, run

# scenario -> (PatinoxMemory benchmark, PostgresNIO benchmark, Java scenario)
SCENARIOS = {
    "warm acquire+release, 1 task, 10 connections": (
        "Patinox: acquire+release, warm, 1 task (10 connections)",
        "PostgresNIO: lease+release, warm, 1 task (10 connections)",
        "warm-10",
    ),
    "acquire+release with 990 of 1000 leased": (
        "Patinox: acquire+release, 990 of 1000 leased",
        "PostgresNIO: lease+release, 990 of 1000 leased",
        "990-of-1000",
    ),
    "handoff, 1000 tasks/threads over 10 connections": (
        "Patinox: handoff, 1000 tasks over 10 connections (per lease)",
        "PostgresNIO: handoff, 1000 tasks over 10 connections (per lease)",
        "handoff-1000-over-10",
    ),
}
def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-java", action="store_true", help="run only the Swift benchmarks")
    parser.add_argument(
        "--gate",
        choices=["all", "mallocs"],
        default="all",
        help="which goals decide the exit status; CI uses 'mallocs' (times vary with machine load)",
    )
    args = parser.parse_args()

    swift = parse_swift(run(["swift", "package", "benchmark", "--no-progress", "--target", "PoolBenchmarks"], HERE))
    java = {} if args.skip_java else parse_java(run(["bash", "peers/java/run.sh", "pools"], HERE))
    peers = sorted({peer for peer, _ in java})

    header = ["scenario", "PatinoxMemory", "mallocs", "PostgresNIO (ratio)"] + [f"{p} (ratio)" for p in peers]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for scenario, (ours, postgres, java_name) in SCENARIOS.items():
        mine = swift.get(ours, {}).get("ns")
        row = [scenario, fmt(mine), f"{swift.get(ours, {}).get('mallocs', float('nan')):.0f}"]
        for other in [swift.get(postgres, {}).get("ns")] + [java.get((p, java_name)) for p in peers]:
            ratio = f" ({other / mine:.1f}×)" if other and mine else ""
            row.append(fmt(other) + ratio)
        print("| " + " | ".join(row) + " |")
    floor = swift.get("Floor: NIOLock + array pop/push", {}).get("ns")
    sync = swift.get("Patinox: tryAcquire+release (sync), warm, 10 connections", {}).get("ns")
    print(f"\nFloor (NIOLock + array pop/push): {fmt(floor)}; PatinoxMemory tryAcquire+release (sync): {fmt(sync)}")

    warm = swift[SCENARIOS["warm acquire+release, 1 task, 10 connections"][0]]
    busy = swift[SCENARIOS["acquire+release with 990 of 1000 leased"][0]]
    handoff = swift[SCENARIOS["handoff, 1000 tasks/threads over 10 connections"][0]]
    goals = [
        ("warm acquire+release <= 100 ns", warm["ns"] <= 100),
        ("warm acquire+release 0 mallocs", warm["mallocs"] == 0),
        ("990/1000 within 2x of 10-connection figure", busy["ns"] <= 2 * warm["ns"]),
        ("handoff <= 1.5 µs", handoff["ns"] <= 1500),
    ]
    print()
    for goal, met in goals:
        print(f"- {'MET ' if met else 'MISSED'} {goal}")
    gating = [met for goal, met in goals if args.gate == "all" or "mallocs" in goal]
    return 0 if all(gating) else 1


if __name__ == "__main__":
    sys.exit(main())
