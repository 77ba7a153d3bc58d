#!/usr/bin/env python3
"""Runs the cache benchmarks, the mixed workload and the scale runs, with Caffeine 2.6.2 and NSCache
beside PatinoxMemory's Cache, and prints the tables for docs/BENCHMARKS.md.

    python3 Benchmarks/compare_cache.py                 # everything (~3 minutes after the first build)
    python3 Benchmarks/compare_cache.py --skip-scale    # without the 10-million-entry run
    python3 Benchmarks/compare_cache.py --gate mallocs  # exit 1 if a get hit allocates (CI)
"""
import argparse
import subprocess
import sys

from benchlib import HERE, fmt, parse_fields, parse_java, parse_swift, run


def workload(*arguments):
    run(["swift", "build", "-c", "release", "--product", "CacheWorkload"], HERE)
    binary = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=HERE, text=True)
    return parse_fields(run([binary.strip() + "/CacheWorkload", *arguments], HERE))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-java", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--gate", choices=["all", "mallocs"], default="all")
    args = parser.parse_args()

    swift = parse_swift(run(["swift", "package", "benchmark", "--no-progress", "--target", "CacheBenchmarks"], HERE))
    java_text = "" if args.skip_java else run(["bash", "peers/java/run.sh", "caches"], HERE)
    caffeine_hit = parse_java(java_text).get(("caffeine-2.6.2", "get-hit"))

    print("| get on a hit, 1 task, 10k entries | ns | mallocs | Caffeine 2.6.2 ÷ this |")
    print("|---|---|---|---|")
    hits = {}
    for name, result in sorted(swift.items()):
        if name.startswith("Cache: get hit"):
            policy = name.split(",")[2].strip()
            hits[policy] = result
            ratio = f"{caffeine_hit / result['ns']:.2f}×" if caffeine_hit else "–"
            print(f"| {policy} | {result['ns']:.0f} | {result['mallocs']:.0f} | {ratio} |")
    if caffeine_hit:
        print(f"| Caffeine 2.6.2 (JIT, same keys) | {caffeine_hit:.1f} | – | 1.00× |")

    rows = []
    for cache in ["lru", "sieve", "wtinylfu", "nscache"]:
        rows += workload(cache)
    rows += [fields for fields in parse_fields(java_text) if fields.get("scenario") == "mixed"]
    caffeine = next((float(r["ops_per_s"]) for r in rows if r.get("peer", "").startswith("caffeine")), None)
    print("\n| 90 % reads / 10 % writes, 2 tasks, Zipf 0.99, 100k bound | ops/s | ÷ Caffeine | p99 | bytes/entry "
          "| overshoot (entries) | hit ratio |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        name = row.get("cache") or row.get("peer")
        ratio = f"{float(row['ops_per_s']) / caffeine:.2f}×" if caffeine else "–"
        print(f"| {name} | {int(row['ops_per_s']):,} | {ratio} | {fmt(float(row['p99_ns']))} "
              f"| {row['bytes_per_entry']} | {row['overshoot']} | {row['hit_ratio']} |")

    if not args.skip_scale:
        print("\n| scale (LRU, random hits) | get hit | resident bytes/entry |")
        print("|---|---|---|")
        scale = [workload("scale", str(n))[0] for n in (1_000, 100_000, 10_000_000)]
        for row in scale:
            print(f"| {int(row['entries']):,} entries | {row['get_hit_ns']} ns | {row['bytes_per_entry']} |")
        slowdown = float(scale[-1]["get_hit_ns"]) / float(scale[0]["get_hit_ns"])
        print(f"\n10M ÷ 1k get-hit latency: {slowdown:.2f}× (goal ≤ 3×)")

    lru = hits.get("lru", {})
    goals = [("get hit (lru) <= 50 ns", lru.get("ns", 1e9) <= 50),
             ("get hit allocates nothing (mallocs)", all(h.get("mallocs", 1) == 0 for h in hits.values()))]
    print()
    for goal, met in goals:
        print(f"- {'MET ' if met else 'MISSED'} {goal}")
    return 0 if all(met for goal, met in goals if args.gate == "all" or "mallocs" in goal) else 1


if __name__ == "__main__":
    sys.exit(main())
