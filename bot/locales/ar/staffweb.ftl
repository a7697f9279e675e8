## The staff web inbox under /staff (bot/staff_web.py, handlers/staff_desk.py).

staffweb-title = صندوق الموظفين — { $name }
staffweb-brand = صندوق الموظفين
staffweb-nav-cases = الحالات
staffweb-nav-requests = الطلبات
staffweb-nav-reports = التقارير
staffweb-nav-label = التنقل الرئيسي
staffweb-signed-in-as = { $name } ({ $role })
staffweb-role-researcher = باحث
staffweb-role-admin = مشرف
staffweb-logout = خروج

## Sign-in
staffweb-login-title = تسجيل دخول الموظفين
staffweb-login-intro = ادخل باسم المستخدم وكلمة المرور التي ضبطها لك المشرف.
staffweb-username = اسم المستخدم
staffweb-password = كلمة المرور
staffweb-login-submit = دخول
staffweb-login-failed = اسم المستخدم أو كلمة المرور غير صحيحة.
staffweb-login-throttled = محاولات دخول كثيرة غير ناجحة. حاول مرة أخرى بعد { $minutes ->
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $minutes } دقائق
       *[other] { $minutes } دقيقة
    }.
staffweb-password-too-short = كلمة المرور قصيرة؛ أقلها { $min ->
        [one] حرف واحد
        [two] حرفان
        [few] { $min } أحرف
        [many] { $min } حرفاً
       *[other] { $min } حرف
    }.
staffweb-password-too-long = كلمة المرور أطول من { $max ->
        [one] حرف واحد
        [two] حرفان
        [few] { $max } أحرف
        [many] { $max } حرفاً
       *[other] { $max } حرف
    }.
staffweb-password-prompt = كلمة المرور الجديدة: 
staffweb-password-again = أعد كتابتها: 
staffweb-password-mismatch = الكلمتان غير متطابقتين؛ لم يتغيّر شيء.
staffweb-password-set = ضُبطت كلمة مرور { $username }. يدخل من /staff/login
staffweb-no-such-staff = لا يوجد موظف باسم المستخدم «{ $username }».
staffweb-password-empty = لم تصل كلمة مرور على الإدخال القياسي؛ لم يتغيّر شيء.

## Cases
staffweb-cases-title = الحالات
staffweb-tab-open = المفتوحة
staffweb-tab-mine = حالاتي
staffweb-tab-unclaimed = غير المستلمة
staffweb-tab-closed = المغلقة
staffweb-cases-empty = لا توجد حالات هنا الآن.
staffweb-case-number = حالة رقم { $case }
staffweb-case-status-open = بانتظار موظف
staffweb-case-status-claimed = مستلمة
staffweb-case-status-closed = مغلقة
staffweb-waiting = ينتظر منذ { $time }
staffweb-answered = رُدّ عليه
staffweb-opened = فُتحت { $time }
staffweb-closed-at = أُغلقت { $when }
staffweb-assignee = مع { $name }
staffweb-unassigned = لم يستلمها أحد
staffweb-channel-web = محادثة الموقع
staffweb-channel-telegram = تيليجرام
staffweb-channel-whatsapp = واتساب
staffweb-channel-terminal = الطرفية
staffweb-beneficiary = { $Person }
staffweb-channel = القناة
staffweb-reason = السبب
staffweb-transcript = المحادثة
staffweb-author-beneficiary = { $Person }
staffweb-author-bot = البوت
staffweb-author-staff = الموظف
staffweb-command-start = ▶️ بدأ المحادثة
staffweb-command-menu = 🏠 طلب القائمة
staffweb-command-help = ❓ طلب المساعدة
staffweb-command-cancel = ↩️ طلب الإلغاء
staffweb-command = أرسل الأمر { $command }
staffweb-attachments-count = { $count ->
        [one] 📎 مرفق واحد
        [two] 📎 مرفقان
        [few] 📎 { $count } مرفقات
        [many] 📎 { $count } مرفقاً
       *[other] 📎 { $count } مرفق
    }
staffweb-claim = استلام الحالة
staffweb-close = إغلاق الحالة
staffweb-close-confirm = إغلاق الحالة يعيد { $person } إلى البوت ويبلغه بذلك. هل تريد الإغلاق؟
staffweb-reply-label = ردك على { $person }
staffweb-reply-placeholder = اكتب ردك هنا؛ يصل إلى { $person } على قناته…
staffweb-reply-send = إرسال الرد
staffweb-reply-sent = أُرسل ردك.
staffweb-case-closed-note = هذه الحالة مغلقة؛ لا يمكن الرد عليها.
staffweb-beneficiary-requests = طلبات { $person }
staffweb-no-requests = لا طلبات لهذا { $person }.
staffweb-back-to-cases = → كل الحالات
staffweb-live = تصل الرسائل الجديدة تلقائياً.
staffweb-minutes = { $n ->
        [0] أقل من دقيقة
        [one] دقيقة
        [two] دقيقتين
        [few] { $n } دقائق
       *[other] { $n } دقيقة
    }
staffweb-hours = { $n ->
        [one] ساعة
        [two] ساعتين
        [few] { $n } ساعات
       *[other] { $n } ساعة
    }
staffweb-days = { $n ->
        [one] يوم
        [two] يومين
        [few] { $n } أيام
        [many] { $n } يوماً
       *[other] { $n } يوم
    }
staffweb-group-reply = 💬 { $name } (من صندوق الويب): { $text }

## Identifiers typed in the conversation (shown masked)
staffweb-identifiers = الأرقام المكتوبة في المحادثة
staffweb-identifiers-note = تظهر أرقام الهوية والجوال في المحادثة مخفية. يُسجَّل كل إظهار باسمك في سجل التدقيق.
staffweb-reveal-identifiers = إظهار الأرقام المخفية
staffweb-identifier-national_id = رقم الهوية / الإقامة
staffweb-identifier-phone = الجوال

## Requests
staffweb-requests-title = الطلبات
staffweb-filter-status = الحالة
staffweb-filter-type = النوع
staffweb-filter-all = الكل
staffweb-filter-apply = تصفية
staffweb-filter-reference = رقم الطلب
staffweb-filter-reference-hint = مثل 2612-00001
staffweb-requests-empty = لا توجد طلبات بهذه التصفية.
staffweb-reference = رقم الطلب
staffweb-type = نوع الطلب
staffweb-status = الحالة
staffweb-full-name = الاسم الكامل
staffweb-national-id = رقم الهوية / الإقامة
staffweb-phone = الجوال
staffweb-city = المدينة
staffweb-description = وصف الطلب
staffweb-missing-info = المطلوب استكماله
staffweb-declaration = الإقرار
staffweb-declaration-value = وافق على الإقرار في { $when } (النسخة { $number } من نص الإقرار)
staffweb-submitted = قُدّم
staffweb-updated = آخر تحديث
staffweb-decided = تاريخ القرار
staffweb-reveal = إظهار الهوية والجوال
staffweb-reveal-note = يُسجَّل كل إظهار باسمك في سجل التدقيق.
staffweb-revealed-note = ظاهرة لك الآن وسُجّل ذلك؛ لا تنسخها خارج النظام.
staffweb-attachments = المرفقات
staffweb-no-attachments = لا مرفقات.
staffweb-attachment-open = عرض
staffweb-attachment-kind-photo = صورة
staffweb-attachment-kind-document = مستند
staffweb-attachment-kind-audio = مقطع صوتي
staffweb-attachment-kind-video = فيديو
staffweb-attachment-kind-other = ملف
staffweb-history = سجل الحالات
staffweb-history-line = { $from } ← { $to } · { $actor } · { $when }
staffweb-history-first = قُدّم الطلب · { $actor } · { $when }
staffweb-change-status = تغيير الحالة
staffweb-new-status = الحالة الجديدة
staffweb-note = ملاحظة (تصل إلى { $person })
staffweb-note-hint = عند «بحاجة إلى استكمال» اذكر ما ينقص بالتحديد، مثل: صورة الهوية وتقرير طبي حديث.
staffweb-status-submit = حفظ وإبلاغ { $person }
staffweb-status-saved = حُفظت الحالة وأُبلغ { $person }.
staffweb-no-next-status = لا تغيير ممكن بعد هذه الحالة.
staffweb-back-to-requests = → كل الطلبات
staffweb-unreadable = (تعذّرت قراءته)

## Reports
staffweb-reports-title = التقارير
staffweb-reports-since = من
staffweb-reports-until = إلى
staffweb-reports-show = اعرض
staffweb-reports-csat = متوسط التقييم { $average } من 5 ({ report-answers })
staffweb-reports-decision = ⏱️ الوسيط لمدة البت في الطلب
staffweb-reports-first-reply = 💬 الوسيط لمدة أول رد على حالات التحويل
staffweb-reports-export-requests = ⬇️ تصدير الطلبات (CSV)
staffweb-reports-export-surveys = ⬇️ تصدير إجابات الاستبيان (CSV)

## Refusals
staffweb-error-title = تعذّر ذلك
staffweb-error-csrf = انتهت صلاحية النموذج أو لم يصدر من هذه الصفحة. ارجع وحدّث الصفحة ثم أعد المحاولة.
staffweb-error-signed-out = انتهت جلستك؛ سجّل الدخول من جديد.
staffweb-error-bad-form = أرسل النموذج من صفحة الموظفين نفسها.
staffweb-error-too-large = النموذج أكبر من المسموح به.
staffweb-error-unavailable = الخدمة تبدأ الآن؛ حاول بعد لحظات.
staffweb-error-not-found = الصفحة المطلوبة غير موجودة.
staffweb-error-no-case = لا توجد حالة رقم { $case }.
staffweb-error-case-closed = الحالة { $case } مغلقة.
staffweb-error-empty-reply = اكتب نص الرد أولاً.
staffweb-error-reply-too-long = الرد طويل؛ الحد { $max ->
        [one] حرف واحد
        [two] حرفان
        [few] { $max } أحرف
        [many] { $max } حرفاً
       *[other] { $max } حرف
    }.
staffweb-error-note-too-long = الملاحظة طويلة؛ الحد { $max ->
        [one] حرف واحد
        [two] حرفان
        [few] { $max } أحرف
        [many] { $max } حرفاً
       *[other] { $max } حرف
    }.
staffweb-error-needs-note = لم يُحفظ شيء: اكتب في الملاحظة ما ينقص الطلب بالتحديد، ثم احفظ «بحاجة إلى استكمال» من جديد.
staffweb-error-no-request = لا يوجد طلب بالرقم { $reference }.
staffweb-error-no-attachment = لا يوجد هذا المرفق في الطلب.
staffweb-error-attachment-unavailable = تعذّر جلب الملف من قناته الآن.
staffweb-error-reveal-forbidden = إظهار رقم الهوية والجوال للمشرفين فقط. اطلب ذلك من مشرف إن احتجت.
staffweb-back = رجوع
