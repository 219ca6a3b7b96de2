#!/usr/bin/env bash
# Screenshots of every patient screen type at two tablet sizes, under Xvfb.
# Usage: scripts/screenshots.sh OUTDIR
# Needs: xvfb and imagemagick (apt-get install xvfb imagemagick).
set -euo pipefail
out=${1:?usage: scripts/screenshots.sh OUTDIR}
mkdir -p "$out"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kohort-target}"
cargo build --quiet
# A private copy: another checkout sharing the target dir may rebuild it.
bin=$(mktemp)
cp "$CARGO_TARGET_DIR/debug/kohort" "$bin"
trap 'rm -f "$bin"' EXIT

# name  form  item
shots=(
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
)

for size in 1280x800 1920x1200; do
  display=":$((90 + RANDOM % 9))"
  Xvfb "$display" -screen 0 "${size}x24" >/dev/null 2>&1 &
  xvfb=$!
  sleep 1
  for shot in "${shots[@]}"; do
    read -r name form item <<<"$shot"
    w=${size%x*}; h=${size#*x}
    DISPLAY=$display "$bin" forms preview "$form" --at "$item" --size "${w}x${h}" >/dev/null 2>&1 &
    app=$!
    sleep 5
    DISPLAY=$display import -window root "$out/${size}-${name}.png"
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
  done
  kill "$xvfb" 2>/dev/null || true
done
echo "wrote $(ls "$out" | wc -l) screenshots to $out"
