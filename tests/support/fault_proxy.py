"""A reverse proxy on 127.0.0.1 that breaks the link between sites and central on purpose.

Put it between a site server and the central server (the site's central URL is `proxy.url`): it
forwards every request — method, path, query, headers (Authorization included) and body — to the
upstream and returns the upstream's answer, except that each request may meet a fault drawn by a
seeded `random.Random(seed)` with the probabilities in `Faults`:

- drop: the connection is closed without an answer and the request never reaches central;
- lose_response: central gets the request (and commits), the client gets no answer;
- duplicate: central gets the request twice (one after the other, or both at once with
  `duplicate_concurrent`); the client gets the second answer;
- delay: the request waits a random time (`delay_seconds`) before it goes on;
- reorder: the request is held until the next forwarded request has reached central (or for
  `reorder_timeout` if none comes), so two concurrent requests arrive swapped.

`proxy.partitioned = True` is the link going down: every request (also one already held or
delayed) is closed without an answer until it is set back to False. `fault_paths` limits the faults
(not the partition) to the paths it matches, e.g. r"^/api/v1/sync/".

"Without an answer" means the socket is shut down after the request was read: a `requests` client
gets a ConnectionError at once. An upstream that cannot be reached answers 502. Every wait is
bounded; stop() wakes whatever is still waiting. What happened is counted in `proxy.stats` and
listed in `proxy.events`.
"""

import http.client
import random
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.support.live_server import free_port

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "trailers", "transfer-encoding", "upgrade", "proxy-connection"}
STAT_KEYS = ("requests", "forwarded", "dropped", "lost_responses", "duplicated", "delayed", "reordered",
             "reorder_timeouts", "held", "refused_partition", "upstream_errors")
MAX_BODY = 64 * 1024 * 1024


@dataclass
class Faults:
    """Probabilities (0..1) of each fault, drawn independently per request; drop excludes the rest."""

    drop: float = 0.0
    lose_response: float = 0.0
    duplicate: float = 0.0
    delay: float = 0.0
    delay_seconds: tuple[float, float] = (0.05, 0.5)
    reorder: float = 0.0
    duplicate_concurrent: bool = False


@dataclass
class _Plan:
    drop: bool = False
    lose_response: bool = False
    duplicate: bool = False
    delay: float = 0.0
    reorder: bool = False


class _Hold:
    """A request held back for reordering: `claimed` when the next request arrives, `go` after
    that request has reached the upstream."""

    def __init__(self):
        self.claimed = threading.Event()
        self.go = threading.Event()


class _Refuse(Exception):
    """Close the client's connection without an answer."""


class FaultProxy:
    def __init__(self, upstream: str, faults: Faults | None = None, seed: int = 0,
                 fault_paths: str | None = None, reorder_timeout: float = 1.0,
                 upstream_timeout: float = 30.0):
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, not {upstream!r}")
        self.upstream = upstream.rstrip("/")
        self._upstream_host = parts.hostname
        self._upstream_port = parts.port or 80
        self._upstream_prefix = parts.path.rstrip("/")
        self.faults = faults or Faults()
        self.fault_paths = re.compile(fault_paths) if fault_paths else None
        self.reorder_timeout = reorder_timeout
        self.upstream_timeout = upstream_timeout
        self.partitioned = False
        self.port = free_port()
        self._random = random.Random(seed)
        self._lock = threading.Condition()
        self._stats = dict.fromkeys(STAT_KEYS, 0)
        self.events: deque = deque(maxlen=2000)  # (request number, method, path, what happened)
        self._holds: list[_Hold] = []  # held, not yet claimed by a next request
        self._all_holds: set[_Hold] = set()  # held and not yet released: stop() releases them
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._sequence = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stats(self) -> dict:
        """A snapshot of the counters. `forwarded` counts requests sent upstream (a duplicate is 2)."""
        with self._lock:
            return dict(self._stats)

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = dict.fromkeys(STAT_KEYS, 0)
            self.events.clear()

    def wait_for(self, predicate, timeout: float = 30.0) -> bool:
        """Wait until predicate(stats) is true (re-checked at every change); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(dict(self._stats)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
            return True

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> "FaultProxy":
        if self._server is not None:
            raise RuntimeError("proxy already started")
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self.port), _Handler, self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"fault-proxy-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()  # returns once serve_forever has left its loop (it polls every 0.1 s)
        server.server_close()
        with self._lock:
            for hold in self._all_holds:
                hold.claimed.set()
                hold.go.set()
            connections = dict(self._connections)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # idle keep-alive connections wake up and end
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for thread in [self._thread, *connections.values()]:
            if thread is not None and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        self._thread = None

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what the handler asks ------------------------------------------------------------------

    def _count(self, key: str, request: "_Request") -> None:
        with self._lock:
            self._stats[key] += 1
            self.events.append((request.number, request.method, request.path, key))
            self._lock.notify_all()

    def _plan(self, path: str) -> tuple[int, _Plan]:
        """Draw this request's faults. Always the same draws in the same order, so a seed gives the
        same plans to the same sequence of requests."""
        with self._lock:
            self._sequence += 1
            self._stats["requests"] += 1
            faults = self.faults
            rng = self._random
            draws = [rng.random() for _ in range(5)]
            low, high = faults.delay_seconds
            pause = rng.uniform(low, high)
            self._lock.notify_all()
            number = self._sequence
        if self.fault_paths is not None and not self.fault_paths.search(path):
            return number, _Plan()
        if draws[0] < faults.drop:
            return number, _Plan(drop=True)
        return number, _Plan(lose_response=draws[1] < faults.lose_response,
                             duplicate=draws[2] < faults.duplicate,
                             delay=pause if draws[3] < faults.delay else 0.0,
                             reorder=draws[4] < faults.reorder)

    def _arrive(self, plan: _Plan) -> tuple[list[_Hold], _Hold | None]:
        """Claim the requests held for this one; or be held if this request is to be reordered (a
        request that releases others is not held itself, so a chain always ends)."""
        with self._lock:
            followers, self._holds = self._holds, []
            for hold in followers:
                hold.claimed.set()
            hold = None
            if plan.reorder and not followers and not self._stopping.is_set():
                hold = _Hold()
                self._holds.append(hold)
                self._all_holds.add(hold)
                self._stats["held"] += 1
                self._lock.notify_all()
            return followers, hold

    def _wait_turn(self, hold: _Hold) -> bool:
        """Wait while held; True if a later request went first (the swap happened)."""
        hold.claimed.wait(self.reorder_timeout)
        with self._lock:
            if hold in self._holds:  # nobody came: go on alone
                self._holds.remove(hold)
                self._all_holds.discard(hold)
                return False
        # claimed: wait for the claimer to have reached the upstream (bounded by its own timeouts)
        hold.go.wait(self.upstream_timeout * 3 + 5)
        with self._lock:
            self._all_holds.discard(hold)
        return not self._stopping.is_set()

    @staticmethod
    def _release(followers: list[_Hold]) -> None:
        for hold in followers:
            hold.go.set()

    def _forward(self, request: "_Request") -> tuple | None:
        """Send one copy of the request upstream: (status, reason, headers, body), or None if the
        upstream could not be reached or did not answer (counted as an upstream error)."""
        if self.partitioned or self._stopping.is_set():
            raise _Refuse
        conn = http.client.HTTPConnection(self._upstream_host, self._upstream_port,
                                          timeout=self.upstream_timeout)
        try:
            conn.putrequest(request.method, self._upstream_prefix + request.target, skip_host=True,
                            skip_accept_encoding=True)
            for name, value in request.headers:
                conn.putheader(name, value)
            if request.body or request.method not in ("GET", "HEAD", "DELETE", "OPTIONS"):
                conn.putheader("Content-Length", str(len(request.body)))
            conn.endheaders(request.body or None)
            response = conn.getresponse()
            try:
                data = response.read()
            finally:
                response.close()
        except (OSError, http.client.HTTPException):
            self._count("upstream_errors", request)
            return None
        finally:
            conn.close()
        self._count("forwarded", request)
        return response.status, response.reason, response.getheaders(), data


@dataclass
class _Request:
    number: int
    method: str
    target: str  # path and query, as the client sent them
    path: str
    headers: list
    body: bytes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address, handler, proxy: FaultProxy):
        self.proxy = proxy
        super().__init__(address, handler)

    def handle_error(self, request, client_address) -> None:
        pass  # a client that went away, or a socket shut down by stop(): nothing to report


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        proxy = self.server.proxy
        with proxy._lock:
            proxy._connections[self.connection] = threading.current_thread()

    def finish(self) -> None:
        proxy = self.server.proxy
        with proxy._lock:
            proxy._connections.pop(self.connection, None)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():  # trailers
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise _Refuse
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise _Refuse
        return self.rfile.read(length) if length else b""

    def _refuse(self) -> None:
        """Close without an answer: the client sees the connection end before any response."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _reply(self, result: tuple | None, method: str) -> None:
        if result is None:
            body = b"fault proxy: upstream unreachable\n"
            self.send_response_only(502, "Bad Gateway")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        status, reason, headers, body = result
        self.send_response_only(status, reason)
        bodyless = method == "HEAD" or status in (204, 304) or status < 200
        for name, value in headers:
            lower = name.lower()
            if lower in HOP_BY_HOP or (lower == "content-length" and not bodyless):
                continue
            self.send_header(name, value)
        if not bodyless:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not bodyless:
            self.wfile.write(body)

    def _proxy(self) -> None:
        proxy = self.server.proxy
        try:
            body = self._read_body()
        except (_Refuse, ValueError):
            self._refuse()
            return
        connection_tokens = {token.strip().lower() for token in self.headers.get("Connection", "").split(",")}
        headers = [(name, value) for name, value in self.headers.items()
                   if name.lower() not in HOP_BY_HOP and name.lower() not in connection_tokens
                   and name.lower() != "content-length"]
        path = urlsplit(self.path).path
        number, plan = proxy._plan(path)
        request = _Request(number, self.command, self.path, path, headers, body)
        if proxy.partitioned or proxy._stopping.is_set():
            proxy._count("refused_partition", request)
            self._refuse()
            return
        if plan.drop:
            proxy._count("dropped", request)
            self._refuse()
            return
        followers, hold = proxy._arrive(plan)
        try:
            if hold is not None:
                swapped = proxy._wait_turn(hold)
                proxy._count("reordered" if swapped else "reorder_timeouts", request)
            if plan.delay:
                proxy._count("delayed", request)
                proxy._stopping.wait(plan.delay)
            result = self._send(proxy, plan, request)
        except _Refuse:
            proxy._count("refused_partition", request)
            self._refuse()
            return
        finally:
            proxy._release(followers)  # they reach the upstream after this request did
        if plan.lose_response:
            proxy._count("lost_responses", request)
            self._refuse()
            return
        try:
            self._reply(result, request.method)
        except OSError:
            self.close_connection = True

    @staticmethod
    def _send(proxy: FaultProxy, plan: _Plan, request: _Request) -> tuple | None:
        if not plan.duplicate:
            return proxy._forward(request)
        proxy._count("duplicated", request)
        if not proxy.faults.duplicate_concurrent:
            proxy._forward(request)
            return proxy._forward(request)
        results: list = [None, None]
        refused: list = []

        def send(index: int) -> None:
            try:
                results[index] = proxy._forward(request)
            except _Refuse:
                refused.append(index)

        threads = [threading.Thread(target=send, args=(index,), daemon=True) for index in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(proxy.upstream_timeout + 5)
        if 1 in refused:
            raise _Refuse
        return results[1]

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _proxy
