# bot.py privacy export / privacy erase / keys rotate (bot/cli/privacy.py, bot/cli/keys.py)
privacy-cli-nobody = No { $a-person } matches { $who }: no request has that reference and no national ID on file is that number.
privacy-cli-need-yes = Nothing was erased: erasure is final and cannot be undone. Run the command again with --yes if you are sure.
privacy-cli-open = Nothing was erased: the { $person } still has { $count ->
        [one] one matter
       *[other] { $count } matters
    } open: { $open }. If staff decide to erase anyway, run the command again with --force-open.
privacy-cli-erased = 🗑 The data of { $person } { $id } was destroyed (reason: { $reason }):
privacy-cli-erased-keys = Data keys destroyed (the ID and phone can no longer be read in any copy): { $count }
privacy-cli-erased-messages = Transcript messages whose text was wiped: { $count }
privacy-cli-erased-outbox = Outbox messages wiped: { $count }
privacy-cli-erased-requests = Requests whose fields were wiped (name, description, ID, phone): { $count }
privacy-cli-erased-notes = Request history notes wiped: { $count }
privacy-cli-erased-attachments = Attachments whose name and id were wiped: { $count }
privacy-cli-erased-surveys = Survey comments wiped: { $count }
privacy-cli-erased-files = Files deleted from disk: { $count }
privacy-cli-erased-forced = Erased although open: { $open }
privacy-cli-erased-kept = Kept for the reports: request statuses, dates, types, cities and survey ratings.
privacy-cli-already = The data of { $person } { $id } was destroyed before; nothing changed.
keys-rotate-same = The new key is the current key: nothing changed.
keys-rotated = 🔑 { $count } data keys were re-wrapped under the new master key; the data itself was not re-encrypted.
keys-rotated-file = The new key is in { $path }, and the old one no longer opens anything. Keep a copy of the new one away from the backups.
keys-rotated-env = Put the new key in TAWASUL_ENCRYPTION_KEY for every bot process and restart them; the old key no longer opens anything.
keys-rotate-failed = The key could not be rotated: { $detail }
