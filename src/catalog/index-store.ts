/**
 * Reads and writes of the catalog index (schema in db.ts): registered files, per-track results
 * and failures, and the counts `status` shows. Every write of a track is one transaction.
 */
import type { Database as Db } from "better-sqlite3";
import type { ModelIdentity } from "./identity.js";
import type { TrackResult } from "./result-file.js";

/** A registered file as `add` records it. */
export interface FileEntry {
  /** Absolute path. */
  readonly path: string;
  /** Bytes. */
  readonly size: number;
  /** Modification time, ms since the epoch. */
  readonly mtimeMs: number;
  /** SHA-256 of the content; undefined when the file could not be read. */
  readonly hash?: string;
  /** One-line reason the file could not be read. */
  readonly error?: string;
}

/** Inserts or updates registered files (one transaction). */
export function upsertFiles(db: Db, entries: readonly FileEntry[]): void {
  const put = db.prepare(`INSERT INTO files (path, size, mtime_ms, hash, error, added_ms) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash, error = excluded.error`);
  const now = Date.now();
  db.transaction(() => {
    for (const e of entries) put.run(e.path, e.size, e.mtimeMs, e.hash ?? null, e.error ?? null, now);
  })();
}

/** The registered entry of `path`, if any. */
export function registeredFile(db: Db, path: string): FileEntry | undefined {
  const row = db.prepare("SELECT path, size, mtime_ms, hash, error FROM files WHERE path = ?").get(path) as
    { path: string; size: number; mtime_ms: number; hash: string | null; error: string | null } | undefined;
  if (row === undefined) return undefined;
  return {
    path: row.path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    ...(row.hash === null ? {} : { hash: row.hash }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

/** Paths registered at or under `dir` (a folder path without trailing slash). */
export function registeredUnder(db: Db, dir: string): string[] {
  const rows = db.prepare("SELECT path FROM files WHERE path = ? OR substr(path, 1, ?) = ?").all(dir, dir.length + 1, dir + "/") as {
    path: string;
  }[];
  return rows.map((r) => r.path);
}

/** Forgets registered paths (their results stay, keyed by content). */
export function removeFiles(db: Db, paths: readonly string[]): void {
  const del = db.prepare("DELETE FROM files WHERE path = ?");
  db.transaction(() => {
    for (const p of paths) del.run(p);
  })();
}

/** Records a model the first time it is used. */
export function registerModel(db: Db, m: ModelIdentity): void {
  db.prepare(
    `INSERT INTO models (model_key, model_dir, description, labels, first_used_ms) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(model_key) DO UPDATE SET model_dir = excluded.model_dir`,
  ).run(m.key, m.dir, m.description, JSON.stringify(m.labels), Date.now());
}

/** The most recently first-used model key, if any (what `status` and `query` use by default). */
export function latestModelKey(db: Db): string | undefined {
  return (
    db.prepare("SELECT model_key FROM models ORDER BY first_used_ms DESC, rowid DESC LIMIT 1").get() as { model_key: string } | undefined
  )?.model_key;
}

/** A unique piece of content waiting for analysis. */
export interface PendingTrack {
  readonly hash: string;
  /** Every registered path with this content, sorted. */
  readonly paths: readonly string[];
  /** Bytes. */
  readonly size: number;
}

/**
 * Content not yet analysed with `modelKey`, in path order. Failed tracks are left out unless
 * `retryFailed`.
 */
export function pendingTracks(db: Db, modelKey: string, retryFailed = false): PendingTrack[] {
  const rows = db
    .prepare(
      `SELECT f.hash AS hash, group_concat(f.path, char(10)) AS paths, max(f.size) AS size, min(f.path) AS first
    FROM files f LEFT JOIN tracks t ON t.hash = f.hash AND t.model_key = ?
    WHERE f.hash IS NOT NULL AND (t.status IS NULL OR (t.status = 'failed' AND ?))
    GROUP BY f.hash ORDER BY first`,
    )
    .all(modelKey, retryFailed ? 1 : 0) as { hash: string; paths: string; size: number }[];
  return rows.map((r) => ({ hash: r.hash, paths: r.paths.split("\n").sort(), size: r.size }));
}

/**
 * Indexes a result: the track row, its tags and segments, replacing what was there (one
 * transaction, so a track is wholly indexed or not at all).
 * @param resultRel the result JSON's path relative to the results folder
 * @param worker    who analysed it (host:pid), for people reading the index
 */
export function ingestResult(db: Db, r: TrackResult, resultRel: string, worker: string): void {
  const key = [r.hash, r.modelKey] as const;
  db.transaction(() => {
    db.prepare("DELETE FROM tags WHERE hash = ? AND model_key = ?").run(...key);
    db.prepare("DELETE FROM segments WHERE hash = ? AND model_key = ?").run(...key);
    db.prepare(
      `INSERT OR REPLACE INTO tracks (hash, model_key, status, reason, duration_sec, windows, top_class, model_id, result, finished_ms, worker)
      VALUES (?, ?, 'done', NULL, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...key, r.durationSec, r.windows, r.top, r.modelId, resultRel, Date.now(), worker);
    const tag = db.prepare("INSERT INTO tags (hash, model_key, class_id, score, active, active_sec) VALUES (?, ?, ?, ?, ?, ?)");
    for (const t of r.tags) tag.run(...key, t.class, t.score, t.active ? 1 : 0, t.activeSec);
    const seg = db.prepare("INSERT INTO segments (hash, model_key, class_id, start_sec, end_sec, peak) VALUES (?, ?, ?, ?, ?, ?)");
    for (const s of r.segments) seg.run(...key, s.class, s.start, s.end, s.peak);
    db.prepare("UPDATE models SET model_id = ? WHERE model_key = ?").run(r.modelId, r.modelKey);
  })();
}

/** Records that `hash` failed under `modelKey` with a one-line reason (never over a done track). */
export function recordFailure(db: Db, hash: string, modelKey: string, reason: string, worker: string): void {
  db.prepare(
    `INSERT INTO tracks (hash, model_key, status, reason, finished_ms, worker) VALUES (?, ?, 'failed', ?, ?, ?)
    ON CONFLICT(hash, model_key) DO UPDATE SET reason = excluded.reason, finished_ms = excluded.finished_ms, worker = excluded.worker
    WHERE tracks.status = 'failed'`,
  ).run(hash, modelKey, reason, Date.now(), worker);
}

/** What `status` counts, in unique contents (several paths may share one). */
export interface CatalogCounts {
  /** Registered paths. */
  readonly files: number;
  /** Distinct contents among the readable files. */
  readonly tracks: number;
  readonly done: number;
  /** Analysis failed (corrupt, undecodable) plus files unreadable at add. */
  readonly failed: number;
  readonly pending: number;
  /** Audio analysed, seconds. */
  readonly doneAudioSec: number;
}

/** Counts for `modelKey`. */
export function catalogCounts(db: Db, modelKey: string): CatalogCounts {
  const files = (db.prepare("SELECT count(*) AS n FROM files").get() as { n: number }).n;
  const unreadable = (db.prepare("SELECT count(*) AS n FROM files WHERE hash IS NULL").get() as { n: number }).n;
  const row = db
    .prepare(
      `SELECT count(*) AS tracks, sum(t.status = 'done') AS done, sum(t.status = 'failed') AS failed, sum(CASE WHEN t.status = 'done' THEN t.duration_sec ELSE 0 END) AS sec
    FROM (SELECT DISTINCT hash FROM files WHERE hash IS NOT NULL) f LEFT JOIN tracks t ON t.hash = f.hash AND t.model_key = ?`,
    )
    .get(modelKey) as { tracks: number; done: number | null; failed: number | null; sec: number | null };
  const done = row.done ?? 0;
  const failed = row.failed ?? 0;
  return { files, tracks: row.tracks, done, failed: failed + unreadable, pending: row.tracks - done - failed, doneAudioSec: row.sec ?? 0 };
}

/** A failure as `status --failed` lists it. */
export interface FailureRow {
  readonly path: string;
  readonly reason: string;
}

/** Every failure for `modelKey` (one row per registered path), plus the files unreadable at add. */
export function failures(db: Db, modelKey: string): FailureRow[] {
  return db
    .prepare(
      `SELECT f.path AS path, coalesce(f.error, t.reason) AS reason FROM files f
    LEFT JOIN tracks t ON t.hash = f.hash AND t.model_key = ? WHERE f.hash IS NULL OR t.status = 'failed' ORDER BY f.path`,
    )
    .all(modelKey) as FailureRow[];
}
