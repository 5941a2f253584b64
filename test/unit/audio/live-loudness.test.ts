import { describe, expect, it } from "vitest";
import { loadMono } from "../../../src/audio/load.js";
import { applyLevel, createLevelTracker, RunningLoudness } from "../../../src/audio/live-loudness.js";
import { windowStartSample } from "../../../src/audio/window-cutter.js";
import { melWindowDb } from "../../../src/features/mel.js";
import { rms } from "../../../src/features/normalize.js";

const SR = 22050;

/** Uniform LCG noise scaled to RMS `level` (uniform on [-a, a] has RMS a / sqrt(3)). */
function noise(n: number, level: number, seed = 3): Float32Array {
  let s = seed >>> 0;
  const a = level * Math.sqrt(3);
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return a * ((2 * s) / 2 ** 32 - 1);
  });
}

const concat = (...xs: Float32Array[]): Float32Array => {
  const out = new Float32Array(xs.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of xs) {
    out.set(x, at);
    at += x.length;
  }
  return out;
};

/** Running RMS at the end of every 0.25 s-hop window, fed exactly as the windower feeds it. */
function runningAtWindows(x: Float32Array, L: RunningLoudness): { start: number; r: number }[] {
  const out: { start: number; r: number }[] = [];
  let pushed = 0;
  for (let k = 0; ; k++) {
    const start = windowStartSample(k, 0.25, SR);
    const end = start + SR;
    if (end > x.length) return out;
    L.push(x.subarray(pushed, end));
    pushed = end;
    out.push({ start, r: L.rmsAt(end) });
  }
}

describe("RunningLoudness", () => {
  it("converges to the RMS of a steady signal", () => {
    const L = new RunningLoudness(SR);
    L.push(noise(SR * 5, 0.1));
    expect(L.rmsAt(SR * 5)).toBeCloseTo(0.1, 3);
  });

  it("leaves silent blocks out (gate) and never goes below the floor", () => {
    const x = concat(noise(SR * 5, 0.1), new Float32Array(SR * 5), noise(SR, 0.1, 9));
    const L = new RunningLoudness(SR);
    L.push(x);
    expect(L.rmsAt(x.length)).toBeCloseTo(0.1, 3); // the 5 s of silence do not pull it down
    const quiet = new RunningLoudness(SR);
    quiet.push(new Float32Array(SR * 2));
    expect(quiet.rmsAt(SR * 2)).toBeCloseTo(10 ** (-50 / 20), 12);
    expect(quiet.floorRms).toBeCloseTo(0.0031623, 6);
  });

  it("forgets what is older than the horizon", () => {
    const x = concat(noise(SR * 10, 0.5), noise(SR * 6, 0.05, 5));
    const L = new RunningLoudness(SR, { kind: "running", horizonSec: 5 });
    L.push(x);
    expect(L.rmsAt(x.length)).toBeCloseTo(0.05, 3);
  });

  it("does not depend on how the stream was chunked", () => {
    const x = concat(noise(SR * 3, 0.2), noise(SR * 3, 0.02, 4));
    const a = new RunningLoudness(SR);
    a.push(x);
    const b = new RunningLoudness(SR);
    for (let at = 0, k = 0; at < x.length; k++) {
      const n = [1, 441, 4096, 17][k % 4] as number;
      b.push(x.subarray(at, at + n));
      at += n;
    }
    for (const e of [SR, SR * 2 + 5, SR * 4 + 1234, x.length]) expect(b.rmsAt(e)).toBe(a.rmsAt(e));
  });

  it("refuses queries ahead of the stream", () => {
    const L = new RunningLoudness(SR);
    L.push(new Float32Array(100));
    expect(() => L.rmsAt(101)).toThrow(/ahead of the 100 samples pushed/);
  });
});

describe("live level vs offline track RMS", () => {
  it("a live window's mel equals the offline window's shifted by 20 log10(trackRms / runningRms) dB", async () => {
    const x = (await loadMono("assets/demo/demo-clip.flac")).samples;
    const track = rms(x);
    const offsets: number[] = [];
    for (const { start, r } of runningAtWindows(x, new RunningLoudness(SR))) {
      const live = melWindowDb(applyLevel(x.slice(start, start + SR), r), 0);
      const offline = melWindowDb(applyLevel(x.slice(start, start + SR), track), 0);
      const offset = 20 * Math.log10(track / r);
      let worst = 0;
      for (let i = 0; i < live.length; i++) {
        // Bins clipped by top_db move with the window maximum, so they shift by the same amount.
        worst = Math.max(worst, Math.abs((live[i] as number) - (offline[i] as number) - offset));
      }
      expect(worst, `window at ${start}`).toBeLessThan(2e-3);
      offsets.push(Math.abs(offset));
    }
    // Measured on the 16 s demo clip (README): |offset| max 0.57 dB over 61 windows.
    expect(Math.max(...offsets)).toBeLessThan(1);
  });

  it("on a track with a quiet intro, live lifts the intro to the music's level while offline keeps it quiet", () => {
    // 8 s at RMS 0.02 (-34 dBFS), then 12 s at RMS 0.2 (-14 dBFS): track RMS ~0.155.
    const x = concat(noise(SR * 8, 0.02, 21), noise(SR * 12, 0.2, 22));
    const track = rms(x);
    const at = runningAtWindows(x, new RunningLoudness(SR));
    const offsetDb = (k: number): number => 20 * Math.log10(track / (at[k] as { r: number }).r);
    // In the intro the running estimate is the intro's own level: +17.8 dB against offline.
    expect(offsetDb(4)).toBeCloseTo(20 * Math.log10(track / 0.02), 0);
    // 10 s into the loud part the estimate mixes ~8 s of intro (gated in, above -70 dBFS) and 10 s of loud music.
    const k = at.findIndex((w) => w.start >= SR * 18);
    expect(Math.abs(offsetDb(k))).toBeLessThan(1.5);
  });

  it("fixed and none levels are constant", () => {
    expect(createLevelTracker({ kind: "fixed", rms: 0.3 }, SR).rmsAt(123)).toBe(0.3);
    expect(createLevelTracker({ kind: "none" }, SR).rmsAt(5)).toBe(1);
    expect(() => createLevelTracker({ kind: "fixed", rms: -1 }, SR)).toThrow(/fixed rms >= 0, got -1/);
  });
});
