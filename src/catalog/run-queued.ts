/**
 * `catalog run --queue redis://…`: the coordinator. Puts one BullMQ job per pending content on the
 * queue, then builds the index from what the workers write: on each `completed` event it reads the
 * result file (on the shared folder) and indexes it; on each `failed` event (retries used up, or
 * an unrecoverable input error) it records the reason. A poll every few seconds catches what
 * events cannot: jobs lost with a Redis that restarted without persistence are put back, and
 * results finished while no coordinator was listening are indexed. Killing the coordinator loses
 * nothing: a rerun indexes the results on disk and re-adds only what is neither done nor queued.
 */
import { Queue, QueueEvents } from "bullmq";
import type { Job } from "bullmq";
import { oneLine } from "../errors.js";
import type { CatalogHandle } from "./db.js";
import type { ModelIdentity } from "./identity.js";
import { ingestResult, pendingTracks, recordFailure, registerModel } from "./index-store.js";
import type { PendingTrack } from "./index-store.js";
import { catalogJobId, catalogJobOptions, connectionOptions } from "./queue.js";
import type { CatalogJobData, CatalogJobReturn, RedisAddress } from "./queue.js";
import { readResult, resultPaths } from "./result-file.js";
import type { RunSummary, TrackEvent } from "./run-embedded.js";
import { claimRun, finishRun, HEARTBEAT_MS, processName, touchRun } from "./runs.js";

/** Jobs looked up per Redis round of the poll. */
const POLL_BATCH = 500;

/** Options of {@link runQueued}. */
export interface QueuedRunOptions {
  readonly model: ModelIdentity;
  readonly redis: RedisAddress;
  readonly queueName: string;
  readonly retryFailed?: boolean;
  /** Tries per job. Default DEFAULT_ATTEMPTS. */
  readonly attempts?: number;
  /** Wait for the workers and index their results (default true); false: enqueue and return. */
  readonly wait?: boolean;
  /** Poll period, ms. Default 2000. */
  readonly pollMs?: number;
  readonly onStart?: (pending: readonly PendingTrack[]) => void;
  readonly onTrack?: (e: TrackEvent) => void;
  /** Called about every 30 s while nothing finishes, with the queue's counts and connected workers. */
  readonly onIdle?: (counts: Readonly<Record<string, number>>, workers: number) => void;
  /** Called when jobs missing from Redis (lost with its data) are added again, with their number. */
  readonly onRequeue?: (count: number) => void;
  /** Called for Redis connection errors (at most one every 5 s). */
  readonly onConnectionError?: (message: string) => void;
}

/** A queued run's counts; `queued` is what was left on the queue when `wait` is false. */
export type QueuedRunSummary = RunSummary & { readonly queued: number };

/** Enqueues the pending contents and, unless `wait` is false, indexes the results as they come. */
export async function runQueued(cat: CatalogHandle, o: QueuedRunOptions): Promise<QueuedRunSummary> {
  const t0 = performance.now();
  const db = cat.db;
  const key = o.model.key;
  registerModel(db, o.model);
  const pending = pendingTracks(db, key, o.retryFailed === true);
  const runId = claimRun(db, key, "queue", pending.length);
  o.onStart?.(pending);
  const me = processName();
  const tally = { analysed: 0, existing: 0, failed: 0, audioSec: 0 };
  const touch = (): void => touchRun(db, runId, { done: tally.analysed + tally.existing, failed: tally.failed, audioSec: tally.audioSec });
  const connection = connectionOptions(o.redis);
  const queue = new Queue(o.queueName, { connection });
  const events = new QueueEvents(o.queueName, { connection });
  let lastWarn = 0;
  const warn = (err: Error): void => {
    if (Date.now() - lastWarn > 5000) o.onConnectionError?.(oneLine(err));
    lastWarn = Date.now();
  };
  queue.on("error", warn);
  events.on("error", warn);
  const outstanding = new Map<string, PendingTrack>();
  /** Failed jobs retried by this run (--retry-failed retries each once; a second failure is recorded). */
  const retried = new Set<string>();
  const jobData = (p: PendingTrack): CatalogJobData => ({
    hash: p.hash,
    paths: p.paths,
    modelKey: key,
    modelDir: o.model.dir,
    resultsDir: cat.resultsDir,
  });
  const add = (items: readonly PendingTrack[]): Promise<Job[]> =>
    queue.addBulk(
      items.map((p) => ({
        name: "track",
        data: jobData(p),
        opts: catalogJobOptions(catalogJobId(cat.resultsDir, key, p.hash), o.attempts),
      })),
    );
  let settledAll: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (settledAll = resolve));
  let lastProgress = Date.now();

  /** Indexes the result on disk, if complete; false when there is none. */
  const fromDisk = async (p: PendingTrack, kind: "analysed" | "existing", started: number): Promise<boolean> => {
    const paths = resultPaths(cat.resultsDir, key, p.hash);
    const result = await readResult(paths);
    if (result === undefined) return false;
    ingestResult(db, result, paths.json.slice(cat.resultsDir.length + 1), me);
    tally[kind]++;
    if (kind === "analysed") tally.audioSec += result.durationSec;
    o.onTrack?.({ kind, hash: p.hash, path: p.paths[0] ?? "", audioSec: result.durationSec, ms: performance.now() - started });
    return true;
  };
  const fail = (p: PendingTrack, reason: string): void => {
    recordFailure(db, p.hash, key, reason, "queue");
    tally.failed++;
    o.onTrack?.({ kind: "failed", hash: p.hash, path: p.paths[0] ?? "", audioSec: 0, reason, ms: 0 });
  };
  /** Settles in progress: their job is out of `outstanding` but `fn` may still put it back (check's re-add). */
  let settling = 0;
  /**
   * Takes a job out of `outstanding` (once) and runs `fn` on its track. The run is over only when
   * nothing is outstanding and no settle is still deciding: a job lost with Redis leaves
   * `outstanding` while check() looks for its result on disk, and another job finishing meanwhile
   * must not end the run before it is added again.
   */
  const settle = async (jobId: string, fn: (p: PendingTrack) => Promise<void> | void): Promise<void> => {
    const p = outstanding.get(jobId);
    if (p === undefined) return;
    outstanding.delete(jobId);
    lastProgress = Date.now();
    settling++;
    try {
      await fn(p);
      touch();
    } finally {
      settling--;
      if (outstanding.size === 0 && settling === 0) settledAll();
    }
  };

  const report = (err: unknown): void => warn(err instanceof Error ? err : new Error(String(err)));
  events.on("completed", ({ jobId, returnvalue }) => {
    const kind = (returnvalue as unknown as CatalogJobReturn | undefined)?.kind === "existing" ? "existing" : "analysed";
    settle(jobId, async (p) => {
      if (!(await fromDisk(p, kind, t0)))
        fail(p, `a worker reported a result this machine cannot read under ${cat.resultsDir} (is the folder shared under the same path?)`);
    }).catch(report);
  });
  events.on("failed", ({ jobId, failedReason }) => {
    settle(jobId, (p) => fail(p, failedReason)).catch(report);
  });

  /** Looks at outstanding jobs in Redis: lost ones are indexed from disk or added again; failed ones recorded. */
  const check = async (ids: readonly string[]): Promise<void> => {
    const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
    const readd: PendingTrack[] = [];
    for (const [i, id] of ids.entries()) {
      const p = outstanding.get(id);
      const job = jobs[i];
      if (p === undefined) continue;
      const state = job === undefined ? "missing" : await job.getState();
      if (state === "failed" && job !== undefined && o.retryFailed === true && !retried.has(id)) {
        retried.add(id);
        await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      } else if (state === "failed") {
        await settle(id, (q) => fail(q, job?.failedReason ?? "failed"));
      } else if (state === "missing" || state === "completed" || state === "unknown") {
        await settle(id, async (q) => {
          if (await fromDisk(q, "existing", t0)) return;
          outstanding.set(id, q);
          if (job !== undefined) await job.remove();
          readd.push(q);
        });
      }
    }
    if (readd.length > 0) {
      await add(readd);
      o.onRequeue?.(readd.length);
    }
  };

  const heartbeat = setInterval(touch, HEARTBEAT_MS);
  let poll: NodeJS.Timeout | undefined;
  try {
    const toQueue: PendingTrack[] = [];
    for (const p of pending) if (!(await fromDisk(p, "existing", t0))) toQueue.push(p);
    await events.waitUntilReady();
    for (let i = 0; i < toQueue.length; i += POLL_BATCH) {
      const chunk = toQueue.slice(i, i + POLL_BATCH);
      for (const p of chunk) outstanding.set(catalogJobId(cat.resultsDir, key, p.hash), p);
      await add(chunk);
      await check(chunk.map((p) => catalogJobId(cat.resultsDir, key, p.hash)));
    }
    const queued = outstanding.size;
    if (o.wait === false || outstanding.size === 0)
      return { total: pending.length, ...tally, queued, wallSec: (performance.now() - t0) / 1000 };
    let cursor = 0;
    let polling = false;
    poll = setInterval(() => {
      if (polling) return;
      polling = true;
      const ids = [...outstanding.keys()];
      cursor = cursor >= ids.length ? 0 : cursor;
      const slice = ids.slice(cursor, cursor + POLL_BATCH);
      cursor += POLL_BATCH;
      const idle = Date.now() - lastProgress > 30_000;
      if (idle) lastProgress = Date.now();
      void (async () => {
        try {
          await check(slice);
          if (idle && o.onIdle !== undefined)
            o.onIdle(await queue.getJobCounts("wait", "active", "delayed", "failed"), (await queue.getWorkers()).length);
        } catch (err) {
          report(err);
        } finally {
          polling = false;
        }
      })();
    }, o.pollMs ?? 2000);
    await allDone;
    return { total: pending.length, ...tally, queued: 0, wallSec: (performance.now() - t0) / 1000 };
  } finally {
    clearInterval(heartbeat);
    if (poll !== undefined) clearInterval(poll);
    touch();
    finishRun(db, runId);
    await events.close();
    await queue.close();
  }
}
