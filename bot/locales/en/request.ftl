form-words-back = back, previous, رجوع
form-words-cancel = cancel, cancel it, i want to cancel, إلغاء
form-words-pause = later, continue later, i will continue later, finish later, اكمل بعدين
form-paused = Your { $form } is saved as it is ✅ You can finish it whenever you like: choose "File a request" from the menu or type "I want to apply", and carry on where you stopped.
form-words-done = done, finished, none, تم
form-words-continue = continue, متابعة
form-words-restart = restart, start over

form-intro = Welcome 🌿 I will help you file a { $form } step by step. Type "back" or "cancel" at any step.
form-ask-name = 1️⃣ Your full name in Arabic letters (at least first and family name).
form-ask-national_id = 2️⃣ Your national ID or iqama number (10 digits).
form-ask-phone = 3️⃣ Your Saudi mobile number (e.g. 0501234567), or share it with the button if you see one.
form-ask-city = 4️⃣ Which city do you live in? Choose a button or type its name.
form-ask-type = 5️⃣ What kind of request is it? Choose one:
form-ask-description = 6️⃣ Describe your situation and request briefly (at least 10 characters).
form-ask-attachments = 7️⃣ Attach supporting documents if you have any (ID copy, medical report…), as photos or files. Press "Done" when finished, or right away if you have none.
form-attachments-hint = Send attachments as photos or files, or press "Done" to continue.
form-attachment-received = Attachment received ✅ (total: { $count }). Send another or press "Done".
form-attachment-not-now = Attachments come at a later step; please finish this one first.
form-error-file-too-big = The file is larger than allowed ({ $mb } MB); please send a smaller copy.
form-error-too-many = That is the maximum ({ $max } attachments). Press "Done" to continue.
form-error-type = Please choose the request type from the buttons or type the option's number.
form-duplicate = You already have an open request of this type ({ $type }): number { $reference }, status "{ $status }", filed on { $date }. Two open requests of the same type are not possible; choose another type or follow your current request.
form-duplicate-late = You already have an open request of this type, number { $reference }, so I did not file a duplicate.
form-summary = 📋 Summary of your { $form }:
    • Name: { $name }
    • National ID / iqama: { $national_id }
    • Mobile: { $phone }
    • City: { $city }
    • Request type: { $type }
    • Description: { $description }
    • Attachments: { $files }
    Is everything correct?
form-confirm = ✅ Correct
form-edit = ✏️ Edit a field
form-which-field = Which field do you want to edit?
form-field-name = Name
form-field-national_id = National ID
form-field-phone = Mobile
form-field-city = City
form-field-type = Request type
form-field-description = Description
form-field-attachments = Attachments
form-declaration = 📝 Declaration:
    "{ $text }"
form-accept = I confirm and agree
form-refuse = I do not agree
form-declaration-refused = The request cannot be filed without the declaration, since the association relies on this information and the applicant is responsible for it. Your request is kept as it is; you can confirm now or later, or edit your details first.
form-submitted = ✅ Your { $form } has been filed.
    Reference number: { $reference }
    Filed on: { $date }
    Keep it to follow your request. It goes to the research committee, and you will get an answer { $period }; every update will reach you here. If anything is missing we will ask you here.
form-cancelled = Your { $form } was cancelled and nothing was kept. You can start again at any time.
form-back = ⬅️ Back
form-cancel = ✖️ Cancel
form-done = ✔️ Done
form-first-step = This is the first step.
form-resume = You have an unfinished { $form }. Continue where you stopped, or start over?
form-continue = Continue
form-restart = Start over
form-expired = Your unfinished request expired after { $days } days and was removed. You can start a new one at any time.

status-submitted = Submitted
status-under_review = Under review
status-needs_info = Needs information
status-accepted = Accepted
status-rejected = Rejected
status-service_delivered = Service delivered
status-closed = Closed
status-next-submitted = It will go to the research committee.
status-next-under_review = The committee is studying it; you will hear the result here.
status-next-needs_info = Please complete what is missing so it goes back to review.
status-next-accepted = The association's team will contact you to deliver the service.
status-next-rejected = You can contact the association to ask about the reason.
status-next-service_delivered = We would value your rating of the service.
status-next-closed = Nothing more is pending on this request.
request-line = 📄 Request { $reference } — { $type }
    Status: { $status }
    Filed: { $submitted }
    Last update: { $updated }
    Next: { $next }
request-missing = Needed from you: { $missing }
requests-none = You have not filed any requests yet. Would you like to file one?
requests-title = { $count ->
        [one] You have one request:
       *[other] Your requests ({ $count }):
    }
requests-complete = Complete request { $reference }
requests-nothing-to-complete = No request needs completing right now.
complete-prompt = Your request { $reference } needs: { $missing }
    Send the missing document here (photo or file), or write the information asked for or your answer in a message (such as "I will bring it to the office"), or choose the detail you want to correct.
complete-missing-unstated = Not specified; a staff member will contact you.
complete-cancelled = All right, nothing changed in your request.
complete-done = Thank you ✅ We received it, and your request { $reference } is back under review ({ $date }).

form-default-declaration = I declare that all the information provided is correct and I take full responsibility for it.

status-message = 📢 Update on your request { $reference }: its status is now "{ $status }" ({ $date }).
    { $next }
status-message-note = The association's note: { $note }
status-error-unknown = Unknown status "{ $status }". Statuses: { $known }
status-error-needs-note = "Needs information" requires a note saying what is missing (--note).
status-error-no-request = No request with the number { $reference }.
status-error-transition = A request cannot move from "{ $current }" to "{ $wanted }".
status-changed = Request { $reference }: "{ $from }" → "{ $to }"{ $notified ->
        [yes] , and the { $person } was told.
       *[no] .
    }

form-contact-not-yours = That is someone else's number 🙂 Type your own, or share your own.
tg-share-phone = 📱 Share my number
tg-command-start = Start and welcome
tg-command-menu = Main menu
tg-command-help = Help
tg-command-cancel = Cancel the current step
tg-webhook-forbidden = Wrong secret token.
tg-webhook-too-large = The update is larger than allowed.
tg-webhook-bad-update = Not a valid update.
