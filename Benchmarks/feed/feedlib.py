"""Helpers for the feed measurements: a private nats-server, memtop in a private tmux server."""
import os
import socket
import subprocess
import time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NATSServer:
    """nats-server on a free port, stopped on exit."""

    def __enter__(self):
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(["nats-server", "-a", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server did not start (is it installed? apt-get install nats-server)")

    def __exit__(self, *_):
        self.process.kill()
        self.process.wait()


class TmuxPane:
    """One 120x40 pane running `command` on a tmux server of its own."""

    def __init__(self, command, env=None):
        self.socket = f"feed-{os.getpid()}-{free_port()}"
        env = dict(env or os.environ, TERM="xterm-256color", LANG="C.UTF-8")
        subprocess.run(["tmux", "-L", self.socket, "new-session", "-d", "-s", "m", "-x", "120", "-y", "40",
                        f"exec {command}"], check=True, env=env, stdout=subprocess.DEVNULL)
        self.pid = int(self.tmux("display", "-p", "-t", "m", "#{pane_pid}").strip())

    def tmux(self, *arguments):
        return subprocess.run(["tmux", "-L", self.socket, *arguments], capture_output=True, text=True,
                              check=True).stdout

    def capture(self):
        return self.tmux("capture-pane", "-p", "-t", "m")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "m", *keys)

    def wait_for(self, condition, seconds=15):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.capture()
            if condition(screen):
                return screen
            time.sleep(0.05)
        raise RuntimeError(f"timed out; the screen was:\n{self.capture()}")

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], stderr=subprocess.DEVNULL)
