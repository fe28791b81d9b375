"""Ticket figures: issued, served, waits and service times per queue, counter and officer."""

from .types import Scope, TicketFigures


def ticket_figures(scope: Scope, now=None) -> TicketFigures:
    raise NotImplementedError
