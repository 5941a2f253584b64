/**
 * StreamingResampler: chunked output must equal whole-buffer output bit for bit (the live path
 * relies on it), for any chunking, both filters and many rate pairs; plus lengths and errors.
 */
import { describe, expect, it } from "vitest";
import { StreamingResampler, resample, resampledLength } from "../../../src/audio/resample.js";
import type { ResampleOptions } from "../../../src/audio/resample.js";
import { buildPhaseTable, createKernel, wasmKernelAvailable } from "../../../src/audio/resample-kernel.js";
import { designPrototype } from "../../../src/audio/resample-filter.js";
import { UserError } from "../../../src/errors.js";

/** Deterministic test signal: LCG noise plus a sine, float64. */
function signal(n: number, seed = 7): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    x[i] = 0.4 * ((2 * s) / 2 ** 32 - 1) + 0.4 * Math.sin(i * 0.031);
  }
  return x;
}

/** Pushes x in chunks whose sizes come from `sizes` (cycled) and concatenates push/flush outputs. */
function chunked(
  x: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  inHz: number,
  outHz: number,
  sizes: () => number,
  opts: ResampleOptions = {},
): Float64Array {
  const r = new StreamingResampler(inHz, outHz, opts);
  const parts: Float64Array[] = [];
  for (let off = 0; off < x.length;) {
    const n = sizes();
    parts.push(r.push(x.subarray(off, off + n)));
    off += n;
  }
  parts.push(r.flush());
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when a and b have the same length and identical bytes (so -0 vs 0 would also fail). */
function bitIdentical(a: Float64Array, b: Float64Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0
  );
}

function randomSizes(seed: number, max: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(1103515245, s) + 12345) >>> 0;
    return 1 + (s % max);
  };
}

/** ceil(n * out / in) in exact integer arithmetic. */
function expectedLength(n: number, inHz: number, outHz: number): number {
  const num = BigInt(n) * BigInt(outHz);
  const den = BigInt(inHz);
  return Number((num + den - 1n) / den);
}

const PAIRS: [number, number][] = [
  [44100, 22050],
  [48000, 22050],
  [8000, 22050],
  [96000, 22050],
  [192000, 22050],
  [22050, 44100],
  [48000, 44100],
];

describe("StreamingResampler chunking", () => {
  const x = signal(9001);
  describe.each(PAIRS)("%i Hz -> %i Hz", (inHz, outHz) => {
    it.each(["hq", "scipy-poly"] as const)(
      "%s: chunks of 1, 7, 256, 4096 and random sizes equal one whole-buffer call bit for bit",
      (filter) => {
        const whole = resample(x, inHz, outHz, { filter });
        expect(whole.length).toBe(expectedLength(x.length, inHz, outHz));
        for (const [label, sizes] of [
          ["1", () => 1],
          ["7", () => 7],
          ["256", () => 256],
          ["4096", () => 4096],
          ["random", randomSizes(inHz + outHz, 3000)],
          ["random incl. empty", (() => { const r = randomSizes(3, 50); return () => r() - 1; })()], // prettier-ignore
        ] as const) {
          const got = chunked(x, inHz, outHz, sizes, { filter });
          expect(bitIdentical(got, whole), `chunk size ${label}`).toBe(true);
        }
      },
    );
  });

  it("handles chunks longer than its internal 65536-sample slice", () => {
    const long = signal(200_003, 11);
    const whole = resample(long, 44100, 22050);
    expect(bitIdentical(chunked(long, 44100, 22050, randomSizes(5, 150_000)), whole)).toBe(true);
    expect(
      bitIdentical(
        chunked(long, 44100, 22050, () => 4096),
        whole,
      ),
    ).toBe(true);
  });

  it("gives the same samples for Float32Array, Float64Array and plain-array input", () => {
    const x32 = new Float32Array(signal(3000));
    const a = resample(x32, 48000, 22050);
    const b = resample(Float64Array.from(x32), 48000, 22050);
    const c = resample(Array.from(x32), 48000, 22050);
    expect(bitIdentical(a, b)).toBe(true);
    expect(bitIdentical(a, c)).toBe(true);
  });
});

describe("kernel backends", () => {
  it("WebAssembly SIMD kernel is available on this Node", () => {
    expect(wasmKernelAvailable()).toBe(true);
  });
  it.each(PAIRS)("wasm and plain-JS kernels agree bit for bit, %i -> %i Hz", (inHz, outHz) => {
    const x = signal(5000, 3);
    expect(bitIdentical(resample(x, inHz, outHz, { kernel: "wasm" }), resample(x, inHz, outHz, { kernel: "js" }))).toBe(true);
  });
});

describe("the float32 2:1 kernel (HQ filter)", () => {
  const { table, tapsPerPhase } = buildPhaseTable(designPrototype(44100, 22050).taps, 1);
  const cap = { input: 20_000, output: 9_000 };
  const x = signal(cap.input, 5);
  it.each(["wasm", "js"] as const)("%s: within 1e-6 of the float64 kernel, any count (whole quads and the rest)", (backend) => {
    const f64 = createKernel(table, tapsPerPhase, 1, 2, cap, backend, "f64");
    const f32 = createKernel(table, tapsPerPhase, 1, 2, cap, backend, "f32");
    f64.input.set(x);
    f32.input.set(x);
    expect(f32.input).toBeInstanceOf(Float32Array);
    for (const [start, count] of [
      [0, 8_000],
      [3, 4_097],
      [101, 3],
      [7, 1],
    ] as const) {
      const a = Float64Array.from(f64.run(start, 0, count));
      const b = f32.run(start, 0, count);
      let worst = 0;
      for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
      expect(worst, `start ${start}, count ${count}`).toBeLessThan(1e-6);
      expect(worst, "float32 arithmetic, not float64").toBeGreaterThan(0);
    }
  });
  it("refuses other ratios", () => {
    expect(() => createKernel(table, tapsPerPhase, 2, 3, cap, "js", "f32")).toThrow(/2:1 only/);
  });
});

describe("lengths, identity and errors", () => {
  const rates = [8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000];
  it("output length is ceil(n_in * out / in) for every common rate, to 22050 and 44100 Hz", () => {
    for (const inHz of rates) {
      for (const outHz of [22050, 44100]) {
        for (const n of [0, 1, 2, 3, 5, 160, 441, 1001]) {
          const want = expectedLength(n, inHz, outHz);
          expect(resampledLength(n, inHz, outHz), `${inHz}->${outHz} n=${n}`).toBe(want);
          expect(resample(signal(n), inHz, outHz).length, `${inHz}->${outHz} n=${n}`).toBe(want);
        }
      }
    }
  });

  it("passes samples through unchanged when the rates are equal", () => {
    const x = signal(1234);
    expect(bitIdentical(resample(x, 22050, 22050), x)).toBe(true);
    expect(
      bitIdentical(
        chunked(x, 44100, 44100, () => 100),
        x,
      ),
    ).toBe(true);
  });

  it("rejects non-integer or non-positive rates with a UserError naming the value", () => {
    expect(() => resample([1, 2], 44100.5, 22050)).toThrow(UserError);
    expect(() => resample([1, 2], 44100.5, 22050)).toThrow(/44100\.5/);
    expect(() => new StreamingResampler(0, 22050)).toThrow(/got 0/);
    expect(() => new StreamingResampler(44100, -1)).toThrow(/got -1/);
  });

  it("refuses push after flush and a second flush", () => {
    const r = new StreamingResampler(44100, 22050);
    r.push([1, 2, 3]);
    r.flush();
    expect(() => r.push([1])).toThrow(/after flush/);
    expect(() => r.flush()).toThrow(/twice/);
  });
});
