/**
 * Band-limited rational resampling with state carried across chunks.
 *
 * The rate change in/out is reduced to up/down = L/M (by their gcd) and computed as a polyphase
 * FIR: y[m] = sum_n x[n] * h[m*M + D - n*L], where h is a linear-phase prototype of odd length N
 * at rate L*inHz and D = (N-1)/2 its group delay. Starting the index at +D removes the delay, so
 * output m is the band-limited signal at time m/outHz, aligned with the input the way librosa/soxr
 * and scipy.signal.resample_poly align it; samples outside the input count as zeros. The output
 * has ceil(n_in * L / M) samples (librosa's fix=True length).
 *
 * Each output is one dot product over input samples that are all known once the input reaches
 * floor((m*M + D)/L). The streaming class computes exactly those outputs on each push, with the
 * same coefficients, inputs and summation order as a single whole-buffer call, so chunked output
 * concatenated is bit-identical to whole-buffer output for any chunking (the live path relies on
 * it; see the chunking test). `resample()` is that class fed one chunk.
 */
import { buildPhaseTable, createKernel } from "./resample-kernel.js";
import type { KernelBackend, PolyphaseKernel } from "./resample-kernel.js";
import { designPrototype, rateRatio } from "./resample-filter.js";
import type { ResampleFilterKind } from "./resample-filter.js";

export type { ResampleFilterKind } from "./resample-filter.js";

/** Options for `StreamingResampler` and `resample`. */
export interface ResampleOptions {
  /** Prototype filter: "hq" (default; soxr-HQ-like) or "scipy-poly" (scipy.signal.resample_poly defaults). */
  readonly filter?: ResampleFilterKind;
  /** Dot-product backend: "wasm" (default where available) or "js"; both give identical samples. */
  readonly kernel?: KernelBackend;
}

/** Input samples processed per kernel pass; bounds scratch memory whatever the chunk size. */
const SLICE = 1 << 16;

/** A view (typed arrays) or copy (other array-likes) of a[start, end). */
function slicePart(a: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  if (a instanceof Float32Array || a instanceof Float64Array) return a.subarray(start, end);
  return Array.prototype.slice.call(a, start, end) as number[];
}

/** Number of output samples for `nIn` input samples: ceil(nIn * outHz / inHz). */
export function resampledLength(nIn: number, inHz: number, outHz: number): number {
  const { up, down } = rateRatio(inHz, outHz);
  return Math.ceil((nIn * up) / down);
}

/**
 * Resamples a stream pushed in chunks of any size. `push` returns the outputs that became
 * computable, `flush` ends the stream (zeros after the last input) and returns the rest.
 */
export class StreamingResampler {
  /** Input rate, Hz. */
  readonly inHz: number;
  /** Output rate, Hz. */
  readonly outHz: number;
  private readonly up: number;
  private readonly down: number;
  private readonly delay: number;
  private readonly taps: number;
  private readonly kernel: PolyphaseKernel | undefined;
  /** Absolute input index held at kernel.input[0]. */
  private bufStart = 0;
  /** Number of valid samples in kernel.input. */
  private bufLen = 0;
  private nIn = 0;
  private mNext = 0;
  private ended = false;

  /**
   * @param inHz input rate, positive integer Hz
   * @param outHz output rate, positive integer Hz (equal rates pass samples through unchanged)
   */
  constructor(inHz: number, outHz: number, opts: ResampleOptions = {}) {
    const { up, down } = rateRatio(inHz, outHz);
    this.inHz = inHz;
    this.outHz = outHz;
    this.up = up;
    this.down = down;
    if (up === 1 && down === 1) {
      this.delay = 0;
      this.taps = 0;
      this.kernel = undefined;
      return;
    }
    const proto = designPrototype(inHz, outHz, opts.filter ?? "hq");
    const { table, tapsPerPhase } = buildPhaseTable(proto.taps, up);
    this.delay = (proto.taps.length - 1) / 2;
    this.taps = tapsPerPhase;
    // Invariants that keep the held history within [0, taps] samples (see push).
    if (tapsPerPhase < Math.ceil(down / up) || this.lowIndex(0) > 0) throw new Error("resampler: filter too short");
    const slice = Math.max(SLICE, tapsPerPhase);
    const input = tapsPerPhase + slice;
    const output = Math.ceil(((slice + tapsPerPhase) * up) / down) + 2;
    // The HQ filter's 2:1 case (44.1 -> 22.05 kHz, most files) runs in float32 quads, 3.8x faster
    // (resample-kernel-quads.ts); "scipy-poly" stays float64 to match scipy to 1e-8.
    const precision = (opts.filter ?? "hq") === "hq" && up === 1 && down === 2 ? "f32" : "f64";
    this.kernel = createKernel(table, tapsPerPhase, up, down, { input, output }, opts.kernel, precision);
    // History before the first sample is zeros.
    this.bufStart = this.lowIndex(0);
    this.bufLen = -this.bufStart;
    this.kernel.input.fill(0, 0, this.bufLen);
  }

  /** Index of the newest input sample output m needs: floor((m*M + D) / L). */
  private highIndex(m: number): number {
    return Math.floor((m * this.down + this.delay) / this.up);
  }
  /** Index of the oldest input sample in output m's window. */
  private lowIndex(m: number): number {
    return this.highIndex(m) - this.taps + 1;
  }
  /** Polyphase phase of output m: (m*M + D) mod L. */
  private phase(m: number): number {
    return (m * this.down + this.delay) % this.up;
  }
  /** Outputs computable from the first `nIn` inputs: all m with highIndex(m) <= nIn - 1. */
  private available(nIn: number): number {
    return Math.max(0, Math.floor((nIn * this.up - 1 - this.delay) / this.down) + 1);
  }

  /** Feeds input samples; returns the output samples that became computable (possibly none). */
  push(chunk: ArrayLike<number>): Float64Array {
    if (this.ended) throw new Error("StreamingResampler: push after flush");
    if (this.kernel === undefined) {
      this.nIn += chunk.length;
      return Float64Array.from(chunk);
    }
    const out = new Float64Array(Math.max(0, this.available(this.nIn + chunk.length) - this.mNext));
    let written = 0;
    const slice = this.kernel.input.length - this.taps;
    for (let off = 0; off < chunk.length; off += slice) {
      this.append(slicePart(chunk, off, off + slice));
      written += this.compute(this.available(this.nIn) - this.mNext, out, written);
    }
    return out;
  }

  /** Ends the stream: returns the remaining outputs, treating samples after the end as zeros. */
  flush(): Float64Array {
    if (this.ended) throw new Error("StreamingResampler: flush called twice");
    this.ended = true;
    if (this.kernel === undefined) return new Float64Array(0);
    const total = Math.ceil((this.nIn * this.up) / this.down);
    const out = new Float64Array(Math.max(0, total - this.mNext));
    if (out.length === 0) return out;
    const zeros = this.highIndex(total - 1) - (this.bufStart + this.bufLen) + 1;
    this.kernel.input.fill(0, this.bufLen, this.bufLen + Math.max(0, zeros));
    this.bufLen += Math.max(0, zeros);
    this.compute(out.length, out, 0);
    return out;
  }

  private append(part: ArrayLike<number>): void {
    const kernel = this.kernel as PolyphaseKernel;
    kernel.input.set(part, this.bufLen);
    this.bufLen += part.length;
    this.nIn += part.length;
  }

  /** Computes `count` outputs from mNext on into out[at..], then drops history no longer needed. */
  private compute(count: number, out: Float64Array, at: number): number {
    const kernel = this.kernel as PolyphaseKernel;
    if (count > 0) {
      const m = this.mNext;
      out.set(kernel.run(this.lowIndex(m) - this.bufStart, this.phase(m), count), at);
      this.mNext += count;
    }
    const keepFrom = Math.min(this.lowIndex(this.mNext), this.bufStart + this.bufLen);
    const drop = keepFrom - this.bufStart;
    if (drop > 0) {
      kernel.input.copyWithin(0, drop, this.bufLen);
      this.bufStart = keepFrom;
      this.bufLen -= drop;
    }
    return Math.max(0, count);
  }
}

/**
 * Resamples a whole signal from `inHz` to `outHz` (positive integers). Output length is
 * ceil(x.length * outHz / inHz); equal rates return a float64 copy. Built on StreamingResampler,
 * so it equals any chunked run bit for bit.
 * @throws UserError for non-integer or non-positive rates or an unreasonably complex ratio.
 */
export function resample(x: ArrayLike<number>, inHz: number, outHz: number, opts: ResampleOptions = {}): Float64Array {
  const r = new StreamingResampler(inHz, outHz, opts);
  const head = r.push(x);
  const tail = r.flush();
  if (tail.length === 0) return head;
  const y = new Float64Array(head.length + tail.length);
  y.set(head);
  y.set(tail, head.length);
  return y;
}
