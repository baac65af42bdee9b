#!/usr/bin/python3
"""exprobe logs on generated HttpProxy logs: throughput and peak RSS.

Generates (deterministically, seed 10) an Exchange 2016 CU22 HttpProxy log of about 1 GB and one
of about 100 MB in a temporary directory: healthy NTLM handshakes (anonymous 401, challenge 401,
200) from 5,000 clients, MAPI/HTTP 401/200 sessions, 401 loops (8 x 401 without a success) and
KB3140410 InvalidToken rows at fixed intervals. Runs `exprobe logs FILE --format json` under
/usr/bin/time, checks that it found exactly the loops and InvalidToken groups the generator
wrote, and prints MB/s (file bytes / wall time) and peak RSS for both sizes: the RSS of the two
runs should be about the same (the reader streams).

Usage: logs_bench.py BUILD_DIR [GIGABYTES]
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

FIELDS = (
    "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,"
    "Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,"
    "Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,"
    "ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,"
    "BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,"
    "TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,"
    "CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,"
    "TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,"
    "SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,"
    "ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,"
    "BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,"
    "BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,"
    "HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,"
    "CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,RouteRefresherLatency,UrlQuery,"
    "BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,"
    "PartitionEndpointLookupLatency,RoutingStatus")
KB_ERRORS = ("Complete=PrepareServerRequest;,WebExceptionStatus=ProtocolError;"
             "ResponseStatusCode=401;WebException=System.Net.WebException: The remote server "
             "returned an error: (401) Unauthorized.;HttpException=System.Web.HttpException "
             "(0x80004005): NegotiateSecurityContext failed with for host 'mail.contoso.com' with "
             "status 'InvalidToken'")
OUTLOOK_UA = '"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.5266, Pro)"'
LOOP_EVERY = 20000      # one 401 loop per this many healthy handshakes
KB_EVERY = 50000        # one KB3140410 burst per this many healthy handshakes
LOOP_LENGTH = 8
DAY_START = 1673049600.0  # 2023-01-07T00:00:00Z


def stamp(t):
    s = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    return f"{s}.{int(t * 1000) % 1000:03d}Z"


def row(t, n, protocol, stem, auth, user, ip, status, backend, method, target, version, errors,
        ua, query, fe):
    # The CU22 field order (74 fields); latencies and ids filled as a real front end would.
    if "," in errors or '"' in errors:
        errors = '"' + errors.replace('"', '""') + '"'
    return (f"{stamp(t)},{n:08x}-6f1c-4d2a-9c3b-{n:012x},15,1,2375,7,,{protocol},mail.contoso.com,"
            f"{stem},,{auth},{'True' if user else 'False'},{user},{'contoso.com' if user else ''},"
            f",{ua},{ip},{fe},{status},{backend},,{method},"
            f"{'Proxy' if target else ''},{target},{version},{'IntraForest' if target else ''},"
            f",,,,{n % 900 + 76},{n % 4000 + 462},0,,0,0,,0,,0,,0,1,,0,{n % 37},0,0,0,0,"
            f"{n % 211},0,0,0,0,0,{n % 53},0,0,{n % 7},0,0,{n % 97 + 15},0,{query},,"
            f"BeginRequest={stamp(t)};CorrelationID=<empty>;SharedCacheGuard=0;"
            f"EndRequest={stamp(t)};,{errors},,,,,\r\n")


def generate(path, target_bytes, seed=10):
    """Writes the log; returns (bytes, loops, kb_groups) it wrote."""
    rng = random.Random(seed)
    header = ("#Software: Microsoft Exchange Server\r\n#Version: 15.01.2375.007\r\n"
              "#Log-type: HttpProxy Logs\r\n#Date: 2023-01-07T00:00:00.000Z\r\n"
              f"#Fields: {FIELDS}\r\n")
    written, n, t, handshakes, loops, kbs = 0, 0, DAY_START, 0, 0, 0
    with open(path, "w", newline="") as f:
        f.write(header)
        written += len(header)
        chunk = []
        while written < target_bytes:
            client = rng.randrange(5000)
            ip = f"10.{client // 65536 % 256}.{client // 256 % 256}.{client % 256}"
            user = f"CONTOSO\\user{client:04d}"
            mapi = client % 3 == 0
            protocol, stem = ("Mapi", "/mapi/emsmdb/") if mapi else ("RpcHttp", "/rpc/rpcproxy.dll")
            ua = OUTLOOK_UA if mapi else "MSRPC"
            method = "POST" if mapi else "RPC_IN_DATA"
            query = "" if mapi else f"?{client:08x}-0000-4000-8000-000000000000@contoso.com:6001"
            target = f"ex2016-mbx{client % 8 + 1}.contoso.com"
            fe = f"EX2016-0{client % 4 + 1}"  # NTLM keeps a client on one front end
            lines = [row(t, n, protocol, stem, "NTLM", "", ip, 401, "", method, "", "", "", ua,
                         query, fe)]
            if not mapi:  # NTLM challenge leg
                lines.append(row(t + 0.05, n + 1, protocol, stem, "NTLM", "", ip, 401, "", method,
                                 "", "", "", ua, query, fe))
            lines.append(row(t + 0.1, n + 2, protocol, stem, "Negotiate", user, ip, 200, 200,
                             method, target, "15.01.2375.007", "", ua, query, fe))
            handshakes += 1
            n += 3
            t += 0.03
            if handshakes % LOOP_EVERY == 0:  # a loop from an address no healthy client uses
                loops += 1
                bad = f"192.168.{loops // 256 % 256}.{loops % 256}"
                for k in range(LOOP_LENGTH):
                    lines.append(row(t + k, n + k, "RpcHttp", "/rpc/rpcproxy.dll", "NTLM", "",
                                     bad, 401, "", "RPC_OUT_DATA", "", "", "", "MSRPC", "", "EX2016-01"))
                n += LOOP_LENGTH
            if handshakes % KB_EVERY == 0:
                kbs += 1
                for k in range(3):
                    lines.append(row(t + k, n + k, "RpcHttp", "/rpc/rpcproxy.dll", "Negotiate",
                                     f"CONTOSO\\legacy{kbs:05d}", "10.250.0.1", 401, 401,
                                     "RPC_IN_DATA", "ex2010cas.contoso.com", "14.03.0123.004",
                                     KB_ERRORS, "MSRPC", "?ex2010cas.contoso.com:6001", "EX2016-02"))
                n += 3
            chunk.extend(lines)
            written += sum(len(x) for x in lines)
            if len(chunk) > 20000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))
    return os.path.getsize(path), loops, kbs


def run(exprobe, path):
    cmd = ["/usr/bin/time", "-f", "%e %M", exprobe, "logs", path, "--format", "json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall, rss_kb = p.stderr.strip().splitlines()[-1].split()
    doc = json.loads(p.stdout)
    return float(wall), int(rss_kb), doc, p.returncode


def measure(exprobe, work, label, size):
    path = os.path.join(work, f"HttpProxy_{label}.LOG")
    t0 = time.time()
    size, loops, kbs = generate(path, size)
    gen = time.time() - t0
    run(exprobe, path)  # once to put the file in the page cache
    best = None
    for _ in range(3):
        wall, rss, doc, code = run(exprobe, path)
        if best is None or wall < best[0]:
            best = (wall, rss, doc, code)
    wall, rss, doc, code = best
    found = {}
    for g in doc["groups"]:
        found[g["finding"]] = found.get(g["finding"], 0) + 1
    ok = (found.get("logs.auth_loop", 0) == loops and
          found.get("auth.backend_invalid_token", 0) == kbs and doc["summary"]["malformed"] == 0
          and code == 2)
    mb = size / 1e6
    print(f"{label:>6}: {mb:8.1f} MB, {doc['summary']['requests']:>9} requests, "
          f"{wall:6.2f} s -> {mb / wall:6.1f} MB/s, peak RSS {rss / 1024:6.1f} MiB; "
          f"loops {found.get('logs.auth_loop', 0)}/{loops}, InvalidToken groups "
          f"{found.get('auth.backend_invalid_token', 0)}/{kbs} "
          f"{'(exact)' if ok else '(MISMATCH)'}  [generated in {gen:.0f} s]", flush=True)
    os.remove(path)
    return ok


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    gigabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    exprobe = os.path.join(build, "bin", "exprobe")
    work = tempfile.mkdtemp(prefix="exprobe-logs-bench-", dir="/tmp")
    try:
        print("exprobe logs on generated HttpProxy logs (best of 3, file in the page cache, "
              f"{os.cpu_count()} cores, exprobe uses one)")
        ok = measure(exprobe, work, "100MB", 100e6)
        ok = measure(exprobe, work, "1GB", gigabytes * 1e9) and ok
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
