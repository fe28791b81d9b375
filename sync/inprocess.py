"""The sync API called in process, through the central app's WSGI interface rather than a socket:
the demo province (`flask central seed-demo`) and tests whose sites and central share one process.
Each call runs in a fresh context, so the two apps' request state never mixes."""

import contextvars

from .site import SyncFailed


class AppTransport:
    def __init__(self, central_app, credential: str, faults=None):
        self.client = central_app.test_client()
        self.headers = {"Authorization": f"Bearer {credential}"}
        self.faults = faults  # callable(method, path) → None, or raise SyncFailed before/after central

    def __call__(self, method: str, path: str, *, params=None, json=None, headers=None) -> tuple[int, dict]:
        if self.faults is not None:
            self.faults.before(method, path)
        response = contextvars.Context().run(
            self.client.open, path, method=method, query_string=params, json=json,
            headers={**self.headers, **(headers or {})})
        try:
            body = response.get_json(silent=True)
        finally:
            response.close()
        if self.faults is not None:
            self.faults.after(method, path)
        if not isinstance(body, dict):
            raise SyncFailed(f"HTTP {response.status_code} without JSON")
        return response.status_code, body

    def close(self) -> None:
        pass


def transport_factory(central_app, faults=None):
    """A SYNC_TRANSPORT setting: (central URL, credential) → AppTransport."""
    return lambda _url, credential: AppTransport(central_app, credential, faults)
