## Who the association serves, in every message ($person, $a-person, $people, $Person: a
## heading's capitalised word), and who a person is referred to ($role).
term-beneficiary = beneficiary
term-beneficiary-indefinite = beneficiary
term-beneficiaries = beneficiaries
term-beneficiary-title = Beneficiary
term-member = member
term-member-indefinite = member
term-members = members
term-member-title = Member
default-request-form = support request
default-referral-role = the responsible officer
review-period-unstated = within a period the association sets
# The declaration a person accepts before filing, built from the guide's clause; $kind is
# the responsibility the clause names: direct, legal, full or other.
declaration-first-person = I declare that all the information and documents I have provided are correct, and that { $kind ->
        [direct] I am directly responsible for their correctness
        [legal] I bear the legal responsibility for their correctness
        [full] I bear full responsibility for their correctness
       *[other] I am responsible for their correctness
    }
# A kind of service a guide's goal names, as a request type.
service-kind = { $kind } services

answer-greeting = Peace be upon you, and welcome to { $name } 🌿
    How can I help you today? Write your question, or choose from the menu.
answer-thanks = You're welcome, always at your service 🌷
answer-about-intro = We are { $name }.
answer-about-goals = Our goals include:
answer-about-licence = The association is registered under number { $licence }.
answer-services = The services of { $short }, as its guide lists them:
answer-services-suggested = Among the services of { $short }:
answer-services-generic = { $short } serves { $terms } through the { $form }. The list of services has not been filled in yet; I can hand you over to a staff member.
answer-offer-request = You can file a { $form } right here in the chat.
answer-channels = You can reach { $short } through these channels:
answer-contacts = 📞 Phone: { $phone }
    💬 WhatsApp: { $whatsapp }
    🌐 Website: { $website }
    ✉️ Email: { $email }
    📱 Social media: { $social }
answer-location = 📍 Address of { $short }: { $address }
answer-location-branches = The association also has: { $branches }.
answer-working-hours = 🕘 Working hours: { $working_hours }
    I am available here in the chat at any time.
answer-how-to-apply = You can file a { $form } right here: I ask for your details step by step, you review and confirm them, you get a reference number, and the committee answers { $period }. If anything is unclear you can ask for { $role }.
answer-how-to-apply-generic = You can file a { $form } here: I ask for each detail step by step, you review and confirm it, and you get a reference number.
answer-required-documents = Before starting the { $form }, have ready: your full name, national ID or iqama number, mobile number, city, the request type with a short description, and any supporting documents (such as a medical report).
answer-documents-stated = The documents the guide of { $short } asks for:
answer-documents-missing = The list of documents { $short } asks for has not been added yet; the association's admin will add it. If your request needs another document, we will tell you and you can add it here.
answer-eligibility = Who can benefit from { $short }, according to its guide:
answer-eligibility-conditions = And the conditions:
answer-eligibility-only = The conditions:
answer-eligibility-apply = If this fits you, you can file a { $form } right here in the chat and the association will study your case.
answer-eligibility-missing = Who { $short } serves and its conditions have not been added yet; the association's admin will add them. You can file a { $form } here and the association will study your case, or I can hand you over to a staff member.
answer-rights = The rights of { $term } at { $short }, as its guide states them:
answer-duties = And the duties of { $term }:
answer-duties-only = The duties of { $term } at { $short }, as its guide states them:
answer-rights-missing = The rights and duties of { $term } have not been added yet; the association's admin will add them. You can ask me about your data's privacy, file a complaint, or talk to a staff member.
answer-review-period = Your request goes to the responsible committee, and you get an answer { $period }. You can follow your request here at any time.
answer-review-period-unstated = The association studies your request and answers you; the guide states no period. You can follow your request here at any time.
answer-request-status = I will list your requests with their status and dates. If you have the reference number, type it.
answer-complete-request = If you were asked to complete your request, you can add the missing document or correct a detail here, and it goes back to review.
answer-data-responsibility = Before sending, you review your details and declare they are correct, since the applicant is responsible for them. The declaration reads:
answer-data-responsibility-generic = Before sending, you review a summary of your details and declare they are correct; your declaration is stored with its time.
answer-privacy = Your data is confidential: ID and mobile numbers are stored encrypted and only the officer handling your request sees them. Under the Personal Data Protection Law you may ask to see, correct or delete your data.
answer-talk-to-human = Of course. I will hand you over to { $role } to answer your questions.
answer-talk-to-human-generic = Of course. I will hand you over to a staff member.
answer-complaint = We are sorry about that 🙏 I will open a complaint for the responsible officer. Please describe what happened.
answer-feedback = Your opinion matters: rating the service is your right and a tool for improvement, not punishment. Rate us from 1 to 5 and add a comment here.
answer-volunteer = We'd love to have you volunteer with { $short } 🤝 Leave your details or contact us: { $phone } · { $website }
answer-volunteer-generic = Thank you for wanting to volunteer with { $short } 🤝 Contact us: { $phone }
answer-donate = Thank you for wanting to support { $short } 💚 How to donate: { $donation }

missing-phone = not added yet (the association's admin will add it)
missing-whatsapp = not added yet
missing-email = not added yet
missing-website = not added yet
missing-social = not added yet
missing-address = not added yet; the association's admin will add it
missing-working_hours = not set yet; the association's admin will add them
missing-donation = not added yet; only donate through the association's official channels
field-phone = phone number
field-whatsapp = WhatsApp number
field-email = email
field-website = website
field-social = social media accounts
field-address = address
field-working_hours = working hours
field-donation = donation details (account or link)
field-services = services (request types): suggested by the builder, as the guide lists none

build-error-binary = The file is not text: give me the guide as plain text (txt or md).
build-error-unreadable = Could not read the guide: only { $found } sections recognised (at least two, and the association's name, are needed). Nothing was written.
build-error-missing-file = File not found: { $path }
build-note-no-period = No review period found in the guide.
build-source-catalog = generic catalog text
build-report-title = Built the profile of { $name } ({ $slug })
build-report-counts = channels: { $channels } · tools: { $tools } · procedure steps: { $steps }
build-report-missing-intents = Intents with no source in the guide (answered from the catalog): { $intents }
build-report-admin = The association's admin must add in profile.yaml:
build-report-review = and review in profile.yaml (then remove from to_review):
build-report-written = Files written to: { $path }

cli-error-unknown-org = No association with the id "{ $org }". Available: { $known }
cli-error-profile = Could not load the association's profile: { $detail }
cli-error-input = Could not read the input: { $detail }
cli-error-not-migrated = The database is not migrated: run  python bot.py db upgrade  first
cli-error-job-intervals-entry = TAWASUL_JOB_INTERVALS: «{ $entry }» is not job=seconds (for example surveys-send=60,cases-unclaimed=900)
cli-error-job-intervals-job = TAWASUL_JOB_INTERVALS: there is no job «{ $job }». The jobs: { $known }
cli-error-job-intervals-seconds = TAWASUL_JOB_INTERVALS: the period of { $job } must be a whole number of seconds, 1 or more, not «{ $seconds }»
db-upgraded = The database is up to date ✅
