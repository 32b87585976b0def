"""A TCP proxy between the service and PostgreSQL, for faults a real network has.

It forwards bytes both ways and can be told to cut every connection, or to cut the next
connection that sends ``COMMIT`` right after forwarding it, so the server commits while the
client never hears back: the lost commit acknowledgement of a dropped connection. The COMMIT can
also be held back a while after the client was cut (a slow network or a slow server), so the
client looks for the outcome while the server has not committed yet.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

COMMIT_QUERY = b"Q\x00\x00\x00\x0bCOMMIT\x00"
"""A simple-protocol query message holding exactly ``COMMIT`` (how psycopg ends a transaction)."""


class TcpProxy:
    """Listens on a free local port and forwards to ``target``; ``port`` is where to connect."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._cut_next_commits = 0
        self._cut_only_after: bytes | None = None
        self._cut_delay = 0.0
        self.commits_cut = 0
        self._closed = False
        self._refusing = False
        self._muted: set[int] = set()
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    def cut_after_commit(
        self, times: int = 1, *, only_after: bytes | None = None, delay: float = 0.0
    ) -> None:
        """The next ``times`` COMMITs reach the server; their connections are then cut before
        any answer comes back. With ``only_after``, only a COMMIT of a transaction that sent
        those bytes counts (a table's name: a save of events, not a read model's batch); with
        ``delay``, the client is cut at once and the COMMIT reaches the server that much later."""
        with self._lock:
            self._cut_next_commits += times
            self._cut_only_after = only_after
            self._cut_delay = delay

    def cut_all(self) -> None:
        """Cut every open connection (the server went away for a moment)."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, server in pairs:
            _close(client)
            _close(server)

    def refuse(self, *, refusing: bool = True) -> None:
        """While refusing, new connections are accepted and closed at once (the server is down)."""
        self._refusing = refusing
        if refusing:
            self.cut_all()

    def close(self) -> None:
        self._closed = True
        _close(self._listener)
        self.cut_all()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._refusing:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._upstream, args=(client, server), daemon=True).start()
            threading.Thread(target=self._downstream, args=(client, server), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket) -> None:
        marked = False  # the open transaction sent the bytes a cut may wait for
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                data = b""
            if not data:
                _close(server)
                return
            cut = False
            delay = 0.0
            with self._lock:
                marked = marked or (
                    self._cut_only_after is not None and self._cut_only_after in data
                )
                if COMMIT_QUERY in data:
                    if self._cut_next_commits > 0 and (self._cut_only_after is None or marked):
                        self._cut_next_commits -= 1
                        self.commits_cut += 1
                        cut = True
                        delay = self._cut_delay
                    marked = False
            if cut:
                self._muted.add(id(client))  # nothing the server answers reaches the client
                # The client loses its connection at once; the server, which gets the COMMIT
                # (after ``delay``), commits and then finds its client gone.
                _close(client)
                time.sleep(delay)
            try:
                server.sendall(data)
            except OSError:
                _close(client)
                return
            if cut:
                time.sleep(0.2)
                _close(server)
                return

    def _downstream(self, client: socket.socket, server: socket.socket) -> None:
        while True:
            try:
                data = server.recv(65536)
            except OSError:
                data = b""
            if not data or id(client) in self._muted:
                _close(client)
                return
            try:
                client.sendall(data)
            except OSError:
                _close(server)
                return


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
