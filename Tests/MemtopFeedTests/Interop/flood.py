"""A flood from another process (nats-py): N one-byte messages, each on the snapshot subject of a made-up
engine, as a hostile or broken peer on a shared broker would send them. Usage: flood.py URL N"""
import asyncio
import sys

import nats


async def main(url, count):
    client = await nats.connect(url)
    for index in range(count):
        await client.publish(f"memtop.v1.e{index}.snapshot", b"x")
    await client.flush()
    await client.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]))))
