"""Decision 766 indicators computed locally (estimates)."""

from .types import IndicatorReport, Scope


def indicator_report(scope: Scope, now=None, set_code: str | None = None) -> IndicatorReport:
    raise NotImplementedError
