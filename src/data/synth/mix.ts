/**
 * Mixing (docs/synthetic-data.md §8): each processed stem is normalised to RMS 0.1 over its
 * active samples, given its mixing gain and the mono fold-down of its pan position (constant-power
 * law: a hard-panned source sums 3 dB down), then one common scale brings the loudest of mix and
 * stems to a peak of 0.89. Stems are quantised to 16 bits first and the mix is the sum of the
 * quantised stems, so the written mix equals the sum of the written stems to the LSB.
 */
import type { StemFx } from "./score.js";
import { toInt16 } from "./wav-writer.js";

/** RMS every stem is normalised to before its gain. */
const TARGET_RMS = 0.1;
/** Peak of the loudest written signal. */
export const MIX_PEAK = 0.89;
/** Blocks quieter than this (re the stem's loudest block) do not count as active, dB. */
const ACTIVE_BELOW_DB = -40;
const BLOCK = 1024;

/** Output of {@link mixStems}. */
export interface MixResult {
  /** Stems as written (scaled, quantised), same order as the input. */
  readonly stems: Float32Array[];
  readonly mix: Float32Array;
  /** Linear gain applied to each input stem in total. */
  readonly stemGains: number[];
}

/** Sample peak: the largest |x[i]| (0 for silence). */
export function samplePeak(x: Float32Array): number {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  return peak;
}

/** RMS over the blocks within ACTIVE_BELOW_DB of the loudest block (0 for silence). */
export function activeRms(x: Float32Array): number {
  const energies: number[] = [];
  for (let i = 0; i < x.length; i += BLOCK) {
    let e = 0;
    const end = Math.min(x.length, i + BLOCK);
    for (let k = i; k < end; k++) e += (x[k] as number) * (x[k] as number);
    energies.push(e / (end - i));
  }
  const max = Math.max(0, ...energies);
  if (max === 0) return 0;
  const thr = max * Math.pow(10, ACTIVE_BELOW_DB / 10);
  let sum = 0;
  let n = 0;
  for (const e of energies) {
    if (e >= thr) {
      sum += e;
      n++;
    }
  }
  return Math.sqrt(sum / n);
}

/** Mono fold-down gain of a constant-power pan position in [-1, 1] (1 at centre). */
export function panFoldGain(pan: number): number {
  const theta = ((Math.max(-1, Math.min(1, pan)) + 1) * Math.PI) / 4;
  return (Math.cos(theta) + Math.sin(theta)) / Math.SQRT2;
}

/** Mixes processed stems (modified in place: they become the written stems). */
export function mixStems(stems: Float32Array[], fx: readonly StemFx[]): MixResult {
  // Plain loops with locals only: this runs over every sample of every stem (hot path).
  let n = 0;
  for (const s of stems) n = Math.max(n, s.length);
  const gains = stems.map((s, i) => {
    const rms = activeRms(s);
    const f = fx[i];
    if (rms === 0 || f === undefined) return 0;
    return (TARGET_RMS / rms) * Math.pow(10, f.gainDb / 20) * panFoldGain(f.pan);
  });
  const sum = new Float64Array(n);
  let peak = 0;
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i] as Float32Array;
    const g = gains[i] as number;
    let p = 0;
    for (let k = 0; k < s.length; k++) {
      const v = g * (s[k] as number);
      sum[k] = (sum[k] as number) + v;
      const a = v < 0 ? -v : v;
      if (a > p) p = a;
    }
    if (p > peak) peak = p;
  }
  for (let k = 0; k < n; k++) {
    const v = sum[k] as number;
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  const common = peak > 0 ? MIX_PEAK / peak : 1;
  const mix = new Float32Array(n);
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i] as Float32Array;
    const g = (gains[i] as number) * common;
    // Scale, quantise to 16 bits (as the file will hold it) and accumulate the mix, in one pass.
    for (let k = 0; k < s.length; k++) {
      const q = toInt16(g * (s[k] as number)) / 32767;
      s[k] = q;
      mix[k] = (mix[k] as number) + q;
    }
  }
  return { stems, mix, stemGains: gains.map((g) => g * common) };
}
