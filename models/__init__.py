"""Models, one entity family per module, re-exported here."""

from .dossier import Attachment, CalendarOverride, Dossier, Procedure
from .event import ClockState, Event
from .printing import JOB_STATUSES, PrinterState, PrintJob
from .site import POINT_KINDS, Counter, Kiosk, PriorityCategory, Queue, ReceptionPoint
from .staff import COUNTER_ROLES, ROLES, LoginAttempt, StaffSession, StaffUser
from .ticket import TICKET_STATUSES, Ticket, TicketSequence

__all__ = [
    "POINT_KINDS",
    "COUNTER_ROLES",
    "JOB_STATUSES",
    "ROLES",
    "TICKET_STATUSES",
    "Attachment",
    "CalendarOverride",
    "ClockState",
    "Dossier",
    "Procedure",
    "Counter",
    "Event",
    "Kiosk",
    "LoginAttempt",
    "PrintJob",
    "PrinterState",
    "PriorityCategory",
    "Queue",
    "ReceptionPoint",
    "StaffSession",
    "StaffUser",
    "Ticket",
    "TicketSequence",
]
