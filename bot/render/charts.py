"""Report charts as inline SVG, drawn on the server: no JavaScript, nothing from a CDN.

Pure functions from figures to an `<svg>` string that the staff reports page puts in its
HTML as it is. They read right to left like the page around them: the first bar or the
earliest day is on the right, the value axis stands on the right, Arabic labels are laid
out right-to-left. Digits are Western or Arabic-Indic, one choice for the whole chart
(labels, ticks and values alike). Titles and words come in as strings from the catalogs;
nothing here is user-facing text of its own.

Every mark carries `data-label` and `data-value` and a `<title>` (the tooltip and what a
screen reader says), so tests and people read the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from handlers.reports import RATINGS, Csat, CsatBucket, Report, format_average
from handlers.types import Translate

Digits = Literal["western", "arabic"]

WIDTH = 480
HEIGHT = 260
FONT = "'Noto Naskh Arabic','Noto Sans Arabic','Segoe UI',Tahoma,Arial,sans-serif"
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e3e8ee"
BAR = "#1f7a68"
LINE = "#1f7a68"
# Red for 1 to green for 5: the colour says the same as the number.
RATING_COLOURS = {1: "#c8453b", 2: "#e8833a", 3: "#e9b949", 4: "#8ab547", 5: "#2e9159"}

_ARABIC_INDIC = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")

# Room around the plot: the title above, the value axis on the right, labels below.
TOP, BOTTOM, LEFT, RIGHT = 48, 44, 16, 44


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # None: no data for this label (a gap, not a zero)


def digits(text: str, style: Digits) -> str:
    """Arabic-Indic digits (and the Arabic decimal separator) when asked for."""
    return text.translate(_ARABIC_INDIC) if style == "arabic" else text


def _number(value: float, style: Digits) -> str:
    text = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
    return digits(text, style)


def _text(
    x: float,
    y: float,
    content: str,
    *,
    css: str,
    anchor: str = "middle",
    size: int = 13,
    direction: str = "ltr",
    **attrs: str,
) -> str:
    # Every text says its direction: the page's dir="rtl" is inherited into the SVG and
    # would otherwise flip what text-anchor "start" and "end" mean for the numbers.
    attrs = {"direction": direction, **attrs}
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return (
        f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
        f'font-size="{size}"{extra}>{escape(content)}</text>'
    )


# Without its own heading (the page gives the chart one), the band the title took is cut off.
TITLE_BAND = 28


def _open(title: str, height: int, style: Digits, heading: bool = True) -> list[str]:
    title = digits(title, style)
    top = 0 if heading else TITLE_BAND
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
        f'viewBox="0 {top} {WIDTH} {height - top}" '
        f'width="100%" role="img" aria-label={quoteattr(title)} font-family="{FONT}" '
        f'fill="{INK}" style="max-width:{WIDTH}px;height:auto">',
        f"<title>{escape(title)}</title>",
    ]
    if heading:
        parts.append(
            _text(WIDTH / 2, 26, title, css="title", size=16, direction="rtl", font_weight="bold")
        )
    return parts


def _no_data(parts: list[str], message: str, height: int) -> str:
    parts.append(_text(WIDTH / 2, height / 2 + 6, message, css="no-data", direction="rtl"))
    parts.append("</svg>")
    return "\n".join(parts)


def _slot_centres(count: int) -> list[float]:
    """x of each slot's centre, the first on the right (right-to-left reading order)."""
    right = WIDTH - RIGHT
    slot = (right - LEFT) / count
    return [right - slot * (i + 0.5) for i in range(count)]


def _value_axis(
    low: float, high: float, ticks: Sequence[float], style: Digits, height: int
) -> list[str]:
    """Grid lines across the plot, the tick numbers on the right-hand axis."""
    parts = []
    for tick in ticks:
        y = _y(tick, low, high, height)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
        )
        number = _number(tick, style)
        parts.append(
            _text(WIDTH - RIGHT + 8, y + 4, number, css="tick", anchor="start", fill=MUTED)
        )
    return parts


def _y(value: float, low: float, high: float, height: int) -> float:
    bottom = height - BOTTOM
    if high == low:
        return bottom
    return bottom - (value - low) / (high - low) * (bottom - TOP)


def _nice_ticks(largest: float) -> list[float]:
    """0 and up to 5 round steps covering `largest` (counts: whole numbers)."""
    if largest <= 0:
        return [0, 1]
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if largest / step <= 5:
            break
    else:
        step = int(largest / 5) + 1
    top = step * -(-largest // step)
    return [step * i for i in range(int(top / step) + 1)]


def _empty(bars: Sequence[Point]) -> bool:
    return not bars or not any(b.value for b in bars)


def _mark(tag: str, geometry: str, label: str, value: float, shown: str) -> str:
    """A bar or a point: its shape, the figures it stands for, and its tooltip."""
    return (
        f'<{tag} {geometry} data-label={quoteattr(label)} data-value="{value:g}">'
        f"<title>{escape(label)}: {escape(shown)}</title></{tag}>"
    )


def _axis(x1: float, x2: float, y1: float, y2: float) -> str:
    return f'<line class="axis" x1="{x1}" x2="{x2}" y1="{y1}" y2="{y2}" stroke="{MUTED}"/>'


def _baseline() -> str:
    """The axis under a chart's bars or points."""
    return _axis(LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, HEIGHT - BOTTOM)


def _close(parts: list[str], axis: str) -> str:
    """End the group of marks, draw the axis over them, and end the drawing."""
    return "\n".join([*parts, "</g>", axis, "</svg>"])


def bar_chart(
    bars: Sequence[Point],
    *,
    title: str,
    no_data: str,
    style: Digits = "western",
    colours: Sequence[str] | None = None,
    heading: bool = True,
) -> str:
    """Vertical bars, the first on the right; each with its value above it."""
    parts = _open(title, HEIGHT, style, heading)
    if _empty(bars):
        return _no_data(parts, no_data, HEIGHT)
    ticks = _nice_ticks(max(b.value or 0 for b in bars))
    parts += _value_axis(0, ticks[-1], ticks, style, HEIGHT)
    width = min(56.0, (WIDTH - LEFT - RIGHT) / len(bars) * 0.6)
    parts.append('<g class="bars">')
    for i, (bar, x) in enumerate(zip(bars, _slot_centres(len(bars)), strict=True)):
        parts += _bar(bar, x, width, ticks[-1], style, colours[i] if colours else BAR)
    return _close(parts, _baseline())


def _bar(bar: Point, x: float, width: float, high: float, style: Digits, colour: str) -> list[str]:
    """One vertical bar centred on `x`, its value above it and its label below the axis."""
    value = bar.value or 0
    top = _y(value, 0, high, HEIGHT)
    bottom = HEIGHT - BOTTOM
    shown = _number(value, style)
    label = digits(bar.label, style)
    geometry = (
        f'class="bar" x="{x - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
        f'height="{bottom - top:.1f}" rx="3" fill="{colour}"'
    )
    return [
        _mark("rect", geometry, label, value, shown),
        _text(x, top - 6, shown, css="value"),
        _text(x, bottom + 20, label, css="label", direction="rtl"),
    ]


# A horizontal chart's rows: each this tall, the bars starting this far left of the edge.
ROW = 34
ROW_MARGIN = 12


def horizontal_bar_chart(
    bars: Sequence[Point],
    *,
    title: str,
    no_data: str,
    style: Digits = "western",
    label_width: int = 140,
    heading: bool = True,
) -> str:
    """One row per item, its (long, Arabic) label on the right and the bar growing left."""
    height = TOP + ROW * max(len(bars), 1) + 16
    parts = _open(title, height, style, heading)
    if _empty(bars):
        return _no_data(parts, no_data, height)
    largest = max(b.value or 0 for b in bars)
    start = WIDTH - ROW_MARGIN - label_width  # where every bar begins, left of the labels
    room = start - LEFT - 40  # leave space for the value after the longest bar
    parts.append('<g class="bars">')
    for i, bar in enumerate(bars):
        length = (bar.value or 0) / largest * room if largest else 0
        parts += _row(bar, TOP + ROW * i, start, length, style)
    return _close(parts, _axis(start, start, TOP, height - 16))


def _row(bar: Point, y: float, start: float, length: float, style: Digits) -> list[str]:
    """One row from `y` down: the label at the right edge, the bar, its value after it."""
    value = bar.value or 0
    shown = _number(value, style)
    label = digits(bar.label, style)
    middle = y + ROW / 2 + 4
    geometry = (
        f'class="bar" x="{start - length:.1f}" y="{y + 6:.1f}" width="{length:.1f}" '
        f'height="{ROW - 12}" rx="3" fill="{BAR}"'
    )
    return [
        _text(WIDTH - ROW_MARGIN, middle, label, css="label", anchor="start", direction="rtl"),
        _mark("rect", geometry, label, value, shown),
        _text(start - length - 6, middle, shown, css="value", anchor="end"),
    ]


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    no_data: str,
    style: Digits = "western",
    low: float = 1,
    high: float = 5,
    max_labels: int = 8,
    heading: bool = True,
) -> str:
    """A line through the points, the earliest on the right; a point without data is a gap."""
    parts = _open(title, HEIGHT, style, heading)
    if not any(p.value is not None for p in points):
        return _no_data(parts, no_data, HEIGHT)
    parts += _value_axis(low, high, [low + i for i in range(int(high - low) + 1)], style, HEIGHT)
    centres = _slot_centres(len(points))
    parts += _labels_below(points, centres, max_labels, style)
    lines, marks = _line(points, centres, low, high, style)
    return _close([*parts, *lines, '<g class="points">', *marks], _baseline())


def _labels_below(
    points: Sequence[Point], centres: Sequence[float], most: int, style: Digits
) -> list[str]:
    """The points' labels under the axis: every one, or every n-th to show `most` at most."""
    every = max(1, -(-len(points) // most))
    y = HEIGHT - BOTTOM + 20
    return [
        _text(x, y, digits(point.label, style), css="label", direction="rtl")
        for i, (point, x) in enumerate(zip(points, centres, strict=True))
        if i % every == 0
    ]


def _line(
    points: Sequence[Point], centres: Sequence[float], low: float, high: float, style: Digits
) -> tuple[list[str], list[str]]:
    """The polylines through each run of points with data (a gap splits them), and the points."""
    segments: list[list[str]] = [[]]
    marks = []
    for point, x in zip(points, centres, strict=True):
        if point.value is None:
            if segments[-1]:
                segments.append([])
            continue
        y = _y(point.value, low, high, HEIGHT)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        label = digits(point.label, style)
        shown = digits(format_average(point.value), style)
        geometry = f'class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE}"'
        marks.append(_mark("circle", geometry, label, point.value, shown))
    return [_polyline(segment) for segment in segments if len(segment) > 1], marks


def _polyline(segment: Sequence[str]) -> str:
    return (
        f'<polyline class="line" points="{" ".join(segment)}" fill="none" '
        f'stroke="{LINE}" stroke-width="2.5" stroke-linejoin="round"/>'
    )


def day_label(day: date) -> str:
    """Day/month, as Saudi forms write a short date (the title names the year)."""
    return f"{day.day}/{day.month}"


def csat_over_time_chart(
    buckets: Sequence[CsatBucket],
    *,
    title: str,
    no_data: str,
    style: Digits = "western",
    heading: bool = True,
) -> str:
    points = [Point(day_label(b.start), b.average) for b in buckets]
    return line_chart(points, title=title, no_data=no_data, style=style, heading=heading)


def distribution_chart(
    csat: Csat, *, title: str, no_data: str, style: Digits = "western", heading: bool = True
) -> str:
    """Ratings 1 to 5, 1 on the right, each bar in its rating's colour."""
    bars = [Point(f"{r} ★", csat.distribution.get(r, 0)) for r in RATINGS]
    colours = [RATING_COLOURS[r] for r in RATINGS]
    return bar_chart(
        bars, title=title, no_data=no_data, style=style, colours=colours, heading=heading
    )


def status_chart(
    counts: Mapping[str, int],
    names: Mapping[str, str],
    *,
    title: str,
    no_data: str,
    style: Digits = "western",
    heading: bool = True,
) -> str:
    """Requests by status; `names` gives each status its catalog name (status-…)."""
    bars = [Point(names.get(status, status), n) for status, n in counts.items()]
    return horizontal_bar_chart(bars, title=title, no_data=no_data, style=style, heading=heading)


@dataclass(frozen=True)
class ReportCharts:
    csat_over_time: str
    distribution: str
    by_status: str
    # The page's own headings for them, sized like its others (the SVGs draw none).
    titles: tuple[str, str, str] = ("", "", "")


def charts_for(report: Report, tr: Translate, style: Digits = "western") -> ReportCharts:
    """The report page's three charts, titled from the catalogs (report.ftl).

    Each title is the chart's accessible name and the page's heading above it; the SVG,
    which scales with the page, draws no text of its own for it.
    """
    no_data = tr("report-no-data")
    day = report.bucket == "day"
    over_time = tr("report-chart-csat-over-time" if day else "report-chart-csat-over-time-week")
    distribution = tr("report-chart-distribution")
    by_status = tr("report-chart-by-status")
    names = {status: tr(f"status-{status}") for status in report.requests_by_status}

    def drawn(chart: Callable[..., str], *figures: object, title: str) -> str:
        return chart(*figures, title=title, no_data=no_data, style=style, heading=False)

    return ReportCharts(
        csat_over_time=drawn(csat_over_time_chart, report.csat_over_time, title=over_time),
        distribution=drawn(distribution_chart, report.csat, title=distribution),
        by_status=drawn(status_chart, report.requests_by_status, names, title=by_status),
        titles=(digits(over_time, style), digits(distribution, style), digits(by_status, style)),
    )
