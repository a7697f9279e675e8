## Reports: `bot.py report`, the staff reports page's charts and the CSV exports.

report-title = 📊 Satisfaction and requests report
report-period = Period: { $since } to { $until }
report-no-data = No data in this period.
report-csat-heading = ⭐ { $Person } satisfaction (CSAT)
report-csat = Average rating: { $average } of 5 ({ report-ratings }); satisfied (4 or 5): { $satisfied }%
report-ratings = { $count ->
        [one] one rating
       *[other] { $count } ratings
    }
report-answers = { $count ->
        [zero] no answers
        [one] one answer
       *[other] { $count } answers
    }
report-rating-row = { $rating } ★ { $bar } { $count }
report-response-heading = 📨 Survey response rate
report-response = { $rate }%: { $answered } of the { $sent } people surveyed answered
report-requests-heading = 📄 Requests filed in the period, by their status now ({ $count })
report-status-row = { $status }: { $count }
report-decision-heading = ⏱️ Median time to decision (filed → accepted or rejected)
report-decision = { $duration } ({ report-requests })
report-requests = { $count ->
        [one] one request
       *[other] { $count } requests
    }
report-reply-heading = 💬 Median time to the first staff reply on handover cases
report-reply = { $duration } ({ report-cases })
report-cases = { $count ->
        [one] one case
       *[other] { $count } cases
    }
report-reply-waiting = { $count ->
        [0] Every case has been answered.
        [one] One case has no reply yet.
       *[other] { $count } cases have no reply yet.
    }

report-duration-and = { $first } and { $second }
report-duration-under-minute = under a minute
report-days = { $n ->
        [one] one day
       *[other] { $n } days
    }
report-hours = { $n ->
        [one] one hour
       *[other] { $n } hours
    }
report-minutes = { $n ->
        [one] one minute
       *[other] { $n } minutes
    }

report-error-date = The date “{ $value }” is not valid. Write the Gregorian date as year-month-day, e.g. 2026-11-01.
report-error-order = The period's start ({ $since }) must come before its end ({ $until }).

## Charts on the staff reports page (titles; the page passes them to bot/charts.py).

report-chart-csat-over-time = Average satisfaction over time
report-chart-csat-over-time-week = Average satisfaction week by week
report-chart-distribution = Ratings from 1 to 5
report-chart-by-status = Requests by status

## Survey triggers, as staff read them in the exports.

report-trigger-service_delivered = After the service was delivered
report-trigger-case_closed = After the case was closed
report-trigger-campaign = Survey campaign
report-trigger-feedback = General feedback (rate the service, from the menu)

## CSV column headers (times are Riyadh time).

csv-request-reference = Reference
csv-request-type = Request type
csv-request-status = Status
csv-request-city = City
csv-request-submitted = Filed (Riyadh time)
csv-request-submitted-hijri = Filed (Hijri)
csv-request-decided = Decided (Riyadh time)
csv-request-national-id = National ID (masked)
csv-request-phone = Mobile (masked)
csv-survey-answered = Answered (Riyadh time)
csv-survey-answered-hijri = Answered (Hijri)
csv-survey-rating = Rating (1-5)
csv-survey-comment = Comment
csv-survey-trigger = Survey trigger
csv-survey-request = Request reference
csv-survey-case = Case number
csv-survey-staff = Staff member
