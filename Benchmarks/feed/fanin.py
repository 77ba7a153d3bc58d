#!/usr/bin/env python3
"""One memtop attached to a broker carrying 100 engines that publish at 4 Hz: memtop's CPU and memory.

    python3 Benchmarks/feed/fanin.py [--engines 100] [--hz 4] [--seconds 30] [--memtop .build/release/memtop]

nats-py publishes the engines (a real snapshot from `memtop snapshot --json`, renamed per engine, with a
fresh takenAt each time; `--large` repeats its pools and caches tenfold, ~8 KB a message). memtop attaches
in tmux to one of them, hears all of them (its engine picker lists every engine with its rate) and decodes
the drawn one. CPU (utime+stime) and resident memory of the memtop process are sampled from /proc; the goal
(issue #7) is under 10 % of a core. Needs nats-server, tmux and nats-py.
"""
import argparse
import asyncio
import copy
import json
import os
import re
import subprocess
import sys
import threading
import time

from feedlib import NATSServer, TmuxPane

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ui"))
from cost import sample  # noqa: E402


def template(memtop, large):
    text = subprocess.run([memtop, "snapshot", "--seconds", "1", "--json"], capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[-1]
    snapshot = json.loads(text)
    if large:
        for key in ("pools", "caches"):
            originals = snapshot[key]
            snapshot[key] = []
            for copy_index in range(10):
                for item in originals:
                    item = copy.deepcopy(item)
                    item["name"] = f"{item['name']}-{copy_index}"
                    snapshot[key].append(item)
    snapshot["engine"] = "ENGINE"
    snapshot["takenAt"] = 123456789
    return json.dumps(snapshot, separators=(",", ":")).replace('"takenAt":123456789', '"takenAt":TAKEN')


async def publish(url, body, engines, hz, stop):
    import nats
    client = await nats.connect(url)
    names = [f"e-{index:03d}" for index in range(1, engines + 1)]
    payloads = {name: body.replace('"engine":"ENGINE"', f'"engine":"{name}"') for name in names}
    sent = 0
    started = time.monotonic()
    tick = 0
    while not stop.is_set():
        now_ns = time.monotonic_ns()
        for name in names:
            await client.publish(f"memtop.v1.{name}.snapshot", payloads[name].replace("TAKEN", str(now_ns)).encode())
            sent += 1
        tick += 1
        await asyncio.sleep(max(0, started + tick / hz - time.monotonic()))
    await client.flush()
    await client.close()
    return sent / (time.monotonic() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", type=int, default=100)
    parser.add_argument("--hz", type=float, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--memtop", default=".build/release/memtop")
    arguments = parser.parse_args()
    body = template(arguments.memtop, arguments.large)
    with NATSServer() as server:
        stop = threading.Event()
        rate = []
        publisher = threading.Thread(
            target=lambda: rate.append(asyncio.run(publish(server.url, body, arguments.engines, arguments.hz, stop))))
        publisher.start()
        time.sleep(1)
        pane = TmuxPane(f"{arguments.memtop} attach {server.url} --engine e-001 --refresh 500")
        try:
            pane.wait_for(lambda screen: "engine e-001" in screen and "LIVE" in screen)
            _, cpu, rss_mean, rss_max, ui = sample("memtop attach", pane.pid, arguments.seconds)
            pane.keys("e")
            picker = pane.wait_for(lambda screen: "Engines on the broker" in screen)
        finally:
            pane.close()
            stop.set()
            publisher.join()
    heard = [match.group(0) for match in map(re.compile(r"e-\d{3}.*?/s\s+\S+ \S*B").search, picker.splitlines())
             if match]
    print(f"{arguments.engines} engines × {arguments.hz:g} Hz, {len(body)} bytes a snapshot, "
          f"{rate[0]:.0f} messages/s sent")
    print(f"memtop attach: {cpu:.2f} % of a core (UI thread {ui:.2f} %), RSS mean {rss_mean:.1f} MiB, "
          f"max {rss_max:.1f} MiB; goal < 10 %: {'met' if cpu < 10 else 'MISSED'}")
    print("engine picker (first rows):")
    for line in heard[:3]:
        print("   ", line.strip(" │"))


if __name__ == "__main__":
    main()
