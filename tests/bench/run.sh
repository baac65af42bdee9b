#!/usr/bin/env bash
# Benchmarks for the README figures; run by `./build.sh bench`, never by ctest.
# Usage: tests/bench/run.sh BUILD_DIR [ROUNDS]
set -euo pipefail
here=$(dirname "$0")
/usr/bin/python3 "$here/tls_bench.py" "$1" "${2:-5}"
# exprobe logs: throughput and peak RSS on generated 100 MB and 1 GB HttpProxy logs in /tmp.
/usr/bin/python3 "$here/logs_bench.py" "$1"
# exprobe run: wall time and peak RSS over 10, 100 and 1,000 tlslab listeners (tls + cert each).
/usr/bin/python3 "$here/run_bench.py" "$1"
