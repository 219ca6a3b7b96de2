
## Patient mode
patient-back = ← Back
patient-next = Next →
patient-decline = Prefer not to answer
patient-not-recorded = Not recorded / unknown
patient-pause = Pause
patient-progress = Question { $step } of about { $total }
patient-text-normal = Normal text
patient-text-large = Large text
patient-text-larger = Larger text
patient-next-again = Tap “Next” once more to go on without an answer.
patient-more-below = More answers below ↓
patient-end = You have reached the end of the form.
patient-finish = Finish

## Why an answer was not accepted
invalid-wrong = This answer does not fit this question.
invalid-exclusive = This choice cannot be combined with others.
invalid-range-both = Please enter a number from { $min } to { $max }.
invalid-range-min = Please enter a number of { $min } or more.
invalid-range-max = Please enter a number of { $max } or less.
invalid-days = Please enter a number of days from 0 to { $max }.
invalid-too-long = The text is too long (at most { $max } characters).

## Answer widgets
answer-days-range = 0–{ $max } days
answer-use-date = Use this date

## Handing the tablet back
handback-finished = Thank you for your answers!
handback-finished-body = Please give the tablet back to the staff.
handback-paused = Your answers are saved.
handback-paused-body = Please give the tablet back to the staff. You can continue another time.
handback-unsaved = Please give the tablet to the staff.
handback-unsaved-body = The staff will help you.
handback-staff = Staff

## Touch widgets
date-day = day
date-month = month
date-year = year
key-delete = Delete
key-clear = Clear
key-space = Space
key-capitals = Capitals
key-keyboard = Keyboard

## Unlocking
unlock-passphrase = Passphrase
unlock-button = Unlock
unlock-wrong = Wrong passphrase. Try again.
unlock-wrong-wait = Wrong passphrase. Wait { $seconds } s before the next try.

## First start and the recovery key
setup-title = Set up this tablet
setup-intro = Kohort keeps every answer sealed on this tablet. Choose a name for the tablet and a staff passphrase.
setup-name = Tablet name
setup-name-hint = e.g. Oslo tablet 1
setup-passphrase = Staff passphrase
setup-again = Passphrase again
setup-differ = The two passphrases differ.
setup-create = Create
recovery-title = Recovery key
recovery-intro = If the passphrase is forgotten, this key is the only way to open the answers on this tablet. It is shown only now: write it down, photograph it, or save it to a USB stick, and keep it locked away.
recovery-save-to = Save to { $place }
recovery-no-stick = Plug in a USB stick to save the key as a file.
recovery-ask = To show the key is noted, type group { $first } and group { $second }:
recovery-group = Group { $number }
recovery-noted = I have noted it: continue
unlock-title = Kohort is locked
unlock-staff-passphrase = Staff passphrase
unlock-forgotten = Forgotten passphrase: use the recovery key
unlock-recovery-key = Recovery key
unlock-with-recovery = Open with recovery key

## The staff home
home-study-tablet = { $study } · tablet { $tablet }
home-lock = Lock
home-settings = Settings
home-data-manager = Data manager
home-today = Today
home-demo = DEMO TABLET: synthetic practice data. Not for real participants; its batches are refused by the study's research store.
home-participant-gone = This participant is no longer on the tablet.
home-participants = Participants
home-enrol = Enrol participant
home-search = Search by study code or label
today-title = Today's work · { $day }
today-no-participants = No participants yet – enrol the first with “Enrol participant”.
today-nothing-due = Nothing is due today.
work-participant = Participant
work-form = Form
work-state = State
work-window = Window
work-open = Open { $code }: { $title }
form-by-staff = { $title } (staff)
window-from = from { $day }
sites-title = Sites
sites-site = Site
sites-participants = Participants
sites-due = Due now
sites-late = Late
sites-paused = Paused

## Schedule states
state-upcoming = upcoming
state-open = open now
state-late =
    { $days ->
        [one] late, { $days } day
       *[other] late, { $days } days
    }
state-late-suffix = , late { $days } d
state-in-progress = in progress
state-paused = paused
state-completed = completed { $on }
state-completed-off = completed { $on } ({ $days } d)
state-missed = missed
state-missed-why = missed: { $why }
state-not-applicable = not applicable
state-closed = not collected (episode ended)
state-available = can be started
state-withdrawn = consent withdrawn

## A participant's page
yes = yes
no = no
participant-title = Participant { $code }
participant-label = Label: { $label }
participant-site = Site { $site } · enrolled { $enrolled }
participant-consent = Consent { $date } (version { $version }) · interview: { $interview } · relatives: { $relatives }
participant-withdraw = Withdraw consent…
participant-withdrawn = Consent withdrawn on { $on }: nothing more is collected. Answers given before are kept.
participant-no-episode = No treatment episode recorded.
episode-title = Treatment episode
episode-current = Episode { $number } (current)
episode-earlier = Episode { $number } · { $from } – { $to } (read-only)
episode-correct-anchor = Correct anchor date…
episode-ended = · Treatment ended { $on }: { $how }
episode-new = Start new episode…
episode-end = Record end of treatment…
timeline-target = Target
timeline-opens = upcoming, opens { $day }
timeline-open-until = open until { $day }
timeline-at-store = { $state } · at the research store
row-resume-patient = Resume with patient
row-continue = Continue
row-give = Give to patient
row-record-new = Record new
row-fill-in = Fill in
row-missed = Missed…
row-missed-name = Mark missed: { $title }

## Dialogs over a participant's page
dialog-cancel = Cancel
end-completed = Treatment completed
end-dropped-out = Dropped out
end-transferred = Transferred
end-discharged = Discharged
end-died = Died
end-other = Other
missed-title = Mark { $title } as missed
missed-why = Why?
missed-reason = Reason (kept sealed)
missed-more = More about it (optional, kept sealed)
missed-save = Save missed
anchor-title = Correct the anchor date
anchor-body = Allowed until the baseline is completed; the change is audited.
anchor-new = New anchor date
anchor-save = Save anchor
end-title = End of treatment
end-body = Both end-of-treatment forms become due; later timepoints are no longer collected.
end-date = End date
end-save = Record end of treatment
new-episode-title = Returning to treatment
new-episode-body = A new episode gets its own anchor date and schedule; earlier episodes stay as they are.
new-episode-save = Start new episode
withdraw-title = Withdraw consent
withdraw-body = This stops all further questionnaires for this participant. Answers already given are kept, as the protocol says, and the withdrawal is sent to the research store.
withdraw-date = Withdrawn on
withdraw-save = Confirm withdrawal

## Enrolment
enrol-title = Enrol a participant
enrol-code = Study code
enrol-code-example = e.g. HAB-OSL-0001
enrol-code-like = like { $pattern } (# digit)
enrol-site-hint = e.g. OSL
enrol-label = Label (optional, sealed)
enrol-label-hint = shown to staff only
enrol-consent-date = Consent date
enrol-consent-version = Consent form version
enrol-consent-version-hint = e.g. 1.0
enrol-interview = May be contacted for an interview
enrol-relatives = Relatives may be contacted
enrol-anchor = First day of treatment (anchor)
enrol-began-before = Treatment began before consent: that is right
enrol-button = Enrol
enrol-code-empty = The study code is empty.
enrol-code-shape = The study code must look like { $pattern } (# a digit, A a capital letter).
enrol-code-site = The study code is for site { $coded }, but the site chosen is { $chosen }.
enrol-no-site = Choose the site.
enrol-anchor-early = The first day of treatment is before the consent date: correct a date, or confirm that treatment began before consent.
enrol-no-version = Give the version of the consent form.

## What the data manager is told
deliver-nothing = Every sealed batch is confirmed: nothing to deliver.
seal-nothing = No completed session is waiting: nothing sealed.
seal-done =
    { $sessions ->
        [one] Sealed batch { $seq } with one session into the outbox.
       *[other] Sealed batch { $seq } with { $sessions } sessions into the outbox.
    }
reseal-nothing = Every batch file is in the outbox: nothing sealed again.
reseal-done =
    { $count ->
        [one] Sealed again from the answers on the tablet: batch { $batches }.
       *[other] Sealed again from the answers on the tablet: batches { $batches }.
    }
receipt-nothing-new = The receipt is genuine; it confirms no new batch.
receipt-confirmed =
    { $count ->
        [one] The receipt is genuine: batch { $batches } confirmed.
       *[other] The receipt is genuine: batches { $batches } confirmed.
    }
purge-done =
    { $sessions ->
        [one] Purged the answers of one session; the session stays in the schedule.
       *[other] Purged the answers of { $sessions } sessions; the sessions stay in the schedule.
    }
purge-remains = Some purged bytes may remain until the next purge.

## Settings
settings-title = Settings
settings-language = Language of the staff screens
settings-idle =
    { $minutes ->
        [0] Staff screens never lock by themselves.
        [one] Staff screens lock after one minute without a touch (0: never).
       *[other] Staff screens lock after { $minutes } minutes without a touch (0: never).
    }
settings-idle-field = Lock after (minutes)
settings-save = Save
settings-idle-wrong = Type a whole number of minutes, 0 to { $max }.
settings-tablet = This tablet
settings-tablet-name = Name: { $name }
settings-fingerprint = Fingerprint: { $fingerprint }
settings-fingerprint-why = The research store asks for this fingerprint before it trusts batches from this tablet: read it out to them.
settings-passphrase = Staff passphrase
settings-passphrase-body = A new passphrase for everyone who uses this tablet: four or five random words. The recovery key stays as it is.
settings-new-passphrase = New staff passphrase
settings-new-again = New passphrase again
settings-passphrase-changed = Passphrase changed. Tell the staff who use this tablet.
settings-change-passphrase = Change passphrase

## Errors
error-wrong-recovery = Wrong recovery key.
error-malformed-recovery = That is not a recovery key: it has 13 groups of 4 letters and digits.
error-weak-passphrase = The passphrase is too easy to guess. Use four or five random words.
error-duplicate-code = The study code { $code } is already in use.
error-busy = A transfer is under way; wait for it or stop it first.
error-kind-credentials = Wrong passphrase or key
error-kind-too-soon = Too many tries: wait a little
error-kind-disk-full = The disk is full: nothing more can be saved, but what was saved is safe
error-kind-tampered = Sealed data does not open: it was altered, damaged or moved
error-kind-refused = Not allowed
error-kind-invalid = Does not fit
error-kind-locked = The tablet is locked
error-kind-unavailable = The file, folder or server could not be reached
error-kind-other = Something went wrong
error-with-detail = { $what }. Details: { $detail }

## Locking and saving
locked-idle = Locked after a while without use.
locked-idle-unpaused = Locked after a while without use; the form was not paused: { $detail }
handback-check-storage = Something was not saved. Check the storage.
recovery-saved = Saved as { $path }.
recovery-not-saved = Not saved: { $detail }
patient-not-saved = The answer was not saved. Please fetch the staff. ({ $detail })

## The data manager's page
batch-sealed = sealed
batch-delivered = delivered
batch-confirmed = confirmed
batch-purged = purged
via-folder = folder { $path }
via-upload = upload to { $url } ({ $project }, { $group })
key-practice = Practice research key of this demo tablet (fingerprint { $fingerprint }): batches sealed to it are for practice, not for the research store.
key-fingerprint = Research key fingerprint: { $fingerprint }
key-none = No research key set: batches cannot be sealed (kohort device set-research-key research.pub).
unbatched = Completed sessions not yet in a batch: { $count }
last-delivery = Last delivery: batch { $batch } at { $at } via { $via }
last-delivery-none = Last delivery: none yet
seal-button = Seal a new batch
batches-title = Batches
batches-none = No batch sealed yet.
batches-batch = Batch
batches-sealed = Sealed
batches-sessions = Sessions
batches-where = Delivered / confirmed
batches-confirmed-on = confirmed { $day }
batches-file-missing = FILE MISSING from the outbox
batches-unchecked = { $via }, not seen by the server's check: the receipt will tell
batches-in-outbox = in the outbox
batches-missing =
    { $count ->
        [one] One batch file is missing from the outbox ({ $outbox }) and cannot be delivered from this tablet; the others still go. Its answers stay on the tablet. See the data manager's guide, “A batch file is missing”.
       *[other] { $count } batch files are missing from the outbox ({ $outbox }) and cannot be delivered from this tablet; the others still go. Their answers stay on the tablet. See the data manager's guide, “A batch file is missing”.
    }
batches-reseal = Seal the missing batches again
deliver-title = Deliver
deliver-awaiting =
    { $count ->
        [one] One batch awaits a receipt; each delivery sends all of them.
       *[other] { $count } batches await a receipt; each delivery sends all of them.
    }
deliver-copy-stick = Copy to USB stick { $stick }
deliver-no-stick = No USB stick is plugged in.
deliver-other-folder = Other folder…
deliver-folder = Folder
deliver-copy-folder = Copy to folder
deliver-stop = Stop
tsd-address = TSD address
tsd-project = Project
tsd-group = Group (optional)
tsd-token = Token file
tsd-upload = Upload to TSD
progress-starting = { $what }: starting
progress-file = { $what }: { $file } ({ $delivered } delivered)
progress-stopped = { $what }: stopped, { $delivered } delivered
progress-done = { $what }: done, { $delivered } delivered
progress-failed = Not delivered: { $detail }
receipt-title = Receipt and purge
receipt-file = Receipt file
receipt-apply = Apply receipt
retention-body = Answers of confirmed batches are kept { $days } days, then may be purged; { $sessions } sessions can be purged now. Nothing unconfirmed is ever purged.
retention-field = Keep (days)
purge-button = Purge { $sessions } sessions
purge-title = Purge answers from this tablet?
purge-body = The answers of { $sessions } sessions leave this tablet for good. The research store has confirmed it holds them; the sessions stay in the schedule.
purge-now = Purge { $sessions } sessions now

## The in-app keyboard for a field
key-keyboard-for = Keyboard: { $field }
key-done = Done

## The participant list
home-search-field = Search

## Dialogs (more)
missed-reason-field = Reason

## Read-aloud
read-aloud = Read aloud
read-aloud-option = Read aloud: { $option }
read-aloud-all = Read everything to me
read-aloud-participant = Read everything aloud to this participant (patient mode)
read-aloud-heading = Read-aloud
read-aloud-works = Read-aloud works: patients see the speaker buttons.
read-aloud-off = Read-aloud is not switched on in this app. The speaker buttons are hidden from patients.
read-aloud-no-device = Read-aloud does not work: no sound device was found ({ $detail }). The speaker buttons are hidden from patients.
read-aloud-no-voice = Read-aloud does not work: no Norwegian or English voice (install the espeak-ng package). The speaker buttons are hidden from patients.
patient-high-contrast = High contrast
