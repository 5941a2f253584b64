/**
 * Scores of the real-music development set, from per-second model scores and tri-state labels
 * (labels.ts). Every figure uses only the seconds whose label is known:
 * - ROC-AUC per class over its positive and negative seconds (src/evaluate/auc.ts; null unless both
 *   exist);
 * - "electric guitar": the model has no such class, so its score for a second is
 *   max(distorted, clean); the headline AUC ranks the Frets on Fire guitar-stem seconds against every
 *   second known to hold no electric guitar;
 * - false-positive rate at the model's own thresholds (score >= threshold, as `analyze` flags a class)
 *   over a class's negative seconds, overall and per source. Drum set on the Wesnoth seconds is the
 *   "orchestral percussion is not a drum kit" figure.
 */
import { CLASSES, N_CLASSES } from "../../data/classes.js";
import { aucFromSorted, meanAuc } from "../auc.js";
import { UNKNOWN } from "./labels.js";
import { SOURCE_IDS } from "./packages.js";
import type { SourceId } from "./packages.js";

/** Every scored second of the set, recordings one after another. */
export interface ScoredRows {
  readonly rows: number;
  /** rows x 18 model scores in CLASSES order. */
  readonly scores: Float32Array;
  /** rows x 18 labels, 1 / 0 / UNKNOWN. */
  readonly labels: Int8Array;
  /** Electric guitar label per row. */
  readonly electricGuitar: Int8Array;
  /** Source of each row. */
  readonly sources: readonly SourceId[];
  /** Recording id of each row (e.g. `fof-feelings`). */
  readonly recordings: readonly string[];
}

/** One Frets on Fire song's guitar seconds against every negative second. */
export interface SongGuitarFigures {
  readonly id: string;
  readonly positives: number;
  /** Median max(distorted, clean) over its guitar seconds. */
  readonly median: number;
  /** AUC of its guitar seconds vs all negatives: which song holds the headline AUC back. */
  readonly auc: number | null;
}

/** False positives among known-negative seconds. */
export interface FpCount {
  /** Negative seconds. */
  readonly n: number;
  /** Of those, seconds flagged active. */
  readonly count: number;
  /** count / n; null when n is 0. */
  readonly rate: number | null;
}

/** Figures for one class. */
export interface ClassFigures {
  readonly id: string;
  readonly positives: number;
  readonly negatives: number;
  /** ROC-AUC; null unless the class has both positive and negative seconds. */
  readonly auc: number | null;
  /** The model's threshold for the class. */
  readonly threshold: number;
  readonly fp: FpCount;
  readonly fpBySource: Readonly<Record<SourceId, FpCount>>;
}

/** Figures for "electric guitar" = max(distorted, clean). */
export interface ElectricGuitarFigures {
  /** Frets on Fire guitar-stem seconds. */
  readonly positivesFof: number;
  /** All electric-guitar seconds (also clips labelled distorted or clean). */
  readonly positivesAll: number;
  readonly negatives: number;
  /** AUC of max(distorted, clean): Frets on Fire positives vs all negatives (the headline). */
  readonly auc: number | null;
  /** The same with every positive second. */
  readonly aucAllPositives: number | null;
  /** Negatives where distorted or clean reaches its own threshold. */
  readonly fp: FpCount;
  readonly fpBySource: Readonly<Record<SourceId, FpCount>>;
  /** Per Frets on Fire song, in the order of the rows. */
  readonly bySong: readonly SongGuitarFigures[];
}

/** Everything metrics.ts reports. */
export interface RealFigures {
  readonly perClass: readonly ClassFigures[];
  /** Mean of the defined per-class AUCs. */
  readonly meanAuc: number | null;
  readonly nDefinedAuc: number;
  readonly electricGuitar: ElectricGuitarFigures;
  /** Drum-set false positives on the drum-free orchestral (Wesnoth) seconds. */
  readonly drumsOnOrchestral: FpCount;
}

/** ROC-AUC of positive vs negative scores (ties count 1/2); null when either list is empty. */
export function aucOfScores(positives: ArrayLike<number>, negatives: ArrayLike<number>): number | null {
  return aucFromSorted({ positives: Float64Array.from(positives).sort(), negatives: Float64Array.from(negatives).sort() });
}

/** Counts negative scores at or above `threshold` (what `analyze` marks active). */
export function falsePositives(negativeScores: ArrayLike<number>, threshold: number): FpCount {
  let count = 0;
  for (let i = 0; i < negativeScores.length; i++) if ((negativeScores[i] as number) >= threshold) count++;
  const n = negativeScores.length;
  return { n, count, rate: n === 0 ? null : count / n };
}

/** Element-wise max of two equally long score lists. */
export function maxOfTwo(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new RangeError(`maxOfTwo: lengths differ (${a.length} vs ${b.length})`);
  return Float64Array.from({ length: a.length }, (_, i) => Math.max(a[i] as number, b[i] as number));
}

/** Splits per-row values by a label column: positives (label 1) and negatives (label 0) with their rows. */
function split(
  values: (r: number) => number,
  label: (r: number) => number,
  rows: number,
): { pos: number[]; neg: number[]; negRows: number[] } {
  const pos: number[] = [];
  const neg: number[] = [];
  const negRows: number[] = [];
  for (let r = 0; r < rows; r++) {
    const l = label(r);
    if (l === 1) pos.push(values(r));
    else if (l === 0) {
      neg.push(values(r));
      negRows.push(r);
    }
  }
  return { pos, neg, negRows };
}

/** Per-source false positives of the rows in negRows, flagged by `flagged(row)`. */
function fpBySource(negRows: readonly number[], sources: readonly SourceId[], flagged: (r: number) => boolean): Record<SourceId, FpCount> {
  const out = {} as Record<SourceId, FpCount>;
  for (const s of SOURCE_IDS) {
    const rows = negRows.filter((r) => sources[r] === s);
    const count = rows.filter(flagged).length;
    out[s] = { n: rows.length, count, rate: rows.length === 0 ? null : count / rows.length };
  }
  return out;
}

/**
 * Computes the development-set figures.
 * @param thresholds the model's per-class thresholds, CLASSES order (length 18)
 */
export function evaluateReal(set: ScoredRows, thresholds: ArrayLike<number>): RealFigures {
  const { rows, scores, labels, sources } = set;
  if (
    scores.length !== rows * N_CLASSES ||
    labels.length !== rows * N_CLASSES ||
    set.electricGuitar.length !== rows ||
    sources.length !== rows ||
    set.recordings.length !== rows
  ) {
    throw new RangeError(`evaluateReal: inconsistent sizes for ${rows} rows`);
  }
  if (thresholds.length !== N_CLASSES) throw new RangeError(`evaluateReal: ${thresholds.length} thresholds for ${N_CLASSES} classes`);
  const score = (r: number, c: number): number => scores[r * N_CLASSES + c] as number;
  const perClass = CLASSES.map((cls): ClassFigures => {
    const c = cls.index;
    const th = thresholds[c] as number;
    const { pos, neg, negRows } = split(
      (r) => score(r, c),
      (r) => labels[r * N_CLASSES + c] as number,
      rows,
    );
    return {
      id: cls.id,
      positives: pos.length,
      negatives: neg.length,
      auc: aucOfScores(pos, neg),
      threshold: th,
      fp: falsePositives(neg, th),
      fpBySource: fpBySource(negRows, sources, (r) => score(r, c) >= th),
    };
  });
  const d = CLASSES.findIndex((c) => c.id === "distorted-guitar");
  const k = CLASSES.findIndex((c) => c.id === "clean-guitar");
  const eg = maxOfTwo(
    Array.from({ length: rows }, (_, r) => score(r, d)),
    Array.from({ length: rows }, (_, r) => score(r, k)),
  );
  const all = split(
    (r) => eg[r] as number,
    (r) => set.electricGuitar[r] as number,
    rows,
  );
  const fofPos = split(
    (r) => eg[r] as number,
    (r) => (sources[r] === "fof" && set.electricGuitar[r] === 1 ? 1 : UNKNOWN),
    rows,
  ).pos;
  const flaggedEg = (r: number): boolean => score(r, d) >= (thresholds[d] as number) || score(r, k) >= (thresholds[k] as number);
  const egFp = all.negRows.filter(flaggedEg).length;
  const drums = perClass.find((c) => c.id === "drums") as ClassFigures;
  const m = meanAuc(perClass.map((c) => c.auc));
  return {
    perClass,
    meanAuc: m.mean,
    nDefinedAuc: m.nDefined,
    electricGuitar: {
      positivesFof: fofPos.length,
      positivesAll: all.pos.length,
      negatives: all.neg.length,
      auc: aucOfScores(fofPos, all.neg),
      aucAllPositives: aucOfScores(all.pos, all.neg),
      fp: { n: all.neg.length, count: egFp, rate: all.neg.length === 0 ? null : egFp / all.neg.length },
      fpBySource: fpBySource(all.negRows, sources, flaggedEg),
      bySong: guitarBySong(set, eg, all.neg),
    },
    drumsOnOrchestral: drums.fpBySource.wesnoth,
  };
}

function median(values: readonly number[]): number {
  const v = Float64Array.from(values).sort();
  const m = v.length >> 1;
  return v.length === 0 ? NaN : v.length % 2 === 1 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

/** {@link SongGuitarFigures} of each Frets on Fire recording with guitar seconds. */
function guitarBySong(set: ScoredRows, eg: Float64Array, negatives: readonly number[]): SongGuitarFigures[] {
  const songs = new Map<string, number[]>();
  for (let r = 0; r < set.rows; r++) {
    if (set.sources[r] !== "fof" || set.electricGuitar[r] !== 1) continue;
    const id = set.recordings[r] as string;
    const list = songs.get(id) ?? [];
    list.push(eg[r] as number);
    songs.set(id, list);
  }
  return [...songs].map(([id, pos]) => ({ id, positives: pos.length, median: median(pos), auc: aucOfScores(pos, negatives) }));
}
