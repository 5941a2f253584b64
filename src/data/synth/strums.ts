/**
 * Strummed acoustic guitar from real recorded strums (belofilms_GuitarStrums, sample-sets.ts):
 * whole chords strummed on a steel-string guitar, named by chord in their file names
 * (`Amajor_00.flac`, `Csharp minor7b5_UP_02.flac`), in three qualities (major, minor, m7b5), three
 * ways (plain; sliding up into the chord; sliding down into it) and four loudness takes (00 loud
 * .. 03 soft).
 *
 * The comping writer (comping.ts "strum") writes a strum as one note per string a few
 * milliseconds apart. {@link strumHits} groups those notes back into hits, names each hit's chord
 * from its pitch classes, and turns it into one "hit note": key = 48 + root pitch class, `syl` =
 * `<quality>/<way>` (the Note field that carries a per-note tag into the note cache key), held
 * until the next hit (the part renders monophonic: a new strum stops the strings of the last).
 * The source then plays the recorded strum of that chord, or of the nearest recorded root of the
 * same quality resampled by up to a semitone (every root is recorded in some neighbour).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { NoteSource } from "./part-renderer.js";
import { Rng } from "./rng.js";
import { decodeSample, repitchPrefix } from "./sample-sets.js";
import type { Note } from "./score.js";

/** Chord qualities that were recorded. */
export type StrumQuality = "major" | "minor" | "m7b5";
/** Plain strum, or sliding up / down into the chord. */
export type StrumWay = "plain" | "up" | "down";

/** One recorded strum. */
export interface StrumFile {
  readonly file: string;
  readonly rootPc: number;
  readonly quality: StrumQuality;
  readonly way: StrumWay;
  /** 0 loudest .. 3 softest. */
  readonly take: number;
}

const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
/** The file-name grammar, typos included (`minro7b5`, `_02wav.flac`). */
const NAME = /^([A-G])(sharp|flat)? ?(major|minor7b5|minro7b5|minor)(?:_(up|down))?_0?(\d)(?:wav)?\.(?:flac|wav)$/i;

/** The strums a list of file names holds (other names are ignored). */
export function parseStrumFiles(names: readonly string[]): StrumFile[] {
  const out: StrumFile[] = [];
  for (const file of [...names].sort()) {
    const m = NAME.exec(file);
    if (m === null) continue;
    const [, letter = "C", accidental, quality = "", way, take = "0"] = m;
    const shift = accidental === undefined ? 0 : accidental.toLowerCase() === "sharp" ? 1 : -1;
    out.push({
      file,
      rootPc: ((LETTER_PC[letter.toUpperCase()] ?? 0) + shift + 12) % 12,
      quality: /7b5/.test(quality) ? "m7b5" : /minor/i.test(quality) ? "minor" : "major",
      way: way === undefined ? "plain" : way.toLowerCase() === "up" ? "up" : "down",
      take: Number(take),
    });
  }
  return out;
}

/** Interval sets (from the root) and the recorded quality that stands in for them. */
const TEMPLATES: readonly (readonly [readonly number[], StrumQuality])[] = [
  [[0, 4, 7], "major"],
  [[0, 4, 7, 10], "major"],
  [[0, 4, 7, 11], "major"],
  [[0, 4, 8], "major"],
  [[0, 7], "major"],
  [[0, 3, 7], "minor"],
  [[0, 3, 7, 10], "minor"],
  [[0, 3, 6, 10], "m7b5"],
  [[0, 3, 6], "m7b5"],
  [[0, 3, 6, 9], "m7b5"],
];

/**
 * Names the chord of a set of keys: the (root, template) that covers the most pitch classes and
 * misses the fewest, ties to the lowest key as root (a down strum starts on the root).
 */
export function identifyChord(keys: readonly number[]): { rootPc: number; quality: StrumQuality } {
  const pcs = new Set(keys.map((k) => ((k % 12) + 12) % 12));
  const lowest = Math.min(...keys);
  let best = { rootPc: ((lowest % 12) + 12) % 12, quality: "major" as StrumQuality, score: -Infinity };
  for (let root = 0; root < 12; root++) {
    for (const [iv, quality] of TEMPLATES) {
      const tpl = new Set(iv.map((i) => (root + i) % 12));
      let score = 0;
      for (const pc of pcs) score += tpl.has(pc) ? 2 : -3;
      for (const pc of tpl) if (!pcs.has(pc)) score -= 1;
      if (root === ((lowest % 12) + 12) % 12) score += 0.5;
      if (score > best.score) best = { rootPc: root, quality, score };
    }
  }
  return { rootPc: best.rootPc, quality: best.quality };
}

/** Key of a hit note for a chord root. */
const HIT_KEY_BASE = 48;

/**
 * Groups the per-string notes of a strum part into hit notes (see the module doc). Strings of one
 * strum are at most ~0.14 s apart (6 strings, 8-20 ms each, plus timing jitter), while strums are
 * an 8th note or more apart: a note more than `window` after its hit's first note starts a new hit.
 * `variant` seeds the choice of slides (a slide into the first strum of a new chord, 1 in 4).
 */
export function strumHits(notes: readonly Note[], bpm: number, variant: number): Note[] {
  const sorted = [...notes].sort((a, b) => a.beat - b.beat || a.key - b.key);
  const eighthSec = 30 / bpm;
  const windowBeats = (Math.min(0.14, Math.max(0.09, 0.8 * eighthSec)) * bpm) / 60;
  const groups: Note[][] = [];
  for (const n of sorted) {
    const g = groups[groups.length - 1];
    if (g !== undefined && n.beat - (g[0] as Note).beat <= windowBeats) g.push(n);
    else groups.push([n]);
  }
  const rng = new Rng(`strums/${variant}`);
  let lastChord = "";
  return groups.map((g, i) => {
    const first = g[0] as Note;
    const next = groups[i + 1]?.[0];
    const chord = identifyChord(g.map((n) => n.key));
    const name = `${chord.rootPc}/${chord.quality}`;
    const slide = name !== lastChord && rng.chance(0.25);
    const way: StrumWay = slide ? (rng.chance(0.5) ? "up" : "down") : "plain";
    lastChord = name;
    const end = Math.max(...g.map((n) => n.beat + n.beats));
    const beats = next === undefined ? end - first.beat : Math.min(end, next.beat) - first.beat;
    // Upstrokes (4 strings or fewer) take a softer recording: they sound lighter than downstrokes.
    const vel = Math.max(...g.map((n) => n.vel)) - (g.length <= 4 ? 10 : 0);
    return {
      beat: first.beat,
      beats: Math.max(0.05, beats),
      key: HIT_KEY_BASE + chord.rootPc,
      vel: Math.max(1, vel),
      syl: `${chord.quality}/${way}`,
    };
  });
}

/** Take for a velocity: the recorded loudness steps (00 loud for vel >= 110 .. 03 soft under 25). */
export function takeFor(velocity: number): number {
  return velocity >= 110 ? 0 : velocity >= 83 ? 1 : velocity >= 25 ? 2 : 3;
}

/** Damping of the strings at the end of a hit (the hand mutes them), time constant, seconds. */
const MUTE_TAU_SEC = 0.08;

/** The strum note source over the recordings in `dir`. */
export function strumSource(dir: string, set: string, sampleRateHz: number): NoteSource {
  const files = parseStrumFiles(readdirSync(dir));
  const sr = sampleRateHz;
  return {
    id: `smp:${set}:${sr}`,
    velocityLayers: true,
    fixedHoldSec: undefined,
    render(key: number, velocity: number, holdSamples: number, syllable: string | undefined): Float32Array {
      const [quality = "major", way = "plain"] = (syllable ?? "").split("/");
      const rootPc = (((key - HIT_KEY_BASE) % 12) + 12) % 12;
      const take = takeFor(velocity);
      const f = pickStrum(files, rootPc, quality as StrumQuality, way as StrumWay, take);
      if (f === undefined) throw new Error(`no recorded ${quality} strum in ${dir}`);
      // Signed distance to the recorded root, -6..5 semitones (in practice within ±1).
      const d = ((((rootPc - f.rootPc) % 12) + 18) % 12) - 6;
      const sample = decodeSample(join(dir, f.file), sr);
      const ratio = Math.pow(2, d / 12);
      const tau = MUTE_TAU_SEC * sr;
      const x = repitchPrefix(
        sample,
        ratio,
        Math.min(Math.max(1, Math.floor((sample.length - 1) / ratio)), holdSamples + Math.ceil(6.9 * tau)),
      );
      for (let i = holdSamples; i < x.length; i++) x[i] = (x[i] as number) * Math.exp(-(i - holdSamples) / tau);
      return x;
    },
  };
}

/** The recorded strum nearest to the wanted chord: same quality, closest root, then way, then take. */
export function pickStrum(
  files: readonly StrumFile[],
  rootPc: number,
  quality: StrumQuality,
  way: StrumWay,
  take: number,
): StrumFile | undefined {
  const dist = (pc: number): number => Math.min((pc - rootPc + 12) % 12, (rootPc - pc + 12) % 12);
  const cost = (f: StrumFile): number => dist(f.rootPc) * 100 + (f.way === way ? 0 : 10) + Math.abs(f.take - take);
  return files.filter((f) => f.quality === quality).sort((a, b) => cost(a) - cost(b) || a.file.localeCompare(b.file))[0];
}
