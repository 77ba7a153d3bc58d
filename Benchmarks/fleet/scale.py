#!/usr/bin/env python3
"""The fleet at scale, through a real nats-server (issue #17): `memtop attach` in tmux on a broker carrying N
engines, for the design of this version (summaries at 1 Hz, full snapshots of 3 engines at 4 Hz, the viewer
subscribed to the summaries and to one engine's snapshots) beside the design before it (every engine's full
snapshot at 4 Hz, the viewer subscribed to all of them: `--discover snapshots`), in the same run.

    python3 Benchmarks/fleet/scale.py [--engines 100,1000,10000] [--seconds 15] [--memtop .build/release/memtop]

For each N and design: the viewer's CPU (% of a core, /proc utime+stime), resident memory (mean, max), the
bytes it read per second (/proc/PID/io rchar: the broker's messages to it, with their protocol lines), and —
for summaries — the time from engine e-<N/2> turning unhealthy (the load generator's publish) to its row being
the first of the fleet view (tmux polled every 20 ms). The viewer refreshes every 500 ms. Prints a table.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "feed"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ui"))
from cost import sample  # noqa: E402
from feedlib import NATSServer, TmuxPane  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def read_bytes(pid):
    with open(f"/proc/{pid}/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("rchar:"))


def first_engine_row(screen):
    for line in screen.splitlines():
        if line.startswith("│"):
            for word in line.replace("│", " ").replace("▶", " ").split():
                if word.startswith("e-"):
                    return word
    return None


def measure(memtop, template, engines, design, seconds):
    flip = tempfile.mktemp(suffix=".flip")
    with NATSServer() as server:
        generator = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "loadgen.py"), server.url, str(engines), "--design", design,
             "--template", template, "--seconds", str(seconds + 40), "--flip", flip],
            stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        discover = "" if design == "summaries" else " --discover snapshots"
        pane = TmuxPane(f"{memtop} attach {server.url} --refresh 500{discover}")
        result = {"engines": engines, "design": design}
        try:
            pane.wait_for(lambda screen: "Fleet:" in screen and f"{engines} engine" in screen, seconds=30)
            start_bytes, start = read_bytes(pane.pid), time.monotonic()
            _, cpu, rss_mean, rss_max, ui = sample("memtop attach", pane.pid, seconds)
            result.update(cpu=cpu, ui=ui, rss_mean=rss_mean, rss_max=rss_max,
                          bytes_per_second=(read_bytes(pane.pid) - start_bytes) / (time.monotonic() - start))
            if design == "summaries":
                target = f"e-{engines // 2:05d}"
                generator.send_signal(signal.SIGUSR1)
                while not os.path.exists(flip) or not open(flip).read().strip():
                    time.sleep(0.005)
                flipped_at = float(open(flip).read().split()[1])
                pane.wait_for(lambda screen: first_engine_row(screen) == target, seconds=20)
                result["to_top"] = time.time() - flipped_at
        finally:
            pane.close()
            generator.terminate()
            sent = generator.communicate()[0].strip()
            result["sent"] = sent
            if os.path.exists(flip):
                os.remove(flip)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="100,1000,10000")
    parser.add_argument("--designs", default="summaries,snapshots")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--memtop", default=".build/release/memtop")
    arguments = parser.parse_args()
    template = tempfile.mktemp(suffix=".json")
    text = subprocess.run([arguments.memtop, "snapshot", "--seconds", "1", "--json"], capture_output=True,
                          text=True, check=True).stdout.strip().splitlines()[-1]
    with open(template, "w") as out:
        out.write(text)
    print(f"snapshot template: {len(text)} bytes")
    print(f"{'N':>6} {'design':<10} {'CPU %':>6} {'UI %':>5} {'RSS MiB':>13} {'read/s':>10} {'→ top':>7}  load")
    for engines in [int(value) for value in arguments.engines.split(",")]:
        for design in arguments.designs.split(","):
            try:
                r = measure(arguments.memtop, template, engines, design, arguments.seconds)
            except RuntimeError as error:
                print(f"{engines:>6} {design:<10} failed: {str(error).splitlines()[0]}")
                continue
            to_top = f"{r['to_top']:.2f} s" if "to_top" in r else "—"
            print(f"{engines:>6} {design:<10} {r['cpu']:>6.2f} {r['ui']:>5.2f} "
                  f"{r['rss_mean']:>6.1f}/{r['rss_max']:<6.1f} {r['bytes_per_second'] / 1e6:>7.2f} MB "
                  f"{to_top:>7}  {r['sent']}", flush=True)
    os.remove(template)


if __name__ == "__main__":
    main()
