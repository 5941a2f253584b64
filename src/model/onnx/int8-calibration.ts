/**
 * `int8.json` in a model folder: the calibrated value ranges that let ONNX Runtime run the
 * network's convolutions in int8 (quantize.ts). Measured by calibrate.ts (from `train`'s
 * validation windows, or by scripts/calibrate-int8.ts from audio) on the float network's own
 * activations (never the held-out or real test sets);
 * read when a folder is opened on ONNX Runtime. The file names the weights it was measured on
 * (SHA-256 of weights.bin), so retraining the weights without re-calibrating is an error, not a
 * silently worse model.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import type { ConvRanges } from "./quantize.js";

/** File name inside a model folder. */
export const INT8_FILE = "int8.json";

/** Contents of int8.json. */
export interface Int8Calibration {
  readonly schema: "timbrescope-int8";
  readonly schemaVersion: 1;
  /** SHA-256 (hex) of the weights the ranges were measured on (weightsSha256). */
  readonly weightsSha256: string;
  /** How the ranges were found, in words (method, windows, audio). */
  readonly method: string;
  readonly windows: number;
  readonly createdAt: string;
  /** Convolution layer name → ranges of its input and batch-normalised output. */
  readonly layers: Readonly<Record<string, ConvRanges>>;
}

/** SHA-256 (hex) of a network's weight bytes (its shards concatenated in manifest order). */
export function weightsSha256(weights: Uint8Array): string {
  return createHash("sha256").update(weights).digest("hex");
}

const isRange = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isFinite(x)) && v[0] <= v[1];

/**
 * The folder's int8 calibration, or undefined when it has none.
 * @throws UserError when int8.json is malformed or was measured on other weights
 */
export async function readInt8Calibration(modelDir: string, weights: Uint8Array): Promise<Int8Calibration | undefined> {
  const path = join(modelDir, INT8_FILE);
  if (!existsSync(path)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const d = doc as Partial<Int8Calibration> | null;
  if (d === null || typeof d !== "object" || d.schema !== "timbrescope-int8" || d.schemaVersion !== 1)
    throw new UserError(`${path}: not a timbrescope-int8 v1 file`);
  if (typeof d.layers !== "object" || d.layers === null || Object.keys(d.layers).length === 0)
    throw new UserError(`${path}: "layers" must name at least one convolution`);
  for (const [name, r] of Object.entries(d.layers)) {
    if (!isRange(r?.input) || !isRange(r.output)) throw new UserError(`${path}: layer ${name} needs input and output ranges [min, max]`);
  }
  if (d.weightsSha256 !== weightsSha256(weights))
    throw new UserError(`${path}: calibrated on other weights (weights.bin changed since); run scripts/calibrate-int8 again or delete it`);
  return d as Int8Calibration;
}

/** Writes int8.json into `modelDir`. */
export async function writeInt8Calibration(modelDir: string, c: Int8Calibration): Promise<string> {
  const path = join(modelDir, INT8_FILE);
  await writeFile(path, `${JSON.stringify(c, null, 2)}\n`);
  return path;
}
