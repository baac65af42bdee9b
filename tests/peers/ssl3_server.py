#!/usr/bin/python3
"""A scripted SSL 3.0 server for exprobe's tests: no Debian 12 server speaks SSL 3.0.

Answers an SSL 3.0 ClientHello with an SSL 3.0 ServerHello choosing the first offered suite it
"supports" (3DES and RC4, as a 2008-era IIS would), and anything else with a fatal
protocol_version (or handshake_failure) alert. Prints "PORT 127.0.0.1:N" once listening.
Loopback only; one thread per connection; stops on SIGTERM.
"""
import os
import socket
import struct
import threading

SUPPORTED = [0x000A, 0x0005]  # TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_RC4_128_SHA


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def alert(conn, version, description):
    conn.sendall(struct.pack("!BHHBB", 21, version, 2, 2, description))


def handle(conn):
    with conn:
        conn.settimeout(5)
        header = read_exact(conn, 5)
        if header is None or header[0] != 0x16:
            return
        body = read_exact(conn, struct.unpack("!H", header[3:5])[0])
        if body is None or len(body) < 4 + 2 + 32 + 1 or body[0] != 1:
            return
        client_version = struct.unpack("!H", body[4:6])[0]
        if client_version != 0x0300:
            alert(conn, 0x0300, 70)  # protocol_version
            return
        pos = 4 + 2 + 32
        pos += 1 + body[pos]  # session id
        (suites_len,) = struct.unpack("!H", body[pos:pos + 2])
        offered = [struct.unpack("!H", body[i:i + 2])[0] for i in range(pos + 2, pos + 2 + suites_len, 2)]
        chosen = next((s for s in offered if s in SUPPORTED), None)
        if chosen is None:
            alert(conn, 0x0300, 40)  # handshake_failure
            return
        hello = struct.pack("!H", 0x0300) + os.urandom(32) + b"\x00" + struct.pack("!HB", chosen, 0)
        message = bytes([2]) + len(hello).to_bytes(3, "big") + hello
        conn.sendall(struct.pack("!BHH", 0x16, 0x0300, len(message)) + message)


def main():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    print("PORT 127.0.0.1:%d" % server.getsockname()[1], flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
