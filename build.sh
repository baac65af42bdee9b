#!/usr/bin/env bash
# One entry point for people and CI.
#   ./build.sh demo   install what is needed, build, start tlslab's default scenario and probe it
#   ./build.sh test   install what is needed, build, run the whole test suite: release, then
#                     ASan+UBSan, then the libFuzzer targets for a bounded time, then clang-format
#   ./build.sh bench  build and run the benchmarks in tests/bench (figures for the README)
# Builds go to build/<kind>; ccache keeps rebuilds fast.
set -euo pipefail
cd "$(dirname "$0")"

jobs=$(nproc)
# Let ccache share objects between checkouts (CI's fresh clone, a developer's tree).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fuzz_seconds=${EXPROBE_FUZZ_SECONDS:-15}

log() { printf '\n== %s\n' "$*" >&2; }

deps() {
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then
    sudo scripts/install-deps.sh
  else
    scripts/install-deps.sh
  fi
}

configure_and_build() {  # DIR [cmake args...]
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

build_release() {
  log "build: release (g++ 12)"
  configure_and_build build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo
}

run_demo() {
  deps
  build_release
  log "demo: tlslab --scenario coexistence, then exprobe tls against each listener"
  local ports ca rc=0
  ports=$(mktemp)
  ca=$(mktemp --suffix=.pem)
  # The lab mints its CA at start; --export-ca hands it to exprobe as the trust anchor.
  build/release/bin/tlslab --scenario coexistence --print-ports --export-ca "$ca" >"$ports" 2>/dev/null &
  local lab=$!
  trap 'kill $lab 2>/dev/null || true; rm -f "$ports" "$ca"' EXIT
  for _ in $(seq 100); do grep -q '^READY' "$ports" && break; sleep 0.1; done
  grep -q '^READY' "$ports" || { echo "tlslab did not start" >&2; exit 3; }
  # LISTEN frontend 127.0.0.1:PORT -> probe the names Outlook would use, routed to the lab.
  while read -r _ name addr; do
    local host="mail.contoso.test"
    [ "$name" = legacy ] && host="legacy.contoso.test"
    [ "$name" = autodiscover-redirect ] && continue  # plain HTTP: probed by `check` below
    echo
    echo "\$ exprobe tls $host --connect-to $host:443:$addr --ca-file lab-ca.pem"
    build/release/bin/exprobe tls "$host" --connect-to "$host:443:${addr%:*}:${addr##*:}" \
      --ca-file "$ca" || {
      code=$?
      [ $code -le 2 ] || rc=$code  # 0-2 are verdicts; 3 means the check could not run
    }
  done < <(grep '^LISTEN' "$ports")
  # Both mailboxes of the scenario, the whole chain: Autodiscover from the real candidate list
  # (the http://autodiscover.contoso.test redirect included), certificates, health, auth, EWS.
  port_of() { grep "^LISTEN $1 " "$ports" | awk '{print $3}'; }
  local connect=(--connect-to "mail.contoso.test:443:$(port_of frontend)"
           --connect-to "legacy.contoso.test:443:$(port_of legacy)"
           --connect-to "autodiscover.contoso.test:80:$(port_of autodiscover-redirect)")
  local user pw address
  for user in alice bob; do
    address="$user@contoso.test"
    pw='Passw0rd!'
    [ $user = bob ] && pw='Lab-Only-Bob-2016'  # the lab's accounts (fixtures/scenarios)
    echo
    echo "\$ exprobe check $address -u 'CONTOSO\\$user' --password-env PW --ca-file lab-ca.pem" \
      "--connect-to mail.contoso.test:443:... --connect-to autodiscover.contoso.test:80:..."
    PW=$pw build/release/bin/exprobe check "$address" -u "CONTOSO\\$user" --password-env PW \
      --ca-file "$ca" "${connect[@]}" || {
      code=$?
      [ $code -le 2 ] || rc=$code
    }
  done
  exit $rc
}

run_tests() {
  deps
  build_release
  log "test: release"
  ctest --test-dir build/release -j "$jobs" --output-on-failure
  log "build: ASan + UBSan"
  configure_and_build build/asan -DCMAKE_BUILD_TYPE=Debug -DEXPROBE_SANITIZE=ON -DEXPROBE_BENCH=OFF
  log "test: ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan -j "$jobs" --output-on-failure
  log "build: libFuzzer targets (clang-16)"
  configure_and_build build/fuzz -DEXPROBE_FUZZ=ON -DCMAKE_C_COMPILER=clang-16 \
    -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=RelWithDebInfo
  log "fuzz: each target ${fuzz_seconds}s from its seed corpus"
  local f name corpus out
  for f in build/fuzz/tests/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    corpus=$(mktemp -d)
    out=$(mktemp)
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
    if ! "$f" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "$corpus" >"$out" 2>&1; then
      tail -n 40 "$out" >&2
      echo "$name: the fuzzer found a crash, a hang or a leak (above)" >&2
      exit 1
    fi
    echo "$name: $(grep -o 'number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$') runs, no crash"
    rm -rf "$corpus" "$out"
  done
  log "style: clang-format"
  git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
  log "all suites passed"
}

run_bench() {
  deps
  # The anchors exprobe is measured against (the tests do not need them).
  local p missing=()
  for p in nmap testssl.sh; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  build_release
  log "bench"
  tests/bench/run.sh build/release
}

case "${1:-}" in
  demo) run_demo ;;
  test) run_tests ;;
  bench) run_bench ;;
  *) echo "usage: $0 demo|test|bench" >&2; exit 3 ;;
esac
