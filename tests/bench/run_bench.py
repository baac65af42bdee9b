#!/usr/bin/python3
"""exprobe run over many loopback endpoints: wall time and peak RSS for 10, 100 and 1,000 targets.

Generates a tlslab scenario with N listeners (one shared certificate for mail.contoso.test, TLS
1.2-1.3, each listener on its own loopback address 127.1.x.y so the per-host cap applies per
endpoint as it would per server), starts tlslab, writes a plan with two modules per target --
`tls` with enumerate: false (one OpenSSL handshake per version, TLS 1.0-1.3; the raw suite
enumeration, ~60 ClientHellos per endpoint, belongs on serve's schedule, not in a fleet sweep) and
`cert` (revocation off: the lab names no reachable CRL/OCSP) -- then times `exprobe run --format
prometheus -o FILE` (the streaming textfile writer) and reads its peak RSS from wait4(). Every
result must be OK (WARNING with enumeration), or the figures mean nothing. A last row runs 100 targets with enumerate: true
for the price of full enumeration. Loopback only.

Usage: run_bench.py BUILD_DIR [SIZES...] (default 10 100 1000)
"""
import os
import re
import subprocess
import sys
import tempfile
import time


def scenario(n):
    lines = ["name: bench", "description: N listeners sharing one certificate.",
             "certificates:",
             "  - {name: san, kind: san, cn: mail.contoso.test, san: [mail.contoso.test]}",
             "listeners:"]
    for i in range(n):
        lines.append("  - {name: l%d, address: %s, tls: {versions: [tls1.2, tls1.3]}, "
                     "certificate: san}" % (i, address(i)))
    return "\n".join(lines) + "\n"


def address(i):
    return "127.1.%d.%d" % (i // 250, i % 250 + 1)


def start_lab(build, work, n):
    path = os.path.join(work, "bench-%d.yaml" % n)
    with open(path, "w") as f:
        f.write(scenario(n))
    lab = subprocess.Popen([os.path.join(build, "bin", "tlslab"), "--scenario", path,
                            "--print-ports", "--export-ca", os.path.join(work, "ca.pem")],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ports = []
    for line in lab.stdout:
        if line.startswith("LISTEN"):
            ports.append(line.split()[2])
        if line.strip() == "READY":
            break
    if len(ports) != n:
        lab.kill()
        sys.exit("tlslab started %d of %d listeners" % (len(ports), n))
    return lab, ports


def plan(work, ports, enumerate_suites, jobs):
    path = os.path.join(work, "plan.yaml")
    with open(path, "w") as f:
        f.write("run: {jobs: %d, per_host_connections: 6, timeout: 10m}\n" % jobs)
        f.write("modules:\n")
        f.write("  tls: {check: tls, timeout: 20s, tls: {enumerate: %s, ca_file: ca.pem}}\n"
                % ("true" if enumerate_suites else "false"))
        f.write("  cert: {check: cert, timeout: 20s, cert: {ca_file: ca.pem, msstd: none, "
                "revocation: false}}\n")
        f.write("targets:\n")
        for p in ports:
            f.write("  - {target: '%s', sni: mail.contoso.test, modules: [tls, cert]}\n" % p)
    return path


def run(build, work, plan_path):
    out = os.path.join(work, "exprobe.prom")
    started = time.monotonic()
    proc = subprocess.Popen([os.path.join(build, "bin", "exprobe"), "run", plan_path,
                             "--format", "prometheus", "-o", out],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    text = open(out).read() if os.path.exists(out) else ""
    good = 0
    for state in ("ok", "warning"):  # full enumeration warns about CBC suites the lab offers
        m = re.search(r'exprobe_run_checks\{status="%s"\} (\d+)' % state, text)
        good += int(m.group(1)) if m else 0
    return wall, usage.ru_maxrss / 1024.0, code, good


def main():
    build = sys.argv[1]
    sizes = [int(s) for s in sys.argv[2:]] or [10, 100, 1000]
    rows = [(n, False) for n in sizes] + [(min(100, max(sizes)), True)]
    jobs = 16
    print("exprobe run: tls (enumerate %s) + cert per target, jobs %d, per-host cap 6, %d cores"
          % ("false", jobs, os.cpu_count()))
    print("%8s %10s %8s %10s %12s %10s" % ("targets", "enumerate", "checks", "wall s",
                                          "peak RSS MB", "ok/warn"))
    failed = False
    for n, enumerate_suites in rows:
        with tempfile.TemporaryDirectory() as work:
            lab, ports = start_lab(build, work, n)
            try:
                wall, rss, code, ok = run(build, work, plan(work, ports, enumerate_suites, jobs))
            finally:
                lab.terminate()
                lab.wait()
        print("%8d %10s %8d %10.2f %12.1f %10d" % (n, "true" if enumerate_suites else "false",
                                                   2 * n, wall, rss, ok))
        if code > 1 or ok != 2 * n:
            print("  exit code %d, %d of %d checks OK or WARNING: the lab or the machine is not healthy"
                  % (code, ok, 2 * n))
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
