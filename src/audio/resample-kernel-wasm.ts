/**
 * The resampler's WebAssembly SIMD module, assembled from readable opcodes (no binary blob, no
 * build step): "run" (any ratio, float64; documented here), "run2" (2:1, float64 pairs;
 * resample-kernel-pairs.ts) and "run4" (2:1, float32 quads; resample-kernel-quads.ts), sharing one
 * exported memory "mem". resample-kernel.ts binds them to a coefficient table.
 */
import {
  I32,
  MODULE_HEADER,
  V128,
  i32Const as i32,
  localGet as get,
  localSet as set,
  localTee as tee,
  name,
  section,
  simdOp as simd,
  uleb,
  vec,
} from "../io/wasm-encode.js";
import { compiledOnce, instantiate } from "../io/wasm-runtime.js";
import type { WasmMemory } from "../io/wasm-runtime.js";
import { PAIR_TYPE, pairFunctionBody, tapLoopTail } from "./resample-kernel-pairs.js";
import { quadFunctionBody } from "./resample-kernel-quads.js";

/** The compiled module, or undefined where WebAssembly SIMD is unavailable. */
const wasmModule = compiledOnce(() => assembleKernel());

/** A fresh instance of the module: its memory (one page) and its three functions, all taking byte offsets into it. */
export interface KernelInstance {
  readonly memory: WasmMemory;
  readonly run: (...args: number[]) => void;
  readonly run2: (...args: number[]) => void;
  readonly run4: (...args: number[]) => void;
}

/** Instantiates the module, or undefined where WebAssembly SIMD is unavailable. */
export function kernelInstance(): KernelInstance | undefined {
  const mod = wasmModule();
  if (mod === undefined) return undefined;
  const e = instantiate(mod);
  type Fn = (...args: number[]) => void;
  return { memory: e["mem"] as WasmMemory, run: e["run"] as Fn, run2: e["run2"] as Fn, run4: e["run4"] as Fn };
}

/** Whether the WebAssembly SIMD kernel compiled here (otherwise the plain-JS kernel is used). */
export function wasmKernelAvailable(): boolean {
  return wasmModule() !== undefined;
}

/**
 * (func (export "run") (param coef kBytes up down x p nOut out i32)
 *   for m in 0..nOut: out[m] = dot(coef + p*kBytes, x, kBytes/8); t = p + down; x += (t/up)*8; p = t%up)
 * All pointers are byte offsets into the module's own exported memory "mem".
 */
function assembleKernel(): Uint8Array {
  const [COEF, KB, UP, DOWN, X, P, NOUT, OUT, M, CP, XP, J, A0, A1, A2, A3, T] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
  ] as const;
  const [ADD, MUL, DIVU, REMU, SHL, GEU] = [0x6a, 0x6c, 0x6e, 0x70, 0x74, 0x4f];
  const load = (offset: number): number[] => [...simd(0x00), 3, ...uleb(offset)]; // v128.load align=8
  const fadd = simd(0xf0); // f64x2.add
  const fmul = simd(0xf2); // f64x2.mul
  const zero = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
  const lane = (l: number): number[] => [...simd(0x21), l]; // f64x2.extract_lane
  const mac = (acc: number, off: number): number[] => [
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
  const quadBody = quadFunctionBody();
  return new Uint8Array([
    ...MODULE_HEADER,
    ...section(1, vec([[0x60, ...vec(new Array<number[]>(8).fill([I32])), 0], PAIR_TYPE])), // types: (i32 x8) -> (), (i32 x5) -> ()
    ...section(3, vec([[0], [1], [1]])), // "run" of type 0, "run2" and "run4" of type 1
    ...section(5, vec([[0, 1]])), // memory, min 1 page
    ...section(
      7,
      vec([
        [...name("run"), 0, 0],
        [...name("run2"), 0, 1],
        [...name("run4"), 0, 2],
        [...name("mem"), 2, 0],
      ]),
    ), // exports
    ...section(
      10,
      vec([
        [...uleb(fbody.length), ...fbody],
        [...uleb(pairBody.length), ...pairBody],
        [...uleb(quadBody.length), ...quadBody],
      ]),
    ), // code
  ]);
}
