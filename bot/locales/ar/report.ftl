## Reports: `bot.py report`, the staff reports page's charts and the CSV exports.

report-title = 📊 تقرير رضا { $people } والطلبات
report-period = الفترة: من { $since } إلى { $until }
report-no-data = لا توجد بيانات في هذه الفترة.
report-csat-heading = ⭐ رضا { $people } (CSAT)
report-csat = متوسط التقييم: { $average } من 5 ({ report-ratings })، والراضون (4 أو 5): { $satisfied }%
report-ratings = { $count ->
        [zero] لا تقييمات
        [one] تقييم واحد
        [two] تقييمان
        [few] { $count } تقييمات
        [many] { $count } تقييماً
       *[other] { $count } تقييم
    }
report-answers = { $count ->
        [zero] لا إجابات
        [one] إجابة واحدة
        [two] إجابتان
        [few] { $count } إجابات
        [many] { $count } إجابة
       *[other] { $count } إجابة
    }
report-rating-row = { $rating } ★ { $bar } { $count }
report-response-heading = 📨 نسبة الاستجابة للاستبيان
report-response = { $rate }%: أجاب { $answered } من { $sent } ممن أُرسل إليهم الاستبيان
report-requests-heading = 📄 الطلبات المقدمة في الفترة حسب حالتها الآن ({ $count })
report-status-row = { $status }: { $count }
report-decision-heading = ⏱️ الوسيط لمدة البت في الطلب (من التقديم إلى القبول أو الرفض)
report-decision = { $duration } ({ report-requests })
report-requests = { $count ->
        [one] طلب واحد
        [two] طلبان
        [few] { $count } طلبات
        [many] { $count } طلباً
       *[other] { $count } طلب
    }
report-reply-heading = 💬 الوسيط لمدة أول رد من الموظف على حالات التحويل
report-reply = { $duration } ({ report-cases })
report-cases = { $count ->
        [one] حالة واحدة
        [two] حالتان
        [few] { $count } حالات
        [many] { $count } حالة
       *[other] { $count } حالة
    }
report-reply-waiting = { $count ->
        [zero] كل الحالات رُدّ عليها.
        [one] حالة واحدة لم يُردّ عليها بعد.
        [two] حالتان لم يُردّ عليهما بعد.
        [few] { $count } حالات لم يُردّ عليها بعد.
       *[other] { $count } حالة لم يُردّ عليها بعد.
    }

report-duration-and = { $first } و{ $second }
report-duration-under-minute = أقل من دقيقة
report-days = { $n ->
        [one] يوم
        [two] يومان
        [few] { $n } أيام
        [many] { $n } يوماً
       *[other] { $n } يوم
    }
report-hours = { $n ->
        [one] ساعة
        [two] ساعتان
        [few] { $n } ساعات
       *[other] { $n } ساعة
    }
report-minutes = { $n ->
        [one] دقيقة
        [two] دقيقتان
        [few] { $n } دقائق
       *[other] { $n } دقيقة
    }

report-error-date = التاريخ «{ $value }» غير صحيح. اكتبه بالتاريخ الميلادي بالصيغة سنة-شهر-يوم، مثل 2026-11-01 أو ٢٠٢٦/١١/٠١.
report-error-order = بداية الفترة ({ $since }) يجب أن تسبق نهايتها ({ $until }).

## Charts on the staff reports page (titles; the page passes them to bot/charts.py).

report-chart-csat-over-time = متوسط رضا { $people } عبر الزمن
report-chart-csat-over-time-week = متوسط رضا { $people } أسبوعاً بأسبوع
report-chart-distribution = توزيع التقييمات من 1 إلى 5
report-chart-by-status = الطلبات حسب الحالة

## Survey triggers, as staff read them in the exports.

report-trigger-service_delivered = بعد تقديم الخدمة
report-trigger-case_closed = بعد إغلاق الحالة
report-trigger-campaign = حملة استبيان
report-trigger-feedback = رأي عام (تقييم الخدمة من القائمة)

## CSV column headers (times are Riyadh time).

csv-request-reference = رقم الطلب
csv-request-type = نوع الطلب
csv-request-status = الحالة
csv-request-city = المدينة
csv-request-submitted = تاريخ التقديم (بتوقيت الرياض)
csv-request-submitted-hijri = تاريخ التقديم (هجري)
csv-request-decided = تاريخ القرار (بتوقيت الرياض)
csv-request-national-id = رقم الهوية (مخفي)
csv-request-phone = الجوال (مخفي)
csv-survey-answered = تاريخ الإجابة (بتوقيت الرياض)
csv-survey-answered-hijri = تاريخ الإجابة (هجري)
csv-survey-rating = التقييم (1-5)
csv-survey-comment = التعليق
csv-survey-trigger = سبب الاستبيان
csv-survey-request = رقم الطلب
csv-survey-case = رقم الحالة
csv-survey-staff = الموظف
