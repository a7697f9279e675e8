intent-greeting = Greeting
intent-thanks = Thanks
intent-about = About us
intent-services = Services
intent-channels = How to reach us
intent-location = Address and branches
intent-working_hours = Working hours
intent-how_to_apply = File a request
intent-required_documents = Required documents
intent-eligibility = Who can benefit
intent-review_period = Review period
intent-request_status = Follow my request
intent-complete_request = Complete my request
intent-data_responsibility = The declaration
intent-privacy = My data's privacy
intent-rights = Rights and duties
intent-talk_to_human = Talk to a person
intent-complaint = File a complaint
intent-feedback = Rate the service
intent-volunteer = Volunteering
intent-donate = Donating

chat-menu-words = menu, main menu, /start, /menu, /help, start, القائمة
menu-ask = Ask a question
menu-apply = File a request
menu-follow = Follow my request
menu-human = Talk to { $role }
menu-rate = Rate the service
menu-ask-hint = Go ahead, type your question in your own words 😊

chat-clarify = I'm not sure what you mean 🤔 Is it one of these?
chat-none-of-these = None of these
chat-handover = Sorry, I couldn't answer that with confidence. You can rephrase it, or I can hand you over to someone at { $short }.
chat-out-of-scope-hint = I am the { $short } assistant; I answer about the association's services and support requests.
chat-helpful = 👍 Helpful
chat-not-helpful = 👎 Not helpful
chat-thanks-feedback = Thanks for your feedback 🌷
chat-sorry-not-helpful = Sorry that didn't help 🙏 Shall I hand you over to a person?
chat-too-long = Your message is very long; please shorten it to one question (up to { $limit } characters).
chat-welcome = Welcome to the { $short } chat 🌿 Type your question, or type "menu".
chat-bye = Goodbye 🌷

chat-help = I am the { $short } assistant 🤖 I answer about the association's services, how to apply and how long a review takes, and hand you over to a person whenever you need.
    Type your question, or choose from the menu. Type "menu" to come back to it at any time, and "cancel" to cancel the current step.
chat-nothing-to-cancel = There is nothing to cancel right now. Here is the menu:
case-opened-request = I have handed your conversation to the association's team ✅
case-opened-complaint = Your complaint is recorded and passed to the officer in charge ✅ Please describe what happened here.
case-opened-unanswered = It seems I did not understand your question 🙏 I have handed your conversation to the association's team.
case-opened-not_helpful = Sorry my answer did not help 🙏 I have handed your conversation to the association's team.
case-opened-media = I received your file 📎 but cannot read it myself, so I passed it to the association's team.
case-when-unknown = { $role } will answer you here as soon as possible.
case-when-open = { $role } will answer you here shortly.
case-when-later = We are outside working hours now; { $role } will answer you here from { $day } at { $time }.
case-waiting = Your message reached { $role }, who will answer you here. To end the conversation with staff and go back to the menu, press "End the conversation" or type "end".
case-closed-by-you = You ended the conversation with staff. We are always at your service 🌷

## Ways on from every state: the menu button, greetings, small talk, the end of a handover.

nav-menu = 🏠 Menu
chat-greeting = Welcome to { $name } 🌿
    How can I help you today? Type your question in your own words, or choose from the menu.
# A greeting containing this word is a salam, answered with «وعليكم السلام».
chat-salam-word = سلام
chat-greeting-words = hi, hello, hey, good morning, good evening, هلا, اهلا, مرحبا
chat-small-talk-words = ok, okay, fine, great, تمام, اوك, طيب
chat-small-talk = 🌷 Always at your service. If you need anything, type your question or choose from the menu.
# Words that show a message is a question or a request, not a value typed in the form.
chat-question-words = what, how, when, where, why, who, want, can, كيف, كم, متى, وين, هل, ابي, ابغى
case-end = End the conversation
case-end-words = cancel, menu, end, end the conversation, back to menu, إلغاء, الغاء, انهاء المحادثة, إنهاء المحادثة, القائمة
