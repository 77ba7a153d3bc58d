#!/usr/bin/env python3
"""The example service under load and under SIGTERM, against a real PostgreSQL and nats-server (CI runs it).

    python3 Examples/PostgresService/check.py [--seconds 8]

1. Builds the service (debug), starts nats-server on a free port and the service on another, against the
   PostgreSQL at POSTGRES_PORT (.ci/run starts one; without it this script starts its own with
   Scripts/postgres.sh).
2. Drives it with wrk (load.lua) while `memtop record` keeps the engine's snapshots headless, and checks in
   the recording that the pool leased connections and that the cache's hit ratio rose as it warmed.
3. SIGTERM with leased connections, twice: (a) four requests hold connections in pg_sleep for 1.5 s and the
   deadline is 5 s: they are all answered, the process exits 0 soon after them, every connection closed;
   (b) they hold them for 8 s and the deadline is 1 s: the process still exits within the deadline (+1 s),
   the leases closed by force. After each, PostgreSQL has no session of the service left (once a backend's
   pg_sleep is over: only then does it read that its client went away).
Exits non-zero with the reason on the first failed check.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def fail(message):
    raise SystemExit(f"check.py: FAILED: {message}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bin_path(package):
    return Path(subprocess.check_output(["swift", "build", "--package-path", str(package), "--show-bin-path"],
                                        text=True).strip())


def get(url, timeout=30):
    """(status, body) of a GET; a refused or reset connection gives (None, reason)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError, socket.timeout) as error:
        return None, str(error)


def postgres_sessions(port):
    """The sessions on database memtop other than the one asking."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'memtop' AND pid <> pg_backend_pid()"
    out = subprocess.check_output(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "memtop", "-d", "memtop",
                                   "-tAc", query], text=True)
    return int(out.strip())


class Service:
    """The example service as a process, its output collected line by line."""

    def __init__(self, binary, environment):
        self.lines = []
        self.process = subprocess.Popen([str(binary)], env={**os.environ, **environment}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self):
        return "\n".join(self.lines)

    def wait_healthy(self, port, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"the service exited with {self.process.returncode}:\n{self.output()}")
            if get(f"http://127.0.0.1:{port}/health", timeout=2)[0] == 200:
                return
            time.sleep(0.2)
        fail(f"the service did not answer /health within {timeout} s:\n{self.output()}")


def read_recording(path):
    frames = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        record = json.loads(line)
        if "snapshot" in record:
            frames.append(record["snapshot"])
        elif number > 1:
            fail(f"{path}:{number}: neither a header nor a snapshot")
    return frames


def check_recording(frames):
    """The pool leased connections; the cache's hit ratio per frame rose from the first third to the last."""
    if len(frames) < 8:
        fail(f"only {len(frames)} snapshots recorded")
    leased = max(frame["pools"][0]["leased"] for frame in frames)
    ratios, previous = [], None
    for frame in frames:
        stats = frame["caches"][0]["stats"]
        if previous is not None:
            hits, misses = stats["hits"] - previous["hits"], stats["misses"] - previous["misses"]
            if hits + misses >= 20:
                ratios.append(hits / (hits + misses))
        previous = stats
    if leased <= 0:
        fail("the pool never had a connection leased in the recording")
    if len(ratios) < 6:
        fail(f"only {len(ratios)} snapshots with cache lookups")
    third = len(ratios) // 3
    early, late = sum(ratios[:third]) / third, sum(ratios[-third:]) / third
    print(f"recording: {len(frames)} snapshots, pool leased up to {leased}, cache hit ratio "
          f"{early:.1%} in the first third -> {late:.1%} in the last")
    if late <= early:
        fail("the cache's hit ratio did not rise")


def sigterm_with_leases(binary, environment, http_port, postgres_port, hold_ms, deadline_s):
    """SIGTERM while four requests hold pooled connections; returns (seconds to exit, answered requests)."""
    service = Service(binary, {**environment, "SHUTDOWN_DEADLINE": str(deadline_s)})
    service.wait_healthy(http_port)
    answers = []
    requests = [threading.Thread(target=lambda: answers.append(get(f"http://127.0.0.1:{http_port}/slow?ms={hold_ms}")))
                for _ in range(4)]
    for request in requests:
        request.start()
    time.sleep(0.5)  # the four are in pg_sleep on their leased connections
    held = postgres_sessions(postgres_port)
    started = time.monotonic()
    service.process.send_signal(signal.SIGTERM)
    try:
        code = service.process.wait(timeout=deadline_s + 10)
    except subprocess.TimeoutExpired:
        service.process.kill()
        fail(f"no exit {deadline_s + 10} s after SIGTERM:\n{service.output()}")
    took = time.monotonic() - started
    for request in requests:
        request.join(timeout=15)
    # A backend in pg_sleep reads its client's goodbye only when the sleep ends: wait for that, not longer.
    settle = time.monotonic() + max(0, hold_ms / 1000 - 0.5 - took) + 2
    while (left := postgres_sessions(postgres_port)) and time.monotonic() < settle:
        time.sleep(0.1)
    summary = next((line for line in service.lines if line.startswith("shop: shut down:")), None)
    print(f"sigterm (hold {hold_ms} ms, deadline {deadline_s} s): {held} sessions before, exit {code} after "
          f"{took:.2f} s, {sum(1 for status, _ in answers if status == 200)} of 4 answered, {left} sessions left; "
          f"{summary}")
    if code != 0:
        fail(f"exit status {code}:\n{service.output()}")
    if took > deadline_s + 1:
        fail(f"took {took:.2f} s to exit, over the {deadline_s} s deadline (+1 s)")
    if summary is None or " 0 leased" not in summary:
        fail(f"the pool did not end with nothing leased:\n{service.output()}")
    if left != 0:
        fail(f"{left} PostgreSQL sessions outlived the service")
    return took, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="how long wrk drives the service")
    arguments = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="memtop-service-"))
    scratch.chmod(0o755)  # a cluster started in it belongs to the postgres user when this runs as root
    cleanups = []
    try:
        postgres_port = os.environ.get("POSTGRES_PORT")
        if postgres_port is None:
            postgres_port = str(free_port())
            subprocess.run(["bash", str(ROOT / "Scripts/postgres.sh"), "start", str(scratch / "pg"), postgres_port],
                           check=True)
            cleanups.append(lambda: subprocess.run(["bash", str(ROOT / "Scripts/postgres.sh"), "stop",
                                                    str(scratch / "pg")]))
        print("$ swift build --package-path Examples/PostgresService", flush=True)
        subprocess.run(["swift", "build", "--package-path", str(HERE)], check=True)
        binary = bin_path(HERE) / "PostgresService"
        memtop = Path(os.environ.get("MEMTOP") or bin_path(ROOT) / "memtop")
        if not memtop.exists():
            subprocess.run(["swift", "build", "--package-path", str(ROOT), "--product", "memtop"], check=True)

        nats_port = free_port()
        nats = subprocess.Popen(["nats-server", "-a", "127.0.0.1", "-p", str(nats_port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cleanups.append(nats.terminate)
        broker = f"nats://127.0.0.1:{nats_port}"
        http_port = free_port()
        environment = {"POSTGRES_PORT": postgres_port, "NATS_URL": broker, "HTTP_PORT": str(http_port),
                       "INSTANCE": "ci"}

        # 1 and 2: load, recorded headless.
        service = Service(binary, environment)
        cleanups.append(lambda: service.process.poll() is None and service.process.kill())
        service.wait_healthy(http_port)
        recording = scratch / "shop-ci.ndjson"
        recorder = subprocess.Popen([str(memtop), "record", broker, "--engine", "shop-ci", "--out", str(recording),
                                     "--seconds", str(arguments.seconds + 2)], stdout=subprocess.DEVNULL)
        time.sleep(1)
        wrk = subprocess.run(["wrk", "-t2", "-c16", f"-d{arguments.seconds}s", "-s", str(HERE / "load.lua"),
                              f"http://127.0.0.1:{http_port}"], capture_output=True, text=True, check=True)
        rate = next((line.split()[-1] for line in wrk.stdout.splitlines() if line.startswith("Requests/sec")), "?")
        print(f"wrk: {rate} requests/s over {arguments.seconds} s")
        if recorder.wait(timeout=30) != 0:
            fail("memtop record failed")
        check_recording(read_recording(recording))
        service.process.send_signal(signal.SIGTERM)
        if service.process.wait(timeout=30) != 0:
            fail(f"the loaded service did not exit 0 at SIGTERM:\n{service.output()}")

        # 3: SIGTERM with leased connections.
        _, answers = sigterm_with_leases(binary, environment, http_port, postgres_port, hold_ms=1_500, deadline_s=5)
        if [status for status, _ in answers] != [200] * 4:
            fail(f"requests in flight at SIGTERM were not all answered: {answers}")
        sigterm_with_leases(binary, environment, http_port, postgres_port, hold_ms=8_000, deadline_s=1)
        print("check.py: the example service passed")
    finally:
        for cleanup in reversed(cleanups):
            cleanup()


if __name__ == "__main__":
    sys.exit(main())
