/**
 * Per-second labels of the real-music development set. Unlike MedleyDB, where every class is known
 * in every window, a real recording without stems only tells us some things: a label is 1 (the
 * class plays), 0 (checked absent) or UNKNOWN (not claimed), and metrics use only the known ones.
 *
 * Activity comes from the repository's MedleyDB recipe, never from a new rule: activation
 * confidence from src/data/activation-conf.ts and the 1 s rule of src/data/labels.ts (a window is
 * active when the confidence reaches 0.5 in any of its rows).
 *
 * "Electric guitar" is kept as its own label beside the 18 classes: a Frets on Fire guitar stem
 * says that an electric guitar plays, not whether it is distorted or clean, so the model's answer
 * there is max(distorted, clean) (see metrics.ts).
 */
import { CLASSES, findClass, N_CLASSES } from "../../data/classes.js";
import type { LabTable } from "../../data/lab.js";
import { labelWindows } from "../../data/labels.js";
import { UserError } from "../../errors.js";
import type { Range } from "./annotations.js";

/** A label value nobody claimed. */
export const UNKNOWN = -1;

/** Tri-state labels of one recording, one row per 1 s window. */
export interface TriLabels {
  readonly nWindows: number;
  /** Row-major nWindows x 18 of 1 / 0 / UNKNOWN, classes in CLASSES order. */
  readonly classes: Int8Array;
  /** Per window: an electric guitar (distorted or clean) plays 1 / is absent 0 / UNKNOWN. */
  readonly electricGuitar: Int8Array;
}

const DISTORTED = classIndex("distorted-guitar");
const CLEAN = classIndex("clean-guitar");
const ACOUSTIC = classIndex("acoustic-guitar");
const DRUMS = classIndex("drums");

/** Index of a class id in CLASSES order; throws for a name that is not one of the 18. */
export function classIndex(id: string): number {
  const c = findClass(id);
  if (c === undefined) throw new UserError(`"${id}" is not one of the 18 classes (${CLASSES.map((k) => k.id).join(", ")})`);
  return c.index;
}

/** 1 for every window w with start <= w and w + 1 <= end for some range (a window wholly inside). */
export function windowsInRanges(ranges: readonly Range[], nWindows: number): Uint8Array {
  const out = new Uint8Array(nWindows);
  for (const [start, end] of ranges) {
    if (!(start >= 0 && end > start)) throw new RangeError(`Expected a range [start, end) with 0 <= start < end, got [${start}, ${end})`);
    for (let w = Math.ceil(start); w + 1 <= end && w < nWindows; w++) out[w] = 1;
  }
  return out;
}

/**
 * 0/1 per 1 s window: is the stem `key` of `table` active (MedleyDB's rule, labels.ts)? At most
 * `maxWindows` windows (whole seconds of the audio), fewer when the table ends earlier.
 */
export function stemActiveWindows(table: LabTable, key: string, maxWindows: number): Uint8Array {
  // labelWindows maps stems to classes; a one-stem spec on class 0 turns its column into activity.
  const res = labelWindows(table, [{ key, rawLabels: [key], classIndices: [0] }], { maxWindows });
  if (res.missingColumns.length > 0) throw new Error(`activation table has no column "${key}"`);
  const out = new Uint8Array(res.nWindows);
  for (let w = 0; w < res.nWindows; w++) out[w] = res.classes[w * N_CLASSES] as number;
  return out;
}

function emptyLabels(nWindows: number): TriLabels {
  return { nWindows, classes: new Int8Array(nWindows * N_CLASSES).fill(UNKNOWN), electricGuitar: new Int8Array(nWindows).fill(UNKNOWN) };
}

/** What a Frets on Fire song contributes: activity of its two stems and the checked ranges. */
export interface FofLabelInput {
  /** Guitar stem active, per window. */
  readonly guitarActive: Uint8Array;
  /** Backing stem active, per window (same length). */
  readonly backingActive: Uint8Array;
  readonly drums: readonly Range[];
  readonly noDrums: readonly Range[];
  readonly noGuitarInBacking: readonly Range[];
}

/**
 * Labels of a Frets on Fire mix. Windows where neither stem is active stay all UNKNOWN (silence is
 * not evidence). Electric guitar: 1 where the guitar stem is active; 0 where it is not and the
 * backing was checked guitar-free (then distorted, clean and acoustic guitar are 0 too). Drum set:
 * 1 / 0 inside the checked ranges. Nothing else is claimed.
 */
export function fofLabels(input: FofLabelInput): TriLabels {
  const n = input.guitarActive.length;
  if (input.backingActive.length !== n) throw new RangeError(`stem activity lengths differ: ${n} vs ${input.backingActive.length}`);
  const out = emptyLabels(n);
  const drums = windowsInRanges(input.drums, n);
  const noDrums = windowsInRanges(input.noDrums, n);
  const noGuitar = windowsInRanges(input.noGuitarInBacking, n);
  for (let w = 0; w < n; w++) {
    if (drums[w] === 1 && noDrums[w] === 1) throw new RangeError(`window ${w} is in both a drum range and a no-drum range`);
    if (input.guitarActive[w] === 0 && input.backingActive[w] === 0) continue;
    const row = w * N_CLASSES;
    if (drums[w] === 1) out.classes[row + DRUMS] = 1;
    if (noDrums[w] === 1) out.classes[row + DRUMS] = 0;
    if (input.guitarActive[w] === 1) out.electricGuitar[w] = 1;
    else if (noGuitar[w] === 1) {
      out.electricGuitar[w] = 0;
      for (const c of [DISTORTED, CLEAN, ACOUSTIC]) out.classes[row + c] = 0;
    }
  }
  return out;
}

/**
 * Labels of a recording with one known content: over its active windows the `positives` are 1 and
 * the `negatives` 0; inactive windows (silence, faded tails) stay all UNKNOWN. Electric guitar is
 * derived: 1 if distorted or clean guitar is 1, 0 if both are 0.
 */
export function singleRecordingLabels(active: Uint8Array, positives: readonly number[], negatives: readonly number[]): TriLabels {
  for (const p of positives) if (negatives.includes(p)) throw new RangeError(`class ${CLASSES[p]?.id ?? p} is both positive and negative`);
  const out = emptyLabels(active.length);
  for (let w = 0; w < active.length; w++) {
    if (active[w] !== 1) continue;
    const row = w * N_CLASSES;
    for (const c of negatives) out.classes[row + c] = 0;
    for (const c of positives) out.classes[row + c] = 1;
    const d = out.classes[row + DISTORTED] as number;
    const k = out.classes[row + CLEAN] as number;
    out.electricGuitar[w] = d === 1 || k === 1 ? 1 : d === 0 && k === 0 ? 0 : UNKNOWN;
  }
  return out;
}

/** Class indices that are neither positive nor unknown: what "every other class" means for a clip. */
export function otherClasses(positives: readonly number[], unknown: readonly number[]): number[] {
  return CLASSES.map((c) => c.index).filter((i) => !positives.includes(i) && !unknown.includes(i));
}

/** Number of windows with at least one known label (class or electric guitar). */
export function knownWindows(l: TriLabels): number {
  let n = 0;
  for (let w = 0; w < l.nWindows; w++) {
    if (l.electricGuitar[w] !== UNKNOWN || l.classes.subarray(w * N_CLASSES, (w + 1) * N_CLASSES).some((v) => v !== UNKNOWN)) n++;
  }
  return n;
}
