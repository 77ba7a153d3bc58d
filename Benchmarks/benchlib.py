"""Helpers shared by the comparison scripts: run a command, parse package-benchmark and peer output."""
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

UNITS = {"ns": 1.0, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def run(command, cwd):
    print("$", " ".join(command), file=sys.stderr)
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(command)}")
    return result.stdout


def parse_swift(text):
    """Benchmark name -> {'ns': p50 wall clock in ns, 'mallocs': p50 mallocs}."""
    results, current = {}, None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("│", "╒", "╞", "├", "╘", "=")) and ":" in stripped:
            current = stripped
            results.setdefault(current, {})
            continue
        if current is None or not stripped.startswith("│"):
            continue
        cells = [c.strip() for c in stripped.strip("│").split("│")]
        metric, values = cells[0], cells[1:]
        if metric.startswith("Time (wall clock)"):
            unit = re.search(r"\((ns|μs|us|ms|s)\)", metric).group(1)
            results[current]["ns"] = float(values[2]) * UNITS[unit]  # p50 column
        elif metric.startswith("Malloc (total)"):
            results[current]["mallocs"] = float(values[2])
    return results


def parse_java(text):
    """{(peer, scenario): ns_per_op} from `peer=... scenario=... ns_per_op=...` lines."""
    results = {}
    for match in re.finditer(r"peer=(\S+) scenario=(\S+) ns_per_op=([\d.]+)", text):
        results[(match.group(1), match.group(2))] = float(match.group(3))
    return results


def parse_fields(text):
    """Every `key=value ...` line as a dict."""
    return [dict(field.split("=", 1) for field in line.split()) for line in text.splitlines() if "=" in line]


def fmt(ns):
    return "–" if ns is None else (f"{ns:,.0f} ns" if ns < 10_000 else f"{ns / 1000:,.1f} µs")


