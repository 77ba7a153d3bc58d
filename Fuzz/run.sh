#!/usr/bin/env bash
# Fuzzes the NATS protocol parser with libFuzzer: `bash Fuzz/run.sh [RUNS]` (default 1,000,000).
# The parser's two source files are compiled with the fuzz entry under -sanitize=fuzzer,address; the
# corpus starts from real protocol lines (Fuzz/corpus). Exit status non-zero on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-1000000}"
BUILD=".build/fuzz"
mkdir -p "$BUILD/corpus-work" Fuzz/corpus
printf 'INFO {"max_payload":1048576}\r\nMSG a.b 1 _INBOX.1 5\r\nhello\r\nPING\r\n+OK\r\n' > Fuzz/corpus/seed-1
printf "MSG s 12 3\r\nabc\r\n-ERR 'Authorization Violation'\r\nPONG\r\n" > Fuzz/corpus/seed-2
swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name MemtopFeedFuzz \
    Sources/MemtopFeed/NATS/NATSParser.swift Sources/MemtopFeed/NATS/NATSJSON.swift Fuzz/NATSParserFuzz.swift \
    -o "$BUILD/nats-parser-fuzz"
"$BUILD/nats-parser-fuzz" -runs="$RUNS" -max_len=4096 -print_final_stats=1 "$BUILD/corpus-work" Fuzz/corpus 2>&1 \
    | tail -n 12
