/**
 * The numbers of an evaluation report (report.json), per model, exactly as the metrics module
 * computes them (computeReport), arranged like the paper's figures and tables:
 * - LRAP micro/macro and mean AUC at 1 s / 5 s / 10 s / track resolution (Fig. 2, Table 3);
 * - AUC per class at each resolution (Fig. 3);
 * - precision/recall/F1 per class and the FP-vs-FN confusion matrix at 1 s with the model's tuned
 *   thresholds (§5, Fig. 4);
 * - vocals: the mean AUC of male singer, female singer and vocalists vs the AUC of the three
 *   pooled (max of scores and of labels) into one "vocals" class (Table 4).
 */
import { CLASSES, N_CLASSES } from "../data/classes.js";
import { RESOLUTIONS, matrix } from "../post/aggregate.js";
import type { Resolution } from "../post/aggregate.js";
import { computeReport } from "./metrics.js";
import type { FpFnConfusion } from "./confusion.js";
import type { PrfReport } from "./prf.js";

/** Report format version. */
export const REPORT_VERSION = 1;

/** The paper's class abbreviations (Table 2), in class order. */
export const PAPER_ABBREVIATIONS: readonly string[] = [
  "dru",
  "bgtr",
  "ms",
  "dgtr",
  "cgtr",
  "syn",
  "agtr",
  "pf",
  "vox",
  "fs",
  "str",
  "epf",
  "eorg",
  "db",
  "vc",
  "vn",
  "tab",
  "fl",
];

/** Class ids pooled into "vocals" for Table 4. */
export const VOCAL_CLASS_IDS: readonly string[] = ["male-singer", "female-singer", "vocalists"];

/** One model's scored windows (rows in track order, each track contiguous). */
export interface ScoredModel {
  /** Shown in the report (e.g. the model folder name). */
  readonly name: string;
  /** Output labels (class ids). */
  readonly labels: readonly string[];
  /** Per-class thresholds for P/R/F1 and the confusion matrix. */
  readonly thresholds: readonly number[];
  readonly scores: Float32Array;
  readonly truth: Uint8Array;
  readonly trackIds: Int32Array;
  readonly rows: number;
  /** Facts shown next to the model (architecture, parameters, ...). */
  readonly info?: Readonly<Record<string, string | number | null>>;
  /** Training history lines (train-log.jsonl), when known. */
  readonly history?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** Figures of one resolution. */
export interface ResolutionFigures {
  readonly resolution: Resolution;
  readonly rows: number;
  readonly lrapMicro: number;
  readonly lrapMacro: number;
  readonly meanAuc: number | null;
  readonly nDefinedClasses: number;
  readonly aucPerClass: Array<number | null>;
}

/** Table 4 at one resolution. */
export interface VocalsFigures {
  readonly resolution: Resolution;
  /** Mean of the defined per-class AUCs of the vocal classes. */
  readonly averageAuc: number | null;
  /** AUC of the pooled vocals class. */
  readonly pooledAuc: number | null;
}

/** Everything about one model. */
export interface ModelReport {
  readonly name: string;
  readonly labels: readonly string[];
  readonly info: Readonly<Record<string, string | number | null>>;
  readonly tracks: number;
  readonly windows: number;
  readonly resolutions: ResolutionFigures[];
  readonly thresholds: readonly number[];
  /** At 1 s with `thresholds`. */
  readonly prf: PrfReport;
  readonly confusion: FpFnConfusion;
  /** Empty when the model lacks the vocal classes. */
  readonly vocals: VocalsFigures[];
  readonly history: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** report.json. */
export interface EvaluationReport {
  readonly schema: "timbrescope-report";
  readonly version: number;
  readonly createdAt: string;
  /** What was evaluated (split name, data roots, or activation files). */
  readonly source: Readonly<Record<string, unknown>>;
  readonly models: ModelReport[];
}

/** Label of a resolution in tables and charts. */
export function resolutionLabel(r: Resolution): string {
  return r === "track" ? "track" : `${r} s`;
}

/** Short display names for labels: the paper's abbreviations for the 18 classes. */
export function shortLabels(labels: readonly string[]): string[] {
  return labels.map((l) => {
    const c = CLASSES.find((k) => k.id === l || k.label === l);
    return c === undefined || labels.length !== N_CLASSES ? l : (PAPER_ABBREVIATIONS[c.index] ?? l);
  });
}

function vocalsFigures(m: ScoredModel): VocalsFigures[] {
  const cols = VOCAL_CLASS_IDS.map((id) => m.labels.indexOf(id));
  if (cols.some((c) => c < 0)) return [];
  const n = m.labels.length;
  const pooledScores = new Float64Array(m.rows);
  const pooledTruth = new Uint8Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = -Infinity;
    let t = 0;
    for (const c of cols) {
      s = Math.max(s, m.scores[r * n + c] as number);
      t = Math.max(t, m.truth[r * n + c] as number);
    }
    pooledScores[r] = s;
    pooledTruth[r] = t;
  }
  const pooledInput = { scores: matrix(pooledScores, m.rows, 1), labels: matrix(pooledTruth, m.rows, 1), trackIds: m.trackIds };
  const input = { scores: matrix(m.scores, m.rows, n), labels: matrix(m.truth, m.rows, n), trackIds: m.trackIds };
  return RESOLUTIONS.map((resolution) => {
    const auc = computeReport(input, { resolution }).aucPerClass;
    const defined = cols.map((c) => auc[c]).filter((v): v is number => v !== null && v !== undefined);
    return {
      resolution,
      averageAuc: defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length,
      pooledAuc: computeReport(pooledInput, { resolution }).aucPerClass[0] ?? null,
    };
  });
}

/** Computes one model's section of the report. */
export function modelReport(m: ScoredModel): ModelReport {
  const n = m.labels.length;
  const input = { scores: matrix(m.scores, m.rows, n), labels: matrix(m.truth, m.rows, n), trackIds: m.trackIds };
  const resolutions = RESOLUTIONS.map((resolution) => {
    const r = computeReport(input, { resolution });
    return {
      resolution,
      rows: r.rows,
      lrapMicro: r.lrapMicro,
      lrapMacro: r.lrapMacro,
      meanAuc: r.meanAuc,
      nDefinedClasses: r.nDefinedClasses,
      aucPerClass: r.aucPerClass,
    };
  });
  const atThresholds = computeReport(input, { resolution: 1, thresholds: m.thresholds });
  return {
    name: m.name,
    labels: m.labels,
    info: m.info ?? {},
    tracks: atThresholds.tracks,
    windows: m.rows,
    resolutions,
    thresholds: atThresholds.thresholds,
    prf: atThresholds.prf,
    confusion: atThresholds.confusion,
    vocals: vocalsFigures(m),
    history: m.history ?? [],
  };
}

/** Assembles report.json. */
export function buildReport(
  models: readonly ScoredModel[],
  source: Readonly<Record<string, unknown>>,
  createdAt = new Date(),
): EvaluationReport {
  return {
    schema: "timbrescope-report",
    version: REPORT_VERSION,
    createdAt: createdAt.toISOString(),
    source,
    models: models.map(modelReport),
  };
}
