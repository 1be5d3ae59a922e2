#!/usr/bin/env python3
"""A counting TCP proxy for the PostgreSQL wire protocol (bench/wire-bench.sh).

Usage: countproxy.py LISTEN_PORT TARGET_PORT LOG

Accepts connections on 127.0.0.1:LISTEN_PORT and relays each to 127.0.0.1:TARGET_PORT unchanged.
Per connection it counts the bytes each way and, reading the protocol's framing (a type byte and
a length per message; the start-up messages carry no type byte), the bytes per message type: on
the client's side P (Parse: SQL text), B (Bind: parameter values), E (Execute), d (CopyData), Q
(simple query) ...; on the server's side D (DataRow: result rows), T (RowDescription), C
(CommandComplete), G (CopyInResponse) .... When a connection closes it appends one line to LOG:

  close ID PORT up=BYTES down=BYTES up:P=BYTES up:B=BYTES ... down:D=BYTES ...

(PORT is the proxy's own port towards the server, which the server's log shows as the client's
port, so statements can be matched to connections), after a line `open ID` when it opened. The
bench waits until every `open` has its `close`. Only the standard library.
"""
import socket
import sys
import threading

STARTUP_CODES = {80877103, 80877104}  # SSLRequest, GSSENCRequest: the server answers one byte


class Counter:
    """Counts the bytes of one direction by message type, following the framing as it streams."""

    def __init__(self, typed, name):
        self.name = name
        self.typed = typed          # server side: every message has a type byte
        self.untyped = 0 if typed else 1  # client side: start-up messages before the first typed one
        self.single = 0             # server side: one-byte answers owed to SSL/GSS requests
        self.head = b""
        self.kind = None
        self.left = 0
        self.total = 0
        self.by_kind = {}
        self.peer = None

    def feed(self, data):
        self.total += len(data)
        i, n = 0, len(data)
        while i < n:
            if self.left:
                take = min(self.left, n - i)
                self.by_kind[self.kind] = self.by_kind.get(self.kind, 0) + take
                self.left -= take
                i += take
                continue
            if self.single:  # the server's one-byte answer to an SSLRequest or GSSENCRequest
                self.single -= 1
                self.by_kind["ssl-answer"] = self.by_kind.get("ssl-answer", 0) + 1
                i += 1
                continue
            need = 8 if self.untyped else 5  # start-up: length and request code; else type and length
            take = min(need - len(self.head), n - i)
            self.head += data[i:i + take]
            i += take
            if len(self.head) < need:
                continue
            if self.untyped:
                length = int.from_bytes(self.head[0:4], "big")
                self.kind = "startup"
                if int.from_bytes(self.head[4:8], "big") in STARTUP_CODES:
                    self.peer.single += 1  # answered by one byte, then another untyped message
                else:
                    self.untyped = 0
            else:
                self.kind = chr(self.head[0])
                length = int.from_bytes(self.head[1:5], "big") + 1
            self.by_kind[self.kind] = self.by_kind.get(self.kind, 0) + len(self.head)
            self.left = length - len(self.head)
            self.head = b""


def pump(src, dst, counter, done):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            counter.feed(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        done.release()


def serve(conn, ident, target, log, lock):
    server = socket.create_connection(("127.0.0.1", target))
    for s in (conn, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    port = server.getsockname()[1]
    up, down = Counter(False, "up"), Counter(True, "down")
    up.peer, down.peer = down, up
    done = threading.Semaphore(0)
    threading.Thread(target=pump, args=(conn, server, up, done), daemon=True).start()
    threading.Thread(target=pump, args=(server, conn, down, done), daemon=True).start()
    done.acquire()
    done.acquire()
    conn.close()
    server.close()
    kinds = " ".join(f"{c.name}:{k}={v}" for c in (up, down) for k, v in sorted(c.by_kind.items()))
    with lock:
        with open(log, "a") as f:
            f.write(f"close {ident} {port} up={up.total} down={down.total} {kinds}\n")


def main():
    listen, target, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    lock = threading.Lock()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", listen))
    srv.listen(64)
    ident = 0
    while True:
        conn, _ = srv.accept()
        ident += 1
        with lock:
            with open(log, "a") as f:
                f.write(f"open {ident}\n")
        threading.Thread(target=serve, args=(conn, ident, target, log, lock), daemon=True).start()


if __name__ == "__main__":
    main()
