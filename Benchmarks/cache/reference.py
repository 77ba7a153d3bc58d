#!/usr/bin/env python3
"""Reference hit ratios from libcachesim (PyPI), for comparing memtop's policies.

    python3 reference.py TRACE --capacity N [--format lirs|arc] [--policies LRU,Sieve,...]

Reads traces exactly as `memtop cache-replay` does (gzip allowed; LIRS: one key per line, blank and
`*` lines skipped; ARC: `start count ...`), replays them with unit-size objects, prints one JSON object
per policy: {"policy": "Sieve", "capacity": N, "requests": R, "hits": H, "hit_ratio": 0.1234}.
"""
import argparse
import gzip
import json

import libcachesim as lcs

POLICIES = {
    "LRU": lambda n: lcs.LRU(cache_size=n),
    "ARC": lambda n: lcs.ARC(cache_size=n),
    "Sieve": lambda n: lcs.Sieve(cache_size=n),
    "S3FIFO": lambda n: lcs.S3FIFO(cache_size=n),
    "WTinyLFU": lambda n: lcs.WTinyLFU(cache_size=n),
}


def read_keys(path, fmt):
    opener = gzip.open if path.endswith(".gz") else open
    keys = []
    with opener(path, "rt", newline="") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields or fields[0].startswith("*"):
                continue
            if fmt == "lirs":
                keys.append(int(fields[0]))
            else:
                start, count = int(fields[0]), int(fields[1])
                keys.extend(range(start, start + count))
    return keys


def replay(keys, capacity, policy):
    cache = POLICIES[policy](capacity)
    request = lcs.Request()
    request.obj_size = 1
    hits = 0
    for key in keys:
        request.obj_id = key
        hits += bool(cache.get(request))
    return {"policy": policy, "capacity": capacity, "requests": len(keys), "hits": hits,
            "hit_ratio": round(hits / len(keys), 6) if keys else 0}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("trace")
    parser.add_argument("--capacity", type=int, required=True)
    parser.add_argument("--format", choices=["lirs", "arc"], default="lirs")
    parser.add_argument("--policies", default=",".join(POLICIES))
    args = parser.parse_args()
    keys = read_keys(args.trace, args.format)
    for policy in args.policies.split(","):
        print(json.dumps(replay(keys, args.capacity, policy)))


if __name__ == "__main__":
    main()
