## The support request form, follow-up and completion (field rules are in form.ftl).

form-words-back = رجوع, ارجع, السابق, back
form-words-cancel = الغاء, إلغاء, الغ, الغي, ابي الغي, ابغى الغي, ابي الغاء, ابغى الغاء, الغ الطلب, الغاء الطلب, cancel
form-words-pause = اكمل بعدين, أكمل بعدين, ابي اكمل بعدين, ابغى اكمل بعدين, بكمل بعدين, اكمله بعدين, اكمل لاحقا, أكمل لاحقاً, لاحقا, بعدين, later, continue later
form-paused = حفظت { $form } كما هو ✅ تقدر تكمله متى شئت: اختر «تقديم طلب» من القائمة أو اكتب «ابي اقدم طلب»، وتكمل من حيث توقفت.
form-words-done = تم, خلاص, انتهيت, done, لا يوجد, ما عندي
form-words-continue = متابعة, كمل, أكمل, continue
form-words-restart = البدء من جديد, من جديد, restart

form-intro = حيّاك الله 🌿 سأساعدك في تقديم { $form } خطوة بخطوة. تقدر تكتب «رجوع» أو «إلغاء» في أي خطوة.
form-ask-name = 1️⃣ اكتب اسمك الكامل بالعربي (الاسم الأول واسم العائلة على الأقل).
form-ask-national_id = 2️⃣ اكتب رقم الهوية الوطنية أو الإقامة (10 أرقام).
form-ask-phone = 3️⃣ اكتب رقم جوالك السعودي (مثل 0501234567)، أو شاركه بالزر إن ظهر لك.
form-ask-city = 4️⃣ في أي مدينة تسكن؟ اختر من الأزرار أو اكتب اسمها.
form-ask-type = 5️⃣ ما نوع الطلب؟ اختر من الخيارات:
form-ask-description = 6️⃣ اشرح حالتك وطلبك باختصار (10 أحرف على الأقل).
form-ask-attachments = 7️⃣ أرفق المستندات الداعمة إن وجدت (صورة الهوية، تقرير طبي…)، صوراً أو ملفات. عند الانتهاء اضغط «تم»، وإن لم يكن لديك مرفقات اضغط «تم» مباشرة.
form-attachments-hint = أرسل المرفقات صوراً أو ملفات، أو اضغط «تم» للمتابعة.
form-attachment-received = استلمت المرفق ✅ (المجموع: { $count }). أرسل غيره أو اضغط «تم».
form-attachment-not-now = المرفقات تأتي في خطوة لاحقة؛ أكمل هذه الخطوة أولاً.
form-error-file-too-big = الملف أكبر من المسموح ({ $mb } ميجابايت)؛ أرسل نسخة أصغر.
form-error-too-many = وصلت للحد الأقصى ({ $max } مرفقات). اضغط «تم» للمتابعة.
form-error-type = اختر نوع الطلب من الأزرار أو اكتب رقم الخيار.
form-duplicate = لديك طلب مفتوح من نفس النوع ({ $type }): رقمه { $reference }، حالته «{ $status }»، قُدّم يوم { $date }. لا يمكن تقديم طلبين مفتوحين من النوع نفسه؛ اختر نوعاً آخر أو تابع طلبك الحالي.
form-duplicate-late = لديك طلب مفتوح من النوع نفسه برقم { $reference }، فلم أرسل طلباً مكرراً.
form-summary = 📋 ملخص { $form }:
    • الاسم: { $name }
    • رقم الهوية/الإقامة: { $national_id }
    • الجوال: { $phone }
    • المدينة: { $city }
    • نوع الطلب: { $type }
    • الوصف: { $description }
    • المرفقات: { $files }
    هل البيانات صحيحة؟
form-confirm = ✅ البيانات صحيحة
form-edit = ✏️ تعديل حقل
form-which-field = أي حقل تريد تعديله؟
form-field-name = الاسم
form-field-national_id = رقم الهوية
form-field-phone = الجوال
form-field-city = المدينة
form-field-type = نوع الطلب
form-field-description = الوصف
form-field-attachments = المرفقات
form-declaration = 📝 الإقرار:
    «{ $text }»
form-accept = أقرّ وأوافق
form-refuse = لا أوافق
form-declaration-refused = لا يمكن رفع الطلب دون الإقرار بصحة البيانات، لأن الجمعية تعتمد عليها في دراسة طلبك ومقدّم الطلب مسؤول عن صحتها. طلبك محفوظ كما هو؛ تقدر تقرّ الآن أو لاحقاً، أو تعدّل بياناتك أولاً.
form-submitted = ✅ تم تقديم { $form } بنجاح.
    رقم طلبك: { $reference }
    تاريخ التقديم: { $date }
    احتفظ به لمتابعة طلبك. سيُرفع طلبك إلى لجنة البحث لدراسته، ويصلك الرد بالقبول أو الرفض { $period }، وسنبلغك هنا بكل تحديث. إن احتجنا معلومة أو مستنداً إضافياً سنطلبه منك هنا.
form-cancelled = ألغيت { $form }، ولم يُحفظ شيء. تقدر تبدأ من جديد متى شئت.
form-back = ➡️ رجوع
form-cancel = ✖️ إلغاء
form-done = ✔️ تم
form-first-step = هذه أول خطوة.
form-resume = لديك { $form } لم يكتمل. تحب تكمل من حيث توقفت أو تبدأ من جديد؟
form-continue = متابعة الطلب
form-restart = البدء من جديد
form-expired = انتهت صلاحية طلبك غير المكتمل بعد { $days } أيام، فحُذف. تقدر تبدأ طلباً جديداً متى شئت.

status-submitted = مُقدَّم
status-under_review = قيد الدراسة
status-needs_info = بحاجة إلى استكمال
status-accepted = مقبول
status-rejected = مرفوض
status-service_delivered = قُدّمت الخدمة
status-closed = مغلق
status-next-submitted = سيُحال إلى لجنة البحث لدراسته.
status-next-under_review = تدرسه لجنة البحث الآن، وسنبلغك بالنتيجة هنا.
status-next-needs_info = نحتاج منك استكمال ما ينقص ليعود طلبك للدراسة.
status-next-accepted = سيتواصل معك فريق الجمعية لتقديم الخدمة.
status-next-rejected = تقدر تتواصل مع الجمعية للاستفسار عن السبب.
status-next-service_delivered = يسعدنا تقييمك للخدمة.
status-next-closed = لا إجراء آخر على هذا الطلب.
request-line = 📄 الطلب { $reference } — { $type }
    الحالة: { $status }
    تاريخ التقديم: { $submitted }
    آخر تحديث: { $updated }
    الخطوة التالية: { $next }
request-missing = المطلوب منك: { $missing }
requests-none = لا توجد لديك طلبات مقدمة بعد. تحب تقدم طلباً؟
requests-title = { $count ->
        [one] لديك طلب واحد:
       *[other] طلباتك ({ $count }):
    }
requests-complete = استكمال الطلب { $reference }
requests-nothing-to-complete = لا يوجد طلب بحاجة إلى استكمال الآن.
complete-prompt = طلبك { $reference } بحاجة إلى استكمال: { $missing }
    أرسل المستند الناقص هنا (صورة أو ملف)، أو اكتب المعلومة المطلوبة أو ردّك في رسالة (مثل «سأحضرها للمقر»)، أو اختر البيان الذي تريد تصحيحه.
complete-missing-unstated = لم تُحدَّد التفاصيل؛ سيتواصل معك الموظف.
complete-cancelled = حسناً، لم يتغير شيء في طلبك.
complete-done = شكراً ✅ استلمنا ما أرسلته، وعاد طلبك { $reference } للدراسة ({ $date }).

form-default-declaration = أقر بصحة جميع البيانات المقدمة وأتحمل المسؤولية الكاملة عن صحتها.

status-message = 📢 تحديث على طلبك { $reference }: أصبحت حالته «{ $status }» ({ $date }).
    { $next }
status-message-note = ملاحظة الجمعية: { $note }
status-error-unknown = حالة غير معروفة «{ $status }». الحالات: { $known }
status-error-needs-note = حالة «بحاجة إلى استكمال» تحتاج ملاحظة تذكر ما ينقص (--note).
status-error-no-request = لا يوجد طلب بالرقم { $reference }.
status-error-transition = لا يمكن نقل الطلب من «{ $current }» إلى «{ $wanted }».
status-changed = الطلب { $reference }: من «{ $from }» إلى «{ $to }»{ $notified ->
        [yes] ، وأُبلغ { $person }.
       *[no] .
    }

form-contact-not-yours = هذا رقم شخص آخر 🙂 اكتب رقم جوالك أنت، أو شارك رقمك أنت.
tg-share-phone = 📱 مشاركة رقمي
tg-command-start = البداية والترحيب
tg-command-menu = القائمة الرئيسية
tg-command-help = المساعدة
tg-command-cancel = إلغاء الخطوة الحالية
tg-webhook-forbidden = رمز التحقق غير صحيح.
tg-webhook-too-large = حجم التحديث أكبر من المسموح به.
tg-webhook-bad-update = تحديث غير صالح.
