"""Dossier figures: received, finished on time, overdue now, channels, digitisation, reuse."""

from .types import DossierFigures, DossierLine, Scope


def dossier_figures(scope: Scope, now=None) -> DossierFigures:
    raise NotImplementedError


def dossiers_behind(scope: Scope, key: str, now=None) -> list[DossierLine]:
    raise NotImplementedError
