/**
 * Real recordings as partly labelled training material (`train --real-negatives FILE`).
 *
 * A real recording without stems tells us only what it lacks: an orchestral track checked to hold
 * no drum kit and no guitar is a negative for those classes and says nothing about the others. Its
 * windows enter training with those classes 0 and every other class UNKNOWN_LABEL, which the loss
 * leaves out (step.ts `bceLoss`), so the network learns "this orchestra is not a drum kit" without
 * being told anything about its strings or winds.
 *
 * The list is a YAML file (docs/datasets.md §11); config/real-negatives.yaml is the
 * project's. A track the real-music development set scores (src/evaluate/real) is refused: the
 * development set must stay unseen.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { N_CLASSES } from "../data/classes.js";
import { cacheEntryPath, fileSha256, getTrackFeatures, openFeatureFile } from "../data/feature-cache.js";
import { InputFileError, UserError, oneLine } from "../errors.js";
import { planDevSet } from "../evaluate/real/build.js";
import { classIndex } from "../evaluate/real/labels.js";
import { SOURCE_IDS } from "../evaluate/real/packages.js";
import { probeAudio } from "../audio/probe.js";
import type { MelParams } from "../features/params.js";
import { parseYaml } from "../io/yaml.js";
import type { ProgressFactory } from "../progress.js";
import { UNKNOWN_LABEL } from "./window-store.js";
import type { StoreEntry } from "./window-store.js";

/** One recording of the list. */
export interface RealNegativeTrack {
  /** Absolute path of the audio file. */
  readonly path: string;
  /** Class indices checked absent over the whole recording. */
  readonly absent: readonly number[];
  /** "train" tracks enter training; "validation" tracks are for choosing between models only. */
  readonly part: "train" | "validation";
}

/** A parsed list. */
export interface RealNegativeList {
  readonly tracks: readonly RealNegativeTrack[];
  /** How many times each training track's windows enter an epoch's pool (default 1). */
  readonly repeat: number;
}

interface RawSource {
  root?: unknown;
  absent?: unknown;
  tracks?: unknown;
}

/**
 * Reads and checks a list file.
 * @throws InputFileError naming the file and what is wrong (unknown class, missing audio, a
 *   development-set track, a bad field)
 */
export function readRealNegatives(path: string): RealNegativeList {
  let raw: { schema?: unknown; repeat?: unknown; sources?: unknown };
  try {
    raw = parseYaml(readFileSync(path, "utf8")) as typeof raw;
  } catch (err) {
    throw new InputFileError(path, `not a readable YAML file (${oneLine(err)})`, { cause: err });
  }
  const bad = (what: string): InputFileError => new InputFileError(path, what);
  if (raw?.schema !== "timbrescope-real-negatives") throw bad("not a real-negatives list (expected schema: timbrescope-real-negatives)");
  const repeat = raw.repeat ?? 1;
  if (typeof repeat !== "number" || !Number.isInteger(repeat) || repeat < 1 || repeat > 20)
    throw bad(`repeat must be an integer in [1, 20], got ${JSON.stringify(repeat)}`);
  if (!Array.isArray(raw.sources) || raw.sources.length === 0) throw bad("sources must be a non-empty list");
  const devFiles = new Set(planDevSet(SOURCE_IDS).flatMap((p) => p.files.map((f) => resolve(f))));
  const tracks: RealNegativeTrack[] = [];
  for (const [i, s] of (raw.sources as RawSource[]).entries()) {
    if (typeof s?.root !== "string" || !isAbsolute(s.root)) throw bad(`sources[${i}].root must be an absolute folder`);
    if (!Array.isArray(s.absent) || s.absent.length === 0 || !s.absent.every((a) => typeof a === "string"))
      throw bad(`sources[${i}].absent must list class ids`);
    let absent: number[];
    try {
      absent = s.absent.map((a) => classIndex(String(a)));
    } catch (err) {
      throw bad(`sources[${i}].absent: ${oneLine(err)}`);
    }
    if (!Array.isArray(s.tracks) || s.tracks.length === 0) throw bad(`sources[${i}].tracks must be a non-empty list`);
    for (const t of s.tracks as { file?: unknown; part?: unknown }[]) {
      if (typeof t?.file !== "string") throw bad(`sources[${i}].tracks: every track needs a file`);
      const part = t.part ?? "train";
      if (part !== "train" && part !== "validation") throw bad(`${t.file}: part must be train or validation, got ${JSON.stringify(part)}`);
      const p = resolve(join(s.root, t.file));
      if (devFiles.has(p)) throw bad(`${p} is scored by the real-music development set and must not be trained or tuned on`);
      tracks.push({ path: p, absent, part });
    }
  }
  return { tracks, repeat };
}

/** The list's recordings of one part. */
export function tracksOf(list: RealNegativeList, part: RealNegativeTrack["part"]): RealNegativeTrack[] {
  return list.tracks.filter((t) => t.part === part);
}

/** Labels of a recording: the absent classes 0, every other class UNKNOWN_LABEL, for `nWindows` rows. */
export function partialLabels(nWindows: number, absent: readonly number[]): Uint8Array {
  const labels = new Uint8Array(nWindows * N_CLASSES).fill(UNKNOWN_LABEL);
  for (let w = 0; w < nWindows; w++) for (const c of absent) labels[w * N_CLASSES + c] = 0;
  return labels;
}

/**
 * Window-store entries of the list's training tracks (each `repeat` times), computing missing
 * feature-cache entries. Refuses a list whose audio is not installed with one line naming the file.
 */
export async function realNegativeEntries(
  list: RealNegativeList,
  o: { cacheDir: string; melParams: MelParams; firstTrackIndex: number; progress?: ProgressFactory },
): Promise<StoreEntry[]> {
  const train = tracksOf(list, "train");
  const missing = train.find((t) => !existsSync(t.path));
  if (missing !== undefined) throw new UserError(`--real-negatives: ${missing.path} is not there (install the package the list names)`);
  const p = o.melParams;
  const bar = o.progress?.("real negatives", train.length, "recordings");
  const entries: StoreEntry[] = [];
  for (const [i, t] of train.entries()) {
    const probe = await probeAudio(t.path);
    // Whole windows of the audio at the analysis rate (the feature cache keeps the shorter of the
    // labels and the audio, so a resampled length one sample short only drops that last window).
    const nWindows = Math.floor(Math.round((probe.frames * p.sampleRateHz) / probe.sampleRateHz) / p.windowSamples);
    const labels = partialLabels(nWindows, t.absent);
    const trackId = `real:${t.path}`;
    const sha = await fileSha256(t.path);
    const path = cacheEntryPath(o.cacheDir, sha, p, "", labels);
    if (!existsSync(path))
      await getTrackFeatures({ trackId, audioPath: t.path, labels, nClasses: N_CLASSES }, { cacheDir: o.cacheDir, params: p });
    const file = openFeatureFile(path);
    for (let r = 0; r < list.repeat; r++) {
      entries.push({
        trackId,
        trackIndex: o.firstTrackIndex + i,
        variant: "",
        nWindows: file.header.nWindows,
        labels: file.labels,
        source: { kind: "file", path, dataOffset: file.melOffset },
      });
    }
    bar?.tick(1, t.path);
  }
  bar?.done(
    `real negatives: ${train.length} recordings, ${entries.reduce((a, e) => a + e.nWindows, 0)} windows incl. ${list.repeat}x repeat`,
  );
  return entries;
}
