"""A TCP proxy in front of a real server, for the faults a real network and a real server have.

While started it forwards bytes both ways. Stopping it closes its port and cuts every connection
through it, as a database server going down does; starting it again on the same port is the
server coming back. It can also cut the next connection that sends ``COMMIT`` right after
forwarding it, so the server commits while the client never hears back: the lost commit
acknowledgement of a dropped connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

COMMIT_QUERY = b"Q\x00\x00\x00\x0bCOMMIT\x00"
"""A simple-protocol query message holding exactly ``COMMIT`` (how psycopg ends a transaction)."""


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
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._muted: set[int] = set()
        self._cut_next_commits = 0
        self.commits_cut = 0
        """How many COMMITs reached the server on a connection then cut (cut_after_commit)."""

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
        """Close the port and cut every connection through it."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        self.cut_all()

    def close(self) -> None:
        self.stop()

    def cut_all(self) -> None:
        """Cut every open connection, leaving the port open (connections the server dropped)."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, server in pairs:
            _close(client)
            _close(server)

    def cut_after_commit(self, times: int = 1) -> None:
        """The next ``times`` COMMITs reach the server; their connections are then cut before
        any answer comes back."""
        with self._lock:
            self._cut_next_commits += times

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
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                data = b""
            if not data:
                _close(server)
                return
            cut = False
            if COMMIT_QUERY in data:
                with self._lock:
                    if self._cut_next_commits > 0:
                        self._cut_next_commits -= 1
                        self.commits_cut += 1
                        cut = True
            if cut:
                self._muted.add(id(client))  # nothing the server answers reaches the client
            try:
                server.sendall(data)
            except OSError:
                _close(client)
                return
            if cut:
                # The client loses its connection at once; the server, which has the COMMIT,
                # commits and then finds its client gone.
                _close(client)
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
