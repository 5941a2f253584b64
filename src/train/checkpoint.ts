/**
 * Per-epoch checkpoints: everything a resumed run needs to continue exactly as an uninterrupted
 * one would (weights incl. batch-norm statistics, optimiser slots and step count, epoch count,
 * validation history, best epoch). Written to a temporary folder and swapped in, so a killed run
 * leaves the previous checkpoint intact.
 *
 * Layout of `<out>/checkpoint/`: model.json + weights.bin (save.ts), optimizer.bin (float32 slots
 * concatenated in order), state.json ({@link TrainState}).
 */
import { existsSync, readdirSync, renameSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { UserError } from "../errors.js";
import type { ArchitectureSpec } from "../model/architectures/spec.js";
import { loadLayersModelFile } from "../model/load.js";
import { MODEL_FILES, serializeModel } from "../model/save.js";

/** Checkpoint format version. */
export const CHECKPOINT_VERSION = 1;

/** What must be equal for a resumed run to continue the same training. */
export interface RunFingerprint {
  readonly architecture: ArchitectureSpec;
  readonly recipe: {
    readonly name: string;
    readonly optimizer: string;
    readonly learningRate: number;
    readonly momentum: number;
    readonly batchSize: number;
    readonly augment: string;
    readonly semitones: readonly number[];
  };
  readonly seed: number;
  readonly splitSeed: number;
  readonly workers: number;
  readonly poolHash: string;
  readonly maxTrainWindows: number | null;
  /** `--init-from` folder (absent when the run started from random weights). */
  readonly initFrom?: string;
  /** `--real-negatives` list: its path and its training tracks (absent without one). */
  readonly realNegatives?: { readonly list: string; readonly tracks: readonly string[]; readonly repeat: number };
}

/** One line of the JSONL training log (and of the checkpoint's history). */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainWindows: number;
  readonly valLoss: number;
  readonly valMeanAuc: number | null;
  readonly valLrapMicro: number;
  readonly valLrapMacro: number;
  /** True when this epoch became the kept model. */
  readonly best: boolean;
  readonly seconds: number;
  readonly samplesPerSec: number;
}

/** The checkpoint's state.json. */
export interface TrainState {
  readonly version: number;
  readonly fingerprint: RunFingerprint;
  readonly epochsDone: number;
  /** Optimiser steps so far (also seeds dropout). */
  readonly globalStep: number;
  readonly optimizerIterations: number;
  readonly slotSizes: readonly number[];
  readonly history: readonly EpochRecord[];
  readonly best: { readonly epoch: number; readonly meanAuc: number } | null;
}

/** The checkpoint folder of a run. */
export function checkpointDir(outDir: string): string {
  return join(outDir, "checkpoint");
}

/** Writes a checkpoint (atomically replacing the previous one). */
export async function saveCheckpoint(
  outDir: string,
  model: tf.LayersModel,
  slots: readonly Float32Array[],
  state: Omit<TrainState, "version" | "slotSizes">,
): Promise<void> {
  const dir = checkpointDir(outDir);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const { modelJson, weights } = await serializeModel(model);
  await writeFile(join(tmp, MODEL_FILES.weights), weights);
  await writeFile(join(tmp, MODEL_FILES.topology), JSON.stringify(modelJson));
  const total = slots.reduce((a, s) => a + s.length, 0);
  const packed = new Float32Array(total);
  let at = 0;
  for (const s of slots) {
    packed.set(s, at);
    at += s.length;
  }
  await writeFile(join(tmp, "optimizer.bin"), new Uint8Array(packed.buffer));
  const full: TrainState = { version: CHECKPOINT_VERSION, ...state, slotSizes: slots.map((s) => s.length) };
  await writeFile(join(tmp, "state.json"), JSON.stringify(full, null, 1) + "\n");
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/** A loaded checkpoint. */
export interface Checkpoint {
  readonly model: tf.LayersModel;
  readonly slots: Float32Array[];
  readonly state: TrainState;
}

/**
 * Finishes a swap that a kill interrupted between saveCheckpoint's two renames (no `checkpoint/`
 * left): a complete `checkpoint.tmp-*` (state.json is written last) is the newer one, else the
 * newest `checkpoint.old-*`. Returns the folder moved into place, if any.
 */
export function recoverInterruptedSwap(outDir: string): string | undefined {
  const dir = checkpointDir(outDir);
  if (existsSync(dir) || !existsSync(outDir)) return undefined;
  const complete = (name: string): boolean => existsSync(join(outDir, name, "state.json"));
  const byAge = (prefix: string): string[] =>
    readdirSync(outDir)
      .filter((n) => n.startsWith(prefix) && complete(n))
      .sort((a, b) => statSync(join(outDir, b)).mtimeMs - statSync(join(outDir, a)).mtimeMs);
  const pick = byAge("checkpoint.tmp-")[0] ?? byAge("checkpoint.old-")[0];
  if (pick === undefined) return undefined;
  renameSync(join(outDir, pick), dir);
  return pick;
}

/** True when `outDir` holds a checkpoint (after finishing an interrupted swap). */
export function hasCheckpoint(outDir: string): boolean {
  recoverInterruptedSwap(outDir);
  return existsSync(join(checkpointDir(outDir), "state.json"));
}

/** Reads a checkpoint; throws UserError when it is missing or from another format version. */
export async function loadCheckpoint(outDir: string): Promise<Checkpoint> {
  const dir = checkpointDir(outDir);
  if (!hasCheckpoint(outDir)) throw new UserError(`--resume: no checkpoint in ${dir} (train without --resume to start)`);
  const state = JSON.parse(await readFile(join(dir, "state.json"), "utf8")) as TrainState;
  if (state.version !== CHECKPOINT_VERSION)
    throw new UserError(`${dir}/state.json: checkpoint version ${state.version}, this timbrescope reads ${CHECKPOINT_VERSION}`);
  const bytes = await readFile(join(dir, "optimizer.bin"));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const slots: Float32Array[] = [];
  let at = 0;
  for (const n of state.slotSizes) {
    slots.push(all.slice(at, at + n));
    at += n;
  }
  if (at !== all.length) throw new UserError(`${dir}/optimizer.bin: ${all.length} values, state.json expects ${at}`);
  const model = await loadLayersModelFile(join(dir, MODEL_FILES.topology));
  return { model, slots, state };
}

/** Names the first field in which two fingerprints differ, or undefined when equal. */
export function fingerprintDiff(saved: RunFingerprint, now: RunFingerprint): string | undefined {
  const flat = (o: unknown, prefix = ""): Map<string, string> => {
    const out = new Map<string, string>();
    if (typeof o === "object" && o !== null && !Array.isArray(o)) {
      for (const [k, v] of Object.entries(o)) for (const [kk, vv] of flat(v, prefix === "" ? k : `${prefix}.${k}`)) out.set(kk, vv);
    } else out.set(prefix, JSON.stringify(o));
    return out;
  };
  const a = flat(saved);
  const b = flat(now);
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(key) !== b.get(key)) return `${key}: checkpoint ${a.get(key) ?? "absent"}, now ${b.get(key) ?? "absent"}`;
  }
  return undefined;
}
