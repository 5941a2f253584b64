/**
 * Chordal parts: block chords, held pads, arpeggios, guitar strums (with the few milliseconds
 * between strings a real strum has), power-chord chugs, off-beat skanks, jazz shell voicings,
 * waltz and ballad piano figures, stabs, and drones. Voicings move smoothly (theory.voiceChord).
 */
import type { Rng } from "./rng.js";
import type { Note, Section } from "./score.js";
import { nearestWithPc, voiceChord } from "./theory.js";

/** Comping families. */
export type CompStyle =
  "block" | "sustain" | "arpeggio" | "strum" | "power" | "skank" | "jazzComp" | "waltz" | "ballad" | "stabs" | "drone";

/** Inputs of {@link compSection}. */
export interface CompOptions {
  readonly style: CompStyle;
  readonly beatsPerBar: number;
  readonly bpm: number;
  /** Register of the chord voicing. */
  readonly low: number;
  readonly high: number;
  /** The instrument's lowest note: bass notes and guitar roots never go below it. */
  readonly floor: number;
}

const STAB_RHYTHMS = ["x..x..x.........", "..x...x...x...x.", "x.....x.x.......", "...x..x....x..x."];
const STRUM_RHYTHMS = ["D.D.DUDU", "D.DU.UDU", "D..UD.DU", "D.D.D.D.", "D..D..D."];

/** Chord notes of one section. */
export function compSection(rng: Rng, section: Section, opts: CompOptions): Note[] {
  const notes: Note[] = [];
  const bpb = opts.beatsPerBar;
  const vel = 55 + 45 * section.energy;
  const add = (beat: number, beats: number, key: number, v = vel): void => {
    if (key < 0 || key > 127) return;
    notes.push({ beat, beats, key, vel: Math.max(1, Math.min(127, Math.round(v + rng.int(-6, 6)))) });
  };
  const chordAt = (beat: number, beats: number, keys: readonly number[], v = vel): void => {
    for (const k of keys) add(beat, beats, k, v);
  };
  let center = (opts.low + opts.high) / 2;
  const lift = (m: number): number => (m < opts.floor ? m + 12 * Math.ceil((opts.floor - m) / 12) : m);
  const stab = rng.pick(STAB_RHYTHMS);
  const strum = rng.pick(STRUM_RHYTHMS);
  const arpStep = rng.pick([0.5, 0.5, 0.25]);
  const arpShape = rng.pick(["up", "updown", "pattern"]);
  const chugs = section.energy < 0.7;
  const beatsPerSec = opts.bpm / 60;
  for (let b = 0; b < section.bars; b++) {
    const chord = section.chords[b];
    if (chord === undefined) continue;
    const bar0 = (section.startBar + b) * bpb;
    const voicing = voiceChord(chord, opts.low, opts.high, center);
    center = voicing.reduce((x, y) => x + y, 0) / voicing.length;
    const bassNote = lift(nearestWithPc(chord.rootPc, Math.max(opts.low - 12, 36) + 6));
    switch (opts.style) {
      case "block": {
        const hits =
          bpb === 3
            ? [0, 1, 2]
            : rng.pick([
                [0, 2],
                [0, 1, 2, 3],
                [0, 1.5, 2, 3.5],
              ]);
        hits.forEach((h, i) => chordAt(bar0 + h, ((hits[i + 1] ?? bpb) - h) * 0.9, voicing, i === 0 ? vel : vel - 10));
        break;
      }
      case "sustain":
      case "drone":
        chordAt(bar0, bpb - 0.05, opts.style === "drone" ? [bassNote, bassNote + 7, bassNote + 12] : voicing, vel - 8);
        break;
      case "arpeggio": {
        const tones = [...voicing, (voicing[0] as number) + 12];
        const n = Math.round(bpb / arpStep);
        for (let s = 0; s < n; s++) {
          const idx =
            arpShape === "up" ? s % tones.length : arpShape === "updown" ? pingPong(s, tones.length) : ([0, 2, 1, 3, 2, 1][s % 6] ?? 0);
          add(bar0 + s * arpStep, arpStep * 2.5, tones[Math.min(idx, tones.length - 1)] as number, s % 4 === 0 ? vel : vel - 12);
        }
        break;
      }
      case "strum": {
        const low = lift(nearestWithPc(chord.rootPc, 45));
        const shape = [low, ...voicing.filter((k) => k > low + 4)].slice(0, 6);
        for (let s = 0; s < 8 && s / 2 < bpb; s++) {
          const c = strum[s];
          if (c !== "D" && c !== "U") continue;
          const spread = rng.uniform(0.008, 0.02) * beatsPerSec; // 8-20 ms between strings
          const strings = c === "D" ? shape : [...shape].reverse().slice(0, 4);
          let next = s + 1;
          while (next < 8 && strum[next] === ".") next++;
          strings.forEach((k, i) => add(bar0 + s / 2 + i * spread, Math.max(0.4, (next - s) / 2), k, c === "D" ? vel : vel - 15));
        }
        break;
      }
      case "power": {
        const root = lift(nearestWithPc(chord.rootPc, 45));
        const keys = [root, root + 7, root + 12];
        if (chugs) for (let s = 0; s < bpb * 2; s++) chordAt(bar0 + s / 2, 0.22, keys, s % 2 === 0 ? vel : vel - 12);
        else chordAt(bar0, bpb === 3 ? 3 : rng.chance(0.5) ? 2 : 4, keys, vel + 5);
        if (!chugs && bpb === 4 && notes[notes.length - 1]?.beats === 2) chordAt(bar0 + 2, 2, keys, vel);
        break;
      }
      case "skank":
        for (let q = 0; q < bpb; q++) chordAt(bar0 + q + 0.5, 0.2, voicing, vel - 5);
        break;
      case "jazzComp": {
        const shell = chord.pcs.length >= 4 ? [chord.pcs[1], chord.pcs[3]] : [chord.pcs[1], chord.pcs[2]];
        const keys = shell.map((pc) => nearestWithPc(pc as number, center));
        const hits = rng.pick([[0, 1.5], [0.5, 2.5], [1, 2.5], [0, 2, 3.5], [1.5]]).filter((h) => h < bpb);
        for (const h of hits) chordAt(bar0 + h, rng.pick([0.5, 1, 1.5]), [...keys, nearestWithPc(chord.rootPc, center - 7)], vel - 10);
        break;
      }
      case "waltz":
        add(bar0, 0.9, bassNote);
        chordAt(bar0 + 1, 0.8, voicing, vel - 12);
        chordAt(bar0 + 2, 0.8, voicing, vel - 15);
        break;
      case "ballad": {
        add(bar0, bpb, bassNote, vel);
        add(bar0, bpb, bassNote + 7, vel - 10);
        const tones = [...voicing, (voicing[0] as number) + 12];
        for (let s = 1; s < bpb * 2; s++) add(bar0 + s / 2, 1, tones[s % tones.length] as number, vel - 15);
        break;
      }
      case "stabs":
        for (let s = 0; s < bpb * 4; s++) if (stab[s % 16] === "x") chordAt(bar0 + s / 4, 0.3, voicing, vel);
        break;
    }
  }
  return notes;
}

function pingPong(s: number, n: number): number {
  const period = Math.max(1, 2 * n - 2);
  const k = s % period;
  return k < n ? k : period - k;
}
