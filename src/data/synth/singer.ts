/**
 * Singers: lead and backing voices that sing one syllable per note, in tune, with vibrato.
 *
 * Each (voice, syllable, key) is synthesised once per process (singer-engines.ts) and kept in
 * memory. A note of any length is then built from that syllable: short notes take its start and
 * fade; long notes hold the vowel by looping a whole number of pitch periods from its middle with
 * crossfades (the pitch is flat and known, so the loop is seamless), then end with the syllable's
 * own decay. Vibrato is a slowly swelling delay-line modulation (~5.5 Hz, 15-40 cents), which
 * bends pitch without touching formants.
 */
import { UserError } from "../../errors.js";
import type { NoteSource } from "./part-renderer.js";
import { samplePeak } from "./mix.js";
import { NoteCache } from "./note-cache.js";
import { espeakSyllables, festivalSyllables } from "./singer-engines.js";
import { midiToHz } from "./theory.js";

/** A singing voice. */
export interface Voice {
  /** Name recorded in the metadata, e.g. `espeak-ng:f2`, `festival:kal_diphone`. */
  readonly name: string;
  readonly sex: "male" | "female";
  readonly engine: "espeak" | "festival";
  /** espeak variant (`f1`..`f5`, `m1`..`m7`); unused for Festival. */
  readonly variant: string;
  /** Vibrato rate Hz and depth cents. */
  readonly vibratoHz: number;
  readonly vibratoCents: number;
}

const V = (engine: Voice["engine"], variant: string, sex: Voice["sex"], vibratoHz: number, vibratoCents: number): Voice => ({
  name: engine === "espeak" ? `espeak-ng:${variant}` : `festival:${variant}`,
  sex,
  engine,
  variant,
  vibratoHz,
  vibratoCents,
});

/** All voices. Male: Festival kal + espeak m1..m7; female: espeak f1..f5. */
export const VOICES: readonly Voice[] = [
  V("festival", "kal_diphone", "male", 5.4, 30),
  V("espeak", "m1", "male", 5.6, 25),
  V("espeak", "m2", "male", 5.2, 35),
  V("espeak", "m3", "male", 5.8, 20),
  V("espeak", "m4", "male", 5.5, 30),
  V("espeak", "m5", "male", 5.0, 25),
  V("espeak", "m6", "male", 6.0, 30),
  V("espeak", "m7", "male", 5.3, 20),
  V("espeak", "f1", "female", 5.7, 30),
  V("espeak", "f2", "female", 5.5, 40),
  V("espeak", "f3", "female", 6.0, 25),
  V("espeak", "f4", "female", 5.2, 35),
  V("espeak", "f5", "female", 5.8, 30),
];

/** A voice by metadata name; throws UserError for unknown names. */
export function voiceByName(name: string): Voice {
  const v = VOICES.find((x) => x.name === name || x.variant === name);
  if (v === undefined) throw new UserError(`unknown singer voice "${name}" (known: ${VOICES.map((x) => x.name).join(", ")})`);
  return v;
}

/** Lyrics vocabulary: one-syllable words, so every note carries one. */
export const LYRIC_WORDS = [
  "la",
  "na",
  "oh",
  "love",
  "you",
  "me",
  "night",
  "day",
  "go",
  "home",
  "heart",
  "time",
  "fly",
  "yeah",
  "dream",
  "why",
] as const;
/** Syllables for backing vocals. */
export const BACKING_WORDS = ["ah", "oh", "ooh"] as const;

/** Every word a singer may be asked for, in the fixed order of espeak batches. */
const ALL_WORDS: readonly string[] = [...new Set<string>([...LYRIC_WORDS, ...BACKING_WORDS])];
/** Keys of a Festival batch (its male range with margin). */
const FESTIVAL_KEYS: readonly number[] = Array.from({ length: 33 }, (_, i) => 40 + i);

/** Synthesised syllables, evicted by size (re-synthesis gives the same samples). */
const syllables = new NoteCache(256 * 1024 * 1024);
const sylId = (voice: Voice, syl: string, key: number, sr: number): string => `${voice.name}|${syl}|${key}|${sr}`;

/**
 * The raw sung syllable (trimmed). Engines are called in CANONICAL batches, so a syllable's
 * samples never depend on which other syllables were wanted first (engines may colour a word by
 * its neighbours): espeak sings every word of the vocabulary at one key per call, Festival one
 * word at every key of its range per call. One batch fills the cache for all its entries.
 */
function syllable(voice: Voice, syl: string, key: number, sr: number): Float32Array {
  return syllables.get(sylId(voice, syl, key, sr), () => {
    const wanted = sylId(voice, syl, key, sr);
    let found: Float32Array | undefined;
    const keep = (id: string, x: Float32Array): void => {
      const t = trim(x);
      if (id === wanted) found = t;
      else syllables.get(id, () => t);
    };
    if (voice.engine === "festival" && FESTIVAL_KEYS.includes(key) && ALL_WORDS.includes(syl)) {
      const items = FESTIVAL_KEYS.map((k) => ({ syl, key: k }));
      festivalSyllables(items, sr).forEach((x, i) => keep(sylId(voice, syl, FESTIVAL_KEYS[i] as number, sr), x));
    } else {
      const base = voice.engine === "espeak" ? voice.variant : "m1";
      const words = ALL_WORDS.includes(syl) ? ALL_WORDS : [syl];
      espeakSyllables(base, words, key, sr).forEach((x, i) => keep(sylId(voice, words[i] as string, key, sr), x));
    }
    return found ?? new Float32Array(1);
  });
}

/** Drops leading/trailing samples quieter than -50 dB re the peak (keeping 5 ms of lead-in). */
function trim(x: Float32Array): Float32Array {
  const thr = samplePeak(x) * 0.003;
  let a = 0;
  while (a < x.length && Math.abs(x[a] as number) < thr) a++;
  let b = x.length;
  while (b > a && Math.abs(x[b - 1] as number) < thr) b--;
  return x.slice(Math.max(0, a - 110), b);
}

/** Builds one sung note of `holdSamples` (+ release) at `key` from the voice's syllable. */
export function singNote(voice: Voice, syl: string, key: number, holdSamples: number, sr: number): Float32Array {
  const src = syllable(voice, syl, key, sr);
  const release = Math.round(0.08 * sr);
  const xfade = Math.round(0.03 * sr);
  const period = sr / midiToHz(key);
  let body: Float32Array;
  if (src.length >= holdSamples + release) {
    body = src.slice(0, holdSamples + release);
    fadeOut(body, release);
  } else {
    // Loop a whole number of periods from the vowel (35-65 % into the syllable).
    const a = Math.floor(src.length * 0.35);
    const span = Math.max(2 * period, src.length * 0.3);
    const loop = Math.max(Math.round(Math.round(span / period) * period), xfade * 2);
    const tail = src.subarray(a + loop);
    body = new Float32Array(holdSamples + Math.max(release, tail.length));
    body.set(src.subarray(0, a + loop));
    let pos = a + loop; // next write position: continue the loop from `a` with a crossfade
    while (pos < holdSamples) {
      crossfadeAppend(body, pos, src, a - xfade, loop + xfade, xfade);
      pos += loop;
    }
    crossfadeAppend(body, pos, src, a + loop - xfade, tail.length + xfade, xfade);
    body = body.subarray(0, Math.min(body.length, pos + tail.length));
    fadeOut(body, Math.min(release, body.length));
  }
  return vibrato(body, voice, sr);
}

/** Writes src[from .. from+len) at dst[pos - xfade ..], crossfading the first `xfade` samples. */
function crossfadeAppend(dst: Float32Array, pos: number, src: Float32Array, from: number, len: number, xfade: number): void {
  for (let k = 0; k < len; k++) {
    const i = pos - xfade + k;
    const s = from + k;
    if (i < 0 || i >= dst.length || s < 0 || s >= src.length) continue;
    const v = src[s] as number;
    if (k < xfade) {
      const w = (k + 0.5) / xfade;
      dst[i] = (dst[i] as number) * Math.cos((w * Math.PI) / 2) + v * Math.sin((w * Math.PI) / 2);
    } else dst[i] = v;
  }
}

function fadeOut(x: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const i = x.length - n + k;
    x[i] = (x[i] as number) * (1 - (k + 1) / n);
  }
}

/** Delay-line vibrato (linear interpolation), swelling in over 0.35 s after a 0.15 s delay. */
function vibrato(x: Float32Array, voice: Voice, sr: number): Float32Array {
  const w = (2 * Math.PI * voice.vibratoHz) / sr;
  // Peak pitch deviation r = A·w (samples per sample) -> A = r / w, r = 2^(cents/1200) - 1.
  const amp = (Math.pow(2, voice.vibratoCents / 1200) - 1) / w;
  const onset = Math.round(0.15 * sr);
  const swell = Math.round(0.35 * sr);
  const out = new Float32Array(x.length);
  for (let n = 0; n < x.length; n++) {
    const depth = n < onset ? 0 : Math.min(1, (n - onset) / swell);
    const t = n - depth * amp * Math.sin(w * (n - onset));
    const k = Math.floor(t);
    const f = t - k;
    const a = k >= 0 && k < x.length ? (x[k] as number) : 0;
    const b = k + 1 >= 0 && k + 1 < x.length ? (x[k + 1] as number) : 0;
    out[n] = a * (1 - f) + b * f;
  }
  return out;
}

/** A NoteSource singing with `voice` (syllable from each note; `ah` when a note has none). */
export function singerSource(voice: Voice, sampleRateHz: number): NoteSource {
  return {
    id: `sing:${voice.name}:${sampleRateHz}`,
    velocityLayers: false,
    fixedHoldSec: undefined,
    render: (key, _vel, hold, syl) => singNote(voice, syl ?? "ah", key, hold, sampleRateHz),
  };
}
