/**
 * How each of the 18 classes is played by the generator: which General MIDI patches (or tabla
 * samples, or singers) sound like it, its usual register, and whether it is monophonic.
 * Programs follow docs/synthetic-data.md §4 (0-based GM programs, measured non-silent in
 * FluidR3, TimGM6mb and MuseScore General). Patches that MedleyDB would file under another label
 * are excluded: 38/39 synth bass are `synthesizer`, 72 piccolo is not `flute`, 19 church and
 * 20 reed organ are not `electronic organ`.
 */
import type { InstrumentSpec, Patch } from "./instrument-spec.js";
import { OTHER_INSTRUMENTS } from "./other-instruments.js";

const p = (program: number, weight = 1, bankNumber = 0): Patch => ({ bankNumber, program, weight });

/** Drum kit programs in bank 128: Standard, Room, Power, Electronic, TR-808, Jazz, Brush. */
export const KIT_PROGRAMS = {
  standard: 0,
  room: 8,
  power: 16,
  electronic: 24,
  tr808: 25,
  jazz: 32,
  brush: 40,
} as const;

/** Names of the kits in {@link KIT_PROGRAMS}. */
export type KitName = keyof typeof KIT_PROGRAMS;

/** Every class's spec, keyed by MedleyDB label. */
export const INSTRUMENTS: Readonly<Record<string, InstrumentSpec>> = Object.freeze({
  "drum set": { label: "drum set", source: "soundfont", patches: [p(0, 1, 128)], low: 27, high: 81, mono: false },
  "electric bass": {
    label: "electric bass",
    source: "soundfont",
    patches: [p(33, 3), p(34, 3), p(35, 1), p(36, 0.5), p(37, 0.5)],
    low: 28,
    high: 55,
    mono: true,
  },
  "double bass": { label: "double bass", source: "soundfont", patches: [p(32, 3), p(43, 1)], low: 28, high: 55, mono: true },
  piano: { label: "piano", source: "soundfont", patches: [p(0, 3), p(1, 1)], low: 33, high: 88, mono: false },
  "electric piano": {
    label: "electric piano",
    source: "soundfont",
    patches: [p(4, 2), p(5, 1), p(4, 0.5, 8), p(5, 0.3, 8)],
    low: 40,
    high: 84,
    mono: false,
  },
  "electronic organ": {
    label: "electronic organ",
    source: "soundfont",
    patches: [p(16, 2), p(17, 1), p(18, 1), p(16, 0.4, 8), p(17, 0.3, 8)],
    low: 36,
    high: 84,
    mono: false,
  },
  "acoustic guitar": {
    label: "acoustic guitar",
    source: "soundfont",
    patches: [p(24, 1), p(25, 2), p(25, 0.5, 8)],
    low: 40,
    high: 81,
    mono: false,
  },
  "clean electric guitar": {
    label: "clean electric guitar",
    source: "soundfont",
    patches: [p(27, 3), p(26, 2), p(28, 1), p(28, 0.5, 8)],
    low: 40,
    high: 84,
    mono: false,
  },
  "distorted electric guitar": {
    label: "distorted electric guitar",
    source: "soundfont",
    patches: [p(30, 3), p(29, 2)],
    low: 40,
    high: 88,
    mono: false,
  },
  synthesizer: {
    label: "synthesizer",
    source: "soundfont",
    // 80-87 leads, 88-95 pads, 50/51 synth strings, 62/63 synth brass, 38/39 synth bass.
    patches: [80, 81, 82, 83, 84, 86, 87, 88, 89, 90, 91, 92, 94, 95, 50, 51, 62, 63, 38, 39].map((prog) => p(prog)),
    low: 36,
    high: 91,
    mono: false,
  },
  "string section": {
    label: "string section",
    source: "soundfont",
    patches: [p(48, 3), p(49, 2), p(44, 1), p(45, 1)],
    low: 40,
    high: 88,
    mono: false,
  },
  cello: { label: "cello", source: "soundfont", patches: [p(42)], low: 36, high: 72, mono: true },
  violin: { label: "violin", source: "soundfont", patches: [p(40, 4), p(110, 1), p(40, 0.5, 8)], low: 55, high: 93, mono: true },
  flute: { label: "flute", source: "soundfont", patches: [p(73)], low: 60, high: 93, mono: true },
  vocalists: { label: "vocalists", source: "soundfont", patches: [p(52, 2), p(53, 1)], low: 50, high: 79, mono: false },
  "male singer": { label: "male singer", source: "singer", patches: [], low: 45, high: 67, mono: true },
  "female singer": { label: "female singer", source: "singer", patches: [], low: 55, high: 77, mono: true },
  tabla: { label: "tabla", source: "tabla", patches: [], low: 60, high: 85, mono: false },
});

/** Synth programs that are pads (held chords) rather than leads. */
export const SYNTH_PAD_PROGRAMS: ReadonlySet<number> = new Set([88, 89, 90, 91, 92, 94, 95, 50, 51, 62, 63]);
/** Synth programs that are basses. */
export const SYNTH_BASS_PROGRAMS: ReadonlySet<number> = new Set([38, 39]);

/**
 * The spec of a class label or of a non-class instrument (other-instruments.ts); throws for labels
 * the generator does not know (a generator bug).
 */
export function instrument(label: string): InstrumentSpec {
  const spec = INSTRUMENTS[label] ?? OTHER_INSTRUMENTS[label];
  if (spec === undefined) throw new Error(`no instrument spec for "${label}"`);
  return spec;
}
