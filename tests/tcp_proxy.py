"""A TCP proxy in front of a real server (PostgreSQL), for the faults a real network and a real
server have.

While started it forwards bytes both ways. Stopping it closes its port and cuts every connection
through it, as a database server going down does; starting it again on the same port is the
server coming back. It can also be told to cut every connection, or to cut the next
connection that sends ``COMMIT`` right after forwarding it, so the server commits while the
client never hears back: the lost commit acknowledgement of a dropped connection. The COMMIT can
also be held back a while after the client was cut (a slow network or a slow server), so the
client looks for the outcome while the server has not committed yet; or never delivered, as when
the client dies just before sending it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time


def free_port() -> int:
    """A local TCP port nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target_host``:``target_port`` while started."""

    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._cut_next_commits = 0
        self._cut_only_after: bytes | None = None
        self._cut_delay = 0.0
        self._cut_delivers = True
        self.commits_cut = 0
        """COMMITs delivered to the server after their client was cut."""
        self.commits_lost = 0
        """COMMITs never delivered (``lose_commit``)."""
        self._muted: set[int] = set()

    def start(self) -> None:
        """Listen on ``port`` (again) and forward what comes."""
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen()
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Close the port and cut every connection through it (the server is down)."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        self.cut_all()

    def cut_after_commit(
        self, times: int = 1, *, only_after: bytes | None = None, delay: float = 0.0
    ) -> None:
        """The next ``times`` COMMITs reach the server; their connections are then cut before
        any answer comes back. With ``only_after``, only a COMMIT of a transaction that sent
        those bytes counts (a table's name: a save of events, not a read model's batch); with
        ``delay``, the client is cut at once and the COMMIT reaches the server that much later."""
        self._plan_cut(times, only_after, delay, delivers=True)

    def lose_commit(self, times: int = 1, *, only_after: bytes | None = None) -> None:
        """The next ``times`` COMMITs (``only_after`` as above) never reach the server: both
        sides of their connections are cut instead, so the server rolls the transaction back
        while its client, like one that died before sending COMMIT, has done all it did before."""
        self._plan_cut(times, only_after, 0.0, delivers=False)

    def _plan_cut(
        self, times: int, only_after: bytes | None, delay: float, *, delivers: bool
    ) -> None:
        with self._lock:  # replaces a plan not carried out yet
            self._cut_next_commits = times
            self._cut_only_after = only_after
            self._cut_delay = delay
            self._cut_delivers = delivers

    def cut_all(self) -> None:
        """Cut every open connection (the server went away for a moment)."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, server in pairs:
            _close(client)
            _close(server)

    def close(self) -> None:
        self.stop()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
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
        transaction = _Transaction()
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
            commits = transaction.feed(data)
            with self._lock:
                if commits:
                    wanted = self._cut_only_after
                    if self._cut_next_commits > 0 and (wanted is None or transaction.sent(wanted)):
                        self._cut_next_commits -= 1
                        cut = True
                        delay = self._cut_delay
                        if self._cut_delivers:
                            self.commits_cut += 1
                        else:
                            self.commits_lost += 1
                            _close(client)
                            _close(server)
                            return
                    transaction.committed()
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


class _Transaction:
    """What a client has sent since its last COMMIT, read message by message (PostgreSQL's
    frontend protocol 3, without TLS), so a cut can wait for a transaction that ran a given
    statement even when the statement was prepared on the connection long before (a Bind names
    it then, not the statement's text)."""

    _UNTYPED_REQUESTS = (80877103, 80877104)  # SSLRequest, GSSENCRequest: a startup follows

    def __init__(self) -> None:
        self._buffer = b""
        self._started = False
        self._prepared: dict[bytes, bytes] = {}
        self._queries: list[bytes] = []

    def feed(self, data: bytes) -> bool:
        """Read what the client sent; True if it holds a COMMIT."""
        self._buffer += data
        commits = False
        while True:
            if not self._started:
                if len(self._buffer) < 8:
                    return commits
                length = int.from_bytes(self._buffer[:4], "big")
                if len(self._buffer) < length:
                    return commits
                code = int.from_bytes(self._buffer[4:8], "big")
                self._buffer = self._buffer[length:]
                self._started = code not in self._UNTYPED_REQUESTS
                continue
            if len(self._buffer) < 5:
                return commits
            kind = self._buffer[:1]
            length = int.from_bytes(self._buffer[1:5], "big")
            if len(self._buffer) < 1 + length:
                return commits
            body = self._buffer[5 : 1 + length]
            self._buffer = self._buffer[1 + length :]
            if kind == b"Q":
                if body == b"ROLLBACK\x00":
                    self._queries = []
                # A simple query of exactly COMMIT: how psycopg ends a transaction.
                commits = commits or body == b"COMMIT\x00"
                self._queries.append(body)
            elif kind == b"P":
                name, _, rest = body.partition(b"\x00")
                query = rest.partition(b"\x00")[0]
                self._prepared[name] = query
                self._queries.append(query)
            elif kind == b"B":
                _portal, _, rest = body.partition(b"\x00")
                name = rest.partition(b"\x00")[0]
                self._queries.append(self._prepared.get(name, b""))

    def sent(self, marker: bytes) -> bool:
        """Whether the open transaction ran a statement holding these bytes."""
        return any(marker in query for query in self._queries)

    def committed(self) -> None:
        self._queries = []


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
