#!/usr/bin/env bash
# The runner step side by side with SurveyJS (survey-core from npm), in one
# run on this machine: the same 500-item chained questionnaire, the same
# step (set item 250, then visibility and progress). Prints each side's
# median and p99 and the ratios. Needs node and npm; installs survey-core
# into a temporary folder that is removed afterwards.
#
# usage: scripts/bench-vs-surveyjs.sh [STEPS]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-2000}"
version=3.1.1

command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "node and npm are needed (apt-get install nodejs npm)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp scripts/surveyjs/step.js "$tmp/"
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "survey-core@$version" >/dev/null)

echo "building the Rust side (cargo bench --no-run)…" >&2
cargo bench --bench forms --no-run --quiet 2>/dev/null || cargo bench --bench forms --no-run

read -r k50 k99 < <(KOHORT_BENCH_RAW="$steps" cargo bench --quiet --bench forms 2>/dev/null | tail -1)
read -r p50 p99 < <(node "$tmp/step.js" "$steps" page)
read -r s50 s99 < <(node "$tmp/step.js" "$steps" single)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
printf '%-44s %12s %12s\n' "runner step, $steps steps (µs)" median p99
printf '%-44s %12s %12s\n' "Kohort" "$k50" "$k99"
printf '%-44s %12s %12s\n' "SurveyJS $version, a page per question" "$p50" "$p99"
printf '%-44s %12s %12s\n' "SurveyJS $version, one page" "$s50" "$s99"
printf '%-44s %11s× %11s×\n' "Kohort faster than a page per question" "$(ratio "$p50" "$k50")" "$(ratio "$p99" "$k99")"
printf '%-44s %11s× %11s×\n' "Kohort faster than one page" "$(ratio "$s50" "$k50")" "$(ratio "$s99" "$k99")"
