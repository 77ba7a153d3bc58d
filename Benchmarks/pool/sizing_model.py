#!/usr/bin/env python3
"""Checks the pool detail's sizing model (Erlang C, issue #19 part 2b) against the demo's real pool.

For the busiest phase of the steady and flash-sale scenarios, the phase runs alone (`memtop snapshot`, a release
build) with the pool fixed at several sizes. At each size the script measures, after a 5 s warm-up: the acquire
rate, the mean leased count (so the mean hold, by Little's law) and the share of acquires that waited
(`counters.waited`). Two predictions of that share are set beside the measurement:
  - "from ref": the model fed by the run at the reference size (the scenario's own), predicting every size;
  - "self": the model fed by the run at that size, as memtop's pool detail does for the size in force.
The model's rate is every acquire that arrived (served, timed out or cancelled); the hold is Little's law over the
served ones (mean leased ÷ served rate), as in the pool detail.

    swift build -c release --product memtop
    python3 Benchmarks/pool/sizing_model.py [--seconds 20] [--memtop .build/release/memtop]

Prints a Markdown table (docs/BENCHMARKS.md, "What-if pool sizing").
"""
import argparse
import json
import math
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]

CASES = {
    # scenario: (phase settings, pool sizes, reference size)
    "steady": (dict(rate=900, concurrency=16, latency_median_ms=8, latency_p99_ms=40), [3, 4, 5, 6, 8, 12], 6),
    "flash-sale": (dict(rate=4000, concurrency=96, latency_median_ms=15, latency_p99_ms=60), [8, 12, 16, 24, 32], 8),
}


def erlang_c(servers, load):
    if load >= servers:
        return 1.0
    blocking = 1.0
    for server in range(1, servers + 1):
        blocking = load * blocking / (server + load * blocking)
    return blocking / (1 - load / servers * (1 - blocking))


def scenario_text(name, phase, size, seconds):
    """The scenario's file with the pool fixed at `size` and only the chosen phase."""
    text = (ROOT / "demo" / f"{name}.toml").read_text()
    head = text.split("[[phase]]")[0]
    lines = []
    section = None
    for line in head.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        key = stripped.split("=")[0].strip()
        if section == "[pool]" and key in ("minimum", "maximum"):
            continue
        if section is None and key == "repeat":
            continue
        lines.append(line)
        if stripped == "[pool]":
            lines += [f"minimum = {size}", f"maximum = {size}"]
    lines += ["", "[[phase]]", 'name = "measured"', f"duration_seconds = {seconds + 5}"]
    lines += [f"{key} = {value}" for key, value in phase.items()]
    return "\n".join(lines) + "\n"


def measure(memtop, name, phase, size, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as file:
        file.write(scenario_text(name, phase, size, seconds))
        path = file.name
    output = subprocess.run(
        [memtop, "snapshot", "--scenario", path, "--seconds", str(seconds), "--interval", "250", "--json"],
        capture_output=True, text=True, check=True,
    ).stdout
    snapshots = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    pools = [(s["takenAt"], s["pools"][0]) for s in snapshots]
    start = pools[0][0] + 5_000_000_000
    window = [(at, pool) for at, pool in pools if at >= start]
    (first_at, first), (last_at, last) = window[0], window[-1]
    elapsed = (last_at - first_at) / 1e9
    def grew(field):
        return last["counters"][field] - first["counters"][field]
    acquired, waited = grew("acquired"), grew("waited")
    arrived = acquired + grew("timedOut") + grew("cancelled")  # what arrived, served or turned away
    mean_leased = sum(pool["leased"] for _, pool in window) / len(window)
    hold = mean_leased / (acquired / elapsed)  # Little's law, over the acquires that held a connection
    return {"rate": arrived / elapsed, "leased": mean_leased, "hold": hold, "waited": waited / max(arrived, 1),
            "timeouts": grew("timedOut")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--memtop", default=str(ROOT / ".build" / "release" / "memtop"))
    args = parser.parse_args()
    print("| scenario (phase) | size | arrivals/s | mean leased | hold ms | waited, measured | from ref | self | timeouts |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (phase, sizes, reference) in CASES.items():
        runs = {size: measure(args.memtop, name, phase, size, args.seconds) for size in sizes}
        ref = runs[reference]
        for size in sizes:
            run = runs[size]
            from_ref = erlang_c(size, ref["rate"] * ref["hold"])
            itself = erlang_c(size, run["rate"] * run["hold"])
            label = f"{name} ({phase['rate']} req/s, {phase['concurrency']} workers)"
            mark = " (ref)" if size == reference else ""
            print(f"| {label} | {size}{mark} | {run['rate']:,.0f} | {run['leased']:.2f} | {run['hold'] * 1000:.1f} | "
                  f"{run['waited'] * 100:.1f} % | {from_ref * 100:.1f} % | {itself * 100:.1f} % | {run['timeouts']} |")


if __name__ == "__main__":
    main()
