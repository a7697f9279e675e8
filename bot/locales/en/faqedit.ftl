## The FAQ editor on the staff web (bot/staff_web/faq.py, faq_unanswered.py, faq_views.py).

staffweb-role-faq_editor = FAQ editor
faqedit-nav-faq = FAQ
faqedit-nav-unanswered = Unanswered
faqedit-error-role = This page is not part of your role. Ask an admin if you need it.
faqedit-error-unavailable = The FAQ editor is not enabled on this server.

## The entries
faqedit-title = FAQ
faqedit-intro = Every answer here reaches the { $people } as the preview shows it. Pick a question to edit its answer.
faqedit-col-entry = Question
faqedit-col-answer = Answer
faqedit-col-source = From the guide
faqedit-phrasings = { $count ->
        [0] no own phrasings
        [one] one own phrasing
       *[other] { $count } own phrasings
    }
faqedit-edit = Edit
faqedit-edited = edited here
faqedit-from-catalog = from the catalog
faqedit-unanswered-waiting = { $count ->
        [0] No questions waiting for an answer
        [one] One group of questions waiting for an answer
       *[other] { $count } groups of questions waiting for an answer
    }
faqedit-back = ← All FAQ entries

## One entry
faqedit-entry-title = Edit the answer: { $label }
faqedit-answer-label = Answer
faqedit-placeholders = These are filled from the association's profile, or with "not added yet":
faqedit-preview = Preview, as the { $person } reads it
faqedit-preview-note = The preview follows your typing.
faqedit-save = Save the answer
faqedit-saved = Answer saved. The bot answers with it within seconds, without a restart.
faqedit-guide = From the guide
faqedit-guide-none = This answer did not come from a section of the guide (the catalog or staff wrote it).
faqedit-guide-missing = The guide's text has no section titled "{ $title }".
faqedit-history = Edit history
faqedit-history-empty = No edits yet.
faqedit-history-by = { $who } — { $when }
faqedit-revert = Revert
faqedit-revert-confirm = Reverting restores what was there before this edit. Revert it?
faqedit-reverted = The edit was reverted.
faqedit-kind-phrasing = Phrasings added
faqedit-kind-entry = New entry
faqedit-kind-answer = Answer edited
faqedit-kind-negative = Out of scope
faqedit-kind-revert = Revert
faqedit-history-reverted = (reverted)
faqedit-error-empty-answer = Nothing was saved: the answer is empty. Type the answer, then save.
faqedit-error-answer-too-long = Nothing was saved: the answer is too long; at most { $max ->
        [one] one character
       *[other] { $max } characters
    }.
faqedit-error-unknown-intent = There is no FAQ entry with the id "{ $intent }".

## "How would the bot answer this?"
faqedit-ask-title = How would the bot answer this?
faqedit-ask-label = Type a question as a { $person } would
faqedit-ask-submit = Try it
faqedit-ask-decision = Decision
faqedit-ask-score = Confidence
faqedit-ask-intent = FAQ entry
faqedit-ask-candidates = Closest
faqedit-ask-answer = The answer sent
faqedit-ask-none = none
faqedit-ask-empty = Type a question first.
faqedit-decision-answer = Answers directly
faqedit-decision-clarify = Offers choices to pick from
faqedit-decision-handover = Hands over to a person

## Unanswered questions
faqedit-unanswered-title = Questions the bot could not answer
faqedit-unanswered-intro = The { $people }'s questions that ended in choices, a handover to a person or a thumbs-down, grouped by similarity, the biggest first. National IDs and phone numbers are masked.
faqedit-unanswered-empty = No questions waiting now.
faqedit-group-count = { $count ->
        [one] one question
       *[other] { $count } questions
    }
faqedit-group-examples = Examples of what the { $people } wrote
faqedit-group-candidates = The bot thought it was:
faqedit-group-picked = Then the { $people } pressed:
faqedit-assign = Add it to an existing entry
faqedit-assign-choose = Choose the entry…
faqedit-assign-submit = Add
faqedit-create = Create a new entry
faqedit-create-id = Id (lower-case Latin letters, e.g. eligibility)
faqedit-create-questions = Phrasings (one per line)
faqedit-create-answer = Answer
faqedit-create-submit = Create the entry
faqedit-reject = Outside the association's scope
faqedit-reject-note = The bot hands such questions to a person and does not guess.
faqedit-done-assign = The group was added to "{ $label }"; the bot answers with it within seconds.
faqedit-done-create = The entry "{ $label }" was created; the bot answers with it within seconds.
faqedit-done-reject = The group was marked out of scope.
faqedit-error-bad-id = Nothing was created: the id starts with a lower-case Latin letter, followed by lower-case letters, digits or _ (at most { $max } characters).
faqedit-error-id-taken = Nothing was created: the id "{ $intent }" is taken. Choose another, or add the group to it.
faqedit-error-no-questions = Nothing was created: type at least one phrasing.
faqedit-error-choose-entry = Nothing was added: choose the entry to add the group to.
