"""Models, one entity family per module, re-exported here."""

from .dossier import Attachment, CalendarOverride, Dossier, DossierStep, Procedure
from .event import ClockState, Event, EventFlag, PersonalKey
from .printing import JOB_STATUSES, PrinterState, PrintJob
from .quality import FEEDBACK_STATUSES, RATING_CHANNELS, SENTIMENTS, Feedback, Rating
from .site import POINT_KINDS, Counter, Kiosk, PriorityCategory, Queue, ReceptionPoint
from .staff import COUNTER_ROLES, ROLES, LoginAttempt, StaffSession, StaffUser, staff_site
from .sync import Quarantine, SiteCredential, SiteLink, SyncProblem, SyncState
from .ticket import TICKET_STATUSES, NumberSeries, Ticket, TicketCall

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
    "DossierStep",
    "Procedure",
    "Feedback",
    "Rating",
    "FEEDBACK_STATUSES",
    "RATING_CHANNELS",
    "SENTIMENTS",
    "Counter",
    "Event",
    "EventFlag",
    "NumberSeries",
    "PersonalKey",
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
    "TicketCall",
    "Quarantine",
    "SiteCredential",
    "SiteLink",
    "SyncProblem",
    "SyncState",
    "staff_site",
]
