/**
 * Mix-bus reverb for the mastering chain (master.ts): a send through a room or plate impulse
 * response, by FFT convolution.
 *
 * The impulse responses are synthetic, generated deterministically from the song's mastering
 * stream (no recorded IRs are shipped or downloaded): the usual stochastic model of a late
 * reverberant tail, Gaussian noise under an exponential envelope that falls 60 dB in RT60
 * (Schroeder's statistical room model; e.g. Välimäki et al., "Fifty Years of Artificial
 * Reverberation", IEEE TASLP 20(5), 2012, §III.C), with
 * - frequency-dependent decay: the noise is split by a 4th-order Linkwitz-Riley crossover (two
 *   Butterworth biquads per side; the two bands sum to an all-pass, so the split itself colours
 *   nothing) and the high band decays with RT60 · hfRatio, as air and wall absorption shorten the
 *   treble tail (a one-pole split leaked enough slow-decaying low band into the treble that the
 *   8 kHz octave decayed at the broadband rate);
 * - a room: a pre-delay, 6-12 discrete early reflections in the first ~50 ms, then a tail whose
 *   echo density builds up over 10-30 ms;
 * - a plate: dense from the start (a plate has no distinct early reflections), brighter, longer.
 * The IR is normalised to unit energy, so the send level is the wet/dry energy ratio for a white
 * input.
 *
 * Convolution is uniform overlap-add with fft.js complex FFTs; two real input blocks travel in
 * one complex FFT (A + iB, since conv(A + iB, h) = conv(A, h) + i·conv(B, h) for a real h), which
 * halves the transforms.
 */
import FFT from "fft.js";
import { biquad, passCoeffs } from "./effects.js";
import type { Rng } from "./rng.js";

/** Parameters of a synthetic impulse response. */
export interface IrParams {
  readonly kind: "room" | "plate";
  /** Decay time of the low band to -60 dB, s. */
  readonly rt60Sec: number;
  /** RT60 of the high band as a fraction of {@link rt60Sec} (0-1]. */
  readonly hfRatio: number;
  /** Crossover between the two decay bands, Hz. */
  readonly crossoverHz: number;
  /** Delay before the first reflection, ms. */
  readonly predelayMs: number;
  /** Number of discrete early reflections (0 for a plate). */
  readonly earlyReflections: number;
  /** Time over which the tail's density builds up, ms. */
  readonly buildUpMs: number;
}

/** Longest impulse response generated, s (the tail is cut where the low band is 60 dB down). */
const MAX_IR_SEC = 3;
/** Early reflections arrive within this time after the pre-delay, ms. */
const EARLY_WINDOW_MS = 50;

/** Amplitude envelope that falls 60 dB in `rt60` seconds, at time `t` s. */
function decay(t: number, rt60: number): number {
  return Math.pow(10, (-3 * t) / rt60);
}

/** A unit-energy impulse response (the wet path only: no direct sound). */
export function synthIr(p: IrParams, sampleRateHz: number, rng: Rng): Float32Array {
  const pre = Math.round((p.predelayMs / 1000) * sampleRateHz);
  const tailLen = Math.round(Math.min(MAX_IR_SEC, p.rt60Sec) * sampleRateHz);
  const h = new Float32Array(pre + tailLen);
  const low = new Float32Array(tailLen);
  for (let i = 0; i < tailLen; i++) low[i] = rng.normal();
  const high = low.slice();
  const lp = passCoeffs(sampleRateHz, p.crossoverHz, false);
  const hp = passCoeffs(sampleRateHz, p.crossoverHz, true);
  biquad(low, lp);
  biquad(low, lp);
  biquad(high, hp);
  biquad(high, hp);
  const rtHigh = p.rt60Sec * p.hfRatio;
  const buildUp = Math.max(1, Math.round((p.buildUpMs / 1000) * sampleRateHz));
  for (let i = 0; i < tailLen; i++) {
    const t = i / sampleRateHz;
    // Raised-cosine build-up of echo density, then the two-band exponential decay.
    const ramp = i < buildUp ? 0.5 * (1 - Math.cos((Math.PI * i) / buildUp)) : 1;
    h[pre + i] = ramp * ((low[i] as number) * decay(t, p.rt60Sec) + (high[i] as number) * decay(t, rtHigh));
  }
  // Fade out the last 10 % so the cut at -60 dB leaves no step.
  const fade = Math.max(1, Math.round(tailLen * 0.1));
  for (let i = 0; i < fade; i++) {
    const k = h.length - fade + i;
    h[k] = (h[k] as number) * 0.5 * (1 + Math.cos((Math.PI * (i + 1)) / fade));
  }
  // Each early reflection carries about the energy of 1 ms of tail at its arrival time.
  const erAmp = Math.sqrt(sampleRateHz / 1000);
  for (let r = 0; r < p.earlyReflections; r++) {
    const t = rng.uniform(1, EARLY_WINDOW_MS) / 1000;
    const k = pre + Math.round(t * sampleRateHz);
    if (k < h.length) h[k] = (h[k] as number) + (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.5, 1.5) * erAmp * decay(t, p.rt60Sec);
  }
  let energy = 0;
  for (const v of h) energy += v * v;
  const norm = energy > 0 ? 1 / Math.sqrt(energy) : 0;
  for (let i = 0; i < h.length; i++) h[i] = (h[i] as number) * norm;
  return h;
}

/** Smallest power of two >= n. */
function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Largest FFT used: beyond 2^18 points the transforms fall out of cache and lose what they save. */
const MAX_FFT = 1 << 18;

/**
 * FFT size for overlap-add of an `m`-tap filter over `n` samples: the power of two (at least 2m,
 * at most what the whole job needs) with the least work per output sample, N·log2(N) / (N - m + 1).
 */
function olaSize(m: number, n: number): number {
  const cap = Math.max(2, Math.min(pow2AtLeast(n + m - 1), Math.max(MAX_FFT, pow2AtLeast(2 * m))));
  let best = Math.min(cap, pow2AtLeast(2 * m));
  for (let size = best * 2; size <= cap; size *= 2) {
    if ((size * Math.log2(size)) / (size - m + 1) < (best * Math.log2(best)) / (best - m + 1)) best = size;
  }
  return best;
}

/** The first `x.length` samples of the linear convolution x * h, float64. */
export function convolve(x: Float32Array, h: Float32Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0 || h.length === 0) return out;
  const size = olaSize(h.length, n);
  const block = size - h.length + 1;
  const fft = new FFT(size);
  const hz = new Float64Array(2 * size);
  for (let i = 0; i < h.length; i++) hz[2 * i] = h[i] as number;
  const hf = new Float64Array(2 * size);
  fft.transform(hf, hz);
  const z = new Float64Array(2 * size);
  const zf = new Float64Array(2 * size);
  const y = new Float64Array(2 * size);
  for (let a = 0; a < n; a += 2 * block) {
    const b = a + block;
    z.fill(0);
    for (let i = 0; i < block && a + i < n; i++) z[2 * i] = x[a + i] as number;
    for (let i = 0; i < block && b + i < n; i++) z[2 * i + 1] = x[b + i] as number;
    fft.transform(zf, z);
    for (let k = 0; k < size; k++) {
      const re = zf[2 * k] as number;
      const im = zf[2 * k + 1] as number;
      const hr = hf[2 * k] as number;
      const hi = hf[2 * k + 1] as number;
      zf[2 * k] = re * hr - im * hi;
      zf[2 * k + 1] = re * hi + im * hr;
    }
    fft.inverseTransform(y, zf);
    for (let i = 0; i < size && a + i < n; i++) out[a + i] = (out[a + i] as number) + (y[2 * i] as number);
    for (let i = 0; i < size && b + i < n; i++) out[b + i] = (out[b + i] as number) + (y[2 * i + 1] as number);
  }
  return out;
}

/** Adds the reverb send in place: x += 10^(wetDb/20) · (x * h). */
export function addReverb(x: Float32Array, h: Float32Array, wetDb: number): void {
  const wet = convolve(x, h);
  const g = Math.pow(10, wetDb / 20);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + g * (wet[i] as number);
}
