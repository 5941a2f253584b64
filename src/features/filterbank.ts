/**
 * Slaney mel filterbank, a port of librosa 0.10 `filters.mel(sr, n_fft, n_mels, fmin, fmax,
 * htk=False, norm="slaney")`, computed in float64 (librosa's default basis is float32; the
 * difference is <= 1.73e-9, see docs/fixtures.md).
 *
 * The bank is stored densely (for inspection and tests) and sparsely: each band is a triangle that
 * touches only a few FFT bins (3..34 of 513 for the defaults), so applying it packed costs ~1.3k
 * multiply-adds per frame instead of ~49k.
 */
import type { MelParams } from "./params.js";
import { DEFAULT_MEL_PARAMS } from "./params.js";

/** Slaney mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above (Auditory Toolbox). */
const F_SP_HZ = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP_HZ; // 15
/** 27 mels per factor 6.4 in frequency above 1 kHz. */
const LOG_STEP = Math.log(6.4) / 27;

/** Hz -> Slaney mel (librosa `hz_to_mel(htk=False)`). */
export function hzToMelSlaney(fHz: number): number {
  return fHz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(fHz / MIN_LOG_HZ) / LOG_STEP : fHz / F_SP_HZ;
}

/** Slaney mel -> Hz (librosa `mel_to_hz(htk=False)`), the inverse of {@link hzToMelSlaney}. */
export function melToHzSlaney(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP_HZ * mel;
}

/**
 * The nMels + 2 band edges in Hz (librosa `mel_frequencies(n_mels + 2, fmin, fmax)`): equally
 * spaced on the mel scale, 0 ... 11025 Hz for the defaults (98 values).
 */
export function melBandEdgesHz(p: MelParams = DEFAULT_MEL_PARAMS): Float64Array {
  const n = p.nMels + 2;
  const lo = hzToMelSlaney(p.fMinHz);
  const hi = hzToMelSlaney(p.fMaxHz);
  // numpy.linspace: start + i * step, with the last point set to `stop` exactly.
  const step = (hi - lo) / (n - 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = melToHzSlaney(i === n - 1 ? hi : lo + i * step);
  return out;
}

/** A mel filterbank over the nFft/2 + 1 non-negative FFT bins. */
export interface MelFilterbank {
  readonly nMels: number;
  /** FFT bins per frame, nFft/2 + 1 (513 for the defaults). */
  readonly nBins: number;
  /** Dense weights, row-major [nMels][nBins]; weights[m * nBins + k] is band m at bin k (k * sr / nFft Hz). */
  readonly weights: Float64Array;
  /** First nonzero bin of each band (inclusive). */
  readonly first: Int32Array;
  /** One past the last nonzero bin of each band (exclusive); first[m] === end[m] for an empty band. */
  readonly end: Int32Array;
  /** Packed nonzero weights: band m's are packed[offset[m] ... offset[m] + end[m] - first[m]). */
  readonly packed: Float64Array;
  readonly offset: Int32Array;
}

const cache = new Map<string, MelFilterbank>();

/**
 * The Slaney-normalised mel filterbank for `p` (sampleRateHz, nFft, nMels, fMinHz, fMaxHz).
 * Cached per parameter set; the returned arrays are shared, so treat them as read-only.
 */
export function melFilterbank(p: MelParams = DEFAULT_MEL_PARAMS): MelFilterbank {
  const key = `${p.sampleRateHz}/${p.nFft}/${p.nMels}/${p.fMinHz}/${p.fMaxHz}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const fb = buildFilterbank(p);
  cache.set(key, fb);
  return fb;
}

function buildFilterbank(p: MelParams): MelFilterbank {
  const { nMels } = p;
  const nBins = Math.floor(p.nFft / 2) + 1;
  // numpy.fft.rfftfreq: k * (1 / (n * d)) with d = 1 / sr.
  const binHz = 1 / (p.nFft * (1 / p.sampleRateHz));
  const edges = melBandEdgesHz(p);
  const weights = new Float64Array(nMels * nBins);
  const first = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    const lo = edges[m] as number;
    const mid = edges[m + 1] as number;
    const hi = edges[m + 2] as number;
    // Slaney area normalisation: every triangle has unit area on the Hz axis (height 2 / width).
    const enorm = 2 / (hi - lo);
    let f = -1;
    let e = -1;
    for (let k = 0; k < nBins; k++) {
      const fk = k * binHz;
      // Same operation order as librosa: ramps = edges - f_k; lower = -ramps[m] / (mid - lo), ...
      const lower = -(lo - fk) / (mid - lo);
      const upper = (hi - fk) / (hi - mid);
      const w = Math.max(0, Math.min(lower, upper)) * enorm;
      weights[m * nBins + k] = w;
      if (w > 0) {
        if (f < 0) f = k;
        e = k + 1;
      }
    }
    first[m] = f < 0 ? 0 : f;
    end[m] = f < 0 ? 0 : e;
  }
  const offset = new Int32Array(nMels);
  let total = 0;
  for (let m = 0; m < nMels; m++) {
    offset[m] = total;
    total += (end[m] as number) - (first[m] as number);
  }
  const packed = new Float64Array(total);
  for (let m = 0; m < nMels; m++) {
    const f = first[m] as number;
    const n = (end[m] as number) - f;
    packed.set(weights.subarray(m * nBins + f, m * nBins + f + n), offset[m]);
  }
  return { nMels, nBins, weights, first, end, packed, offset };
}

/**
 * Applies the bank to one power spectrum: out[m * stride + col] = sum_k W[m, k] * power[k].
 * `stride`/`col` let the caller write one column of a row-major [nMels][nFrames] matrix.
 */
export function applyFilterbank(fb: MelFilterbank, power: Float64Array, out: Float64Array, col: number, stride: number): void {
  const { packed, offset, first, end, nMels } = fb;
  for (let m = 0; m < nMels; m++) {
    const f = first[m] as number;
    const n = (end[m] as number) - f;
    const o = offset[m] as number;
    let acc = 0;
    for (let j = 0; j < n; j++) acc += (packed[o + j] as number) * (power[f + j] as number);
    out[m * stride + col] = acc;
  }
}
