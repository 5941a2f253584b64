/** Typed access to ../shared/fixtures/reference/metrics_cases.json (scikit-learn 1.2.1 reference values). */
import { loadFixture } from "../../helpers/fixtures.js";
import { matrix } from "../../../src/post/aggregate.js";
import type { Matrix } from "../../../src/post/aggregate.js";

export interface FixturePrf {
  precision: number;
  recall: number;
  f1: number;
}

export interface MetricsCase {
  name: string;
  y_true: number[][];
  y_score: number[][];
  lrap: number;
  lrap_per_sample: number[];
  roc_auc_per_class: Array<number | null>;
  roc_auc_mean_over_defined_classes: number;
  roc_auc_n_defined_classes: number;
  "prf_at_threshold_0.5": {
    y_pred: number[][];
    precision: number[];
    recall: number[];
    f1: number[];
    support: number[];
    micro: FixturePrf;
    macro: FixturePrf;
    samples: FixturePrf;
  };
  best_f1_per_class: Array<{ threshold: number; f1: number; highest_threshold_with_same_f1: number }>;
  f1_threshold_scan_per_class: Array<
    Array<{ threshold: number; precision: number; recall: number; f1: number; tp: number; fp: number; fn: number }>
  >;
}

/** The four cases: basic_no_ties, ties, all_negative_class, lcg_20x6. */
export const CASES: readonly MetricsCase[] = loadFixture<{ cases: MetricsCase[] }>("reference/metrics_cases.json").cases;

/** A nested [n][c] array as a row-major Float64 matrix. */
export function toMatrix(rows: number[][]): Matrix {
  const cols = rows[0]?.length ?? 0;
  return matrix(Float64Array.from(rows.flat()), rows.length, cols);
}

/** Nulls replaced by `marker` (outside [0, 1]) so nullable AUC arrays go through one expectAllClose. */
export function nullsAs(values: ReadonlyArray<number | null>, marker = -1): number[] {
  return values.map((v) => (v === null ? marker : v));
}

/** Deterministic uniform [0, 1) numbers (Numerical Recipes LCG, as in the fixture README). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
