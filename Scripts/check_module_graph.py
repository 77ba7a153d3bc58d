#!/usr/bin/env python3
"""Checks the module graph (docs/ARCHITECTURE.md, "Modules"): a service that publishes its engine links
PatinoxMemory and the feed, never the terminal UI.

    python3 Scripts/check_module_graph.py             # the package graph and the import lines
    python3 Scripts/check_module_graph.py --binary    # also builds memtop-publish-example and reads its binary

1. The package (`swift package dump-package`): the dependency closure of each library product holds none
   of the targets it must not (MemtopFeed: no MemtopUI, CNCurses or MemtopTOML; MemtopUI: no MemtopFeed;
   MemtopSource and PatinoxMemory: no Memtop module at all).
2. The sources' `import` lines say the same, file by file, and the headless commands (publish, record,
   snapshot) import no MemtopUI.
3. With --binary: the example publisher's executable needs no libncursesw (`readelf -d`) and holds no
   MemtopUI symbol (`nm`).
Exit status 1, with each finding, when any check fails.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_SIDE = {"MemtopUI", "CNCurses", "MemtopTOML"}

# product -> targets its closure must not contain
FORBIDDEN_IN_PRODUCT = {
    "PatinoxMemory": UI_SIDE | {"MemtopSource", "MemtopFeed", "MemtopWorkload"},
    "MemtopSource": UI_SIDE | {"MemtopFeed", "MemtopWorkload"},
    "MemtopFeed": UI_SIDE | {"MemtopWorkload"},
    "MemtopUI": {"MemtopFeed"},
}
# folder of sources -> modules none of its files may import
FORBIDDEN_IMPORTS = {
    "Sources/PatinoxMemory": UI_SIDE | {"MemtopSource", "MemtopFeed", "MemtopWorkload", "FoundationNetworking",
                                        "NIOPosix"},
    "Sources/MemtopSource": UI_SIDE | {"MemtopFeed", "MemtopWorkload"},
    "Sources/MemtopFeed": UI_SIDE | {"MemtopWorkload"},
    "Sources/MemtopUI": {"MemtopFeed"},
    "Sources/memtop/PublishCommand.swift": {"MemtopUI"},
    "Sources/memtop/RecordCommand.swift": {"MemtopUI"},
    "Sources/memtop/SnapshotCommand.swift": {"MemtopUI"},
    "Sources/memtop/WaitUntilStopped.swift": {"MemtopUI"},
    "Examples/PublishEngine": UI_SIDE,
}
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let)\s+)?(\w+)", re.M)


def closure(targets, start):
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in targets:
            continue
        seen.add(name)
        for dependency in targets[name]["dependencies"]:
            kind, value = next(iter(dependency.items()))
            if kind in ("byName", "target"):
                todo.append(value[0])
    return seen


def check_package():
    package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], cwd=ROOT, text=True))
    targets = {target["name"]: target for target in package["targets"]}
    products = {product["name"]: product for product in package["products"]}
    findings = []
    for product, forbidden in FORBIDDEN_IN_PRODUCT.items():
        if product not in products:
            findings.append(f"Package.swift: no library product {product}")
            continue
        reach = set().union(*(closure(targets, target) for target in products[product]["targets"]))
        for bad in sorted(reach & forbidden):
            findings.append(f"Package.swift: product {product} depends on {bad} (through {sorted(reach)})")
        print(f"product {product}: {', '.join(sorted(reach))}")
    return findings


def check_imports():
    findings = []
    for place, forbidden in FORBIDDEN_IMPORTS.items():
        path = ROOT / place
        files = [path] if path.is_file() else sorted(path.rglob("*.swift"))
        if not files:
            findings.append(f"{place}: no Swift files found")
        for file in files:
            text = file.read_text(encoding="utf-8")
            for match in IMPORT.finditer(text):
                if match.group(1) in forbidden:
                    line = text.count("\n", 0, match.start()) + 1
                    findings.append(f"{file.relative_to(ROOT)}:{line}: imports {match.group(1)}")
    return findings


def check_binary():
    subprocess.check_call(["swift", "build", "--product", "memtop-publish-example"], cwd=ROOT,
                          stdout=subprocess.DEVNULL)
    folder = subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip()
    binary = Path(folder) / "memtop-publish-example"
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                        subprocess.check_output(["readelf", "-d", str(binary)], text=True))
    print(f"memtop-publish-example needs: {', '.join(needed)}")
    findings = [f"{binary.name} links {library}" for library in needed if "ncurses" in library or "tinfo" in library]
    symbols = subprocess.check_output(["nm", str(binary)], text=True)
    ui_symbols = [line for line in symbols.splitlines() if "8MemtopUI" in line]
    if ui_symbols:
        findings.append(f"{binary.name} holds {len(ui_symbols)} MemtopUI symbols, e.g. {ui_symbols[0]}")
    return findings


def main(arguments):
    findings = check_package() + check_imports()
    if "--binary" in arguments:
        findings += check_binary()
    for finding in findings:
        print(finding)
    print("module graph: " + ("OK" if not findings else f"{len(findings)} problem(s)"))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
