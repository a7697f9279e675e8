# WhatsApp's webhook, its outages and its 24-hour window, as staff and Meta see them.
wa-webhook-unsigned = الطلب غير موقَّع (ترويسة X-Hub-Signature-256 مفقودة).
wa-webhook-forbidden = توقيع الطلب غير صحيح.
wa-webhook-too-large = حجم الطلب أكبر من المسموح به.
wa-webhook-not-ready = الخدمة تبدأ الآن، أعد المحاولة بعد قليل.
wa-verify-forbidden = رمز التحقق غير صحيح.
wa-auth-failed = ⚠️ توقّف الإرسال عبر واتساب: رفضت Meta رمز الوصول ({ $reason }). الرسائل محفوظة وسترسَل حين يُحدَّث الرمز (WHATSAPP_ACCESS_TOKEN) ويُعاد تشغيل البوت.
wa-window-closed = ⏳ مضى أكثر من 24 ساعة على آخر رسالة من { $person } على واتساب، فلا يصله ردّك مباشرة: أُرسل إليه قالب معتمد يدعوه إلى فتح المحادثة، وسيصله ردّك حين يتجاوب.
wa-window-closed-page = ⏳ مضى أكثر من 24 ساعة على آخر رسالة من { $person } على واتساب، فلن يصله ردّك مباشرة: يُرسَل إليه قالب معتمد يدعوه إلى فتح المحادثة، ثم يصله ردّك حين يتجاوب.
# A message's ticks in the staff inbox (WhatsApp's statuses), and what each says.
staffweb-delivery-mark-sent = ✓
staffweb-delivery-mark-delivered = ✓✓
staffweb-delivery-mark-read = ✓✓
staffweb-delivery-mark-failed = ⚠
staffweb-delivery-mark-held = ⏳
staffweb-delivery-sent = أُرسلت
staffweb-delivery-delivered = وصلت
staffweb-delivery-read = قُرئت
staffweb-delivery-failed = تعذّر تسليمها
staffweb-delivery-held = بانتظار رد { $person } (خارج نافذة الـ24 ساعة، أُرسل قالب)
