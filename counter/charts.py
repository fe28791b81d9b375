"""Chart geometry for the supervisor's dashboard: plain values that SVG templates loop over.

Rules (scales, ticks, stacking, number formats) live here; the templates only draw what they get
(style.md). Coordinates are in the SVG's viewBox units; CSS gives the colours (one class per series),
so the charts obey the CSP (no inline style) and print as drawn.
"""

import math
from dataclasses import dataclass, field

from domain.numbers import vn_figure, vn_minutes, vn_number, vn_percent

SERIES_CLASSES = 8  # colours s0..s7 in supervisor.css; further series reuse them


def nice_ticks(top: float, most: int = 5, whole: bool = True) -> list[float]:
    """0 and round steps (1, 2, 5 × 10ⁿ) up to a value ≥ `top`, at most `most` + 1 marks; counts
    (`whole`) never step by less than one."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= raw)
    step = max(step, 1) if whole else step
    count = math.ceil(top / step - 1e-9)
    return [round(step * i, 10) for i in range(count + 1)]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str  # the series' colour class
    series: str  # the series' label
    category: str  # the column's or row's label
    value: float
    text: str  # the value written the Vietnamese way

    @property
    def end(self) -> float:
        """Where a bar list writes the value: just past the bar's end."""
        return round(self.x + self.width, 2)


@dataclass(frozen=True)
class Tick:
    position: float  # y of a column chart's gridline, x of a bar list's
    text: str


@dataclass(frozen=True)
class Category:
    label: str
    position: float  # centre x of a column, or y of a row's baseline
    total: str


@dataclass(frozen=True)
class LegendItem:
    css: str
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float  # the plot area inside the viewBox
    top: float
    right: float
    bottom: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    empty: bool = False  # nothing to draw: the template says so instead of drawing an empty frame

    @property
    def summary(self) -> str:
        """The numbers in words for screen readers: "8 giờ: 12; 9 giờ: 30"."""
        return "; ".join(f"{c.label}: {c.total}" for c in self.categories)


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float]


def _css(index: int) -> str:
    return f"s{index % SERIES_CLASSES}"


def column_chart(categories: list[str], series: list[Series], *, width: int = 960, height: int = 280,
                 stacked: bool = True, fmt=vn_number, whole: bool = True) -> Chart:
    """Vertical columns, one per category; several series stacked in one column or side by side."""
    left, top, right, bottom = 44.0, 12.0, width - 8.0, height - 28.0
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    highest = max(totals if stacked else [v for s in series for v in s.values], default=0)
    marks = nice_ticks(highest, whole=whole)
    scale = (bottom - top) / marks[-1]
    slot = (right - left) / max(len(categories), 1)
    column = slot * 0.7 / (1 if stacked else max(len(series), 1))
    bars, cats = [], []
    for i, name in enumerate(categories):
        x = left + slot * i + slot * 0.15
        base = bottom
        for n, one in enumerate(series):
            value = one.values[i]
            h = value * scale
            bx = x if stacked else x + column * n
            y = base - h if stacked else bottom - h
            if value:  # a zero draws nothing; its number is in the table and the summary
                bars.append(Bar(round(bx, 2), round(y, 2), round(column, 2), round(h, 2), _css(n), one.label,
                                name, value, fmt(value)))
            if stacked:
                base -= h
        cats.append(Category(name, round(left + slot * i + slot / 2, 2), fmt(totals[i])))
    ticks = [Tick(round(bottom - m * scale, 2), fmt(m)) for m in marks]
    legend = [LegendItem(_css(n), s.label) for n, s in enumerate(series)]
    return Chart(width, height, left, top, right, bottom, bars, ticks, cats, legend, empty=not highest)


def bar_list(labels: list[str], series: list[Series], *, width: int = 520, label_width: int = 170,
             row: int = 16, fmt=vn_number, whole: bool = True) -> Chart:
    """Horizontal bars, one row per label and one thin bar per series in it, on one shared scale."""
    gap = 10
    band = row * max(len(series), 1) + gap
    left, top, right = float(label_width), 18.0, width - 56.0
    bottom = top + band * len(labels)
    highest = max((v or 0 for s in series for v in s.values), default=0)
    marks = nice_ticks(highest, most=4, whole=whole)
    scale = (right - left) / marks[-1]
    bars, cats = [], []
    for i, name in enumerate(labels):
        y0 = top + band * i
        for n, one in enumerate(series):
            value = one.values[i] or 0
            if value:
                bars.append(Bar(left, round(y0 + row * n, 2), round(value * scale, 2), row - 3, _css(n),
                                one.label, name, value, fmt(one.values[i])))
        cats.append(Category(name, round(y0 + row * len(series) / 2 + 4, 2),
                             " / ".join(fmt(s.values[i]) for s in series)))
    ticks = [Tick(round(left + m * scale, 2), fmt(m)) for m in marks]
    legend = [LegendItem(_css(n), s.label) for n, s in enumerate(series)]
    return Chart(width, int(bottom + 8), left, top, right, bottom, bars, ticks, cats, legend,
                 empty=not highest)


@dataclass(frozen=True)
class Segment:
    x: float  # percent of the strip's width
    width: float
    css: str
    label: str
    value: int
    text: str  # "12 (40 %)"
    key: str | None = None  # the dossiers behind it (domain.figures.dossiers_behind), if linked


def share_strip(parts: list[tuple]) -> list[Segment]:
    """One 100 % strip split into labelled parts (channel mix, finished early/on time/late);
    each part is (label, value) or (label, value, key of the dossiers behind it)."""
    total = sum(part[1] for part in parts)
    segments, x = [], 0.0
    for n, (label, value, *key) in enumerate(parts):
        share = value / total if total else 0.0
        segments.append(Segment(round(x, 3), round(share * 100, 3), _css(n), label, value,
                                f"{vn_number(value)} ({vn_percent(share) if total else '–'})",
                                key[0] if key else None))
        x += share * 100
    return segments


@dataclass(frozen=True)
class Meter:
    fill: float  # percent of the track, 0..100
    target: float | None  # percent where the target line stands
    reached: bool | None
    text: str
    target_text: str


def meter(share: float | None, target: float | None = None) -> Meter:
    """A ratio against its target: the fill, the target line and whether it is reached."""
    fill = 0.0 if share is None else max(0.0, min(share, 1.0)) * 100
    reached = None if share is None or target is None else share >= target - 1e-9
    return Meter(round(fill, 2), None if target is None else round(min(target, 1.0) * 100, 2), reached,
                 vn_percent(share), vn_percent(target) if target is not None else "")


# ---- The dashboard's charts -------------------------------------------------------------------------

REUSE_TARGET = 0.20  # the directives: cut the fields citizens declare by at least 20 %
CHANNEL_ORDER = ("in_person", "postal", "online")
# A face per rating level (domain.ratings.SCALES): the mouth's path in a 20×20 box.
MOUTHS = {"happy": "M5 11 Q10 17 15 11", "content": "M6 12 Q10 15 14 12", "neutral": "M6 13 L14 13",
          "unhappy": "M6 14 Q10 11 14 14", "angry": "M5 15 Q10 10 15 15"}


def _rows(rows, kind: str):
    return [row for row in rows if row.kind == kind]


def _times(rows, stat: str, labels: tuple[str, str]) -> Chart:
    """Median and 90th percentile of waiting or service minutes, one row per queue or officer."""
    values = [getattr(row, stat) for row in rows]
    return bar_list([row.label for row in rows],
                    [Series(labels[0], [v.median_minutes for v in values]),
                     Series(labels[1], [v.p90_minutes for v in values])], fmt=vn_minutes, whole=False)


def dashboard_charts(board) -> dict:
    """Every chart of the dashboard from a `domain.figures.Dashboard`, labelled in the visitor's language."""
    from domain.dossiers import CHANNELS
    from motcua.i18n import gettext

    tickets, dossiers, satisfaction = board.tickets, board.dossiers, board.satisfaction
    per_hour = column_chart([f"{hour}h" for hour in tickets.hours],
                            [Series(f"{q.letter} · {q.name}", q.counts) for q in tickets.by_queue_hour])
    stat_labels = (gettext("Trung vị"), gettext("Phân vị 90"))
    levels = satisfaction.levels
    return {
        "per_hour": per_hour,
        "wait": _times(_rows(tickets.rows, "queue"), "wait", stat_labels),
        "service": _times(_rows(tickets.rows, "officer"), "service", stat_labels),
        "outcomes": share_strip([(gettext("Trước hạn"), dossiers.early, "early"),
                                 (gettext("Đúng hạn"), dossiers.on_time, "on_time"),
                                 (gettext("Trễ hạn"), dossiers.late, "late")]),
        "channels": share_strip([(gettext(CHANNELS[key]), dossiers.by_channel.get(key, 0), key)
                                 for key in CHANNEL_ORDER]),
        "digitised": meter(dossiers.digitised_share),
        "reuse": meter(dossiers.reuse_share, REUSE_TARGET),
        "level_meters": [meter(level.share) for level in levels],
        "faces": [MOUTHS.get(level.face, MOUTHS["neutral"]) for level in levels],
        "reasons": bar_list([gettext(label) for _code, label, _count in satisfaction.reasons],
                            [Series(gettext("Lượt chọn"), [row[2] for row in satisfaction.reasons])]),
        **_indicators(board.indicators),
    }


def _indicators(report) -> dict:
    """Each indicator's value as written, and a meter for the ratios that have a target (2.2, an
    average in days with no target, is a number, not a share)."""
    indicators = [indicator for group in report.groups for indicator in group.indicators]
    return {"indicator_values": {i.key: vn_percent(i.ratio) if i.target is not None else vn_figure(
                None if i.ratio is None else round(i.ratio, 1)) for i in indicators},
            "indicators": {i.key: meter(i.ratio, i.target) for i in indicators if i.target is not None}}
