## The FAQ that learns: `bot.py faq unanswered | teach | add-entry | reject | export` and the
## refusals of handlers/faq_learning.py (also shown by the staff pages).

teach-error-unknown-intent = The FAQ has no entry "{ $intent }". List them with bot.py faq match, or add it with bot.py faq add-entry.
teach-error-invalid-intent = "{ $intent }" is not a valid entry id: lower-case Latin letters, digits and underscores, starting with a letter (like working_hours).
teach-error-duplicate-intent = The entry "{ $intent }" exists already: edit its answer, or add a phrasing with bot.py faq teach.
teach-error-empty-question = The question is empty: write it as one of { $people } would.
teach-error-only-identifier = The question holds only an ID or a mobile number; nobody's number is kept in the FAQ.
teach-error-empty-answer = The answer is empty: write the answer { $person } reads.
teach-error-no-questions = A new entry needs at least one --question.
teach-error-unknown-group = That group is no longer among the unanswered questions (handled, or changed); refresh the list.
teach-error-unknown-edit = There is no edit number { $edit }.
teach-error-already-reverted = Edit number { $edit } was reverted already.
teach-error-revert-revert = Edit number { $edit } reverts another one; to bring that back, make the edit again.

teach-done-phrasing = Phrasing added to "{ $intent }" (FAQ version { $version }).
teach-done-entry = Entry "{ $intent }" added ({ $count ->
        [one] one question
       *[other] { $count } questions
    }) (FAQ version { $version }).
teach-done-negative = Question marked out of the FAQ's scope (FAQ version { $version }).
teach-done-export = The FAQ's edits were written to { $path } ({ $count ->
        [zero] no edits
        [one] one edit
       *[other] { $count } edits
    }).
teach-unanswered-none = No unanswered questions now.
teach-unanswered-group = { $count ->
        [one] one question
       *[other] { $count } questions
    } — group { $group }
teach-unanswered-candidates = Likely entries: { $candidates }
