/**
 * The inner loop of the polyphase resampler: for each output, one dot product of a phase's
 * coefficients with a window of input samples. It runs in a small WebAssembly SIMD module
 * (f64x2; a 4-minute 44.1 kHz mono track resamples to 22.05 kHz in ~0.3 s, the plain-JS loop
 * below takes ~2.5 s) whose bytes are assembled below from readable opcodes, so there is no
 * binary blob and no build step. `jsKernel` is the same arithmetic in plain JS, term for term and
 * in the same summation order, so both backends give bit-identical results (a test checks this);
 * it documents what the wasm does and is the fallback where WebAssembly SIMD is missing.
 *
 * Summation order (both backends): taps are taken in blocks of 8; lane k (0..7) of eight
 * accumulators sums c[j+k]*x[j+k]; the result is ((s0+s2)+(s4+s6)) + ((s1+s3)+(s5+s7)), which is
 * what four f64x2 accumulators a0..a3 reduced as ((a0+a1)+(a2+a3)) and then lane0+lane1 compute.
 */
import { I32, MODULE_HEADER, V128, name, section, sleb, uleb, vec } from "../io/wasm-encode.js";
import { PAIR_TYPE, pairFunctionBody, tapLoopTail } from "./resample-kernel-pairs.js";

/** A polyphase FIR kernel bound to one coefficient table and fixed scratch capacities. */
export interface PolyphaseKernel {
  /** Scratch input window; callers place samples here (capacity fixed at creation). */
  readonly input: Float64Array;
  /**
   * Computes `count` outputs. Output i uses phase p_i and the `tapsPerPhase` inputs starting at
   * input[s_i], where (s_0, p_0) = (start, phase) and each step adds `down` to p, carrying
   * floor(p / up) into s. Returns a view of the results, valid until the next call.
   */
  run(start: number, phase: number, count: number): Float64Array;
}

/** Which implementation runs the dot products (identical results). */
export type KernelBackend = "wasm" | "js";

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
 */
export function createKernel(
  table: Float64Array,
  tapsPerPhase: number,
  up: number,
  down: number,
  capacity: { input: number; output: number },
  backend: KernelBackend = wasmModule() === undefined ? "js" : "wasm",
): PolyphaseKernel {
  const mod = backend === "wasm" ? wasmModule() : undefined;
  if (mod === undefined) return jsKernel(table, tapsPerPhase, up, down, capacity);
  const align = (n: number): number => Math.ceil(n / 2) * 2; // keep regions 16-byte aligned
  const inOff = align(table.length);
  const outOff = inOff + align(capacity.input);
  const totalBytes = (outOff + capacity.output) * 8;
  const inst = new WebAssembly.Instance(mod, {});
  const memory = inst.exports["mem"] as WasmMemory;
  const fn = inst.exports["run"] as (...args: number[]) => void;
  // 2:1 (up 1, down 2): two outputs per step with shared loads (resample-kernel-pairs.ts), same arithmetic.
  const pairs = up === 1 && down === 2 ? (inst.exports["run2"] as (...args: number[]) => void) : undefined;
  memory.grow(Math.ceil(totalBytes / 65536));
  const heap = new Float64Array(memory.buffer);
  heap.set(table, 0);
  const input = heap.subarray(inOff, inOff + capacity.input);
  const kBytes = tapsPerPhase * 8;
  return {
    input,
    run(start: number, phase: number, count: number): Float64Array {
      let s = start;
      let p = phase;
      for (let done = 0; done < count; done += BLOCK) {
        const n = Math.min(BLOCK, count - done);
        if (pairs === undefined) fn(0, kBytes, up, down, (inOff + s) * 8, p, n, (outOff + done) * 8);
        else {
          const np = n >> 1;
          if (np > 0) pairs(0, kBytes, (inOff + s) * 8, np, (outOff + done) * 8);
          if ((n & 1) === 1) fn(0, kBytes, up, down, (inOff + s + 4 * np) * 8, p, 1, (outOff + done + 2 * np) * 8);
        }
        const t = p + n * down;
        s += Math.floor(t / up);
        p = t % up;
      }
      return heap.subarray(outOff, outOff + count);
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

// ---- WebAssembly module, assembled from opcodes ----------------------------------------------

// The project compiles without lib.dom, which is where TypeScript keeps the WebAssembly types;
// these are the few members used here (Node 20 provides the global at runtime).
interface WasmModule {
  readonly __wasmModule: never;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
};

let compiled: WasmModule | null | undefined;

/** Whether the WebAssembly SIMD kernel compiled here (otherwise the plain-JS kernel is used). */
export function wasmKernelAvailable(): boolean {
  return wasmModule() !== undefined;
}

/** The compiled kernel module, or undefined where WebAssembly SIMD is unavailable. */
function wasmModule(): WasmModule | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(assembleKernel());
    } catch {
      compiled = null;
    }
  }
  return compiled ?? undefined;
}

/**
 * (func (export "run") (param coef kBytes up down x p nOut out i32)
 *   for m in 0..nOut: out[m] = dot(coef + p*kBytes, x, kBytes/8); t = p + down; x += (t/up)*8; p = t%up)
 * All pointers are byte offsets into the module's own exported memory "mem".
 */
function assembleKernel(): Uint8Array {
  const [COEF, KB, UP, DOWN, X, P, NOUT, OUT, M, CP, XP, J, A0, A1, A2, A3, T] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const get = (i: number | undefined): number[] => [0x20, i as number];
  const set = (i: number | undefined): number[] => [0x21, i as number];
  const tee = (i: number | undefined): number[] => [0x22, i as number];
  const i32 = (v: number): number[] => [0x41, ...sleb(v)];
  const [ADD, MUL, DIVU, REMU, SHL, GEU] = [0x6a, 0x6c, 0x6e, 0x70, 0x74, 0x4f];
  const simd = (op: number): number[] => [0xfd, ...uleb(op)];
  const load = (offset: number): number[] => [...simd(0x00), 3, ...uleb(offset)]; // v128.load align=8
  const fadd = simd(0xf0); // f64x2.add
  const fmul = simd(0xf2); // f64x2.mul
  const zero = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
  const lane = (l: number): number[] => [...simd(0x21), l]; // f64x2.extract_lane
  const mac = (acc: number | undefined, off: number): number[] => [
    ...get(acc),
    ...get(CP),
    ...load(off),
    ...get(XP),
    ...load(off),
    ...fmul,
    ...fadd,
    ...set(acc),
  ];
  const body = [
    ...i32(0),
    ...set(M),
    0x02,
    0x40,
    0x03,
    0x40, // block, loop (over outputs)
    ...get(M),
    ...get(NOUT),
    GEU,
    0x0d,
    1, // if m >= nOut: break
    ...get(COEF),
    ...get(P),
    ...get(KB),
    MUL,
    ADD,
    ...set(CP),
    ...get(X),
    ...set(XP),
    ...zero,
    ...set(A0),
    ...zero,
    ...set(A1),
    ...zero,
    ...set(A2),
    ...zero,
    ...set(A3),
    ...i32(0),
    ...set(J),
    0x03,
    0x40, // loop (over blocks of 8 taps)
    ...mac(A0, 0),
    ...mac(A1, 16),
    ...mac(A2, 32),
    ...mac(A3, 48),
    ...tapLoopTail(CP, XP, J, KB),
    ...get(OUT),
    ...get(M),
    ...i32(3),
    SHL,
    ADD, // store address
    ...get(A0),
    ...get(A1),
    ...fadd,
    ...get(A2),
    ...get(A3),
    ...fadd,
    ...fadd,
    ...tee(A0),
    ...lane(0),
    ...get(A0),
    ...lane(1),
    0xa0, // f64.add of the two lanes
    0x39,
    3,
    0, // f64.store
    ...get(P),
    ...get(DOWN),
    ADD,
    ...set(T),
    ...get(X),
    ...get(T),
    ...get(UP),
    DIVU,
    ...i32(3),
    SHL,
    ADD,
    ...set(X),
    ...get(T),
    ...get(UP),
    REMU,
    ...set(P),
    ...get(M),
    ...i32(1),
    ADD,
    ...set(M),
    0x0c,
    0, // continue outer loop
    0x0b,
    0x0b,
    0x0b, // end loop, end block, end func
  ];
  const fbody = [
    ...vec([
      [4, I32],
      [4, V128],
      [1, I32],
    ]),
    ...body,
  ];
  const pairBody = pairFunctionBody();
  return new Uint8Array([
    ...MODULE_HEADER,
    ...section(1, vec([[0x60, ...vec(new Array<number[]>(8).fill([I32])), 0], PAIR_TYPE])), // types: (i32 x8) -> (), (i32 x5) -> ()
    ...section(3, vec([[0], [1]])), // "run" of type 0, "run2" of type 1
    ...section(5, vec([[0, 1]])), // memory, min 1 page
    ...section(
      7,
      vec([
        [...name("run"), 0, 0],
        [...name("run2"), 0, 1],
        [...name("mem"), 2, 0],
      ]),
    ), // exports
    ...section(
      10,
      vec([
        [...uleb(fbody.length), ...fbody],
        [...uleb(pairBody.length), ...pairBody],
      ]),
    ), // code
  ]);
}
