## WhatsApp (bot/channels/whatsapp/): what the adapter adds where WhatsApp differs from the
## other channels. Meta's limits: a list's button ≤ 20 characters, a row's title ≤ 24.

# A list's button, and the text of options that came without one.
wa-choose = Choose
# The last row of a list longer than ten: the next options.
wa-more = More
# WhatsApp has no button that shares a person's number: what to do instead.
wa-contact-hint = You can type your mobile number, or share your contact from the paperclip button 📎
# A location the person shared, as the conversation and staff read it (the coordinates
# "24.7136, 46.6753", isolated left to right).
wa-location = 📍 Location: { $place } ({ $coordinates })
wa-location-bare = 📍 Location: ({ $coordinates })
