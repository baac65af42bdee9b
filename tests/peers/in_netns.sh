#!/usr/bin/env bash
# Runs a server that insists on binding every interface (gnutls-serv) inside a private network
# namespace with only loopback, then runs a command against it, and stops the server by PID.
# Usage: in_netns.sh PORT 'server command' 'client command'   (needs root: unshare -n)
set -euo pipefail
if [ "${EXPROBE_IN_NETNS:-}" != 1 ]; then
  exec env EXPROBE_IN_NETNS=1 unshare -n "$0" "$@"
fi
port=$1 server=$2 client=$3
ip link set lo up
bash -c "$server" >/tmp/exprobe-netns-server.$$ 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f /tmp/exprobe-netns-server.$$' EXIT
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  sleep 0.05
done
bash -c "$client"
