"""The supervisor's weekly report: the figures of a period (domain.figures) as a `WeeklyReport`,
the plain values the PDF (hardware.forms.weekly_report) and the workbook (domain.report_xlsx) print.

The period is Vietnamese calendar days, Monday to Sunday by default (the last full week). Open
dossiers are judged at the end of the period, as the portal does (domain.md §4.1), or now when
the period has not ended yet.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from hardware.forms import Letterhead
from hardware.forms.weekly_report import (
    Count,
    DossierTotals,
    IndicatorLine,
    OverdueEntry,
    PaknTotals,
    ProcedureLine,
    TicketTotals,
    WeeklyReport,
)

from . import figures
from .clock import business_date, to_local, utcnow
from .collation import vi_key as sort_key
from .form_data import place_of

NUMBER_CODE = "BC"  # Decree 30/2020, Phụ lục III: the abbreviation of "Báo cáo"
UNIT_WORDS = (" xã ", " phường ", " đặc khu ", " thị trấn ", " huyện ", " tỉnh ")
SIGNERS = (("Trung tâm", "GIÁM ĐỐC"), ("Bộ phận", "TRƯỞNG BỘ PHẬN"))


def last_full_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week before the one `today` is in."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def report_scope(site, args: Mapping, today: date | None = None) -> figures.Scope:
    """The period from ?from=&to= (dd/mm/yyyy); the last full week when both are empty."""
    today = today or business_date()
    if not (args.get("from") or "").strip() and not (args.get("to") or "").strip():
        start, end = last_full_week(today)
        return figures.Scope((site.id,), start, end)
    return figures.parse_scope({"from": args.get("from"), "to": args.get("to")}, site.id, today)


def judged_at(scope: figures.Scope, now: datetime | None = None) -> datetime:
    """When open dossiers are judged: the end of the period, or now if it has not ended."""
    return min(now or utcnow(), scope.bounds()[1])


def weekly_report(site, scope: figures.Scope, signer_name: str, now: datetime | None = None) -> WeeklyReport:
    """Gather the period's figures and lay them out as the weekly report."""
    at = judged_at(scope, now)
    return assemble(site, scope, signer_name, tickets=figures.ticket_figures(scope, at),
                    dossiers=figures.dossier_figures(scope, at),
                    satisfaction=figures.satisfaction_figures(scope, at),
                    indicators=figures.indicator_report(scope, at))


def assemble(site, scope: figures.Scope, signer_name: str, *, tickets, dossiers, satisfaction, indicators,
             issued_on: date | None = None) -> WeeklyReport:
    """The report from figure values alone (no database): what the tests feed by hand."""
    feedback = satisfaction.feedback
    return WeeklyReport(
        head=letterhead(site, issued_on or business_date()),
        start=scope.start, end=scope.end,
        tickets=TicketTotals(tickets.issued, tickets.served, tickets.no_shows, tickets.wait.median_minutes),
        dossiers=DossierTotals(dossiers.received, dossiers.finished, dossiers.early, dossiers.on_time,
                               dossiers.late, dossiers.open_in_time, len(dossiers.overdue_now)),
        procedures=procedure_lines(dossiers.by_field),
        overdue=tuple(OverdueEntry(o.code, o.procedure, to_local(o.due_at), o.days_late, o.late_reason or "",
                                   o.apologised) for o in dossiers.overdue_now),
        ratings=satisfaction.ratings,
        levels=tuple(Count(level.label, level.count) for level in satisfaction.levels),
        reasons=tuple(Count(label, count) for _, label, count in satisfaction.reasons),
        pakn=PaknTotals(feedback.received, feedback.answered_on_time, feedback.answered_late,
                        feedback.rejected, feedback.open, feedback.late_open),
        indicators=indicator_lines(indicators),
        indicator_score=indicators.total_score, indicator_max=indicators.max_available,
        signer_role=signer_role(site.name), signer_name=signer_name,
        recipients=(f"- {site.parent_agency} (để báo cáo);", "- Lưu: VT."),
    )


def letterhead(site, issued_on: date) -> Letterhead:
    """Parent agency and unit, "Số: ……/BC-<unit>" left blank for the registry, place and date."""
    return Letterhead(site.parent_agency, site.name, place_of(site), issued_on, "", "BÁO CÁO",
                      f"……/{NUMBER_CODE}-{abbreviation(site.name)}")


def abbreviation(unit_name: str) -> str:
    """"Trung tâm Phục vụ hành chính công xã Tân Cương" → "TTPVHCC": the unit's initials, place left out."""
    name = f" {unit_name} "
    for word in UNIT_WORDS:
        name = name.split(word)[0]
    return "".join(word[0] for word in name.split() if word[0].isalpha()).upper()


def signer_role(unit_name: str) -> str:
    for start, role in SIGNERS:
        if unit_name.startswith(start):
            return role
    return "THỦ TRƯỞNG ĐƠN VỊ"


def procedure_lines(rows) -> tuple[ProcedureLine, ...]:
    """Procedures grouped by field, both in Vietnamese alphabetical order."""
    ordered = sorted(rows, key=lambda r: (sort_key(r.field or ""), sort_key(r.procedure_name),
                                          r.procedure_code))
    return tuple(ProcedureLine(r.field, r.procedure_code, r.procedure_name, r.received, r.finished,
                               r.on_time_or_early, r.late) for r in ordered)


def indicator_lines(report) -> tuple[IndicatorLine, ...]:
    return tuple(IndicatorLine(i.key, group.name, i.name, i.numerator, i.denominator, i.ratio, i.target,
                               i.weight, i.score, i.available)
                 for group in report.groups for i in group.indicators)


def report_filename(kind: str, scope: figures.Scope, extension: str) -> str:
    """"bao-cao-tuan-2026-11-23.pdf" for a week; the end date too for any other period."""
    stem = f"{kind}-{scope.start:%Y-%m-%d}"
    if scope.end != scope.start + timedelta(days=6):
        stem += f"-den-{scope.end:%Y-%m-%d}"
    return f"{stem}.{extension}"
