/**
 * `catalog` throughput: a folder of K distinct 4-minute FLACs (the bench track, retagged with
 * metaflac so each has its own content hash) analysed by `catalog run` end to end in a child
 * process (model load, decode, resample, mel, network, writes and index included); where a track's
 * time goes per stage on one core; and, when Debian's redis-server is installed, the queue: BullMQ's
 * overhead per job (no-op jobs through the catalog's own queue options) and `run --queue` with 1
 * and 2 `catalog worker` processes on this machine.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Queue, Worker } from "bullmq";
import { catalogJobOptions, connectionOptions } from "../src/catalog/queue.js";
import { cpuShareBetween, describeFailure, runChild } from "./lib/child.js";
import { stageTimes } from "./lib/catalog-stages.js";
import type { StageTimes } from "./lib/catalog-stages.js";
import type { InputFolder } from "./lib/inputs.js";
import { fmt, table } from "./lib/report.js";
import type { TargetResult } from "./lib/schema.js";

/** Options of {@link benchCatalog}. */
export interface CatalogBenchOptions {
  readonly cli: string;
  readonly modelDir: string;
  readonly inputs: InputFolder;
  /** Tracks in the folder (8 in full mode). */
  readonly tracks: number;
  /** Length of each, seconds (240). */
  readonly trackSec: number;
  /** No-op jobs timed for the queue overhead. */
  readonly overheadJobs: number;
  readonly progress: (msg: string) => void;
}

/** One timed `catalog run`. */
export interface CatalogRunFigure {
  readonly label: string;
  readonly wallSec: number;
  readonly realTimeFactor: number;
  /** CPU of the run process (all threads) over its life, % of one core; null for queue runs (the work is in the workers). */
  readonly cpuPercent: number | null;
  readonly peakRssMiB: number;
}

/** The catalog section of bench/results.json. */
export interface CatalogBenchResults {
  readonly tracks: number;
  readonly trackSec: number;
  readonly audioSec: number;
  /** `catalog add` of the folder (content hashes), seconds. */
  readonly addSec: number;
  readonly embedded: CatalogRunFigure;
  /**
   * A second embedded run on twice the tracks: the throughput once running, (tracks × trackSec) / (wall of 2×
   * tracks − wall of tracks), and the one-off cost per run (start-up, model load, the last tracks' tail),
   * 2 × wall − wall of 2× tracks.
   */
  readonly steady: { readonly doubled: CatalogRunFigure; readonly realTimeFactor: number; readonly oneOffSec: number };
  /** One track, one core, per stage; `boundRtf2Cores` = 2 × trackSec / sum of the stages. */
  readonly stages: StageTimes & { readonly boundRtf2Cores: number };
  readonly queue: { readonly overheadMsPerJob: number; readonly jobs: number; readonly runs: readonly CatalogRunFigure[] } | null;
  /** Why the queue part did not run, when it did not. */
  readonly queueSkipped: string | null;
}

const node = process.execPath;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a !== null ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

/** Runs `catalog ARGS` in a child and returns its figure. */
async function catalogRun(
  o: CatalogBenchOptions,
  label: string,
  args: readonly string[],
  audioSec: number,
  cpu: boolean,
): Promise<CatalogRunFigure> {
  const r = await runChild(node, [o.cli, "catalog", ...args, "--quiet"], { timeoutMs: 1_800_000 });
  if (r.code !== 0) throw new Error(describeFailure(`catalog ${args[0] ?? ""} (${label})`, r));
  const wallSec = r.wallMs / 1000;
  return {
    label,
    wallSec,
    realTimeFactor: audioSec / wallSec,
    cpuPercent: cpu ? cpuShareBetween(r.samples, 0, r.wallMs) : null,
    peakRssMiB: r.peakRssKiB / 1024,
  };
}

/** BullMQ round trip per job: no-op jobs with the catalog's job options, one worker, one at a time. */
async function queueOverheadMs(port: number, jobs: number): Promise<number> {
  const connection = connectionOptions({ host: "127.0.0.1", port, db: 0 });
  const queue = new Queue("bench-overhead", { connection });
  let done = 0;
  let finished: () => void = () => undefined;
  const all = new Promise<void>((r) => (finished = r));
  const worker = new Worker("bench-overhead", () => Promise.resolve({ kind: "analysed", result: "x" }), { connection, concurrency: 1 });
  worker.on("completed", () => {
    if (++done === jobs) finished();
  });
  try {
    await worker.waitUntilReady();
    const t0 = performance.now();
    await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: "track", data: { i }, opts: catalogJobOptions(`bench-${i}`) })));
    await all;
    return (performance.now() - t0) / jobs;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** Starts `n` worker processes with `threads` scorer threads each; resolves once all take jobs. */
async function startWorkers(o: CatalogBenchOptions, url: string, n: number, threads: number): Promise<() => Promise<void>> {
  const kids = Array.from({ length: n }, () =>
    spawn(node, [o.cli, "catalog", "worker", "--queue", url, "--threads", String(threads)], { stdio: ["ignore", "ignore", "pipe"] }),
  );
  await Promise.all(
    kids.map(
      (k) =>
        new Promise<void>((resolve, reject) => {
          let err = "";
          k.stderr.on("data", (b: Buffer) => {
            err += b.toString();
            if (err.includes("taking jobs")) resolve();
          });
          k.once("exit", (code) => reject(new Error(`catalog worker exited with ${code}: ${err.trim().split("\n").pop() ?? ""}`)));
        }),
    ),
  );
  return async () => {
    await Promise.all(
      kids.map(
        (k) =>
          new Promise((r) => {
            if (k.exitCode !== null) return r(undefined);
            k.once("exit", r);
            k.kill("SIGTERM");
          }),
      ),
    );
  };
}

/** Copies `base` into `dir` as track-i.flac for i in [from, to), each retagged so it has its own content hash; returns `dir`. */
function taggedCopies(base: string, dir: string, from: number, to: number): string {
  mkdirSync(dir, { recursive: true });
  for (let i = from; i < to; i++) {
    const f = join(dir, `track-${i}.flac`);
    copyFileSync(base, f);
    spawnSync("metaflac", [`--set-tag=TIMBRESCOPE_BENCH=${i}`, f], { stdio: "ignore" });
  }
  return dir;
}

/** Runs the catalog section. */
export async function benchCatalog(o: CatalogBenchOptions): Promise<CatalogBenchResults> {
  const base = o.inputs.track(o.trackSec);
  const folder = taggedCopies(base, join(o.inputs.dir, "catalog-lib"), 0, o.tracks);
  const audioSec = o.tracks * o.trackSec;
  o.progress(`catalog: ${o.tracks} x ${o.trackSec} s FLAC, add (content hashes) then run`);
  const cat = join(o.inputs.dir, "catalog-embedded");
  const add = await catalogRun(o, "add", ["add", "--catalog", cat, folder], audioSec, false);
  const embedded = await catalogRun(o, "embedded, 1 process", ["run", "--catalog", cat], audioSec, true);
  o.progress(`catalog: run on ${2 * o.tracks} tracks (throughput once running)`);
  const extra = taggedCopies(base, join(o.inputs.dir, "catalog-lib-more"), o.tracks, 2 * o.tracks);
  const cat2 = join(o.inputs.dir, "catalog-embedded-2x");
  await catalogRun(o, "add", ["add", "--catalog", cat2, folder, extra], 2 * audioSec, false);
  const doubled = await catalogRun(o, `embedded, 1 process, ${2 * o.tracks} tracks`, ["run", "--catalog", cat2], 2 * audioSec, true);
  const steady = {
    doubled,
    realTimeFactor: audioSec / Math.max(1e-9, doubled.wallSec - embedded.wallSec),
    oneOffSec: 2 * embedded.wallSec - doubled.wallSec,
  };
  o.progress("catalog: stage split of one track on one core");
  const s = await stageTimes(base, o.modelDir);
  const sum = s.hashMs + s.decodeMs + s.resampleMs + s.melMs + s.networkMs + s.writeMs;
  const stages = { ...s, boundRtf2Cores: (2 * o.trackSec * 1000) / sum };
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    return {
      tracks: o.tracks,
      trackSec: o.trackSec,
      audioSec,
      addSec: add.wallSec,
      embedded,
      steady,
      stages,
      queue: null,
      queueSkipped: "redis-server not installed (apt-get install redis-server)",
    };
  }
  const port = await freePort();
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", o.inputs.dir],
    { stdio: "ignore" },
  );
  try {
    await new Promise((r) => setTimeout(r, 500));
    o.progress(`catalog: queue overhead, ${o.overheadJobs} no-op jobs`);
    const overheadMsPerJob = await queueOverheadMs(port, o.overheadJobs);
    const runs: CatalogRunFigure[] = [];
    for (const processes of [1, 2]) {
      o.progress(`catalog: run --queue with ${processes} worker process(es)`);
      const qcat = join(o.inputs.dir, `catalog-queue-${processes}`);
      await catalogRun(o, "add", ["add", "--catalog", qcat, folder], audioSec, false);
      const url = `redis://127.0.0.1:${port}`;
      const stop = await startWorkers(o, url, processes, Math.max(1, Math.floor(2 / processes)));
      try {
        runs.push(
          await catalogRun(o, `queue, ${processes} worker process(es)`, ["run", "--catalog", qcat, "--queue", url], audioSec, false),
        );
      } finally {
        await stop();
      }
    }
    return {
      tracks: o.tracks,
      trackSec: o.trackSec,
      audioSec,
      addSec: add.wallSec,
      embedded,
      steady,
      stages,
      queue: { overheadMsPerJob, jobs: o.overheadJobs, runs },
      queueSkipped: null,
    };
  } finally {
    redis.kill("SIGTERM");
  }
}

/** The catalog targets. */
export function catalogTargets(r: CatalogBenchResults | null): TargetResult[] {
  const rtf = r?.embedded.realTimeFactor ?? null;
  const overhead = r?.queue?.overheadMsPerJob ?? null;
  return [
    {
      id: "catalog-rtf",
      description: `catalog run ≥ 400× real time (folder of ${r?.tracks ?? "?"} × ${(r?.trackSec ?? 240) / 60}-minute FLACs, end to end)`,
      value: rtf,
      threshold: 400,
      unit: "×",
      met: rtf === null ? null : rtf >= 400,
    },
    {
      id: "catalog-queue-overhead",
      description: "queue overhead ≤ 5 ms per job (BullMQ round trip, no-op job)",
      value: overhead,
      threshold: 5,
      unit: "ms",
      met: overhead === null ? null : overhead <= 5,
    },
  ];
}

/** Markdown tables of the section. */
export function formatCatalogReport(r: CatalogBenchResults): string {
  const runs = [r.embedded, r.steady.doubled, ...(r.queue?.runs ?? [])];
  const sum = r.stages.hashMs + r.stages.decodeMs + r.stages.resampleMs + r.stages.melMs + r.stages.networkMs + r.stages.writeMs;
  const stage = (name: string, ms: number): string[] => [name, fmt(ms), fmt((100 * ms) / sum)];
  return [
    `### catalog (${r.tracks} × ${r.trackSec} s FLAC; add ${fmt(r.addSec)} s)`,
    "",
    table(
      ["run", "wall s", "× real time", "CPU % of one core", "peak RSS MiB"],
      runs.map((x) => [x.label, fmt(x.wallSec), fmt(x.realTimeFactor), fmt(x.cpuPercent), fmt(x.peakRssMiB)]),
    ),
    "",
    `Once running (the ${r.tracks} tracks the second run adds, over the time they add): ${fmt(r.steady.realTimeFactor)}× real time; ` +
      `one-off cost per run (start-up, model load, the last tracks' tail): ${fmt(r.steady.oneOffSec)} s.`,
    "",
    `Per stage, one ${r.trackSec} s track on one core (bound on 2 cores: ${fmt(r.stages.boundRtf2Cores)}× real time):`,
    "",
    table(
      ["stage", "ms", "%"],
      [
        stage("hash", r.stages.hashMs),
        stage(`decode (${r.stages.decoder ?? "wasm"})`, r.stages.decodeMs),
        stage("resample", r.stages.resampleMs),
        stage("mel", r.stages.melMs),
        stage("network", r.stages.networkMs),
        stage("write", r.stages.writeMs),
      ],
    ),
    "",
    r.queue === null
      ? `Queue: not measured (${r.queueSkipped ?? ""}).`
      : `Queue overhead: ${fmt(r.queue.overheadMsPerJob)} ms per job (${r.queue.jobs} no-op jobs, one worker, one at a time).`,
    "",
  ].join("\n");
}

/** Closing notes for missed catalog targets: where the time goes and what would close the gap. */
export function catalogNotes(r: CatalogBenchResults, targets: readonly TargetResult[]): string[] {
  const notes: string[] = [];
  const missed = new Set(targets.filter((t) => t.met === false).map((t) => t.id));
  if (missed.has("catalog-rtf")) {
    const s = r.stages;
    const parts: [string, number][] = [
      ["hash", s.hashMs],
      ["decode", s.decodeMs],
      ["resample", s.resampleMs],
      ["mel", s.melMs],
      ["network", s.networkMs],
      ["write", s.writeMs],
    ];
    const sum = parts.reduce((a, [, ms]) => a + ms, 0);
    const [worst, worstMs] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
    notes.push(
      `catalog run reaches ${fmt(r.embedded.realTimeFactor)}× real time at ${fmt(r.embedded.cpuPercent)} % of one core; the stages of one ${r.trackSec} s track take ` +
        `${fmt(sum)} ms on one core (${worst} ${fmt((100 * worstMs) / sum)} %), which bounds 2 cores at ${fmt(s.boundRtf2Cores)}×: ` +
        (s.boundRtf2Cores < 400
          ? `the ${worst} stage itself has to get faster to reach 400×.`
          : "the gap is overlap (cores idle while one file decodes): more files in flight (--files) or threads."),
    );
  }
  if (missed.has("catalog-queue-overhead") && r.queue !== null) {
    notes.push(
      `BullMQ costs ${fmt(r.queue.overheadMsPerJob)} ms per job here (add, fetch, lock, complete); against a ${r.trackSec} s track analysed in about ${fmt((1000 * r.trackSec) / r.embedded.realTimeFactor)} ms that is ${fmt((100 * r.queue.overheadMsPerJob * r.embedded.realTimeFactor) / (1000 * r.trackSec))} %.`,
    );
  }
  return notes;
}
