/**
 * One analysed track on disk: `<results>/<modelKey>/<hash[0:2]>/<hash>.scores.npy` (per-window raw
 * scores, float16 [windows, classes]) and `<hash>.json` (content hash, model, tags, segments and the
 * scores file's own SHA-256). Both are written through a temporary file and a rename, the scores
 * first: a result exists once its JSON does, and a JSON whose scores file is missing or differs is
 * treated as absent (analysed again), so a kill at any moment never leaves a half result visible.
 *
 * The bytes depend only on the audio file, the model and CATALOG_ANALYSIS (no times, hosts or
 * paths), so the embedded run and queue workers on any machine write identical files.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { encodeNpy, parseNpy } from "../io/npy.js";
import { writeAtomic } from "../io/write-atomic.js";
import { CATALOG_ANALYSIS } from "./identity.js";

/** Track-level figures of one class (the paper's track resolution plus the post stage's time). */
export interface ClassTag {
  /** Class id, e.g. "piano". */
  readonly class: string;
  /** Highest raw window score in the track, [0, 1] (max-pooling over the track). */
  readonly score: number;
  /** score >= the model's threshold for the class. */
  readonly active: boolean;
  /** Seconds covered by the class's smoothed segments. */
  readonly activeSec: number;
}

/** A stretch of smoothed activity (post stage: ballistics, hysteresis, minimum hold). */
export interface SegmentRecord {
  readonly class: string;
  /** Start, seconds from the file's start. */
  readonly start: number;
  /** End (exclusive), seconds. */
  readonly end: number;
  /** Highest raw window score inside, [0, 1]. */
  readonly peak: number;
}

/** The JSON half of a result. */
export interface TrackResult {
  readonly schema: "timbrescope-catalog-result";
  readonly schemaVersion: 1;
  /** SHA-256 of the audio file's bytes. */
  readonly hash: string;
  /** Size of the audio file, bytes. */
  readonly bytes: number;
  readonly modelKey: string;
  /** The model's own id as the scorer reports it. */
  readonly modelId: string;
  readonly analysis: typeof CATALOG_ANALYSIS;
  /** The file's own sample rate, Hz. */
  readonly inputRateHz: number;
  /** End of the last whole window, seconds. */
  readonly durationSec: number;
  readonly windows: number;
  readonly windowSec: number;
  readonly classes: readonly string[];
  readonly thresholds: readonly number[];
  readonly tags: readonly ClassTag[];
  /** Class with the most active seconds (ties: higher score); null when none is active. */
  readonly top: string | null;
  readonly segments: readonly SegmentRecord[];
  readonly scores: { readonly file: string; readonly dtype: "<f2"; readonly shape: readonly [number, number]; readonly sha256: string };
}

/** Where a track's result lives. */
export interface ResultPaths {
  readonly json: string;
  readonly scores: string;
}

/** Paths of the result of `hash` under model `modelKey` in `resultsDir`. */
export function resultPaths(resultsDir: string, modelKey: string, hash: string): ResultPaths {
  const dir = join(resultsDir, modelKey, hash.slice(0, 2));
  return { json: join(dir, `${hash}.json`), scores: join(dir, `${hash}.scores.npy`) };
}

/** Rounds to 6 decimals (1 µs for times; far below float16's step for scores). */
export const round6 = (v: number): number => Number(v.toFixed(6));

/** The result minus the scores-file fields, as the analysis produces it. */
export type ResultBody = Omit<TrackResult, "schema" | "schemaVersion" | "scores" | "analysis">;

/**
 * Writes a result: scores (float16 .npy) first, then the JSON that names them; both atomically.
 * @param scores windows x classes raw scores, row-major
 * @returns the JSON that was written
 */
export async function writeResult(paths: ResultPaths, body: ResultBody, scores: Float32Array): Promise<TrackResult> {
  const shape: [number, number] = [body.windows, body.classes.length];
  const npy = encodeNpy(scores, shape, "<f2");
  await mkdir(dirname(paths.json), { recursive: true });
  await writeAtomic(paths.scores, npy);
  const result: TrackResult = {
    schema: "timbrescope-catalog-result",
    schemaVersion: 1,
    ...body,
    analysis: CATALOG_ANALYSIS,
    scores: {
      file: paths.scores.slice(dirname(paths.scores).length + 1),
      dtype: "<f2",
      shape,
      sha256: createHash("sha256").update(npy).digest("hex"),
    },
  };
  await writeAtomic(paths.json, JSON.stringify(result) + "\n");
  return result;
}

/**
 * Reads a result back; undefined when it is absent, unreadable, of another schema, or its scores
 * file is missing or does not match the SHA-256 the JSON names (the JSON is the commit point).
 */
export async function readResult(paths: ResultPaths): Promise<TrackResult | undefined> {
  let result: TrackResult;
  try {
    result = JSON.parse(await readFile(paths.json, "utf8")) as TrackResult;
  } catch {
    return undefined;
  }
  if (result.schema !== "timbrescope-catalog-result" || result.schemaVersion !== 1 || !Array.isArray(result.tags)) return undefined;
  try {
    const npy = await readFile(join(dirname(paths.json), result.scores.file));
    if (createHash("sha256").update(npy).digest("hex") !== result.scores.sha256) return undefined;
  } catch {
    return undefined;
  }
  return result;
}

/** Per-window scores of a result, [windows][classes] as float64 (float16 values). */
export async function readScores(paths: ResultPaths): Promise<{ readonly shape: readonly number[]; readonly data: Float64Array }> {
  const arr = parseNpy(await readFile(paths.scores), paths.scores);
  return { shape: arr.shape, data: arr.data };
}
