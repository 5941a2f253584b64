/**
 * Rough speed check of the mel front-end on one core (not a test; the benchmark suite comes later):
 * melWholeDb on 240 s of noise at 22050 Hz, and melWindowDb per 1 s window.
 *
 * Run: npm run build && node dist/scripts/bench-mel.js
 */
import { performance } from "node:perf_hooks";
import { melWholeDb, melWindowDb } from "../src/features/mel.js";
import { DEFAULT_MEL_PARAMS } from "../src/features/params.js";

function noise(n: number): Float32Array {
  const y = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    y[i] = (2 * s) / 2 ** 32 - 1;
  }
  return y;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const sr = DEFAULT_MEL_PARAMS.sampleRateHz;
const track = noise(240 * sr);

// Warm up the JIT and the cached filterbank/FFT.
melWholeDb(track.subarray(0, 10 * sr));

const wholeMs: number[] = [];
let frames = 0;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  frames = melWholeDb(track).nFrames;
  wholeMs.push(performance.now() - t0);
}

const out = new Float32Array(DEFAULT_MEL_PARAMS.nMels * 87);
const windowUs: number[] = [];
for (let r = 0; r < 5; r++) {
  const nWindows = 200;
  const t0 = performance.now();
  for (let i = 0; i < nWindows; i++) melWindowDb(track, i * 5512, DEFAULT_MEL_PARAMS, out);
  windowUs.push(((performance.now() - t0) * 1000) / nWindows);
}

process.stdout.write(
  `melWholeDb 240 s (${frames} frames): median ${median(wholeMs).toFixed(0)} ms of ${wholeMs.map((v) => v.toFixed(0)).join(", ")}\n` +
    `melWindowDb 1 s window: median ${median(windowUs).toFixed(0)} us of ${windowUs.map((v) => v.toFixed(0)).join(", ")}\n`,
);
