staff-unnamed = { $a-person }
staff-card = 🆕 حالة رقم { $case } — { $reason }
    👤 { $who }
staff-who-web = زائر الموقع { $number }
staff-who-web-named = { $name } · زائر الموقع { $number }
staff-who-telegram = مستخدم تيليجرام { $number }
staff-who-telegram-named = { $name } · مستخدم تيليجرام
staff-who-whatsapp = مستخدم واتساب { $number }
staff-who-whatsapp-named = { $name } · مستخدم واتساب
staff-who-terminal = مستخدم الطرفية { $number }
staff-who-terminal-named = { $name } · مستخدم الطرفية
staff-who-other = محادثة رقم { $number }
staff-who-other-named = { $name }
staff-card-request = 📄 طلب { $reference } — { $type } — { $status }
staff-card-transcript = — آخر الرسائل —
staff-claim = ✋ استلام الحالة
staff-close = ✅ إغلاق الحالة
staff-topic = حالة { $case } — { $who }
staff-reason-request = طلب التحدث مع موظف
staff-reason-complaint = شكوى
staff-reason-unanswered = أسئلة لم يجب عنها البوت
staff-reason-not_helpful = إجابة غير مفيدة
staff-reason-media = ملف لا يقرؤه البوت
staff-from-beneficiary = 👤 { $who }: { $text }
staff-attachments = { $count ->
        [one] 📎 مرفق واحد
        [two] 📎 مرفقان
        [few] 📎 { $count } مرفقات
        [many] 📎 { $count } مرفقاً
       *[other] 📎 { $count } مرفق
    }
staff-says = { $name } من فريق الجمعية:
    { $text }
staff-claimed = ✋ الحالة { $case } مع { $name }.
staff-closed = ✅ أغلق { $name } الحالة { $case }.
staff-case-closed-already = الحالة { $case } مغلقة.
staff-linked = تم ربط حسابك في تيليجرام باسم { $name } ✅
staff-link-bad = رمز الربط غير صحيح أو مستخدم.
case-closed-by-staff = أنهى فريق الجمعية المحادثة، شكراً لتواصلك معنا 🌷 نحن في خدمتك متى احتجت.
staff-added = أُضيف { $name }. للربط بتيليجرام يرسل في مجموعة الموظفين: /link { $code }
staff-list-line = { $username } — { $name } · { $role } · { $state } · الويب: { $web } · تيليجرام: { $telegram }
staff-list-active = نشط
staff-list-inactive = موقوف
staff-list-web-yes = له كلمة مرور
staff-list-web-no = بلا كلمة مرور
staff-list-tg-yes = مربوط
staff-list-tg-no = غير مربوط
staff-deactivated = أُوقف حساب «{ $username }» وانتهت جلساته كلها.
staff-already-inactive = حساب «{ $username }» موقوف من قبل؛ لم يتغير شيء.
staff-exists = يوجد موظف باسم المستخدم «{ $username }».
