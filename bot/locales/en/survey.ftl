## The satisfaction survey (handlers/surveys.py) and the scheduled jobs (scheduler/jobs.py)

survey-question-request = 🌟 We value your opinion: how satisfied are you with the service for your request { $reference }?
    Choose from 1 (not at all satisfied) to 5 (very satisfied), or type the number.
survey-question-case = 🌟 We value your opinion: how satisfied are you with your last conversation with the association's team?
    Choose from 1 (not at all satisfied) to 5 (very satisfied), or type the number.
survey-reminder = A gentle reminder: we have not received your rating yet, and it helps us improve.
survey-rating-1 = 1 😞 Not at all satisfied
survey-rating-2 = 2 🙁 Not satisfied
survey-rating-3 = 3 😐 Neutral
survey-rating-4 = 4 🙂 Satisfied
survey-rating-5 = 5 😍 Very satisfied
survey-thanks = Thank you, your rating is recorded ✅
survey-comment-offer = Would you like to add a comment? Write it in one message, or press "Skip".
survey-skip = Skip
survey-comment-thanks = Thank you, your comment reached the association 🌷
survey-comment-skipped = Thank you 🌷
survey-already = Your rating was already recorded, thank you. No need to rate again.
survey-closed = This survey has closed, thank you for your interest. You are welcome to contact us any time.

# "Rate the service" from the menu, with nothing waiting to be rated: general feedback.
feedback-general-ask = We are glad to hear from you 🌷 You have no completed service or finished conversation to rate right now, so write your opinion or suggestion about the association and its services in one message, or rate your experience by typing a number from 1 to 5.
feedback-general-thanks = Thank you 🌷 Your opinion reached the association's team as general feedback, and we will use it to improve our services.

job-still-under-review = ⏳ Your request { $reference } has been "{ $status }" since { $since }, and it has not been forgotten. We will tell you here as soon as there is a decision.
    Date: { $date }
job-review-overdue = ⚠️ Request { $reference } ({ $type }) is past its review period ({ $days } days): filed { $submitted }, status "{ $status }".
job-case-unclaimed = 🔔 Case #{ $case } ({ $reason }) has waited { $hours } hours and nobody has claimed it.
