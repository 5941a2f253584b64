/**
 * Scoring level-normalised window samples spread over scorer threads. The offline pipeline hands
 * whole batches to a {@link WorkerPool}: each thread computes the mel front-end and runs its own
 * copy of the model (one tfjs-wasm instance per thread uses one core), so `analyze`
 * uses every core while the main thread decodes, resamples and post-processes.
 */
import { availableParallelism } from "node:os";
import type { MelParams } from "../features/params.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { ScorerSpec } from "./mel-scorer.js";
import type { SampleScorer } from "./sample-scorer.js";
import { ScorerThread } from "./scorer-thread.js";

/** Default pool size: one worker per core, at most 4 (beyond that the main thread is the limit). */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** N scorer workers behind one SampleScorer; each batch goes to the least busy worker. */
export class WorkerPool implements SampleScorer {
  readonly labels: readonly string[];
  readonly thresholds: readonly number[];
  readonly modelId: string;

  private constructor(private readonly workers: readonly ScorerThread[]) {
    const first = workers[0] as ScorerThread;
    this.labels = first.labels;
    this.thresholds = first.thresholds;
    this.modelId = first.modelId;
  }

  /**
   * Starts `count` workers, each loading `spec`.
   * @throws UserError if the scorer cannot be loaded
   */
  static async start(spec: ScorerSpec, count: number, params: MelParams = DEFAULT_MEL_PARAMS): Promise<WorkerPool> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`Expected a worker count >= 1, got ${count}`);
    const started = await Promise.allSettled(Array.from({ length: count }, () => ScorerThread.start(spec, params)));
    const ok = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) {
      await Promise.all(ok.map((w) => w.close()));
      throw failed.reason;
    }
    return new WorkerPool(ok);
  }

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  async scoreSamples(samples: Float32Array, n: number): Promise<Float32Array> {
    let best = this.workers[0] as ScorerThread;
    for (const w of this.workers) if (w.inFlight < best.inFlight) best = w;
    return (await best.scoreBatch(samples, n)).scores;
  }

  /** Closes every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
