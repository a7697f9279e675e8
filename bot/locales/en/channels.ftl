# WhatsApp's webhook, its outages and its 24-hour window, as staff and Meta see them.
wa-webhook-unsigned = The request is not signed (no X-Hub-Signature-256 header).
wa-webhook-forbidden = The request's signature is wrong.
wa-webhook-too-large = The request is larger than allowed.
wa-webhook-not-ready = The service is starting; try again shortly.
wa-verify-forbidden = Wrong verify token.
wa-auth-failed = ⚠️ Sending on WhatsApp has stopped: Meta refused the access token ({ $reason }). Messages are kept and go out once the token (WHATSAPP_ACCESS_TOKEN) is renewed and the bot restarted.
wa-window-closed = ⏳ More than 24 hours have passed since the { $person }'s last WhatsApp message, so your reply can't reach them directly: an approved template invites them to open the conversation, and your reply follows when they do.
wa-window-closed-page = ⏳ More than 24 hours have passed since the { $person }'s last WhatsApp message, so a reply can't reach them directly: an approved template invites them to open the conversation, and your reply follows when they do.
# A message's ticks in the staff inbox (WhatsApp's statuses), and what each says.
staffweb-delivery-mark-sent = ✓
staffweb-delivery-mark-delivered = ✓✓
staffweb-delivery-mark-read = ✓✓
staffweb-delivery-mark-failed = ⚠
staffweb-delivery-mark-held = ⏳
staffweb-delivery-sent = sent
staffweb-delivery-delivered = delivered
staffweb-delivery-read = read
staffweb-delivery-failed = could not be delivered
staffweb-delivery-held = waiting for the { $person } (outside the 24-hour window; a template went)
