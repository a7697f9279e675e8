## FAQ answers composed by the builder from the guide (profile data fills the variables).

## Who the association serves, in every message ($person, $a-person, $people, $Person; the
## profile's own words replace these: bot/i18n.py), and who a person is referred to ($role).
term-beneficiary = المستفيد
term-beneficiary-indefinite = مستفيد
term-beneficiaries = المستفيدين
term-beneficiary-title = المستفيد
term-member = العضو
term-member-indefinite = عضو
term-members = الأعضاء
term-member-title = العضو
default-request-form = طلب دعم
default-referral-role = الموظف المختص
review-period-unstated = خلال مدة تحددها الجمعية
# The declaration a person accepts before filing, built from the guide's clause; $kind is
# the responsibility the clause names: direct, legal, full or other.
declaration-first-person = أقرّ بأن جميع البيانات والمستندات التي قدمتها صحيحة، وأنني { $kind ->
        [direct] مسؤول مسؤولية مباشرة عن صحتها
        [legal] أتحمل المسؤولية النظامية عن صحتها
        [full] أتحمل المسؤولية الكاملة عن صحتها
       *[other] مسؤول عن صحتها
    }
# A kind of service a guide's goal names ("خدمات صحية وإرشادية"), as a request type.
service-kind = خدمات { $kind }

answer-greeting = وعليكم السلام ورحمة الله، أهلاً وسهلاً بك في { $name } 🌿
    كيف أقدر أخدمك اليوم؟ اكتب سؤالك بأسلوبك، أو اختر من القائمة.
answer-thanks = العفو، في خدمتك دائماً 🌷 إذا احتجت أي شيء آخر فأنا هنا.
answer-about-intro = نحن { $name }.
answer-about-goals = من أهدافنا:
answer-about-licence = الجمعية مسجلة برقم { $licence }.
answer-services = هذه خدمات { $short } كما يذكرها دليلها:
answer-services-suggested = من خدمات { $short }:
answer-services-generic = تقدم { $short } خدماتها لـ{ $terms } عبر { $form }. لم تُفصَّل قائمة الخدمات بعد في بيانات الجمعية؛ يسعدني أن أحولك لموظف يوضحها لك.
answer-offer-request = تقدر تقدّم { $form } من هنا في المحادثة مباشرة.
answer-channels = تقدر تتواصل مع { $short } عبر هذه القنوات:
answer-contacts = 📞 الهاتف: { $phone }
    💬 واتساب: { $whatsapp }
    🌐 الموقع الإلكتروني: { $website }
    ✉️ البريد: { $email }
    📱 حسابات التواصل الاجتماعي: { $social }
answer-location = 📍 عنوان { $short }: { $address }
answer-location-branches = وللجمعية أيضاً: { $branches }.
answer-working-hours = 🕘 أوقات الدوام: { $working_hours }
    وأنا متاح هنا في المحادثة في أي وقت.
answer-how-to-apply = تقدر تقدّم { $form } هنا في المحادثة مباشرة، وهذه الخطوات:
    1. أسألك عن بياناتك خطوة بخطوة (الاسم، الهوية، الجوال، المدينة، نوع الطلب ووصفه، والمرفقات).
    2. تراجع ملخص طلبك وتقرّ بصحة البيانات.
    3. تحصل على رقم مرجعي لطلبك.
    4. يُرفع طلبك للجنة البحث لدراسته، ويصلك الرد { $period }.
    5. إن احتاج الطلب استكمالاً نبلغك بما ينقص وتكمله هنا.
    وإذا لم تتضح لك الإجراءات تقدر تطلب التحدث مع { $role }.
answer-how-to-apply-generic = تقدر تقدّم { $form } هنا في المحادثة: سأطلب منك البيانات خطوة بخطوة، ثم تراجعها وتقر بصحتها، وتحصل على رقم مرجعي لمتابعة طلبك.
answer-required-documents = جهّز قبل البدء في { $form }:
    • الاسم الكامل
    • رقم الهوية الوطنية أو الإقامة
    • رقم الجوال
    • المدينة
    • نوع الطلب ووصف مختصر للحالة
    • المستندات الداعمة إن وُجدت (مثل تقرير طبي)، وتقدر ترفقها صوراً أو ملفات هنا في المحادثة.
answer-documents-stated = المستندات التي يطلبها دليل { $short }:
answer-documents-missing = لم تُضف بعد قائمة المستندات التي تطلبها { $short } إلى بيانات الجمعية، وسيضيفها مسؤول الجمعية؛ وإن احتاج طلبك مستنداً آخر نبلغك به لتكمله هنا.
answer-eligibility = من يستفيد من خدمات { $short } بحسب دليلها:
answer-eligibility-conditions = وشروط الاستفادة:
answer-eligibility-only = شروط الاستفادة:
answer-eligibility-apply = إذا انطبقت عليك تقدر تقدّم { $form } هنا في المحادثة مباشرة، وتدرس الجمعية حالتك.
answer-eligibility-missing = لم تُضف بعد شروط الاستفادة والفئات التي تخدمها { $short } إلى بيانات الجمعية، وسيضيفها مسؤول الجمعية. تقدر تقدّم { $form } هنا وتدرس الجمعية حالتك، أو أحولك لموظف يوضح لك.
answer-rights = حقوق { $term } لدى { $short } كما يذكرها دليلها:
answer-duties = وواجبات { $term }:
answer-duties-only = واجبات { $term } لدى { $short } كما يذكرها دليلها:
answer-rights-missing = لم تُضف بعد حقوق { $term } وواجباته إلى بيانات الجمعية، وسيضيفها مسؤول الجمعية. تقدر تسألني عن سرية بياناتك، أو تقدّم شكوى، أو أحولك لموظف يوضح لك.
answer-review-period = بعد تقديم طلبك يُرفع إلى الجهة المختصة لدراسته، ويصلك الرد بالقبول أو الرفض { $period }. تقدر تتابع حالة طلبك هنا في أي وقت برقمه المرجعي.
answer-review-period-unstated = بعد تقديم طلبك تدرسه الجمعية ويصلك الرد. لم يحدد الدليل مدة الدراسة؛ تقدر تتابع حالة طلبك هنا في أي وقت.
answer-request-status = سأعرض لك طلباتك وحالة كل طلب وتاريخه. إن كان معك الرقم المرجعي فاكتبه.
answer-complete-request = إن طُلب منك استكمال طلبك فتقدر تضيف المستند الناقص أو تصحح البيان هنا في المحادثة، ويعود طلبك للدراسة مباشرة.
answer-data-responsibility = قبل إرسال الطلب تراجع بياناتك وتقرّ بصحتها، لأن مقدم الطلب مسؤول عن صحة ما يقدمه. وهذا نص الإقرار:
answer-data-responsibility-generic = قبل إرسال الطلب تراجع ملخص بياناتك وتقرّ بصحتها، ويُحفظ إقرارك مع وقته.
answer-privacy = بياناتك سرية: رقم الهوية والجوال محفوظان مشفّرين، ولا يطّلع عليها إلا الموظف المختص بطلبك. ولك بحسب نظام حماية البيانات الشخصية أن تطلب الاطلاع على بياناتك أو تصحيحها أو حذفها.
answer-talk-to-human = أكيد، إذا لم تتضح لك الإجراءات فسأحولك إلى { $role } ليجيب على أسئلتك ويوضح لك التفاصيل.
answer-talk-to-human-generic = أكيد، سأحولك إلى موظف من الجمعية ليجيب على أسئلتك ويوضح لك التفاصيل.
answer-complaint = نأسف لما واجهته 🙏 سأفتح لك شكوى وتصل مباشرة إلى الموظف المختص، وسيتواصل معك في أقرب وقت. اكتب تفاصيل ما حدث لو سمحت.
answer-feedback = رأيك يهمنا: تقييم الخدمة حق لك وأداة للتطوير لا للعقاب. تقدر تقيّم الخدمة من 1 إلى 5 وتكتب ملاحظتك أو اقتراحك هنا.
answer-volunteer = يسعدنا انضمامك لفريق متطوعي { $short } 🤝 التطوع من قنوات الجمعية المعتمدة؛ اترك بياناتك وسيتواصل معك المسؤول، أو تواصل معنا:
    📞 { $phone }
    🌐 { $website }
answer-volunteer-generic = شكراً لرغبتك في التطوع مع { $short } 🤝 تواصل معنا عبر: { $phone }
answer-donate = جزاك الله خيراً على رغبتك في دعم { $short } 💚
    طريقة التبرع: { $donation }

missing-phone = لم يُضف بعد (سيضيفه مسؤول الجمعية)
missing-whatsapp = لم يُضف بعد
missing-email = لم يُضف بعد
missing-website = لم يُضف بعد
missing-social = لم تُضف بعد
missing-address = لم يُضف العنوان بعد إلى بيانات الجمعية، وسيضيفه مسؤول الجمعية
missing-working_hours = لم تُحدَّد بعد في بيانات الجمعية، وسيضيفها مسؤول الجمعية
missing-donation = لم تُضف بيانات التبرع بعد؛ لا تحوّل أي مبلغ إلا عبر القنوات الرسمية للجمعية، وسيضيفها مسؤول الجمعية قريباً

field-phone = رقم الهاتف
field-whatsapp = رقم واتساب
field-email = البريد الإلكتروني
field-website = الموقع الإلكتروني
field-social = حسابات التواصل الاجتماعي
field-address = العنوان
field-working_hours = أوقات الدوام
field-donation = بيانات التبرع (الحساب أو الرابط)
field-services = الخدمات (أنواع الطلبات): اقترحها البناء لأن الدليل لا يسردها

build-error-binary = الملف ليس نصاً: أعطني دليلاً بصيغة نصية (txt أو md).
build-error-unreadable = تعذّر فهم الدليل: تعرّفت على { $found } من أقسامه فقط (أحتاج قسمين على الأقل مع اسم الجمعية). لم يُكتب أي ملف.
build-error-missing-file = الملف غير موجود: { $path }
build-note-no-period = لم أجد مدة دراسة الطلب في الدليل.
build-source-catalog = نص عام من الكتالوج
build-report-title = بُني ملف { $name } ({ $slug })
build-report-counts = القنوات: { $channels } · الأدوات: { $tools } · خطوات الإجراء: { $steps }
build-report-missing-intents = أسئلة بلا مصدر في الدليل (أجابها الكتالوج): { $intents }
build-report-admin = على مسؤول الجمعية أن يضيف في profile.yaml:
build-report-review = وأن يراجع في profile.yaml (ثم يحذفها من to_review):
build-report-written = كُتبت الملفات في: { $path }

cli-error-unknown-org = لا توجد جمعية بالمعرّف «{ $org }». المتاح: { $known }
cli-error-profile = تعذّر تحميل ملف الجمعية: { $detail }
cli-error-input = تعذّر قراءة المدخلات: { $detail }
cli-error-not-migrated = قاعدة البيانات ليست محدّثة: شغّل أولاً  python bot.py db upgrade
cli-error-job-intervals-entry = TAWASUL_JOB_INTERVALS: «{ $entry }» ليست على صيغة المهمة=الثواني (مثلاً surveys-send=60,cases-unclaimed=900)
cli-error-job-intervals-job = TAWASUL_JOB_INTERVALS: لا توجد مهمة باسم «{ $job }». المهام: { $known }
cli-error-job-intervals-seconds = TAWASUL_JOB_INTERVALS: مدة المهمة { $job } عدد صحيح من الثواني، 1 فأكثر، لا «{ $seconds }»
db-upgraded = قاعدة البيانات محدّثة ✅
