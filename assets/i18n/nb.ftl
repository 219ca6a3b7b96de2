
## Patient mode
patient-back = ← Tilbake
patient-next = Neste →
patient-decline = Vil ikke svare
patient-not-recorded = Ikke registrert / ukjent
patient-pause = Pause
patient-progress = Spørsmål { $step } av omtrent { $total }
patient-text-normal = Normal tekst
patient-text-large = Stor tekst
patient-text-larger = Større tekst
patient-next-again = Trykk «Neste» en gang til for å gå videre uten å svare.
patient-more-below = Flere svar nedenfor ↓
patient-end = Du har kommet til slutten av skjemaet.
patient-finish = Fullfør

## Why an answer was not accepted
invalid-wrong = Dette svaret passer ikke her.
invalid-exclusive = Dette valget kan ikke kombineres med andre.
invalid-range-both = Skriv et tall fra { $min } til { $max }.
invalid-range-min = Skriv et tall på { $min } eller mer.
invalid-range-max = Skriv et tall på { $max } eller mindre.
invalid-days = Skriv et antall dager fra 0 til { $max }.
invalid-too-long = Teksten er for lang (høyst { $max } tegn).

## Answer widgets
answer-days-range = 0–{ $max } dager
answer-use-date = Bruk denne datoen

## Handing the tablet back
handback-finished = Takk for svarene dine!
handback-finished-body = Gi nettbrettet tilbake til personalet.
handback-paused = Svarene dine er lagret.
handback-paused-body = Gi nettbrettet tilbake til personalet. Du kan fortsette en annen gang.
handback-unsaved = Gi nettbrettet til personalet.
handback-unsaved-body = Personalet hjelper deg videre.
handback-staff = Personale

## Touch widgets
date-day = dag
date-month = måned
date-year = år
key-delete = Slett
key-clear = Tøm
key-space = Mellomrom
key-capitals = Store bokstaver
key-keyboard = Tastatur

## Unlocking
unlock-passphrase = Passordfrase
unlock-button = Lås opp
unlock-wrong = Feil passordfrase. Prøv igjen.
unlock-wrong-wait = Feil passordfrase. Vent { $seconds } s før neste forsøk.

## First start and the recovery key
setup-title = Sett opp dette nettbrettet
setup-intro = Kohort holder alle svar forseglet på dette nettbrettet. Velg et navn på nettbrettet og en passordfrase for personalet.
setup-name = Navn på nettbrettet
setup-name-hint = f.eks. Oslo nettbrett 1
setup-passphrase = Passordfrase for personalet
setup-again = Passordfrasen en gang til
setup-differ = De to passordfrasene er ulike.
setup-create = Opprett
recovery-title = Gjenopprettingsnøkkel
recovery-intro = Hvis passordfrasen blir glemt, er denne nøkkelen den eneste måten å åpne svarene på dette nettbrettet. Den vises bare nå: skriv den ned, ta bilde av den eller lagre den på en minnepinne, og lås den inn.
recovery-save-to = Lagre på { $place }
recovery-no-stick = Sett inn en minnepinne for å lagre nøkkelen som en fil.
recovery-ask = For å vise at nøkkelen er notert: skriv gruppe { $first } og gruppe { $second }:
recovery-group = Gruppe { $number }
recovery-noted = Jeg har notert den: fortsett
unlock-title = Kohort er låst
unlock-staff-passphrase = Passordfrase for personalet
unlock-forgotten = Glemt passordfrasen: bruk gjenopprettingsnøkkelen
unlock-recovery-key = Gjenopprettingsnøkkel
unlock-with-recovery = Åpne med gjenopprettingsnøkkelen

## The staff home
home-study-tablet = { $study } · nettbrett { $tablet }
home-lock = Lås
home-settings = Innstillinger
home-data-manager = Dataansvarlig
home-today = I dag
home-demo = DEMONETTBRETT: syntetiske øvingsdata. Ikke for ekte deltakere; studiens forskningslager avviser batchene herfra.
home-participant-gone = Denne deltakeren er ikke lenger på nettbrettet.
home-participants = Deltakere
home-enrol = Registrer deltaker
home-search = Søk på studiekode eller merkelapp
today-title = Dagens arbeid · { $day }
today-no-participants = Ingen deltakere ennå – registrer den første med «Registrer deltaker».
today-nothing-due = Ingenting skal gjøres i dag.
work-participant = Deltaker
work-form = Skjema
work-state = Status
work-window = Tidsvindu
work-open = Åpne { $code }: { $title }
form-by-staff = { $title } (personalet)
window-from = fra { $day }
sites-title = Steder
sites-site = Sted
sites-participants = Deltakere
sites-due = Skal gjøres nå
sites-late = Forsinket
sites-paused = På pause

## Schedule states
state-upcoming = kommende
state-open = åpen nå
state-late =
    { $days ->
        [one] forsinket, { $days } dag
       *[other] forsinket, { $days } dager
    }
state-late-suffix = , forsinket { $days } d
state-in-progress = pågår
state-paused = pause
state-completed = utfylt { $on }
state-completed-off = utfylt { $on } ({ $days } d)
state-missed = ikke utfylt
state-missed-why = ikke utfylt: { $why }
state-not-applicable = ikke aktuell
state-closed = ikke samlet inn (episode avsluttet)
state-available = kan startes
state-withdrawn = samtykke trukket

## A participant's page
yes = ja
no = nei
participant-title = Deltaker { $code }
participant-label = Merkelapp: { $label }
participant-site = Sted { $site } · registrert { $enrolled }
participant-consent = Samtykke { $date } (versjon { $version }) · intervju: { $interview } · pårørende: { $relatives }
participant-withdraw = Trekk samtykke …
participant-withdrawn = Samtykket ble trukket { $on }: ingenting mer samles inn. Svar gitt før beholdes.
participant-no-episode = Ingen behandlingsepisode er registrert.
episode-title = Behandlingsepisode
episode-current = Episode { $number } (nåværende)
episode-earlier = Episode { $number } · { $from } – { $to } (kan bare leses)
episode-correct-anchor = Rett startdato …
episode-ended = · Behandlingen ble avsluttet { $on }: { $how }
episode-new = Start ny episode …
episode-end = Registrer avsluttet behandling …
timeline-target = Måldato
timeline-opens = kommende, åpner { $day }
timeline-open-until = åpen til { $day }
timeline-at-store = { $state } · i forskningslageret
row-resume-patient = Fortsett med pasienten
row-continue = Fortsett
row-give = Gi til pasienten
row-record-new = Registrer ny
row-fill-in = Fyll ut
row-missed = Ikke utfylt …
row-missed-name = Marker som ikke utfylt: { $title }

## Dialogs over a participant's page
dialog-cancel = Avbryt
end-completed = Fullført behandling
end-dropped-out = Falt fra
end-transferred = Overført
end-discharged = Utskrevet
end-died = Døde
end-other = Annet
missed-title = Marker { $title } som ikke utfylt
missed-why = Hvorfor?
missed-reason = Grunn (lagres forseglet)
missed-more = Mer om det (valgfritt, lagres forseglet)
missed-save = Lagre som ikke utfylt
anchor-title = Rett startdatoen
anchor-body = Tillatt til baseline er utfylt; endringen logges.
anchor-new = Ny startdato
anchor-save = Lagre startdato
end-title = Avsluttet behandling
end-body = Begge skjemaene for avsluttet behandling blir aktuelle; senere tidspunkter samles ikke lenger inn.
end-date = Sluttdato
end-save = Registrer avsluttet behandling
new-episode-title = Tilbake i behandling
new-episode-body = En ny episode får egen startdato og plan; tidligere episoder blir stående som de er.
new-episode-save = Start ny episode
withdraw-title = Trekk samtykke
withdraw-body = Dette stopper alle videre spørreskjemaer for denne deltakeren. Svar som allerede er gitt, beholdes slik protokollen sier, og tilbaketrekkingen sendes til forskningslageret.
withdraw-date = Trukket
withdraw-save = Bekreft tilbaketrekking

## Enrolment
enrol-title = Registrer en deltaker
enrol-code = Studiekode
enrol-code-example = f.eks. HAB-OSL-0001
enrol-code-like = som { $pattern } (# er et siffer)
enrol-site-hint = f.eks. OSL
enrol-label = Merkelapp (valgfri, forseglet)
enrol-label-hint = vises bare for personalet
enrol-consent-date = Samtykkedato
enrol-consent-version = Versjon av samtykkeskjemaet
enrol-consent-version-hint = f.eks. 1.0
enrol-interview = Kan kontaktes for intervju
enrol-relatives = Pårørende kan kontaktes
enrol-anchor = Første behandlingsdag (startdato)
enrol-began-before = Behandlingen startet før samtykket: det stemmer
enrol-button = Registrer
enrol-code-empty = Studiekoden mangler.
enrol-code-shape = Studiekoden må se ut som { $pattern } (# er et siffer, A en stor bokstav).
enrol-code-site = Studiekoden hører til sted { $coded }, men valgt sted er { $chosen }.
enrol-no-site = Velg sted.
enrol-anchor-early = Første behandlingsdag er før samtykkedatoen: rett en dato, eller bekreft at behandlingen startet før samtykket.
enrol-no-version = Oppgi versjonen av samtykkeskjemaet.

## What the data manager is told
deliver-nothing = Alle forseglede batcher er bekreftet: ingenting å levere.
seal-nothing = Ingen utfylt økt venter: ingenting ble forseglet.
seal-done =
    { $sessions ->
        [one] Forseglet batch { $seq } med én økt i utboksen.
       *[other] Forseglet batch { $seq } med { $sessions } økter i utboksen.
    }
reseal-nothing = Alle batchfilene er i utboksen: ingenting ble forseglet på nytt.
reseal-done =
    { $count ->
        [one] Forseglet på nytt fra svarene på nettbrettet: batch { $batches }.
       *[other] Forseglet på nytt fra svarene på nettbrettet: batchene { $batches }.
    }
receipt-nothing-new = Kvitteringen er ekte; den bekrefter ingen ny batch.
receipt-confirmed =
    { $count ->
        [one] Kvitteringen er ekte: batch { $batches } er bekreftet.
       *[other] Kvitteringen er ekte: batchene { $batches } er bekreftet.
    }
purge-done =
    { $sessions ->
        [one] Slettet svarene i én økt; økta blir stående i planen.
       *[other] Slettet svarene i { $sessions } økter; øktene blir stående i planen.
    }
purge-remains = Noen slettede byte kan bli liggende til neste sletting.

## Settings
settings-title = Innstillinger
settings-language = Språk på personalskjermene
settings-idle =
    { $minutes ->
        [0] Personalskjermene låses aldri av seg selv.
        [one] Personalskjermene låses etter ett minutt uten berøring (0: aldri).
       *[other] Personalskjermene låses etter { $minutes } minutter uten berøring (0: aldri).
    }
settings-idle-field = Lås etter (minutter)
settings-save = Lagre
settings-idle-wrong = Skriv et helt antall minutter, 0 til { $max }.
settings-tablet = Dette nettbrettet
settings-tablet-name = Navn: { $name }
settings-fingerprint = Fingeravtrykk: { $fingerprint }
settings-fingerprint-why = Forskningslageret spør etter dette fingeravtrykket før det stoler på batcher fra dette nettbrettet: les det opp for dem.
settings-passphrase = Passordfrase for personalet
settings-passphrase-body = En ny passordfrase for alle som bruker dette nettbrettet: fire eller fem tilfeldige ord. Gjenopprettingsnøkkelen forblir som den er.
settings-new-passphrase = Ny passordfrase
settings-new-again = Ny passordfrase en gang til
settings-passphrase-changed = Passordfrasen er endret. Si fra til personalet som bruker dette nettbrettet.
settings-change-passphrase = Endre passordfrase

## Errors
error-wrong-recovery = Feil gjenopprettingsnøkkel.
error-malformed-recovery = Det er ikke en gjenopprettingsnøkkel: den har 13 grupper på 4 bokstaver og tall.
error-weak-passphrase = Passordfrasen er for lett å gjette. Bruk fire eller fem tilfeldige ord.
error-duplicate-code = Studiekoden { $code } er allerede i bruk.
error-busy = En overføring pågår; vent på den eller stopp den først.
error-kind-credentials = Feil passordfrase eller nøkkel
error-kind-too-soon = For mange forsøk: vent litt
error-kind-disk-full = Disken er full: ingenting mer kan lagres, men det som alt er lagret, er trygt
error-kind-tampered = Forseglede data åpnes ikke: de er endret, skadet eller flyttet
error-kind-refused = Ikke tillatt
error-kind-invalid = Passer ikke
error-kind-locked = Nettbrettet er låst
error-kind-unavailable = Fant ikke filen, mappen eller tjeneren
error-kind-other = Noe gikk galt
error-with-detail = { $what }. Detaljer: { $detail }

## Locking and saving
locked-idle = Låst etter en stund uten bruk.
locked-idle-unpaused = Låst etter en stund uten bruk; skjemaet ble ikke satt på pause: { $detail }
handback-check-storage = Noe ble ikke lagret. Sjekk lagringen.
recovery-saved = Lagret som { $path }.
recovery-not-saved = Ikke lagret: { $detail }
patient-not-saved = Svaret ble ikke lagret. Hent personalet. ({ $detail })

## The data manager's page
batch-sealed = forseglet
batch-delivered = levert
batch-confirmed = bekreftet
batch-purged = slettet fra nettbrettet
via-folder = mappen { $path }
via-upload = opplasting til { $url } ({ $project }, { $group })
key-practice = Øvingsnøkkel for forskning på dette demonettbrettet (fingeravtrykk { $fingerprint }): batcher forseglet til den er til øving, ikke for forskningslageret.
key-fingerprint = Fingeravtrykk for forskningsnøkkelen: { $fingerprint }
key-none = Ingen forskningsnøkkel er satt: batcher kan ikke forsegles (kohort device set-research-key research.pub).
unbatched = Utfylte økter som ennå ikke er i en batch: { $count }
last-delivery = Siste levering: batch { $batch } { $at } via { $via }
last-delivery-none = Siste levering: ingen ennå
seal-button = Forsegl en ny batch
batches-title = Batcher
batches-none = Ingen batch er forseglet ennå.
batches-batch = Batch
batches-sealed = Forseglet
batches-sessions = Økter
batches-where = Levert / bekreftet
batches-confirmed-on = bekreftet { $day }
batches-file-missing = FILEN MANGLER i utboksen
batches-unchecked = { $via }, ikke sett av tjenerens kontroll: kvitteringen vil vise det
batches-in-outbox = i utboksen
batches-missing =
    { $count ->
        [one] Én batchfil mangler i utboksen ({ $outbox }) og kan ikke leveres fra dette nettbrettet; de andre går likevel. Svarene blir på nettbrettet. Se veiledningen for dataansvarlige, «En batchfil mangler».
       *[other] { $count } batchfiler mangler i utboksen ({ $outbox }) og kan ikke leveres fra dette nettbrettet; de andre går likevel. Svarene blir på nettbrettet. Se veiledningen for dataansvarlige, «En batchfil mangler».
    }
batches-reseal = Forsegl de manglende batchene på nytt
deliver-title = Lever
deliver-awaiting =
    { $count ->
        [one] Én batch venter på kvittering; hver levering sender alle.
       *[other] { $count } batcher venter på kvittering; hver levering sender alle.
    }
deliver-copy-stick = Kopier til minnepinnen { $stick }
deliver-no-stick = Ingen minnepinne er satt inn.
deliver-other-folder = Annen mappe …
deliver-folder = Mappe
deliver-copy-folder = Kopier til mappe
deliver-stop = Stopp
tsd-address = TSD-adresse
tsd-project = Prosjekt
tsd-group = Gruppe (valgfri)
tsd-token = Tokenfil
tsd-upload = Last opp til TSD
progress-starting = { $what }: starter
progress-file = { $what }: { $file } ({ $delivered } levert)
progress-stopped = { $what }: stoppet, { $delivered } levert
progress-done = { $what }: ferdig, { $delivered } levert
progress-failed = Ikke levert: { $detail }
receipt-title = Kvittering og sletting
receipt-file = Kvitteringsfil
receipt-apply = Bruk kvitteringen
retention-body = Svar i bekreftede batcher beholdes i { $days } dager og kan så slettes; { $sessions } økter kan slettes nå. Ingenting ubekreftet slettes noen gang.
retention-field = Behold (dager)
purge-button = Slett { $sessions } økter
purge-title = Slette svar fra dette nettbrettet?
purge-body = Svarene i { $sessions } økter forlater dette nettbrettet for godt. Forskningslageret har bekreftet at det har dem; øktene blir stående i planen.
purge-now = Slett { $sessions } økter nå

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
read-aloud-participant = Les opp alt for denne deltakeren (pasientmodus)
read-aloud-heading = Opplesing
read-aloud-works = Opplesing virker: pasientene ser høyttalerknappene.
read-aloud-off = Opplesing er ikke slått på i denne appen. Høyttalerknappene er skjult for pasientene.
read-aloud-no-device = Opplesing virker ikke: fant ingen lydenhet ({ $detail }). Høyttalerknappene er skjult for pasientene.
read-aloud-no-voice = Opplesing virker ikke: ingen norsk eller engelsk stemme (installer pakken espeak-ng). Høyttalerknappene er skjult for pasientene.
patient-high-contrast = Høy kontrast
