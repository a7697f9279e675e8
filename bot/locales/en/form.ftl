## Support-request form: why a typed field was not accepted, and an example that would be.

form-name-empty = Please type your full name in Arabic letters, as it is on your ID: first name and family name.
form-name-too-long = That name is too long; the limit is { $max ->
        [one] { NUMBER($max, useGrouping: 0) } character
       *[other] { NUMBER($max, useGrouping: 0) } characters
    }. Please type your name as it is on your ID.
form-name-digits = A name has no digits 🙂 Please type your name in Arabic letters, as it is on your ID.
form-name-latin = Please write your name in Arabic letters, as it is on your ID.
form-name-symbols = Please use Arabic letters and spaces only in your name, without symbols or punctuation.
form-name-one-part = We need at least two parts of your name: your first name and your family name.
form-name-short-part = “{ $part }” is too short; each part of the name has at least two letters. Please type your full name without abbreviations.

form-national-id-empty = Please type your national ID or iqama number (10 digits). Example: 1012345672
form-national-id-not-digits = A national ID or iqama number has digits only, no letters or symbols. Example: 1012345672
form-national-id-length = A national ID or iqama number has 10 digits, and you typed { $count ->
        [one] { NUMBER($count, useGrouping: 0) } digit
       *[other] { NUMBER($count, useGrouping: 0) } digits
    }. Please check it. Example: 1012345672
form-national-id-prefix = A national ID starts with 1 and an iqama number starts with 2. Please check the number. Example: 1012345672
form-national-id-checksum = One of the digits of that ID or iqama number seems wrong. Please re-check the number on your card and type it again.

form-mobile-empty = Please type your mobile number. Example: 0501234567
form-mobile-invalid = That is not a valid mobile number. A Saudi mobile number has 10 digits and starts with 05. Example: 0501234567
form-mobile-landline = That is a landline number; we need a mobile number to reach you. Please type your mobile number starting with 05. Example: 0501234567
form-mobile-not-mobile = That is not a mobile number (it looks like a unified or toll-free number). Please type your mobile number starting with 05. Example: 0501234567
form-mobile-foreign = We accept Saudi mobile numbers only. Please type a Saudi mobile number starting with 05. Example: 0501234567

form-description-empty = Please describe your request briefly: what you need and why. Example: I need help paying this month's rent.
form-description-no-words = Please describe your request in words so that we understand what you need. Example: I need help paying this month's rent.
form-description-too-short = The description is too short; please write at least { $min ->
        [one] { NUMBER($min, useGrouping: 0) } character
       *[other] { NUMBER($min, useGrouping: 0) } characters
    } explaining what you need. Example: I need help paying this month's rent.
form-description-too-long = The description is too long ({ $count ->
        [one] { NUMBER($count, useGrouping: 0) } character
       *[other] { NUMBER($count, useGrouping: 0) } characters
    }); the limit is { $max ->
        [one] { NUMBER($max, useGrouping: 0) } character
       *[other] { NUMBER($max, useGrouping: 0) } characters
    }. Please shorten it; you can attach documents in the next step.

form-city-empty = Please type your city or choose it from the buttons. Example: Riyadh
form-city-invalid-chars = Please type the city name in letters only, without digits or symbols. Example: Riyadh
form-city-too-short = That city name is too short; please type it in full. Example: Riyadh
form-city-too-long = That city name is too long (the limit is { $max ->
        [one] { NUMBER($max, useGrouping: 0) } character
       *[other] { NUMBER($max, useGrouping: 0) } characters
    }); please type the city name only. Example: Riyadh

## Pausing the form, and a needs-info request completed with a written reply.

complete-note-done = Thank you ✅ Your reply on request { $reference } is recorded for staff to read, and the request is back under review ({ $date }).
