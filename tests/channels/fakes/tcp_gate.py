#!/usr/bin/python3
"""A TCP gate on loopback in front of another server: counts every accepted connection and, while
a "down" file exists, closes each one at once (a server that is down); otherwise relays bytes both
ways to 127.0.0.1:TARGET (the server is up).

usage: tcp_gate.py --port-file F --target PORT --down-file D --count-file C

The number of connections accepted so far is written to C (atomically) after each accept. The
chosen port is written to F (atomically) once the gate listens.
"""
import argparse
import os
import socket
import threading

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--target", type=int, required=True)
ap.add_argument("--down-file", required=True)
ap.add_argument("--count-file", required=True)
args = ap.parse_args()

lock = threading.Lock()
accepted = [0]


def write_atomic(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn):
    if os.path.exists(args.down_file):
        conn.close()
        return
    try:
        upstream = socket.create_connection(("127.0.0.1", args.target))
    except OSError:
        conn.close()
        return
    t = threading.Thread(target=pump, args=(upstream, conn), daemon=True)
    t.start()
    pump(conn, upstream)
    t.join()
    conn.close()
    upstream.close()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(128)
write_atomic(args.count_file, "0")
write_atomic(args.port_file, str(listener.getsockname()[1]))
while True:
    conn, _ = listener.accept()
    with lock:
        accepted[0] += 1
        write_atomic(args.count_file, str(accepted[0]))
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
