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
web-error-cross-site = This request is only accepted from the chat page itself.

## Attaching a file in the website chat.

web-attach = Attach a photo or PDF
web-upload-too-big = The file is larger than allowed ({ $mb } MB); send a smaller copy.
web-upload-wrong-type = This kind of file isn't accepted; send a photo (JPG, PNG, WebP or HEIC) or a PDF.
web-upload-missing = No file arrived; choose a photo or a PDF and try again.
web-upload-not-multipart = Send the file with the 📎 attach button in the chat.
web-upload-failed = Couldn't upload the file, please try again
