/**
 * The radix-4 butterfly stages of ./real-fft.ts as a WebAssembly SIMD function (f64x2: two
 * butterflies, k and k + 1, per instruction), assembled below from readable opcodes as
 * src/audio/resample-kernel.ts does, so there is no binary blob and no build step. They were ~30 %
 * of the mel front-end's time in plain JS, where every typed-array access is bounds-checked.
 *
 * Every lane does exactly the scalar operations of RealFftPower's JS stages, in the same order
 * (f64x2.mul/add/sub round like their scalar JS counterparts and wasm never fuses a multiply-add),
 * so the JS fallback and this kernel give bit-identical spectra (test/unit/features/real-fft.test.ts).
 *
 * Twiddle layout, per stage and per pair of k (k even): w1r[k], w1r[k+1], w1i[k], w1i[k+1], then
 * the same for w2 and w3: 12 float64 per pair, so each v128 load picks up one twiddle for both lanes.
 */
import {
  I32,
  MODULE_HEADER,
  V128,
  i32Const as i32c,
  localGet as get,
  localSet as set,
  name,
  section,
  simdOp as simd,
  uleb,
  vec,
} from "../io/wasm-encode.js";
import { compiledOnce, instantiate, newMemory } from "../io/wasm-runtime.js";

/** A kernel instance: its float64 heap and the stage function. */
export interface WasmStages {
  /** The instance's whole memory as float64. */
  readonly heap: Float64Array;
  /**
   * Runs the radix-4 stages on split arrays at float64 indices reIdx / imIdx (m values each), with
   * twiddles at twIdx, from sub-transform length len0 (even) up to m.
   */
  run(reIdx: number, imIdx: number, twIdx: number, m: number, len0: number): void;
}

/** The compiled module, or undefined where WebAssembly SIMD is unavailable. */
const wasmModule = compiledOnce(() => assemble());

/** Instantiates the kernel with `doubles` float64 of memory, or undefined without wasm SIMD. */
export function createWasmStages(doubles: number): WasmStages | undefined {
  const mod = wasmModule();
  if (mod === undefined) return undefined;
  const memory = newMemory(Math.ceil((doubles * 8) / 65536));
  const fn = instantiate(mod, { env: { mem: memory } })["stages"] as (re: number, im: number, tw: number, m: number, len0: number) => void;
  return {
    heap: new Float64Array(memory.buffer),
    run: (reIdx, imIdx, twIdx, m, len0) => fn(reIdx * 8, imIdx * 8, twIdx * 8, m * 8, len0 * 8),
  };
}

/**
 * (func (export "stages") (param re im tw mB len0B i32)   ;; byte offsets and byte lengths
 *   for (lenB = len0B; lenB < mB; lenB *= 4)
 *     for (base = 0; base < mB; base += 4 lenB)
 *       for (k = 0, tp = tw; k < lenB; k += 16, tp += 96)  one radix-4 butterfly per lane, as in JS
 *     tw += 6 lenB)
 */
function assemble(): Uint8Array {
  let n = 0;
  const next = (): number => n++;
  const [RE, IM, TW, MB, LENB] = [next(), next(), next(), next(), next()];
  const [BASE, K, O0, O1, O2, O3, TP] = [next(), next(), next(), next(), next(), next(), next()];
  const v = (): number => next();
  const [W1R, W1I, W2R, W2I, W3R, W3I] = [v(), v(), v(), v(), v(), v()];
  const [A0R, A0I, BR, BI, A1R, A1I, A2R, A2I, A3R, A3I] = [v(), v(), v(), v(), v(), v(), v(), v(), v(), v()];
  const [S0R, S0I, D0R, D0I, S1R, S1I, D1R, D1I] = [v(), v(), v(), v(), v(), v(), v(), v()];
  const [ADD, SHL, LTU] = [0x6a, 0x74, 0x49];
  const FADD = simd(0xf0),
    FSUB = simd(0xf1),
    FMUL = simd(0xf2);
  const vload = (base: number, off: number, offset = 0): number[] => [...get(base), ...get(off), ADD, ...simd(0x00), 3, ...uleb(offset)];
  const vstore = (base: number, off: number, val: number[]): number[] => [...get(base), ...get(off), ADD, ...val, ...simd(0x0b), 3, 0];
  const op = (a: number, b: number, o: number[]): number[] => [...get(a), ...get(b), ...o];
  /** (xr + i xi)(wr + i wi) into (outR, outI): xr wr - xi wi, xr wi + xi wr. */
  const cmul = (xr: number, xi: number, wr: number, wi: number, outR: number, outI: number): number[] => [
    ...op(xr, wr, FMUL),
    ...op(xi, wi, FMUL),
    ...FSUB,
    ...set(outR),
    ...op(xr, wi, FMUL),
    ...op(xi, wr, FMUL),
    ...FADD,
    ...set(outI),
  ];
  const twLoad = (dst: number, off: number): number[] => [...get(TP), ...simd(0x00), 3, ...uleb(off), ...set(dst)];
  const butterfly = [
    ...twLoad(W1R, 0),
    ...twLoad(W1I, 16),
    ...twLoad(W2R, 32),
    ...twLoad(W2I, 48),
    ...twLoad(W3R, 64),
    ...twLoad(W3I, 80),
    ...get(BASE),
    ...get(K),
    ADD,
    ...set(O0),
    ...get(O0),
    ...get(LENB),
    ADD,
    ...set(O1),
    ...get(O1),
    ...get(LENB),
    ADD,
    ...set(O2),
    ...get(O2),
    ...get(LENB),
    ADD,
    ...set(O3),
    ...vload(RE, O0),
    ...set(A0R),
    ...vload(IM, O0),
    ...set(A0I),
    ...vload(RE, O1),
    ...set(BR),
    ...vload(IM, O1),
    ...set(BI),
    ...cmul(BR, BI, W2R, W2I, A2R, A2I),
    ...vload(RE, O2),
    ...set(BR),
    ...vload(IM, O2),
    ...set(BI),
    ...cmul(BR, BI, W1R, W1I, A1R, A1I),
    ...vload(RE, O3),
    ...set(BR),
    ...vload(IM, O3),
    ...set(BI),
    ...cmul(BR, BI, W3R, W3I, A3R, A3I),
    ...op(A0R, A2R, FADD),
    ...set(S0R),
    ...op(A0I, A2I, FADD),
    ...set(S0I),
    ...op(A0R, A2R, FSUB),
    ...set(D0R),
    ...op(A0I, A2I, FSUB),
    ...set(D0I),
    ...op(A1R, A3R, FADD),
    ...set(S1R),
    ...op(A1I, A3I, FADD),
    ...set(S1I),
    ...op(A1R, A3R, FSUB),
    ...set(D1R),
    ...op(A1I, A3I, FSUB),
    ...set(D1I),
    ...vstore(RE, O0, op(S0R, S1R, FADD)),
    ...vstore(IM, O0, op(S0I, S1I, FADD)),
    ...vstore(RE, O1, op(D0R, D1I, FADD)),
    ...vstore(IM, O1, op(D0I, D1R, FSUB)),
    ...vstore(RE, O2, op(S0R, S1R, FSUB)),
    ...vstore(IM, O2, op(S0I, S1I, FSUB)),
    ...vstore(RE, O3, op(D0R, D1I, FSUB)),
    ...vstore(IM, O3, op(D0I, D1R, FADD)),
  ];
  const body = [
    0x02,
    0x40,
    0x03,
    0x40, // block, loop over stages
    ...get(LENB),
    ...get(MB),
    LTU,
    0x45,
    0x0d,
    1, // if !(lenB < mB) break
    ...i32c(0),
    ...set(BASE),
    0x03,
    0x40, // loop over blocks
    ...i32c(0),
    ...set(K),
    ...get(TW),
    ...set(TP), // every block of a stage uses the stage's twiddles from the start
    0x03,
    0x40, // loop over k, two at a time
    ...butterfly,
    ...get(TP),
    ...i32c(48),
    ...i32c(1),
    SHL,
    ADD,
    ...set(TP), // tp += 96 bytes
    ...get(K),
    ...i32c(16),
    ADD,
    0x22,
    K,
    ...get(LENB),
    LTU,
    0x0d,
    0,
    0x0b,
    ...get(BASE),
    ...get(LENB),
    ...i32c(2),
    SHL,
    ADD,
    0x22,
    BASE,
    ...get(MB),
    LTU,
    0x0d,
    0,
    0x0b,
    // Next stage: its twiddles follow this one's 6 float64 per k (tw += 6 lenB), and len *= 4.
    ...get(TW),
    ...get(LENB),
    ...i32c(2),
    SHL,
    ADD,
    ...get(LENB),
    ...i32c(1),
    SHL,
    ADD,
    ...set(TW),
    ...get(LENB),
    ...i32c(2),
    SHL,
    ...set(LENB),
    0x0c,
    0,
    0x0b,
    0x0b,
    0x0b,
  ];
  const locals = vec([
    [7, I32],
    [24, V128],
  ]);
  const fbody = [...locals, ...body];
  return new Uint8Array([
    ...MODULE_HEADER,
    ...section(1, vec([[0x60, ...vec(new Array<number[]>(5).fill([I32])), 0]])),
    ...section(2, vec([[...name("env"), ...name("mem"), 2, 0, 1]])), // import memory, min 1 page
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("stages"), 0, 0]])),
    ...section(10, vec([[...uleb(fbody.length), ...fbody]])),
  ]);
}
