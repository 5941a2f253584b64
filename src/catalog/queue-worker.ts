/**
 * `catalog worker --queue redis://…`: takes catalog jobs from the BullMQ queue and writes their
 * results next to the catalog (a folder every worker sees under the same path). Any number of
 * workers on any number of machines may serve one queue. Each worker keeps `concurrency` jobs in
 * flight (default two files, as the embedded run) over one pool of scorer threads.
 */
import { UnrecoverableError, Worker } from "bullmq";
import type { Job } from "bullmq";
import { oneLine, UserError } from "../errors.js";
import { log } from "../log.js";
import type { ScorerSpec } from "../pipeline/mel-scorer.js";
import { openCatalogScorer } from "./analyze-track.js";
import type { CatalogScorer } from "./analyze-track.js";
import { identifyModel } from "./identity.js";
import { processTrack } from "./process-track.js";
import { checkJobData, connectionOptions, DEFAULT_LOCK_MS } from "./queue.js";
import type { CatalogJobData, CatalogJobReturn, RedisAddress } from "./queue.js";
import { FILES_PER_THREAD } from "./track-pool.js";
import { processName } from "./runs.js";

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  readonly redis: RedisAddress;
  readonly queueName: string;
  /** Scorer threads. */
  readonly threads: number;
  /** Jobs in flight. Default FILES_PER_THREAD per thread. */
  readonly concurrency?: number;
  /** Use this model folder instead of the one each job names (it must hash to the job's key). */
  readonly modelDir?: string;
  /** Job lock, ms (a dead worker's job is taken back after about this long). Default 30 s. */
  readonly lockMs?: number;
  /** Load this scorer instead of the model (tests). */
  readonly scorerSpec?: ScorerSpec;
}

/** A running worker. */
export interface CatalogWorker {
  /** Resolves once the worker is connected and taking jobs. */
  readonly ready: Promise<void>;
  /** Stops taking jobs, waits for the ones in flight, closes the scorer threads. */
  close(): Promise<void>;
}

/** Starts a worker. Log lines: one per finished or failed job. */
export function startWorker(o: WorkerOptions): CatalogWorker {
  const scorers = new Map<string, Promise<CatalogScorer>>();
  const scorerFor = async (data: CatalogJobData): Promise<CatalogScorer> => {
    const have = scorers.get(data.modelKey);
    if (have !== undefined) return have;
    const opening = (async () => {
      const dir = o.modelDir ?? data.modelDir;
      const model = await identifyModel(dir);
      if (model.key !== data.modelKey) {
        throw new UserError(
          `model at ${dir} (key ${model.key}) is not the one the run asked for (key ${data.modelKey}): pass --model with the run's model folder`,
        );
      }
      // A long-lived worker waits for its models once (a model that cannot load fails the job, as a UserError).
      const scorer = openCatalogScorer(model.dir, o.threads, o.scorerSpec);
      const failure = await scorer.loadFailure();
      if (failure !== undefined) {
        await scorer.close();
        throw failure;
      }
      return scorer;
    })();
    scorers.set(data.modelKey, opening);
    // A model that failed to load is tried again by the next job.
    opening.catch(() => scorers.delete(data.modelKey));
    return opening;
  };

  const processor = async (job: Job): Promise<CatalogJobReturn> => {
    const t0 = performance.now();
    try {
      const data = checkJobData(job.data);
      const scorer = await scorerFor(data);
      log.debug(`start ${data.hash.slice(0, 12)} ${data.paths[0] ?? ""} (attempt ${job.attemptsMade + 1})`);
      const out = await processTrack({ hash: data.hash, paths: data.paths, modelKey: data.modelKey, resultsDir: data.resultsDir }, scorer);
      const sec = (performance.now() - t0) / 1000;
      log.info(
        `${out.kind} ${data.hash.slice(0, 12)} ${out.path} (${out.result.durationSec.toFixed(1)} s of audio in ${sec.toFixed(2)} s)`,
      );
      return { kind: out.kind, result: out.resultRel };
    } catch (err) {
      log.warn(`failed job ${job.id ?? "?"} (attempt ${job.attemptsMade + 1}): ${oneLine(err)}`);
      // A bad file or job fails for good at once; anything else is retried with backoff.
      if (err instanceof UserError) throw new UnrecoverableError(oneLine(err));
      throw err;
    }
  };

  const lockMs = o.lockMs ?? DEFAULT_LOCK_MS;
  const worker = new Worker(o.queueName, processor, {
    connection: connectionOptions(o.redis),
    concurrency: Math.max(1, o.concurrency ?? FILES_PER_THREAD * o.threads),
    name: processName(),
    lockDuration: lockMs,
    // Check for dead workers' jobs as often as a lock can expire; two stalls are forgiven (a
    // machine lost twice), the third fails the job.
    stalledInterval: lockMs,
    maxStalledCount: 2,
  });
  // Connection errors during a Redis restart arrive here; ioredis reconnects by itself.
  let lastWarn = 0;
  worker.on("error", (err) => {
    if (Date.now() - lastWarn > 5000) log.warn(`queue: ${oneLine(err)} (reconnecting)`);
    lastWarn = Date.now();
  });
  worker.on("stalled", (jobId) => log.info(`job ${jobId} stalled (its worker stopped renewing the lock); it goes back to the queue`));
  return {
    ready: worker.waitUntilReady().then(() => undefined),
    async close() {
      await worker.close();
      for (const s of scorers.values()) await (await s.catch(() => undefined))?.close();
    },
  };
}
