/**
 * Run bookkeeping in the index: one row per `catalog run`, with a heartbeat, so that a second run
 * on the same catalog is refused while the first is alive, a run killed with -9 stops counting as
 * active (at once on its own machine, after {@link STALE_MS} elsewhere), and `status` can draw a
 * progress bar with an ETA.
 */
import type { Database as Db } from "better-sqlite3";
import { hostname } from "node:os";
import { UserError } from "../errors.js";

/** Heartbeat period of a run, ms. */
export const HEARTBEAT_MS = 2000;

/** A run whose heartbeat is older than this is dead (killed, machine lost), ms. */
export const STALE_MS = 15_000;

/** This process as a run owner or worker name: "host:pid". */
export function processName(): string {
  return `${hostname()}:${process.pid}`;
}

/** A run as the index records it. */
export interface RunRow {
  readonly id: number;
  readonly modelKey: string;
  /** "embedded" or "queue". */
  readonly mode: string;
  readonly owner: string;
  readonly startedMs: number;
  readonly heartbeatMs: number;
  /** Tracks the run set out to finish. */
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  /** Audio analysed by this run, seconds. */
  readonly audioSec: number;
  readonly finishedMs: number | null;
}

const COLUMNS = `id, model_key AS modelKey, mode, owner, started_ms AS startedMs, heartbeat_ms AS heartbeatMs, total, done, failed,
  audio_sec AS audioSec, finished_ms AS finishedMs`;

/** False when `owner` ("host:pid") is a process of this machine that no longer exists. */
function ownerMayLive(owner: string): boolean {
  const at = owner.lastIndexOf(":");
  if (owner.slice(0, at) !== hostname()) return true;
  try {
    process.kill(Number(owner.slice(at + 1)), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The live run (heartbeat fresh, not finished, and its process alive when it is on this machine),
 * if any: a run killed with -9 here stops counting at once, one on another machine after STALE_MS.
 */
export function activeRun(db: Db, nowMs = Date.now()): RunRow | undefined {
  const r = db
    .prepare(`SELECT ${COLUMNS} FROM runs WHERE finished_ms IS NULL AND heartbeat_ms > ? ORDER BY id DESC LIMIT 1`)
    .get(nowMs - STALE_MS) as RunRow | undefined;
  return r !== undefined && ownerMayLive(r.owner) ? r : undefined;
}

/** The most recent run, live or not. */
export function lastRun(db: Db): RunRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM runs ORDER BY id DESC LIMIT 1`).get() as RunRow | undefined;
}

/**
 * Registers a new run, refusing while another one is alive.
 * @returns the run's id
 * @throws UserError naming the live run's owner
 */
export function claimRun(db: Db, modelKey: string, mode: string, total: number): number {
  return db
    .transaction(() => {
      const live = activeRun(db);
      if (live !== undefined) {
        throw new UserError(
          `another catalog run is active (${live.owner}, ${live.mode}, started ${new Date(live.startedMs).toISOString()}): wait for it or stop it`,
        );
      }
      const now = Date.now();
      return Number(
        db
          .prepare("INSERT INTO runs (model_key, mode, owner, started_ms, heartbeat_ms, total) VALUES (?, ?, ?, ?, ?, ?)")
          .run(modelKey, mode, processName(), now, now, total).lastInsertRowid,
      );
    })
    .immediate();
}

/** Updates a run's progress and heartbeat. */
export function touchRun(
  db: Db,
  id: number,
  p: { readonly done: number; readonly failed: number; readonly audioSec: number; readonly total?: number },
): void {
  db.prepare("UPDATE runs SET heartbeat_ms = ?, done = ?, failed = ?, audio_sec = ?, total = coalesce(?, total) WHERE id = ?").run(
    Date.now(),
    p.done,
    p.failed,
    p.audioSec,
    p.total ?? null,
    id,
  );
}

/** Marks a run finished. */
export function finishRun(db: Db, id: number): void {
  db.prepare("UPDATE runs SET finished_ms = ?, heartbeat_ms = ? WHERE id = ?").run(Date.now(), Date.now(), id);
}

/** Progress of a run: fraction done and the estimated seconds left (NaN before the first track). */
export function runProgress(
  r: RunRow,
  nowMs = Date.now(),
): { readonly fraction: number; readonly etaSec: number; readonly audioRtf: number } {
  const finished = r.done + r.failed;
  const fraction = r.total === 0 ? 1 : Math.min(1, finished / r.total);
  const elapsedSec = Math.max(1e-3, ((r.finishedMs ?? nowMs) - r.startedMs) / 1000);
  const etaSec = finished === 0 ? Number.NaN : ((r.total - finished) * elapsedSec) / finished;
  return { fraction, etaSec, audioRtf: r.audioSec / elapsedSec };
}
