/**
 * The inner loop of the polyphase resampler: for each output, one dot product of a phase's
 * coefficients with a window of input samples. It runs in a small WebAssembly SIMD module
 * (f64x2; the plain-JS loop below is about 8x slower) whose bytes are assembled from readable
 * opcodes in resample-kernel-wasm.ts, so there is no binary blob and no build step. The HQ filter's
 * 2:1 case runs in float32 instead (resample-kernel-quads.ts: 3.8x faster; outputs within about
 * 3e-7 of these). `jsKernel` is the float64 arithmetic in plain JS, term for term and
 * in the same summation order, so both backends give bit-identical results (a test checks this);
 * it documents what the wasm does and is the fallback where WebAssembly SIMD is missing.
 *
 * Summation order (both backends): taps are taken in blocks of 8; lane k (0..7) of eight
 * accumulators sums c[j+k]*x[j+k]; the result is ((s0+s2)+(s4+s6)) + ((s1+s3)+(s5+s7)), which is
 * what four f64x2 accumulators a0..a3 reduced as ((a0+a1)+(a2+a3)) and then lane0+lane1 compute.
 */
import { quadOutputJs } from "./resample-kernel-quads.js";
import { kernelInstance } from "./resample-kernel-wasm.js";

export { wasmKernelAvailable } from "./resample-kernel-wasm.js";

/** A polyphase FIR kernel bound to one coefficient table and fixed scratch capacities. */
export interface PolyphaseKernel {
  /** Scratch input window; callers place samples here (capacity fixed at creation). */
  readonly input: Float64Array | Float32Array;
  /**
   * Computes `count` outputs. Output i uses phase p_i and the `tapsPerPhase` inputs starting at
   * input[s_i], where (s_0, p_0) = (start, phase) and each step adds `down` to p, carrying
   * floor(p / up) into s. Returns a view of the results, valid until the next call.
   */
  run(start: number, phase: number, count: number): Float64Array | Float32Array;
}

/** Which implementation runs the dot products (identical results). */
export type KernelBackend = "wasm" | "js";

/** The kernel's arithmetic: "f64" (any ratio; this file) or "f32" (2:1 only; resample-kernel-quads.ts). */
export type KernelPrecision = "f64" | "f32";

/**
 * Rearranges a prototype (length N, rate up*inHz) into `up` phases of `tapsPerPhase` coefficients,
 * padded with leading zeros to a multiple of 8. Phase p's coefficient j multiplies the input
 * `tapsPerPhase - 1 - j` samples before the newest one in its window, i.e. c_p[j] = h[p + (K-1-j)*up].
 */
export function buildPhaseTable(taps: Float64Array, up: number): { table: Float64Array; tapsPerPhase: number } {
  const k = Math.ceil(Math.ceil(taps.length / up) / 8) * 8;
  const table = new Float64Array(up * k);
  for (let p = 0; p < up; p++) {
    for (let j = 0; j < k; j++) {
      const idx = p + (k - 1 - j) * up;
      table[p * k + j] = idx < taps.length ? (taps[idx] as number) : 0;
    }
  }
  return { table, tapsPerPhase: k };
}

/** Outputs per wasm call: small enough that V8 tiers the loop up to optimised code early. */
const BLOCK = 4096;

/**
 * Creates a kernel for a phase table (see buildPhaseTable).
 * @param capacity scratch sizes in samples: `input` window length, `output` most outputs per run
 * @param backend "wasm" (default where WebAssembly SIMD compiles) or "js"
 * @param precision "f64" (default) or "f32" (up 1, down 2 only)
 */
export function createKernel(
  table: Float64Array,
  tapsPerPhase: number,
  up: number,
  down: number,
  capacity: { input: number; output: number },
  backend: KernelBackend = "wasm",
  precision: KernelPrecision = "f64",
): PolyphaseKernel {
  if (precision === "f32") {
    if (up !== 1 || down !== 2) throw new Error(`resampler: the float32 kernel is for 2:1 only, not ${up}/${down}`);
    return quadKernel(table, tapsPerPhase, capacity, backend);
  }
  const inst = backend === "wasm" ? kernelInstance() : undefined;
  if (inst === undefined) return jsKernel(table, tapsPerPhase, up, down, capacity);
  const align = (n: number): number => Math.ceil(n / 2) * 2; // keep regions 16-byte aligned
  const inOff = align(table.length);
  const outOff = inOff + align(capacity.input);
  inst.memory.grow(Math.ceil(((outOff + capacity.output) * 8) / 65536));
  const heap = new Float64Array(inst.memory.buffer);
  heap.set(table, 0);
  const input = heap.subarray(inOff, inOff + capacity.input);
  const kBytes = tapsPerPhase * 8;
  // 2:1 (up 1, down 2): two outputs per step with shared loads (resample-kernel-pairs.ts), same arithmetic.
  const pairs = up === 1 && down === 2;
  return {
    input,
    run(start: number, phase: number, count: number): Float64Array {
      let s = start;
      let p = phase;
      for (let done = 0; done < count; done += BLOCK) {
        const n = Math.min(BLOCK, count - done);
        if (!pairs) inst.run(0, kBytes, up, down, (inOff + s) * 8, p, n, (outOff + done) * 8);
        else {
          const np = n >> 1;
          if (np > 0) inst.run2(0, kBytes, (inOff + s) * 8, np, (outOff + done) * 8);
          if ((n & 1) === 1) inst.run(0, kBytes, up, down, (inOff + s + 4 * np) * 8, p, 1, (outOff + done + 2 * np) * 8);
        }
        const t = p + n * down;
        s += Math.floor(t / up);
        p = t % up;
      }
      return heap.subarray(outOff, outOff + count);
    },
  };
}

/**
 * The float32 2:1 kernel (resample-kernel-quads.ts): wasm "run4" for whole quads of outputs, the
 * same arithmetic in JS for the rest (and for everything on the "js" backend).
 */
function quadKernel(table: Float64Array, k: number, capacity: { input: number; output: number }, backend: KernelBackend): PolyphaseKernel {
  const inst = backend === "wasm" ? kernelInstance() : undefined;
  const align = (n: number): number => Math.ceil(n / 4) * 4; // keep regions 16-byte aligned
  const inOff = align(table.length);
  const outOff = inOff + align(capacity.input);
  const words = outOff + capacity.output;
  inst?.memory.grow(Math.ceil((words * 4) / 65536));
  const heap = inst === undefined ? new Float32Array(words) : new Float32Array(inst.memory.buffer);
  heap.set(table, 0); // coefficients rounded to float32
  const coef = heap.subarray(0, k);
  const input = heap.subarray(inOff, inOff + capacity.input);
  const out = heap.subarray(outOff, outOff + capacity.output);
  return {
    input,
    run(start: number, _phase: number, count: number): Float32Array {
      const quads = inst === undefined ? 0 : count >> 2;
      for (let q = 0; q < quads; q += BLOCK / 4) {
        const n = Math.min(BLOCK / 4, quads - q);
        inst?.run4(0, k * 4, (inOff + start + 8 * q) * 4, n, (outOff + 4 * q) * 4);
      }
      for (let m = 4 * quads; m < count; m++) out[m] = quadOutputJs(coef, k, input, start + 2 * m);
      return out.subarray(0, count);
    },
  };
}

/** Plain-JS kernel with the wasm kernel's exact arithmetic (see the module comment). */
export function jsKernel(
  table: Float64Array,
  tapsPerPhase: number,
  up: number,
  down: number,
  capacity: { input: number; output: number },
): PolyphaseKernel {
  const input = new Float64Array(capacity.input);
  const out = new Float64Array(capacity.output);
  const k = tapsPerPhase;
  return {
    input,
    run(start: number, phase: number, count: number): Float64Array {
      let s = start;
      let p = phase;
      for (let m = 0; m < count; m++) {
        const c0 = p * k;
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0,
          s4 = 0,
          s5 = 0,
          s6 = 0,
          s7 = 0;
        for (let j = 0; j < k; j += 8) {
          const c = c0 + j;
          const x = s + j;
          s0 += (table[c] as number) * (input[x] as number);
          s1 += (table[c + 1] as number) * (input[x + 1] as number);
          s2 += (table[c + 2] as number) * (input[x + 2] as number);
          s3 += (table[c + 3] as number) * (input[x + 3] as number);
          s4 += (table[c + 4] as number) * (input[x + 4] as number);
          s5 += (table[c + 5] as number) * (input[x + 5] as number);
          s6 += (table[c + 6] as number) * (input[x + 6] as number);
          s7 += (table[c + 7] as number) * (input[x + 7] as number);
        }
        out[m] = s0 + s2 + (s4 + s6) + (s1 + s3 + (s5 + s7));
        const t = p + down;
        s += Math.floor(t / up);
        p = t % up;
      }
      return out.subarray(0, count);
    },
  };
}
