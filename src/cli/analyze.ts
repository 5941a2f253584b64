/**
 * `timbrescope analyze FILE...`: scores recorded files window by window (the offline pipeline),
 * pools the raw scores to a time resolution like the paper (§3.3), marks classes active where the
 * pooled score reaches the model's threshold, and prints a table or writes an export (JSON, JSONL,
 * CSV, Audacity labels, REAPER regions, MIDI, JAMS). Segments come from the post stage `live` runs
 * (smoothing, hysteresis, minimum hold) on every window, or with --raw-segments from the rows.
 */
import type { Command } from "commander";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { DEFAULT_POST_CONFIGS, loadPostConfig } from "../config/post-config.js";
import { findClass } from "../data/classes.js";
import { InputFileError, UserError } from "../errors.js";
import { log } from "../log.js";
import { DEFAULT_HOP_SEC, parseHopFlag } from "../config/hop.js";
import { DEFAULT_MODEL_DIR } from "../model/model-files.js";
import { INFERENCE_BACKEND_HELP, modelScorerSpec, parseInferenceRequest } from "../model/scorer-spec.js";
import type { InferenceRequest } from "../model/scorer-spec.js";
import { analyzeFile } from "../pipeline/offline.js";
import type { OfflineNormalization } from "../pipeline/offline.js";
import type { ScorerSpec } from "../pipeline/mel-scorer.js";
import { defaultWorkerCount, WorkerPool } from "../pipeline/worker-pool.js";
import { formatCsv, formatJson, formatJsonl } from "../analyze/formats/data.js";
import { formatAudacity, formatReaper } from "../analyze/formats/daw.js";
import { formatJams } from "../analyze/formats/jams.js";
import { formatMidi } from "../analyze/formats/midi.js";
import { formatTable } from "../analyze/formats/table.js";
import { parseAnalyzeResolution, poolFrames } from "../analyze/rows.js";
import type { AnalyzeResolution, FileAnalysis } from "../analyze/rows.js";
import { progressBar } from "./progress.js";

/** Output formats of `analyze`. */
export const ANALYZE_FORMATS = ["table", "jsonl", "csv", "json", "audacity", "reaper", "midi", "jams"] as const;
export type AnalyzeFormat = (typeof ANALYZE_FORMATS)[number];

/** Formats that describe one file each (several files need --out DIR); the others hold all files. */
const PER_FILE: Readonly<Partial<Record<AnalyzeFormat, string>>> = { audacity: ".txt", reaper: ".csv", midi: ".mid", jams: ".jams" };

const { smoothing: SM, hysteresis: HY } = DEFAULT_POST_CONFIGS.analyze;
/** --help: how segments are made, from the post stage's own defaults. */
const SEGMENTS_HELP = `Segments go through live's post stage on every window, with analyze's defaults (sections, not meter
flicker): attack ${SM.attackSec} s / release ${SM.releaseSec} s smoothing, hysteresis (band ${HY.band}) around the model's thresholds,
${HY.minHoldSec} s minimum hold, on the windows' sample clock; --post-config FILE sets them (live's --triggers format).
--raw-segments writes one segment per run of rows whose score reaches the threshold instead. Scores stay raw.`;

/** Test seams. */
export interface AnalyzeDeps {
  /** Build the scorer from this spec instead of loading --model (tests: a deterministic stand-in). */
  readonly scorer?: ScorerSpec;
}

interface AnalyzeFlags {
  model?: string;
  resolution: string;
  hop: string;
  format: string;
  out?: string;
  classes?: string;
  level: string;
  workers?: string;
  backend: string;
  rawSegments?: boolean;
  postConfig?: string;
}

/** A validated `analyze` invocation. */
export interface AnalyzePlan {
  readonly files: readonly string[];
  /** Model folder; undefined when a test scorer is injected. */
  readonly modelDir: string | undefined;
  readonly resolution: AnalyzeResolution;
  /** Hop between 1 s windows, seconds. Default 1 (the paper's non-overlapping windows). */
  readonly hopSec: number;
  readonly format: AnalyzeFormat;
  readonly out: string | undefined;
  /** Class keys from --classes (ids, labels or names); undefined = all. */
  readonly classes: readonly string[] | undefined;
  /** Level normalisation: the paper's whole-track RMS (default) or live's running RMS. */
  readonly normalization: OfflineNormalization;
  /** Scorer worker threads (each runs the mel front-end and a copy of the model). */
  readonly workers: number;
  /** Inference engine of the workers. */
  readonly backend: InferenceRequest;
  /** Segments from the rows' thresholded scores (--raw-segments) instead of the post stage. Default false. */
  readonly rawSegments: boolean;
  /** Post-processing config file (live's --triggers format); undefined = DEFAULT_POST_CONFIGS.analyze. */
  readonly postConfigPath: string | undefined;
}

/** Registers `analyze` on `program`. */
export function registerAnalyze(program: Command, deps: AnalyzeDeps = {}): void {
  program
    .command("analyze")
    .description("detect instrument activity in audio files, window by window, and print or export it")
    .argument("<files...>", "audio files (WAV, FLAC, MP3, OGG Vorbis)")
    .option("--model <dir>", `model directory (default: ${DEFAULT_MODEL_DIR} if it exists)`)
    .option(
      "--resolution <r>",
      "time resolution: 1, 5 or 10 seconds (max-pooled like the paper), track (one row per file) or window (every window, unpooled)",
      "1",
    )
    .option("--hop <sec>", "seconds between 1 s windows; 1 = non-overlapping (the paper)", String(DEFAULT_HOP_SEC.offline))
    .option("--format <f>", ANALYZE_FORMATS.join("|"), "table")
    .option("--out <path>", "write here instead of stdout (a folder for per-file formats with several files)")
    .option("--classes <list>", "only these classes, comma-separated ids or labels (e.g. drums,piano)")
    .option("--level <mode>", "level normalisation: track (whole-file RMS, the paper) or running (what live does)", "track")
    .option("--backend <name>", INFERENCE_BACKEND_HELP, "auto")
    .option(
      "--raw-segments",
      "segments (table, audacity, reaper, midi, jams, json segments) from each row's thresholded score instead of live's smoothing, hysteresis and minimum hold",
    )
    .option(
      "--post-config <file>",
      "smoothing, hysteresis, thresholds and mutes for the segments, in live's --triggers format (default: analyze's own, below)",
    )
    .option("--workers <n>", `scorer threads, each with its own copy of the model (default: ${defaultWorkerCount()}, one per core up to 4)`)
    .addHelpText(
      "after",
      `\n${SEGMENTS_HELP}\n\nExamples:\n  timbrescope analyze song.flac\n  timbrescope analyze song.flac --format audacity --out song-labels.txt\n  timbrescope analyze *.wav --resolution track --format csv --out tags.csv\n`,
    )
    .action(async (files: string[], opts: AnalyzeFlags) => {
      await runAnalyze(planAnalyze(files, opts, deps.scorer !== undefined), deps);
    });
}

/** Validates flags into a plan; every problem is a one-line UserError. */
export function planAnalyze(files: readonly string[], opts: AnalyzeFlags, injectedScorer = false): AnalyzePlan {
  const format = ANALYZE_FORMATS.find((f) => f === opts.format.trim().toLowerCase());
  if (format === undefined) throw new UserError(`Expected --format ${ANALYZE_FORMATS.join("|")}, got "${opts.format}"`);
  const resolution = parseAnalyzeResolution(opts.resolution);
  if (resolution === undefined) throw new UserError(`Expected --resolution 1|5|10|track|window, got "${opts.resolution}"`);
  const level = opts.level.trim().toLowerCase();
  if (level !== "track" && level !== "running") throw new UserError(`Expected --level track|running, got "${opts.level}"`);
  const workers = opts.workers === undefined ? defaultWorkerCount() : Number(opts.workers);
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 16))
    throw new UserError(`Expected --workers an integer in [1, 16], got "${opts.workers}"`);
  const hopSec = parseHopFlag(opts.hop, "offline");
  for (const f of files) {
    if (!existsSync(f)) throw new InputFileError(f, "no such file");
    if (!statSync(f).isFile()) throw new InputFileError(f, "not a file");
  }
  if (format === "midi" && opts.out === undefined) throw new UserError("--format midi writes a binary file: pass --out PATH");
  if (PER_FILE[format] !== undefined && files.length > 1 && opts.out === undefined) {
    throw new UserError(`--format ${format} writes one file per input: pass --out DIR for ${files.length} files`);
  }
  let classes: string[] | undefined;
  if (opts.classes !== undefined) {
    classes = opts.classes
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (classes.length === 0) throw new UserError(`Expected --classes to name at least one class, got "${opts.classes}"`);
  }
  let modelDir: string | undefined;
  if (!injectedScorer) {
    modelDir = opts.model ?? DEFAULT_MODEL_DIR;
    if (!existsSync(join(modelDir, "model.json"))) {
      throw new UserError(
        opts.model === undefined
          ? `no model at ${DEFAULT_MODEL_DIR}: pass --model DIR (a folder with model.json and manifest.json)`
          : `--model ${modelDir}: no model.json there (expected a model folder)`,
      );
    }
  }
  return {
    files,
    modelDir,
    resolution,
    hopSec,
    format,
    out: opts.out,
    classes,
    normalization: { kind: level },
    workers,
    backend: parseInferenceRequest(opts.backend ?? "auto"),
    rawSegments: opts.rawSegments === true,
    postConfigPath: opts.postConfig,
  };
}

/** Column indices of the requested classes in the scorer's label order. */
function selectColumns(scorer: { readonly labels: readonly string[] }, keys: readonly string[] | undefined): number[] | undefined {
  if (keys === undefined) return undefined;
  return keys.map((k) => {
    const cls = findClass(k);
    const i = scorer.labels.findIndex((l) => l === k || (cls !== undefined && (l === cls.label || l === cls.id)));
    if (i < 0) throw new UserError(`--classes: "${k}" is not one of the model's classes (${scorer.labels.join(", ")})`);
    return i;
  });
}

function openScorer(plan: AnalyzePlan, deps: AnalyzeDeps): Promise<WorkerPool> {
  const spec = deps.scorer ?? modelScorerSpec(plan.modelDir ?? DEFAULT_MODEL_DIR, { backend: plan.backend });
  return WorkerPool.start(spec, plan.workers);
}

/** Runs a validated plan: analyses every file, then prints or writes the chosen format. */
export async function runAnalyze(plan: AnalyzePlan, deps: AnalyzeDeps = {}): Promise<FileAnalysis[]> {
  const t0 = performance.now();
  // The workers start (tfjs + model load, about a second) while the first file's first pass decodes.
  // --classes is checked against the model's labels as soon as it is loaded, before any scoring.
  const pending = openScorer(plan, deps).then(async (pool) => {
    try {
      selectColumns(pool, plan.classes);
      return pool;
    } catch (err) {
      await pool.close();
      throw err;
    }
  });
  pending.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  let scorer: WorkerPool | undefined;
  const analyses: FileAnalysis[] = [];
  const total = plan.files.reduce((s, f) => s + Math.max(1, statSync(f).size), 0);
  const post = plan.postConfigPath === undefined ? DEFAULT_POST_CONFIGS.analyze : await loadPostConfig(plan.postConfigPath);
  const bar = progressBar("analyze", Math.max(1, Math.round(total / 1e6)), "MB");
  let audioSec = 0;
  let doneBytes = 0;
  try {
    for (const file of plan.files) {
      const size = Math.max(1, statSync(file).size);
      let shown = 0;
      // Progress by bytes: a file's share grows with the seconds analysed (its duration is known only to the stream).
      const onProgress = (sec: number, durationSec: number): void => {
        const now = Math.round((doneBytes + (size * Math.min(sec, durationSec)) / Math.max(durationSec, 1e-9)) / 1e6);
        if (now > shown) bar.tick(now - shown, basename(file));
        shown = Math.max(shown, now);
      };
      // Small batches keep every worker busy to the end of a file.
      const { session, frames } = await analyzeFile(file, scorer ?? pending, {
        hopSec: plan.hopSec,
        normalization: plan.normalization,
        post,
        batchSize: 8,
        inFlight: 2 * plan.workers,
        onProgress,
      });
      scorer ??= await pending;
      doneBytes += size;
      const target = Math.round(doneBytes / 1e6);
      if (target > shown) bar.tick(target - shown, basename(file));
      const columns = selectColumns(scorer, plan.classes);
      const segments = plan.rawSegments ? "raw" : "post";
      const a = poolFrames(file, session, frames, plan.resolution, columns === undefined ? { segments } : { columns, segments });
      if (frames.length === 0) log.warn(`${file}: shorter than one ${session.windowSec} s window; nothing to analyse`);
      audioSec += a.durationSec;
      analyses.push(a);
    }
  } finally {
    await (scorer ?? (await pending.catch(() => undefined)))?.close();
  }
  const sec = (performance.now() - t0) / 1000;
  bar.done(
    `analyzed ${plan.files.length} file(s), ${audioSec.toFixed(1)} s of audio in ${sec.toFixed(1)} s (${(audioSec / Math.max(sec, 1e-9)).toFixed(0)}x real time)`,
  );
  writeOutput(plan, analyses);
  return analyses;
}

function render(format: AnalyzeFormat, a: FileAnalysis): string | Uint8Array {
  switch (format) {
    case "audacity":
      return formatAudacity(a);
    case "reaper":
      return formatReaper(a);
    case "midi":
      return formatMidi(a);
    default:
      return formatJams(a);
  }
}

function writeOutput(plan: AnalyzePlan, analyses: readonly FileAnalysis[]): void {
  const ext = PER_FILE[plan.format];
  if (ext === undefined) {
    const text =
      plan.format === "table"
        ? analyses.map((a) => formatTable(a).join("\n") + "\n").join("\n")
        : plan.format === "json"
          ? formatJson(analyses)
          : plan.format === "jsonl"
            ? formatJsonl(analyses)
            : formatCsv(analyses);
    emit(plan.out, text);
    return;
  }
  if (analyses.length === 1) {
    emit(plan.out, render(plan.format, analyses[0] as FileAnalysis));
    return;
  }
  if (plan.out === undefined) throw new Error("planAnalyze lets several per-file outputs through only with --out");
  mkdirSync(plan.out, { recursive: true });
  for (const a of analyses) emit(join(plan.out, basename(a.file, extname(a.file)) + ext), render(plan.format, a));
}

function emit(out: string | undefined, body: string | Uint8Array): void {
  if (out === undefined) {
    process.stdout.write(body);
    return;
  }
  try {
    writeFileSync(out, body);
  } catch (err) {
    throw new UserError(`--out ${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  log.info(`wrote ${out}`);
}
