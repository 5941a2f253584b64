/**
 * Just enough music theory for believable synthetic songs: modes (including a few raga scales),
 * diatonic chords built by stacking scale thirds, common chord progressions per mode family, and
 * voice-led chord voicings. Pitches are MIDI note numbers; pitch classes are 0..11 (C = 0).
 */
import type { Rng } from "./rng.js";

/** A scale as semitone offsets from the tonic (7 notes). */
export const MODES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  phrygian: [0, 1, 3, 5, 7, 8, 10],
  lydian: [0, 2, 4, 6, 7, 9, 11],
  harmonicMinor: [0, 2, 3, 5, 7, 8, 11],
  /** Raag Bhairav (double harmonic): komal re and dha. */
  bhairav: [0, 1, 4, 5, 7, 8, 11],
} as const satisfies Record<string, readonly number[]>;

/** Name of a mode in {@link MODES}. */
export type ModeName = keyof typeof MODES;

/** Modes whose tonic triad is minor (they share the minor progressions). */
const MINOR_FAMILY: ReadonlySet<ModeName> = new Set(["minor", "dorian", "phrygian", "harmonicMinor"]);

/** A chord: root pitch class and the pitch classes it contains (root first). */
export interface Chord {
  readonly rootPc: number;
  /** Pitch classes, root first, then third, fifth (and seventh when present). */
  readonly pcs: readonly number[];
  /** Scale degree (0-based) the chord was built on, for bass lines and melodies. */
  readonly degree: number;
}

/** Progressions as 0-based scale degrees, one chord per bar, for major-family modes. */
const MAJOR_PROGRESSIONS: readonly (readonly number[])[] = [
  [0, 4, 5, 3], // I V vi IV
  [5, 3, 0, 4], // vi IV I V
  [0, 3, 4, 3], // I IV V IV
  [0, 5, 3, 4], // I vi IV V
  [0, 3, 0, 4], // I IV I V
  [1, 4, 0, 0], // ii V I I
  [0, 5, 1, 4], // I vi ii V
  [3, 4, 0, 0], // IV V I I
  [0, 2, 3, 4], // I iii IV V
  [0, 0, 3, 3], // I I IV IV
  [0, 6, 3, 0], // I bVII IV I (mixolydian rock)
];

/** Progressions for minor-family modes. */
const MINOR_PROGRESSIONS: readonly (readonly number[])[] = [
  [0, 5, 2, 6], // i VI III VII
  [0, 3, 4, 0], // i iv v i
  [0, 6, 5, 6], // i VII VI VII
  [0, 5, 3, 4], // i VI iv v
  [0, 3, 6, 2], // i iv VII III
  [0, 0, 5, 6], // i i VI VII
  [0, 1, 0, 6], // i bII i VII (phrygian)
  [3, 0, 4, 0], // iv i v i
];

/** The 12-bar blues as scale degrees (I I I I IV IV I I V IV I V). */
export const TWELVE_BAR_BLUES: readonly number[] = [0, 0, 0, 0, 3, 3, 0, 0, 4, 3, 0, 4];

/** True for modes with a minor tonic. */
export function isMinorMode(mode: ModeName): boolean {
  return MINOR_FAMILY.has(mode);
}

/** Absolute pitch classes of the scale of `mode` on `tonicPc`. */
export function scalePcs(tonicPc: number, mode: ModeName): number[] {
  return MODES[mode].map((s) => (tonicPc + s) % 12);
}

/**
 * The diatonic chord on scale `degree`: stacked thirds of the scale, `size` notes (3 = triad,
 * 4 = seventh chord). `power` gives root and fifth only (rock/metal power chords).
 */
export function diatonicChord(tonicPc: number, mode: ModeName, degree: number, size: 2 | 3 | 4): Chord {
  const scale = MODES[mode];
  const d = ((degree % 7) + 7) % 7;
  const steps = size === 2 ? [0, 4] : size === 3 ? [0, 2, 4] : [0, 2, 4, 6];
  const pcs = steps.map((k) => (tonicPc + (scale[(d + k) % 7] as number)) % 12);
  return { rootPc: pcs[0] as number, pcs, degree: d };
}

/** A random progression (scale degrees, one per bar) that suits `mode`. */
export function pickProgression(rng: Rng, mode: ModeName): readonly number[] {
  return rng.pick(isMinorMode(mode) ? MINOR_PROGRESSIONS : MAJOR_PROGRESSIONS);
}

/** All MIDI notes in [low, high] whose pitch class is in `pcs`, ascending. */
export function notesInRange(pcs: readonly number[], low: number, high: number): number[] {
  const set = new Set(pcs.map((p) => ((p % 12) + 12) % 12));
  const out: number[] = [];
  for (let m = low; m <= high; m++) if (set.has(m % 12)) out.push(m);
  return out;
}

/** The MIDI note with pitch class `pc` closest to `target` (ties go down). */
export function nearestWithPc(pc: number, target: number): number {
  const base = target - ((((target - pc) % 12) + 12) % 12);
  return target - base <= base + 12 - target ? base : base + 12;
}

/**
 * A close-position voicing of `chord` (one note per chord tone, root not necessarily lowest)
 * inside [low, high] whose mean pitch is closest to `center`: smooth voice leading when the
 * previous voicing's mean is passed as `center`.
 */
export function voiceChord(chord: Chord, low: number, high: number, center: number): number[] {
  let best: number[] = [];
  let bestCost = Infinity;
  const n = chord.pcs.length;
  for (let inv = 0; inv < n; inv++) {
    // Build the inversion upwards from each possible octave of its lowest note.
    const first = chord.pcs[inv] as number;
    for (let start = low + ((((first - low) % 12) + 12) % 12); start <= high; start += 12) {
      const notes = [start];
      for (let k = 1; k < n; k++) {
        const pc = chord.pcs[(inv + k) % n] as number;
        const prev = notes[k - 1] as number;
        notes.push(prev + ((((pc - prev) % 12) + 12) % 12 || 12));
      }
      if ((notes[n - 1] as number) > high) continue;
      const mean = notes.reduce((a, b) => a + b, 0) / n;
      const cost = Math.abs(mean - center);
      if (cost < bestCost) {
        bestCost = cost;
        best = notes;
      }
    }
  }
  if (best.length === 0) return [nearestWithPc(chord.rootPc, Math.round((low + high) / 2))];
  return best;
}

/** Frequency in Hz of a MIDI note (A4 = 69 = 440 Hz). */
export function midiToHz(m: number): number {
  return 440 * Math.pow(2, (m - 69) / 12);
}
