#!/usr/bin/env python3
"""A learner's stage 4 server, written from docs/protocol.md alone, in Python 3
with the standard library only: the grader's test data for "any language".

    python3 learner.py PORT            # the server
    python3 learner.py PORT one-recv   # the classic bug: one recv() per header
    python3 learner.py PORT greedy     # a mutant: reads 64 MiB before it looks at the length

Each connection gets a thread. Every frame is read in two steps, the 5-byte
header and then exactly its payload, each with a loop around recv(), because
TCP delivers bytes, not messages. The one-recv variant takes whatever one
recv(5) returns as the header, which works until a cut lands inside one.
"""
import socket
import struct
import sys
import threading

TEXT, PING, PONG, DATA, ACK, ERROR = 1, 2, 3, 4, 5, 6
MAX_PAYLOAD = 16 << 20


def recv_exactly(conn, n):
    """Read exactly n bytes, or return None if the stream ends first."""
    buf = bytearray()
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def recv_once(conn, n):
    """The bug: one recv() is taken to be the whole header, and a short
    one for the client going away."""
    data = conn.recv(n)
    return data if len(data) == n else None


def send_frame(conn, kind, payload):
    conn.sendall(struct.pack(">IB", len(payload), kind) + payload)


def serve(conn, read_header, greedy):
    total = 0
    with conn:
        while True:
            header = read_header(conn, 5)
            if header is None:
                return
            length, kind = struct.unpack(">IB", header)
            if greedy:
                ballast = b"\x01" * min(length, 64 << 20)
            if length > MAX_PAYLOAD:
                send_frame(conn, ERROR, b"frame too large")
                return
            payload = recv_exactly(conn, length)
            if payload is None:
                return
            if kind == PING:
                send_frame(conn, PONG, payload)
                continue
            if kind == TEXT:
                try:
                    payload.decode("utf-8")
                except UnicodeDecodeError:
                    send_frame(conn, ERROR, b"TEXT is not UTF-8")
                    continue
            elif kind != DATA:
                send_frame(conn, ERROR, b"unknown type %d" % kind)
                continue
            total += length
            send_frame(conn, ACK, struct.pack(">Q", total))


def main():
    port = int(sys.argv[1])
    read_header = recv_once if sys.argv[2:] == ["one-recv"] else recv_exactly
    greedy = sys.argv[2:] == ["greedy"]
    listener = socket.create_server(("127.0.0.1", port))
    print("listening on port", port, file=sys.stderr)
    try:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn, read_header, greedy), daemon=True).start()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
