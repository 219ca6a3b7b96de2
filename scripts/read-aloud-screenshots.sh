#!/usr/bin/env bash
# Screenshots of read-aloud (speaker buttons) and the high-contrast look in
# patient mode, through `kohort forms preview` under Xvfb. The machine that
# takes them needs no sound card: ALSA is pointed at its null device, so
# read-aloud opens a "device" and shows its buttons as on a tablet.
# Usage: scripts/read-aloud-screenshots.sh OUTDIR
# Needs: xvfb, imagemagick, xdotool, espeak-ng.
set -euo pipefail
out=${1:?usage: scripts/read-aloud-screenshots.sh OUTDIR}
mkdir -p "$out"
cd "$(dirname "$0")/.."
. scripts/private-binary.sh
printf 'pcm.!default { type null }\nctl.!default { type hw card 0 }\n' >"$tmp/asoundrc"
export ALSA_CONFIG_PATH="$tmp/asoundrc"
export XDG_CACHE_HOME="$tmp/cache"

size=1280x800
display=":$((90 + RANDOM % 9))"
while [ -e "/tmp/.X${display#:}-lock" ]; do display=":$((90 + RANDOM % 9))"; done
Xvfb "$display" -screen 0 "${size}x24" >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 1

# shot NAME FORM ITEM [preview options...]
shot() {
  local name=$1 form=$2 item=$3
  shift 3
  DISPLAY=$display "$bin" forms preview "$form" --at "$item" --size "$size" "$@" \
    >"$tmp/$name.log" 2>&1 &
  local app=$!
  sleep 6
  DISPLAY=$display import -window root "$out/${size}-$name.png"
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
}

shot read_aloud-single_choice adverse_event o_type
shot read_aloud-matrix baseline i_symptoms
shot high_contrast-single_choice adverse_event o_type --high-contrast
shot high_contrast-matrix baseline i_symptoms --high-contrast
shot high_contrast-scale baseline d_hungry --high-contrast


# Pictures beside a question and an option: a copy of the study with two
# drawn PNGs under media/.
study="$tmp/study"
mkdir -p "$study/media"
cp forms/*.json "$study/"
convert -size 300x200 xc:white -fill '#0B3D91' -draw "polygon 40,100 150,15 260,100" \
  -draw "rectangle 70,100 230,190" -fill white -draw "rectangle 130,130 170,190" \
  "$study/media/home.png"
convert -size 200x100 xc:white -fill '#8A3B00' -draw "circle 50,50 50,15" \
  -draw "rectangle 80,42 185,58" -draw "rectangle 150,58 165,80" "$study/media/key.png"
python3 - "$study/housing.json" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('"id": "b_living",', '"id": "b_living", "image": {"file": "media/home.png", "alt": {"nb": "Et hus", "en": "A house"}},', 1)
old = '{"code": 1, "text": {"nb": "I egen bolig som jeg eier", "en": "In a home I own"}}'
new = old[:-1] + ', "image": {"file": "media/key.png", "alt": {"nb": "En nøkkel", "en": "A key"}}}'
s = s.replace(old, new, 1)
open(p, "w").write(s)
PY
shot pictures-single_choice baseline b_living --forms "$study"
