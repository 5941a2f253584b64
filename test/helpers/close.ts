/**
 * One aggregated closeness assertion per array (in the spirit of basic-pitch-ts `toAllBeClose`):
 * compares every element, then fails once, printing the worst element, its index and neighbours.
 */
import { expect } from "vitest";

type NumArray = ArrayLike<number> | readonly number[];

export interface CloseReport {
  maxAbs: number;
  worstIndex: number;
  count: number;
}

/** Returns the worst absolute deviation between `actual` and `expected` (NaN/Inf count as worst). */
export function compareArrays(actual: NumArray, expected: NumArray): CloseReport {
  let maxAbs = 0;
  let worstIndex = -1;
  const n = expected.length;
  for (let i = 0; i < n; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const d = a === e ? 0 : Math.abs(a - e);
    if (!(d <= maxAbs)) {
      maxAbs = Number.isNaN(d) ? Infinity : d;
      worstIndex = i;
    }
  }
  return { maxAbs, worstIndex, count: n };
}

/** Asserts max |actual - expected| <= tol over all elements; `label` names the array in the failure. */
export function expectAllClose(actual: NumArray, expected: NumArray, tol: number, label = "array"): CloseReport {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const r = compareArrays(actual, expected);
  if (r.maxAbs > tol) {
    const i = r.worstIndex;
    const lo = Math.max(0, i - 2);
    const hi = Math.min(expected.length, i + 3);
    const around: string[] = [];
    for (let k = lo; k < hi; k++) around.push(`[${k}] got ${actual[k]} want ${expected[k]}`);
    expect.fail(`${label}: max |Δ| = ${r.maxAbs} > ${tol} at index ${i} of ${r.count}; ${around.join("; ")}`);
  }
  return r;
}

/** Flattens a nested number[][] (row-major) into one array. */
export function flat2(rows: readonly (readonly number[])[]): number[] {
  return rows.flat();
}
