/**
 * `timbrescope eval-real`: scores a model on the real-music development set (Frets on Fire songs
 * with guitar stems, drum-free Wesnoth orchestral tracks, single-instrument LMMS and sonic-pi
 * recordings, all from Debian packages; see src/evaluate/real/) and prints a table and writes JSON.
 * The work is in src/evaluate/real/; this file parses flags and writes.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeAtomic } from "../io/write-atomic.js";
import { log } from "../log.js";
import { DEFAULT_MODEL_DIR } from "../model/model-files.js";
import { INFERENCE_BACKEND_HELP, parseInferenceRequest } from "../model/scorer-spec.js";
import { defaultWorkerCount } from "../pipeline/worker-pool.js";
import type { InstallDeps, SourceId, SourceRoots } from "../evaluate/real/packages.js";
import { SOURCE_IDS } from "../evaluate/real/packages.js";
import { realEvalJson, realEvalTable } from "../evaluate/real/report.js";
import { progressBar } from "./progress.js";
import { definedFields } from "../defined-fields.js";

/** Default report path (relative to the working directory). */
export const DEFAULT_REAL_EVAL_OUT = "real-eval.json";

interface EvalRealFlags {
  model?: string;
  out: string;
  sources: string;
  workers?: string;
  backend: string;
}

/** Test seams: where the packages' audio is and how packages get installed. */
export interface EvalRealDeps {
  readonly roots?: SourceRoots;
  readonly install?: InstallDeps;
}

/** Parses `--sources` (comma-separated source ids, or "all"). */
export function parseSources(text: string): SourceId[] {
  const parts = text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  if (parts.length === 1 && parts[0] === "all") return [...SOURCE_IDS];
  const out: SourceId[] = [];
  for (const p of parts) {
    const id = SOURCE_IDS.find((s) => s === p);
    if (id === undefined)
      throw new UserError(`Expected --sources all or a comma-separated list of ${SOURCE_IDS.join(", ")}, got "${text}"`);
    if (!out.includes(id)) out.push(id);
  }
  if (out.length === 0) throw new UserError(`Expected --sources to name at least one source, got "${text}"`);
  return SOURCE_IDS.filter((s) => out.includes(s));
}

/** Registers `eval-real` on `program`. */
export function registerEvalReal(program: Command, deps: EvalRealDeps = {}): void {
  program
    .command("eval-real")
    .description(
      "score a model on the real-music development set built from Debian packages (per-class AUC, electric-guitar AUC, false positives)",
    )
    .option("--model <dir>", `model directory (default: ${DEFAULT_MODEL_DIR})`)
    .option("--out <file>", "JSON report path", DEFAULT_REAL_EVAL_OUT)
    .option("--sources <list>", `all, or some of ${SOURCE_IDS.join(",")}`, "all")
    .option("--workers <n>", `scorer threads (default: ${defaultWorkerCount()})`)
    .option("--backend <name>", INFERENCE_BACKEND_HELP, "auto")
    .addHelpText(
      "after",
      "\nSources (installed as root when missing, else the command says what to install):\n" +
        "  fof       fretsonfire-songs-muldjord, fretsonfire-songs-sectoid: 8 rock/metal songs, guitar stem + backing\n" +
        "  wesnoth   wesnoth-1.16-music: orchestral tracks checked to hold no drum kit and no guitar\n" +
        "  lmms      lmms-common: single-instrument clips (cello, violin, flute, pianos, organ, guitars, synths, drums)\n" +
        "  sonic-pi  sonic-pi-samples: guitar phrases, piano, drum one-shots, tabla loop, choir\n" +
        "\nExamples:\n  timbrescope eval-real --model models/default\n  timbrescope eval-real --model models/new --sources fof,wesnoth --out new-real.json\n",
    )
    .action(async (o: EvalRealFlags) => {
      await runEvalRealCommand(o, deps);
    });
}

async function runEvalRealCommand(o: EvalRealFlags, deps: EvalRealDeps): Promise<void> {
  const modelDir = o.model ?? DEFAULT_MODEL_DIR;
  if (!existsSync(join(modelDir, "model.json"))) throw new UserError(`--model ${modelDir}: no model.json there (expected a model folder)`);
  const workers = o.workers === undefined ? defaultWorkerCount() : Number(o.workers);
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 16))
    throw new UserError(`Expected --workers an integer in [1, 16], got "${o.workers}"`);
  const sources = parseSources(o.sources);
  const { runRealEval } = await import("../evaluate/real/run.js");
  const result = await runRealEval({
    modelDir,
    sources,
    workers,
    backend: parseInferenceRequest(o.backend),
    progress: progressBar,
    ...definedFields({ roots: deps.roots, install: deps.install }),
  });
  process.stdout.write(realEvalTable(result).join("\n") + "\n");
  try {
    await writeAtomic(o.out, JSON.stringify(realEvalJson(result, sources), null, 2) + "\n");
  } catch (err) {
    throw new UserError(`--out ${o.out}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  log.info(`wrote ${o.out}`);
}
