/**
 * `catalog add`: finds audio files (folders recursively, or the lines of a file list such as an
 * .m3u playlist), hashes their content and registers them. A file already registered with the same
 * size and modification time is not read again, so re-adding a library costs one stat per file.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join, resolve } from "node:path";
import type { Database as Db } from "better-sqlite3";
import { InputFileError, oneLine } from "../errors.js";
import { hashFile } from "./identity.js";
import { registeredFile, registeredUnder, removeFiles, upsertFiles } from "./index-store.js";
import type { FileEntry } from "./index-store.js";

/** File name endings taken as audio when scanning folders (compared in lower case). */
export const AUDIO_EXTENSIONS: readonly string[] = [".wav", ".wave", ".flac", ".mp3", ".ogg", ".oga"];

/** Files hashed at once (reading overlaps hashing). */
const HASH_CONCURRENCY = 2;

/** Entries written per index transaction. */
const BATCH = 200;

const isAudio = (path: string): boolean => AUDIO_EXTENSIONS.includes(extname(path).toLowerCase());

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    // Symbolic links to files are followed; links to folders are not (no cycles).
    if (e.isDirectory()) await walk(p, out);
    else if ((e.isFile() || (e.isSymbolicLink() && (await stat(p).catch(() => undefined))?.isFile() === true)) && isAudio(p)) out.push(p);
  }
}

/**
 * Expands `add`'s arguments into absolute audio file paths: a folder gives every audio file below
 * it; an audio file gives itself; any other file is a list of paths, one per line (blank lines and
 * lines starting with # skipped; relative paths are relative to the list's folder; listed folders
 * are scanned too).
 * @throws InputFileError for an argument that does not exist or a listed path that does not
 */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (input: string, from: string | undefined): Promise<void> => {
    const path = resolve(input);
    const st = await stat(path).catch(() => undefined);
    if (st === undefined)
      throw new InputFileError(input, from === undefined ? "no such file or folder" : `no such file (listed in ${from})`);
    if (st.isDirectory()) return walk(path, out);
    if (isAudio(path)) {
      out.push(path);
      return;
    }
    if (from !== undefined) throw new InputFileError(input, `not an audio file name (${AUDIO_EXTENSIONS.join(" ")}; listed in ${from})`);
    const lines = (await readFile(path, "utf8"))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    for (const line of lines) await visit(resolve(dirname(path), line), input);
  };
  for (const input of inputs) await visit(input, undefined);
  return [...new Set(out)];
}

/** What `add` did. */
export interface AddSummary {
  /** Audio files found. */
  readonly found: number;
  /** Newly registered. */
  readonly added: number;
  /** Registered before, content changed or re-read. */
  readonly updated: number;
  /** Registered before with the same size and time: not read. */
  readonly unchanged: number;
  /** Could not be read (recorded with their reason). */
  readonly unreadable: number;
  /** Registered paths under the given folders that no longer exist, forgotten (with `prune`). */
  readonly pruned: number;
}

/** Options of {@link addFiles}. */
export interface AddOptions {
  /** Forget registered paths under the given folders that no longer exist. Default false. */
  readonly prune?: boolean;
  /** Called after each file with (files done, files found). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Registers the audio files found in `inputs` in the index. */
export async function addFiles(db: Db, inputs: readonly string[], opts: AddOptions = {}): Promise<AddSummary> {
  const paths = await expandInputs(inputs);
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  let unreadable = 0;
  let done = 0;
  let batch: FileEntry[] = [];
  const flush = (): void => {
    upsertFiles(db, batch);
    batch = [];
  };
  const one = async (path: string): Promise<void> => {
    const known = registeredFile(db, path);
    let entry: FileEntry;
    try {
      const st = await stat(path);
      if (known?.hash !== undefined && known.size === st.size && known.mtimeMs === st.mtimeMs) {
        unchanged++;
        return;
      }
      entry = { path, size: st.size, mtimeMs: st.mtimeMs, hash: await hashFile(path) };
    } catch (err) {
      entry = { path, size: 0, mtimeMs: 0, error: oneLine(err) };
      unreadable++;
    }
    if (known === undefined) added++;
    else updated++;
    batch.push(entry);
    if (batch.length >= BATCH) flush();
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      await one(paths[next++] as string);
      opts.onProgress?.(++done, paths.length);
    }
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, lane));
  flush();
  let pruned = 0;
  if (opts.prune === true) {
    const gone: string[] = [];
    for (const input of inputs) gone.push(...registeredUnder(db, resolve(input)).filter((p) => !existsSync(p)));
    removeFiles(db, gone);
    pruned = gone.length;
  }
  return { found: paths.length, added, updated, unchanged, unreadable, pruned };
}
