"""/staff/reports: the figures and charts for a period of days, and its CSV exports
(/staff/reports/requests.csv, /staff/reports/surveys.csv)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.render.charts import charts_for
from bot.render.report_text import format_duration
from bot.staff_web.pages import NO_STORE, Handler, desk_page, render
from bot.staff_web.session import Signed
from bot.staff_web.state import backend, tr_of
from faq.bidi import ltr
from handlers.dates import RIYADH
from handlers.exports import csv_filename, requests_csv, survey_answers_csv
from handlers.reports import Period, build_report, format_average, parse_day, period_between


def period_of(request: Request) -> tuple[Period, str | None]:
    """The asked-for days (both included); the last 30 days, with a message, if unreadable."""
    today = backend(request).desk.clock.now().astimezone(RIYADH).date()
    values = [request.query_params.get(k) or None for k in ("since", "until")]
    try:
        days = [parse_day(v) if v else None for v in values]
        return period_between(days[0], days[1], today), None
    except ValueError:
        bad = next((v for v in values if v), "")
        error = tr_of(request)("report-error-date", value=ltr(bad))
        return period_between(None, None, today), error


async def reports(request: Request, signed: Signed) -> Response:
    period, error = period_of(request)
    report = await build_report(backend(request).desk.db, period)
    tr = tr_of(request)
    context = {
        "nav": "reports",
        "report": report,
        "charts": charts_for(report, tr),
        "error": error,
        "since": period.since.astimezone(RIYADH).date().isoformat(),
        "until": period.last_day(RIYADH).isoformat(),
        "duration": lambda d: format_duration(d, tr),
        "average": format_average,
    }
    return render(request, "staff/reports.html", context, signed=signed)


def csv_export(kind: str) -> Handler:
    """The period's requests (kind "requests") or survey answers, as a CSV download."""
    write = requests_csv if kind == "requests" else survey_answers_csv

    async def export(request: Request, signed: Signed) -> Response:
        period, _ = period_of(request)
        async with backend(request).desk.db.reading() as session:
            data = await write(session, period, tr_of(request))
        return Response(
            content=data,
            media_type="text/csv; charset=utf-8",
            headers={
                **NO_STORE,
                "Content-Disposition": f"attachment; filename={csv_filename(kind, period)}",
            },
        )

    return export


router = APIRouter(prefix="/staff")
router.add_api_route("/reports", desk_page(reports), methods=["GET"])
router.add_api_route("/reports/requests.csv", desk_page(csv_export("requests")), methods=["GET"])
router.add_api_route("/reports/surveys.csv", desk_page(csv_export("surveys")), methods=["GET"])
