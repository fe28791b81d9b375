"""Ratings and PAKN figures."""

from .types import SatisfactionFigures, Scope


def satisfaction_figures(scope: Scope, now=None) -> SatisfactionFigures:
    raise NotImplementedError
