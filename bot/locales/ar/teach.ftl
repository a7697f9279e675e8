## The FAQ that learns: `bot.py faq unanswered | teach | add-entry | reject | export` and the
## refusals of handlers/faq_learning.py (also shown by the staff pages).

teach-error-unknown-intent = لا يوجد في الأسئلة الشائعة موضوع بالمعرّف «{ $intent }». اعرض المواضيع بـ bot.py faq match أو أضفه بـ bot.py faq add-entry.
teach-error-invalid-intent = المعرّف «{ $intent }» غير صالح: حروف لاتينية صغيرة وأرقام وشرطة سفلية، يبدأ بحرف (مثل working_hours).
teach-error-duplicate-intent = الموضوع «{ $intent }» موجود من قبل: عدّل إجابته أو أضف له صياغة بـ bot.py faq teach.
teach-error-empty-question = السؤال فارغ: اكتب السؤال كما يكتبه أحد { $people }.
teach-error-only-identifier = السؤال لا يحوي إلا رقم هوية أو جوال، ولا يُحفظ رقم شخص في الأسئلة الشائعة.
teach-error-empty-answer = الإجابة فارغة: اكتب الإجابة التي يقرؤها { $person }.
teach-error-no-questions = أضف سؤالاً واحداً على الأقل بـ --question لكل موضوع جديد.
teach-error-unknown-group = هذه المجموعة لم تعد في قائمة الأسئلة غير المجابة (عولجت أو تغيّرت)؛ حدّث القائمة.
teach-error-unknown-edit = لا يوجد تعديل رقم { $edit }.
teach-error-already-reverted = التعديل رقم { $edit } أُلغي من قبل.
teach-error-revert-revert = التعديل رقم { $edit } إلغاءٌ لتعديل آخر؛ لإعادته أضف التعديل من جديد.

teach-done-phrasing = أُضيفت الصياغة إلى «{ $intent }» (نسخة الأسئلة الشائعة { $version }).
teach-done-entry = أُضيف الموضوع «{ $intent }» ({ $count ->
        [one] سؤال واحد
        [two] سؤالان
        [few] { $count } أسئلة
       *[other] { $count } سؤالاً
    }) (نسخة الأسئلة الشائعة { $version }).
teach-done-negative = عُلّم السؤال خارج نطاق الأسئلة الشائعة (نسخة الأسئلة الشائعة { $version }).
teach-done-export = كُتبت تعديلات الأسئلة الشائعة في { $path } ({ $count ->
        [zero] لا تعديلات
        [one] تعديل واحد
        [two] تعديلان
        [few] { $count } تعديلات
       *[other] { $count } تعديلاً
    }).
teach-unanswered-none = لا أسئلة غير مجابة الآن.
teach-unanswered-group = { $count ->
        [one] سؤال واحد
        [two] سؤالان
        [few] { $count } أسئلة
       *[other] { $count } سؤالاً
    } — المجموعة { $group }
teach-unanswered-candidates = المواضيع المرشحة: { $candidates }
