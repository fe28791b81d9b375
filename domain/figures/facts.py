"""One pass over the dossiers a period touches, shared by the dossier figures, the indicators and
the scoring: received in the period, finished in it, or still open at its end.

End of processing = the dossier's one terminal step: result_ready ("Đã xử lý xong", which always
precedes the return), refused or stopped. The appointment it is judged against is the one in force
then (the receipt's, or a supplement's or a postal hand-over's restart); moving the date with an
apology (Mẫu 04) does not make a late dossier on time: such a dossier is judged against the date it
had before the apology. Open dossiers are judged at the period's end, or now if that is earlier.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, null, select

from domain.clock import to_local, utcnow
from models import Attachment, Dossier, DossierStep
from motcua.extensions import db

from .sql import in_sites
from .types import Scope

TERMINAL = ("dossier.result_ready", "dossier.refused", "dossier.stopped")
OPEN = ("received", "transferred", "supplement_requested")
RESTARTS = ("dossier.supplemented", "dossier.handover_accepted")
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


def _columns():
    filled = sum(case((condition, 1), else_=0) for condition in FILLED)
    return (Dossier.id, Dossier.site_id, Dossier.code, Dossier.procedure_id, Dossier.channel, Dossier.status,
            Dossier.received_at, Dossier.received_by_id, filled, Dossier.reused_fields, Dossier.rescheduled)


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


def _steps(scope: Scope, types: tuple[str, ...], ids=None):
    query = (select(DossierStep.dossier_id, DossierStep.type, DossierStep.at, DossierStep.due_at,
                    DossierStep.previous_due_at)
             .where(in_sites(DossierStep.site_id, scope), DossierStep.type.in_(types)))
    if ids is not None:
        query = query.where(DossierStep.dossier_id.in_(ids))
    return db.session.execute(query.order_by(DossierStep.at)).all()


def _apology_dates(scope: Scope, rows: list[Fact]) -> None:
    """A dossier whose date was moved with an apology is judged against the date before the move
    (unless the clock restarted after it, which sets a fresh appointment)."""
    moved = {row.id: row for row in rows if row.rescheduled}
    if not moved:
        return
    before = {}
    steps = _steps(scope, ("dossier.rescheduled",) + RESTARTS, list(moved))
    for dossier_id, kind, at, _due, previous in steps:
        if kind == "dossier.rescheduled":
            before[dossier_id] = (at, previous)
        elif dossier_id in before and at > before[dossier_id][0]:
            del before[dossier_id]
    for dossier_id, (at, previous) in before.items():
        row = moved[dossier_id]
        if row.end_at is None or at <= row.end_at:
            row.due_at = previous


def load_facts(scope: Scope, now: datetime | None = None) -> Facts:
    now = now or utcnow()
    start, end = scope.bounds()
    rows = _load(scope)
    supplements = dict(db.session.execute(
        select(DossierStep.dossier_id, func.count()).where(
            in_sites(DossierStep.site_id, scope), DossierStep.type == "dossier.supplement_requested")
        .group_by(DossierStep.dossier_id)).all())
    attached = set(db.session.scalars(select(Attachment.dossier_id).distinct()
                                      .where(in_sites(Attachment.site_id, scope))))
    for row in rows:
        row.supplements = supplements.get(row.id, 0)
        row.attached = row.id in attached
    _apology_dates(scope, rows)
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


