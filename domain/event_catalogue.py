"""The catalogue of event types: what each one means, its version and the rows its payload carries.

A payload is a complete snapshot of what changed: for each entity the type names, every column of
the row as it stands after the change (`domain.snapshots`), plus an optional `context` that says why
(informational, never applied). docs/events.md is generated from this module
(`flask events catalogue`) and a test keeps the two equal.
"""

from dataclasses import dataclass, field

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Integer, LargeBinary, String, Text, Uuid

from models import (
    Attachment,
    CalendarOverride,
    Counter,
    Dossier,
    DossierStep,
    Feedback,
    Kiosk,
    PriorityCategory,
    Procedure,
    Queue,
    Rating,
    ReceptionPoint,
    StaffUser,
    Ticket,
    TicketCall,
)
from models.dossier import search_fold


@dataclass(frozen=True)
class Entity:
    """A table an event may snapshot, and the aggregate it belongs to."""

    model: type
    aggregate: str  # the aggregate type whose events write it
    parent: str = "id"  # the column holding the aggregate id
    personal: tuple[str, ...] = ()  # sealed with the dossier's key inside events
    links: dict = field(default_factory=dict)  # extra list-of-id fields (association tables)
    optional_links: tuple[str, ...] = ()  # links events written before them do not carry
    # Columns events never carry, computed from the row's other values when an event is applied.
    derived: dict = field(default_factory=dict)  # column → function(row values) → value

    @property
    def table(self):
        return self.model.__table__


ENTITIES: dict[str, Entity] = {
    "reception_point": Entity(ReceptionPoint, "site"),
    "queue": Entity(Queue, "queue"),
    "counter": Entity(Counter, "counter", links={"queue_ids": "counter_queue"}),
    "kiosk": Entity(Kiosk, "kiosk"),
    "priority_category": Entity(PriorityCategory, "priority_category"),
    "staff_user": Entity(StaffUser, "staff", links={"site_ids": "staff_site"}, optional_links=("site_ids",)),
    "procedure": Entity(Procedure, "procedure"),
    "calendar_override": Entity(CalendarOverride, "calendar"),
    "ticket": Entity(Ticket, "ticket"),
    "ticket_call": Entity(TicketCall, "ticket", parent="ticket_id"),
    "dossier": Entity(Dossier, "dossier", personal=(
        "applicant_name", "applicant_id_number", "applicant_birth_date", "applicant_gender",
        "applicant_address", "applicant_phone", "applicant_email", "proxy", "notes"),
        # the folded name is the name: sealed with it by being left out, rebuilt from it on apply
        derived={"applicant_search": lambda row: search_fold(row.get("applicant_name") or "")[:120]}),
    "dossier_step": Entity(DossierStep, "dossier", parent="dossier_id",
                           personal=("proxy_name", "authorisation")),
    "attachment": Entity(Attachment, "dossier", parent="dossier_id"),
    "rating": Entity(Rating, "rating"),
    "feedback": Entity(Feedback, "feedback"),
}

# Written only by central once a site is enrolled (province-wide accounts, the procedure catalogue):
# a site pulls them, and central refuses them from a site.
CENTRAL_OWNED = frozenset({"staff", "procedure"})
# Association table → (the column naming the entity's row, the column naming the linked row).
LINK_COLUMNS = {"counter_queue": ("counter_id", "queue_id"), "staff_site": ("staff_id", "site_id")}
# Aggregate type → the entity whose row is the aggregate (its id is the aggregate id).
ROOTS = {entity.aggregate: name for name, entity in ENTITIES.items() if entity.parent == "id"}
DOSSIER_OPEN = ("received", "transferred", "supplement_requested")


@dataclass(frozen=True)
class EventType:
    name: str
    aggregate: str
    entities: tuple[str, ...]  # what the payload carries (required)
    meaning: str
    version: int = 1
    optional: tuple[str, ...] = ()  # entities that may also be carried
    creates: bool = False  # the aggregate must not exist yet
    after: tuple[str, ...] | None = None  # statuses the root row must be in; None: any
    context: dict = field(default_factory=dict)  # context key → JSON Schema


def _t(name, aggregate, entities, meaning, **kw) -> EventType:
    return EventType(name, aggregate, tuple(entities), meaning, **kw)


_STRING = {"type": "string", "maxLength": 200}
_TYPES = [
    # The reception point and its configuration
    _t("site.created", "site", ["reception_point"], "A reception point was set up.", creates=True),
    _t("site.updated", "site", ["reception_point"],
       "Its name, agency code, kind, address, phone or opening hours changed.", context={"change": _STRING}),
    _t("queue.created", "queue", ["queue"], "A queue (a letter per group of fields) was added.",
       creates=True),
    _t("queue.updated", "queue", ["queue"], "A queue's name or fields changed."),
    _t("queue.paused", "queue", ["queue"], "The kiosk stopped giving tickets for the queue."),
    _t("queue.resumed", "queue", ["queue"], "The kiosk gives tickets for the queue again."),
    _t("counter.created", "counter", ["counter"], "A counter was added.", creates=True),
    _t("counter.updated", "counter", ["counter"],
       "A counter's name, queues or printer changed.", context={"change": _STRING}),
    _t("counter.opened", "counter", ["counter"], "An officer opened the counter."),
    _t("counter.closed", "counter", ["counter"], "The counter closed.", context={"why": {
        "enum": ["officer", "logout", "idle", "login_elsewhere", "opened_elsewhere", "account_disabled",
                 "password_changed"]}}),
    _t("counter.taken_over", "counter", ["counter"],
       "An officer took over a counter another held; unless the officer is a supervisor, a supervisor "
       "of the site confirmed it with their password, and a reason was given.",
       context={"from_officer_id": {"type": "string", "format": "uuid"},
                "confirmed_by_id": {"type": "string", "format": "uuid"}, "reason": _STRING}),
    _t("kiosk.created", "kiosk", ["kiosk"], "A kiosk was added.", creates=True),
    _t("kiosk.updated", "kiosk", ["kiosk"], "A kiosk's name or printer changed.",
       context={"change": _STRING}),
    _t("priority_category.created", "priority_category", ["priority_category"],
       "A priority category was added.", creates=True),
    _t("priority_category.enabled", "priority_category", ["priority_category"],
       "The kiosk offers the priority category again."),
    _t("priority_category.disabled", "priority_category", ["priority_category"],
       "The kiosk no longer offers the priority category."),
    _t("staff.created", "staff", ["staff_user"], "A staff account was added.", creates=True),
    _t("staff.role_changed", "staff", ["staff_user"], "A staff account's role changed."),
    _t("staff.password_changed", "staff", ["staff_user"],
       "A staff account's password was set (the hash travels, never the password)."),
    _t("staff.renamed", "staff", ["staff_user"], "A staff account's full name changed."),
    _t("staff.disabled", "staff", ["staff_user"], "A staff account may no longer log in."),
    _t("staff.enabled", "staff", ["staff_user"], "A disabled staff account may log in again."),
    _t("staff.sites_changed", "staff", ["staff_user"], "The sites where the account may work changed."),
    _t("procedure.created", "procedure", ["procedure"], "A procedure was added to the catalogue.",
       creates=True, context={"source": {"enum": ["admin", "import", "demo"]}}),
    _t("procedure.updated", "procedure", ["procedure"], "A procedure's details were edited.",
       context={"source": {"enum": ["admin", "import", "demo"]}}),
    _t("calendar.set", "calendar", ["calendar_override"],
       "A day was declared working or closed (a swap, make-up Saturday or local closure)."),
    _t("calendar.removed", "calendar", ["calendar_override"],
       "A day's override was removed (the row is carried as it was, with `deleted`)."),
    # Queue tickets
    _t("ticket.issued", "ticket", ["ticket"], "A kiosk (or the counter) gave a number.", creates=True,
       context={"kiosk": {"type": ["string", "null"]}}),
    _t("ticket.called", "ticket", ["ticket", "ticket_call"], "A counter called the ticket.",
       after=("waiting",)),
    _t("ticket.recalled", "ticket", ["ticket", "ticket_call"], "The counter called the ticket again.",
       after=("called",)),
    _t("ticket.held", "ticket", ["ticket"], "Set aside (the citizen went to make a copy).",
       after=("called",)),
    _t("ticket.resumed", "ticket", ["ticket"], "A held ticket is served again.", after=("held",)),
    _t("ticket.transferred", "ticket", ["ticket"], "Sent to another queue or counter.",
       after=("called", "held"), context={"from_counter": {"type": "integer"}}),
    _t("ticket.no_show", "ticket", ["ticket"], "The citizen did not come when called.", after=("called",)),
    _t("ticket.finished", "ticket", ["ticket"], "Service ended.", after=("called", "held")),
    _t("ticket.priority_confirmed", "ticket", ["ticket"],
       "The counter checked the priority declared at the kiosk: the citizen is in the category "
       "(`priority_checked` = confirmed).", after=("called", "held")),
    _t("ticket.priority_rejected", "ticket", ["ticket"],
       "The counter checked the priority declared at the kiosk: the citizen is not in the category "
       "(`priority_checked` = rejected); served all the same.", after=("called", "held")),
    # Dossiers
    _t("dossier.received", "dossier", ["dossier", "dossier_step"],
       "A complete dossier was received: code, log number and appointment (Mẫu 01).", creates=True),
    _t("dossier.supplement_requested_at_intake", "dossier", ["dossier", "dossier_step"],
       "Not received: the papers missing were listed (Mẫu 02).", creates=True),
    _t("dossier.refused_at_intake", "dossier", ["dossier", "dossier_step"],
       "Not received, with reasons (Mẫu 03).", creates=True),
    _t("dossier.transferred", "dossier", ["dossier", "dossier_step"],
       "Handed to the processing agency.", after=("received",)),
    _t("dossier.handover_accepted", "dossier", ["dossier", "dossier_step"],
       "The agency signed the post office's hand-over record: a postal filing's legal clock starts "
       "(Decision 45/2016 Art. 7(4)) and the appointment is counted from then.", after=("transferred",)),
    _t("dossier.supplement_requested", "dossier", ["dossier", "dossier_step"],
       "Appraisal asked for more papers; the legal clock stops.", after=("received", "transferred")),
    _t("dossier.supplemented", "dossier", ["dossier", "dossier_step"],
       "The papers came; the legal clock restarts from zero.", after=("supplement_requested",)),
    _t("dossier.result_ready", "dossier", ["dossier", "dossier_step"], "The result can be collected.",
       after=("received", "transferred")),
    _t("dossier.returned", "dossier", ["dossier", "dossier_step"],
       "The result was handed to the applicant or a proxy.", after=("result_ready",)),
    _t("dossier.refused", "dossier", ["dossier", "dossier_step"], "Refused after appraisal.",
       after=DOSSIER_OPEN),
    _t("dossier.stopped", "dossier", ["dossier", "dossier_step"],
       "Stopped at the applicant's request.", after=DOSSIER_OPEN),
    _t("dossier.rescheduled", "dossier", ["dossier", "dossier_step"],
       "Late: apology (Mẫu 04) and one new date.", after=("received", "transferred")),
    _t("dossier.overdue", "dossier", ["dossier", "dossier_step"],
       "The watch found the dossier past its date.", after=DOSSIER_OPEN + ("result_ready",)),
    _t("dossier.late_reason", "dossier", ["dossier", "dossier_step"], "Why an overdue dossier is late."),
    _t("dossier.document_scanned", "dossier", ["attachment"], "A paper was scanned and attached."),
    # What citizens say of the service (docs/supervisor.md)
    _t("rating.recorded", "rating", ["rating"],
       "A citizen rated a finished ticket or a returned dossier (once per service).", creates=True),
    _t("feedback.received", "feedback", ["feedback"],
       "Feedback or a complaint (PAKN) was received, with its code and deadlines.", creates=True),
    _t("feedback.assigned", "feedback", ["feedback"], "A PAKN was given to an officer to answer.",
       after=("received", "assigned")),
    _t("feedback.answered", "feedback", ["feedback"], "A PAKN was answered.",
       after=("received", "assigned")),
    _t("feedback.rejected", "feedback", ["feedback"],
       "A PAKN was not taken up (outside the office's remit), with the reason.",
       after=("received", "assigned")),
    _t("dossier.personal_data_erased", "dossier", ["dossier"],
       "Retention ended: personal data blanked in the row and its steps; the dossier's key destroyed.",
       optional=("dossier_step",)),
]
# A row that existed before the event log had an envelope (a database migrated past 0007):
# `flask events baseline` records each such row once, as it stands.
_TYPES += [_t(f"baseline.{name}", entity.aggregate, [name],
              "A row written before the event log (recorded once by `flask events baseline`).",
              creates=entity.parent == "id") for name, entity in ENTITIES.items()]
TYPES: dict[str, EventType] = {t.name: t for t in _TYPES}


# ---- JSON Schemas, generated from the tables -------------------------------------------------

def _column_schema(column) -> dict:
    kind = column.type
    if isinstance(kind, Uuid):
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(kind, DateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(kind, Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(kind, Boolean):
        schema = {"type": "boolean"}
    elif isinstance(kind, Integer | BigInteger):
        schema = {"type": "integer"}
    elif isinstance(kind, JSON):
        schema = {"type": ["array", "object"]}
    elif isinstance(kind, LargeBinary):
        schema = {"type": "string"}
    elif isinstance(kind, String | Text):
        schema = {"type": "string"}
        if getattr(kind, "length", None):
            schema["maxLength"] = kind.length
    else:  # pragma: no cover - a new column type must be described here
        raise TypeError(f"no schema for {column.table.name}.{column.name}: {kind!r}")
    if column.nullable:
        schema["type"] = [schema["type"], "null"] if isinstance(schema["type"], str) \
            else [*schema["type"], "null"]
    return schema


def entity_schema(name: str) -> dict:
    entity = ENTITIES[name]
    properties, required = {}, []
    for column in entity.table.columns:
        if column.name in entity.derived:
            continue
        properties[column.name] = _column_schema(column)
        if column.name not in entity.personal:
            required.append(column.name)
    for link in entity.links:
        properties[link] = {"type": "array", "items": {"type": "string", "format": "uuid"}}
        if link not in entity.optional_links:
            required.append(link)
    if entity.personal:
        # Sealed: the personal columns travel encrypted with the dossier's key (base64 of nonce +
        # AES-GCM ciphertext); after erasure they travel blank and `sealed` is null.
        properties["sealed"] = {"type": ["string", "null"]}
        required.append("sealed")
    properties["deleted"] = {"type": "boolean"}
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def payload_schema(event_type: EventType) -> dict:
    carried = event_type.entities + event_type.optional
    properties = {name: {"$ref": f"#/definitions/{name}"} for name in carried}
    if event_type.context:
        properties["context"] = {"type": "object", "properties": event_type.context,
                                 "additionalProperties": False}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "properties": properties, "required": list(event_type.entities), "additionalProperties": False,
            "definitions": {name: entity_schema(name) for name in carried}}
