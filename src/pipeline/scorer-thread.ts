/**
 * Main-thread handle of a scorer thread (scorer-thread-entry.ts runs in it): starts the worker,
 * waits until the model is loaded, and turns batches of window samples into promises of scores
 * (with the time spent on mel and model), resolved in order. Capture and post-processing stay on
 * the main thread and never wait on the model (the live pipeline queues and drops windows instead).
 */
import type { Worker } from "node:worker_threads";
import { UserError } from "../errors.js";
import type { MelParams } from "../features/params.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import { siblingModule } from "./dev-ts-loader.js";
import { endWorkerThread, startWorkerThread } from "./worker-thread.js";
import type { ScorerSpec } from "./mel-scorer.js";
import type { FromWorker, ToWorker, WorkerInit } from "./scorer-thread-messages.js";

/** Result of one batch. */
export interface BatchScores {
  /** n x labels.length scores. */
  readonly scores: Float32Array;
  readonly melMs: number;
  readonly scoreMs: number;
  readonly numTensors: number | null;
}

interface Pending {
  resolve(r: BatchScores): void;
  reject(e: Error): void;
}

/** A scorer (mel front-end + MelScorer) running in a worker thread. */
export class ScorerThread {
  readonly labels: readonly string[];
  readonly thresholds: readonly number[];
  readonly modelId: string;
  /** What runs the network in the worker (null if the scorer does not say). */
  readonly engine: string | null;
  /** Last numTensors the worker reported (null if the scorer does not report it). */
  numTensors: number | null;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;
  private failure: Error | undefined;

  private constructor(worker: Worker, ready: Extract<FromWorker, { type: "ready" }>) {
    this.worker = worker;
    this.labels = ready.labels;
    this.thresholds = ready.thresholds;
    this.modelId = ready.modelId;
    this.engine = ready.engine;
    this.numTensors = ready.numTensors;
    worker.on("message", (msg: FromWorker) => this.onMessage(msg));
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => {
      if (!this.closed) this.fail(new Error(`scorer worker exited with code ${code}`));
    });
  }

  /**
   * Starts the worker and loads the scorer in it.
   * @throws UserError if the scorer cannot be loaded (message from the worker)
   */
  static start(spec: ScorerSpec, params: MelParams = DEFAULT_MEL_PARAMS): Promise<ScorerThread> {
    const init: WorkerInit = { spec, params };
    const worker = startWorkerThread(siblingModule(import.meta.url, "./scorer-thread-entry"), init);
    return new Promise((resolve, reject) => {
      const onMessage = (msg: FromWorker): void => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        if (msg.type === "ready") resolve(new ScorerThread(worker, msg));
        else {
          void worker.terminate();
          reject(new UserError(`cannot load the scorer: ${msg.type === "error" ? msg.message : msg.type}`));
        }
      };
      const onError = (err: Error): void => {
        worker.off("message", onMessage);
        reject(err);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
    });
  }

  /** Scores n windows of normalised samples (transferred: `samples` is unusable afterwards). */
  scoreBatch(samples: Float32Array, n: number): Promise<BatchScores> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error("ScorerThread: closed"));
    const id = this.nextId++;
    const msg: ToWorker = { type: "score", id, samples, n };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(msg, [samples.buffer as ArrayBuffer]);
    });
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Lets the worker finish what it has, disposes the scorer and ends the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.failure !== undefined) {
      await this.worker.terminate();
      return;
    }
    await endWorkerThread(this.worker, { type: "close" } satisfies ToWorker);
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === "scores") {
      this.numTensors = msg.numTensors;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve({ scores: msg.scores, melMs: msg.melMs, scoreMs: msg.scoreMs, numTensors: msg.numTensors });
    } else if (msg.type === "error") {
      const err = new Error(`scorer failed: ${msg.message}`);
      if (msg.id === null) this.fail(err);
      else {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.reject(err);
      }
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
