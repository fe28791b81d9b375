"""The figures supervisors are judged by: value types shared by the dashboard, the reports and central.

Everything here is a frozen, plain value (no ORM objects) so a template, a CSV/XLSX writer or a JSON
endpoint can read it without touching the database. How each figure is counted: docs/figures.md.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Scope:
    """Which sites and which Vietnamese calendar days (inclusive) a figure covers; site_ids=None = all."""

    site_ids: tuple[uuid.UUID, ...] | None
    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """(start, end exclusive) in naive UTC, as rows store time."""
        from domain.clock import local_day_bounds

        return local_day_bounds(self.start)[0], local_day_bounds(self.end)[1]

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.strftime("%d/%m/%Y")
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Stat:
    count: int
    median_minutes: float | None
    p90_minutes: float | None


EMPTY_STAT = Stat(0, None, None)


# ---- Tickets ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueHours:
    letter: str
    name: str
    counts: list[int]  # aligned with TicketFigures.hours
    total: int


@dataclass(frozen=True)
class ServiceRow:
    kind: str  # "queue" | "counter" | "officer"
    key: str  # queue letter, counter id or officer id (str)
    label: str
    served: int
    no_shows: int
    wait: Stat
    service: Stat


@dataclass(frozen=True)
class TicketFigures:
    issued: int
    served: int
    no_shows: int
    transferred: int
    waiting_now: int
    hours: list[int]
    by_queue_hour: list[QueueHours]
    rows: list[ServiceRow]
    wait: Stat
    service: Stat


# ---- Dossiers --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OverdueLine:
    dossier_id: uuid.UUID
    code: str
    procedure: str
    field: str
    due_at: datetime  # naive UTC
    days_late: int  # working days past the appointment
    late_reason: str | None
    apologised: bool


@dataclass(frozen=True)
class FieldRow:
    field: str
    procedure_code: str
    procedure_name: str
    received: int
    finished: int
    on_time_or_early: int
    late: int


@dataclass(frozen=True)
class DossierFigures:
    received: int
    finished: int
    early: int
    on_time: int  # on time but not early
    late: int
    open_in_time: int
    overdue_now: list[OverdueLine]
    by_channel: dict[str, int]  # in_person, postal, online: always present
    digitised: int
    digitised_share: float | None
    fields_prefilled: int
    fields_typed: int
    reuse_share: float | None
    supplemented: int
    transferred: int
    by_field: list[FieldRow]


@dataclass(frozen=True)
class DossierLine:
    """One dossier behind a figure (the dashboard links each figure to these)."""

    dossier_id: uuid.UUID
    code: str
    procedure: str
    status: str
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None


# ---- Satisfaction and PAKN -------------------------------------------------------------------------

@dataclass(frozen=True)
class LevelCount:
    level: int
    label: str
    face: str
    count: int
    share: float | None


@dataclass(frozen=True)
class OfficerRating:
    officer_id: uuid.UUID
    name: str
    ratings: int
    satisfied_share: float | None


@dataclass(frozen=True)
class FeedbackFigures:
    received: int
    open: int
    late_open: int
    answered_on_time: int
    answered_late: int
    rejected: int


@dataclass(frozen=True)
class SatisfactionFigures:
    ratings: int
    scale: int
    levels: list[LevelCount]
    by_sentiment: dict[str, int]  # satisfied, neutral, dissatisfied: always present
    satisfied_share: float | None
    reasons: list[tuple[str, str, int]]  # (code, label, count), most frequent first
    officers: list[OfficerRating]
    feedback: FeedbackFigures


# ---- Decision 766 indicators -----------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    key: str  # "2.1"
    group: str  # "progress"
    name: str
    numerator: float | None
    denominator: float | None
    ratio: float | None
    target: float | None
    weight: float  # points this indicator can earn
    score: float | None
    available: bool
    note: str | None = None


@dataclass(frozen=True)
class IndicatorGroup:
    key: str
    name: str
    weight: float
    score: float | None
    indicators: list[Indicator]


@dataclass(frozen=True)
class IndicatorReport:
    set_code: str
    basis: str
    groups: list[IndicatorGroup]
    total_score: float
    max_available: float  # points the available indicators could earn
    estimate_label: str = "ước tính"


# ---- Circular 01/2018 scoring ----------------------------------------------------------------------

@dataclass(frozen=True)
class DossierScore:
    dossier_id: uuid.UUID
    code: str
    officer_id: uuid.UUID | None
    indices: dict[str, int | None]  # None = "không có dữ liệu"
    total: int
    max_total: int


@dataclass(frozen=True)
class Grade:
    subject: str  # officer name or unit name
    score: float | None  # on the 18-point scale; None when no dossier was scored
    band: str | None
    dossiers: int = 0
    subject_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    tickets: TicketFigures
    dossiers: DossierFigures
    satisfaction: SatisfactionFigures
    indicators: IndicatorReport
    officer_grades: list[Grade] = field(default_factory=list)
    unit_grade: Grade | None = None
