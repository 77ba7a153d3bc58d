#!/usr/bin/env python3
"""An independent client (nats-py) against memtop's feed: validates a published snapshot against the
schema of docs/FEED.md, then publishes garbage and forged snapshots the attached memtop must reject.

    python3 nats_interop.py nats://127.0.0.1:4222 ENGINE
Exit 0 when the snapshot is valid; prints what is wrong otherwise.
"""
import asyncio
import json
import sys

import nats

NUMBER = (int, float)
SCHEMA = {
    "schemaVersion": int, "engine": str, "takenAt": int, "pools": list, "caches": list, "guards": list,
    "scopes": list, "mappings": list, "faults": list, "events": list, "health": dict,
}
POOL = {"name": str, "phase": str, "total": int, "idle": int, "leased": int, "waiters": int, "minimum": int,
        "maximum": int, "circuitOpen": bool, "counters": dict, "acquireLatency": dict}
LATENCY = {"count": int, "p50": int, "p90": int, "p99": int, "p999": int, "max": int}
CACHE = {"name": str, "policy": str, "count": int, "weight": int, "stats": dict, "squeezed": bool,
         "forcingMisses": bool}
STATS = {"hits": int, "misses": int, "evictions": int, "expirations": int}
GUARDS = {"name": str, "status": dict, "failingCleanups": bool}
MAPPING = {"path": str, "bytes": int, "writable": bool, "pages": int, "residentPages": int, "regions": list}
EVENT = {"at": int, "component": str, "kind": str, "message": str}
NUMBER = (int, float)  # a Double such as 0.0 may be written as 0
# Optional parts (newer engines): a pool's lease report, a cache's sizing curve.
LEASES = {"oldest": list, "ageCounts": list, "overThreshold": int, "overThresholdSites": list}
LEASE = {"connection": str, "age": int, "file": str, "line": int, "retiring": bool, "overThreshold": bool}
SIZING = {"points": list, "policies": list, "sampledReads": int, "sampleRate": int}
POINT = {"capacity": int, "hitRatio": NUMBER}


def check(value, shape, where, problems):
    if not isinstance(value, dict):
        problems.append(f"{where}: not an object")
        return
    for key, kind in shape.items():
        if key not in value:
            problems.append(f"{where}.{key}: missing")
        elif not isinstance(value[key], kind) or (kind is int and isinstance(value[key], bool)):
            expected = "number" if kind is NUMBER else kind.__name__
            problems.append(f"{where}.{key}: {type(value[key]).__name__}, expected {expected}")


def validate(snapshot):
    problems = []
    check(snapshot, SCHEMA, "snapshot", problems)
    if problems:
        return problems
    if snapshot["schemaVersion"] != 1:
        problems.append(f"schemaVersion {snapshot['schemaVersion']}")
    for index, pool in enumerate(snapshot["pools"]):
        check(pool, POOL, f"pools[{index}]", problems)
        check(pool.get("acquireLatency"), LATENCY, f"pools[{index}].acquireLatency", problems)
        if "leases" in pool:
            check(pool["leases"], LEASES, f"pools[{index}].leases", problems)
            for number, lease in enumerate(pool["leases"].get("oldest", [])):
                check(lease, LEASE, f"pools[{index}].leases.oldest[{number}]", problems)
    for index, cache in enumerate(snapshot["caches"]):
        check(cache, CACHE, f"caches[{index}]", problems)
        check(cache.get("stats"), STATS, f"caches[{index}].stats", problems)
        if "sizing" in cache:
            check(cache["sizing"], SIZING, f"caches[{index}].sizing", problems)
            for number, point in enumerate(cache["sizing"].get("points", [])):
                check(point, POINT, f"caches[{index}].sizing.points[{number}]", problems)
    for index, guards in enumerate(snapshot["guards"]):
        check(guards, GUARDS, f"guards[{index}]", problems)
    for index, mapping in enumerate(snapshot["mappings"]):
        check(mapping, MAPPING, f"mappings[{index}]", problems)
    for index, event in enumerate(snapshot["events"]):
        check(event, EVENT, f"events[{index}]", problems)
        count = event.get("count", 1)  # folded repeats; written only when above 1
        if not isinstance(count, int) or isinstance(count, bool) or count < 1 or ("count" in event and count == 1):
            problems.append(f"events[{index}].count: {count!r}, expected an integer above 1 when present")
    if snapshot["health"].get("overall") not in ("healthy", "degraded", "unhealthy"):
        problems.append("health.overall")
    return problems


def forgeries(snapshot):
    """Five snapshots outside docs/FEED.md's limits: a counter of -2^63, one of 2^62, resident pages beyond
    the mapping, an escape sequence in an event, another engine's name on this engine's subject."""
    def copy():
        return json.loads(json.dumps(snapshot))
    assert snapshot["pools"], "the published engine has a pool to forge"
    negative = copy()
    negative["pools"][0]["counters"]["timedOut"] = -(2 ** 63)
    huge = copy()
    huge["pools"][0]["counters"]["acquired"] = 2 ** 62
    resident = copy()
    resident["mappings"] = [{"path": "/forged", "bytes": 4096, "writable": False, "pages": 1,
                             "residentPages": 9, "regions": [100]}]
    escape = copy()
    escape["events"] = [{"at": 0, "component": {"kind": "pool", "name": "db"}, "kind": "phase",
                         "message": "\x1b[2J\x1b[31mredrawn"}]
    elsewhere = copy()
    elsewhere["engine"] = "elsewhere"
    return [negative, huge, resident, escape, elsewhere]


async def main(url, engine):
    client = await nats.connect(url)
    subscription = await client.subscribe(f"memtop.v1.{engine}.snapshot")
    message = await subscription.next_msg(timeout=5)
    problems = validate(json.loads(message.data))
    # Garbage for the attached viewers: not JSON, JSON of the wrong shape, a future schema, an empty message.
    subject = f"memtop.v1.{engine}.snapshot"
    for garbage in [b"\x00\xff not json", b'{"schemaVersion": 1}', json.dumps({"schemaVersion": 7}).encode(), b""]:
        await client.publish(subject, garbage)
    # Forged snapshots, well-formed JSON of the right schema with values no engine produces: each must be
    # rejected (and counted) by the viewer, which keeps drawing the last good one.
    for forged in forgeries(json.loads(message.data)):
        await client.publish(subject, json.dumps(forged).encode())
    await client.flush()
    await client.close()
    for problem in problems:
        print("schema:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
