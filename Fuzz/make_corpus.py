#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, Fuzz/corpus/<target>/, from the repository's real data: snapshots the demo
scenarios produced (`memtop snapshot --json`, kept as Tests/MemtopUITests/Fixtures and Fuzz/corpus/snapshot/demo-*),
docs/FEED.md's example, recordings made of them, the first lines of Tests/Fixtures/traces, demo/*.toml and
themes/*.toml, and a few hostile inputs that found (or guard against) traps. Run it from anywhere:
`python3 Fuzz/make_corpus.py`; it rewrites the generated seeds and keeps the demo-* snapshots it was given.

Usage: make_corpus.py [--demo-snapshots FOLDER]   (FOLDER: one `memtop snapshot --json` output per scenario,
                                                    NAME.ndjson; the corpus keeps their last two lines)
"""

import argparse
import gzip
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Fuzz" / "corpus"
INT_MAX = 2**63 - 1
INT_MIN = -(2**63)
UINT64_MAX = 2**64 - 1


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def feed_example():
    """The snapshot in docs/FEED.md's schema section, as one line."""
    text = (ROOT / "docs" / "FEED.md").read_text()
    block = re.search(r"## Snapshot schema.*?```json\n(.*?)```", text, re.S).group(1)
    return json.loads(block)


def extremes(snapshot, value, stamp):
    """`snapshot` with every count, size, counter and time set to `value` (times to `stamp`)."""
    result = json.loads(compact(snapshot))
    result["takenAt"] = stamp
    for pool in result["pools"]:
        for key in ["total", "idle", "leased", "creating", "checking", "waiters", "minimum", "maximum",
                    "consecutiveCreateFailures"]:
            pool[key] = value
        pool["counters"] = {key: value for key in pool["counters"]}
        pool["acquireLatency"] = {key: UINT64_MAX for key in pool["acquireLatency"]}
        if "leases" in pool:
            leases = pool["leases"]
            leases["ageCounts"] = [value] * len(leases["ageCounts"])
            leases["overThreshold"] = value
            leases["leakThreshold"] = UINT64_MAX
            for lease in leases["oldest"]:
                lease["age"], lease["line"] = UINT64_MAX, value
            for site in leases["overThresholdSites"]:
                site["line"], site["count"] = value, value
    for cache in result["caches"]:
        for key in ["count", "weight", "maximumCount", "shards"]:
            cache[key] = value
        cache["maximumWeight"] = value
        cache["stats"] = {key: value for key in cache["stats"]}
        cache["windowFraction"] = 1e308
        if "sizing" in cache:
            sizing = cache["sizing"]
            sizing["sampledReads"], sizing["sampleRate"] = value, value
            for point in sizing["points"]:
                point["capacity"], point["hitRatio"] = value, 1e308
            for point in sizing["policies"]:
                point["hitRatio"] = -1e308
    for registry in result["guards"]:
        latency = registry["status"]["cleanupLatency"]
        registry["status"] = {key: value for key in registry["status"]}
        registry["status"]["cleanupLatency"] = {key: UINT64_MAX for key in latency}
    for scope in result["scopes"]:
        scope["resources"] = value
    for mapping in result["mappings"]:
        for key in ["bytes", "pages", "residentPages"]:
            mapping[key] = value
        mapping["regions"] = [255, 0, 100]
    for fault in result["faults"]:
        fault["until"] = stamp
    for event in result["events"]:
        event["at"] = 0 if stamp else UINT64_MAX
        event["count"] = value
    return result


def crowded(snapshot):
    """`snapshot` with dozens of each component (long and odd names among them) and hundreds of events: the
    panels scroll, the compact layout runs out of lines, the event log folds."""
    result = json.loads(compact(snapshot))
    pool, cache = result["pools"][0], result["caches"][0]
    registry, mapping, event = result["guards"][0], result["mappings"][0], result["events"][0]
    names = [f"c{index:02}" + ("-" * (index % 7)) + ("é" if index % 5 == 0 else "") for index in range(40)]
    result["pools"] = [dict(pool, name=name, waiters=index, leased=index * 3) for index, name in enumerate(names)]
    result["caches"] = [dict(cache, name=name, count=index * 1000) for index, name in enumerate(names)]
    result["guards"] = [dict(registry, name=name) for name in names[:20]]
    result["scopes"] = [dict(result["scopes"][0], name=f"s{name}", registry=name) for name in names[:10]]
    result["mappings"] = [dict(mapping, path=f"/data/{name}" * 3, regions=[index % 101] * 64)
                          for index, name in enumerate(names[:20])]
    result["faults"] = [dict(result["faults"][0], target=name) for name in names[:8]]
    result["events"] = [dict(event, at=event["at"] + index, message=f"close {index}", count=index + 1)
                        for index in range(200)]
    result["health"]["components"] = {f"pool/{name}": {"health": "unhealthy", "reason": "x"} for name in names}
    return result


def snapshots(demo_folder):
    fixtures = ROOT / "Tests" / "MemtopUITests" / "Fixtures"
    for path in sorted(fixtures.glob("*.json")):
        write("snapshot", f"fixture-{path.name}", path.read_bytes().strip())
    for pair in ["steady", "flaky"]:
        first = (fixtures / f"{pair}-1.json").read_bytes().strip()
        second = (fixtures / f"{pair}-2.json").read_bytes().strip()
        write("snapshot", f"pair-{pair}.ndjson", first + b"\n" + second)
    if demo_folder:
        for path in sorted(pathlib.Path(demo_folder).glob("*.ndjson")):
            lines = path.read_bytes().strip().splitlines()[-2:]
            write("snapshot", f"demo-{path.stem}.ndjson", b"\n".join(lines))
    example = feed_example()
    write("snapshot", "feed-example.json", compact(example))
    write("snapshot", "extremes-max.json", compact(extremes(example, INT_MAX, UINT64_MAX)))
    write("snapshot", "extremes-min.json", compact(extremes(example, INT_MIN, 0)))
    write("snapshot", "pair-max-min.ndjson",
          compact(extremes(example, INT_MIN, 0)) + "\n" + compact(extremes(example, INT_MAX, UINT64_MAX)))
    write("snapshot", "many-components.json", compact(crowded(example)))
    # The limits' edge: 2^50 everywhere is still accepted, so the validated path sees it.
    write("snapshot", "limits-edge.json", compact(extremes(example, 2**50, UINT64_MAX)))
    return example


def recordings(example):
    header = {"memtopRecording": 1, "engine": "checkout", "source": "nats://127.0.0.1:4222",
              "startedAt": "2026-11-29T17:00:00Z"}
    steady = [json.loads(line) for line in
              (ROOT / "Tests" / "MemtopUITests" / "Fixtures" / "steady-1.json").read_text().splitlines()]
    frames = [{"at": 0.251, "snapshot": example}, {"at": 1.25, "snapshot": example},
              {"at": 2.5, "snapshot": steady[0]}]
    lines = [compact(header)] + [compact(frame) for frame in frames]
    write("recording", "recording.ndjson", "\n".join(lines) + "\n")
    # CRLF line ends, blank lines, a line that is not JSON, one out of order, a frame past the limits.
    hostile = [compact(header) + "\r", "", "   ", "not json", compact({"at": 9.5, "snapshot": example}) + "\r",
               compact({"at": 3.0, "snapshot": example}),
               compact({"at": 4.0, "snapshot": extremes(example, INT_MAX, UINT64_MAX)})]
    write("recording", "recording-hostile.ndjson", "\n".join(hostile))
    # Times a replay clock must clamp: a huge one, a negative one, zero twice.
    times = [compact({"at": at, "snapshot": example}) for at in [1e308, -5, 0, 0, 1.7976931348623157e308]]
    write("recording", "recording-times.ndjson", "\n".join([compact(header)] + times) + "\n")
    write("recording", "recording-no-header.ndjson", compact(frames[0]) + "\n" + compact(frames[2]))


def traces():
    folder = ROOT / "Tests" / "Fixtures" / "traces"
    for path in sorted(folder.glob("*.gz")):
        with gzip.open(path, "rb") as file:
            head = b"".join(file.readline() for _ in range(40))
        write("trace", path.name.removesuffix(".gz"), head)
    write("trace", "arc-long-runs.trace", "0 16777216 0 0\n" * 3)
    write("trace", "arc-extremes.trace",
          f"{INT_MAX} 5 0 0\n{INT_MIN} 3 0 0\n-1 0 0 0\n7 -1 0 0\n1 16777217 0 0\n")
    write("trace", "lirs-extremes.trace", f"*\r\n\r\n{INT_MAX}\r\n{INT_MIN}\r\n0\r\n  -0  \r\n* end\r\n")


def toml():
    for folder in ["demo", "themes"]:
        for path in sorted((ROOT / folder).glob("*.toml")):
            write("toml", f"{folder}-{path.name}", path.read_bytes())
    config = (ROOT / "Sources" / "MemtopUI" / "Config" / "UserConfig.swift").read_text()
    example = re.search(r"/// ```toml\n(.*?)/// ```", config, re.S).group(1)
    write("toml", "config-example.toml", re.sub(r"(?m)^/// ?", "", example))
    write("toml", "config-keys.toml", 'theme = "nord"\n[keys]\nquit = ["x", "F10", "space"]\nhelp = "Q"\n'
          'flush-cache = []\n[warnings]\nstarving_seconds = 3600\nhit_ratio_drop = 1\nstale_intervals = 1000\n')
    write("toml", "theme-colours.toml", 'name = "x"\n[roles]\ntext = "bold reverse underline #00ff7f on 255"\n'
          'dim = "grey on bright-white"\nkey = "default on default"\nbad = "231"\n')
    write("toml", "scenario-edges.toml", 'name = "edges"\nseed = 9223372036854775807\n[pool]\nminimum = 10000\n'
          'maximum = 10000\n[cache]\nttl_seconds = 86400\nkey_space = 100000000\n[[phase]]\n'
          'duration_seconds = 86400\nrate = 1000000\nconcurrency = 10000\nscan_every_seconds = 0.1\n'
          'scan_length = 10000000\n[[phase]]\nduration_seconds = 0.1\nrate = 0.1\nconcurrency = 1\n'
          'latency_median_ms = 60000\nlatency_p99_ms = 60000\n')


def nats():
    write("nats", "seed-1", b'INFO {"max_payload":1048576}\r\nMSG a.b 1 _INBOX.1 5\r\nhello\r\nPING\r\n+OK\r\n')
    write("nats", "seed-2", b"MSG s 12 3\r\nabc\r\n-ERR 'Authorization Violation'\r\nPONG\r\n")
    write("nats", "max-payload", b'INFO {"max_payload":9223372036854775807}\r\nMSG a 1 9223372036854775807\r\n')
    write("nats", "negative-sizes",
          b'INFO {"max_payload":-1}\r\nMSG a 1 -5\r\nMSG a -1 _INBOX.x -9223372036854775808\r\n')
    write("nats", "hmsg", b"HMSG a 1 _INBOX.2 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n")
    write("nats", "empty-lines", b"\r\n   \r\n \t \r\nPING\r\n\r\nMSG  a  1  0 \r\n\r\n")
    write("nats", "info-cluster", b'INFO {"connect_urls":["a:1","[::1]:2","",":","x:99999"],"ldm":true,'
          b'"tls_required":true,"tls_verify":true,"nonce":"abc"}\r\nINFO {"connect_urls":"a:1","ldm":"yes"}\r\n')
    write("nats", "info-types", b'INFO {"max_payload":"big","headers":1,"server_id":null}\r\n'
          b'INFO {"max_payload":1e400}\r\nINFO {}\r\nINFO\r\n')


def control():
    """Control requests: every command docs/FEED.md lists on the fuzz engine's components, and hostile ones."""
    commands = [
        {"command": "resizePool", "pool": "db", "minimum": 2, "maximum": 20},
        {"command": "resizePool", "pool": "db", "minimum": INT_MIN, "maximum": INT_MAX},
        {"command": "resizePool", "pool": "db", "minimum": 9, "maximum": 3},
        {"command": "injectFault", "target": "db", "kind": "kill-connections", "amount": 1e300},
        {"command": "injectFault", "target": "db", "kind": "acquire-latency", "amount": 100, "durationSeconds": 5},
        {"command": "injectFault", "target": "sessions", "kind": "squeeze", "amount": 0.5, "durationSeconds": 3600},
        {"command": "injectFault", "target": "sessions", "kind": "miss-storm", "durationSeconds": 1e-9},
        {"command": "injectFault", "target": "files", "kind": "cleanup-failures", "durationSeconds": -1},
        {"command": "injectFault", "target": "regions", "kind": "drop-resident-pages"},
        {"command": "clearFaults", "target": "db"},
        {"command": "flushCache", "cache": "sessions"},
        {"command": "resetStats"},
        {"command": "resetStats", "target": "files"},
        {"command": "explode", "target": "db"},
    ]
    for index, command in enumerate(commands):
        write("control", f"{index:02d}-{command['command']}.json", compact(command))
    write("control", "not-json", b"\xff{\"command\":")


def credentials():
    """Login files: a user seed (nkeys' own, for bytes 0…31), a .creds file around it, and near misses."""
    seed = "SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y"
    jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVIn0.c2ln"
    write("credentials", "user.nk", seed + "\n")
    write("credentials", "account.nk", "SAAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4HYMHI\n")
    write("credentials", "public-key.nk", "UAB2CB576PHBBPQ5ODORRZ2LYCMWPZGWGCN2KDK7DXOIMZASKUY3RLKK\n")
    write("credentials", "user.creds",
          f"-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n"
          f"-----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n")
    write("credentials", "unterminated.creds", f"-----BEGIN NATS USER JWT-----\n{jwt}\n-----BEGIN USER NKEY SEED-----\n")


def summary_example():
    """The summary in docs/FEED.md's Summaries section, as one line."""
    text = (ROOT / "docs" / "FEED.md").read_text()
    block = re.search(r"## Summaries.*?```json\n(.*?)```", text, re.S).group(1)
    return json.loads(block)


def summaries():
    """Fleets of summaries, one per line: FEED.md's example, a service of replicas, every number at an
    extreme, the lists at and over their limits, a legacy-free fleet of mixed health."""
    example = summary_example()
    write("summary", "feed-example.json", compact(example))
    fleet = []
    for index, health in enumerate(["healthy", "degraded", "unhealthy", "healthy"]):
        replica = json.loads(compact(example))
        replica.update(engine=f"shop-{index}", service="shop", instance=str(index), health=health)
        replica["pools"][0]["waiters"] = index * 3
        replica["pools"][0]["waitingSeconds"] = index * 4
        fleet.append(compact(replica))
    write("summary", "replicas.ndjson", "\n".join(fleet))
    for name, value, ratio in [("max", INT_MAX, 1.0), ("min", INT_MIN, -1.0), ("edge", 2**50, 0.0)]:
        extreme = json.loads(compact(example))
        extreme["takenAt"] = UINT64_MAX if value > 0 else 0
        extreme["guardFailures"] = extreme["faults"] = value
        for pool in extreme["pools"]:
            for key in ["leased", "maximum", "waiters", "waitingSeconds"]:
                pool[key] = value
            pool["timeoutsPerSecond"] = 1e308 if value > 0 else -1e308
        extreme["caches"][0]["hitRatio"] = ratio
        write("summary", f"extremes-{name}.json", compact(extreme))
    crowded = json.loads(compact(example))
    crowded["pools"] = [dict(example["pools"][0], name=f"p{i}") for i in range(9)]
    crowded["caches"] = [{"name": f"c{i}", "hitRatio": i / 10} for i in range(8)]
    crowded["warnings"] = ["pool p1: waiters for 12 s"] * 4
    crowded["reasons"] = ["pool/p1: " + "x" * 150] * 4
    crowded["labels"] = {f"k{i}": "v" * 160 for i in range(8)}
    write("summary", "crowded.json", compact(crowded))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo-snapshots", help="a folder of `memtop snapshot --json` outputs, NAME.ndjson")
    arguments = parser.parse_args()
    example = snapshots(arguments.demo_snapshots)
    recordings(example)
    traces()
    toml()
    nats()
    control()
    credentials()
    summaries()
    for folder in sorted(CORPUS.iterdir()):
        files = list(folder.iterdir())
        print(f"{folder.relative_to(ROOT)}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
