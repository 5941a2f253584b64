/**
 * Label Ranking Average Precision (Tsoumakas et al., cited as [24] in Gururani et al. 2018 §4.3.1),
 * with scikit-learn's semantics (`label_ranking_average_precision_score`, checked against 1.2.1):
 *
 *   LRAP_i = 1/|Y_i| * sum_{l in Y_i} |{k in Y_i : s_k >= s_l}| / |{k : s_k >= s_l}|
 *
 * Ties count pessimistically (scipy `rankdata(-s, "max")`): a label tied with an irrelevant one is
 * ranked below it. A row with no relevant label, or with every label relevant, scores 1.0.
 * Micro = mean over all rows; macro = mean over tracks of each track's mean (the paper's way of
 * removing the weight of long tracks).
 */
import type { Matrix } from "../post/aggregate.js";
import { contiguousTrackSpans } from "../post/aggregate.js";

function checkSameShape(scores: Matrix, labels: Matrix, what: string): void {
  if (scores.rows !== labels.rows || scores.cols !== labels.cols) {
    throw new RangeError(`${what}: scores are [${scores.rows}, ${scores.cols}] but labels are [${labels.rows}, ${labels.cols}]`);
  }
}

/**
 * LRAP term of every row (length N). Labels count as relevant when non-zero. O(N * C^2), which for
 * the paper's C = 18 is cheaper than sorting each row.
 */
export function lrapPerSample(scores: Matrix, labels: Matrix): Float64Array {
  checkSameShape(scores, labels, "lrapPerSample");
  const { rows, cols } = scores;
  const out = new Float64Array(rows);
  const relevant: number[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    relevant.length = 0;
    for (let c = 0; c < cols; c++) if ((labels.data[base + c] as number) !== 0) relevant.push(c);
    if (relevant.length === 0 || relevant.length === cols) {
      out[r] = 1;
      continue;
    }
    let sum = 0;
    for (const l of relevant) {
      const sl = scores.data[base + l] as number;
      let rank = 0; // labels scored >= s_l (its pessimistic rank)
      for (let k = 0; k < cols; k++) if ((scores.data[base + k] as number) >= sl) rank++;
      let hits = 0; // relevant labels scored >= s_l
      for (const k of relevant) if ((scores.data[base + k] as number) >= sl) hits++;
      sum += hits / rank;
    }
    out[r] = sum / relevant.length;
  }
  return out;
}

function mean(values: ArrayLike<number>, start = 0, end = values.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += values[i] as number;
  return sum / (end - start);
}

/** Micro LRAP: the mean LRAP term over all rows (NaN for zero rows). */
export function lrapMicro(scores: Matrix, labels: Matrix): number {
  return mean(lrapPerSample(scores, labels));
}

/**
 * Macro LRAP: LRAP per track (mean over its rows), then the mean over tracks. `trackIds` (length N)
 * must hold each track's rows contiguously; throws RangeError otherwise. NaN for zero rows.
 */
export function lrapMacro(scores: Matrix, labels: Matrix, trackIds: ArrayLike<number>): number {
  if (trackIds.length !== scores.rows) throw new RangeError(`lrapMacro: ${trackIds.length} track ids for ${scores.rows} rows`);
  return lrapMacroFromTerms(lrapPerSample(scores, labels), trackIds);
}

/** Macro LRAP from precomputed per-row terms (see `lrapMacro`). */
export function lrapMacroFromTerms(perSample: ArrayLike<number>, trackIds: ArrayLike<number>): number {
  const spans = contiguousTrackSpans(trackIds);
  let sum = 0;
  for (const s of spans) sum += mean(perSample, s.start, s.end);
  return sum / spans.length;
}
