import { describe, expect, it } from "vitest";
import {
  blockPeaks,
  compress,
  gainComputerDb,
  limit,
  type CompressorParams,
  type LimiterParams,
} from "../../../../src/data/synth/dynamics.js";
import { bandSignal } from "../../../helpers/band-signal.js";

const SR = 22050;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(1664525, s) + 1013904223) >>> 0) / 2 ** 32;
}

/** Loud, transient-heavy input: a band mix with single-sample spikes up to 30x full scale, also at both ends. */
function spiky(seconds: number): Float32Array {
  const x = bandSignal(SR, seconds, 3);
  const r = lcg(5);
  for (let k = 0; k < 400; k++) x[Math.floor(r() * x.length)] = (r() < 0.5 ? -1 : 1) * 30 * r();
  x[0] = 20;
  x[x.length - 1] = -25;
  x[x.length - 2] = 25;
  return x;
}

const rms = (x: Float32Array, from: number, to: number): number => {
  let e = 0;
  for (let i = from; i < to; i++) e += (x[i] as number) ** 2;
  return Math.sqrt(e / (to - from));
};
const db = (v: number): number => 20 * Math.log10(v);

describe("look-ahead limiter", () => {
  it("never puts a sample over its ceiling, for any gain, look-ahead, release and clipper", () => {
    const x = spiky(3);
    const out = new Float32Array(x.length);
    for (const lookaheadMs of [1.5, 5]) {
      for (const releaseMs of [20, 200]) {
        for (const clipDb of [0, 3]) {
          const p: LimiterParams = { ceilingDb: -1, lookaheadMs, releaseMs, clipDb };
          const peaks = blockPeaks(x, Math.round((lookaheadMs / 1000) * SR));
          for (const gain of [1, 10, 1e4]) {
            limit(x, out, SR, gain, p, peaks);
            let peak = 0;
            for (const v of out) peak = Math.max(peak, Math.abs(v));
            expect(peak, `look-ahead ${lookaheadMs} ms, release ${releaseMs} ms, clip ${clipDb} dB, gain ${gain}`).toBeLessThanOrEqual(
              Math.pow(10, -1 / 20),
            );
            expect(peak).toBeGreaterThan(Math.pow(10, -1.1 / 20)); // and it does reach it
          }
        }
      }
    }
  });

  it("leaves a signal under the ceiling untouched and ramps down over exactly the look-ahead", () => {
    const x = new Float32Array(SR).fill(0.25);
    const out = new Float32Array(x.length);
    const stats = limit(x, out, SR, 2, { ceilingDb: -1, lookaheadMs: 2, releaseMs: 50, clipDb: 0 });
    expect(stats.maxReductionDb).toBe(0);
    expect(out.every((v) => v === 0.5)).toBe(true);
    // A step to 2x full scale at 0.5 s: the gain must be down by then, and not earlier than the look-ahead allows.
    const step = Float32Array.from({ length: SR }, (_, i) => (i < SR / 2 ? 0.1 : 2));
    limit(step, out, SR, 1, { ceilingDb: 0, lookaheadMs: 2, releaseMs: 50, clipDb: 0 });
    const L = Math.round(0.002 * SR);
    expect(Math.abs((out[SR / 2] as number) - 1)).toBeLessThan(1e-5);
    expect(Math.abs((out[SR / 2 - 2 * L - 1] as number) - 0.1)).toBeLessThan(1e-7);
  });
});

describe("bus compressor", () => {
  const base: CompressorParams = { detector: "rms", thresholdDb: -20, ratio: 4, kneeDb: 6, attackMs: 5, releaseMs: 100, makeupDb: 0 };

  it("follows its static curve: steady levels come out where the gain computer puts them", () => {
    // 0.6 s segments of a 1 kHz sine at stepped levels; RMS detector reads the sine's RMS.
    const levelsDb = [-40, -26, -20, -17, -12, -6];
    const seg = Math.round(0.6 * SR);
    for (const ratio of [1.5, 4]) {
      const x = new Float32Array(seg * levelsDb.length);
      levelsDb.forEach((l, k) => {
        const amp = Math.SQRT2 * Math.pow(10, l / 20);
        for (let i = 0; i < seg; i++) x[k * seg + i] = amp * Math.sin((2 * Math.PI * 1000 * (k * seg + i)) / SR);
      });
      const y = x.slice();
      compress(y, SR, { ...base, ratio });
      levelsDb.forEach((l, k) => {
        const from = k * seg + Math.round(0.4 * seg);
        const gain = db(rms(y, from, (k + 1) * seg) / rms(x, from, (k + 1) * seg));
        expect(gain, `ratio ${ratio}, level ${l} dB`).toBeCloseTo(gainComputerDb(l, { ...base, ratio }), 1);
      });
    }
  });

  it("has the designed attack and release time constants (peak detector, square-wave steps)", () => {
    const p: CompressorParams = { ...base, detector: "peak", kneeDb: 0, attackMs: 10, releaseMs: 80 };
    const half = SR;
    const x = Float32Array.from({ length: 2 * half }, (_, i) => (i < half ? 0.5 : 0.05) * (i % 2 === 0 ? 1 : -1));
    const y = x.slice();
    compress(y, SR, p);
    const grDb = (i: number): number => -db(Math.abs((y[i] as number) / (x[i] as number)));
    const full = -gainComputerDb(db(0.5), p); // 14 dB at ratio 4 above -20 dBFS
    expect(grDb(half - 1)).toBeCloseTo(full, 2);
    // After one time constant the one-pole has covered 1 - 1/e of the way (within a control period).
    expect(grDb(Math.round(0.01 * SR)) / full).toBeGreaterThan(0.6);
    expect(grDb(Math.round(0.01 * SR)) / full).toBeLessThan(0.67);
    expect(grDb(half + Math.round(0.08 * SR)) / full).toBeGreaterThan(0.34);
    expect(grDb(half + Math.round(0.08 * SR)) / full).toBeLessThan(0.4);
  });

  it("lowers the crest factor of a two-level signal as its static curve predicts", () => {
    // 1 kHz sine: 0.5 s at -8 dBFS RMS (after 0.3 s that are skipped), a 0.3 s ramp, 2 s at -20
    // dBFS RMS; the ramp is slow against attack and release (5 and 30 ms), so the output stays on the static
    // curve. Expected: crest factor 9.0 dB in, 7.9 dB out at ratio 1.5, 5.2 dB at ratio 4.
    const n = Math.round(3.1 * SR);
    const levelAt = (t: number): number => (t < 0.8 ? -8 : t < 1.1 ? -8 - (12 * (t - 0.8)) / 0.3 : -20);
    const x = Float32Array.from(
      { length: n },
      (_, i) => Math.SQRT2 * Math.pow(10, levelAt(i / SR) / 20) * Math.sin((2 * Math.PI * 1000 * i) / SR),
    );
    const crest = (v: Float32Array, from: number): number =>
      db(v.subarray(from).reduce((m, s) => Math.max(m, Math.abs(s)), 0) / rms(v, from, v.length));
    const skip = Math.round(0.3 * SR); // the detector's start from silence
    for (const ratio of [1.5, 4]) {
      const p = { ...base, ratio, thresholdDb: -24, releaseMs: 30 };
      const y = x.slice();
      compress(y, SR, p);
      // Prediction: each sample scaled by the static gain at its own level.
      const pred = Float32Array.from(x, (v, i) => v * Math.pow(10, gainComputerDb(levelAt(i / SR), p) / 20));
      expect(Math.abs(crest(y, skip) - crest(pred, skip)), `ratio ${ratio}`).toBeLessThan(0.2);
      expect(crest(y, skip)).toBeLessThan(crest(x, skip) - (ratio > 2 ? 3 : 0.8));
    }
  });

  it("on drums: a fast peak detector lowers the crest factor, more at higher ratios; a slow attack lets transients through", () => {
    const x = bandSignal(SR, 8, 2).subarray(3 * SR); // skip the quiet intro
    const crest = (v: Float32Array): number => db(v.reduce((m, s) => Math.max(m, Math.abs(s)), 0) / rms(v, 0, v.length));
    const run = (p: Partial<CompressorParams>): number => {
      const y = x.slice();
      compress(y, SR, { ...base, releaseMs: 80, ...p });
      return crest(y);
    };
    const fast = [1.5, 2.5, 4].map((ratio) => run({ detector: "peak", attackMs: 0.5, thresholdDb: -10, ratio }));
    expect(fast[0] as number).toBeLessThan(crest(x) - 0.5);
    expect(fast[1] as number).toBeLessThan(fast[0] as number);
    expect(fast[2] as number).toBeLessThan(fast[1] as number);
    expect(run({ detector: "rms", attackMs: 20, thresholdDb: -30, ratio: 4 })).toBeGreaterThan(crest(x) + 3);
  });
});
