## The website chat: page texts and the API's error messages (shown to the visitor).

web-title = { $name } chat
web-embed-open = 💬 Chat with us
web-embed-close = Close the chat
web-subtitle = Happy to help: type your question or pick a button
web-placeholder = Type your message…
web-input-label = Message text
web-send = Send
web-typing = Typing…
web-from-bot = Assistant
web-from-me = You
web-error-send = Couldn't send, please try again
web-error-load = Couldn't load the conversation; reload the page and try again
web-retry = Try again
web-noscript = This page needs JavaScript enabled in your browser for the chat to work.

web-error-unauthorized = We couldn't recognise your session; reload the page and try again.
web-error-bad-request = Invalid request; send a message text or press one of the buttons.
web-error-too-long = Your message is too long; the limit is { $limit } characters.
web-error-too-large = The request is larger than allowed.
web-error-unsupported-type = Send the request as JSON.
web-error-not-found = The page you asked for doesn't exist.
web-error-method = That operation isn't allowed at this address.
web-error-internal = Something went wrong on our side; please try again shortly.
