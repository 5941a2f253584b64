/**
 * Secondary lines: counter-melodies on chord guide tones (the 3rd and 7th that define each chord,
 * moving by the smallest step, as a cello or violin second voice does), and backing vocals that
 * hold the chord on "ah"/"ooh" or answer with short stabs.
 */
import type { Rng } from "./rng.js";
import type { Note, Section } from "./score.js";
import { nearestWithPc, voiceChord } from "./theory.js";

/** Inputs of the secondary lines. */
export interface SecondaryOptions {
  readonly beatsPerBar: number;
  readonly low: number;
  readonly high: number;
}

/** A guide-tone counter-melody: one or two long notes per bar. */
export function counterSection(rng: Rng, section: Section, opts: SecondaryOptions): Note[] {
  const notes: Note[] = [];
  const bpb = opts.beatsPerBar;
  const perBar = rng.chance(0.5) || bpb === 3 ? 1 : 2;
  let prev = Math.round((opts.low + opts.high) / 2);
  const vel = 60 + 40 * section.energy;
  for (let b = 0; b < section.bars; b++) {
    const chord = section.chords[b];
    if (chord === undefined) continue;
    // Guide tones: 3rd and 7th of seventh chords, else the chord's upper tones (power chords and
    // drones have only root and fifth).
    const guides = (chord.pcs.length >= 4 ? [chord.pcs[1], chord.pcs[3]] : chord.pcs.slice(1)).filter((x): x is number => x !== undefined);
    if (guides.length === 0) guides.push(chord.rootPc);
    for (let h = 0; h < perBar; h++) {
      const pc = h === 0 ? (guides[0] as number) : rng.pick(guides);
      let key = nearestWithPc(pc, prev);
      if (key < opts.low) key += 12;
      if (key > opts.high) key -= 12;
      const len = bpb / perBar;
      notes.push({ beat: (section.startBar + b) * bpb + h * len, beats: len - 0.05, key, vel: Math.round(vel + rng.int(-6, 6)) });
      prev = key;
    }
  }
  return notes;
}

/** Backing vocals: held chord voicings (or short stabs) with a syllable per note. */
export function backingSection(rng: Rng, section: Section, opts: SecondaryOptions, words: readonly string[]): Note[] {
  const notes: Note[] = [];
  const bpb = opts.beatsPerBar;
  const held = rng.chance(0.7);
  const voices = rng.pick([2, 3, 3]);
  let center = (opts.low + opts.high) / 2;
  const vel = 60 + 35 * section.energy;
  const syl = rng.pick(words);
  for (let b = 0; b < section.bars; b++) {
    const chord = section.chords[b];
    if (chord === undefined) continue;
    const voicing = voiceChord({ ...chord, pcs: chord.pcs.slice(0, voices) }, opts.low, opts.high, center);
    center = voicing.reduce((a, c) => a + c, 0) / voicing.length;
    const bar0 = (section.startBar + b) * bpb;
    const hits: readonly (readonly [number, number])[] = held
      ? [[0, bpb - 0.1]]
      : rng.pick([
          [
            [1, 0.5],
            [3, 0.5],
          ],
          [
            [0.5, 1],
            [2.5, 1],
          ],
        ]);
    for (const [on, len] of hits) {
      if (on >= bpb) continue;
      for (const key of voicing) notes.push({ beat: bar0 + on, beats: len, key, vel: Math.round(vel + rng.int(-5, 5)), syl });
    }
  }
  return notes;
}
