## The staff web inbox under /staff (bot/staff_web.py, handlers/staff_desk.py).

staffweb-title = Staff inbox — { $name }
staffweb-brand = Staff inbox
staffweb-nav-cases = Cases
staffweb-nav-requests = Requests
staffweb-nav-reports = Reports
staffweb-nav-label = Main navigation
staffweb-signed-in-as = { $name } ({ $role })
staffweb-role-researcher = researcher
staffweb-role-admin = admin
staffweb-logout = Sign out

## Sign-in
staffweb-login-title = Staff sign-in
staffweb-login-intro = Sign in with the username and password your admin set for you.
staffweb-username = Username
staffweb-password = Password
staffweb-login-submit = Sign in
staffweb-login-failed = Wrong username or password.
staffweb-login-throttled = Too many failed sign-ins. Try again in { $minutes ->
        [one] one minute
       *[other] { $minutes } minutes
    }.
staffweb-password-too-short = The password is too short; at least { $min ->
        [one] one character
       *[other] { $min } characters
    }.
staffweb-password-too-long = The password is longer than { $max ->
        [one] one character
       *[other] { $max } characters
    }.
staffweb-password-prompt = New password: 
staffweb-password-again = Again: 
staffweb-password-mismatch = The two do not match; nothing changed.
staffweb-password-set = Password set for { $username }. Sign in at /staff/login
staffweb-no-such-staff = No staff member has the username “{ $username }”.
staffweb-password-empty = No password arrived on standard input; nothing changed.

## Cases
staffweb-cases-title = Cases
staffweb-tab-open = Open
staffweb-tab-mine = Mine
staffweb-tab-unclaimed = Unclaimed
staffweb-tab-closed = Closed
staffweb-cases-empty = No cases here right now.
staffweb-case-number = Case { $case }
staffweb-case-status-open = waiting for staff
staffweb-case-status-claimed = claimed
staffweb-case-status-closed = closed
staffweb-waiting = waiting for { $time }
staffweb-answered = answered
staffweb-opened = opened { $time }
staffweb-closed-at = closed { $when }
staffweb-assignee = with { $name }
staffweb-unassigned = nobody has claimed it
staffweb-channel-web = website chat
staffweb-channel-telegram = Telegram
staffweb-channel-whatsapp = WhatsApp
staffweb-channel-terminal = terminal
staffweb-beneficiary = { $Person }
staffweb-channel = Channel
staffweb-reason = Reason
staffweb-transcript = Conversation
staffweb-author-beneficiary = { $Person }
staffweb-author-bot = Bot
staffweb-author-staff = Staff
staffweb-command-start = ▶️ Started the conversation
staffweb-command-menu = 🏠 Asked for the menu
staffweb-command-help = ❓ Asked for help
staffweb-command-cancel = ↩️ Asked to cancel
staffweb-command = Sent the command { $command }
staffweb-attachments-count = { $count ->
        [one] 📎 one attachment
       *[other] 📎 { $count } attachments
    }
staffweb-claim = Claim
staffweb-close = Close the case
staffweb-close-confirm = Closing hands the { $person } back to the bot and tells them so. Close it?
staffweb-reply-label = Your reply to the { $person }
staffweb-reply-placeholder = Type your reply; it reaches the { $person } on their channel…
staffweb-reply-send = Send reply
staffweb-reply-sent = Your reply was sent.
staffweb-case-closed-note = This case is closed; it can't be answered.
staffweb-beneficiary-requests = Requests from this { $person }
staffweb-no-requests = No requests from this { $person }.
staffweb-back-to-cases = ← All cases
staffweb-live = New messages appear on their own.
staffweb-minutes = { $n ->
        [0] less than a minute
        [one] one minute
       *[other] { $n } minutes
    }
staffweb-hours = { $n ->
        [one] one hour
       *[other] { $n } hours
    }
staffweb-days = { $n ->
        [one] one day
       *[other] { $n } days
    }
staffweb-group-reply = 💬 { $name } (from the web inbox): { $text }

## Identifiers typed in the conversation (shown masked)
staffweb-identifiers = Numbers typed in the conversation
staffweb-identifiers-note = National IDs and mobile numbers in the conversation are shown masked. Every reveal is recorded under your name in the audit log.
staffweb-reveal-identifiers = Show the masked numbers
staffweb-identifier-national_id = National ID / iqama
staffweb-identifier-phone = Mobile

## Requests
staffweb-requests-title = Requests
staffweb-filter-status = Status
staffweb-filter-type = Type
staffweb-filter-all = All
staffweb-filter-apply = Filter
staffweb-filter-reference = Request number
staffweb-filter-reference-hint = e.g. 2612-00001
staffweb-requests-empty = No requests match.
staffweb-reference = Reference
staffweb-type = Request type
staffweb-status = Status
staffweb-full-name = Full name
staffweb-national-id = National ID / iqama
staffweb-phone = Mobile
staffweb-city = City
staffweb-description = Description
staffweb-missing-info = Asked to complete
staffweb-declaration = Declaration
staffweb-declaration-value = Accepted the declaration on { $when } (wording no. { $number })
staffweb-submitted = Submitted
staffweb-updated = Last update
staffweb-decided = Decided
staffweb-reveal = Show ID and mobile
staffweb-reveal-note = Every reveal is recorded under your name in the audit log.
staffweb-revealed-note = Shown to you and recorded; do not copy them out of the system.
staffweb-attachments = Attachments
staffweb-no-attachments = No attachments.
staffweb-attachment-open = Open
staffweb-attachment-kind-photo = Photo
staffweb-attachment-kind-document = Document
staffweb-attachment-kind-audio = Audio
staffweb-attachment-kind-video = Video
staffweb-attachment-kind-other = File
staffweb-history = Status history
staffweb-history-line = { $from } → { $to } · { $actor } · { $when }
staffweb-history-first = Submitted · { $actor } · { $when }
staffweb-change-status = Change status
staffweb-new-status = New status
staffweb-note = Note (sent to the { $person })
staffweb-note-hint = For “needs information” name exactly what is missing, e.g. a copy of the ID and a recent medical report.
staffweb-status-submit = Save and tell the { $person }
staffweb-status-saved = Status saved; the { $person } was told.
staffweb-no-next-status = No change is possible after this status.
staffweb-back-to-requests = ← All requests
staffweb-unreadable = (unreadable)

## Reports
staffweb-reports-title = Reports
staffweb-reports-since = From
staffweb-reports-until = To
staffweb-reports-show = Show
staffweb-reports-csat = Average rating { $average } of 5 ({ report-answers })
staffweb-reports-decision = ⏱️ Median time to a decision
staffweb-reports-first-reply = 💬 Median time to the first reply on handed-over cases
staffweb-reports-export-requests = ⬇️ Export requests (CSV)
staffweb-reports-export-surveys = ⬇️ Export survey answers (CSV)

## Refusals
staffweb-error-title = That didn't work
staffweb-error-csrf = The form expired or did not come from this page. Go back, reload and try again.
staffweb-error-signed-out = Your session ended; sign in again.
staffweb-error-bad-form = Send the form from the staff page itself.
staffweb-error-too-large = The form is larger than allowed.
staffweb-error-unavailable = The service is starting; try again in a moment.
staffweb-error-not-found = No such page.
staffweb-error-no-case = There is no case { $case }.
staffweb-error-case-closed = Case { $case } is closed.
staffweb-error-empty-reply = Type the reply first.
staffweb-error-reply-too-long = The reply is too long; at most { $max ->
        [one] one character
       *[other] { $max } characters
    }.
staffweb-error-note-too-long = The note is too long; at most { $max ->
        [one] one character
       *[other] { $max } characters
    }.
staffweb-error-needs-note = Nothing was saved: write in the note exactly what the request is missing, then save "Needs information" again.
staffweb-error-no-request = There is no request { $reference }.
staffweb-error-no-attachment = The request has no such attachment.
staffweb-error-attachment-unavailable = The file can't be fetched from its channel right now.
staffweb-error-reveal-forbidden = Only admins may show the national ID and mobile. Ask an admin if you need them.
staffweb-back = Back
