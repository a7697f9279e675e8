## The satisfaction survey (handlers/surveys.py) and the scheduled jobs (scheduler/jobs.py)

survey-question-request = 🌟 نسعد برأيك: ما مدى رضاك عن الخدمة المقدمة في طلبك { $reference }؟
    اختر من ١ (غير راضٍ إطلاقاً) إلى ٥ (راضٍ جداً)، أو اكتب الرقم.
survey-question-case = 🌟 نسعد برأيك: ما مدى رضاك عن تواصلك الأخير مع فريق الجمعية؟
    اختر من ١ (غير راضٍ إطلاقاً) إلى ٥ (راضٍ جداً)، أو اكتب الرقم.
survey-reminder = تذكير لطيف: لم يصلنا تقييمك بعد، ورأيك يساعدنا على التحسين.
survey-rating-1 = ١ 😞 غير راضٍ إطلاقاً
survey-rating-2 = ٢ 🙁 غير راضٍ
survey-rating-3 = ٣ 😐 محايد
survey-rating-4 = ٤ 🙂 راضٍ
survey-rating-5 = ٥ 😍 راضٍ جداً
survey-thanks = شكراً لك، سُجّل تقييمك ✅
survey-comment-offer = هل تود إضافة ملاحظة؟ اكتبها في رسالة واحدة، أو اضغط «تخطٍّ».
survey-skip = تخطٍّ
survey-comment-thanks = شكراً، وصلت ملاحظتك وستطّلع عليها الجمعية 🌷
survey-comment-skipped = شكراً لك 🌷
survey-already = تقييمك مسجّل من قبل، شكراً لك. لا حاجة لتقييم آخر.
survey-closed = انتهت مدة هذا الاستبيان، شكراً لاهتمامك. يسعدنا تواصلك معنا في أي وقت.

# "تقييم الخدمة" from the menu, with nothing waiting to be rated: general feedback.
feedback-general-ask = يسعدنا سماع رأيك 🌷 لا توجد لديك الآن خدمة مكتملة أو محادثة منتهية لتقييمها، فاكتب رأيك أو اقتراحك عن الجمعية وخدماتها في رسالة واحدة، أو قيّم تجربتك بكتابة رقم من ١ إلى ٥.
feedback-general-thanks = شكراً لك 🌷 وصل رأيك إلى فريق الجمعية كملاحظة عامة، وسنستفيد منه في تحسين خدماتنا.

job-still-under-review = ⏳ طلبك { $reference } ما زالت حالته «{ $status }» منذ { $since }، ولم يُنسَ. سنبلغك هنا فور صدور أي قرار.
    التاريخ: { $date }
job-review-overdue = ⚠️ تجاوز الطلب { $reference } ({ $type }) مدة الدراسة ({ $days } يوماً): قُدّم يوم { $submitted } وحالته «{ $status }».
job-case-unclaimed = 🔔 الحالة #{ $case } ({ $reason }) تنتظر منذ { $hours } ساعة ولم يستلمها أحد.
