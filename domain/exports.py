"""CSV exports of a period's raw rows for auditors: tickets, dossiers, dossier steps, ratings, PAKN
and the event log's envelopes (never payloads).

UTF-8 with a byte-order mark (Excel then reads Vietnamese right), one header row, times ISO 8601 in
Asia/Ho_Chi_Minh. Rows are streamed in batches: a year of tickets is never one string in memory.
Personal data is masked as the public tracking page masks it: applicant and proxy names by
`tracking.mask_name`, ID numbers and phones down to their last three digits; addresses, e-mails
and birth dates are left out. See docs/reports.md.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from models import (
    Counter,
    Dossier,
    DossierStep,
    Event,
    Feedback,
    PriorityCategory,
    Procedure,
    Queue,
    Rating,
    StaffUser,
    Ticket,
)
from motcua.extensions import db

from .clock import to_local
from .figures import Scope
from .tracking import mask_name

BOM = "\ufeff"
BATCH = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def iso(value) -> str:
    """A stored naive-UTC time as 2026-11-23T08:05:00+07:00; a date as 2026-11-23; None as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def mask_digits(value: str | None) -> str:
    """'001090123456' → '*********456', '0912 345 678' → '*******678': only the last three digits."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return "*" * max(len(digits) - 3, 0) + digits[-3:]


def cell(value):
    """Text a citizen or officer typed, kept from being read as a formula by a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("có" if value else "không")


def username(column):
    """The staff account's login name for an officer id column (a correlated lookup)."""
    return select(StaffUser.username).where(StaffUser.id == column).scalar_subquery()


@dataclass(frozen=True)
class Export:
    heads: tuple[str, ...]
    query: Callable[[object, Scope], Select]
    row: Callable[[object], tuple]


def _tickets(site, scope: Scope) -> Select:
    return (select(Ticket.code, Ticket.business_date, Queue.letter, Queue.name, PriorityCategory.name,
                   Ticket.status, Ticket.issued_at, Ticket.called_at, Ticket.service_started_at,
                   Ticket.finished_at, Ticket.call_count, Counter.number, Ticket.id)
            .join(Queue, Queue.id == Ticket.queue_id)
            .outerjoin(PriorityCategory, PriorityCategory.id == Ticket.priority_category_id)
            .outerjoin(Counter, Counter.id == Ticket.counter_id)
            .where(Ticket.site_id == site.id, Ticket.business_date.between(scope.start, scope.end))
            .order_by(Ticket.issued_at, Ticket.id))


def _ticket_row(r) -> tuple:
    return (r[0], iso(r[1]), r[2], r[3], r[4] or "", r[5], *map(iso, r[6:10]), r[10],
            r[11] if r[11] is not None else "", str(r[12]))


def _in_period(column, scope: Scope):
    start, end = scope.bounds()
    return and_(column >= start, column < end)


def _dossiers(site, scope: Scope) -> Select:
    when = func.coalesce(Dossier.received_at, Dossier.created_at)
    return (select(Dossier.code, Dossier.log_number, Procedure.code, Procedure.name, Procedure.field,
                   Dossier.channel, Dossier.status, Dossier.applicant_name, Dossier.applicant_id_number,
                   Dossier.applicant_phone, Dossier.received_at, Dossier.original_due_at, Dossier.due_at,
                   Dossier.rescheduled, Dossier.returned_at, Dossier.overdue_at, Dossier.late_reason,
                   Dossier.fee, Dossier.reused_fields, username(Dossier.received_by_id), Dossier.id)
            .join(Procedure, Procedure.id == Dossier.procedure_id)
            .where(Dossier.site_id == site.id, _in_period(when, scope))
            .order_by(when, Dossier.id))


def _dossier_row(r) -> tuple:
    return (r[0] or "", r[1] if r[1] is not None else "", *r[2:7], mask_name(r[7]), mask_digits(r[8]),
            mask_digits(r[9]), *map(iso, r[10:13]), yes_no(r[13]), iso(r[14]), iso(r[15]), r[16], r[17],
            r[18], r[19] or "", str(r[20]))


def _steps(site, scope: Scope) -> Select:
    return (select(Dossier.code, DossierStep.type, DossierStep.at, DossierStep.status, DossierStep.agency,
                   DossierStep.reason, DossierStep.previous_due_at, DossierStep.due_at, DossierStep.on_time,
                   DossierStep.late, DossierStep.collected_by, DossierStep.proxy_name,
                   username(DossierStep.actor_id), DossierStep.id)
            .join(Dossier, Dossier.id == DossierStep.dossier_id)
            .where(DossierStep.site_id == site.id, _in_period(DossierStep.at, scope))
            .order_by(DossierStep.at, DossierStep.id))


def _step_row(r) -> tuple:
    return (r[0] or "", r[1], iso(r[2]), r[3], r[4], r[5], iso(r[6]), iso(r[7]), yes_no(r[8]), yes_no(r[9]),
            r[10], mask_name(r[11]) if r[11] else "", r[12] or "", str(r[13]))


def _ratings(site, scope: Scope) -> Select:
    ticket, dossier = aliased(Ticket), aliased(Dossier)
    return (select(Rating.rated_at, Rating.channel, Rating.scale, Rating.level, Rating.sentiment,
                   Rating.reasons, ticket.code, dossier.code, username(Rating.officer_id), Counter.number,
                   Rating.id)
            .outerjoin(ticket, ticket.id == Rating.ticket_id)
            .outerjoin(dossier, dossier.id == Rating.dossier_id)
            .outerjoin(Counter, Counter.id == Rating.counter_id)
            .where(Rating.site_id == site.id, _in_period(Rating.rated_at, scope))
            .order_by(Rating.rated_at, Rating.id))


def _rating_row(r) -> tuple:
    return (iso(r[0]), *r[1:5], ";".join(r[5] or ()), r[6] or "", r[7] or "", r[8] or "",
            r[9] if r[9] is not None else "", str(r[10]))


def _feedback(site, scope: Scope) -> Select:
    return (select(Feedback.code, Feedback.channel, Feedback.kind, Feedback.topic, Feedback.status,
                   Feedback.received_at, Feedback.reject_by, Feedback.due_at,
                   username(Feedback.assigned_to_id), Feedback.assigned_at, Feedback.answered_at,
                   Feedback.on_time, Dossier.code, Feedback.content, Feedback.answer, Feedback.id)
            .outerjoin(Dossier, Dossier.id == Feedback.dossier_id)
            .where(Feedback.site_id == site.id, _in_period(Feedback.received_at, scope))
            .order_by(Feedback.received_at, Feedback.id))


def _feedback_row(r) -> tuple:
    return (*r[0:5], *map(iso, r[5:8]), r[8] or "", iso(r[9]), iso(r[10]), yes_no(r[11]), r[12] or "",
            r[13], r[14], str(r[15]))


def _events(site, scope: Scope) -> Select:
    return (select(Event.seq, Event.id, Event.type, Event.version, Event.origin_site_id,
                   Event.aggregate_type, Event.aggregate_id, Event.hlc, Event.occurred_at, Event.actor_id,
                   Event.tx_id, Event.pushed_at)
            .where(Event.origin_site_id == site.id, _in_period(Event.occurred_at, scope))
            .order_by(Event.seq))


def _event_row(r) -> tuple:
    return (r[0], str(r[1]), r[2], r[3], str(r[4]), r[5], str(r[6]), r[7], iso(r[8]),
            str(r[9]) if r[9] else "", str(r[10]), iso(r[11]))


EXPORTS = {
    "tickets": Export((
        "Số thứ tự", "Ngày", "Dãy số", "Hàng đợi", "Ưu tiên", "Trạng thái", "Lấy số lúc", "Gọi lúc",
        "Bắt đầu phục vụ", "Kết thúc", "Số lần gọi", "Quầy", "ID"), _tickets, _ticket_row),
    "dossiers": Export((
        "Mã hồ sơ", "Số thứ tự trong sổ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Kênh nộp", "Trạng thái",
        "Người nộp (che)", "Số định danh (che)", "Điện thoại (che)", "Tiếp nhận lúc", "Hẹn trả ban đầu",
        "Hẹn trả", "Đã hẹn lại", "Trả kết quả lúc", "Phát hiện quá hạn lúc", "Lý do quá hạn", "Lệ phí (đồng)",
        "Số trường dùng lại", "Cán bộ tiếp nhận", "ID"), _dossiers, _dossier_row),
    "dossier-steps": Export((
        "Mã hồ sơ", "Bước", "Thời điểm", "Trạng thái sau bước", "Cơ quan", "Lý do", "Hẹn trả trước đó",
        "Hẹn trả sau bước", "Đúng hạn", "Trễ", "Người nhận kết quả", "Người nhận thay (che)", "Cán bộ", "ID"),
        _steps, _step_row),
    "ratings": Export((
        "Thời điểm", "Kênh", "Thang", "Mức", "Cảm nhận", "Lý do", "Số thứ tự", "Mã hồ sơ", "Cán bộ", "Quầy",
        "ID"), _ratings, _rating_row),
    "feedback": Export((
        "Mã PAKN", "Kênh", "Loại", "Chủ đề", "Trạng thái", "Tiếp nhận lúc", "Hạn từ chối", "Hạn trả lời",
        "Giao cho", "Giao lúc", "Trả lời lúc", "Đúng hạn", "Mã hồ sơ", "Nội dung", "Trả lời", "ID"),
        _feedback, _feedback_row),
    "events": Export((
        "seq", "id", "type", "version", "origin_site_id", "aggregate_type", "aggregate_id", "hlc",
        "occurred_at", "actor_id", "tx_id", "pushed_at"), _events, _event_row),
}


def csv_rows(table: str, site, scope: Scope) -> Iterator[str]:
    """The export as text chunks: the BOM and header first, then a chunk per batch of rows.

    The query is built now, from the site's id: the rows are read while the response streams, after
    the request's transaction has ended and its objects have expired.
    """
    export = EXPORTS[table]
    return _stream(export, export.query(SimpleNamespace(id=site.id), scope))


def _stream(export: Export, query: Select) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export.heads)
    yield BOM + out.getvalue()
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    for batch in result.partitions():
        out.seek(0)
        out.truncate()
        writer.writerows(tuple(map(cell, export.row(r))) for r in batch)
        yield out.getvalue()
