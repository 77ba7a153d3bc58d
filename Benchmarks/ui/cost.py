#!/usr/bin/env python3
"""The terminal UI's own cost beside htop and btop: each program runs alone in the same 120x40 tmux pane
for the same time; CPU (utime+stime from /proc) and resident memory are sampled from its process.

    python3 Benchmarks/ui/cost.py [--seconds 30] [--memtop .build/release/memtop]

memtop is measured twice: the TUI on the demo (`memtop demo --refresh 200`, 5 Hz) and the same scenario
headless (`memtop snapshot --interval 200`), so the UI's share is the difference. htop and btop must be
installed (apt-get install htop btop); btop is set to 200 ms through a throwaway config.
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def thread_cpu_seconds(pid, name):
    """CPU of the threads of `pid` called `name` (memtop names its UI thread memtop-ui)."""
    total = 0.0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                if comm.read().strip() != name:
                    continue
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except FileNotFoundError:
            pass
    return total


def resident_bytes(pid):
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def measure_tmux(name, command, seconds, env):
    socket = f"cost-{os.getpid()}-{name.split()[0]}"
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "m", "-x", "120", "-y", "40",
                    f"exec {command}"], check=True, env=env, stdout=subprocess.DEVNULL)
    try:
        pid = int(subprocess.run(["tmux", "-L", socket, "display", "-p", "-t", "m", "#{pane_pid}"],
                                 capture_output=True, text=True, check=True).stdout.strip())
        return sample(name, pid, seconds)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], stderr=subprocess.DEVNULL)


def measure_headless(name, command, seconds, env):
    process = subprocess.Popen(f"exec {command}", shell=True, env=env, stdout=subprocess.DEVNULL)
    try:
        return sample(name, process.pid, seconds)
    finally:
        process.kill()
        process.wait()


def sample(name, pid, seconds):
    time.sleep(3)  # start-up is not steady state
    start_cpu, start_ui, start = cpu_seconds(pid), thread_cpu_seconds(pid, "memtop-ui"), time.monotonic()
    rss = []
    while time.monotonic() - start < seconds:
        time.sleep(1)
        rss.append(resident_bytes(pid))
    used = cpu_seconds(pid) - start_cpu
    ui = thread_cpu_seconds(pid, "memtop-ui") - start_ui
    wall = time.monotonic() - start
    return name, 100 * used / wall, sum(rss) / len(rss) / 2**20, max(rss) / 2**20, 100 * ui / wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--memtop", default=".build/release/memtop")
    arguments = parser.parse_args()
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
    home = tempfile.mkdtemp()
    os.makedirs(f"{home}/.config/btop")
    with open(f"{home}/.config/btop/btop.conf", "w") as config:
        config.write("update_ms = 200\n")
    results = [
        measure_tmux("memtop demo --refresh 200 (TUI + synthetic load)", f"{arguments.memtop} demo --refresh 200",
                     arguments.seconds, env),
        measure_headless("memtop snapshot --interval 200 (synthetic load alone)",
                         f"{arguments.memtop} snapshot --seconds 86400 --interval 200 --json", arguments.seconds, env),
    ]
    if shutil.which("htop"):
        results.append(measure_tmux("htop -d 2", "htop -d 2", arguments.seconds, env))
    if shutil.which("btop"):
        results.append(measure_tmux("btop (update_ms = 200)", "btop", arguments.seconds, dict(env, HOME=home)))
    print(f"| program | CPU (% of a core) | RSS mean | RSS max |\n|---|---|---|---|")
    for name, cpu, mean, peak, _ in results:
        print(f"| {name} | {cpu:.2f} | {mean:.1f} MiB | {peak:.1f} MiB |")
    ui_rss = results[0][2] - results[1][2]
    print(f"\nmemtop's UI thread (memtop-ui: snapshot intake, render, ncurses output, keys): {results[0][4]:.2f} % "
          f"of a core; the rest of the TUI run is the synthetic load. Resident memory the UI adds (TUI run minus "
          f"headless run): {ui_rss:.1f} MiB.")


if __name__ == "__main__":
    main()
