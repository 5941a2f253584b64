#!/usr/bin/env bash
# Re-runs the instrument-activity model over real, freely licensed recordings that ship in Debian
# packages and prints one markdown table: per clip, the expected instruments, the top-3 classes by
# mean 1 s score (with the share of 1 s windows flagged active), the strong unexpected classes and a
# heuristic verdict. It is the "does it behave sensibly on real music" check of issue 6: the
# synthetic corpus is rendered from soundfonts, so a model can score well on it and still mistake a
# real distorted guitar for a clean guitar plus a singer (what models/default does).
#
# Usage: scripts/real-music-check.sh [MODEL_DIR]        (default: models/default)
#   REAL_MUSIC_KEEP=DIR   keep the rendered clips (22.05 kHz mono WAV) and result.json in DIR
#   REAL_MUSIC_TIMELINE=1 also print the 5 s timeline table of every clip
#
# Installs nothing. Needs: sox (with Ogg Vorbis + FLAC), node, a built dist/ (npm run build), and the
# Debian packages below (the script names the missing one and stops):
#   apt-get install -y --no-install-recommends fretsonfire-songs-muldjord fretsonfire-songs-sectoid \
#     sonic-pi-samples wesnoth-1.16-music singularity-music
#
# Verdict heuristic (a summary for humans, not a test): each expected slot ("a/b" = either class) is a
# hit when one of its classes is among the top (slots + 1) classes by mean score; sensible = all slots
# hit, partly = some, wrong = none. "strong unexpected" lists classes not expected whose mean score is
# >= 0.5, i.e. confident false positives.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:-$ROOT/models/default}"
FOF=/usr/share/games/fretsonfire/data/songs
SP=/usr/share/sonic-pi/samples
WES=/usr/share/games/wesnoth/1.16/data/core/music
SING=/usr/share/games/singularity/music

# id | apt package | licence | expected classes | trim start s | trim length s ("" = to end) |
# extra plays (sox repeat) | mix or cat | files separated by ';'
CLIPS=$(cat <<EOF
fof-armygeddon-guitar|fretsonfire-songs-muldjord|CC BY-SA 3.0|distorted-guitar|40|60|0|cat|$FOF/muldjord/armygeddon/guitar.ogg
fof-armygeddon-backing|fretsonfire-songs-muldjord|CC BY-SA 3.0|drums,electric-bass,distorted-guitar|40|60|0|cat|$FOF/muldjord/armygeddon/song.ogg
fof-armygeddon-mix|fretsonfire-songs-muldjord|CC BY-SA 3.0|drums,electric-bass,distorted-guitar|40|60|0|mix|$FOF/muldjord/armygeddon/song.ogg;$FOF/muldjord/armygeddon/guitar.ogg
fof-chaosgod-guitar|fretsonfire-songs-muldjord|CC BY-SA 3.0|distorted-guitar|40|60|0|cat|$FOF/muldjord/chaos_god/guitar.ogg
fof-chaosgod-mix|fretsonfire-songs-muldjord|CC BY-SA 3.0|drums,electric-bass,distorted-guitar|40|60|0|mix|$FOF/muldjord/chaos_god/song.ogg;$FOF/muldjord/chaos_god/guitar.ogg
fof-feelings-guitar-intro|fretsonfire-songs-sectoid|Expat|clean-guitar/acoustic-guitar|3|40|0|cat|$FOF/sectoid/Feelings/guitar.ogg
fof-feelings-guitar-lead|fretsonfire-songs-sectoid|Expat|distorted-guitar|95|60|0|cat|$FOF/sectoid/Feelings/guitar.ogg
fof-feelings-backing|fretsonfire-songs-sectoid|Expat|drums,electric-bass|50|60|0|cat|$FOF/sectoid/Feelings/song.ogg
fof-metalmadness-guitar|fretsonfire-songs-sectoid|Expat|distorted-guitar|30|60|0|cat|$FOF/sectoid/Metal madness/guitar.ogg
fof-metalmadness-mix|fretsonfire-songs-sectoid|Expat|drums,electric-bass,distorted-guitar|30|60|0|mix|$FOF/sectoid/Metal madness/song.ogg;$FOF/sectoid/Metal madness/guitar.ogg
sp-amen-break|sonic-pi-samples|CC0|drums|0||2|cat|$SP/loop_amen_full.flac
sp-tabla-loop|sonic-pi-samples|CC0|tabla|0||1|cat|$SP/loop_tabla.flac
sp-guitar-em9|sonic-pi-samples|CC0|clean-guitar/acoustic-guitar|0||0|cat|$SP/guit_em9.flac
sp-guitar-phrases|sonic-pi-samples|CC0|clean-guitar/acoustic-guitar|0||0|cat|$SP/guit_e_fifths.flac;$SP/guit_e_slide.flac;$SP/guit_harmonics.flac
sp-choir|sonic-pi-samples|CC0|vocalists/female-singer/male-singer|0||6|cat|$SP/ambi_choir.flac
sp-piano-chord|sonic-pi-samples|CC0|piano|0||3|cat|$SP/ambi_piano.flac
sp-tabla-guitar-mix|sonic-pi-samples|CC0|tabla,clean-guitar/acoustic-guitar|0|10|0|mix|$SP/loop_tabla.flac;$SP/guit_em9.flac
wes-love-theme|wesnoth-1.16-music|GPL-2+|strings,flute/violin|27|26|0|cat|$WES/love_theme.ogg
sing-awakening|singularity-music|CC BY-SA 3.0|synth|110|60|0|cat|$SING/Awakening.ogg
EOF
)

die() { echo "real-music-check: $*" >&2; exit 2; }
command -v sox >/dev/null || die "sox not found (apt-get install -y --no-install-recommends sox libsox-fmt-all)"
command -v node >/dev/null || die "node not found"
[[ -f "$ROOT/dist/bridge/cli.js" ]] || die "no build in $ROOT/dist: run 'npm run build' first"
[[ -f "$MODEL/model.json" ]] || die "no model.json in model directory '$MODEL'"

missing=""
while IFS='|' read -r id pkg _lic _exp _start _len _rep _mode files; do
  IFS=';' read -r -a paths <<<"$files"
  for p in "${paths[@]}"; do
    [[ -f "$p" ]] || missing+="  $p (clip $id): apt-get install -y --no-install-recommends $pkg"$'\n'
  done
done <<<"$CLIPS"
[[ -z "$missing" ]] || die "missing recordings:"$'\n'"$missing"

if [[ -n "${REAL_MUSIC_KEEP:-}" ]]; then WORK="$REAL_MUSIC_KEEP"; mkdir -p "$WORK"
else WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT; fi

wavs=()
while IFS='|' read -r id _pkg _lic _exp start len rep mode files; do
  IFS=';' read -r -a paths <<<"$files"
  # sox only mixes or concatenates inputs of equal rate and channel count: bring each to mono 22.05 kHz.
  parts=()
  for i in "${!paths[@]}"; do
    sox -q "${paths[$i]}" -b 16 "$WORK/$id.part$i.wav" remix - rate 22050 2>/dev/null || die "sox failed on ${paths[$i]}"
    parts+=("$WORK/$id.part$i.wav")
  done
  combine=(); [[ "$mode" == mix ]] && combine=(-m)
  effects=(trim "$start"); [[ -n "$len" ]] && effects+=("$len")
  [[ "$rep" != 0 ]] && effects+=(repeat "$rep")
  sox -q "${combine[@]}" "${parts[@]}" "$WORK/$id.wav" "${effects[@]}" 2>/dev/null || die "sox failed on clip $id"
  rm -f "${parts[@]}"
  wavs+=("$WORK/$id.wav")
done <<<"$CLIPS"

node "$ROOT/bin/timbrescope.js" analyze "${wavs[@]}" --model "$MODEL" --resolution 1 --format json \
  --out "$WORK/result.json" >/dev/null 2>"$WORK/analyze.log" || { cat "$WORK/analyze.log" >&2; die "analyze failed"; }

printf '%s\n' "$CLIPS" | node -e '
const fs = require("fs");
const result = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const clips = fs.readFileSync(0, "utf8").trim().split("\n").map((l) => l.split("|"));
const byFile = new Map(result.files.map((f) => [f.file.replace(/^.*\//, "").replace(/\.wav$/, ""), f]));
console.log(`model: ${result.model} (${process.argv[2]}), 1 s windows, scores = mean over windows, % = windows active`);
console.log("");
console.log("| clip | source (licence) | expected | top-3 predicted: mean score (% active) | expected classes | strong unexpected (mean>=0.5) | verdict |");
console.log("|---|---|---|---|---|---|---|");
const tally = { sensible: 0, partly: 0, wrong: 0 };
for (const [id, pkg, lic, expected] of clips) {
  const f = byFile.get(id);
  if (!f) { console.log(`| ${id} | ${pkg} | ${expected} | (no result) | | | wrong |`); tally.wrong++; continue; }
  const n = f.rows.length;
  const stats = f.classes.map((c, k) => ({
    c,
    mean: f.rows.reduce((s, r) => s + r.scores[k], 0) / n,
    act: f.rows.reduce((s, r) => s + r.active[k], 0) / n,
  }));
  const ranked = [...stats].sort((a, b) => b.mean - a.mean);
  const fmt = (s) => `${s.c} ${s.mean.toFixed(2)} (${Math.round(100 * s.act)}%)`;
  const slots = expected.split(",").map((s) => s.split("/"));
  const top = new Set(ranked.slice(0, slots.length + 1).map((s) => s.c));
  const hits = slots.filter((alts) => alts.some((a) => top.has(a))).length;
  const verdict = hits === slots.length ? "sensible" : hits > 0 ? "partly" : "wrong";
  tally[verdict]++;
  const wanted = new Set(slots.flat());
  const exp = stats.filter((s) => wanted.has(s.c)).map(fmt).join(", ");
  const strong = ranked.filter((s) => !wanted.has(s.c) && s.mean >= 0.5).map((s) => `${s.c} ${s.mean.toFixed(2)}`).join(", ");
  console.log(`| ${id} | ${pkg} (${lic}) | ${expected} | ${ranked.slice(0, 3).map(fmt).join("; ")} | ${exp} | ${strong || "-"} | ${verdict} |`);
}
console.log("");
console.log(`verdicts: ${tally.sensible} sensible, ${tally.partly} partly, ${tally.wrong} wrong (of ${clips.length})`);
' "$WORK/result.json" "$MODEL"

if [[ "${REAL_MUSIC_TIMELINE:-}" == 1 ]]; then
  echo
  node "$ROOT/bin/timbrescope.js" analyze "${wavs[@]}" --model "$MODEL" --resolution 5 --format table 2>/dev/null
fi
