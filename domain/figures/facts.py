"""One pass over the dossiers a period touches, shared by the dossier figures, the indicators and
the scoring: received in the period, finished in it, or still open at its end.

End of processing = the dossier's one terminal step: result_ready ("Đã xử lý xong", which always
precedes the return), refused or stopped. The appointment it is judged against is the one in force
then (the receipt's, or a supplement's or a postal hand-over's restart); moving the date with an
apology (Mẫu 04) does not make a late dossier on time: such a dossier is judged against the date it
had before the apology. Open dossiers are judged at the period's end, or now if that is earlier.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, null, select

from domain.clock import to_local, utcnow
from models import Attachment, Dossier, DossierStep
from motcua.extensions import db

from .sql import in_sites
from .types import Scope

TERMINAL = ("dossier.result_ready", "dossier.refused", "dossier.stopped")
OPEN = ("received", "transferred", "supplement_requested")
RESTARTS = ("dossier.supplemented", "dossier.handover_accepted")
COUNTED = ("dossier.supplement_requested", "dossier.transferred", "dossier.rescheduled") + RESTARTS
FEW = 5000  # dossiers: below this, their steps and scans are looked up by id
# The Mẫu 01 applicant fields a returning citizen's earlier dossier can fill (domain.dossiers.REUSABLE).
FILLED = (Dossier.applicant_name != "", Dossier.applicant_birth_date.is_not(None),
          Dossier.applicant_gender != "", Dossier.applicant_address != "", Dossier.applicant_phone != "",
          Dossier.applicant_email != "")


@dataclass(slots=True)
class Fact:
    id: object
    site_id: object
    code: str | None
    procedure_id: object
    ticket_id: object
    channel: str
    status: str
    received_at: datetime
    received_by_id: object
    filled: int
    reused: int
    rescheduled: bool
    end_at: datetime | None  # end of processing
    due_at: datetime | None  # the appointment it is judged against
    supplements: int = 0
    attached: bool = False
    transferred: bool = False  # handed to the processing agency during the period
    # Set by classify():
    received: bool = False  # received in the period
    finished: bool = False  # processing ended in the period
    open: bool = False  # still open at the judging time
    late: bool = False  # finished late, or open past its appointment (or supplemented twice)
    early: bool = False


@dataclass
class Facts:
    scope: Scope
    judged_at: datetime  # the period's end, or now if earlier
    now: datetime
    rows: list[Fact]
    memo: dict = field(default_factory=dict)  # what links.py read for these facts


def _columns():
    filled = sum(case((condition, 1), else_=0) for condition in FILLED)
    return (Dossier.id, Dossier.site_id, Dossier.code, Dossier.procedure_id, Dossier.ticket_id,
            Dossier.channel, Dossier.status, Dossier.received_at, Dossier.received_by_id, filled,
            Dossier.reused_fields, Dossier.rescheduled)


def _load(scope: Scope) -> list[Fact]:
    start, end = scope.bounds()
    ended = (select(*_columns(), DossierStep.at, DossierStep.due_at)
             .join(Dossier, Dossier.id == DossierStep.dossier_id)
             .where(in_sites(DossierStep.site_id, scope), DossierStep.type.in_(TERMINAL),
                    DossierStep.at >= start, Dossier.received_at < end))
    still_open = (select(*_columns(), null(), Dossier.due_at)
                  .where(in_sites(Dossier.site_id, scope), Dossier.status.in_(OPEN),
                         Dossier.received_at < end))
    rows = [Fact(*row) for row in db.session.execute(ended.union_all(still_open))]
    return rows


def _of_rows(query, column, site_column, at_column, scope: Scope, rows: list[Fact]):
    """`query` for these dossiers: by id when they are few (each looked up through its index),
    otherwise over the scope's sites (one walk of the table beats tens of thousands of look-ups),
    from the earliest receipt among them on (what `at_column` dates never comes before its receipt)."""
    if len(rows) > FEW:
        received = [row.received_at for row in rows]
        since = [at_column >= min(received)] if None not in received else []
        return db.session.execute(query.where(in_sites(site_column, scope), *since)).all()
    ids, found = [row.id for row in rows], []
    for start in range(0, len(ids), 500):
        found += db.session.execute(query.where(column.in_(ids[start:start + 500]))).all()
    return found


def _steps(scope: Scope, rows: list[Fact]):
    query = (select(DossierStep.dossier_id, DossierStep.type, DossierStep.at, DossierStep.previous_due_at)
             .where(DossierStep.type.in_(COUNTED)))
    found = _of_rows(query, DossierStep.dossier_id, DossierStep.site_id, DossierStep.at, scope, rows)
    return sorted(found, key=lambda step: step[2])


def _apply_steps(scope: Scope, rows: list[Fact]) -> None:
    """Supplement requests, transfers in the period; and a dossier whose date was moved with an
    apology is judged against the date before the move (unless the clock restarted after it)."""
    start, end = scope.bounds()
    by_id = {row.id: row for row in rows}
    before = {}
    for dossier_id, kind, at, previous in _steps(scope, rows):
        row = by_id.get(dossier_id)
        if row is None:
            continue
        if kind == "dossier.supplement_requested":
            row.supplements += 1
        elif kind == "dossier.transferred":
            row.transferred = row.transferred or start <= at < end
        elif kind == "dossier.rescheduled":
            before[dossier_id] = (at, previous)
        elif dossier_id in before:  # the clock restarted after the apology
            del before[dossier_id]
    for dossier_id, (at, previous) in before.items():
        row = by_id[dossier_id]
        if row.end_at is None or at <= row.end_at:
            row.due_at = previous


def load_facts(scope: Scope, now: datetime | None = None) -> Facts:
    now = now or utcnow()
    _start, end = scope.bounds()
    rows = _load(scope)
    _apply_steps(scope, rows)
    scans = _of_rows(select(Attachment.dossier_id).distinct(), Attachment.dossier_id, Attachment.site_id,
                     Attachment.created_at, scope, rows)
    attached = {dossier_id for (dossier_id,) in scans}
    for row in rows:
        row.attached = row.id in attached
    facts = Facts(scope, min(end, now), now, rows)
    classify(facts)
    return facts


def classify(facts: Facts) -> None:
    start, end = facts.scope.bounds()
    judged = facts.judged_at
    for row in facts.rows:
        row.received = start <= row.received_at < end
        twice = row.supplements > 1  # more than one supplement request counts as late (domain.md §4.1)
        if row.end_at is not None and row.end_at < judged:
            row.finished = True
            row.late = twice or row.due_at is None or row.end_at > row.due_at
            row.early = not row.late and to_local(row.end_at).date() < to_local(row.due_at).date()
        elif row.received_at < judged:
            row.open = True
            # Waiting for the applicant's papers stops the clock: not late on its date alone.
            waiting = row.status == "supplement_requested" and row.end_at is None
            row.late = twice or (not waiting and row.due_at is not None and row.due_at < judged)


