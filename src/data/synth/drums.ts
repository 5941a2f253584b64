/**
 * Drum-kit parts: style grooves written on a 16th-note grid (GM drum keys), with the hi-hat
 * opening up or moving to the ride in loud sections, crashes on section downbeats, tom and snare
 * fills into the next section, ghost notes, and a quiet intro/outro treatment.
 */
import type { Rng } from "./rng.js";
import type { Note, Section } from "./score.js";
import type { Groove } from "./styles.js";

/** GM percussion keys used here. */
export const DRUM = {
  kick: 36,
  sideStick: 37,
  snare: 38,
  clap: 39,
  closedHat: 42,
  pedalHat: 44,
  openHat: 46,
  crash: 49,
  crash2: 57,
  ride: 51,
  rideBell: 53,
  tomHigh: 50,
  tomHighMid: 48,
  tomLowMid: 47,
  tomLow: 45,
  tomFloor: 43,
} as const;

/** Hi-hat keys that choke each other. */
export const HAT_CHOKE: readonly number[] = [DRUM.closedHat, DRUM.pedalHat, DRUM.openHat];

/** One bar of a groove: lanes of step strings ('x' accent, 'o' normal, 'g' ghost, 'O' open hat, '.' rest). */
interface Pattern {
  readonly hat: string;
  readonly kick: string;
  readonly snare: string;
}

const P4: Record<Groove, readonly Pattern[]> = {
  rock: [
    { hat: "x.o.x.o.x.o.x.o.", kick: "x.......x.x.....", snare: "....x.......x..." },
    { hat: "x.o.x.o.x.o.x.o.", kick: "x.....x.x.......", snare: "....x.......x..." },
    { hat: "x.o.x.o.x.o.x.o.", kick: "x..x....x.x.....", snare: "....x.......x..g" },
  ],
  halftime: [{ hat: "x.o.x.o.x.o.x.o.", kick: "x.........x.....", snare: "........x......." }],
  fourFloor: [
    { hat: "..O...O...O...O.", kick: "x...x...x...x...", snare: "....x.......x..." },
    { hat: "xoxoxoxoxoxoxoxo", kick: "x...x...x...x...", snare: "....x.......x..." },
  ],
  shuffle: [{ hat: "x.o.x.o.x.o.x.o.", kick: "x.......x.......", snare: "....x.......x..." }],
  swing: [
    { hat: "x...x.o.x...x.o.", kick: "g...g...g...g...", snare: "..........g....." },
    { hat: "x...x.o.x...x.o.", kick: "g.......g.......", snare: "......g.......g." },
  ],
  metal: [
    { hat: "x.x.x.x.x.x.x.x.", kick: "xxxxxxxxxxxxxxxx", snare: "....x.......x..." },
    { hat: "x.x.x.x.x.x.x.x.", kick: "x.x.x.x.x.x.x.x.", snare: "....x.......x..." },
    { hat: "x.o.x.o.x.o.x.o.", kick: "x..x..x.x..x..x.", snare: "....x.......x..." },
  ],
  funk: [
    { hat: "xoxoxoxoxoxoxOxo", kick: "x..x..x...x..x..", snare: "....x..g.g..x..g" },
    { hat: "xoxoxoxoxoxoxoxo", kick: "x.x....x..x.....", snare: "....x.g.....x.g." },
  ],
  ballad: [{ hat: "x.o.x.o.x.o.x.o.", kick: "x.......x.......", snare: "....x.......x..." }],
  waltz: [{ hat: "x.o.x.o.x.o.x.o.", kick: "x...............", snare: "....x...x......." }],
  breakbeat: [
    { hat: "xoxoxoxoxoxoxoxo", kick: "x.x.......x.....", snare: "....x..g.g..x..." },
    { hat: "x.x.x.x.x.x.x.x.", kick: "x.........xx....", snare: "....x.......x.g." },
  ],
  bossa: [{ hat: "x.o.x.o.x.o.x.o.", kick: "x..xx..xx..xx..x", snare: "x..x..x...x..x.." }],
};

const FILL_TOMS = [DRUM.tomHigh, DRUM.tomHighMid, DRUM.tomLowMid, DRUM.tomLow, DRUM.tomFloor];

/** Inputs of {@link drumPart}. */
export interface DrumOptions {
  readonly groove: Groove;
  readonly beatsPerBar: number;
  /** Jazz-style kits: ride instead of hats, brushes feel. */
  readonly jazz: boolean;
}

/** Drum notes of one section (beats relative to the song start). */
export function drumSection(rng: Rng, section: Section, opts: DrumOptions): Note[] {
  const notes: Note[] = [];
  const steps = opts.beatsPerBar * 4;
  const groove = opts.beatsPerBar === 3 ? "waltz" : opts.groove;
  const pattern = rng.pick(P4[groove]);
  const loud = section.energy > 0.7;
  const ride = opts.jazz || (loud && rng.chance(0.4)) || section.kind === "solo";
  const sparse = section.kind === "intro" || section.kind === "outro" || section.energy < 0.35;
  const sideStick = groove === "ballad" && !loud && rng.chance(0.6);
  const fillLen = rng.pick([2, 4, 4, 8]);
  const add = (beat: number, key: number, vel: number): void => {
    notes.push({ beat, beats: 0.25, key, vel: clampVel(vel + rng.int(-6, 6)) });
  };
  // Jazz drummers play the ride and brushes softly under the band.
  const accent = opts.jazz ? 55 + 35 * section.energy : 70 + 45 * section.energy;
  for (let b = 0; b < section.bars; b++) {
    const bar0 = (section.startBar + b) * opts.beatsPerBar;
    const lastBar = b === section.bars - 1;
    const fillFrom = lastBar && section.kind !== "outro" && rng.chance(0.65) ? steps - fillLen : steps;
    for (let s = 0; s < steps; s++) {
      const beat = bar0 + s / 4;
      if (s >= fillFrom) {
        // Fill: 16ths down the toms (or snare), ending on the bar line.
        const k = s - fillFrom;
        const key = rng.chance(0.3)
          ? DRUM.snare
          : (FILL_TOMS[Math.min(FILL_TOMS.length - 1, Math.floor((k * FILL_TOMS.length) / fillLen))] as number);
        add(beat, key, accent - 10 + k * 2);
        if (k % 4 === 0) add(beat, DRUM.kick, accent - 15);
        continue;
      }
      const hat = lane(pattern.hat, s);
      const kick = lane(pattern.kick, s);
      const snare = lane(pattern.snare, s);
      if (hat !== ".") {
        if (ride) add(beat, s % 8 === 0 && loud ? DRUM.rideBell : DRUM.ride, hat === "x" ? accent - 10 : accent - 25);
        else if (hat === "O" || (loud && s === steps - 2 && rng.chance(0.5))) add(beat, DRUM.openHat, accent - 15);
        else add(beat, DRUM.closedHat, hat === "x" ? accent - 15 : accent - 35);
      }
      if (opts.jazz && s % 8 === 4) add(beat, DRUM.pedalHat, 70);
      if (!sparse || s % 8 === 0) {
        if (kick !== ".") add(beat, DRUM.kick, kick === "g" ? 40 : kick === "x" ? accent : accent - 15);
        if (snare !== "." && !(sparse && snare !== "x")) {
          const key = sideStick ? DRUM.sideStick : groove === "fourFloor" && rng.chance(0.3) ? DRUM.clap : DRUM.snare;
          add(beat, key, snare === "g" ? 35 : accent);
        }
      }
      if (opts.jazz && s % 4 === 2 && rng.chance(0.12)) add(beat, DRUM.snare, 40); // comping "bombs"
    }
  }
  // Crash on the section's downbeat when it starts loud.
  if (section.energy > 0.6 || section.kind === "chorus") {
    const beat = section.startBar * opts.beatsPerBar;
    add(beat, rng.chance(0.5) ? DRUM.crash : DRUM.crash2, accent + 5);
    if (!notes.some((n) => n.beat === beat && n.key === DRUM.kick)) add(beat, DRUM.kick, accent);
  }
  return notes;
}

/** The final hit of a song: crash + kick on the bar after the last. */
export function finalHit(beat: number, vel: number): Note[] {
  return [
    { beat, beats: 0.25, key: DRUM.crash, vel },
    { beat, beats: 0.25, key: DRUM.kick, vel },
  ];
}

function lane(s: string, step: number): string {
  return s[step % s.length] ?? ".";
}

/** Clamps to MIDI velocity 1..127. */
export function clampVel(v: number): number {
  return Math.max(1, Math.min(127, Math.round(v)));
}
