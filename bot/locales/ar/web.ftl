## The website chat: page texts and the API's error messages (shown to the visitor).

web-title = محادثة { $name }
web-embed-open = 💬 تواصل معنا
web-embed-close = إغلاق المحادثة
web-subtitle = نسعد بخدمتك، اكتب سؤالك أو اختر من الأزرار
web-placeholder = اكتب رسالتك هنا…
web-input-label = نص الرسالة
web-send = إرسال
web-typing = يكتب الآن…
web-from-bot = المساعد
web-from-me = أنت
web-error-send = تعذّر الإرسال، حاول مرة أخرى
web-error-load = تعذّر تحميل المحادثة، حدّث الصفحة وحاول مرة أخرى
web-retry = إعادة المحاولة
web-noscript = تحتاج هذه الصفحة إلى تفعيل JavaScript في متصفحك لتعمل المحادثة.

web-error-unauthorized = تعذّر التعرّف على جلستك؛ حدّث الصفحة ثم أعد المحاولة.
web-error-bad-request = الطلب غير صالح؛ أرسل نص رسالة أو اضغط أحد الأزرار.
web-error-too-long = رسالتك طويلة جداً؛ الحد الأقصى { $limit } حرف.
web-error-too-large = حجم الطلب أكبر من المسموح به.
web-error-unsupported-type = أرسل الطلب بصيغة JSON.
web-error-not-found = الصفحة المطلوبة غير موجودة.
web-error-method = هذه العملية غير مسموحة على هذا العنوان.
web-error-internal = حدث خطأ من جهتنا؛ حاول مرة أخرى بعد قليل.
