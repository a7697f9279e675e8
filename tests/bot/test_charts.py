"""The report charts: SVG parsed back into numbers, then drawn by headless Chromium."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Catalog
from bot.render import charts
from handlers.reports import Csat, CsatBucket, Durations, Period, Report, ResponseRate
from tests.browser import chromium, needs_chromium

SVG = "{http://www.w3.org/2000/svg}"
AR = Catalog("ar").t
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CSAT = Csat({1: 1, 2: 0, 3: 1, 4: 1, 5: 3}, 6, 23 / 6)
DAYS = tuple(
    CsatBucket(date(2026, 11, 1) + timedelta(days=i), n, avg)
    for i, (n, avg) in enumerate(
        [(0, None), (1, 1.0), (0, None), (1, 5.0), (2, 4.5), (3, 3.0), (0, None), (1, 4.0)]
    )
)
STATUSES = {
    "submitted": 3,
    "under_review": 12,
    "needs_info": 2,
    "accepted": 7,
    "rejected": 1,
    "service_delivered": 5,
    "closed": 0,
}
NAMES = {s: AR(f"status-{s}") for s in STATUSES}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def marks(root: ET.Element, css: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == css]


def texts(root: ET.Element, css: str) -> list[str]:
    return [e.text or "" for e in marks(root, css)]


def distribution(style: charts.Digits = "western") -> str:
    return charts.distribution_chart(
        CSAT, title=AR("report-chart-distribution"), no_data=AR("report-no-data"), style=style
    )


def over_time(style: charts.Digits = "western") -> str:
    return charts.csat_over_time_chart(
        DAYS, title=AR("report-chart-csat-over-time"), no_data=AR("report-no-data"), style=style
    )


def by_status(style: charts.Digits = "western") -> str:
    return charts.status_chart(
        STATUSES,
        NAMES,
        title=AR("report-chart-by-status"),
        no_data=AR("report-no-data"),
        style=style,
    )


def test_the_distribution_has_one_bar_per_rating_in_proportion() -> None:
    root = parse(distribution())
    assert root.tag == f"{SVG}svg" and root.get("aria-label") == "توزيع التقييمات من 1 إلى 5"
    bars = marks(root, "bar")
    assert [b.get("data-value") for b in bars] == ["1", "0", "1", "1", "3"]
    assert [b.get("data-label") for b in bars] == ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]
    heights = [float(b.get("height", "")) for b in bars]
    assert heights[4] == pytest.approx(3 * heights[0], abs=0.3) and heights[1] == 0
    # Right to left: rating 1 on the right, 5 on the left.
    xs = [float(b.get("x", "")) for b in bars]
    assert xs == sorted(xs, reverse=True)
    assert texts(root, "value") == ["1", "0", "1", "1", "3"]
    assert texts(root, "title")[0] == "توزيع التقييمات من 1 إلى 5"


def test_arabic_indic_digits_are_used_everywhere_when_asked() -> None:
    for svg in (distribution("arabic"), over_time("arabic"), by_status("arabic")):
        root = parse(svg)
        shown = " ".join(e.text or "" for e in root.iter() if e.tag == f"{SVG}text")
        assert not any(ch in "0123456789" for ch in shown), shown
    root = parse(distribution("arabic"))
    assert texts(root, "label") == ["١ ★", "٢ ★", "٣ ★", "٤ ★", "٥ ★"]
    assert texts(root, "value") == ["١", "٠", "١", "١", "٣"]
    points = marks(parse(over_time("arabic")), "point")
    assert points[2].find(f"{SVG}title").text == "٥/١١: ٤٫٥"  # type: ignore[union-attr]


def test_csat_over_time_has_a_point_per_day_with_answers_and_gaps_elsewhere() -> None:
    root = parse(over_time())
    points = marks(root, "point")
    assert [(p.get("data-label"), p.get("data-value")) for p in points] == [
        ("2/11", "1"),
        ("4/11", "5"),
        ("5/11", "4.5"),
        ("6/11", "3"),
        ("8/11", "4"),
    ]
    # The earliest day is on the right; a higher average is higher up.
    cx = [float(p.get("cx", "")) for p in points]
    cy = {p.get("data-value"): float(p.get("cy", "")) for p in points}
    assert cx == sorted(cx, reverse=True)
    assert cy["5"] < cy["4.5"] < cy["4"] < cy["3"] < cy["1"]
    # The day without answers between the 6th and the 8th breaks the line in two; the 2nd
    # stands alone between two empty days.
    lines = marks(root, "line")
    assert [len((line.get("points") or "").split()) for line in lines] == [3]
    assert texts(root, "tick") == ["1", "2", "3", "4", "5"]


def test_statuses_read_from_the_right_with_their_catalog_names() -> None:
    root = parse(by_status())
    bars = marks(root, "bar")
    assert [b.get("data-label") for b in bars] == list(NAMES.values())
    assert [b.get("data-value") for b in bars] == ["3", "12", "2", "7", "1", "5", "0"]
    widths = [float(b.get("width", "")) for b in bars]
    assert widths[1] == max(widths) and widths[6] == 0
    assert widths[3] == pytest.approx(widths[1] * 7 / 12, abs=0.2)
    labels = marks(root, "label")
    assert [e.text for e in labels] == list(NAMES.values())
    assert all(e.get("direction") == "rtl" for e in labels)
    # Every bar ends at the same x on the right (beside its label) and grows left.
    ends = {round(float(b.get("x", "")) + float(b.get("width", "")), 1) for b in bars}
    assert len(ends) == 1 and min(float(e.get("x", "")) for e in labels) > ends.pop()


def test_an_empty_period_says_no_data_instead_of_drawing() -> None:
    empty = Csat(dict.fromkeys(range(1, 6), 0), 0, None)
    no_data = AR("report-no-data")
    svgs = [
        charts.distribution_chart(empty, title="t", no_data=no_data),
        charts.csat_over_time_chart(
            [CsatBucket(date(2026, 1, 1), 0, None)], title="t", no_data=no_data
        ),
        charts.csat_over_time_chart([], title="t", no_data=no_data),
        charts.status_chart(dict.fromkeys(STATUSES, 0), NAMES, title="t", no_data=no_data),
    ]
    for svg in svgs:
        root = parse(svg)
        assert texts(root, "no-data") == [no_data]
        assert not marks(root, "bar") and not marks(root, "point")


def test_charts_for_a_report_take_their_titles_from_the_catalog() -> None:
    report = Report(
        period=Period.of_days(date(2026, 1, 1), date(2026, 3, 31)),
        csat=CSAT,
        response=ResponseRate(8, 6),
        bucket="week",
        csat_over_time=DAYS,
        requests_by_status=STATUSES,
        time_to_decision=Durations(0, None),
        time_to_first_reply=Durations(0, None),
    )
    drawn = charts.charts_for(report, AR, style="arabic")
    assert parse(drawn.csat_over_time).get("aria-label") == "متوسط رضا المستفيدين أسبوعاً بأسبوع"
    assert texts(parse(drawn.distribution), "value") == ["١", "٠", "١", "١", "٣"]
    assert texts(parse(drawn.by_status), "label")[2] == "بحاجة إلى استكمال"


def test_labels_and_titles_are_escaped() -> None:
    svg = charts.status_chart(
        {"x": 1}, {"x": '<script>alert("x")</script> & co'}, title="a < b", no_data="-"
    )
    root = parse(svg)  # well-formed
    assert texts(root, "label") == ['<script>alert("x")</script> & co']
    assert "<script>" not in svg


@needs_chromium
@pytest.mark.asyncio
async def test_the_charts_render_right_to_left_in_chromium() -> None:
    page_html = f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{AR("report-title")}</title>
<style>body{{margin:16px;font-family:sans-serif}} figure{{margin:0 0 24px}}</style>
</head><body>
<figure id="over-time">{over_time("arabic")}</figure>
<figure id="distribution">{distribution("arabic")}</figure>
<figure id="status">{by_status("arabic")}</figure>
</body></html>"""
    ARTIFACTS.mkdir(exist_ok=True)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 720, "height": 1200})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.set_content(page_html)
        assert await page.locator("svg.chart").count() == 3
        assert await page.locator("#distribution svg").get_attribute("aria-label") == (
            "توزيع التقييمات من ١ إلى ٥"
        )

        async def box(selector: str) -> dict[str, Any]:
            found = await page.locator(selector).bounding_box()
            assert found is not None, selector
            return dict(found)

        # What the reader sees: rating 1 on the right, the tallest bar is 5's.
        one = await box('#distribution rect[data-label="١ ★"]')
        five = await box('#distribution rect[data-label="٥ ★"]')
        assert one["x"] > five["x"] and five["height"] == pytest.approx(3 * one["height"], 0.05)
        # The earliest day is on the right of the line.
        first = await box("#over-time circle.point >> nth=0")
        last = await box("#over-time circle.point >> nth=-1")
        assert first["x"] > last["x"]
        # A status label ends at the right edge of its chart, its bar to its left.
        chart = await box("#status svg")
        label = await box("#status text.label >> nth=1")
        bar = await box('#status rect[data-label="قيد الدراسة"]')
        assert chart["x"] + chart["width"] - (label["x"] + label["width"]) < 40
        assert bar["x"] + bar["width"] <= label["x"] + 1
        assert await page.locator("#status text.label >> nth=1").text_content() == "قيد الدراسة"
        await page.screenshot(path=str(ARTIFACTS / "report-charts.png"), full_page=True)

        # At phone width the charts shrink with the page; nothing overflows sideways.
        await page.set_viewport_size({"width": 360, "height": 740})
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        await page.screenshot(path=str(ARTIFACTS / "report-charts-phone.png"), full_page=True)
        assert errors == []


def test_an_average_point_reads_with_one_decimal_like_the_page() -> None:
    buckets = [CsatBucket(date(2026, 11, 1), 2, 5.0), CsatBucket(date(2026, 11, 2), 3, 13 / 3)]
    root = parse(charts.csat_over_time_chart(buckets, title="t", no_data="-"))
    shown = [p.find(f"{SVG}title").text for p in marks(root, "point")]  # type: ignore[union-attr]
    assert shown == ["1/11: 5.0", "2/11: 4.3"]


def test_the_page_heads_its_charts_so_the_drawings_carry_no_title_text() -> None:
    report = Report(
        period=Period.of_days(date(2026, 11, 1), date(2026, 11, 30)),
        csat=CSAT,
        response=ResponseRate(8, 6),
        bucket="day",
        csat_over_time=DAYS,
        requests_by_status=STATUSES,
        time_to_decision=Durations(0, None),
        time_to_first_reply=Durations(0, None),
    )
    drawn = charts.charts_for(report, AR)
    assert drawn.titles == (
        AR("report-chart-csat-over-time"),
        AR("report-chart-distribution"),
        AR("report-chart-by-status"),
    )
    for svg, title in zip(
        (drawn.csat_over_time, drawn.distribution, drawn.by_status), drawn.titles, strict=True
    ):
        root = parse(svg)
        assert root.get("aria-label") == title and texts(root, "title") == []
        assert root.find(f"{SVG}title").text == title  # type: ignore[union-attr]
