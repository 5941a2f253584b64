/**
 * The resampler's second wasm function, "run2", for the commonest rate change: 2:1 (44.1 → 22.05 kHz,
 * 48 → 24 kHz; up = 1, down = 2). There every output uses the same coefficients and starts two
 * input samples after the previous one, so two consecutive outputs A and B can share loads: the
 * coefficient pair c_k serves A's accumulator k and B's, and the input pair at byte offset 16k
 * serves A's accumulator k and B's accumulator k - 1. Nine loads instead of sixteen per eight taps
 * of two outputs, and half the loop overhead: 4 minutes at 44.1 kHz in 275 instead of 322 ms here
 * (the multiplies and adds, which stay, are most of the time).
 *
 * Each output's arithmetic is exactly "run"'s (resample-kernel.ts): the same products into the
 * same four f64x2 accumulators in the same order, reduced as ((a0 + a1) + (a2 + a3)) and then
 * lane 0 + lane 1, so the samples are bit-identical (the wasm-vs-JS test covers 44.1 → 22.05 kHz).
 *
 * (func (export "run2") (param coef kBytes x nPairs out i32)
 *   for i in 0..nPairs: out[2i], out[2i+1] = dot(coef, x), dot(coef, x + 2 samples); x += 4 samples)
 */
import {
  I32,
  V128,
  i32Const as i32,
  localGet as get,
  localSet as set,
  localTee as tee,
  simdOp as simd,
  uleb,
  vec,
} from "../io/wasm-encode.js";

const ADD = 0x6a; // i32.add

/**
 * The end of the kernels' loop over blocks of 8 taps: coefficient and input pointers and the byte
 * counter j move on `bytes` (64 for float64 taps, 32 for float32); loop again while j < kBytes; end the loop.
 */
export function tapLoopTail(cp: number, xp: number, j: number, kBytes: number, bytes = 64): number[] {
  const step = (local: number, keep: boolean): number[] => [...get(local), ...i32(bytes), ADD, ...(keep ? tee(local) : set(local))];
  return [...step(cp, false), ...step(xp, false), ...step(j, true), ...get(kBytes), 0x49, 0x0d, 0, 0x0b]; // i32.lt_u, br_if 0, end
}

/** Parameters (coef, kBytes, x, n, out) and the first locals (i, cp, xp, j) of both 2:1 kernels, by index. */
export const LOOP_LOCALS = { COEF: 0, KB: 1, X: 2, N: 3, OUT: 4, I: 5, CP: 6, XP: 7, J: 8 } as const;

/**
 * The loops both 2:1 kernels share ("run2" here, "run4" in resample-kernel-quads.ts): for i in
 * 0..n: cp = coef, xp = x, the accumulators `accs` zeroed, then the loop over blocks of 8 taps
 * (`taps`, then tapLoopTail moving on `tapBytes`), then `finish` (reduce and store step i's
 * outputs), x += 32 bytes (four float64 or eight float32 samples), i += 1.
 */
export function twoToOneLoops(accs: readonly number[], taps: readonly number[], tapBytes: number, finish: readonly number[]): number[] {
  const { COEF, KB, X, N, I, CP, XP, J } = LOOP_LOCALS;
  const zero = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
  return [
    ...i32(0),
    ...set(I),
    0x02,
    0x40,
    0x03,
    0x40, // block, loop (over steps)
    ...get(I),
    ...get(N),
    0x4f, // i32.ge_u
    0x0d,
    1, // if i >= n: break
    ...get(COEF),
    ...set(CP),
    ...get(X),
    ...set(XP),
    ...accs.flatMap((a) => [...zero, ...set(a)]),
    ...i32(0),
    ...set(J),
    0x03,
    0x40, // loop (over blocks of 8 taps)
    ...taps,
    ...tapLoopTail(CP, XP, J, KB, tapBytes),
    ...finish,
    ...get(X),
    ...i32(32),
    ADD,
    ...set(X), // x += 32 bytes
    ...get(I),
    ...i32(1),
    ADD,
    ...set(I),
    0x0c,
    0, // continue outer loop
    0x0b,
    0x0b,
    0x0b, // end loop, end block, end func
  ];
}

/** The function's type: (i32 x5) -> (). */
export const PAIR_TYPE: number[] = [0x60, ...vec(new Array<number[]>(5).fill([I32])), 0];

/** The function body (locals and code) of "run2". */
export function pairFunctionBody(): number[] {
  const { OUT, I, CP, XP } = LOOP_LOCALS;
  const [A0, A1, A2, A3, B0, B1, B2, B3, CPREV, CCUR, XT] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const SHL = 0x74;
  const load = (base: number, offset: number): number[] => [...get(base), ...simd(0x00), 3, ...uleb(offset)]; // v128.load align=8
  const fadd = simd(0xf0); // f64x2.add
  const fmul = simd(0xf2); // f64x2.mul
  const lane = (l: number): number[] => [...simd(0x21), l]; // f64x2.extract_lane
  // acc = acc + (c * x), operands in "run"'s order
  const mac = (acc: number, c: number): number[] => [...get(acc), ...get(c), ...get(XT), ...fmul, ...fadd, ...set(acc)];
  // Loads the input pair at `offset` and coefficient pair c, feeds output B's accumulator b with the previous pair, A's a with c.
  const step = (offset: number, c: number, prevC: number | null, a: number, b: number | null): number[] => [
    ...load(XP, offset),
    ...set(XT),
    ...load(CP, offset),
    ...set(c),
    ...(b === null || prevC === null ? [] : mac(b, prevC)),
    ...mac(a, c),
  ];
  const reduce = (r: number[]): number[] => [
    ...get(r[0] as number),
    ...get(r[1] as number),
    ...fadd,
    ...get(r[2] as number),
    ...get(r[3] as number),
    ...fadd,
    ...fadd,
    ...tee(r[0] as number),
    ...lane(0),
    ...get(r[0] as number),
    ...lane(1),
    0xa0, // f64.add of the two lanes
  ];
  const store = (offset: number): number[] => [0x39, 3, ...uleb(offset)]; // f64.store
  const taps = [
    ...step(0, CPREV, null, A0, null),
    ...step(16, CCUR, CPREV, A1, B0),
    ...step(32, CPREV, CCUR, A2, B1),
    ...step(48, CCUR, CPREV, A3, B2),
    ...load(XP, 64),
    ...set(XT),
    ...mac(B3, CCUR),
  ];
  const outAddress = [...get(OUT), ...get(I), ...i32(4), SHL, ADD]; // address of output 2i
  const finish = [...outAddress, ...reduce([A0, A1, A2, A3]), ...store(0), ...outAddress, ...reduce([B0, B1, B2, B3]), ...store(8)];
  const code = twoToOneLoops([A0, A1, A2, A3, B0, B1, B2, B3], taps, 64, finish);
  return [
    ...vec([
      [4, I32],
      [11, V128],
    ]),
    ...code,
  ];
}
