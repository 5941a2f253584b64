/**
 * Re-tunes a model folder's thresholds and validation summary (src/train/retune.ts) on the scores
 * that `timbrescope evaluate --model MODEL_DIR --split validation --out REPORT_DIR` saved for it
 * (REPORT_DIR/scores/NAME-{scores,labels,tracks}.npy), recorded as epoch EPOCH. Several report folders,
 * comma-separated, are tuned on together (e.g. a phase's validation split and val-plain).
 *
 * Usage (after npm run build): node dist/scripts/retune-manifest.js REPORT_DIR[,REPORT_DIR...] NAME MODEL_DIR EPOCH
 */
import { readSavedScores } from "../src/evaluate/report-run.js";
import { retuneModelDir } from "../src/train/retune.js";
import { concatScored } from "../src/train/validate.js";

const [rep, name, dir, epochArg] = process.argv.slice(2);
const epoch = Number(epochArg);
if (rep === undefined || name === undefined || dir === undefined || !Number.isInteger(epoch)) {
  process.stderr.write("usage: node dist/scripts/retune-manifest.js REPORT_DIR[,REPORT_DIR...] NAME MODEL_DIR EPOCH\n");
  process.exitCode = 2;
} else {
  try {
    const scored = concatScored(await Promise.all(rep.split(",").map((r) => readSavedScores(r, name))));
    const r = await retuneModelDir(dir, scored, epoch);
    process.stdout.write(
      `${dir}/manifest.json: thresholds and validation from ${scored.rows} windows (mean AUC ${r.meanAuc?.toFixed(4) ?? "n/a"}, LRAP ${r.lrapMicro.toFixed(4)})\n`,
    );
  } catch (err) {
    process.stderr.write(`retune-manifest: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
