/**
 * Track threads: each holds its own copy of the model (ONNX Runtime, one intra-op thread) and
 * analyses whole files: decode, downmix and resample, mel, network and pooling all happen in the
 * thread (track-thread-entry.ts), and only the finished result crosses back. A catalog is many
 * files, so parallelism across files keeps every core busy with no per-window messaging and no
 * main-thread stage that the others wait on (with the scorer-thread pool of `analyze`, the main
 * thread's decoding and resampling capped a 2-core run at about 125 % CPU).
 *
 * Each thread takes two files at a time, so that while one waits for the native FLAC decoder (a
 * child process) the other computes. The analysis is the same code as `analyze` runs
 * (analyzeTrackWith in analyze-track.ts; batches of 8 windows by file position), so the scores are
 * the same whichever thread, process or machine computes them.
 */
import type { Worker } from "node:worker_threads";
import { InputFileError, UserError } from "../errors.js";
import { siblingModule } from "../pipeline/dev-ts-loader.js";
import { endWorkerThread, startWorkerThread } from "../pipeline/worker-thread.js";
import type { ScorerSpec } from "../pipeline/mel-scorer.js";
import type { ResultBody } from "./result-file.js";

/** Files each thread works on at once. */
export const FILES_PER_THREAD = 2;

/** Facts about the file that the analysis does not find out itself. */
export interface TrackFacts {
  /** SHA-256 of the file's bytes. */
  readonly hash: string;
  /** Size, bytes. */
  readonly bytes: number;
  readonly modelKey: string;
}

/** A finished analysis: the result's JSON body and the per-window scores. */
export interface TrackAnalysis {
  readonly body: ResultBody;
  /** windows x classes raw scores, row-major. */
  readonly scores: Float32Array;
  /** Audio analysed, seconds. */
  readonly audioSec: number;
}

/** Main thread → track thread. */
export type ToTrackThread = { type: "analyze"; id: number; path: string; facts: TrackFacts } | { type: "close" };

/** Track thread → main thread. */
export type FromTrackThread =
  | { type: "ready" }
  | { type: "done"; id: number; analysis: TrackAnalysis }
  | { type: "failed"; id: number | null; message: string; inputPath: string | null }
  | { type: "closed" };

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve(a: TrackAnalysis): void; reject(e: Error): void }>;
  /** Settles when the thread's model has loaded (or failed to). */
  readonly loaded: Promise<void>;
  failure?: Error;
}

/** The error a thread reported, rebuilt: input problems stay InputFileErrors (the file is recorded as failed). */
function rebuilt(msg: Extract<FromTrackThread, { type: "failed" }>): Error {
  if (msg.inputPath === null) return new Error(`track thread: ${msg.message}`);
  const prefix = `${msg.inputPath}: `;
  return new InputFileError(msg.inputPath, msg.message.startsWith(prefix) ? msg.message.slice(prefix.length) : msg.message);
}

function startThread(spec: ScorerSpec): Thread {
  const worker = startWorkerThread(siblingModule(import.meta.url, "./track-thread-entry"), { spec });
  const pending: Thread["pending"] = new Map();
  let settle: { resolve(): void; reject(e: Error): void } = { resolve: () => undefined, reject: () => undefined };
  const loaded = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  loaded.catch(() => undefined); // observed through TrackPool.loadFailure()
  const thread: Thread = { worker, pending, loaded };
  const fail = (err: Error): void => {
    thread.failure ??= err;
    settle.reject(err);
    for (const p of pending.values()) p.reject(thread.failure);
    pending.clear();
  };
  worker.on("message", (msg: FromTrackThread) => {
    if (msg.type === "ready") settle.resolve();
    else if (msg.type === "done" || (msg.type === "failed" && msg.id !== null)) {
      const p = pending.get(msg.id as number);
      pending.delete(msg.id as number);
      if (msg.type === "done") p?.resolve(msg.analysis);
      else p?.reject(thread.failure ?? rebuilt(msg));
    } else if (msg.type === "failed") {
      fail(new UserError(`cannot load the model: ${msg.message}`));
      void worker.terminate();
    }
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`track thread exited with code ${code}`)));
  return thread;
}

/**
 * Threads analysing whole tracks with one model. Work can be handed over as soon as the threads
 * exist: a thread decodes its first files while its model loads (analyzeFile awaits the model only
 * after the first pass), which takes the model's load time (about 0.3 s) off every run.
 */
export class TrackPool {
  private nextId = 0;
  private closed = false;
  /** Resolves once every thread has its model; rejects (UserError) when a thread cannot load it. */
  private readonly ready: Promise<void>;

  private constructor(private readonly threads: readonly Thread[]) {
    this.ready = Promise.all(threads.map((t) => t.loaded)).then(() => undefined);
    this.ready.catch(() => undefined); // callers observe it through loadFailure()
  }

  /** Starts `n` threads, each loading the scorer `spec` (see loadFailure). */
  static start(spec: ScorerSpec, n: number): TrackPool {
    return new TrackPool(Array.from({ length: Math.max(1, n) }, () => startThread(spec)));
  }

  /** Waits until the models have loaded or one failed to; the load error, or undefined. */
  async loadFailure(): Promise<Error | undefined> {
    return this.ready.then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Analyses `path` on the least busy thread. @throws InputFileError for files that cannot be decoded */
  analyze(path: string, facts: TrackFacts): Promise<TrackAnalysis> {
    if (this.closed) return Promise.reject(new Error("TrackPool: closed"));
    const t = this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (t.failure !== undefined) return Promise.reject(t.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      t.pending.set(id, { resolve, reject });
      t.worker.postMessage({ type: "analyze", id, path, facts } satisfies ToTrackThread);
    });
  }

  /** Lets each thread finish, disposes the models and ends the threads. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.threads.map(async (t) => {
        if (t.failure !== undefined) return void (await t.worker.terminate());
        await t.loaded.catch(() => undefined);
        await endWorkerThread(t.worker, { type: "close" } satisfies ToTrackThread);
      }),
    );
  }
}
