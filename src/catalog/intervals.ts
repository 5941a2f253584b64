/**
 * Sets of time as sorted, disjoint half-open intervals [start, end) in seconds: what `when`
 * queries combine (intersection for "and", union for "or", complement within the track for "not").
 */

/** A stretch of time, seconds; start < end. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Intervals closer than this are one (1 µs: the precision results store times at), seconds. */
const EPS_SEC = 1e-6;

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function normalize(xs: readonly Interval[]): Interval[] {
  const sorted = xs.filter((x) => x.end - x.start > EPS_SEC).sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && x.start <= last.end + EPS_SEC) last.end = Math.max(last.end, x.end);
    else out.push({ start: x.start, end: x.end });
  }
  return out;
}

/** Union of normalised sets. */
export function union(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return normalize([...a, ...b]);
}

/** Intersection of normalised sets (linear merge). */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end - start > EPS_SEC) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** The complement of a normalised set within [0, totalSec). */
export function complement(a: readonly Interval[], lengthSec: number): Interval[] {
  const out: Interval[] = [];
  let at = 0;
  for (const x of a) {
    if (x.start - at > EPS_SEC) out.push({ start: at, end: Math.min(x.start, lengthSec) });
    at = Math.max(at, x.end);
  }
  if (lengthSec - at > EPS_SEC) out.push({ start: at, end: lengthSec });
  return out.filter((x) => x.end - x.start > EPS_SEC);
}

/** Total length of a normalised set, seconds. */
export function totalSec(a: readonly Interval[]): number {
  return a.reduce((s, x) => s + (x.end - x.start), 0);
}
