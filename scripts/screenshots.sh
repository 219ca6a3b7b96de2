#!/usr/bin/env bash
# Screenshots of every patient screen type and the staff screens, at two
# tablet sizes, under Xvfb.
# Usage: scripts/screenshots.sh OUTDIR
# Needs: xvfb, imagemagick, xdotool and openbox
# (apt-get install xvfb imagemagick xdotool openbox).
set -euo pipefail
out=${1:?usage: scripts/screenshots.sh OUTDIR}
mkdir -p "$out"
cd "$(dirname "$0")/.."
. scripts/private-binary.sh

# shoot NAME COMMAND...: starts COMMAND, waits until its window has drawn
# (a busy machine is slow), and saves OUTDIR/SIZE-NAME.png. Leaves it running
# as $app for further input; stop_app ends it.
shoot() {
  local name=$1 png
  shift
  png="$out/${size}-${name}.png"
  DISPLAY=$display "$@" >"$tmp/$name.log" 2>&1 &
  app=$!
  for _ in $(seq 40); do
    sleep 1
    DISPLAY=$display import -window root "$png" 2>/dev/null || continue
    mean=$(convert "$png" -format '%[fx:mean]' info: 2>/dev/null || echo 0)
    if awk "BEGIN { exit !($mean > 0.05) }"; then
      sleep 1 # let it finish the frame
      DISPLAY=$display import -window root "$png"
      return 0
    fi
  done
  echo "no picture of $name; its output:" >&2
  cat "$tmp/$name.log" >&2
  return 1
}
stop_app() {
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
}

# name  form  item (or pause / end for the hand-back and thank-you screens)
previews=(
  "yes_no baseline a_born_norway"
  "year baseline a_birth_year"
  "scale baseline d_hungry"
  "scale_11 baseline e_craving"
  "days baseline e_heroin"
  "slider baseline h_health_today"
  "matrix baseline i_symptoms"
  "note baseline i_note_longterm"
  "integer baseline k_gp"
  "multi_choice medication n_other_meds"
  "decimal medication n_dam_am_mg"
  "single_choice adverse_event o_type"
  "date adverse_event o_date"
  "long_text adverse_event o_description"
  "hand_back baseline pause"
  "thank_you baseline end"
)

# A demo tablet whose batches are in every state for the data manager's page:
# 1 confirmed by the research store's receipt, 2 delivered to a folder,
# 3 sealed, and newer completed sessions not yet in a batch.
(
  export KOHORT_PASSPHRASE=demo-passphrase
  cd "$tmp"
  "$bin" demo --db demo.db --participants 9 --seed 7 --forms "$OLDPWD/forms"
  "$bin" store keygen --out research-keys --study hab
  "$bin" device set-research-key research-keys/research.pub --db demo.db
  "$bin" export --db demo.db
  mkdir stick
  "$bin" deliver --db demo.db --to stick --same-disk
  fp=$("$bin" device show --db demo.db | sed -n 's/^fingerprint: //p')
  "$bin" store devices add "$fp" --site Oslo --name "Demo tablet" --store store
  "$bin" store import --key research-keys --in stick --store store --allow-demo
  "$bin" receipt store/receipts/*.receipt --db demo.db
  "$bin" demo --db demo.db --participants 1 --seed 8 --forms "$OLDPWD/forms"
  "$bin" export --db demo.db
  "$bin" deliver --db demo.db --to stick --same-disk
  "$bin" demo --db demo.db --participants 1 --seed 9 --forms "$OLDPWD/forms"
  "$bin" export --db demo.db
  "$bin" demo --db demo.db --participants 1 --seed 10 --forms "$OLDPWD/forms"
) >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; exit 1; }

for size in 1280x800 1920x1200; do
  display=":$((90 + RANDOM % 9))"
  while [ -e "/tmp/.X${display#:}-lock" ]; do display=":$((90 + RANDOM % 9))"; done
  Xvfb "$display" -screen 0 "${size}x24" >/dev/null 2>&1 &
  xvfb=$!
  sleep 1
  for p in "${previews[@]}"; do
    read -r name form item <<<"$p"
    shoot "$name" "$bin" forms preview "$form" --at "$item" --size "$size"
    stop_app
    # The same screen at the largest text size.
    shoot "$name-larger" "$bin" forms preview "$form" --at "$item" --size "$size" --text larger
    stop_app
  done

  # Staff screens, maximised by a window manager so that they use the
  # whole screen: set-up on a new database; unlock and home on a demo one.
  DISPLAY=$display openbox >/dev/null 2>&1 &
  wm=$!
  sleep 1
  width=${size%x*}
  mid=$((width / 2))
  rm -f "$tmp/new.db"
  # The locked screens are cards centred on the screen: fields sit at fixed
  # offsets from its middle. The staff screens are in bokmål, the default.
  shoot setup "$bin" --db "$tmp/new.db"
  sleep 2
  DISPLAY=$display import -window root "$out/${size}-setup.png"
  DISPLAY=$display xdotool mousemove $((mid + 120)) 308 click 1 # tablet name
  DISPLAY=$display xdotool type --delay 30 "Oslo nettbrett 1"
  DISPLAY=$display xdotool mousemove $((mid + 120)) 364 click 1 # passphrase
  DISPLAY=$display xdotool type --delay 30 demo-passphrase
  DISPLAY=$display xdotool mousemove $((mid + 120)) 420 click 1 # passphrase again
  DISPLAY=$display xdotool type --delay 30 demo-passphrase
  # The in-app keyboard, docked at the bottom, typing into the name.
  DISPLAY=$display xdotool mousemove $((mid + 339)) 308 click 1
  sleep 1
  DISPLAY=$display import -window root "$out/${size}-setup_keyboard.png"
  DISPLAY=$display xdotool mousemove $((mid + 339)) 308 click 1
  sleep 1
  DISPLAY=$display xdotool mousemove $((mid - 240)) 484 click 1 # Opprett
  sleep 5 # Argon2id, deliberately slow
  DISPLAY=$display import -window root "$out/${size}-recovery.png"
  stop_app
  shoot unlock "$bin" --db "$tmp/demo.db"
  sleep 2
  DISPLAY=$display import -window root "$out/${size}-unlock.png"
  # The passphrase field has the focus.
  DISPLAY=$display xdotool type --delay 30 demo-passphrase
  DISPLAY=$display xdotool key Return
  sleep 5 # unlocking derives the key with Argon2id: deliberately slow
  DISPLAY=$display import -window root "$out/${size}-staff_home.png"
  DISPLAY=$display xdotool mousemove 117 334 click 1 # the first participant
  sleep 2
  DISPLAY=$display import -window root "$out/${size}-participant.png"
  DISPLAY=$display xdotool mousemove $((width - 333)) 45 click 1 # Dataansvarlig
  sleep 2
  DISPLAY=$display import -window root "$out/${size}-data_manager.png"
  DISPLAY=$display xdotool mousemove $((width - 183)) 45 click 1 # Innstillinger
  sleep 2
  DISPLAY=$display import -window root "$out/${size}-settings.png"
  DISPLAY=$display xdotool mousemove 117 165 click 1 # Registrer deltaker
  sleep 2
  DISPLAY=$display import -window root "$out/${size}-enrol.png"
  stop_app
  kill "$wm" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
done
echo "wrote $(ls "$out" | wc -l) screenshots to $out"
