/**
 * Per-stem processing, all in place on mono float32 and all deterministic:
 * - biquad EQ, high-pass and low-pass (RBJ Audio-EQ-Cookbook formulas, Direct Form I);
 * - drive: tanh waveshaper with a 5 kHz post low-pass (a guitar cabinet rolls off the fizz);
 * - amp: a high-gain guitar amp and cabinet for distorted guitars: tightening high-pass, a mid push
 *   into 20-45 dB of slightly asymmetric tanh clipping, then a cabinet (low thump near 120 Hz, the
 *   2.5 kHz presence peak and a 4th-order roll-off from 5 kHz). The mild `drive` alone left our
 *   distorted guitars far cleaner than real ones (a real-recording check: real metal guitar scored
 *   0.00-0.13 as distorted guitar with a model trained on them). Under the `sampled` realism
 *   element a recorded cabinet impulse response (cabinets.ts) may take the modelled cabinet's place;
 * - sustain: a compressor pedal before the amp for singing guitar leads (realism element `tones`):
 *   dynamics.ts's compressor with its threshold set below the stem's own peak, output back at the
 *   input's peak, so notes decay by a ratio-th of their dB above the threshold;
 * - reverb: a Schroeder/Freeverb-style network, 4 damped combs in parallel into 2 all-passes,
 *   delay lengths from Freeverb (Jezar, 2000) scaled from 44.1 kHz.
 * The random 8 kHz low-pass on any stem (docs/synthetic-data.md §6) hides the 8 kHz ceiling of the 16 kHz singer
 * engines, so "no energy above 8 kHz" cannot identify a singer.
 */
import { convolve } from "./cabinets.js";
import { compress } from "./dynamics.js";
import { samplePeak } from "./mix.js";
import type { StemFx, Sustainer } from "./score.js";

type Coeffs = readonly [b0: number, b1: number, b2: number, a1: number, a2: number];

/** RBJ peaking EQ. */
export function peakingCoeffs(sr: number, hz: number, db: number, q: number): Coeffs {
  const A = Math.pow(10, db / 40);
  const w = (2 * Math.PI * Math.min(hz, sr * 0.45)) / sr;
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha / A;
  return [(1 + alpha * A) / a0, (-2 * Math.cos(w)) / a0, (1 - alpha * A) / a0, (-2 * Math.cos(w)) / a0, (1 - alpha / A) / a0];
}

/** RBJ 2nd-order low-pass (`high = false`) or high-pass, Q = 1/√2 (Butterworth). */
export function passCoeffs(sr: number, hz: number, high: boolean): Coeffs {
  const w = (2 * Math.PI * Math.min(hz, sr * 0.45)) / sr;
  const alpha = Math.sin(w) / Math.SQRT2;
  const c = Math.cos(w);
  const a0 = 1 + alpha;
  const b1 = high ? -(1 + c) : 1 - c;
  const b0 = high ? (1 + c) / 2 : (1 - c) / 2;
  return [b0 / a0, b1 / a0, b0 / a0, (-2 * c) / a0, (1 - alpha) / a0];
}

/** Filters `x` in place with one biquad. */
export function biquad(x: Float32Array, [b0, b1, b2, a1, a2]: Coeffs): void {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    // Flush denormals in long silent stretches.
    y1 = Math.abs(yi) < 1e-25 ? 0 : yi;
    x[i] = y1;
  }
}

/** tanh waveshaper: `drive` is the input gain (1.5-5); output keeps the input's peak level. */
export function drive(x: Float32Array, amount: number, sr: number): void {
  const peakIn = samplePeak(x);
  if (peakIn === 0) return;
  const g = amount / peakIn;
  const norm = peakIn / Math.tanh(amount);
  for (let i = 0; i < x.length; i++) x[i] = Math.tanh((x[i] as number) * g) * norm;
  biquad(x, passCoeffs(sr, 5000, false));
}

/** Input gain of the amp in dB for a drive amount (1.5 -> 20 dB ... 5 -> 45 dB; 0 -> 20 dB). */
export function ampGainDb(amount: number): number {
  return 20 + (Math.min(5, Math.max(1.5, amount)) - 1.5) * (25 / 3.5);
}

/**
 * High-gain amp + cabinet (see the module doc); output keeps the input's peak level. With a
 * `cabinet` impulse response (cabinets.ts, realism element `sampled`) the recorded cabinet
 * replaces the modelled one (its thump, presence peak and roll-off are then the real speaker's).
 */
export function ampCabinet(x: Float32Array, amount: number, sr: number, cabinet?: Float32Array, gainDb = ampGainDb(amount)): void {
  const peakIn = samplePeak(x);
  if (peakIn === 0) return;
  biquad(x, passCoeffs(sr, 100, true));
  biquad(x, peakingCoeffs(sr, 800, 8, 0.8));
  let peakPre = 0;
  for (const v of x) peakPre = Math.max(peakPre, Math.abs(v));
  const g = Math.pow(10, gainDb / 20) / Math.max(peakPre, 1e-9);
  // An offset of a tenth of the peak before the clipper moves its zero crossings, so the clipped
  // wave is not half-wave symmetric: even harmonics, as in a biased tube stage.
  const bias = 0.1 * peakPre;
  for (let i = 0; i < x.length; i++) x[i] = Math.tanh(((x[i] as number) + bias) * g);
  biquad(x, passCoeffs(sr, 60, true)); // removes the bias's DC
  if (cabinet !== undefined) {
    x.set(convolve(x, cabinet));
  } else {
    biquad(x, peakingCoeffs(sr, 120, 3, 1));
    biquad(x, peakingCoeffs(sr, 2500, 5, 1.5));
    biquad(x, passCoeffs(sr, 5000, false));
    biquad(x, passCoeffs(sr, 5000, false));
  }
  const peakOut = samplePeak(x);
  if (peakOut > 0) for (let i = 0; i < x.length; i++) x[i] = ((x[i] as number) * peakIn) / peakOut;
}

const COMB_44K = [1116, 1188, 1277, 1356];
const ALLPASS_44K = [556, 441];

/** Mono reverb, mixed in place: x = (1 - wet)·x + wet·reverb(x). `room` 0..1 sets the decay. */
export function reverb(x: Float32Array, sr: number, wet: number, room: number): void {
  if (wet <= 0) return;
  const scale = sr / 44100;
  const feedback = 0.7 + 0.28 * room;
  const damp = 0.3;
  const n = x.length;
  const [d0, d1, d2, d3] = COMB_44K.map((d) => Math.max(1, Math.round(d * scale))) as [number, number, number, number];
  const [c0, c1, c2, c3] = [new Float32Array(d0), new Float32Array(d1), new Float32Array(d2), new Float32Array(d3)];
  const [a0, a1] = ALLPASS_44K.map((d) => new Float32Array(Math.max(1, Math.round(d * scale)))) as [Float32Array, Float32Array];
  let i0 = 0,
    i1 = 0,
    i2 = 0,
    i3 = 0,
    j0 = 0,
    j1 = 0;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const g = wet * 0.25; // four combs add up: bring the wet signal near the dry level
  const dry = 1 - wet;
  // One pass: four damped combs in parallel, then two all-passes in series (hot loop, unrolled).
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const o0 = c0[i0] as number,
      o1 = c1[i1] as number,
      o2 = c2[i2] as number,
      o3 = c3[i3] as number;
    s0 = o0 * (1 - damp) + s0 * damp;
    s1 = o1 * (1 - damp) + s1 * damp;
    s2 = o2 * (1 - damp) + s2 * damp;
    s3 = o3 * (1 - damp) + s3 * damp;
    c0[i0] = xi + s0 * feedback;
    c1[i1] = xi + s1 * feedback;
    c2[i2] = xi + s2 * feedback;
    c3[i3] = xi + s3 * feedback;
    if (++i0 === d0) i0 = 0;
    if (++i1 === d1) i1 = 0;
    if (++i2 === d2) i2 = 0;
    if (++i3 === d3) i3 = 0;
    let y = o0 + o1 + o2 + o3;
    const b0 = a0[j0] as number;
    a0[j0] = y + b0 * 0.5;
    y = b0 - y;
    if (++j0 === a0.length) j0 = 0;
    const b1 = a1[j1] as number;
    a1[j1] = y + b1 * 0.5;
    y = b1 - y;
    if (++j1 === a1.length) j1 = 0;
    x[i] = dry * xi + g * y;
  }
}

/** A guitar through a cabinet alone (a clean amp): convolved with `ir`, keeping the input's peak level. */
export function cabinetOnly(x: Float32Array, ir: Float32Array): void {
  const peakIn = samplePeak(x);
  if (peakIn === 0) return;
  const y = convolve(x, ir);
  const peakOut = samplePeak(y);
  for (let i = 0; i < x.length; i++) x[i] = peakOut > 0 ? ((y[i] as number) * peakIn) / peakOut : 0;
}

/** A compressor pedal (see the module doc) in place; the output keeps the input's sample peak. */
export function sustainStem(x: Float32Array, sr: number, s: Sustainer): void {
  const peakIn = samplePeak(x);
  if (peakIn === 0) return;
  const thresholdDb = 20 * Math.log10(peakIn) + s.thresholdDb;
  compress(x, sr, { detector: "rms", thresholdDb, ratio: s.ratio, kneeDb: 6, attackMs: s.attackMs, releaseMs: s.releaseMs, makeupDb: 0 });
  const scale = peakIn / samplePeak(x);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * scale;
}

/**
 * Applies a stem's effect chain in place: sustainer, high-pass, EQ, tone low-pass, drive or amp (or a clean
 * cabinet), low-pass, reverb. `cabinet` is the decoded impulse response of `fx.cabinet` (the caller loads it).
 */
export function applyFx(x: Float32Array, fx: StemFx, sr: number, cabinet?: Float32Array): void {
  if (fx.sustain !== undefined) sustainStem(x, sr, fx.sustain);
  if (fx.highPassHz > 0) biquad(x, passCoeffs(sr, fx.highPassHz, true));
  for (const band of fx.eq) biquad(x, peakingCoeffs(sr, band.hz, band.db, band.q));
  if (fx.toneHz !== undefined && fx.toneHz < sr * 0.45) biquad(x, passCoeffs(sr, fx.toneHz, false));
  if (fx.amp === true) ampCabinet(x, fx.drive, sr, cabinet, fx.ampGainDb);
  else if (fx.drive > 0) drive(x, fx.drive, sr);
  if (fx.amp !== true && cabinet !== undefined) cabinetOnly(x, cabinet);
  if (fx.lowPassHz > 0 && fx.lowPassHz < sr * 0.45) biquad(x, passCoeffs(sr, fx.lowPassHz, false));
  reverb(x, sr, fx.reverbWet, fx.reverbRoom);
}
