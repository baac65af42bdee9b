#!/usr/bin/env bash
# A private MIT Kerberos KDC on 127.0.0.1 for exprobe's Kerberos tests. Every file lives in DIR;
# nothing under /etc is read or written and no system service is touched.
#
# Usage: kdc.sh start DIR [PORT]   create realm LAB.TEST in DIR, start krb5kdc in the background
#                                  (PID in DIR/krb5kdc.pid), wait until it answers on TCP
#        kdc.sh run DIR [PORT]     the same, but krb5kdc replaces this shell in the foreground
#                                  (-n): the caller's ChildProcess owns its PID
#        kdc.sh stop DIR           stop the KDC by the PID recorded in DIR/krb5kdc.pid
# PORT: a free TCP/UDP port on 127.0.0.1; chosen by the OS when omitted.
#
# Realm LAB.TEST: alice@LAB.TEST (password in DIR/alice.password), HTTP/localhost@LAB.TEST with
# its keys in DIR/http.keytab. Before the KDC starts, prints the environment a test needs, one
# "NAME=value" a line: KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5_KTNAME, KDC_PORT, KRB5_REALM,
# KRB5_ALICE_PASSWORD_FILE; then "READY pid=PID port=PORT" (for run, once it has exec'd the KDC
# is the PID; for start, once it answers).
set -euo pipefail

usage() {
  echo "usage: kdc.sh start|run DIR [PORT] | kdc.sh stop DIR" >&2
  exit 2
}
[ $# -ge 2 ] || usage
cmd=$1 dir=$2 port=${3:-}
realm=LAB.TEST
sbin=/usr/sbin

stop() {
  local pidfile="$dir/krb5kdc.pid" pid
  [ -s "$pidfile" ] || { echo "kdc.sh: no PID in $pidfile" >&2; return 1; }
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "STOPPED pid=$pid"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

answers_tcp() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_config() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # No DNS anywhere: the realm's KDC is named, host names are neither canonicalised nor
  # reverse-resolved, so HTTP@localhost means HTTP/localhost@LAB.TEST. TCP only
  # (udp_preference_limit = 1): a test can tell that the KDC is up by connecting.
  cat >"$dir/krb5.conf" <<CONF
[libdefaults]
  default_realm = $realm
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  forwardable = false
  ignore_acceptor_hostname = false

[realms]
  $realm = {
    kdc = 127.0.0.1:$port
  }

[domain_realm]
  localhost = $realm
  .lab.test = $realm
  lab.test = $realm
CONF
  cat >"$dir/kdc.conf" <<CONF
[kdcdefaults]
  kdc_listen = 127.0.0.1:$port
  kdc_tcp_listen = 127.0.0.1:$port

[realms]
  $realm = {
    database_name = $dir/principal
    key_stash_file = $dir/stash
    acl_file = $dir/kadm5.acl
    max_life = 10h
    max_renewable_life = 0
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }

[logging]
  kdc = FILE:$dir/kdc.log
  admin_server = FILE:$dir/kadmin.log
  default = FILE:$dir/krb5lib.log
CONF
  : >"$dir/kadm5.acl"
}

create_realm() {
  export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf"
  local master alice
  master=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  alice=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$alice" >"$dir/alice.password"
  chmod 600 "$dir/alice.password"
  rm -f "$dir"/principal* "$dir/stash" "$dir/http.keytab"
  "$sbin/kdb5_util" -r "$realm" create -s -P "$master" >"$dir/kdb5_util.log" 2>&1
  "$sbin/kadmin.local" -r "$realm" -q "addprinc -pw $alice alice@$realm" >"$dir/kadmin.log" 2>&1
  "$sbin/kadmin.local" -r "$realm" -q "addprinc -randkey HTTP/localhost@$realm" >>"$dir/kadmin.log" 2>&1
  "$sbin/kadmin.local" -r "$realm" -q "ktadd -k $dir/http.keytab HTTP/localhost@$realm" \
    >>"$dir/kadmin.log" 2>&1
  # Apache (www-data) reads the keytab in the HTTP tests: the directory is a throwaway lab.
  chmod 644 "$dir/http.keytab"
  chmod 755 "$dir"
}

print_env() {
  echo "KRB5_CONFIG=$dir/krb5.conf"
  echo "KRB5_KDC_PROFILE=$dir/kdc.conf"
  echo "KRB5_KTNAME=FILE:$dir/http.keytab"
  echo "KDC_PORT=$port"
  echo "KRB5_REALM=$realm"
  echo "KRB5_ALICE_PASSWORD_FILE=$dir/alice.password"
}

case $cmd in
  stop) stop ;;
  start | run)
    [ -x "$sbin/krb5kdc" ] || { echo "kdc.sh: $sbin/krb5kdc not installed (krb5-kdc)" >&2; exit 3; }
    [ -n "$port" ] || port=$(free_port)
    write_config
    create_realm
    print_env
    if [ "$cmd" = run ]; then
      echo $$ >"$dir/krb5kdc.pid"
      echo "READY pid=$$ port=$port"
      exec "$sbin/krb5kdc" -n -r "$realm"
    fi
    "$sbin/krb5kdc" -r "$realm" -P "$dir/krb5kdc.pid"
    for _ in $(seq 100); do answers_tcp "$port" && break; sleep 0.05; done
    answers_tcp "$port" || { echo "kdc.sh: krb5kdc does not answer on $port" >&2; cat "$dir/kdc.log" >&2; exit 1; }
    echo "READY pid=$(cat "$dir/krb5kdc.pid") port=$port"
    ;;
  *) usage ;;
esac
