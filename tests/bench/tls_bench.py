#!/usr/bin/python3
"""exprobe tls against the anchors on one openssl s_server, in one run on this machine.

Starts `openssl s_server -min_protocol TLSv1 -max_protocol TLSv1.2 -cipher DEFAULT:@SECLEVEL=0`
on 127.0.0.1, then runs exprobe tls, sslscan, nmap --script ssl-enum-ciphers and testssl -p -E
alternately for ROUNDS rounds; checks that all four found the same (version, suite) pairs; prints
medians, the ratio exprobe/sslscan, exprobe's peak RSS, and the ClientHellos exprobe sent against
the minimum (accepted suites + one refusal per protocol). Loopback only.

Usage: tls_bench.py BUILD_DIR [ROUNDS]
"""
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "..", "probe", "tls", "data", "iana_cipher_suites.csv")
VERSION_NAMES = {"SSLv3": "ssl3", "TLSv1.0": "tls1.0", "TLSv1.1": "tls1.1", "TLSv1.2": "tls1.2",
                 "TLSv1.3": "tls1.3"}
TESTSSL_VERSIONS = {"ssl3": "ssl3", "tls1": "tls1.0", "tls1_1": "tls1.1", "tls1_2": "tls1.2",
                    "tls1_3": "tls1.3"}


def iana_ids():
    ids = {}
    with open(CSV) as f:
        for row in csv.reader(line for line in f if line.startswith("0x")):
            ids[row[1]] = "0x" + row[0][2:].upper()
    return ids


def start_server(work):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    f"{work}/key.pem", "-out", f"{work}/cert.pem", "-subj", "/CN=localhost",
                    "-days", "1"], check=True, capture_output=True)
    server = subprocess.Popen(
        ["openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", f"{work}/cert.pem", "-key",
         f"{work}/key.pem", "-www", "-min_protocol", "TLSv1", "-max_protocol", "TLSv1.2",
         "-cipher", "DEFAULT:@SECLEVEL=0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    for line in server.stdout:
        m = re.match(r"ACCEPT .*:(\d+)$", line.strip())
        if m:
            return server, int(m.group(1))
    raise RuntimeError("s_server did not start")


def timed(cmd):
    start = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    except subprocess.TimeoutExpired:
        # testssl now and then stalls against the one-connection-at-a-time s_server.
        print(f"  {cmd[0]} did not finish within 120 s; round left out", flush=True)
        return None, ""
    seconds = time.perf_counter() - start
    print(f"    {os.path.basename(cmd[0])}: {seconds * 1000:.1f} ms", file=sys.stderr, flush=True)
    return seconds, out


def parse_exprobe(out):
    doc = json.loads(out)
    pairs = {(p["version"], s["id"]) for p in doc["protocols"] for s in p["cipher_suites"]}
    hellos = sum(p.get("enumeration", {}).get("hellos", 0) for p in doc["protocols"])
    suite_hellos = sum(p.get("enumeration", {}).get("suite_hellos", 0) for p in doc["protocols"])
    return pairs, hellos, suite_hellos, doc


def parse_sslscan(out):
    return {(VERSION_NAMES[v], "0x" + i.upper())
            for v, i in re.findall(r'<cipher [^>]*sslversion="([^"]+)"[^>]* id="0x([0-9A-Fa-f]{4})"', out)}


def parse_nmap(out, ids):
    pairs, version = set(), None
    for line in out.splitlines():
        m = re.match(r"\|\s+(TLSv1\.\d|SSLv3):", line)
        if m:
            version = VERSION_NAMES[m.group(1)]
            continue
        m = re.match(r"\|\s+(TLS_\w+)", line)
        if m and version:
            pairs.add((version, ids[m.group(1)]))
    return pairs


def parse_testssl(path):
    pairs = set()
    with open(path) as f:
        for entry in json.load(f):
            m = re.match(r"cipher-(ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-f]+)$", entry.get("id", ""))
            if m:
                pairs.add((TESTSSL_VERSIONS[m.group(1)], "0x" + m.group(2).upper().zfill(4)))
    return pairs


def main():
    build = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    exprobe = os.path.join(build, "bin", "exprobe")
    ids = iana_ids()
    work = tempfile.mkdtemp()
    server, port = start_server(work)
    target = f"127.0.0.1:{port}"
    tools = {
        "exprobe tls": [exprobe, "tls", target, "--format", "json", "--timeout", "60"],
        "sslscan": ["sslscan", "--no-colour", "--xml=-", target],
    }
    if shutil.which("nmap"):
        tools["nmap ssl-enum-ciphers"] = ["nmap", "--script", "ssl-enum-ciphers", "-p", str(port), "127.0.0.1"]
    if shutil.which("testssl"):
        tools["testssl -p -E"] = ["testssl", "-p", "-E", "--warnings", "off", "--jsonfile",
                                  f"{work}/testssl.json", target]
    times = {name: [] for name in tools}
    results = {}
    try:
        for _ in range(rounds):
            for name, cmd in tools.items():
                if name.startswith("testssl") and os.path.exists(f"{work}/testssl.json"):
                    os.remove(f"{work}/testssl.json")
                seconds, out = timed(cmd)
                if seconds is None:
                    continue
                times[name].append(seconds)
                if name == "exprobe tls":
                    results[name], hellos, suite_hellos, doc = parse_exprobe(out)
                elif name == "sslscan":
                    results[name] = parse_sslscan(out)
                elif name.startswith("nmap"):
                    results[name] = parse_nmap(out, ids)
                else:
                    results[name] = parse_testssl(f"{work}/testssl.json")
        timed_run = subprocess.run(["/usr/bin/time", "-f", "%M"] + tools["exprobe tls"],
                                   capture_output=True, text=True)
        peak_kib = timed_run.stderr.strip().splitlines()[-1]
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)

    reference = results["sslscan"]
    versions = {v for v, _ in reference}
    minimum = len(reference) + 6  # one refusal per probed version (SSL 2.0 .. TLS 1.3)
    print(f"exprobe tls benchmark: openssl s_server TLS 1.0-1.2 DEFAULT:@SECLEVEL=0 on loopback, "
          f"{rounds} alternating rounds, {os.cpu_count()} cores")
    print(f"  {len(reference)} (version, suite) pairs over {len(versions)} versions (sslscan)")
    for name in tools:
        same = "same suites" if results[name] == reference else \
            f"DIFFERENT: +{sorted(results[name] - reference)} -{sorted(reference - results[name])}"
        print(f"  {name:<24} median {statistics.median(times[name]) * 1000:8.1f} ms  {same}")
    ratio = statistics.median(times["exprobe tls"]) / statistics.median(times["sslscan"])
    print(f"  ratio exprobe/sslscan: {ratio:.3f} (required <= 0.2, aim <= 0.05)")
    print(f"  ClientHellos: {hellos} in all; {suite_hellos} for suite enumeration against a minimum "
          f"of {minimum} (accepted suites + one refusal per version); the rest decide server "
          f"preference and groups, plus one OpenSSL handshake per TLS version")
    print(f"  exprobe peak RSS: {peak_kib} KiB (/usr/bin/time -f %M)")
    identical = all(r == reference for r in results.values())
    sys.exit(0 if identical and ratio <= 0.2 else 1)


if __name__ == "__main__":
    main()
