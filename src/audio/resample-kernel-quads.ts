/**
 * The resampler's float32 path for the commonest rate change, 2:1 (44.1 → 22.05 kHz, 48 → 24 kHz)
 * with the HQ filter: the wasm function "run4" computes four consecutive outputs A, B, C, D per step
 * in f32x4 lanes. Output B starts two input samples after A, C four, D six, so the input vector at
 * x + 4k serves A's tap block k and C's block k - 1, the one at x + 4k + 2 serves B's block k and
 * D's block k - 1, and each coefficient vector is loaded once for all four: a quarter of a load and
 * half an arithmetic instruction per multiply-add, against 0.56 and 1 for the float64 pair kernel
 * (resample-kernel-pairs.ts). The kernel alone takes 92 ms for 4 minutes at 44.1 kHz here instead of
 * 353 ms (best of 7, same process); the bench's resample stage (with the downmix) went from 337 to 196 ms.
 *
 * Precision: the coefficients and inputs are float32 (the pipeline's samples are float32 anyway)
 * and each output sums 4 lanes of 74 products in float32, so outputs differ from the float64
 * kernels by about 1e-7 of full scale; against soxr's HQ output (the librosa fixture) the error
 * stays under the fixture tests' bounds with room to spare (resample-fixture.test.ts logs it).
 *
 * Each output's arithmetic: lane l of one f32x4 accumulator sums c[4k+l] * x[4k+l] over the blocks
 * k in order (a product rounded to float32, then the sum rounded); the result is
 * (lane0 + lane1) + (lane2 + lane3). `quadOutputJs` is the same arithmetic in plain JS with
 * Math.fround at every step (exact: float64 holds a float32 product exactly, and float64 sums
 * rounded to float32 are correctly rounded), so outputs do not depend on how a run is grouped
 * into quads: the JS backend, and the up-to-3 outputs a call leaves over, use it.
 *
 * (func (export "run4") (param coef kBytes x nQuads out i32)
 *   for i in 0..nQuads: out[4i..4i+3] = dot(coef, x + 2j samples) for j in 0..3; x += 8 samples)
 */
import { I32, V128, i32Const as i32, localGet as get, localSet as set, simdOp as simd, uleb, vec } from "../io/wasm-encode.js";
import { LOOP_LOCALS, twoToOneLoops } from "./resample-kernel-pairs.js";

/** One 2:1 output in the float32 quad arithmetic: coefficients c[0..k), inputs x[at..at+k). */
export function quadOutputJs(c: Float32Array, k: number, x: Float32Array, at: number): number {
  let l0 = 0,
    l1 = 0,
    l2 = 0,
    l3 = 0;
  const f = Math.fround;
  for (let j = 0; j < k; j += 4) {
    const i = at + j;
    l0 = f(l0 + f((c[j] as number) * (x[i] as number)));
    l1 = f(l1 + f((c[j + 1] as number) * (x[i + 1] as number)));
    l2 = f(l2 + f((c[j + 2] as number) * (x[i + 2] as number)));
    l3 = f(l3 + f((c[j + 3] as number) * (x[i + 3] as number)));
  }
  return f(f(l0 + l1) + f(l2 + l3));
}

/** The function body (locals and code) of "run4"; its type is resample-kernel-pairs.ts's PAIR_TYPE. */
export function quadFunctionBody(): number[] {
  const { OUT, I, CP, XP } = LOOP_LOCALS;
  const OA = 9; // address of output 4i
  const [A, B, C, D, C0, C1, XA, XB] = [10, 11, 12, 13, 14, 15, 16, 17];
  const [ADD, SHL] = [0x6a, 0x74];
  const load = (base: number, offset: number): number[] => [...get(base), ...simd(0x00), 2, ...uleb(offset)]; // v128.load align=4
  const fadd = simd(0xe4); // f32x4.add
  const fmul = simd(0xe6); // f32x4.mul
  const lane = (l: number): number[] => [...simd(0x1f), l]; // f32x4.extract_lane
  const F32_ADD = 0x92;
  // acc = acc + (c * x)
  const mac = (acc: number, c: number, x: number): number[] => [...get(acc), ...get(c), ...get(x), ...fmul, ...fadd, ...set(acc)];
  const loadX = (offset: number): number[] => [...load(XP, offset), ...set(XA), ...load(XP, offset + 8), ...set(XB)];
  // out[slot] = (l0 + l1) + (l2 + l3) of accumulator acc
  const reduce = (acc: number, slot: number): number[] => [
    ...get(OA),
    ...get(acc),
    ...lane(0),
    ...get(acc),
    ...lane(1),
    F32_ADD,
    ...get(acc),
    ...lane(2),
    ...get(acc),
    ...lane(3),
    F32_ADD,
    F32_ADD,
    0x38,
    2,
    ...uleb(4 * slot), // f32.store align=4
  ];
  const taps = [
    ...loadX(0),
    ...load(CP, 0),
    ...set(C0),
    ...mac(A, C0, XA),
    ...mac(B, C0, XB),
    ...loadX(16),
    ...load(CP, 16),
    ...set(C1),
    ...mac(C, C0, XA),
    ...mac(D, C0, XB),
    ...mac(A, C1, XA),
    ...mac(B, C1, XB),
    ...loadX(32),
    ...mac(C, C1, XA),
    ...mac(D, C1, XB),
  ]; // blocks of 8 taps: coefficient vectors c0 at +0, c1 at +16 bytes
  const finish = [
    ...get(OUT),
    ...get(I),
    ...i32(4),
    SHL,
    ADD,
    ...set(OA),
    ...reduce(A, 0),
    ...reduce(B, 1),
    ...reduce(C, 2),
    ...reduce(D, 3),
  ];
  const code = twoToOneLoops([A, B, C, D], taps, 32, finish);
  return [
    ...vec([
      [5, I32],
      [8, V128],
    ]),
    ...code,
  ];
}
