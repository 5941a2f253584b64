#!/usr/bin/env bash
# Renders assets/demo/demo-clip.flac: a 16 s sketch (plucked chords, square-wave bass, synthetic kick and
# hi-hat) made only with sox's synthesiser, so it carries no third-party licence. Deterministic except for
# sox's noise generator, which is seeded with -R. Used by `npm start` until the synthetic corpus provides songs.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
S="sox -R -q"
# Four bars of 4 s... two passes of C - Am - F - G at 120 BPM (one chord per 2 s bar).
chords=("C4 E4 G4" "A3 C4 E4" "F3 A3 C4" "G3 B3 D4")
bass=(C2 A1 F1 G1)
parts=()
i=0
for pass in 1 2; do
  for k in 0 1 2 3; do
    read -r n1 n2 n3 <<<"${chords[$k]}"
    $S -n -r 22050 -c 1 "$tmp/ch$i.wav" synth 2 pluck "$n1" pluck "$n2" pluck "$n3" remix - gain -14
    $S -n -r 22050 -c 1 "$tmp/bs$i.wav" synth 0.45 square "${bass[$k]}" fade 0.005 0.45 0.1 pad 0 0.05 gain -16 repeat 3 lowpass 900
    parts+=("$tmp/ch$i.wav"); i=$((i+1))
  done
done
$S "${parts[@]}" "$tmp/chords.wav"
bparts=(); for j in $(seq 0 7); do bparts+=("$tmp/bs$j.wav"); done
$S "${bparts[@]}" "$tmp/bass.wav"
# Kick on every beat (0.5 s), hat on every off-beat.
$S -n -r 22050 -c 1 "$tmp/kick.wav" synth 0.25 sine 120:40 fade 0 0.25 0.2 pad 0 0.25 gain -6 repeat 31
$S -n -r 22050 -c 1 "$tmp/hat.wav" synth 0.05 whitenoise fade 0 0.05 0.045 gain -18 highpass 7000 pad 0.25 0.2 repeat 31
$S -m "$tmp/chords.wav" "$tmp/bass.wav" "$tmp/kick.wav" "$tmp/hat.wav" -b 16 assets/demo/demo-clip.flac norm -3 trim 0 16
echo "wrote assets/demo/demo-clip.flac"
