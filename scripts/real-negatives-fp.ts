/**
 * False-positive rates of models on the validation tracks of a real-negatives list
 * (src/train/real-negatives.ts): for each model, the share of whole 1 s windows whose score reaches
 * the model's threshold, per checked-absent class, scored as `analyze` and `eval-real` score
 * (1 s windows, whole-recording RMS). Used to choose between candidate models on real material
 * that neither training nor the development set sees.
 *
 * Usage (after npm run build):
 *   node dist/scripts/real-negatives-fp.js LIST MODEL_DIR... [--backend onnxruntime-fp32] [--json OUT]
 */
import { writeFileSync } from "node:fs";
import { loadMono } from "../src/audio/load.js";
import { CLASSES } from "../src/data/classes.js";
import { classColumns, scoreWholeSeconds } from "../src/evaluate/real/run.js";
import { DEFAULT_MEL_PARAMS } from "../src/features/params.js";
import { modelScorerSpec, parseInferenceRequest } from "../src/model/scorer-spec.js";
import { WorkerPool } from "../src/pipeline/worker-pool.js";
import { readRealNegatives, tracksOf } from "../src/train/real-negatives.js";
import type { RealNegativeTrack } from "../src/train/real-negatives.js";

interface ModelFp {
  readonly model: string;
  readonly windows: number;
  /** class id -> share of windows at or over the threshold */
  readonly fp: Record<string, number>;
  /** mean of fp over the checked classes */
  readonly meanFp: number;
}

async function scoreModel(modelDir: string, files: readonly RealNegativeTrack[], backend: string): Promise<ModelFp> {
  const pool = await WorkerPool.start(modelScorerSpec(modelDir, { backend: parseInferenceRequest(backend) }), 2);
  const hits = new Map<number, number>();
  const seen = new Map<number, number>();
  let windows = 0;
  try {
    const cols = classColumns(pool.labels);
    for (const f of files) {
      const audio = await loadMono(f.path, { sampleRateHz: DEFAULT_MEL_PARAMS.sampleRateHz });
      const rows = await scoreWholeSeconds(audio.samples, f.path, pool, pool.size);
      windows += rows.length;
      for (const c of f.absent) {
        const j = cols[c] as number;
        const t = pool.thresholds[j] as number;
        seen.set(c, (seen.get(c) ?? 0) + rows.length);
        hits.set(c, (hits.get(c) ?? 0) + rows.filter((r) => (r[j] as number) >= t).length);
      }
    }
  } finally {
    await pool.close();
  }
  const fp: Record<string, number> = {};
  for (const [c, n] of seen) fp[CLASSES[c]?.id ?? String(c)] = (hits.get(c) ?? 0) / n;
  const vals = Object.values(fp);
  return { model: modelDir, windows, fp, meanFp: vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length) };
}

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const backend = opt("--backend") ?? "onnxruntime-fp32";
const jsonOut = opt("--json");
const [listPath, ...models] = args;
if (listPath === undefined || models.length === 0) {
  process.stderr.write("usage: node dist/scripts/real-negatives-fp.js LIST MODEL_DIR... [--backend NAME] [--json OUT]\n");
  process.exitCode = 2;
} else {
  try {
    const files = tracksOf(readRealNegatives(listPath), "validation");
    if (files.length === 0) throw new Error(`${listPath}: no validation tracks`);
    const results: ModelFp[] = [];
    for (const m of models) {
      const r = await scoreModel(m, files, backend);
      results.push(r);
      const parts = Object.entries(r.fp).map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`);
      process.stdout.write(`${m}: ${r.windows} windows, mean FP ${(100 * r.meanFp).toFixed(2)}% (${parts.join(", ")})\n`);
    }
    if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify({ list: listPath, backend, results }, null, 1) + "\n");
  } catch (err) {
    process.stderr.write(`real-negatives-fp: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
