#!/usr/bin/env bash
# `exprobe check` / `autodiscover` end to end in a private network namespace: tlslab's default
# scenario on the real ports (443, 80), with dnsmasq answering contoso.test's A records and the
# _autodiscover._tcp SRV record, so exprobe walks Outlook's real candidate chain (root domain,
# autodiscover host, the HTTP redirect, SRV) with --dns-server. Every process is stopped by PID.
# Usage: exchange_netns.sh BIN_DIR SOURCE_DIR   (needs root for unshare -n)
set -euo pipefail
if [ "${EXPROBE_IN_NETNS:-}" != 1 ]; then
  exec env EXPROBE_IN_NETNS=1 unshare -n "$0" "$@"
fi
bin=$1 src=$2
ip link set lo up
dir=$(mktemp -d /tmp/exprobe-exchange-netns.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

# Fixed addresses: the root domain 127.0.0.2 (nothing listens: refused), autodiscover host
# 127.0.0.3 (only the plain HTTP redirect on 80), mail 127.0.0.1:443, legacy 127.0.0.4:443.
python3 - "$src/fixtures/scenarios/coexistence.yaml" "$dir/scenario.yaml" <<'EOF'
import sys
text = open(sys.argv[1]).read()
for name, address, port in (("frontend", "127.0.0.1", 443), ("legacy", "127.0.0.4", 443),
                            ("autodiscover-redirect", "127.0.0.3", 80)):
    old = "  - name: %s\n" % name
    assert old in text, old
    text = text.replace(old, old + "    address: %s\n    port: %d\n" % (address, port), 1)
open(sys.argv[2], "w").write(text)
EOF
"$bin/tlslab" --scenario "$dir/scenario.yaml" --print-ports --export-ca "$dir/ca.pem" \
  >"$dir/lab.out" 2>&1 &
pids+=($!)
dnsmasq --no-daemon --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
  --port=53 --address=/contoso.test/127.0.0.2 --address=/mail.contoso.test/127.0.0.1 \
  --address=/autodiscover.contoso.test/127.0.0.3 --address=/legacy.contoso.test/127.0.0.4 \
  --srv-host=_autodiscover._tcp.contoso.test,mail.contoso.test,443,0,0 \
  --log-facility=- --pid-file= --user=root >"$dir/dns.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  grep -q '^READY' "$dir/lab.out" && grep -q 'started, version' "$dir/dns.out" && break
  sleep 0.05
done
grep -q '^READY' "$dir/lab.out" || { cat "$dir/lab.out"; echo "tlslab did not start" >&2; exit 1; }
grep -q 'started, version' "$dir/dns.out" || { cat "$dir/dns.out"; exit 1; }

probe() {  # probe PASSWORD ARGS... -> JSON in $dir/out.json, exit code in $dir/rc
  local pw=$1
  shift
  set +e
  PW=$pw "$bin/exprobe" "$@" --password-env PW --dns-server 127.0.0.1:53 --ca-file "$dir/ca.pem" \
    --format json --timeout 60 >"$dir/out.json"
  echo $? >"$dir/rc"
  set -e
}
check() {  # check PYTHON-ASSERTIONS (doc, rc in scope)
  python3 - "$dir/out.json" "$(cat "$dir/rc")" "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1])); rc = int(sys.argv[2])
ids = [f["id"] for f in doc["findings"]]
cand = [(c["kind"], c["result"]) for c in doc["candidates"]]
try:
    exec(sys.argv[3])
except AssertionError:
    print("FAILED:", sys.argv[3], "\nrc", rc, "\ncandidates", cand, "\nfindings", ids, file=sys.stderr)
    sys.exit(1)
EOF
}

# alice: root domain refused, autodiscover host refused, the HTTP redirect's 302, then settings.
probe 'Passw0rd!' check alice@contoso.test -u 'CONTOSO\alice'
check '
assert rc == 0
assert cand[:4] == [("https_root_domain", "unreachable"), ("https_autodiscover_host", "unreachable"),
                    ("http_redirect_get", "http 302"), ("redirect_target", "settings")], cand
assert doc["transport"]["type"] == "mapi_http"
assert doc["mailbox"]["version"] == "15.1.2507"
assert "exchange.ews.ok" in ids and "cert.namespace_ok" in ids and "cert.msstd_mismatch" not in ids
assert doc["credential_hosts"] == ["mail.contoso.test"]
'
echo "alice: MAPI/HTTP through the HTTP redirect (dns-server 127.0.0.1:53)"

# bob, with Outlook's ExcludeHttpRedirect: the SRV record leads to mail.contoso.test.
probe 'Lab-Only-Bob-2016' check bob@contoso.test -u 'CONTOSO\bob' --exclude-http-redirect
check '
assert rc == 1
assert cand[:4] == [("https_root_domain", "unreachable"), ("https_autodiscover_host", "unreachable"),
                    ("srv_lookup", "srv"), ("srv_target", "settings")], cand
assert doc["transport"]["type"] == "rpc_http" and doc["mailbox"]["version"] == "14.3.123"
assert ids[0] == "cert.msstd_mismatch" and "exchange.ews.ok" in ids
'
echo "bob: Outlook Anywhere through the SRV record, msstd:mail.contoso.test mismatch"
