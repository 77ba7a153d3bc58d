"""A flood from another process (nats-py), as a hostile or broken peer on a shared broker would send it: N
messages, each from a made-up engine. Usage: flood.py URL N [snapshots|summaries]
- snapshots: one byte on each engine's snapshot subject (what viewers that find engines by snapshots hear);
- summaries (the default): a valid summary of each engine on memtop.v1.summary.flood.eN (what a viewer of
  this version lists engines by: the roster's bound is what stops it)."""
import asyncio
import sys

import nats


def summary(index):
    return (
        '{"summaryVersion":1,"engine":"e%d","service":"flood","takenAt":0,"health":"healthy","reasons":[],'
        '"pools":[],"caches":[],"guardFailures":0,"faults":0,"warnings":[]}' % index
    ).encode()


async def main(url, count, kind):
    client = await nats.connect(url)
    for index in range(count):
        if kind == "snapshots":
            await client.publish(f"memtop.v1.e{index}.snapshot", b"x")
        else:
            await client.publish(f"memtop.v1.summary.flood.e{index}", summary(index))
    await client.flush()
    await client.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "summaries")))
