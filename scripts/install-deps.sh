#!/usr/bin/env bash
# Installs every Debian 12 package exprobe needs to build, test and fuzz, plus the real peer
# servers the tests start. Idempotent: a second run installs nothing and takes about a second.
# Services that apt would start system-wide are kept down (policy-rc.d): tests start their own.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang-16 libclang-rt-16-dev clang-format
  # libraries
  libssl-dev libcurl4-openssl-dev libcli11-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libexpected-dev libc-ares-dev zlib1g-dev nlohmann-json3-dev libpugixml-dev libyaml-cpp-dev
  libboost1.81-dev libkrb5-dev
  # real peers and anchors the tests and benchmarks use
  openssl gnutls-bin sslscan dnsmasq-base iproute2 util-linux procps
  # exprobe cert tests: CRLs and AIA served by python3 -m http.server; curl 7.88 as a name-matching peer
  python3 curl
  # exprobe auth tests: Apache + mod_auth_gssapi + gss-ntlmssp as the real NTLM acceptor
  apache2 libapache2-mod-auth-gssapi gss-ntlmssp
  # a TLS-re-terminating relay in front of tlslab (Extended Protection behind SSL offloading)
  socat
  # Kerberos tests: a private MIT KDC on loopback (kdb5_util, kadmin.local from krb5-admin-server;
  # kadmind is never started) and kinit/klist from krb5-user
  krb5-kdc krb5-admin-server krb5-user
  # exprobe run/serve tests: a real Prometheus (and promtool) started by the tests on loopback,
  # jsonschema for the exprobe/1 schema, junitparser as the JUnit consumer
  prometheus python3-jsonschema python3-junitparser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root (or with sudo) to install them" >&2
  exit 1
fi

# Deny service starts during the install; restore whatever policy was there before.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1 && cp -p "$policy" "$policy.exprobe-save"
printf '#!/bin/sh\nexit 101\n' >"$policy"
chmod 755 "$policy"
restore() {
  if [ "$had_policy" = 1 ]; then mv -f "$policy.exprobe-save" "$policy"; else rm -f "$policy"; fi
}
trap restore EXIT

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
