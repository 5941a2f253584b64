/**
 * Training and evaluation data: dataset scan -> artist-conditional split (split.ts, the paper's
 * scheme) -> feature-cache entries per track and augmentation variant -> window stores.
 *
 * Pitch-shifted variants are computed once into the feature cache (variant "pitch+3" etc., see
 * recipe.ts) and read back on later runs; an entry whose file exists is not recomputed.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CLASSES, N_CLASSES } from "../data/classes.js";
import { labelledMixes, loadDataset } from "../data/dataset.js";
import type { LabelledMix } from "../data/dataset.js";
import { cacheEntryPath, fileSha256, getTrackFeatures, openFeatureFile } from "../data/feature-cache.js";
import { extendSplit, makeSplit } from "../data/split.js";
import type { SplitManifest, SplitTrack } from "../data/split.js";
import { InputFileError, oneLine, UserError } from "../errors.js";
import { definedFields } from "../defined-fields.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import { pitchShift } from "../features/pitch-shift.js";
import { log } from "../log.js";
import type { ProgressFactory } from "../progress.js";
import { variantName } from "./recipe.js";
import { WindowStore } from "./window-store.js";
import type { StoreEntry } from "./window-store.js";

/** Which part of the split. */
export type SplitPart = "train" | "validation" | "test";

/** Options of {@link loadSplitData}. */
export interface DataOptions {
  readonly roots: readonly string[];
  /** Feature cache folder. */
  readonly cacheDir: string;
  /** Split seed (split.ts). */
  readonly splitSeed: number;
  /** Folder for activation confidence computed from stems. Default: <cacheDir>/activation. */
  readonly computedLabDir?: string;
  readonly melParams?: MelParams;
  /**
   * An earlier split to keep (split.ts `extendSplit`): the split of the model that training starts
   * from, or that is evaluated. Default: a fresh split of the pool.
   */
  readonly previous?: SplitManifest;
}

/** The scanned dataset and its split. */
export interface SplitData {
  readonly split: SplitManifest;
  readonly mixes: ReadonlyMap<string, LabelledMix>;
  readonly roots: readonly string[];
  readonly cacheDir: string;
  readonly melParams: MelParams;
}

/** Scans the roots and splits the tracks that have mix audio. */
export async function loadSplitData(o: DataOptions): Promise<SplitData> {
  const ds = await loadDataset(o.roots, { requireMix: true, computedLabDir: o.computedLabDir ?? join(o.cacheDir, "activation") });
  const mixes = labelledMixes(ds);
  if (mixes.length === 0)
    throw new UserError(`no labelled tracks with mix audio under ${o.roots.join(", ")} (${ds.skipped.length} skipped)`);
  const byId = new Map(ds.tracks.map((t) => [t.id, t]));
  const pool: SplitTrack[] = mixes.map((m) => ({ id: m.id, artistKey: m.artistKey, classes: byId.get(m.id)?.activeClasses ?? [] }));
  const split = o.previous === undefined ? makeSplit(pool, { seed: o.splitSeed }) : extendSplit(o.previous, pool, { seed: o.splitSeed });
  const kept =
    o.previous === undefined
      ? ""
      : `, ${pool.filter((t) => inSplit(o.previous as SplitManifest, t.id)).length} of them placed as in the earlier split`;
  log.info(
    `split (seed ${o.splitSeed}): ${split.train.length} train, ${split.validation.length} validation, ${split.test.length} test tracks${kept}`,
  );
  return {
    split,
    mixes: new Map(mixes.map((m) => [m.id, m])),
    roots: o.roots,
    cacheDir: o.cacheDir,
    melParams: o.melParams ?? DEFAULT_MEL_PARAMS,
  };
}

function inSplit(s: SplitManifest, id: string): boolean {
  return s.train.includes(id) || s.test.includes(id) || s.validation.includes(id);
}

/**
 * Reads the split.json a training run wrote (TRAIN_FILES.split) in a model folder; undefined when
 * the folder has none (models trained elsewhere).
 * @throws InputFileError when the file exists but is not a split manifest
 */
export async function readModelSplit(modelDir: string): Promise<SplitManifest | undefined> {
  const path = join(modelDir, "split.json");
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new InputFileError(path, `not readable JSON (${oneLine(err)})`, { cause: err });
  }
  const m = raw as Partial<SplitManifest> | null;
  const lists = [m?.train, m?.test, m?.validation, m?.validationFrom?.train, m?.validationFrom?.test];
  if (m?.schema !== "timbrescope-split" || !lists.every((l) => Array.isArray(l) && l.every((x) => typeof x === "string"))) {
    throw new InputFileError(
      path,
      "not a timbrescope split manifest (schema timbrescope-split with train / validation / test track lists)",
    );
  }
  return m as SplitManifest;
}

/** Track ids of a split part. An empty validation part falls back to the training tracks (tiny pools). */
export function splitTracks(data: SplitData, part: SplitPart): readonly string[] {
  if (part === "validation" && data.split.validation.length === 0) {
    log.warn(`the pool of ${data.mixes.size} tracks is too small for a validation set; validating on the training tracks`);
    return data.split.train;
  }
  return data.split[part];
}

/**
 * Builds a window store over `trackIds` x `semitones` (0 = the original mix), computing missing
 * cache entries (pitch shifting where needed). Entries are ordered track by track, variants in the
 * order given, so each track's windows are contiguous.
 * @param label     what the progress reports call this store, e.g. "training features"
 * @param progress  reports one tick per cache entry (default: none)
 */
export async function buildStore(
  data: SplitData,
  trackIds: readonly string[],
  semitones: readonly number[],
  label: string,
  progress?: ProgressFactory,
): Promise<WindowStore> {
  const p = data.melParams;
  const entries: StoreEntry[] = [];
  const bar = progress?.(label, trackIds.length * semitones.length, "entries");
  let computed = 0;
  for (const [trackIndex, id] of trackIds.entries()) {
    const mix = data.mixes.get(id);
    if (mix === undefined) throw new UserError(`track ${id} of the split has no mix audio`);
    const sha = await fileSha256(mix.mixPath);
    for (const s of semitones) {
      const variant = variantName(s);
      const labels = mix.labels.classes;
      const path = cacheEntryPath(data.cacheDir, sha, p, variant, labels);
      if (!existsSync(path)) {
        computed++;
        const transform = s === 0 ? undefined : (x: Float32Array): Float32Array => pitchShift(x, s);
        await getTrackFeatures(
          { trackId: id, audioPath: mix.mixPath, labels, nClasses: N_CLASSES, variant, ...definedFields({ transform }) },
          { cacheDir: data.cacheDir, params: p },
        );
      }
      const file = openFeatureFile(path);
      entries.push({
        trackId: id,
        trackIndex,
        variant,
        nWindows: file.header.nWindows,
        labels: file.labels,
        source: { kind: "file", path, dataOffset: file.melOffset },
      });
      bar?.tick(1, `${id} ${variant || "original"}`);
    }
  }
  bar?.done(`${label}: ${entries.length} cache entries (${computed} computed now)`);
  return new WindowStore(entries, { nMels: p.nMels, nFrames: framesPerWindow(p), nClasses: CLASSES.length });
}
