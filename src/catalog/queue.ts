/**
 * What the coordinator (`catalog run --queue`) and the workers (`catalog worker --queue`) agree on:
 * the Redis address, the BullMQ queue name, the job's data and id, and the retry policy.
 *
 * Job ids are derived from (results folder, model key, content hash), and BullMQ ignores an add
 * whose id is already in the queue, so enqueuing the same content twice (a rerun of `run --queue`,
 * two paths with one content) never makes two jobs. A job whose worker dies is recovered by
 * BullMQ's stalled-job check (its lock expires; another worker's check puts it back in `wait`);
 * a job that throws is retried with exponential backoff up to `attempts` times; a bad input file
 * (UnrecoverableError) fails at once. Failed jobs stay in Redis with their reason for a week.
 */
import { createHash } from "node:crypto";
import type { ConnectionOptions, JobsOptions } from "bullmq";
import { UserError } from "../errors.js";
import { definedFields } from "../defined-fields.js";

/** Default BullMQ queue name (`--queue-name`). */
export const DEFAULT_QUEUE_NAME = "timbrescope-catalog";

/** Tries per job before it ends failed (first run included). */
export const DEFAULT_ATTEMPTS = 3;

/** First retry delay; doubles per retry (exponential backoff), ms. */
export const RETRY_DELAY_MS = 5000;

/** How long failed jobs (and their reasons) stay in Redis, seconds: one week. */
const KEEP_FAILED_SEC = 7 * 24 * 3600;

/** Default job lock: a worker that stops renewing it for this long has its job taken back, ms. */
export const DEFAULT_LOCK_MS = 30_000;

/** A parsed `--queue redis://[user:password@]host:port[/db]`. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Parses a Redis URL.
 * @throws UserError naming the flag and what was received
 */
export function parseRedisUrl(text: string, flag = "--queue"): RedisAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`Expected ${flag} redis://HOST:PORT, got "${text}"`);
  }
  if (url.protocol !== "redis:" || url.hostname === "") throw new UserError(`Expected ${flag} redis://HOST:PORT, got "${text}"`);
  const port = url.port === "" ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, "");
  const db = dbText === "" ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UserError(`Expected ${flag} redis://HOST:PORT/DB with DB a number, got "${text}"`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port,
    db,
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
  };
}

/**
 * ioredis options for BullMQ: commands wait through a Redis restart instead of failing
 * (maxRetriesPerRequest null, which BullMQ requires for workers; offline queue on), and the
 * client reconnects every 0.2 s growing to 2 s.
 */
export function connectionOptions(a: RedisAddress): ConnectionOptions {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    ...definedFields({ username: a.username, password: a.password }),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

/** The data of one job (plain JSON). */
export interface CatalogJobData {
  readonly hash: string;
  /** Registered paths with this content (on the shared mount), tried in order. */
  readonly paths: readonly string[];
  readonly modelKey: string;
  /** Absolute model folder the coordinator used (workers may override with --model). */
  readonly modelDir: string;
  /** Absolute results folder of the catalog. */
  readonly resultsDir: string;
}

/** What a worker returns for a job. */
export interface CatalogJobReturn {
  readonly kind: "analysed" | "existing";
  /** The result JSON relative to the results folder. */
  readonly result: string;
}

/** Job id of a content in a catalog under a model (no ":"; BullMQ reserves it). */
export function catalogJobId(resultsDir: string, modelKey: string, hash: string): string {
  return `${createHash("sha256").update(resultsDir).digest("hex").slice(0, 8)}-${modelKey}-${hash}`;
}

/** Options of every catalog job. */
export function catalogJobOptions(jobId: string, attempts = DEFAULT_ATTEMPTS): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: "exponential", delay: RETRY_DELAY_MS },
    // Results live on disk; a completed job has nothing more to say.
    removeOnComplete: true,
    removeOnFail: { age: KEEP_FAILED_SEC },
  };
}

/**
 * Checks a job's data (it comes from Redis, written by any version).
 * @throws UserError naming the first bad field
 */
export function checkJobData(data: unknown): CatalogJobData {
  const d = data as Partial<Record<keyof CatalogJobData, unknown>> | null;
  const str = (v: unknown): boolean => typeof v === "string" && v !== "";
  if (d === null || typeof d !== "object") throw new UserError(`catalog job: expected an object, got ${JSON.stringify(data)}`);
  for (const k of ["hash", "modelKey", "modelDir", "resultsDir"] as const) {
    if (!str(d[k])) throw new UserError(`catalog job: expected "${k}" to be a non-empty string, got ${JSON.stringify(d[k])}`);
  }
  if (!Array.isArray(d.paths) || d.paths.length === 0 || !d.paths.every(str))
    throw new UserError(`catalog job: expected "paths" to be a list of paths, got ${JSON.stringify(d.paths)}`);
  return d as CatalogJobData;
}
