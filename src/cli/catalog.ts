/**
 * `timbrescope catalog add|run|worker|status|query|export`: analyse a whole music library into a
 * catalog folder (results on disk, an SQLite index), resumable after any stop, on one machine or
 * spread over a Redis job queue (BullMQ). The work is in src/catalog/; this file parses flags and
 * prints.
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import { addFiles } from "../catalog/add.js";
import { defaultScorerThreads } from "../catalog/analyze-track.js";
import { openCatalog } from "../catalog/db.js";
import type { CatalogHandle } from "../catalog/db.js";
import { EXPORT_FORMATS, exportTracks, formatExport } from "../catalog/export.js";
import type { ExportFormat } from "../catalog/export.js";
import { identifyModel } from "../catalog/identity.js";
import { catalogCounts, failures, latestModelKey } from "../catalog/index-store.js";
import { parseQuery } from "../catalog/query-parse.js";
import { runQuery } from "../catalog/query-run.js";
import { DEFAULT_ATTEMPTS, DEFAULT_QUEUE_NAME, parseRedisUrl } from "../catalog/queue.js";
import { formatQuery, humanDuration, REPORT_FORMATS, runLine, statusLines } from "../catalog/report.js";
import type { ReportFormat } from "../catalog/report.js";
import { runEmbedded } from "../catalog/run-embedded.js";
import { FILES_PER_THREAD } from "../catalog/track-pool.js";
import type { RunSummary, TrackEvent } from "../catalog/run-embedded.js";
import { activeRun, lastRun } from "../catalog/runs.js";
import { UserError } from "../errors.js";
import { writeAtomic } from "../io/write-atomic.js";
import { log } from "../log.js";
import { DEFAULT_MODEL_DIR } from "../model/model-files.js";
import type { ScorerSpec } from "../pipeline/mel-scorer.js";
import { progressBar } from "./progress.js";
import type { Progress } from "./progress.js";
import { definedFields } from "../defined-fields.js";

/** Default catalog folder: $TIMBRESCOPE_CATALOG, else ./timbrescope-catalog. */
export function defaultCatalogDir(): string {
  return process.env["TIMBRESCOPE_CATALOG"] ?? "timbrescope-catalog";
}

/** Test seams. */
export interface CatalogDeps {
  /** Score with this instead of the model (tests: a deterministic stand-in); the model still names the results. */
  readonly scorer?: ScorerSpec;
}

interface Common {
  catalog: string;
  model?: string;
}

function intFlag(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const v = Number(text);
    if (!(Number.isInteger(v) && v >= min && v <= max))
      throw new UserError(`Expected ${flag} an integer in [${min}, ${max}], got "${text}"`);
    return v;
  };
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]): (text: string) => T {
  return (text) => {
    const v = allowed.find((a) => a === text.trim().toLowerCase());
    if (v === undefined) throw new UserError(`Expected ${flag} ${allowed.join("|")}, got "${text}"`);
    return v;
  };
}

const withCatalog = (cmd: Command): Command =>
  cmd.option("--catalog <dir>", "catalog folder (env TIMBRESCOPE_CATALOG)", defaultCatalogDir());

/** The model results are read for: --model, else the catalog's latest, else the default model. */
async function modelFor(cat: CatalogHandle, flag: string | undefined): Promise<{ key: string; id: string }> {
  const key =
    flag !== undefined ? (await identifyModel(flag)).key : (latestModelKey(cat.db) ?? (await identifyModel(DEFAULT_MODEL_DIR)).key);
  const row = cat.db.prepare("SELECT model_id AS id, description FROM models WHERE model_key = ?").get(key) as
    { id: string | null; description: string } | undefined;
  return { key, id: row?.id ?? row?.description ?? key };
}

async function emit(out: string | undefined, text: string): Promise<void> {
  if (out === undefined) process.stdout.write(text);
  else {
    await writeAtomic(out, text);
    log.info(`wrote ${out}`);
  }
}

function withCatalogOpen<T>(dir: string, opts: { create?: boolean; readonly?: boolean }, fn: (c: CatalogHandle) => Promise<T>): Promise<T> {
  const cat = openCatalog(resolve(dir), opts);
  return fn(cat).finally(() => cat.close());
}

function summaryLine(s: RunSummary): string {
  return (
    `catalog run: ${s.analysed} analysed, ${s.existing} already on disk, ${s.failed} failed of ${s.total} ` +
    `(${humanDuration(s.audioSec)} of audio in ${s.wallSec.toFixed(1)} s, ${(s.audioSec / Math.max(s.wallSec, 1e-9)).toFixed(0)}x real time)`
  );
}

interface RunFlags extends Common {
  threads?: number;
  files: number;
  retryFailed?: boolean;
  queue?: string;
  queueName: string;
  attempts: number;
  wait: boolean;
}

async function runCommand(f: RunFlags, deps: CatalogDeps): Promise<void> {
  const model = await identifyModel(f.model ?? DEFAULT_MODEL_DIR);
  await withCatalogOpen(f.catalog, {}, async (cat) => {
    let bar = progressBar("catalog run", 1, "tracks");
    const onStart = (pending: readonly unknown[]): void => {
      log.info(
        `catalog run: ${pending.length} track(s) to analyse with ${model.description} (key ${model.key})${f.queue === undefined ? "" : ` on ${f.queue}`}`,
      );
      bar = progressBar("catalog run", Math.max(1, pending.length), "tracks");
    };
    const onTrack = (e: TrackEvent): void => {
      if (e.kind === "failed") log.warn(`failed: ${e.reason ?? ""}`);
      else log.debug(`${e.kind} ${e.hash.slice(0, 12)} ${e.path} (${e.audioSec.toFixed(1)} s of audio, ${e.ms.toFixed(0)} ms)`);
      bar.tick(1, e.path.split("/").pop() ?? "");
    };
    if (f.queue === undefined) {
      const s = await runEmbedded(cat, {
        model,
        threads: f.threads ?? defaultScorerThreads(),
        filesInFlight: f.files,
        retryFailed: f.retryFailed === true,
        onStart,
        onTrack,
        ...definedFields({ scorerSpec: deps.scorer }),
      });
      bar.done(summaryLine(s));
      return;
    }
    // BullMQ and ioredis load only in queue mode (they add ~0.3 s to every command's start otherwise).
    const { runQueued } = await import("../catalog/run-queued.js");
    const s = await runQueued(cat, {
      model,
      redis: parseRedisUrl(f.queue),
      queueName: f.queueName,
      retryFailed: f.retryFailed === true,
      attempts: f.attempts,
      wait: f.wait,
      onStart,
      onTrack,
      onIdle: (counts, workers) =>
        log.info(
          `waiting: ${counts["wait"] ?? 0} queued, ${counts["active"] ?? 0} active, ${counts["delayed"] ?? 0} delayed; ${workers} worker(s) connected` +
            (workers === 0 ? ` (start some: timbrescope catalog worker --queue ${f.queue})` : ""),
        ),
      onConnectionError: (m) => log.warn(`queue: ${m} (reconnecting)`),
      onRequeue: (n) => log.info(`queue: ${n} job(s) missing from Redis (lost with its data?) added again`),
    });
    bar.done(summaryLine(s) + (s.queued > 0 ? `; ${s.queued} job(s) left on the queue (run again to index their results)` : ""));
  });
}

interface WorkerFlags {
  queue: string;
  queueName: string;
  threads?: number;
  concurrency?: number;
  model?: string;
  lockSec: number;
}

async function workerCommand(f: WorkerFlags, deps: CatalogDeps): Promise<void> {
  const { startWorker } = await import("../catalog/queue-worker.js");
  const w = startWorker({
    redis: parseRedisUrl(f.queue),
    queueName: f.queueName,
    threads: f.threads ?? defaultScorerThreads(),
    ...definedFields({ concurrency: f.concurrency }),
    lockMs: f.lockSec * 1000,
    ...definedFields({ modelDir: f.model, scorerSpec: deps.scorer }),
  });
  await w.ready;
  log.info(`catalog worker: taking jobs from ${f.queue} (queue ${f.queueName}); Ctrl-C or SIGTERM finishes the jobs in flight and stops`);
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  log.info("catalog worker: stopping after the jobs in flight");
  await w.close();
}

async function statusCommand(f: Common & { failed?: boolean; json?: boolean; watch?: boolean }): Promise<void> {
  await withCatalogOpen(f.catalog, { readonly: true }, async (cat) => {
    const model = await modelFor(cat, f.model);
    const show = (): boolean => {
      const counts = catalogCounts(cat.db, model.key);
      const live = activeRun(cat.db);
      if (f.json === true) {
        const fails = f.failed === true ? { failures: failures(cat.db, model.key) } : {};
        process.stdout.write(JSON.stringify({ catalog: cat.dir, model, ...counts, running: live ?? null, ...fails }, null, 2) + "\n");
        return false;
      }
      process.stdout.write(statusLines(cat.dir, model, counts, live, lastRun(cat.db)).join("\n") + "\n");
      if (f.failed === true)
        for (const x of failures(cat.db, model.key))
          process.stdout.write(`failed: ${x.reason}${x.reason.startsWith(x.path) ? "" : ` (${x.path})`}\n`);
      return live !== undefined;
    };
    if (!show() || f.watch !== true) return;
    // --watch: one bar line, redrawn in place on a terminal, until the run ends.
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const live = activeRun(cat.db);
      if (live === undefined) break;
      process.stdout.write(process.stdout.isTTY ? `\r${runLine(live)}\x1b[K` : `${runLine(live)}\n`);
    }
    process.stdout.write("\n");
    show();
  });
}

/** Registers `catalog` and its subcommands on `program`. */
export function registerCatalog(program: Command, deps: CatalogDeps = {}): void {
  const catalog = program
    .command("catalog")
    .description("analyse a whole music library: resumable, indexed, queryable; optionally spread over a Redis job queue")
    .addHelpText(
      "after",
      "\nExamples:\n  timbrescope catalog add ~/Music\n  timbrescope catalog run\n  timbrescope catalog status\n" +
        '  timbrescope catalog query "distorted-guitar >= 30s"\n  timbrescope catalog query "top is piano" --format csv\n  timbrescope catalog query "when violin and flute"\n' +
        "  timbrescope catalog run --queue redis://10.0.0.5:6379      # then on each machine: timbrescope catalog worker --queue redis://10.0.0.5:6379\n",
    );
  withCatalog(
    catalog.command("add").description("register audio files (folders recursively, or file lists: one path per line) by content hash"),
  )
    .argument("<inputs...>", "folders, audio files (WAV, FLAC, MP3, Ogg Vorbis) or text files listing paths")
    .option("--prune", "forget registered files under these folders that no longer exist")
    .action(async (inputs: string[], f: Common & { prune?: boolean }) => {
      await withCatalogOpen(f.catalog, { create: true }, async (cat) => {
        let bar: Progress | undefined;
        let shown = 0;
        const s = await addFiles(cat.db, inputs, {
          prune: f.prune === true,
          onProgress: (done, total) => {
            bar ??= progressBar("catalog add", total, "files");
            bar.tick(done - shown);
            shown = done;
          },
        });
        (bar ?? progressBar("catalog add", 1, "files")).done(
          `catalog add: ${s.found} audio file(s) found: ${s.added} new, ${s.updated} changed, ${s.unchanged} unchanged, ${s.unreadable} unreadable` +
            `${f.prune === true ? `, ${s.pruned} missing forgotten` : ""} (catalog ${cat.dir})`,
        );
      });
    });
  withCatalog(
    catalog
      .command("run")
      .description("analyse every registered file not analysed yet with the model (here, or on a Redis queue with --queue)"),
  )
    .option("--model <dir>", `model folder (default: ${DEFAULT_MODEL_DIR}); another model analyses everything again into its own results`)
    .option(
      "--threads <n>",
      `track threads, each with its own copy of the model (default: ${defaultScorerThreads()}, one per core up to 4)`,
      intFlag("--threads", 1, 64),
    )
    .option("--files <n>", `files analysed at once (default: ${FILES_PER_THREAD} per thread)`, intFlag("--files", 1, 64))
    .option("--retry-failed", "analyse files that failed before again")
    .option(
      "--queue <url>",
      "put the work on this Redis (redis://HOST:PORT[/DB]) for `catalog worker` processes, and index what they write",
    )
    .option("--queue-name <name>", "BullMQ queue name", DEFAULT_QUEUE_NAME)
    .option("--attempts <n>", "tries per job before it ends failed (queue mode)", intFlag("--attempts", 1, 100), DEFAULT_ATTEMPTS)
    .option("--no-wait", "queue mode: enqueue and return; run again later to index the results")
    .action(async (f: RunFlags) => runCommand(f, deps));
  catalog
    .command("worker")
    .description("take catalog jobs from a Redis queue and write their results (run on any number of machines)")
    .requiredOption("--queue <url>", "the Redis the run uses (redis://HOST:PORT[/DB])")
    .option("--queue-name <name>", "BullMQ queue name", DEFAULT_QUEUE_NAME)
    .option("--threads <n>", `track threads (default: ${defaultScorerThreads()})`, intFlag("--threads", 1, 64))
    .option("--concurrency <n>", `jobs (files) in flight (default: ${FILES_PER_THREAD} per thread)`, intFlag("--concurrency", 1, 64))
    .option("--model <dir>", "model folder on this machine (default: the folder each job names); must be the run's model")
    .option("--lock-sec <s>", "job lock: a dead worker's job is retried after about this long", intFlag("--lock-sec", 1, 3600), 30)
    .action(async (f: WorkerFlags) => workerCommand(f, deps));
  withCatalog(catalog.command("status").description("done / failed / pending counts, and the progress of a run in progress"))
    .option("--model <dir>", "results of this model (default: the catalog's latest)")
    .option("--failed", "list failed files with their reasons")
    .option("--json", "print JSON")
    .option("--watch", "while a run is in progress, keep showing its progress bar and ETA until it ends")
    .action(async (f: Common & { failed?: boolean; json?: boolean; watch?: boolean }) => statusCommand(f));
  withCatalog(
    catalog
      .command("query")
      .description(
        'ask the index: "piano", "distorted-guitar >= 30s", "violin score > 0.8", "top is piano", "when violin and flute [for 5s]"',
      ),
  )
    .argument("<query>", "the question (see above; and / or / not / parentheses combine)")
    .option("--model <dir>", "results of this model (default: the catalog's latest)")
    .option("--format <f>", REPORT_FORMATS.join("|"), oneOf("--format", REPORT_FORMATS), "table")
    .option("--out <file>", "write here instead of stdout")
    .action(async (text: string, f: Common & { format: ReportFormat; out?: string }) => {
      const q = parseQuery(text);
      await withCatalogOpen(f.catalog, { readonly: true }, async (cat) => {
        const model = await modelFor(cat, f.model);
        await emit(f.out, formatQuery(runQuery(cat.db, model.key, q), f.format, text, model.id));
      });
    });
  withCatalog(catalog.command("export").description("write every track's tags, segments and status (JSON lines, JSON or CSV)"))
    .option("--model <dir>", "results of this model (default: the catalog's latest)")
    .option("--format <f>", EXPORT_FORMATS.join("|"), oneOf("--format", EXPORT_FORMATS), "jsonl")
    .option("--segments", "one row per segment instead of per track (csv, jsonl)")
    .option("--out <file>", "write here instead of stdout")
    .action(async (f: Common & { format: ExportFormat; segments?: boolean; out?: string }) => {
      await withCatalogOpen(f.catalog, { readonly: true }, async (cat) => {
        const model = await modelFor(cat, f.model);
        const row = cat.db.prepare("SELECT labels FROM models WHERE model_key = ?").get(model.key) as { labels: string } | undefined;
        const classes = row === undefined ? [] : (JSON.parse(row.labels) as string[]);
        await emit(f.out, formatExport(exportTracks(cat.db, model.key, cat.resultsDir), f.format, model, classes, f.segments === true));
      });
    });
}
