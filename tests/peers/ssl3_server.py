#!/usr/bin/python3
"""Scripted servers for what no Debian 12 server does, for exprobe's tests.

Modes (argv[1], default ssl3):
  ssl3             answers an SSL 3.0 ClientHello with an SSL 3.0 ServerHello choosing the first
                   offered suite it "supports" (3DES and RC4, as a 2008-era IIS would); anything
                   else gets a fatal protocol_version (or handshake_failure) alert.
  ssl2             answers an SSL 2.0 CLIENT-HELLO with a SERVER-HELLO listing two cipher kinds;
                   TLS hellos get a protocol_version alert.
  hello_then_close answers a TLS 1.2 ClientHello with a TLS 1.2 ServerHello (a suite it was
                   offered) and then closes: a server that accepts and fails the handshake.
Prints "PORT 127.0.0.1:N" once listening. Loopback only; one thread per connection.
"""
import sys
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


def handle_ssl2(conn):
    header = read_exact(conn, 2)
    if header is None:
        return
    if not header[0] & 0x80:
        alert(conn, 0x0301, 70)
        return
    body = read_exact(conn, ((header[0] & 0x7F) << 8) | header[1])
    if body is None or body[0] != 1:
        return
    cert = b"\x30\x03\x02\x01\x00"  # content is not checked by the client
    specs = bytes([0x01, 0x00, 0x80, 0x07, 0x00, 0xC0])  # RC4_128_WITH_MD5, DES_192_EDE3_CBC_WITH_MD5
    conn_id = os.urandom(16)
    hello = bytes([4, 0, 1]) + struct.pack("!HHHH", 2, len(cert), len(specs), len(conn_id)) + cert + specs + conn_id
    conn.sendall(struct.pack("!H", 0x8000 | len(hello)) + hello)


def handle_hello_then_close(conn):
    header = read_exact(conn, 5)
    if header is None or header[0] != 0x16:
        return
    body = read_exact(conn, struct.unpack("!H", header[3:5])[0])
    if body is None or len(body) < 40:
        return
    if struct.unpack("!H", body[4:6])[0] != 0x0303:
        alert(conn, 0x0303, 70)
        return
    pos = 4 + 2 + 32
    pos += 1 + body[pos]
    (suites_len,) = struct.unpack("!H", body[pos:pos + 2])
    offered = [struct.unpack("!H", body[i:i + 2])[0] for i in range(pos + 2, pos + 2 + suites_len, 2)]
    chosen = next((s for s in offered if s in (0xC02F, 0xC030, 0x002F)), None)
    if chosen is None:
        alert(conn, 0x0303, 40)
        return
    hello = struct.pack("!H", 0x0303) + os.urandom(32) + b"\x00" + struct.pack("!HB", chosen, 0)
    message = bytes([2]) + len(hello).to_bytes(3, "big") + hello
    conn.sendall(struct.pack("!BHH", 0x16, 0x0303, len(message)) + message)


def handle(conn):
    with conn:
        conn.settimeout(5)
        if MODE == "ssl2":
            return handle_ssl2(conn)
        if MODE == "hello_then_close":
            return handle_hello_then_close(conn)
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


MODE = sys.argv[1] if len(sys.argv) > 1 else "ssl3"


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
