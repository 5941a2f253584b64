/**
 * `timbrescope evaluate`: the paper's evaluation of one or more models on a split of a dataset (or
 * of saved activations), written as report.json, a self-contained report.html with SVG figures
 * (Figs. 2-4, Tables 3-4, per-class P/R/F1) and the raw scores as .npy.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { definedFields } from "../defined-fields.js";
import { UserError } from "../errors.js";
import { log } from "../log.js";
import { INFERENCE_BACKEND_HELP, parseInferenceRequest } from "../model/scorer-spec.js";
import type { EvalSplit } from "../evaluate/report-run.js";

/** The report modules (TensorFlow.js, Vega): loaded when evaluate runs, not at CLI start-up. */
const reportModules = async () => ({
  ...(await import("../evaluate/report-data.js")),
  ...(await import("../evaluate/report-activations.js")),
  ...(await import("../evaluate/report-run.js")),
});
import { progressBar } from "./progress.js";
import { defaultCacheDir } from "./train.js";

interface EvaluateCliOptions {
  model?: string[];
  data?: string[];
  split: string;
  splitSeed?: string;
  out: string;
  cache?: string;
  backend: string;
  activations?: string[];
  labels?: string[];
}

function parseSplit(text: string): EvalSplit {
  const t = text.trim().toLowerCase();
  if (t === "test" || t === "validation" || t === "train" || t === "all") return t;
  throw new UserError(`Expected --split test|validation|train|all, got "${text}"`);
}

/** Registers `evaluate`. */
export function registerEvaluate(program: Command): void {
  program
    .command("evaluate")
    .description("evaluate models (or saved activations) like the paper: LRAP, AUC, P/R/F1, confusion; writes report.json + report.html")
    .addHelpText(
      "after",
      "\nExamples:\n  $ timbrescope evaluate --model models/cnn models/crnn --data ~/MedleyDB --out reports/test\n" +
        "  $ timbrescope evaluate --activations run1.jsonl run2.jsonl --labels run1.npy run2.npy --out reports/live\n",
    )
    .option("--model <dirs...>", "model folders (from `timbrescope train`)")
    .option("--data <dirs...>", "dataset roots (labels; and audio when scoring models)")
    .option("--split <name>", "test | validation | train | all (the split the first model was trained with)", "test")
    .option("--split-seed <n>", "split seed (default: the first model's)")
    .requiredOption("--out <dir>", "report folder")
    .option("--cache <dir>", "feature cache folder")
    .option("--backend <name>", INFERENCE_BACKEND_HELP, "auto")
    .option("--activations <files...>", "activity logs (JSONL) to score instead of running models")
    .option("--labels <files...>", "with --activations: one labels .npy [windows, 18] per log (default: look the tracks up in --data)")
    .action(async (o: EvaluateCliOptions) => {
      const { buildReport, scoreActivations, evaluateModels, writeReport } = await reportModules();
      const out = resolve(o.out);
      if (o.activations !== undefined) {
        if (o.model !== undefined) throw new UserError("give either --model or --activations, not both");
        const scored = await scoreActivations({
          files: o.activations.map((f) => resolve(f)),
          ...definedFields({ labelFiles: o.labels?.map((f) => resolve(f)), roots: o.data?.map((d) => resolve(d)) }),
        });
        const report = buildReport([scored], { activations: o.activations });
        await writeReport(out, report, [scored]);
        log.info(`report: ${out}/report.html`);
        return;
      }
      if (o.model === undefined) throw new UserError("evaluate needs --model DIR... (or --activations FILE.jsonl...)");
      if (o.data === undefined) throw new UserError("evaluate needs --data DIR... with the tracks to score");
      const seedText = o.splitSeed;
      const splitSeed = seedText === undefined ? undefined : Number(seedText);
      if (splitSeed !== undefined && !Number.isInteger(splitSeed))
        throw new UserError(`Expected --split-seed an integer, got "${seedText}"`);
      const { report, scored } = await evaluateModels({
        modelDirs: o.model.map((d) => resolve(d)),
        roots: o.data.map((d) => resolve(d)),
        split: parseSplit(o.split),
        cacheDir: resolve(o.cache ?? defaultCacheDir()),
        backend: parseInferenceRequest(o.backend),
        progress: progressBar,
        ...definedFields({ splitSeed }),
      });
      await writeReport(out, report, scored);
      for (const m of report.models) {
        const auc = m.resolutions
          .map((r) => `${r.resolution === "track" ? "track" : `${r.resolution} s`} ${r.meanAuc === null ? "-" : r.meanAuc.toFixed(4)}`)
          .join(", ");
        log.info(
          `${m.name}: mean AUC ${auc}; LRAP (1 s) micro ${m.resolutions[0]?.lrapMicro.toFixed(4) ?? "-"} macro ${m.resolutions[0]?.lrapMacro.toFixed(4) ?? "-"}`,
        );
      }
      log.info(`report: ${out}/report.html`);
    });
}
