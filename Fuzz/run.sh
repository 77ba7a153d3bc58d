#!/usr/bin/env bash
# Fuzzes memtop's decoders with libFuzzer and AddressSanitizer (issue #15): `bash Fuzz/run.sh [RUNS [TARGET...]]`.
#
# Builds the fuzz package (Fuzz/Package.swift: one executable per target, the repository's package by path) with
# -sanitize=fuzzer,address, so that every module is instrumented, and runs the targets two at a time (one per
# core), each from its seeds (Fuzz/corpus/TARGET) and what earlier runs added (.build/fuzz/corpus/TARGET):
#
#   snapshot   snapshot JSON through decodeSnapshot, the reducer and every screen   RUNS / 100
#   summary    engine summaries (one per line) through decodeSummary and the fleet view  RUNS / 50
#   recording  recordings through RecordingReader, a replay and the viewer          RUNS / 100
#   toml       scenario, theme and user config files                                RUNS / 20
#   control    control requests through the publisher's answer and Engine.apply      RUNS / 20
#   credentials  NKEY seed and .creds files (NKeyPair, NATSCredentials)                RUNS / 10
#   trace      cache traces (LIRS and ARC lines), replayed through every policy     RUNS / 4
#   nats       the NATS protocol parser: server lines in two fragments               RUNS (default 1,000,000)
#
# With TARGETs named, only those run, RUNS times each, or COUNT times for TARGET=COUNT (a campaign:
# `bash Fuzz/run.sh 0 nats=8000000 control=1500000 …`, its numbers in Fuzz/README.md). Every input has a time
# limit (-timeout=10 s) and the process a memory limit (-rss_limit_mb=2048). Exit status non-zero on any crash,
# timeout or out-of-memory; the input that caused it is kept in .build/fuzz/artifacts/TARGET/ (rerun it:
# .build/fuzz/release/fuzz-TARGET FILE).
# Prints each target's statistics and, last, `fuzz total: N runs in T s, 0 crashes`.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-1000000}"
shift || true
SCRATCH=".build/fuzz"
FLAGS=(-c release --package-path Fuzz --scratch-path "$SCRATCH" -Xswiftc -sanitize=fuzzer,address)
# gold fails on the instrumented objects (an internal error in format_file_lineno); the toolchain's lld links them.
FLAGS+=(-Xswiftc -use-ld=lld)
mkdir -p "$SCRATCH/logs"
# SwiftPM plans a path dependency's sources once per manifest change: a file added to the repository's package
# since the last fuzz build would be missing from it. A newer Fuzz/Package.swift makes it plan again.
touch Fuzz/Package.swift
build() { swift build "${FLAGS[@]}" >"$SCRATCH/logs/build.log" 2>&1; }
# A source file saved while SwiftPM compiled it (an editor, another checkout's engineer) fails a build: once more.
if ! build && ! { grep -q "was modified during the build" "$SCRATCH/logs/build.log" && build; }; then
    tail -n 60 "$SCRATCH/logs/build.log"
    echo "the fuzz targets did not build (all of it: $SCRATCH/logs/build.log)"
    exit 1
fi
tail -n 1 "$SCRATCH/logs/build.log"
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)"
# Swift's own crash backtracer would race ASan's report (and can outlive the process); ASan's trace names the line.
export SWIFT_BACKTRACE=enable=no

# TARGET DIVISOR MAX_LEN [ASAN_OPTIONS]: runs RUNS / DIVISOR. TOMLKit 0.6.0 leaks what it writes (see
# Fuzz/Sources/fuzz-toml/main.swift), so the toml target runs without the leak check.
TARGETS=(  # the slowest first, so that the two cores finish together
    "snapshot 100 65536"
    "recording 100 65536"
    "summary 50 16384"
    "toml 20 8192 detect_leaks=0"
    "control 20 1024"
    "credentials 10 8192"
    "trace 4 4096"
    "nats 1 4096"
)
if [ "$#" -gt 0 ]; then
    SELECTED=()
    for selection in "$@"; do  # NAME (RUNS runs) or NAME=COUNT (COUNT runs)
        name="${selection%%=*}" count="="
        [ "$name" != "$selection" ] && count="=${selection#*=}"
        line="$(printf '%s\n' "${TARGETS[@]}" | awk -v name="$name" '$1 == name')"
        [ -n "$line" ] || { echo "no fuzz target '$name' (nats, trace, control, credentials, toml, snapshot, summary, recording)"; exit 2; }
        SELECTED+=("$(awk -v count="$count" '{ $2 = (count == "=" ? 1 : count); print }' <<<"$line")")
    done
    TARGETS=("${SELECTED[@]}")
fi

run_target() {  # NAME DIVISOR|=COUNT MAX_LEN [ASAN_OPTIONS]: fuzzes one target; its log is .build/fuzz/logs/NAME.log
    local name="$1" runs max_len="$3" asan="${4:-}"
    case "$2" in =*) runs="${2#=}" ;; *) runs=$((RUNS / $2)) ;; esac
    local work="$SCRATCH/corpus/$name" artifacts="$SCRATCH/artifacts/$name/" log="$SCRATCH/logs/$name.log"
    mkdir -p "$work" "$artifacts"
    local started=$SECONDS status=0
    ASAN_OPTIONS="$asan" "$BIN/fuzz-$name" -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "Fuzz/corpus/$name" >"$log" 2>&1 || status=$?
    echo "$name $status $((SECONDS - started))" >"$SCRATCH/logs/$name.result"
}
export -f run_target
export RUNS SCRATCH BIN

rm -f "$SCRATCH"/logs/*.result
STARTED=$SECONDS
# Two at a time, one per core, each core taking the next target when its last one is done.
printf '%s\n' "${TARGETS[@]}" | xargs -P 2 -L 1 bash -c 'run_target "$@"' run_target || true

TOTAL=0
FAILED=()
for spec in "${TARGETS[@]}"; do
    name="${spec%% *}"
    status=1 seconds=0
    [ -f "$SCRATCH/logs/$name.result" ] && read -r _ status seconds <"$SCRATCH/logs/$name.result"
    log="$SCRATCH/logs/$name.log"
    field() { sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$log" | tail -n 1; }
    runs="$(field number_of_executed_units)"
    printf '%-10s %9s runs in %4d s (%s/s), %s new inputs, peak RSS %s MB\n' "$name" "${runs:-0}" "$seconds" \
        "$(field average_exec_per_sec)" "$(field new_units_added)" "$(field peak_rss_mb)"
    TOTAL=$((TOTAL + ${runs:-0}))
    if [ "$status" -ne 0 ]; then
        FAILED+=("$name")
        echo "--- $name failed (exit status $status): $log"
        # The report, with Swift's names demangled when the toolchain's demangler is at hand.
        pattern='ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|Assertion .* failed'
        report="$(grep -A40 -m1 -E "$pattern" "$log" || tail -n 40 "$log")"
        if command -v swift-demangle >/dev/null; then swift-demangle --simplified <<<"$report"; else echo "$report"; fi
        grep -E 'Test unit written to|^artifact_prefix' "$log" || true
    fi
done
echo "stat::number_of_executed_units: $TOTAL"
if [ "${#FAILED[@]}" -gt 0 ]; then
    echo "fuzz total: $TOTAL runs in $((SECONDS - STARTED)) s, crashed: ${FAILED[*]}"
    exit 1
fi
echo "fuzz total: $TOTAL runs in $((SECONDS - STARTED)) s, 0 crashes"
