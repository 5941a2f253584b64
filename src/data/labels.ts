/**
 * 1 s labels from activation confidence, the paper's rule (docs/datasets.md §6):
 * window `w` holds the `.lab` rows with `floor(time) == w`; a class is active in `w` when the
 * maximum confidence over those rows and over all stems of that class is >= 0.5 (stems of the
 * same class are OR-ed). Only complete windows count: `w = 0 .. nWindows-1` with
 * `nWindows = floor(t_last)`, further limited to the mix audio's whole seconds when known
 * (the last partial second has labels but not a full second of audio).
 *
 * `.lab` columns are joined to stems BY NAME: a column without a stem is ignored, a stem
 * without a column is never active; both are reported so the caller can log them.
 */
import { N_CLASSES } from "./classes.js";
import type { LabTable } from "./lab.js";

/** Activation threshold on the confidence C (C >= 0.5 <=> H >= theta, docs/datasets.md §5). */
export const ACTIVE_THRESHOLD = 0.5;

/** What the labeller needs to know about one stem. */
export interface StemLabelSpec {
  /** Stem key = `.lab` column name (`S01`). */
  readonly key: string;
  /** Labels as written in the YAML (before any label map); counted per label in statistics. */
  readonly rawLabels: readonly string[];
  /** Output class indices this stem contributes to (after the label map, if any). */
  readonly classIndices: readonly number[];
}

/** Per-window labels of one track. */
export interface WindowLabels {
  /** Number of complete 1 s windows. */
  readonly nWindows: number;
  /** Row-major `nWindows x N_CLASSES` matrix of 0/1 (`classes[w * N_CLASSES + c]`). */
  readonly classes: Uint8Array;
}

/** The labeller's result: labels plus the bookkeeping the dataset reader reports. */
export interface LabelResult extends WindowLabels {
  /** Active windows per raw YAML label (stems sharing a label are OR-ed); absent = never active. */
  readonly rawLabelActiveWindows: ReadonlyMap<string, number>;
  /** `.lab` columns that match no stem (ignored). */
  readonly unknownColumns: readonly string[];
  /** Stems with no `.lab` column (never active). */
  readonly missingColumns: readonly string[];
}

/** Options of {@link labelWindows}. */
export interface LabelOptions {
  /** Upper bound on the window count, e.g. whole seconds of mix audio. Default: no bound. */
  readonly maxWindows?: number;
}

/** Number of complete windows a table supports: `floor(t_last)`, capped by `maxWindows`. */
export function windowCount(table: LabTable, opts: LabelOptions = {}): number {
  const n = table.times.length;
  const fromLab = n === 0 ? 0 : Math.max(0, Math.floor(table.times[n - 1] as number));
  return opts.maxWindows === undefined ? fromLab : Math.max(0, Math.min(fromLab, Math.floor(opts.maxWindows)));
}

/** Applies the 1 s rule to one track's activation confidence. */
export function labelWindows(table: LabTable, stems: readonly StemLabelSpec[], opts: LabelOptions = {}): LabelResult {
  const nWindows = windowCount(table, opts);
  const classes = new Uint8Array(nWindows * N_CLASSES);
  const byColumn = new Map(table.columns.map((c, j) => [c, j]));
  const stemKeys = new Set(stems.map((s) => s.key));
  const rawActive = new Map<string, Uint8Array>();
  const missingColumns: string[] = [];
  const windowOfRow = rowWindows(table, nWindows);
  for (const stem of stems) {
    const j = byColumn.get(stem.key);
    if (j === undefined) {
      missingColumns.push(stem.key);
      continue;
    }
    const col = table.values[j] as Float64Array;
    const active = activeWindowsOf(col, windowOfRow, nWindows);
    for (let w = 0; w < nWindows; w++) {
      if (active[w] === 0) continue;
      for (const c of stem.classIndices) classes[w * N_CLASSES + c] = 1;
    }
    for (const label of new Set(stem.rawLabels)) {
      const acc = rawActive.get(label) ?? new Uint8Array(nWindows);
      for (let w = 0; w < nWindows; w++) acc[w] = (acc[w] as number) | (active[w] as number);
      rawActive.set(label, acc);
    }
  }
  const rawLabelActiveWindows = new Map<string, number>();
  for (const [label, acc] of rawActive) {
    const count = acc.reduce((s, v) => s + v, 0);
    if (count > 0) rawLabelActiveWindows.set(label, count);
  }
  return {
    nWindows,
    classes,
    rawLabelActiveWindows,
    unknownColumns: table.columns.filter((c) => !stemKeys.has(c)),
    missingColumns,
  };
}

/** Window index of every row (`floor(time)`), or -1 for rows past the last complete window. */
function rowWindows(table: LabTable, nWindows: number): Int32Array {
  const out = new Int32Array(table.times.length);
  for (let k = 0; k < out.length; k++) {
    const w = Math.floor(table.times[k] as number);
    out[k] = w >= 0 && w < nWindows ? w : -1;
  }
  return out;
}

/** 0/1 per window: does any row of the window reach the threshold? */
function activeWindowsOf(col: Float64Array, windowOfRow: Int32Array, nWindows: number): Uint8Array {
  const active = new Uint8Array(nWindows);
  for (let k = 0; k < col.length; k++) {
    const w = windowOfRow[k] as number;
    if (w >= 0 && (col[k] as number) >= ACTIVE_THRESHOLD) active[w] = 1;
  }
  return active;
}

/** Counts active windows per class (length N_CLASSES). */
export function classActiveWindows(labels: WindowLabels): number[] {
  const counts = new Array<number>(N_CLASSES).fill(0);
  for (let w = 0; w < labels.nWindows; w++) {
    for (let c = 0; c < N_CLASSES; c++) counts[c] = (counts[c] as number) + (labels.classes[w * N_CLASSES + c] as number);
  }
  return counts;
}

/** Number of windows in which at least one class is active. */
export function windowsWithAnyClass(labels: WindowLabels): number {
  let n = 0;
  for (let w = 0; w < labels.nWindows; w++) {
    if (labels.classes.subarray(w * N_CLASSES, (w + 1) * N_CLASSES).some((v) => v !== 0)) n++;
  }
  return n;
}

/** The 0/1 label vector of window `w` (a view, length N_CLASSES). */
export function windowLabelsAt(labels: WindowLabels, w: number): Uint8Array {
  if (!Number.isInteger(w) || w < 0 || w >= labels.nWindows) {
    throw new RangeError(`Expected a window index in [0, ${labels.nWindows}), got ${w}`);
  }
  return labels.classes.subarray(w * N_CLASSES, (w + 1) * N_CLASSES);
}
