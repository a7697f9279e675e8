staff-unnamed = { $a-person }
staff-card = 🆕 Case { $case } — { $reason }
    👤 { $who }
staff-who-web = Website visitor { $number }
staff-who-web-named = { $name } · website visitor { $number }
staff-who-telegram = Telegram user { $number }
staff-who-telegram-named = { $name } · Telegram user
staff-who-whatsapp = WhatsApp user { $number }
staff-who-whatsapp-named = { $name } · WhatsApp user
staff-who-terminal = Terminal user { $number }
staff-who-terminal-named = { $name } · terminal user
staff-who-other = Conversation { $number }
staff-who-other-named = { $name }
staff-card-request = 📄 Request { $reference } — { $type } — { $status }
staff-card-transcript = — latest messages —
staff-claim = ✋ Claim
staff-close = ✅ Close
staff-topic = Case { $case } — { $who }
staff-reason-request = asked for a person
staff-reason-complaint = complaint
staff-reason-unanswered = questions the bot could not answer
staff-reason-not_helpful = an answer that did not help
staff-reason-media = a file the bot can't read
staff-from-beneficiary = 👤 { $who }: { $text }
staff-attachments = { $count ->
        [one] 📎 one attachment
       *[other] 📎 { $count } attachments
    }
staff-says = { $name } from the association's team:
    { $text }
staff-claimed = ✋ Case { $case } is with { $name }.
staff-closed = ✅ { $name } closed case { $case }.
staff-case-closed-already = Case { $case } is closed.
staff-linked = Your Telegram account is linked as { $name } ✅
staff-link-bad = The link code is wrong or already used.
case-closed-by-staff = The association's team has ended the conversation; thank you for reaching out 🌷 We are here whenever you need us.
staff-added = Added { $name }. To link Telegram, they send in the staff group: /link { $code }
staff-list-line = { $username } — { $name } · { $role } · { $state } · web: { $web } · Telegram: { $telegram }
staff-list-active = active
staff-list-inactive = deactivated
staff-list-web-yes = has a password
staff-list-web-no = no password
staff-list-tg-yes = linked
staff-list-tg-no = not linked
staff-deactivated = The account “{ $username }” is deactivated and all its sessions have ended.
staff-already-inactive = The account “{ $username }” was already deactivated; nothing changed.
staff-exists = A staff member with the username "{ $username }" already exists.
