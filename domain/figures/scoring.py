"""Circular 01/2018 per-dossier scoring, officer and unit grades."""

from .types import DossierScore, Grade, Scope


def dossier_scores(scope: Scope, now=None) -> list[DossierScore]:
    raise NotImplementedError


def officer_grades(scope: Scope, now=None) -> list[Grade]:
    raise NotImplementedError


def unit_grade(scope: Scope, now=None) -> Grade:
    raise NotImplementedError
