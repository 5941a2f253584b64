/**
 * NumPy `.npy` files (format versions 1.0-3.0, little-endian, C or Fortran order). Read values
 * come back as float64 in C (row-major) order whatever the stored dtype; writing supports float16,
 * float32, float64 and int32. https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { readFile, writeFile } from "node:fs/promises";
import { InputFileError } from "../errors.js";
import { fromFloat16Bits, toFloat16Bits } from "./float16.js";

export type NpyDtype = "<f2" | "<f4" | "<f8" | "<i4";

export interface NpyArray {
  readonly shape: readonly number[];
  /** Values in C order. */
  readonly data: Float64Array;
  /** The dtype as stored in the file, e.g. `<f4`, `|b1`. */
  readonly dtype: string;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

type Reader = (view: DataView, offset: number) => number;
const READERS: Record<string, [bytes: number, read: Reader]> = {
  f2: [2, (v, o) => fromFloat16Bits(v.getUint16(o, true))],
  f4: [4, (v, o) => v.getFloat32(o, true)],
  f8: [8, (v, o) => v.getFloat64(o, true)],
  i1: [1, (v, o) => v.getInt8(o)],
  u1: [1, (v, o) => v.getUint8(o)],
  b1: [1, (v, o) => v.getUint8(o)],
  i2: [2, (v, o) => v.getInt16(o, true)],
  u2: [2, (v, o) => v.getUint16(o, true)],
  i4: [4, (v, o) => v.getInt32(o, true)],
  u4: [4, (v, o) => v.getUint32(o, true)],
  i8: [8, (v, o) => Number(v.getBigInt64(o, true))],
  u8: [8, (v, o) => Number(v.getBigUint64(o, true))],
};

/** Parses `.npy` bytes; `name` is used in error messages. */
export function parseNpy(buf: Uint8Array, name = "npy"): NpyArray {
  const bad = (why: string): never => {
    throw new InputFileError(name, `not a valid .npy file (${why})`);
  };
  if (buf.length < 10 || !Buffer.from(buf.subarray(0, 6)).equals(MAGIC)) bad("missing \\x93NUMPY magic");
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const major = buf[6] ?? 0;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLen;
  if (dataStart > buf.length) bad("header runs past the end of the file");
  const header = Buffer.from(buf.subarray(headerStart, dataStart)).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? bad("no descr in header");
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad("no shape in header");
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) bad(`bad shape (${shapeText})`);
  const endian = descr[0];
  const kind = descr.slice(1);
  const reader = READERS[kind];
  if (reader === undefined || endian === ">") bad(`unsupported dtype ${descr}`);
  const [bytes, read] = reader as [number, Reader];
  const count = shape.reduce((a, b) => a * b, 1);
  if (dataStart + count * bytes > buf.length)
    bad(`truncated: shape (${shape.join(", ")}) needs ${count * bytes} data bytes, file has ${buf.length - dataStart}`);
  const raw = new Float64Array(count);
  for (let i = 0; i < count; i++) raw[i] = read(view, dataStart + i * bytes);
  const data = fortran && shape.length > 1 ? fortranToC(raw, shape) : raw;
  return { shape, data, dtype: descr };
}

function fortranToC(src: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(src.length);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < src.length; c++) {
    // idx is the C-order multi-index of element c; its Fortran offset has the first axis fastest.
    let f = 0;
    let stride = 1;
    for (let d = 0; d < nd; d++) {
      f += (idx[d] as number) * stride;
      stride *= shape[d] as number;
    }
    out[c] = src[f] as number;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (shape[d] as number)) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Serialises `data` (C order) with `shape` as a version 1.0 `.npy`. */
export function encodeNpy(data: ArrayLike<number>, shape: readonly number[], dtype: NpyDtype = "<f4"): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`npy: shape (${shape.join(", ")}) holds ${count} values, got ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + " ".repeat(pad % 64) + "\n";
  const pre = Buffer.alloc(10);
  MAGIC.copy(pre, 0);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const bytes = dtype === "<f8" ? 8 : dtype === "<f2" ? 2 : 4;
  const body = Buffer.alloc(count * bytes);
  for (let i = 0; i < count; i++) {
    const v = data[i] as number;
    if (dtype === "<f2") body.writeUInt16LE(toFloat16Bits(v), i * 2);
    else if (dtype === "<f4") body.writeFloatLE(v, i * 4);
    else if (dtype === "<f8") body.writeDoubleLE(v, i * 8);
    else body.writeInt32LE(v, i * 4);
  }
  return Buffer.concat([pre, Buffer.from(header, "latin1"), body]);
}

/** Reads a `.npy` file, with one-line errors for missing or malformed files. */
export async function readNpy(path: string): Promise<NpyArray> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? "error"})`);
  }
  return parseNpy(buf, path);
}

/** Writes a `.npy` file. */
export async function writeNpy(path: string, data: ArrayLike<number>, shape: readonly number[], dtype: NpyDtype = "<f4"): Promise<void> {
  await writeFile(path, encodeNpy(data, shape, dtype));
}
