#!/usr/bin/env bash
# Starts Apache 2.4 + mod_auth_gssapi + gss-ntlmssp from a private config on 127.0.0.1 as the
# real NTLM acceptor of exprobe's auth tests.
# Usage: apache_ntlm.sh DIR PORT [tls|plain] [ntlm|kerberos|negotiate]
#   (DIR: a fresh scratch directory; PORT: a free port). The fourth argument picks the acceptor:
#   ntlm (default): GssapiAllowedMech ntlmssp, connection-bound, Negotiate and NTLM offered;
#   kerberos: GssapiAllowedMech krb5 only (SPNEGO or raw krb5 under Negotiate), not
#     connection-bound (with On, Apache still offers NTLM); keys from the keytab in $KRB5_KTNAME
#     (FILE:path, as tests/peers/kdc.sh prints it), krb5.conf from $KRB5_CONFIG;
#   negotiate: both mechanisms, connection-bound (a Kerberos or NTLM client both succeed).
#   No replay cache is written (KRB5RCACHETYPE=none): nothing outside DIR is touched.
# Users (NTLM_USER_FILE): LAB:alice:Secret-123. Prints "READY pid=PID port=PORT" when it listens,
# then stays in the foreground (Apache runs with -DFOREGROUND) until killed.
set -euo pipefail
dir=$1 port=$2 tls=${3:-} mode=${4:-ntlm}
mods=/usr/lib/apache2/modules
mkdir -p "$dir/logs"
printf 'LAB:alice:Secret-123\n' >"$dir/ntlm_users"
chmod 644 "$dir/ntlm_users"
ssl_conf=""
if [ "$tls" = tls ]; then
  ssl_conf="LoadModule ssl_module $mods/mod_ssl.so
LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so
SSLEngine on
SSLCertificateFile $dir/cert.pem
SSLCertificateKeyFile $dir/key.pem"
fi
case $mode in
  ntlm) mechs="ntlmssp" bound=On cred_store="" ;;
  kerberos | negotiate)
    keytab=${KRB5_KTNAME:?kerberos mode needs KRB5_KTNAME=FILE:path}
    keytab=${keytab#FILE:}
    cred_store="GssapiCredStore keytab:$keytab"
    if [ "$mode" = kerberos ]; then mechs="krb5" bound=Off; else mechs="krb5 ntlmssp" bound=On; fi
    ;;
  *) echo "apache_ntlm.sh: unknown mode $mode" >&2; exit 2 ;;
esac
cat >"$dir/httpd.conf" <<CONF
ServerRoot "$dir"
ServerName localhost
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/logs/error.log"
LogLevel info auth_gssapi:debug
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule auth_gssapi_module $mods/mod_auth_gssapi.so
LoadModule env_module $mods/mod_env.so
$ssl_conf
User www-data
Group www-data
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 30
DocumentRoot "$dir/www"
<Location /ews>
  AuthType GSSAPI
  AuthName "lab"
  GssapiAllowedMech $mechs
  GssapiConnectionBound $bound
  $cred_store
  GssapiSignalPersistentAuth On
  Require valid-user
</Location>
CONF
mkdir -p "$dir/www/ews"
echo ok >"$dir/www/ews/index.html"
chmod -R a+rX "$dir"
export NTLM_USER_FILE="$dir/ntlm_users" NETBIOS_DOMAIN_NAME=LAB NETBIOS_COMPUTER_NAME=LABSRV
export APACHE_RUN_DIR="$dir" APACHE_LOCK_DIR="$dir" KRB5RCACHETYPE=none
echo "READY pid=$$ port=$port"
exec /usr/sbin/apache2 -f "$dir/httpd.conf" -DFOREGROUND
