# bot.py privacy export / privacy erase / keys rotate (bot/cli/privacy.py, bot/cli/keys.py)
privacy-cli-nobody = لا يوجد { $a-person } يطابق { $who }: لا طلب بهذا المرجع ولا رقم هوية مسجّل بهذا الرقم.
privacy-cli-need-yes = لم يُحذف شيء: الحذف نهائي لا رجعة فيه. أعد الأمر مع ‎--yes‎ إن كنت متأكدًا.
privacy-cli-open = لم يُحذف شيء: لدى { $person } { $count ->
        [one] أمر لم يُغلق بعد
        [two] أمران لم يُغلقا بعد
        [few] أمور لم تُغلق بعد
        [many] أمرًا لم يُغلق بعد
       *[other] أمر لم يُغلق بعد
    }: { $open }. إن قرّر الموظفون الحذف رغم ذلك فأعد الأمر مع ‎--force-open‎.
privacy-cli-erased = 🗑 أُتلفت بيانات { $person } رقم { $id } (السبب: { $reason }):
privacy-cli-erased-keys = مفاتيح البيانات المُتلفة (الهوية والجوال لم تعد تُقرأ في أي نسخة): { $count }
privacy-cli-erased-messages = رسائل المحادثة التي مُحيت نصوصها: { $count }
privacy-cli-erased-outbox = رسائل الصادر التي مُحيت: { $count }
privacy-cli-erased-requests = الطلبات التي مُحيت حقولها (الاسم والوصف والهوية والجوال): { $count }
privacy-cli-erased-notes = ملاحظات سجل الطلبات التي مُحيت: { $count }
privacy-cli-erased-attachments = المرفقات التي مُحي اسمها ومعرّفها: { $count }
privacy-cli-erased-surveys = تعليقات الاستبيانات التي مُحيت: { $count }
privacy-cli-erased-files = الملفات المحذوفة من القرص: { $count }
privacy-cli-erased-forced = حُذفت رغم أنها مفتوحة: { $open }
privacy-cli-erased-kept = بقي للتقارير: حالات الطلبات وتواريخها وأنواعها والمدن وتقييمات الاستبيانات.
privacy-cli-already = بيانات { $person } رقم { $id } أُتلفت من قبل؛ لم يتغيّر شيء.
keys-rotate-same = المفتاح الجديد هو المفتاح الحالي نفسه: لم يتغيّر شيء.
keys-rotated = 🔑 أُعيد تغليف { $count } من مفاتيح البيانات بالمفتاح الرئيسي الجديد؛ البيانات نفسها لم يُعد تشفيرها.
keys-rotated-file = المفتاح الجديد في { $path }، والقديم لم يعد يفتح شيئًا. احفظ نسخة من الجديد بعيدًا عن النسخ الاحتياطية.
keys-rotated-env = ضع المفتاح الجديد في TAWASUL_ENCRYPTION_KEY لكل عمليات البوت ثم أعد تشغيلها؛ المفتاح القديم لم يعد يفتح شيئًا.
keys-rotate-failed = تعذّر تدوير المفتاح: { $detail }
