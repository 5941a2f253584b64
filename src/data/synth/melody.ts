/**
 * Lead lines: sung or played melodies built from 2-bar phrases in an A A' B A' plan (the
 * motif's rhythm and contour come back over new chords), moving mostly by step in the scale,
 * landing on chord tones on strong beats, breathing at phrase ends; and instrumental solos: fast
 * pentatonic runs and repeated licks ending on long notes.
 */
import type { Rng } from "./rng.js";
import type { Note, Section } from "./score.js";
import type { Chord } from "./theory.js";
import { definedFields } from "../../defined-fields.js";

/** Inputs of {@link melodySection} and {@link soloSection}. */
export interface LineOptions {
  readonly beatsPerBar: number;
  /** Scale pitch classes (7 notes, tonic first). */
  readonly scale: readonly number[];
  readonly low: number;
  readonly high: number;
  /** Notes per beat, roughly (0.5 = sparse, 2 = busy). */
  readonly density: number;
  /** Words sung on successive notes (singers), else undefined. */
  readonly words: readonly string[] | undefined;
  /** Singers need a breath at the end of every phrase. */
  readonly breathe: boolean;
}

interface Motif {
  /** Onsets and lengths in beats within the phrase. */
  readonly rhythm: readonly (readonly [number, number])[];
  /** Scale-step moves between successive notes. */
  readonly steps: readonly number[];
}

/** MIDI pitch of scale index `d` (7 per octave) in a scale. */
function degreeToMidi(scale: readonly number[], d: number): number {
  const oct = Math.floor(d / 7);
  return (scale[0] as number) + 12 * oct + (((scale[((d % 7) + 7) % 7] as number) - (scale[0] as number) + 12) % 12);
}

/** Nearest scale index to a MIDI pitch. */
function midiToDegree(scale: readonly number[], m: number): number {
  let best = 0;
  let bestDist = Infinity;
  const approx = Math.floor(((m - (scale[0] as number)) * 7) / 12);
  for (let d = approx - 3; d <= approx + 3; d++) {
    const dist = Math.abs(degreeToMidi(scale, d) - m);
    if (dist < bestDist) {
      bestDist = dist;
      best = d;
    }
  }
  return best;
}

function makeMotif(rng: Rng, beats: number, opts: LineOptions): Motif {
  const grid = opts.density > 1.6 ? 0.25 : 0.5;
  const end = opts.breathe ? beats - rng.pick([1, 1.5, 2]) : beats - rng.pick([0, 0.5, 1]);
  const rhythm: [number, number][] = [];
  let t = rng.chance(0.3) ? grid * rng.int(1, 2) : 0; // pick-up or downbeat start
  while (t < end) {
    const onBeat = Math.abs(t - Math.round(t)) < 1e-9;
    const p = Math.min(0.95, opts.density * grid * (onBeat ? 1.4 : 0.8));
    if (rng.chance(p) || rhythm.length === 0) rhythm.push([t, grid]);
    t += grid;
  }
  // Each note lasts until the next onset (legato); the last one holds to the phrase end.
  for (let i = 0; i < rhythm.length; i++) {
    const next = rhythm[i + 1]?.[0] ?? end;
    (rhythm[i] as [number, number])[1] = Math.max(grid, next - (rhythm[i] as [number, number])[0]);
  }
  const steps = rhythm.map(() =>
    rng.weighted<number>([
      [0, 1],
      [1, 3],
      [-1, 3],
      [2, 1.5],
      [-2, 1.5],
      [3, 0.5],
      [-3, 0.6],
      [4, 0.3],
      [-4, 0.3],
    ]),
  );
  return { rhythm, steps };
}

/** A melody over one section (2-bar phrases; A A' B A' when there are 4 or more). */
export function melodySection(rng: Rng, section: Section, opts: LineOptions, wordOffset = 0): Note[] {
  const bpb = opts.beatsPerBar;
  const phraseBars = section.bars >= 4 ? 2 : 1;
  const motifA = makeMotif(rng, phraseBars * bpb, opts);
  const motifB = makeMotif(rng, phraseBars * bpb, opts);
  const notes: Note[] = [];
  const lo = midiToDegree(opts.scale, opts.low + 2);
  const hi = midiToDegree(opts.scale, opts.high - 2);
  let deg = Math.round((lo + hi) / 2) + rng.int(-2, 1);
  let word = wordOffset;
  const vel = 70 + 40 * section.energy;
  for (let p = 0; p * phraseBars < section.bars; p++) {
    const motif = p % 4 === 2 ? motifB : motifA;
    const bar = p * phraseBars;
    const base = (section.startBar + bar) * bpb;
    // A' phrases start a step away from A: same shape, new place.
    if (p % 4 === 1 || p % 4 === 3) deg += rng.pick([-1, 1, 2]);
    let d = deg;
    motif.rhythm.forEach(([on, len], i) => {
      if (bar + Math.floor(on / bpb) >= section.bars) return;
      d += motif.steps[i] ?? 0;
      if (d < lo) d += 2 * (lo - d);
      if (d > hi) d -= 2 * (d - hi);
      const chord = section.chords[bar + Math.floor(on / bpb)];
      let key = degreeToMidi(opts.scale, d);
      const strong = Math.abs(on - Math.round(on)) < 1e-9 && Math.round(on) % 2 === 0;
      if (chord !== undefined && (strong || i === motif.rhythm.length - 1)) key = snapToChord(key, chord, opts.low, opts.high);
      d = midiToDegree(opts.scale, key);
      const accent = Math.round(on) % bpb === 0 ? 8 : 0;
      const w = opts.words?.[word++ % opts.words.length];
      notes.push({ beat: base + on, beats: len, key, vel: clampVel(vel + accent + rng.int(-8, 6)), ...definedFields({ syl: w }) });
    });
  }
  return notes;
}

/** An instrumental solo: busy pentatonic runs, repeated licks, long notes to end phrases. */
export function soloSection(rng: Rng, section: Section, opts: LineOptions): Note[] {
  const bpb = opts.beatsPerBar;
  // Major or minor pentatonic from the scale (drop the 4th and 7th, or 2nd and 6th).
  const minor = ((opts.scale[2] as number) - (opts.scale[0] as number) + 12) % 12 === 3;
  const penta = minor ? [0, 2, 3, 4, 6] : [0, 1, 2, 4, 5];
  const pcs = penta.map((i) => opts.scale[i] as number);
  const keys: number[] = [];
  for (let m = opts.low; m <= opts.high; m++) if (pcs.includes(m % 12)) keys.push(m);
  const notes: Note[] = [];
  let idx = Math.floor(keys.length / 2);
  const vel = 80 + 35 * section.energy;
  for (let bar = 0; bar < section.bars; bar++) {
    const base = (section.startBar + bar) * bpb;
    const lick = rng.chance(0.3) && bar > 0;
    const sub = rng.weighted<number>([
      [0.25, 3],
      [1 / 3, 1],
      [0.5, 2],
    ]);
    let t = 0;
    if (bar % 2 === 1 && rng.chance(0.5)) {
      // end of a 2-bar phrase: a long (bent) note
      const run = Math.floor(bpb / 2 / sub);
      for (let i = 0; i < run; i++, t += sub) {
        idx = clampIdx(idx + rng.pick([-1, 1, 1, 2]), keys.length);
        notes.push({ beat: base + t, beats: sub, key: keys[idx] as number, vel: clampVel(vel + rng.int(-10, 5)) });
      }
      notes.push({ beat: base + t, beats: bpb - t - 0.25, key: keys[idx] as number, vel: clampVel(vel + 5) });
      continue;
    }
    const dir = rng.pick([-1, 1]);
    while (t < bpb - 1e-9) {
      idx = clampIdx(idx + (lick ? rng.pick([dir, -dir, dir]) : rng.pick([dir, dir, -dir, 2 * dir])), keys.length);
      if (idx === 0 || idx === keys.length - 1) idx = clampIdx(idx - dir * 3, keys.length);
      const len = rng.chance(0.15) ? sub * 2 : sub;
      notes.push({
        beat: base + t,
        beats: Math.min(len, bpb - t),
        key: keys[idx] as number,
        vel: clampVel(vel + (Math.abs(t % 1) < 1e-9 ? 6 : -4) + rng.int(-8, 4)),
      });
      t += len;
    }
  }
  return notes;
}

function snapToChord(key: number, chord: Chord, low: number, high: number): number {
  let best = key;
  let bestDist = Infinity;
  for (let m = key - 6; m <= key + 6; m++) {
    if (m < low || m > high || !chord.pcs.includes(((m % 12) + 12) % 12)) continue;
    const dist = Math.abs(m - key);
    if (dist < bestDist) {
      bestDist = dist;
      best = m;
    }
  }
  return best;
}

function clampIdx(i: number, n: number): number {
  return Math.max(0, Math.min(n - 1, i));
}

function clampVel(v: number): number {
  return Math.max(1, Math.min(127, Math.round(v)));
}
