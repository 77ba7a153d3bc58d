#!/usr/bin/env python3
"""Lists the lines of the repository's Swift files longer than the house limit (120 characters).

    python3 Scripts/long_lines.py            # every tracked *.swift file; exit status 1 on any
    python3 Scripts/long_lines.py FILE ...   # just these

`swift format lint` leaves comments and string literals alone however long they are; this check covers
them too. Lengths are in characters (Unicode scalars), not bytes, as an editor counts columns.
"""
import subprocess
import sys
from pathlib import Path

LIMIT = 120
ROOT = Path(__file__).resolve().parents[1]


def swift_files():
    listed = subprocess.check_output(["git", "ls-files", "*.swift"], cwd=ROOT, text=True)
    return [ROOT / name for name in listed.split()]


def main(arguments):
    files = [Path(name) for name in arguments] or swift_files()
    found = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if len(line) > LIMIT:
                found += 1
                shown = path.relative_to(ROOT) if path.is_absolute() else path
                print(f"{shown}:{number}: {len(line)} characters (limit {LIMIT})")
    if found:
        print(f"{found} line(s) over {LIMIT} characters: break them (comments and strings too)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
