/**
 * Weight averaging of several saved states of one network (a "model soup" / SWA over the epochs of
 * one fine-tuning run): every float32 weight, batch-norm moving statistics included, becomes the
 * uniform mean of its values in the given folders. The folders must hold the same network (same
 * weight names, shapes and dtypes in the same order); anything else is refused, since averaging
 * unrelated networks gives noise.
 *
 * The result is a model folder: model.json of the first folder (one shard, weights.bin), the mean
 * weights, and the first folder's manifest.json (training.averagedFrom lists the folders) and
 * split.json. Its thresholds and validation figures are the first folder's until re-tuned
 * (retune.ts), since they belong to other weights.
 */
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeAtomic } from "../io/write-atomic.js";
import { MODEL_FILES, readModelFiles, TRAIN_FILES } from "./model-files.js";
import type { ModelFiles } from "./model-files.js";

function layoutOf(m: ModelFiles): string {
  return JSON.stringify(m.specs.map((s) => [s.name, s.shape, s.dtype, s.quantization ?? null]));
}

/**
 * Mean of the float32 weight buffers of `models` (all the same layout), in float64 then rounded.
 * @throws UserError when a folder's weights differ in layout from the first's
 */
export function averageWeights(models: readonly { readonly dir: string; readonly files: ModelFiles }[]): Float32Array {
  const [first] = models;
  if (first === undefined) throw new UserError("average: no model folders given");
  const layout = layoutOf(first.files);
  const bad = first.files.specs.find((s) => s.dtype !== "float32" || s.quantization !== undefined);
  if (bad !== undefined)
    throw new UserError(
      `${first.dir}: weight ${bad.name} is ${bad.quantization?.dtype ?? bad.dtype}; only float32 weights can be averaged`,
    );
  const n = first.files.weights.byteLength / 4;
  const sum = new Float64Array(n);
  for (const { dir, files } of models) {
    if (layoutOf(files) !== layout)
      throw new UserError(`${dir}: its weights differ from ${first.dir}'s (names, shapes or dtypes): not the same network`);
    const w = new Float32Array(files.weights.buffer, files.weights.byteOffset, n);
    for (let i = 0; i < n; i++) sum[i] = (sum[i] as number) + (w[i] as number);
  }
  return Float32Array.from(sum, (v) => v / models.length);
}

/**
 * Writes the average of the model folders `dirs` (at least two) into `out` (created if needed).
 * Returns the number of weights averaged.
 */
export async function averageModelDirs(dirs: readonly string[], out: string): Promise<number> {
  if (dirs.length < 2) throw new UserError(`average: give at least two model folders (got ${dirs.length})`);
  const models = await Promise.all(dirs.map(async (dir) => ({ dir, files: await readModelFiles(join(dir, MODEL_FILES.topology)) })));
  const mean = averageWeights(models);
  const first = models[0] as (typeof models)[number];
  await mkdir(out, { recursive: true });
  const modelJson = { ...first.files.json, weightsManifest: [{ paths: [MODEL_FILES.weights], weights: first.files.specs }] };
  await writeAtomic(join(out, MODEL_FILES.weights), new Uint8Array(mean.buffer));
  await writeAtomic(join(out, MODEL_FILES.topology), JSON.stringify(modelJson));
  const manifestPath = join(first.dir, MODEL_FILES.manifest);
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as Record<string, unknown>;
    const training = manifest["training"];
    if (typeof training === "object" && training !== null) manifest["training"] = { ...training, averagedFrom: [...dirs] };
    // A new network: its own creation time, so its id (folder-arch-date) is not its first ingredient's.
    manifest["createdAt"] = new Date().toISOString();
    await writeAtomic(join(out, MODEL_FILES.manifest), JSON.stringify(manifest, null, 2) + "\n");
  }
  const split = join(first.dir, TRAIN_FILES.split);
  if (existsSync(split)) await copyFile(split, join(out, TRAIN_FILES.split));
  return mean.length;
}
