## The FAQ editor on the staff web (bot/staff_web/faq.py, faq_unanswered.py, faq_views.py).

staffweb-role-faq_editor = محرر الأسئلة الشائعة
faqedit-nav-faq = الأسئلة الشائعة
faqedit-nav-unanswered = أسئلة بلا جواب
faqedit-error-role = هذه الصفحة ليست من صلاحيات دورك. اطلبها من مشرف إن احتجت.
faqedit-error-unavailable = محرر الأسئلة الشائعة غير مفعّل في هذا الخادم.

## The entries
faqedit-title = الأسئلة الشائعة
faqedit-intro = كل جواب هنا يصل إلى { $people } كما تراه في المعاينة. اختر سؤالاً لتعديل جوابه.
faqedit-col-entry = السؤال
faqedit-col-answer = الجواب
faqedit-col-source = من الدليل
faqedit-phrasings = { $count ->
        [zero] بلا صيغ خاصة
        [one] صيغة واحدة خاصة
        [two] صيغتان خاصتان
        [few] { $count } صيغ خاصة
        [many] { $count } صيغة خاصة
       *[other] { $count } صيغة خاصة
    }
faqedit-edit = تعديل
faqedit-edited = عُدّل هنا
faqedit-from-catalog = من الكتالوج
faqedit-unanswered-waiting = { $count ->
        [zero] لا أسئلة تنتظر جواباً
        [one] مجموعة واحدة من الأسئلة تنتظر جواباً
        [two] مجموعتان من الأسئلة تنتظران جواباً
        [few] { $count } مجموعات من الأسئلة تنتظر جواباً
        [many] { $count } مجموعة من الأسئلة تنتظر جواباً
       *[other] { $count } مجموعة من الأسئلة تنتظر جواباً
    }
faqedit-back = → كل الأسئلة الشائعة

## One entry
faqedit-entry-title = تعديل الجواب: { $label }
faqedit-answer-label = الجواب
faqedit-placeholders = تُملأ هذه الحقول من ملف الجمعية، أو بعبارة «لم تُضف بعد»:
faqedit-preview = المعاينة كما يقرؤها { $person }
faqedit-preview-note = تتحدّث المعاينة وأنت تكتب.
faqedit-save = حفظ الجواب
faqedit-saved = حُفظ الجواب. يجيب به البوت بعد ثوانٍ، دون إعادة تشغيل.
faqedit-guide = من الدليل
faqedit-guide-none = لم يأتِ هذا الجواب من قسم في الدليل (كتبه الكتالوج أو أحد الموظفين).
faqedit-guide-missing = لا يوجد في نص الدليل قسم بعنوان «{ $title }».
faqedit-history = سجل التعديلات
faqedit-history-empty = لا تعديلات بعد.
faqedit-history-by = { $who } — { $when }
faqedit-revert = تراجع
faqedit-revert-confirm = التراجع يعيد ما كان قبل هذا التعديل. هل تريد التراجع؟
faqedit-reverted = تم التراجع عن التعديل.
faqedit-kind-phrasing = صيغ أُضيفت
faqedit-kind-entry = سؤال جديد
faqedit-kind-answer = تعديل جواب
faqedit-kind-negative = خارج النطاق
faqedit-kind-revert = تراجع
faqedit-history-reverted = (تم التراجع عنه)
faqedit-error-empty-answer = لم يُحفظ شيء: الجواب فارغ. اكتب نص الجواب ثم احفظ.
faqedit-error-answer-too-long = لم يُحفظ شيء: الجواب طويل؛ الحد { $max ->
        [one] حرف واحد
        [two] حرفان
        [few] { $max } أحرف
        [many] { $max } حرفاً
       *[other] { $max } حرف
    }.
faqedit-error-unknown-intent = لا يوجد سؤال شائع بالمعرّف «{ $intent }».

## "How would the bot answer this?"
faqedit-ask-title = كيف سيجيب البوت على هذا؟
faqedit-ask-label = اكتب سؤالاً كما يكتبه { $person }
faqedit-ask-submit = جرّب
faqedit-ask-decision = القرار
faqedit-ask-score = الثقة
faqedit-ask-intent = السؤال الشائع
faqedit-ask-candidates = الأقرب
faqedit-ask-answer = الجواب الذي سيصل
faqedit-ask-none = لا شيء
faqedit-ask-empty = اكتب سؤالاً أولاً.
faqedit-decision-answer = يجيب مباشرة
faqedit-decision-clarify = يعرض خيارات ليختار منها
faqedit-decision-handover = يحيل إلى موظف

## Unanswered questions
faqedit-unanswered-title = أسئلة لم يجد لها البوت جواباً
faqedit-unanswered-intro = أسئلة { $people } التي انتهت بخيارات أو بإحالة إلى موظف أو بتقييم سلبي، مجمّعة حسب التشابه، الأكبر أولاً. أرقام الهوية والجوال مخفية.
faqedit-unanswered-empty = لا أسئلة تنتظر الآن.
faqedit-group-count = { $count ->
        [one] سؤال واحد
        [two] سؤالان
        [few] { $count } أسئلة
        [many] { $count } سؤالاً
       *[other] { $count } سؤال
    }
faqedit-group-examples = أمثلة مما كتبه { $people }
faqedit-group-candidates = ظنّ البوت أنها:
faqedit-group-picked = ثم ضغط { $people } على:
faqedit-assign = ضمّها إلى سؤال موجود
faqedit-assign-choose = اختر السؤال…
faqedit-assign-submit = ضمّ
faqedit-create = أنشئ سؤالاً جديداً
faqedit-create-id = المعرّف (حروف إنجليزية صغيرة، مثل eligibility)
faqedit-create-questions = الصيغ (صيغة في كل سطر)
faqedit-create-answer = الجواب
faqedit-create-submit = أنشئ السؤال
faqedit-reject = خارج نطاق الجمعية
faqedit-reject-note = يحيل البوت مثل هذه الأسئلة إلى موظف ولا يخمّن.
faqedit-done-assign = ضُمّت المجموعة إلى «{ $label }»؛ يجيب البوت بها بعد ثوانٍ.
faqedit-done-create = أُنشئ السؤال «{ $label }»؛ يجيب البوت به بعد ثوانٍ.
faqedit-done-reject = عُلّمت المجموعة خارج النطاق.
faqedit-error-bad-id = لم يُنشأ شيء: المعرّف يبدأ بحرف إنجليزي صغير، وبعده حروف إنجليزية صغيرة أو أرقام أو _ (حتى { $max } حرفاً).
faqedit-error-id-taken = لم يُنشأ شيء: المعرّف «{ $intent }» مستخدم. اختر غيره، أو ضمّ المجموعة إليه.
faqedit-error-no-questions = لم يُنشأ شيء: اكتب صيغة واحدة على الأقل.
faqedit-error-choose-entry = لم يُضمّ شيء: اختر السؤال الذي تُضمّ إليه المجموعة.
