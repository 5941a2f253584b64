/**
 * Pitch shifting for training-data augmentation (Gururani et al. 2018 §4.1: -6..+5 semitones),
 * the way librosa 0.10 `effects.pitch_shift` does it:
 *
 *   rate = 2^(-n_steps / 12)
 *   y' = resample(time_stretch(y, rate), orig_sr = sr / rate, target_sr = sr)   (length -> len(y))
 *
 * Stretching by 1/rate then resampling by rate restores the duration and moves every frequency by
 * 2^(n_steps/12). librosa resamples with soxr between non-integer rates; timbrescope's resampler
 * works on integer rate pairs, so the ratio is a best rational approximation p/q with q <= 1000
 * (continued fractions). Over -6..+5 semitones the pitch error is at most 0.021 cent (measured).
 */
import { resample } from "../audio/resample.js";
import type { ResampleFilterKind } from "../audio/resample.js";
import { DEFAULT_VOCODER, timeStretch } from "./phase-vocoder.js";
import type { VocoderParams } from "./phase-vocoder.js";
import { definedFields } from "../defined-fields.js";

/** Options of {@link pitchShift}. */
export interface PitchShiftOptions {
  /** STFT settings of the time stretch. Default librosa's (2048 / 512). */
  readonly vocoder?: VocoderParams;
  /** Resampling filter. Default "hq". */
  readonly filter?: ResampleFilterKind;
  /** Largest denominator of the rational rate. Default 1000. */
  readonly maxDenominator?: number;
}

/** Best rational approximation p/q of `x` > 0 with q <= maxDen (continued fractions, with semiconvergents). */
export function rationalApprox(x: number, maxDen: number): { p: number; q: number } {
  if (!(x > 0 && Number.isFinite(x))) throw new RangeError(`rationalApprox: expected a positive number, got ${x}`);
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let v = x;
  for (;;) {
    const a = Math.floor(v);
    const q2 = q0 + a * q1;
    if (q2 > maxDen) {
      // Largest semiconvergent within the bound, if it beats the last convergent.
      const k = Math.floor((maxDen - q0) / q1);
      const ps = p0 + k * p1;
      const qs = q0 + k * q1;
      return Math.abs(ps / qs - x) < Math.abs(p1 / q1 - x) ? { p: ps, q: qs } : { p: p1, q: q1 };
    }
    [p0, q0, p1, q1] = [p1, q1, p0 + a * p1, q2];
    const frac = v - a;
    if (frac < 1e-15 || p1 / q1 === x) return { p: p1, q: q1 };
    v = 1 / frac;
  }
}

/**
 * The integer rate pair (inRate, outRate) used to resample after stretching by `rate`:
 * outRate / inRate ≈ rate.
 */
export function pitchResampleRates(semitones: number, maxDenominator = 1000): { inRate: number; outRate: number; rate: number } {
  const rate = 2 ** (-semitones / 12);
  const { p, q } = rationalApprox(rate, maxDenominator);
  return { inRate: q, outRate: p, rate: p / q };
}

/**
 * Shifts the pitch of `x` (mono, any rate) by `semitones` (positive = up), keeping its length.
 * Returns float32; `semitones` 0 returns a copy.
 */
export function pitchShift(x: Float32Array, semitones: number, opts: PitchShiftOptions = {}): Float32Array {
  if (!Number.isFinite(semitones)) throw new RangeError(`pitchShift: semitones must be finite, got ${semitones}`);
  if (semitones === 0) return x.slice();
  const { inRate, outRate, rate } = pitchResampleRates(semitones, opts.maxDenominator);
  const stretched = timeStretch(x, rate, opts.vocoder ?? DEFAULT_VOCODER);
  const shifted = resample(stretched, inRate, outRate, definedFields({ filter: opts.filter }));
  // librosa util.fix_length: trim or zero-pad to the input length.
  const out = new Float32Array(x.length);
  out.set(shifted.subarray(0, Math.min(shifted.length, x.length)));
  return out;
}
