/**
 * Small pure statistics for the benchmark: medians, percentiles, a least-squares line, and a
 * repeat-until-budget timer. Machines here are shared and noisy, so every timing is a median of
 * several repetitions and every figure is also given as a ratio to a reference timed in the same run.
 */
import { performance } from "node:perf_hooks";

/** Median of `xs` (NaN for an empty list); the mean of the two middle values for even lengths. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Percentile `q` in [0, 100] of `xs` by linear interpolation between closest ranks (numpy's
 * default `percentile(..., method="linear")`); NaN for an empty list.
 */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile: q must be in [0, 100], got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = ((s.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** Least-squares line y = intercept + slope * x, with r² and the largest residual relative to y. */
export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
  /** Coefficient of determination (1 = a perfect line; NaN with fewer than 2 distinct x). */
  readonly r2: number;
  /** max |y - fit| / y over the points, in percent. */
  readonly maxResidualPct: number;
}

/** Fits a line through (xs[i], ys[i]); needs at least two points with distinct x for a slope. */
export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError(`fitLine: ${n} x values but ${ys.length} y values`);
  const mx = xs.reduce((a, v) => a + v, 0) / n;
  const my = ys.reduce((a, v) => a + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return { intercept: my, slope: Number.NaN, r2: Number.NaN, maxResidualPct: Number.NaN };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssRes = 0;
  let maxRes = 0;
  for (let i = 0; i < n; i++) {
    const y = ys[i] as number;
    const r = y - (intercept + slope * (xs[i] as number));
    ssRes += r * r;
    if (y !== 0) maxRes = Math.max(maxRes, Math.abs(r / y));
  }
  return { intercept, slope, r2: syy > 0 ? 1 - ssRes / syy : 1, maxResidualPct: 100 * maxRes };
}

/** Options of {@link timeRepeats}. */
export interface RepeatOptions {
  /** Untimed calls first (JIT, caches, backend kernels). Default 1. */
  readonly warmup?: number;
  /** Timed calls at least. Default 3. */
  readonly minReps?: number;
  /** Keep repeating until this much time went into timed calls, ms. Default 1000. */
  readonly budgetMs?: number;
  /** Timed calls at most. Default 200. */
  readonly maxReps?: number;
}

/** Times `fn` repeatedly (see {@link RepeatOptions}); returns each call's wall time, ms. */
export async function timeRepeats(fn: () => unknown, o: RepeatOptions = {}): Promise<number[]> {
  for (let i = 0; i < (o.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  const minReps = o.minReps ?? 3;
  const budget = o.budgetMs ?? 1000;
  const maxReps = o.maxReps ?? 200;
  let spent = 0;
  while (times.length < maxReps && (times.length < minReps || spent < budget)) {
    const t0 = performance.now();
    await fn();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
  }
  return times;
}
