
## Patient mode
patient-back = ← Attende
patient-next = Neste →
patient-decline = Vil ikkje svare
patient-not-recorded = Ikkje registrert / ukjend
patient-pause = Pause
patient-progress = Spørsmål { $step } av om lag { $total }
patient-text-normal = Normal tekst
patient-text-large = Stor tekst
patient-text-larger = Større tekst
patient-next-again = Trykk «Neste» ein gong til for å gå vidare utan å svare.
patient-more-below = Fleire svar nedanfor ↓
patient-end = Du har kome til slutten av skjemaet.
patient-finish = Fullfør

## Why an answer was not accepted
invalid-wrong = Dette svaret passar ikkje her.
invalid-exclusive = Dette valet kan ikkje kombinerast med andre.
invalid-range-both = Skriv eit tal frå { $min } til { $max }.
invalid-range-min = Skriv eit tal på { $min } eller meir.
invalid-range-max = Skriv eit tal på { $max } eller mindre.
invalid-days = Skriv eit tal på dagar frå 0 til { $max }.
invalid-too-long = Teksten er for lang (høgst { $max } teikn).

## Answer widgets
answer-days-range = 0–{ $max } dagar
answer-use-date = Bruk denne datoen

## Handing the tablet back
handback-finished = Takk for svara dine!
handback-finished-body = Gi nettbrettet attende til personalet.
handback-paused = Svara dine er lagra.
handback-paused-body = Gi nettbrettet attende til personalet. Du kan halde fram ein annan gong.
handback-unsaved = Gi nettbrettet til personalet.
handback-unsaved-body = Personalet hjelper deg vidare.
handback-staff = Personale

## Touch widgets
date-day = dag
date-month = månad
date-year = år
key-delete = Slett
key-clear = Tøm
key-space = Mellomrom
key-capitals = Store bokstavar
key-keyboard = Tastatur

## Unlocking
unlock-passphrase = Passordfrase
unlock-button = Lås opp
unlock-wrong = Feil passordfrase. Prøv igjen.
unlock-wrong-wait = Feil passordfrase. Vent { $seconds } s før neste forsøk.

## First start and the recovery key
setup-title = Set opp dette nettbrettet
setup-intro = Kohort held alle svar forsegla på dette nettbrettet. Vel eit namn på nettbrettet og ei passordfrase for personalet.
setup-name = Namn på nettbrettet
setup-name-hint = t.d. Oslo nettbrett 1
setup-passphrase = Passordfrase for personalet
setup-again = Passordfrasen ein gong til
setup-differ = Dei to passordfrasane er ulike.
setup-create = Opprett
recovery-title = Gjenopprettingsnøkkel
recovery-intro = Om passordfrasen vert gløymd, er denne nøkkelen den einaste måten å opne svara på dette nettbrettet. Han vert berre vist no: skriv han ned, ta bilete av han eller lagra han på ein minnepinne, og lås han inne.
recovery-save-to = Lagra på { $place }
recovery-no-stick = Set inn ein minnepinne for å lagra nøkkelen som ei fil.
recovery-ask = For å vise at nøkkelen er notert: skriv gruppe { $first } og gruppe { $second }:
recovery-group = Gruppe { $number }
recovery-noted = Eg har notert han: hald fram
unlock-title = Kohort er låst
unlock-staff-passphrase = Passordfrase for personalet
unlock-forgotten = Gløymt passordfrasen: bruk gjenopprettingsnøkkelen
unlock-recovery-key = Gjenopprettingsnøkkel
unlock-with-recovery = Opne med gjenopprettingsnøkkelen

## The staff home
home-study-tablet = { $study } · nettbrett { $tablet }
home-lock = Lås
home-settings = Innstillingar
home-data-manager = Dataansvarleg
home-today = I dag
home-demo = DEMONETTBRETT: syntetiske øvingsdata. Ikkje for ekte deltakarar; forskingslageret til studien avviser batchane herifrå.
home-participant-gone = Denne deltakaren er ikkje lenger på nettbrettet.
home-participants = Deltakarar
home-enrol = Registrer deltakar
home-search = Søk på studiekode eller merkelapp
today-title = Dagens arbeid · { $day }
today-no-participants = Ingen deltakarar enno – registrer den første med «Registrer deltakar».
today-nothing-due = Ingenting skal gjerast i dag.
work-participant = Deltakar
work-form = Skjema
work-state = Status
work-window = Tidsvindauge
work-open = Opne { $code }: { $title }
form-by-staff = { $title } (personalet)
window-from = frå { $day }
sites-title = Stader
sites-site = Stad
sites-participants = Deltakarar
sites-due = Skal gjerast no
sites-late = Forseinka
sites-paused = På pause

## Schedule states
state-upcoming = kommande
state-open = open no
state-late =
    { $days ->
        [one] forseinka, { $days } dag
       *[other] forseinka, { $days } dagar
    }
state-late-suffix = , forseinka { $days } d
state-in-progress = pågår
state-paused = pause
state-completed = utfylt { $on }
state-completed-off = utfylt { $on } ({ $days } d)
state-missed = ikkje utfylt
state-missed-why = ikkje utfylt: { $why }
state-not-applicable = ikkje aktuell
state-closed = ikkje samla inn (episode avslutta)
state-available = kan startast
state-withdrawn = samtykke trekt

## A participant's page
yes = ja
no = nei
participant-title = Deltakar { $code }
participant-label = Merkelapp: { $label }
participant-site = Stad { $site } · registrert { $enrolled }
participant-consent = Samtykke { $date } (versjon { $version }) · intervju: { $interview } · pårørande: { $relatives }
participant-withdraw = Trekk samtykke …
participant-withdrawn = Samtykket vart trekt { $on }: ingenting meir vert samla inn. Svar gjevne før vert haldne på.
participant-no-episode = Ingen behandlingsepisode er registrert.
episode-title = Behandlingsepisode
episode-current = Episode { $number } (noverande)
episode-earlier = Episode { $number } · { $from } – { $to } (berre lesing)
episode-correct-anchor = Rett startdato …
episode-ended = · Behandlinga vart avslutta { $on }: { $how }
episode-new = Start ny episode …
episode-end = Registrer avslutta behandling …
timeline-target = Måldato
timeline-opens = kommande, opnar { $day }
timeline-open-until = open til { $day }
timeline-at-store = { $state } · i forskingslageret
row-resume-patient = Hald fram med pasienten
row-continue = Hald fram
row-give = Gi til pasienten
row-record-new = Registrer ny
row-fill-in = Fyll ut
row-missed = Ikkje utfylt …
row-missed-name = Merk som ikkje utfylt: { $title }

## Dialogs over a participant's page
dialog-cancel = Avbryt
end-completed = Fullført behandling
end-dropped-out = Fall frå
end-transferred = Overført
end-discharged = Utskriven
end-died = Døydde
end-other = Anna
missed-title = Merk { $title } som ikkje utfylt
missed-why = Kvifor?
missed-reason = Grunn (vert lagra forsegla)
missed-more = Meir om det (valfritt, vert lagra forsegla)
missed-save = Lagra som ikkje utfylt
anchor-title = Rett startdatoen
anchor-body = Tillate til baseline er utfylt; endringa vert logga.
anchor-new = Ny startdato
anchor-save = Lagra startdato
end-title = Avslutta behandling
end-body = Begge skjemaa for avslutta behandling vert aktuelle; seinare tidspunkt vert ikkje lenger samla inn.
end-date = Sluttdato
end-save = Registrer avslutta behandling
new-episode-title = Attende i behandling
new-episode-body = Ein ny episode får eigen startdato og plan; tidlegare episodar vert ståande som dei er.
new-episode-save = Start ny episode
withdraw-title = Trekk samtykke
withdraw-body = Dette stoppar alle vidare spørjeskjema for denne deltakaren. Svar som alt er gjevne, vert haldne på slik protokollen seier, og tilbaketrekkinga vert send til forskingslageret.
withdraw-date = Trekt
withdraw-save = Stadfest tilbaketrekking

## Enrolment
enrol-title = Registrer ein deltakar
enrol-code = Studiekode
enrol-code-example = t.d. HAB-OSL-0001
enrol-code-like = som { $pattern } (# er eit siffer)
enrol-site-hint = t.d. OSL
enrol-label = Merkelapp (valfri, forsegla)
enrol-label-hint = vert berre vist for personalet
enrol-consent-date = Samtykkedato
enrol-consent-version = Versjon av samtykkeskjemaet
enrol-consent-version-hint = t.d. 1.0
enrol-interview = Kan kontaktast for intervju
enrol-relatives = Pårørande kan kontaktast
enrol-anchor = Første behandlingsdag (startdato)
enrol-began-before = Behandlinga starta før samtykket: det stemmer
enrol-button = Registrer
enrol-code-empty = Studiekoden manglar.
enrol-code-shape = Studiekoden må sjå ut som { $pattern } (# er eit siffer, A ein stor bokstav).
enrol-code-site = Studiekoden høyrer til stad { $coded }, men vald stad er { $chosen }.
enrol-no-site = Vel stad.
enrol-anchor-early = Første behandlingsdag er før samtykkedatoen: rett ein dato, eller stadfest at behandlinga starta før samtykket.
enrol-no-version = Oppgje versjonen av samtykkeskjemaet.

## What the data manager is told
deliver-nothing = Alle forsegla batchar er stadfesta: ingenting å levere.
seal-nothing = Ingen utfylt økt ventar: ingenting vart forsegla.
seal-done =
    { $sessions ->
        [one] Forsegla batch { $seq } med éi økt i utboksen.
       *[other] Forsegla batch { $seq } med { $sessions } økter i utboksen.
    }
reseal-nothing = Alle batchfilene er i utboksen: ingenting vart forsegla på nytt.
reseal-done =
    { $count ->
        [one] Forsegla på nytt frå svara på nettbrettet: batch { $batches }.
       *[other] Forsegla på nytt frå svara på nettbrettet: batchane { $batches }.
    }
receipt-nothing-new = Kvitteringa er ekte; ho stadfestar ingen ny batch.
receipt-confirmed =
    { $count ->
        [one] Kvitteringa er ekte: batch { $batches } er stadfesta.
       *[other] Kvitteringa er ekte: batchane { $batches } er stadfesta.
    }
purge-done =
    { $sessions ->
        [one] Sletta svara i éi økt; økta vert ståande i planen.
       *[other] Sletta svara i { $sessions } økter; øktene vert ståande i planen.
    }
purge-remains = Nokre sletta byte kan bli liggjande til neste sletting.

## Settings
settings-title = Innstillingar
settings-language = Språk på personalskjermane
settings-idle =
    { $minutes ->
        [0] Personalskjermane vert aldri låste av seg sjølv.
        [one] Personalskjermane vert låste etter eitt minutt utan berøring (0: aldri).
       *[other] Personalskjermane vert låste etter { $minutes } minutt utan berøring (0: aldri).
    }
settings-idle-field = Lås etter (minutt)
settings-save = Lagra
settings-idle-wrong = Skriv eit heilt tal minutt, 0 til { $max }.
settings-tablet = Dette nettbrettet
settings-tablet-name = Namn: { $name }
settings-fingerprint = Fingeravtrykk: { $fingerprint }
settings-fingerprint-why = Forskingslageret spør etter dette fingeravtrykket før det stoler på batchar frå dette nettbrettet: les det opp for dei.
settings-passphrase = Passordfrase for personalet
settings-passphrase-body = Ei ny passordfrase for alle som brukar dette nettbrettet: fire eller fem tilfeldige ord. Gjenopprettingsnøkkelen held seg som han er.
settings-new-passphrase = Ny passordfrase
settings-new-again = Ny passordfrase ein gong til
settings-passphrase-changed = Passordfrasen er endra. Sei frå til personalet som brukar dette nettbrettet.
settings-change-passphrase = Endra passordfrase

## Errors
error-wrong-recovery = Feil gjenopprettingsnøkkel.
error-malformed-recovery = Det er ikkje ein gjenopprettingsnøkkel: han har 13 grupper på 4 bokstavar og tal.
error-weak-passphrase = Passordfrasen er for lett å gjette. Bruk fire eller fem tilfeldige ord.
error-duplicate-code = Studiekoden { $code } er alt i bruk.
error-busy = Ei overføring pågår; vent på ho eller stopp ho først.
error-kind-credentials = Feil passordfrase eller nøkkel
error-kind-too-soon = For mange forsøk: vent litt
error-kind-disk-full = Disken er full: ingenting meir kan lagrast, men det som alt er lagra, er trygt
error-kind-tampered = Forsegla data vert ikkje opna: dei er endra, skadde eller flytte
error-kind-refused = Ikkje tillate
error-kind-invalid = Passar ikkje
error-kind-locked = Nettbrettet er låst
error-kind-unavailable = Fann ikkje fila, mappa eller tenaren
error-kind-other = Noko gjekk gale
error-with-detail = { $what }. Detaljar: { $detail }

## Locking and saving
locked-idle = Låst etter ei stund utan bruk.
locked-idle-unpaused = Låst etter ei stund utan bruk; skjemaet vart ikkje sett på pause: { $detail }
handback-check-storage = Noko vart ikkje lagra. Sjekk lagringa.
recovery-saved = Lagra som { $path }.
recovery-not-saved = Ikkje lagra: { $detail }
patient-not-saved = Svaret vart ikkje lagra. Hent personalet. ({ $detail })

## The data manager's page
batch-sealed = forsegla
batch-delivered = levert
batch-confirmed = stadfesta
batch-purged = sletta frå nettbrettet
via-folder = mappa { $path }
via-upload = opplasting til { $url } ({ $project }, { $group })
key-practice = Øvingsnøkkel for forsking på dette demonettbrettet (fingeravtrykk { $fingerprint }): batchar forsegla til han er til øving, ikkje for forskingslageret.
key-fingerprint = Fingeravtrykk for forskingsnøkkelen: { $fingerprint }
key-none = Ingen forskingsnøkkel er sett: batchar kan ikkje forseglast (kohort device set-research-key research.pub).
unbatched = Utfylte økter som enno ikkje er i ein batch: { $count }
last-delivery = Siste levering: batch { $batch } { $at } via { $via }
last-delivery-none = Siste levering: ingen enno
seal-button = Forsegl ein ny batch
batches-title = Batchar
batches-none = Ingen batch er forsegla enno.
batches-batch = Batch
batches-sealed = Forsegla
batches-sessions = Økter
batches-where = Levert / stadfesta
batches-confirmed-on = stadfesta { $day }
batches-file-missing = FILA MANGLAR i utboksen
batches-unchecked = { $via }, ikkje sett av kontrollen til tenaren: kvitteringa vil vise det
batches-in-outbox = i utboksen
batches-missing =
    { $count ->
        [one] Éi batchfil manglar i utboksen ({ $outbox }) og kan ikkje leverast frå dette nettbrettet; dei andre går likevel. Svara vert verande på nettbrettet. Sjå rettleiinga for dataansvarlege, «Ei batchfil manglar».
       *[other] { $count } batchfiler manglar i utboksen ({ $outbox }) og kan ikkje leverast frå dette nettbrettet; dei andre går likevel. Svara vert verande på nettbrettet. Sjå rettleiinga for dataansvarlege, «Ei batchfil manglar».
    }
batches-reseal = Forsegl dei manglande batchane på nytt
deliver-title = Lever
deliver-awaiting =
    { $count ->
        [one] Éin batch ventar på kvittering; kvar levering sender alle.
       *[other] { $count } batchar ventar på kvittering; kvar levering sender alle.
    }
deliver-copy-stick = Kopier til minnepinnen { $stick }
deliver-no-stick = Ingen minnepinne er sett inn.
deliver-other-folder = Anna mappe …
deliver-folder = Mappe
deliver-copy-folder = Kopier til mappe
deliver-stop = Stopp
tsd-address = TSD-adresse
tsd-project = Prosjekt
tsd-group = Gruppe (valfri)
tsd-token = Tokenfil
tsd-upload = Last opp til TSD
progress-starting = { $what }: startar
progress-file = { $what }: { $file } ({ $delivered } levert)
progress-stopped = { $what }: stoppa, { $delivered } levert
progress-done = { $what }: ferdig, { $delivered } levert
progress-failed = Ikkje levert: { $detail }
receipt-title = Kvittering og sletting
receipt-file = Kvitteringsfil
receipt-apply = Bruk kvitteringa
retention-body = Svar i stadfesta batchar vert haldne på i { $days } dagar og kan så slettast; { $sessions } økter kan slettast no. Ingenting ustadfesta vert nokon gong sletta.
retention-field = Hald på (dagar)
purge-button = Slett { $sessions } økter
purge-title = Slette svar frå dette nettbrettet?
purge-body = Svara i { $sessions } økter forlèt dette nettbrettet for godt. Forskingslageret har stadfesta at det har dei; øktene vert ståande i planen.
purge-now = Slett { $sessions } økter no

## The in-app keyboard for a field
key-keyboard-for = Tastatur: { $field }
key-done = Ferdig

## The participant list
home-search-field = Søk

## Dialogs (more)
missed-reason-field = Grunn

## Read-aloud
read-aloud = Les opp
read-aloud-option = Les opp: { $option }
read-aloud-all = Les opp alt for meg
read-aloud-participant = Les opp alt for denne deltakaren (pasientmodus)
read-aloud-heading = Opplesing
read-aloud-works = Opplesing verkar: pasientane ser høgtalarknappane.
read-aloud-off = Opplesing er ikkje slått på i denne appen. Høgtalarknappane er skjulte for pasientane.
read-aloud-no-device = Opplesing verkar ikkje: fann inga lydeining ({ $detail }). Høgtalarknappane er skjulte for pasientane.
read-aloud-no-voice = Opplesing verkar ikkje: inga norsk eller engelsk stemme (installer pakken espeak-ng). Høgtalarknappane er skjulte for pasientane.
patient-high-contrast = Høg kontrast
