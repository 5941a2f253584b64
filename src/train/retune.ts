/**
 * Re-tuning a model folder's decision thresholds on validation scores, for weights that did not
 * come straight out of `train` (an average of checkpoints, model/average.ts): the same per-class
 * best-F1 thresholds and validation summary that training records for its kept epoch.
 */
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeAtomic } from "../io/write-atomic.js";
import { MODEL_FILES, readManifest } from "../model/model-files.js";
import type { MetricsReport } from "../evaluate/metrics.js";
import { validationResult } from "./validate.js";
import type { ScoredWindows } from "./validate.js";

/**
 * Rewrites `<dir>/manifest.json` with thresholds and `validation` from `scored` (the folder's own
 * weights on the validation split), recorded as epoch `epoch`. Other fields are kept as they are.
 * Returns the validation report.
 */
export async function retuneModelDir(dir: string, scored: ScoredWindows, epoch: number): Promise<MetricsReport> {
  // The validated manifest is the parsed document itself, fields unknown to this version included.
  const manifest = await readManifest(dir);
  if (scored.cols !== manifest.labels.length)
    throw new UserError(`${dir}: the scores have ${scored.cols} columns but the model ${manifest.labels.length} labels`);
  const { report, thresholds, validation } = validationResult(scored, epoch);
  await writeAtomic(join(dir, MODEL_FILES.manifest), JSON.stringify({ ...manifest, thresholds, validation }, null, 2) + "\n");
  return report;
}
