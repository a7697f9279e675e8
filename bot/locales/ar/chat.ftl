## The terminal chat and shared conversation texts.

intent-greeting = تحية
intent-thanks = شكر
intent-about = عن الجمعية
intent-services = الخدمات
intent-channels = طرق التواصل
intent-location = العنوان والفروع
intent-working_hours = أوقات الدوام
intent-how_to_apply = تقديم طلب
intent-required_documents = المستندات المطلوبة
intent-eligibility = من يحق له الاستفادة
intent-review_period = مدة دراسة الطلب
intent-request_status = متابعة طلبي
intent-complete_request = استكمال طلبي
intent-data_responsibility = الإقرار بصحة البيانات
intent-privacy = سرية بياناتي
intent-rights = حقوق { $person } وواجباته
intent-talk_to_human = التحدث مع موظف
intent-complaint = تقديم شكوى
intent-feedback = تقييم الخدمة
intent-volunteer = التطوع
intent-donate = التبرع

chat-menu-words = القائمة, القائمة الرئيسية, قائمة, /start, /menu, /help, menu, start
menu-ask = اسأل سؤالاً
menu-apply = تقديم طلب
menu-follow = متابعة طلبي
menu-human = التحدث مع { $role }
menu-rate = تقييم الخدمة
menu-ask-hint = تفضل، اكتب سؤالك بأسلوبك وأنا أجاوبك 😊

chat-clarify = ما فهمت قصدك بالضبط 🤔 هل تقصد أحد هذه؟
chat-none-of-these = لا شيء مما سبق
chat-handover = المعذرة، ما قدرت أجاوب على سؤالك بثقة. تقدر تعيد صياغته بكلمات أخرى، أو أحولك لموظف من { $short }.
chat-out-of-scope-hint = أنا مساعد { $short } وأجاوب عن خدمات الجمعية وطلبات الدعم.
chat-helpful = 👍 مفيد
chat-not-helpful = 👎 غير مفيد
chat-thanks-feedback = شكراً لتقييمك 🌷
chat-sorry-not-helpful = آسف أن الإجابة لم تفدك 🙏 تحب أحولك لموظف يساعدك؟
chat-too-long = رسالتك طويلة جداً؛ اختصرها لو سمحت في سؤال واحد (حتى { $limit } حرف).
chat-welcome = مرحباً بك في محادثة { $short } 🌿 اكتب سؤالك، أو اكتب «القائمة».
chat-bye = مع السلامة 🌷

chat-help = أنا مساعد { $short } 🤖 أجيبك عن خدمات الجمعية وطريقة التقديم ومدة دراسة الطلب، وأحولك لموظف متى احتجت.
    اكتب سؤالك بأسلوبك، أو اختر من القائمة. اكتب «القائمة» لتعود إليها في أي وقت، و«إلغاء» لتلغي الخطوة الحالية.
chat-nothing-to-cancel = لا يوجد شيء لإلغائه الآن. هذه القائمة:
case-opened-request = حوّلت محادثتك إلى فريق الجمعية ✅
case-opened-complaint = سجّلت شكواك وحوّلتها إلى المسؤول ✅ اكتب تفاصيل ما حدث هنا.
case-opened-unanswered = يبدو أني لم أفهم سؤالك جيداً 🙏 حوّلت محادثتك إلى فريق الجمعية ليساعدك.
case-opened-not_helpful = آسف أن إجابتي لم تفدك 🙏 حوّلت محادثتك إلى فريق الجمعية.
case-opened-media = وصلني ملفك 📎 ولا أستطيع قراءته بنفسي، فحوّلته إلى فريق الجمعية.
case-when-unknown = سيرد عليك { $role } هنا في أقرب وقت ممكن.
case-when-open = سيرد عليك { $role } هنا خلال وقت قصير.
case-when-later = نحن الآن خارج أوقات الدوام؛ سيرد عليك { $role } هنا ابتداءً من يوم { $day } الساعة { $time }.
case-waiting = وصلت رسالتك إلى { $role } وسيرد عليك هنا. لإنهاء المحادثة مع الموظف والعودة إلى القائمة اضغط «إنهاء المحادثة» أو اكتب «إنهاء».
case-closed-by-you = أنهيت المحادثة مع الموظف. نحن في خدمتك دائماً 🌷

## Ways on from every state: the menu button, greetings, small talk, the end of a handover.

nav-menu = 🏠 القائمة
chat-greeting = أهلاً وسهلاً بك في { $name } 🌿
    كيف أقدر أخدمك اليوم؟ اكتب سؤالك بأسلوبك، أو اختر من القائمة.
# A greeting containing this word is a salam, answered with «وعليكم السلام».
chat-salam-word = سلام
chat-greeting-words = هلا, هلا والله, هلا وغلا, اهلا, أهلاً, اهلين, مرحبا, مرحباً, مرحبتين, يا هلا, صباح الخير, مساء الخير, hi, hello, hey
chat-small-talk-words = تمام, اوك, اوكي, طيب, زين, حلو, ممتاز, ابشر, ok, okay, fine
chat-small-talk = 🌷 في خدمتك دائماً. إذا احتجت شيئاً فاكتب سؤالك، أو اختر من القائمة.
# Words that show a message is a question or a request, not a value typed in the form.
chat-question-words = كيف, كم, متى, وين, فين, اين, أين, ايش, إيش, وش, شو, هل, ماذا, لماذا, ليش, ليه, مين, ابي, أبي, ابغى, أبغى, ابغي, اريد, أريد, ودي, بغيت, ممكن, what, how, when, where, why, who, want
case-end = إنهاء المحادثة
case-end-words = إلغاء, الغاء, إنهاء, انهاء, انهاء المحادثة, إنهاء المحادثة, انهي المحادثة, أنهي المحادثة, ابي انهي المحادثة, ابغى انهي المحادثة, ابي ارجع للقائمة, ابغى ارجع للقائمة, ارجع للقائمة, رجوع للقائمة, cancel, menu, end
