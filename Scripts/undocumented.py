#!/usr/bin/env python3
"""Lists the public symbols of a module that have no doc comment of their own.

    python3 Scripts/undocumented.py PatinoxMemory [--symbolgraph DIR]

Reads the symbol graphs of `swift package dump-symbol-graph --minimum-access-level public` (run it first,
or let .ci/run do it). Synthesized members (Equatable's ==, hashValue …), members inherited from other
modules' protocols and implementations of standard-library requirements (description, hash(into:),
Collection's subscript …) are not counted: DocC shows the protocol's documentation for them. Exit status
1 when something is undocumented, so CI can hold the line.
"""
import argparse
import glob
import json
import os
import sys

# Requirements of standard protocols whose documentation DocC inherits.
STANDARD = {"description", "debugDescription", "hash(into:)", "==(_:_:)", "<(_:_:)", "startIndex", "endIndex",
            "index(after:)", "index(before:)", "subscript(_:)", "makeIterator()", "next()", "encode(to:)",
            "init(from:)", "init(rawValue:)", "rawValue", "hashValue", "count", "isEmpty", "init()", "init(_:)"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("module")
    found = glob.glob(".build/*/symbolgraph")
    parser.add_argument("--symbolgraph", default=found[0] if found else ".build/symbolgraph")
    arguments = parser.parse_args()
    path = os.path.join(arguments.symbolgraph, f"{arguments.module}.symbols.json")
    graph = json.load(open(path))
    missing = []
    for symbol in graph["symbols"]:
        identifier = symbol["identifier"]["precise"]
        title = symbol["names"]["title"]
        if "::SYNTHESIZED::" in identifier or symbol.get("docComment"):
            continue
        location = symbol.get("location", {}).get("uri", "")
        if f"Sources/{arguments.module}/" not in location:
            continue  # declared elsewhere (inherited)
        if title in STANDARD and symbol["kind"]["identifier"] != "swift.struct":
            continue
        path_components = ".".join(symbol["pathComponents"])
        line = symbol["location"]["position"]["line"] + 1
        missing.append(f"{location.split('Sources/', 1)[1]}:{line}: {symbol['kind']['displayName']} {path_components}")
    for entry in sorted(missing):
        print(entry)
    print(f"{len(missing)} public symbol(s) of {arguments.module} without a doc comment", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
