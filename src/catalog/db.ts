/**
 * The catalog's index: one SQLite file (`<catalog>/catalog.sqlite`, better-sqlite3) holding the
 * registered files, one row per (content hash, model) with its state, and the tags and segments of
 * every analysed track, so `query` and `status` need no server. WAL journal: readers (`status`
 * while a run writes) never block the writer, and every track is committed in one transaction,
 * so a kill leaves each track either wholly indexed or not at all.
 */
import Database from "better-sqlite3";
import type { Database as Db } from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";

/** Schema version stored in `meta`; a catalog written by a newer version is refused. */
export const SCHEMA_VERSION = 1;

/** File name of the index inside a catalog folder. */
export const INDEX_FILE = "catalog.sqlite";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Registered audio files; hash NULL with error set when the file could not be read at add.
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, hash TEXT, error TEXT, added_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS files_hash ON files(hash);
CREATE TABLE IF NOT EXISTS models (
  model_key TEXT PRIMARY KEY, model_dir TEXT NOT NULL, model_id TEXT, description TEXT NOT NULL, labels TEXT NOT NULL, first_used_ms INTEGER NOT NULL);
-- One row per analysed (or failed) content hash and model.
CREATE TABLE IF NOT EXISTS tracks (
  hash TEXT NOT NULL, model_key TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('done', 'failed')), reason TEXT,
  duration_sec REAL, windows INTEGER, top_class TEXT, model_id TEXT, result TEXT, finished_ms INTEGER NOT NULL, worker TEXT,
  PRIMARY KEY (hash, model_key));
CREATE TABLE IF NOT EXISTS tags (
  hash TEXT NOT NULL, model_key TEXT NOT NULL, class_id TEXT NOT NULL, score REAL NOT NULL, active INTEGER NOT NULL, active_sec REAL NOT NULL,
  PRIMARY KEY (hash, model_key, class_id));
CREATE INDEX IF NOT EXISTS tags_class ON tags(model_key, class_id, active_sec);
CREATE TABLE IF NOT EXISTS segments (
  hash TEXT NOT NULL, model_key TEXT NOT NULL, class_id TEXT NOT NULL, start_sec REAL NOT NULL, end_sec REAL NOT NULL, peak REAL NOT NULL);
CREATE INDEX IF NOT EXISTS segments_track ON segments(model_key, hash);
CREATE INDEX IF NOT EXISTS segments_class ON segments(model_key, class_id);
-- Runs: who is running, how far, for status's progress bar (heartbeat every few seconds).
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, model_key TEXT NOT NULL, mode TEXT NOT NULL, owner TEXT NOT NULL,
  started_ms INTEGER NOT NULL, heartbeat_ms INTEGER NOT NULL, total INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0, audio_sec REAL NOT NULL DEFAULT 0, finished_ms INTEGER);
`;

/** An open catalog: its folder, results folder and index. */
export interface CatalogHandle {
  /** The catalog folder. */
  readonly dir: string;
  /** Where result files go (`<dir>/results`). */
  readonly resultsDir: string;
  readonly db: Db;
  /** Closes the index. */
  close(): void;
}

/** Options of {@link openCatalog}. */
export interface OpenOptions {
  /** Create the folder and index when missing. Default false (a missing catalog is an error). */
  readonly create?: boolean;
  /** Open read-only (status, query, export). Default false. */
  readonly readonly?: boolean;
}

/**
 * Opens (or creates) the catalog in `dir`.
 * @throws UserError when it is missing (without `create`), unreadable, or of a newer schema
 */
export function openCatalog(dir: string, opts: OpenOptions = {}): CatalogHandle {
  const path = join(dir, INDEX_FILE);
  if (opts.create === true) mkdirSync(join(dir, "results"), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: opts.readonly === true, fileMustExist: opts.create !== true });
  } catch (err) {
    const hint = opts.create === true ? "" : " (run `timbrescope catalog add` first, or pass --catalog DIR)";
    throw new UserError(`--catalog ${dir}: cannot open ${INDEX_FILE} (${err instanceof Error ? err.message : String(err)})${hint}`, {
      cause: err,
    });
  }
  try {
    // Another process may hold the write lock for a moment (a run committing a track).
    db.pragma("busy_timeout = 10000");
    if (opts.readonly !== true) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.exec(SCHEMA);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (row === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    }
    const version = Number(
      (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value ?? SCHEMA_VERSION,
    );
    if (version > SCHEMA_VERSION)
      throw new UserError(
        `--catalog ${dir}: index schema ${version} is newer than this timbrescope understands (${SCHEMA_VERSION}); upgrade timbrescope`,
      );
  } catch (err) {
    db.close();
    throw err;
  }
  return { dir, resultsDir: join(dir, "results"), db, close: () => db.close() };
}

/** Reads a `meta` value. */
export function getMeta(db: Db, key: string): string | undefined {
  return (db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
}

/** Sets a `meta` value. */
export function setMeta(db: Db, key: string, value: string): void {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
}
