"""The fault proxy does what each fault says, against a tiny upstream that counts and echoes."""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from .support.fault_proxy import FaultProxy, Faults
from .support.live_server import free_port

WAIT = 30  # generous: a loaded 2-core machine


class Upstream:
    """127.0.0.1 HTTP server: counts requests per path, keeps their order, echoes the body."""

    def __init__(self):
        self.arrivals: list[dict] = []
        self.changed = threading.Condition()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?")[0]
                with upstream.changed:
                    upstream.arrivals.append({"method": self.command, "target": self.path, "path": path,
                                              "body": body, "headers": dict(self.headers.items())})
                    seen = upstream.count(path)
                    upstream.changed.notify_all()
                status = int(path.rsplit("/", 1)[1]) if path.startswith("/status/") else 200
                answer = json.dumps({"method": self.command, "target": self.path, "seen": seen,
                                     "body": body.decode(),
                                     "authorization": self.headers.get("Authorization")}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Upstream", "yes")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def count(self, path: str) -> int:
        return sum(1 for arrival in self.arrivals if arrival["path"] == path)

    def order(self) -> list[str]:
        with self.changed:
            return [arrival["path"] for arrival in self.arrivals]

    def wait_count(self, path: str, n: int) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count(path) >= n, WAIT)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(WAIT)


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.stop()


@pytest.fixture
def make_proxy(upstream):
    proxies = []

    def make(faults=None, **options):
        proxy = FaultProxy(upstream.url, faults, **options).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.stop()


def post(url, path="/x", body="hello", **kwargs):
    return requests.post(url + path, data=body.encode(), timeout=WAIT, **kwargs)


def test_without_faults_it_forwards_method_path_query_headers_and_body(make_proxy, upstream):
    proxy = make_proxy()
    response = requests.put(proxy.url + "/api/v1/sync/push?since=12&x=%C4%91", data=b'{"a": 1}',
                            headers={"Authorization": "Bearer s3cret", "X-Site": "H56"}, timeout=WAIT)
    assert response.status_code == 200
    assert response.headers["X-Upstream"] == "yes"
    answer = response.json()
    assert answer == {"method": "PUT", "target": "/api/v1/sync/push?since=12&x=%C4%91", "seen": 1,
                      "body": '{"a": 1}', "authorization": "Bearer s3cret"}
    (arrival,) = upstream.arrivals
    assert arrival["headers"]["X-Site"] == "H56"
    assert arrival["headers"]["Content-Length"] == "8"

    assert requests.get(proxy.url + "/status/409", timeout=WAIT).status_code == 409
    head = requests.head(proxy.url + "/h", timeout=WAIT)
    assert head.status_code == 200 and head.content == b""
    assert requests.delete(proxy.url + "/d", timeout=WAIT).json()["method"] == "DELETE"
    assert proxy.stats["forwarded"] == 4
    assert proxy.stats["requests"] == 4


def test_drop_closes_the_connection_and_the_request_never_arrives(make_proxy, upstream):
    proxy = make_proxy(Faults(drop=1.0))
    with pytest.raises(requests.ConnectionError):
        post(proxy.url)
    assert upstream.count("/x") == 0
    assert proxy.stats["dropped"] == 1 and proxy.stats["forwarded"] == 0


def test_lose_response_delivers_the_request_but_not_the_answer(make_proxy, upstream):
    proxy = make_proxy(Faults(lose_response=1.0))
    with pytest.raises(requests.ConnectionError):
        post(proxy.url, headers={"Authorization": "Bearer t"})
    assert upstream.count("/x") == 1
    assert upstream.arrivals[0]["headers"]["Authorization"] == "Bearer t"
    assert proxy.stats["lost_responses"] == 1 and proxy.stats["forwarded"] == 1


def test_duplicate_sends_twice_and_answers_with_the_second(make_proxy, upstream):
    proxy = make_proxy(Faults(duplicate=1.0))
    response = post(proxy.url, body="same")
    assert response.status_code == 200
    assert response.json()["seen"] == 2  # the second copy's answer
    assert upstream.count("/x") == 2
    assert [a["body"] for a in upstream.arrivals] == [b"same", b"same"]
    assert proxy.stats["duplicated"] == 1 and proxy.stats["forwarded"] == 2


def test_concurrent_duplicate_sends_both_copies(make_proxy, upstream):
    proxy = make_proxy(Faults(duplicate=1.0, duplicate_concurrent=True))
    assert post(proxy.url).status_code == 200
    assert upstream.count("/x") == 2
    assert proxy.stats["duplicated"] == 1 and proxy.stats["forwarded"] == 2


def test_partition_refuses_everything_until_it_heals(make_proxy, upstream):
    proxy = make_proxy()
    proxy.partitioned = True
    for _ in range(3):
        with pytest.raises(requests.ConnectionError):
            post(proxy.url)
    assert upstream.count("/x") == 0
    assert proxy.stats["refused_partition"] == 3
    proxy.partitioned = False
    assert post(proxy.url).status_code == 200
    assert upstream.count("/x") == 1


def test_reorder_swaps_two_concurrent_requests(make_proxy, upstream):
    proxy = make_proxy(Faults(reorder=1.0), reorder_timeout=WAIT)
    answers = {}

    def send(path):
        answers[path] = post(proxy.url, path).status_code

    first = threading.Thread(target=send, args=("/first",))
    first.start()
    assert proxy.wait_for(lambda stats: stats["held"] == 1, WAIT)  # /first is held at the proxy
    send("/second")  # the next request goes first, then releases /first
    first.join(WAIT)
    assert not first.is_alive()
    assert answers == {"/first": 200, "/second": 200}
    assert upstream.order() == ["/second", "/first"]
    assert proxy.stats["reordered"] == 1 and proxy.stats["held"] == 1


def test_a_held_request_goes_on_alone_when_no_other_comes(make_proxy, upstream):
    proxy = make_proxy(Faults(reorder=1.0), reorder_timeout=0.05)
    assert post(proxy.url).status_code == 200
    assert upstream.count("/x") == 1
    assert proxy.stats["reorder_timeouts"] == 1 and proxy.stats["reordered"] == 0


def test_delay_still_delivers_and_is_counted(make_proxy, upstream):
    proxy = make_proxy(Faults(delay=1.0, delay_seconds=(0.01, 0.02)))
    assert post(proxy.url).status_code == 200
    assert upstream.count("/x") == 1
    assert proxy.stats["delayed"] == 1


def test_faults_apply_only_to_the_paths_given(make_proxy, upstream):
    proxy = make_proxy(Faults(drop=1.0), fault_paths=r"^/api/v1/sync/")
    assert post(proxy.url, "/api/v1/health").status_code == 200
    with pytest.raises(requests.ConnectionError):
        post(proxy.url, "/api/v1/sync/push")
    assert upstream.order() == ["/api/v1/health"]


def test_the_same_seed_gives_the_same_faults(upstream):
    outcomes = []
    for _ in range(2):
        with FaultProxy(upstream.url, Faults(drop=0.3, lose_response=0.3, duplicate=0.3), seed=7) as proxy:
            seen = []
            for _ in range(20):
                try:
                    seen.append(post(proxy.url).json()["seen"] - upstream.count("/x"))
                except requests.ConnectionError:
                    seen.append("error")
            outcomes.append((seen, proxy.stats))
    assert outcomes[0] == outcomes[1]
    stats = outcomes[0][1]
    assert stats["dropped"] and stats["lost_responses"] and stats["duplicated"]


def test_a_session_survives_a_closed_connection(make_proxy, upstream):
    proxy = make_proxy()
    with requests.Session() as http:
        assert http.post(proxy.url + "/x", data=b"1", timeout=WAIT).status_code == 200
        proxy.faults = Faults(drop=1.0)
        with pytest.raises(requests.ConnectionError):
            http.post(proxy.url + "/x", data=b"2", timeout=WAIT)
        proxy.faults = Faults()
        assert http.post(proxy.url + "/x", data=b"3", timeout=WAIT).status_code == 200
    assert [a["body"] for a in upstream.arrivals] == [b"1", b"3"]


def test_an_unreachable_upstream_answers_502():
    with FaultProxy(f"http://127.0.0.1:{free_port()}") as proxy:
        assert post(proxy.url).status_code == 502
        assert proxy.stats["upstream_errors"] == 1 and proxy.stats["forwarded"] == 0


def test_stop_wakes_a_held_request(upstream):
    proxy = FaultProxy(upstream.url, Faults(reorder=1.0), reorder_timeout=3600).start()
    errors = []

    def send():
        try:
            post(proxy.url)
        except requests.ConnectionError as exc:
            errors.append(exc)

    client = threading.Thread(target=send)
    client.start()
    assert proxy.wait_for(lambda stats: stats["held"] == 1, WAIT)
    proxy.stop()
    client.join(WAIT)
    assert not client.is_alive()
    assert len(errors) == 1
    assert upstream.count("/x") == 0


def test_stats_count_every_outcome(make_proxy, upstream):
    proxy = make_proxy(Faults(drop=0.25, lose_response=0.25, duplicate=0.25, delay=0.25,
                              delay_seconds=(0.0, 0.01)), seed=3)
    for _ in range(40):
        try:
            post(proxy.url)
        except requests.ConnectionError:
            pass
    stats = proxy.stats
    assert stats["requests"] == 40
    assert stats["forwarded"] == upstream.count("/x") == 40 - stats["dropped"] + stats["duplicated"]
    assert Counter(key for *_, key in proxy.events)["dropped"] == stats["dropped"]
