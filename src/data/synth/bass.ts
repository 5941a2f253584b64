/**
 * Bass lines: rock 8ths, root-fifth, held roots, jazz walking lines with chromatic approach
 * notes, syncopated pop/funk figures, metal 16ths and disco octaves. Every bar follows its chord
 * and leads into the next one.
 */
import type { Rng } from "./rng.js";
import type { Note, Section } from "./score.js";
import { nearestWithPc, scalePcs, type ModeName } from "./theory.js";

/** Bass line families. */
export type BassStyle = "root8" | "rootFifth" | "sustain" | "walking" | "syncopated" | "metal16" | "octave";

/** Inputs of {@link bassSection}. */
export interface BassOptions {
  readonly style: BassStyle;
  readonly beatsPerBar: number;
  readonly low: number;
  readonly high: number;
  readonly tonicPc: number;
  readonly mode: ModeName;
  /** Chord root of the bar after the section (for the approach note). */
  readonly nextRootPc: number;
}

const SYNC = ["x..x..x.x.......", "x.....x...x.x...", "x..x....x..x.x..", "x.x...x.x..x...."];

/** Bass notes of one section. */
export function bassSection(rng: Rng, section: Section, opts: BassOptions): Note[] {
  const notes: Note[] = [];
  const bpb = opts.beatsPerBar;
  const scale = scalePcs(opts.tonicPc, opts.mode);
  const center = opts.low + 9;
  const fit = (pc: number, near: number): number => {
    let m = nearestWithPc(pc, near);
    while (m < opts.low) m += 12;
    while (m > opts.high) m -= 12;
    return m;
  };
  const vel = 70 + 40 * section.energy;
  const sync = rng.pick(SYNC);
  const add = (beat: number, beats: number, key: number, v = vel): void => {
    notes.push({ beat, beats, key, vel: Math.max(1, Math.min(127, Math.round(v + rng.int(-8, 8)))) });
  };
  let prev = fit(section.chords[0]?.rootPc ?? opts.tonicPc, center);
  for (let b = 0; b < section.bars; b++) {
    const chord = section.chords[b];
    if (chord === undefined) continue;
    const nextPc = section.chords[b + 1]?.rootPc ?? opts.nextRootPc;
    const bar0 = (section.startBar + b) * bpb;
    const root = fit(chord.rootPc, prev);
    const fifth = fit((chord.rootPc + 7) % 12, root + 7);
    const octave = root + 12 <= opts.high ? root + 12 : root;
    switch (opts.style) {
      case "root8":
        for (let s = 0; s < bpb * 2; s++) {
          const last = s === bpb * 2 - 1;
          add(bar0 + s / 2, 0.45, last && rng.chance(0.4) ? rng.pick([fifth, octave]) : root, s % 2 === 0 ? vel : vel - 12);
        }
        break;
      case "rootFifth":
        add(bar0, bpb === 3 ? 1 : 1.9, root);
        for (let q = bpb === 3 ? 1 : 2; q < bpb; q += bpb === 3 ? 1 : 2) add(bar0 + q, bpb === 3 ? 0.9 : 1.9, fifth, vel - 8);
        break;
      case "sustain":
        add(bar0, bpb - 0.1, root);
        break;
      case "walking": {
        let cur = root;
        add(bar0, 0.9, cur);
        const target = fit(nextPc, cur);
        for (let q = 1; q < bpb; q++) {
          if (q === bpb - 1) {
            cur = target + (rng.chance(0.5) ? 1 : -1); // chromatic approach
            if (cur < opts.low || cur > opts.high) cur = target + (cur < opts.low ? 1 : -1);
          } else {
            const tones = [...chord.pcs, ...scale];
            const pc = rng.pick(tones);
            cur = fit(pc, cur + rng.pick([-3, -2, 2, 3, 4]));
          }
          add(bar0 + q, 0.9, cur, vel - 5);
        }
        break;
      }
      case "syncopated":
        for (let s = 0; s < bpb * 4; s++) {
          if (sync[s % 16] !== "x") continue;
          let nextOn = s + 1;
          while (nextOn < bpb * 4 && sync[nextOn % 16] !== "x") nextOn++;
          const key = s === 0 ? root : rng.pick([root, root, octave, fifth]);
          add(bar0 + s / 4, Math.min(1.5, ((nextOn - s) / 4) * 0.85), key, s === 0 ? vel : vel - 10);
        }
        break;
      case "metal16":
        for (let s = 0; s < bpb * 4; s++) add(bar0 + s / 4, 0.2, root, s % 4 === 0 ? vel : vel - 15);
        break;
      case "octave":
        for (let s = 0; s < bpb * 2; s++) add(bar0 + s / 2, 0.4, s % 2 === 0 ? root : octave);
        break;
    }
    prev = root;
  }
  return notes;
}
