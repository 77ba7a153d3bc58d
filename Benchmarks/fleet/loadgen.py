#!/usr/bin/env python3
"""A fleet on a real nats-server, for Benchmarks/fleet/scale.py: N engines as publishers of this version send them
(a summary each second, spread over the second, and full snapshots at 4 Hz for the few engines a viewer may
draw), or as publishers before summaries did (every engine's full snapshot at 4 Hz: the baseline).

    python3 Benchmarks/fleet/loadgen.py URL N --design summaries|snapshots --template SNAPSHOT.json
        [--full 3] [--seconds 60] [--flip FILE]

Engines are e-00000 … e-NNNNN in services of ten replicas (svc-0000, svc-0001, …). On SIGUSR1 engine
e-<N/2> turns unhealthy: its summary goes out at once (as FeedPublisher sends one on a change of health) and
the wall-clock time of that publish is written to --flip FILE. Prints the messages and bytes sent per second.
"""
import argparse
import asyncio
import json
import signal
import time

import nats

SUMMARY = {
    "summaryVersion": 1, "engine": "ENGINE", "service": "SERVICE", "instance": "INSTANCE",
    "labels": {"region": "eu-west"}, "takenAt": 0, "health": "healthy", "reasons": [],
    "pools": [{"name": "db", "leased": 3, "maximum": 10, "waiters": 0, "timeoutsPerSecond": 0,
               "waitingSeconds": 0}],
    "caches": [{"name": "users", "hitRatio": 0.82}], "guardFailures": 0, "faults": 0, "warnings": [],
}


def summary(index, now_ns, unhealthy):
    body = dict(SUMMARY, engine=f"e-{index:05d}", service=f"svc-{index // 10:04d}", instance=str(index % 10),
                takenAt=now_ns)
    body["pools"] = [dict(SUMMARY["pools"][0], leased=(index * 7 + now_ns // 1_000_000_000) % 10)]
    if unhealthy:
        body.update(health="unhealthy", reasons=["pool/db: circuit open after 12 failed connection attempts"])
    return json.dumps(body, separators=(",", ":")).encode()


async def run(arguments):
    client = await nats.connect(arguments.url, pending_size=64 * 1024 * 1024)
    template = json.load(open(arguments.template))
    template["takenAt"] = 123456789
    snapshot_text = json.dumps(template, separators=(",", ":")).replace('"takenAt":123456789', '"takenAt":TAKEN')
    count = arguments.engines
    flipped = {"at": None}
    target = count // 2
    loop = asyncio.get_running_loop()
    flip_requested = asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, flip_requested.set)
    full = list(range(count) if arguments.design == "snapshots" else range(min(arguments.full, count)))
    snapshot_bodies = {i: snapshot_text.replace(f'"engine":"{template["engine"]}"', f'"engine":"e-{i:05d}"')
                       for i in full}
    ticks_per_second = 40  # a quarter second is 10 ticks
    sent = messages = 0
    started = time.monotonic()
    tick = 0
    while time.monotonic() - started < arguments.seconds:
        now_ns = time.monotonic_ns()
        if arguments.design == "summaries":
            for index in range(tick % ticks_per_second, count, ticks_per_second):  # each engine once a second
                payload = summary(index, now_ns, index == target and flipped["at"] is not None)
                await client.publish(f"memtop.v1.summary.svc-{index // 10:04d}.e-{index:05d}", payload)
                sent += len(payload)
                messages += 1
        # Full snapshots at 4 Hz: the drawable few (summaries), or every engine (snapshots), spread over ticks.
        for index in range(tick % 10, len(full), 10):
            payload = snapshot_bodies[full[index]].replace("TAKEN", str(now_ns)).encode()
            await client.publish(f"memtop.v1.e-{full[index]:05d}.snapshot", payload)
            sent += len(payload)
            messages += 1
        if flip_requested.is_set() and flipped["at"] is None:
            flipped["at"] = time.time()
            payload = summary(target, now_ns, True)
            await client.publish(f"memtop.v1.summary.svc-{target // 10:04d}.e-{target:05d}", payload)
            await client.flush()
            if arguments.flip:
                with open(arguments.flip, "w") as out:
                    out.write(f"e-{target:05d} {flipped['at']}\n")
        tick += 1
        await asyncio.sleep(max(0, started + tick / ticks_per_second - time.monotonic()))
    await client.flush()
    await client.close()
    elapsed = time.monotonic() - started
    print(f"sent {messages / elapsed:.0f} messages/s, {sent / elapsed / 1e6:.2f} MB/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("engines", type=int)
    parser.add_argument("--design", choices=["summaries", "snapshots"], default="summaries")
    parser.add_argument("--template", required=True, help="a snapshot (memtop snapshot --json), one line")
    parser.add_argument("--full", type=int, default=3, help="engines that also publish full snapshots at 4 Hz")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--flip", help="where to write the time engine e-<N/2> turned unhealthy")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
