/**
 * Instruments that are none of the 18 classes (realism element `extra`, issue 16): brass, reeds
 * other than flute, harp, mallets, accordion, banjo, sitar, timpani and non-kit percussion. Real
 * music is full of them (MedleyDB has ~100 instrument labels; the paper trains on tracks that
 * contain them), and a network that never heard one calls every percussive sound "drum set" and
 * every sustained one a string class. Each keeps its own MedleyDB taxonomy label, which maps to
 * no class (src/data/classes.ts), so its stem raises no label.
 *
 * Deliberately left out: piccolo, recorder and pan flute (MedleyDB files them apart from `flute`
 * but a GM bank's samples are close to its flute: teaching the network that they are "not flute"
 * would mostly teach it noise), and GM 110 "fiddle" (a violin).
 */
import type { InstrumentSpec, Patch } from "./instrument-spec.js";

const p = (program: number, weight = 1, bankNumber = 0): Patch => ({ bankNumber, program, weight });

/**
 * A non-class instrument. `kitKeys`: the part is played on a GM bank's standard drum kit (bank 128,
 * program 0) using only these percussion keys (congas, shakers, an orchestral crash...).
 */
export interface OtherInstrumentSpec extends InstrumentSpec {
  readonly kitKeys?: readonly number[];
  /** Family, for the metadata and the class-balance report. */
  readonly family: "brass" | "reeds" | "plucked" | "keys" | "mallets" | "percussion";
}

const mel = (
  label: string,
  family: OtherInstrumentSpec["family"],
  patches: Patch[],
  low: number,
  high: number,
  mono: boolean,
): OtherInstrumentSpec => ({
  label,
  family,
  source: "soundfont",
  patches,
  low,
  high,
  mono,
});

const kit = (label: string, keys: readonly number[]): OtherInstrumentSpec => ({
  label,
  family: "percussion",
  source: "soundfont",
  patches: [p(0, 1, 128)],
  low: Math.min(...keys),
  high: Math.max(...keys),
  mono: false,
  kitKeys: keys,
});

/** Every non-class instrument the generator plays, keyed by MedleyDB taxonomy label. */
export const OTHER_INSTRUMENTS: Readonly<Record<string, OtherInstrumentSpec>> = Object.freeze({
  trumpet: mel("trumpet", "brass", [p(56, 3), p(59, 1)], 55, 82, true),
  trombone: mel("trombone", "brass", [p(57)], 40, 72, true),
  tuba: mel("tuba", "brass", [p(58)], 28, 55, true),
  "french horn": mel("french horn", "brass", [p(60)], 41, 77, true),
  "brass section": mel("brass section", "brass", [p(61)], 46, 80, false),
  "alto saxophone": mel("alto saxophone", "reeds", [p(65)], 49, 81, true),
  "tenor saxophone": mel("tenor saxophone", "reeds", [p(66)], 44, 75, true),
  oboe: mel("oboe", "reeds", [p(68)], 58, 91, true),
  "english horn": mel("english horn", "reeds", [p(69)], 52, 81, true),
  bassoon: mel("bassoon", "reeds", [p(70)], 34, 65, true),
  clarinet: mel("clarinet", "reeds", [p(71)], 50, 89, true),
  harmonica: mel("harmonica", "reeds", [p(22)], 55, 84, true),
  accordion: mel("accordion", "keys", [p(21, 2), p(23, 1)], 48, 84, false),
  harpsichord: mel("harpsichord", "keys", [p(6)], 36, 84, false),
  "pipe organ": mel("pipe organ", "keys", [p(19)], 36, 84, false),
  harp: mel("harp", "plucked", [p(46)], 36, 91, false),
  banjo: mel("banjo", "plucked", [p(105)], 48, 81, false),
  sitar: mel("sitar", "plucked", [p(104)], 48, 79, true),
  glockenspiel: mel("glockenspiel", "mallets", [p(9)], 72, 100, false),
  vibraphone: mel("vibraphone", "mallets", [p(11)], 48, 84, false),
  marimba: mel("marimba", "mallets", [p(12)], 45, 84, false),
  xylophone: mel("xylophone", "mallets", [p(13)], 60, 96, false),
  chimes: mel("chimes", "mallets", [p(14)], 60, 77, false),
  dulcimer: mel("dulcimer", "mallets", [p(15)], 48, 84, false),
  timpani: mel("timpani", "percussion", [p(47)], 36, 55, false),
  conga: kit("conga", [62, 63, 64]),
  bongo: kit("bongo", [60, 61]),
  tambourine: kit("tambourine", [54]),
  shaker: kit("shaker", [70, 69]),
  cowbell: kit("cowbell", [56]),
  "auxiliary percussion": kit("auxiliary percussion", [75, 76, 77, 67, 68, 65, 66, 73, 74]),
  cymbal: kit("cymbal", [49, 57, 55, 52]),
  "bass drum": kit("bass drum", [35]),
  "snare drum": kit("snare drum", [38]),
  toms: kit("toms", [41, 43, 45, 47, 48, 50]),
});

/** Non-class labels played as percussion (role `perc`): kit-key sets and timpani. */
export function isPercussionLabel(label: string): boolean {
  const spec = OTHER_INSTRUMENTS[label];
  return spec !== undefined && spec.family === "percussion";
}

/** The non-class spec of a label, or undefined for the 18 classes. */
export function otherInstrument(label: string): OtherInstrumentSpec | undefined {
  return OTHER_INSTRUMENTS[label];
}
