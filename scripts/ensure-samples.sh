#!/usr/bin/env bash
# Second step of `npm test` (the `pretest` script, after ensure-system-deps.sh): makes sure the
# render-time npm samples of `timbrescope synth --realism sampled` are in their cache folder, OUTSIDE
# the project's node_modules (they are data the synthesiser reads, not code it imports):
# Salamander Grand Piano V3, five of its 16 velocity layers (samples CC BY 3.0 Alexander Holm,
# npm packaging MIT Jan Forst), ~23 MB. The folder is the one src/data/synth/sample-sets.ts reads:
# $TIMBRESCOPE_SAMPLES, else ${XDG_CACHE_HOME:-~/.cache}/timbrescope/samples.
#
#   all there        -> exits 0 at once, silently
#   missing          -> npm installs them there (pinned versions), then exits 0
# The package list must equal sample-sets.ts SALAMANDER_LAYERS / SALAMANDER_VERSION
# (test/unit/data/synth/salamander.test.ts checks it).
set -euo pipefail
dir="${TIMBRESCOPE_SAMPLES:-${XDG_CACHE_HOME:-$HOME/.cache}/timbrescope/samples}"
layers=(4 7 10 13 16)
version="1.0.5"

pkgs=()
for v in "${layers[@]}"; do
  [ -f "$dir/node_modules/@audio-samples/piano-velocity$v/audio/C4v$v.ogg" ] || pkgs+=("@audio-samples/piano-velocity$v@$version")
done
[ "${#pkgs[@]}" -eq 0 ] && exit 0

echo "installing the Salamander piano samples the tests need into $dir: ${pkgs[*]}" >&2
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --save-exact "${pkgs[@]}" >&2
