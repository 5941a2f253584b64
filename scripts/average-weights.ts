/**
 * Uniform average of the weights of several saved states of one network (src/model/average.ts):
 * how models/default was made from the epochs of its last fine-tuning run (see its README).
 * Re-tune the result's thresholds afterwards (scripts/retune-manifest.ts).
 *
 * Usage (after npm run build): node dist/scripts/average-weights.js OUT_DIR MODEL_DIR MODEL_DIR [...]
 */
import { averageModelDirs } from "../src/model/average.js";

const [out, ...dirs] = process.argv.slice(2);
if (out === undefined || dirs.length < 2) {
  process.stderr.write("usage: node dist/scripts/average-weights.js OUT_DIR MODEL_DIR MODEL_DIR [MODEL_DIR ...]\n");
  process.exitCode = 2;
} else {
  try {
    const n = await averageModelDirs(dirs, out);
    process.stdout.write(
      `${out}: mean of ${dirs.length} model folders (${n} weights); re-tune its thresholds (scripts/retune-manifest.ts)\n`,
    );
  } catch (err) {
    process.stderr.write(`average-weights: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
