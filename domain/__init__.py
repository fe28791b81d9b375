"""Domain operations shared by the kiosk, the counter and (later) sync.

Write functions take model objects and validated values, change state, flush and
record an event in the outbox; they never commit.
"""


class DomainError(Exception):
    """A rule a user broke; `message` is Vietnamese source text, translated on display."""

    status = 409

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message
        self.params = params


class NotFound(DomainError):
    status = 404
