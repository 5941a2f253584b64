/**
 * `catalog run` without a server: analyses every pending content in this process on a pool of
 * track threads (track-pool.ts: one per core, two files each, every stage of a file in its
 * thread), so every core stays busy; the main thread only checks hashes, writes and indexes.
 * Each finished track is indexed in its own transaction; a kill at any moment loses at most the
 * tracks in flight, and the next run skips everything already on disk.
 */
import { oneLine, UserError } from "../errors.js";
import type { ScorerSpec } from "../pipeline/mel-scorer.js";
import { openCatalogScorer } from "./analyze-track.js";
import type { CatalogHandle } from "./db.js";
import type { ModelIdentity } from "./identity.js";
import { ingestResult, pendingTracks, recordFailure, registerModel } from "./index-store.js";
import type { PendingTrack } from "./index-store.js";
import { processTrack } from "./process-track.js";
import { FILES_PER_THREAD } from "./track-pool.js";
import { claimRun, finishRun, HEARTBEAT_MS, processName, touchRun } from "./runs.js";

/** Internal (non-input) errors in a row after which the run stops instead of failing more tracks. */
const MAX_INTERNAL_ERRORS_IN_A_ROW = 3;

/** A track finished, as run commands report it. */
export interface TrackEvent {
  readonly kind: "analysed" | "existing" | "failed";
  readonly hash: string;
  readonly path: string;
  /** Audio in the result, seconds (0 for failures). */
  readonly audioSec: number;
  /** One-line reason for failures. */
  readonly reason?: string;
  /** Wall time of the job, ms. */
  readonly ms: number;
}

/** Counts of a finished run. */
export interface RunSummary {
  readonly total: number;
  readonly analysed: number;
  readonly existing: number;
  readonly failed: number;
  /** Audio analysed by this run, seconds. */
  readonly audioSec: number;
  readonly wallSec: number;
}

/** Options of {@link runEmbedded}. */
export interface EmbeddedRunOptions {
  readonly model: ModelIdentity;
  /** Scorer threads. */
  readonly threads: number;
  /** Files analysed at once. Default FILES_PER_THREAD per thread. */
  readonly filesInFlight?: number;
  /** Analyse failed tracks again. Default false. */
  readonly retryFailed?: boolean;
  /** Load this scorer instead of the model (tests). */
  readonly scorerSpec?: ScorerSpec;
  /** Called once the pending tracks are known, before the model loads. */
  readonly onStart?: (pending: readonly PendingTrack[]) => void;
  readonly onTrack?: (e: TrackEvent) => void;
}

/** Analyses every pending content of the catalog with `opts.model`. */
export async function runEmbedded(cat: CatalogHandle, opts: EmbeddedRunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const db = cat.db;
  const key = opts.model.key;
  registerModel(db, opts.model);
  const pending = pendingTracks(db, key, opts.retryFailed === true);
  const runId = claimRun(db, key, "embedded", pending.length);
  opts.onStart?.(pending);
  const me = processName();
  const tally = { analysed: 0, existing: 0, failed: 0, audioSec: 0 };
  const touch = (): void => touchRun(db, runId, { done: tally.analysed + tally.existing, failed: tally.failed, audioSec: tally.audioSec });
  const heartbeat = setInterval(touch, HEARTBEAT_MS);
  try {
    if (pending.length > 0) {
      const scorer = openCatalogScorer(opts.model.dir, opts.threads, opts.scorerSpec);
      try {
        let next = 0;
        let internalInARow = 0;
        let fatal: Error | undefined;
        const lane = async (): Promise<void> => {
          while (next < pending.length) {
            const item = pending[next++] as PendingTrack;
            const started = performance.now();
            try {
              const out = await processTrack({ hash: item.hash, paths: item.paths, modelKey: key, resultsDir: cat.resultsDir }, scorer);
              ingestResult(db, out.result, out.resultRel, me);
              tally[out.kind]++;
              if (out.kind === "analysed") tally.audioSec += out.result.durationSec;
              internalInARow = 0;
              opts.onTrack?.({
                kind: out.kind,
                hash: item.hash,
                path: out.path,
                audioSec: out.result.durationSec,
                ms: performance.now() - started,
              });
            } catch (err) {
              // A model that cannot be loaded stops the run (its files are not to blame).
              const loadError = await scorer.loadFailure();
              if (loadError !== undefined) {
                fatal ??= loadError;
                next = pending.length;
                return;
              }
              // A bad file is recorded and the run goes on; repeated internal errors mean the run itself is broken.
              const internal = !(err instanceof UserError);
              if (internal && ++internalInARow >= MAX_INTERNAL_ERRORS_IN_A_ROW) {
                fatal ??= err instanceof Error ? err : new Error(oneLine(err));
                next = pending.length; // the other lanes stop after their current track
                return;
              }
              const reason = internal ? `internal error: ${oneLine(err)}` : oneLine(err);
              recordFailure(db, item.hash, key, reason, me);
              tally.failed++;
              opts.onTrack?.({
                kind: "failed",
                hash: item.hash,
                path: item.paths[0] ?? "",
                audioSec: 0,
                reason,
                ms: performance.now() - started,
              });
            }
            touch();
          }
        };
        await Promise.all(Array.from({ length: Math.max(1, opts.filesInFlight ?? FILES_PER_THREAD * opts.threads) }, lane));
        if (fatal !== undefined) throw fatal;
      } finally {
        await scorer.close();
      }
    }
  } finally {
    clearInterval(heartbeat);
    touch();
    finishRun(db, runId);
  }
  return { total: pending.length, ...tally, wallSec: (performance.now() - t0) / 1000 };
}
