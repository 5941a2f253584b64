/**
 * Epoch plans: which (entry, window) pairs an epoch visits, in which order. A pure function of
 * (store layout, seed, epoch), so a resumed run replays exactly the batches an uninterrupted run
 * would have seen.
 */
import type { AugmentMode } from "./recipe.js";
import { deriveSeed, mulberry32 } from "./rng.js";
import type { WindowStore } from "./window-store.js";

/** Options of {@link epochPlan}. */
export interface PlanOptions {
  readonly seed: number;
  /** 0-based epoch. */
  readonly epoch: number;
  readonly augment: AugmentMode;
  /** Keep at most this many windows (the first ones after shuffling). Default all. */
  readonly maxWindows?: number;
}

/**
 * The epoch's (entry, window) pairs, shuffled: `plan[2k]` entry, `plan[2k + 1]` window.
 * - "all": every window of every entry (the paper: originals and all pitch variants);
 * - "one-per-track": per track, the windows of one randomly chosen variant;
 * - "none": only entries with variant "" (the original mixes).
 */
export function epochPlan(store: WindowStore, o: PlanOptions): Int32Array {
  const chosen: number[] = [];
  if (o.augment === "one-per-track") {
    const rng = mulberry32(deriveSeed(o.seed, "variant", o.epoch));
    const byTrack = new Map<string, number[]>();
    store.entries.forEach((e, i) => byTrack.set(e.trackId, [...(byTrack.get(e.trackId) ?? []), i]));
    for (const list of byTrack.values()) chosen.push(list[Math.floor(rng() * list.length)] as number);
  } else {
    store.entries.forEach((e, i) => {
      if (o.augment === "all" || e.variant === "") chosen.push(i);
    });
  }
  const total = chosen.reduce((a, i) => a + (store.entries[i]?.nWindows ?? 0), 0);
  const pairs = new Int32Array(2 * total);
  let k = 0;
  for (const i of chosen) {
    const n = store.entries[i]?.nWindows ?? 0;
    for (let w = 0; w < n; w++, k++) {
      pairs[2 * k] = i;
      pairs[2 * k + 1] = w;
    }
  }
  // Fisher-Yates over pairs.
  const rng = mulberry32(deriveSeed(o.seed, "shuffle", o.epoch));
  for (let a = total - 1; a > 0; a--) {
    const b = Math.floor(rng() * (a + 1));
    const e = pairs[2 * a] as number;
    const w = pairs[2 * a + 1] as number;
    pairs[2 * a] = pairs[2 * b] as number;
    pairs[2 * a + 1] = pairs[2 * b + 1] as number;
    pairs[2 * b] = e;
    pairs[2 * b + 1] = w;
  }
  const keep = Math.min(total, o.maxWindows ?? total);
  return keep === total ? pairs : pairs.slice(0, 2 * keep);
}

/** Number of batches for `windows` windows (the last one may be short). */
export function batchCount(windows: number, batchSize: number): number {
  return Math.ceil(windows / batchSize);
}

/** The refs of batch `b` of a plan. */
export function batchRefs(plan: Int32Array, b: number, batchSize: number): Int32Array {
  const n = plan.length / 2;
  return plan.subarray(2 * b * batchSize, 2 * Math.min(n, (b + 1) * batchSize));
}
