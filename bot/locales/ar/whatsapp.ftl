## WhatsApp (bot/channels/whatsapp/): what the adapter adds where WhatsApp differs from the
## other channels. Meta's limits: a list's button ≤ 20 characters, a row's title ≤ 24.

# A list's button, and the text of options that came without one.
wa-choose = اختر
# The last row of a list longer than ten: the next options.
wa-more = المزيد
# WhatsApp has no button that shares a person's number: what to do instead.
wa-contact-hint = يمكنك كتابة رقم جوالك، أو مشاركة جهة اتصالك من زر المشبك 📎
# A location the person shared, as the conversation and staff read it (the coordinates
# "24.7136, 46.6753", isolated left to right).
wa-location = 📍 الموقع: { $place } ({ $coordinates })
wa-location-bare = 📍 الموقع: ({ $coordinates })
