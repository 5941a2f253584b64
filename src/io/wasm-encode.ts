/**
 * The few pieces of the WebAssembly binary format our hand-assembled SIMD kernels need
 * (src/audio/resample-kernel*.ts, src/features/fft-stages-wasm.ts): LEB128 integers, vectors,
 * names, sections, the module header (WebAssembly Core Specification, "Binary Format") and the
 * local / constant / SIMD-prefix instructions every kernel emits.
 */

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** "\0asm" and version 1. */
export const MODULE_HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

/** Unsigned LEB128. */
export const uleb = (v: number): number[] => {
  const o: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    o.push(b);
  } while (v !== 0);
  return o;
};

/** Signed LEB128 (i32.const immediates are signed: 64 must encode as 0xc0 0x00, not 0x40). */
export const sleb = (v: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...o, b];
    o.push(b | 0x80);
  }
};

/** A section: id, byte length, body. */
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
/** A vector: count, then the items' bytes. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
/** A name (ASCII here): length, then the bytes. */
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions every hand-assembled kernel uses (WebAssembly Core Specification, "Instructions").
/** local.get i */
export const localGet = (i: number): number[] => [0x20, i];
/** local.set i */
export const localSet = (i: number): number[] => [0x21, i];
/** local.tee i */
export const localTee = (i: number): number[] => [0x22, i];
/** i32.const v */
export const i32Const = (v: number): number[] => [0x41, ...sleb(v)];
/** A SIMD instruction (prefix 0xfd, then its opcode). */
export const simdOp = (op: number): number[] => [0xfd, ...uleb(op)];
