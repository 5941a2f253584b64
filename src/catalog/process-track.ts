/**
 * The work for one unique content, the same in an embedded run and in a queue worker (which is why
 * their results are byte-identical): skip if a complete result is already on disk (a rerun after a
 * kill, a retried or duplicated job), else check the file still has the registered content,
 * analyse it and write the result atomically.
 */
import { stat } from "node:fs/promises";
import { relative } from "node:path";
import { InputFileError, oneLine } from "../errors.js";
import type { CatalogScorer } from "./analyze-track.js";
import { hashFile } from "./identity.js";
import { readResult, resultPaths, writeResult } from "./result-file.js";
import type { TrackResult } from "./result-file.js";

/** One unit of work: a content hash, where to read it, and where its result goes. */
export interface TrackJob {
  readonly hash: string;
  /** Registered paths with this content, tried in order. */
  readonly paths: readonly string[];
  readonly modelKey: string;
  /** The catalog's results folder (a path every worker sees). */
  readonly resultsDir: string;
}

/** How a job ended. */
export interface TrackOutcome {
  /** "analysed" by this call, or "existing": a complete result was already there. */
  readonly kind: "analysed" | "existing";
  /** The path read (analysed) or the first registered path (existing). */
  readonly path: string;
  readonly result: TrackResult;
  /** The result JSON relative to the results folder. */
  readonly resultRel: string;
  /** Wall time per stage, ms: content check (hash), analysis (decode to scores), result write. */
  readonly ms: { readonly hash: number; readonly analyze: number; readonly write: number };
}

/** Picks the first path that still has the registered content; throws the first path's problem otherwise. */
async function readablePath(job: TrackJob): Promise<{ path: string; bytes: number }> {
  let first: unknown;
  for (const path of job.paths) {
    try {
      const bytes = (await stat(path)).size;
      const now = await hashFile(path);
      if (now === job.hash) return { path, bytes };
      throw new InputFileError(
        path,
        `content changed since it was added (sha256 ${now.slice(0, 12)}…, registered ${job.hash.slice(0, 12)}…): run catalog add again`,
      );
    } catch (err) {
      first ??= err;
    }
  }
  if (first instanceof InputFileError) throw first;
  const path = job.paths[0] ?? "(no path)";
  const code = (first as NodeJS.ErrnoException | undefined)?.code;
  throw new InputFileError(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? oneLine(first)})`, { cause: first });
}

/**
 * Does one job with `scorer`.
 * @throws InputFileError when no registered path is readable with the registered content, or the
 *         file cannot be decoded (a UserError: the job should not be retried)
 */
export async function processTrack(job: TrackJob, scorer: CatalogScorer): Promise<TrackOutcome> {
  const paths = resultPaths(job.resultsDir, job.modelKey, job.hash);
  const resultRel = relative(job.resultsDir, paths.json);
  const existing = await readResult(paths);
  if (existing !== undefined)
    return { kind: "existing", path: job.paths[0] ?? "", result: existing, resultRel, ms: { hash: 0, analyze: 0, write: 0 } };
  const t0 = performance.now();
  const { path, bytes } = await readablePath(job);
  const t1 = performance.now();
  const a = await scorer.analyze(path, { hash: job.hash, bytes, modelKey: job.modelKey });
  const t2 = performance.now();
  const result = await writeResult(paths, a.body, a.scores);
  return { kind: "analysed", path, result, resultRel, ms: { hash: t1 - t0, analyze: t2 - t1, write: performance.now() - t2 } };
}
