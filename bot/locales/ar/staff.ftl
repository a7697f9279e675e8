staff-unnamed = { $a-person }
staff-card = 🆕 حالة رقم { $case } — { $reason }
    👤 { $who } · { $channel } · { $chat }
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
staff-attachments = 📎 مرفقات: { $count }
staff-says = { $name } من فريق الجمعية:
    { $text }
staff-claimed = ✋ الحالة { $case } مع { $name }.
staff-closed = ✅ أغلق { $name } الحالة { $case }.
staff-case-closed-already = الحالة { $case } مغلقة.
staff-linked = تم ربط حسابك في تيليجرام باسم { $name } ✅
staff-link-bad = رمز الربط غير صحيح أو مستخدم.
case-closed-by-staff = أنهى فريق الجمعية المحادثة، شكراً لتواصلك معنا 🌷 نحن في خدمتك متى احتجت.
staff-added = أُضيف { $name }. للربط بتيليجرام يرسل في مجموعة الموظفين: /link { $code }
staff-exists = يوجد موظف باسم المستخدم «{ $username }».
