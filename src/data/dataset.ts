/**
 * The dataset reader: scans one or more roots (MedleyDB and/or Mixing Secrets layouts, see
 * dataset-layout.ts), reads each track's metadata and activation confidence, applies the 1 s
 * labelling rule and the paper's filters (docs/datasets.md §9):
 * - bleed: `has_bleed: yes` tracks are dropped, except tracks containing tabla;
 * - no class: tracks in which none of the 18 classes is active in any window are dropped, except
 *   synthetic ones (`origin: Synthetic`: the generator's class-less songs are deliberate negatives).
 * Every dropped track is recorded as `{track, reason}`. `unfiltered` skips both filters.
 *
 * Malformed files: by default a track whose YAML, `.lab` or mix cannot be read is skipped with a
 * reason naming the file (and a warning), so one bad track does not abort a 600-track scan;
 * `strict: true` turns that into an error instead. Missing roots always throw.
 */
import { UserError, oneLine } from "../errors.js";
import { log } from "../log.js";
import { artistKey } from "./artist.js";
import { CLASS_INDEX_BY_LABEL, CLASSES } from "./classes.js";
import { findAnnotation, scanLayout, trackAudioDirs } from "./dataset-layout.js";
import type { AnnotationSource, Layout, MetadataFile } from "./dataset-layout.js";
import { readLab } from "./lab.js";
import { findTaxonomyFile, readTaxonomy } from "./taxonomy.js";
import type { LabTable } from "./lab.js";
import { createLabelMap } from "./label-map.js";
import type { LabelMap } from "./label-map.js";
import { classActiveWindows, labelWindows } from "./labels.js";
import type { StemLabelSpec, WindowLabels } from "./labels.js";
import { MIXING_SECRETS_ORIGIN, readTrackMetadata } from "./metadata.js";
import type { TrackMetadata } from "./metadata.js";
import { audioDurationSec, computeTrackActivation, findMix, findStemSources } from "./track-audio.js";
import { definedFields } from "../defined-fields.js";

export type { AnnotationSource } from "./dataset-layout.js";

/** Which dataset a track belongs to (by its `origin`). */
export type DatasetName = "medleydb" | "mixing-secrets";

/** One stem as the labeller saw it. */
export interface TrackStem extends StemLabelSpec {
  /** Labels after the Mixing Secrets label map (= rawLabels for MedleyDB or with the map off). */
  readonly labels: readonly string[];
}

/** A labelled track: everything training, evaluation and statistics need. */
export interface Track {
  /** `<Artist>_<Title>`. */
  readonly id: string;
  readonly dataset: DatasetName;
  readonly artist: string;
  /** Normalised artist key for the split (artist.ts). */
  readonly artistKey: string;
  readonly hasBleed: boolean;
  readonly metadataPath: string;
  readonly metadata: TrackMetadata;
  readonly stems: readonly TrackStem[];
  readonly annotationSource: AnnotationSource;
  /** The `.lab` file read; undefined when computed without a cache. */
  readonly annotationPath: string | undefined;
  /** The mix audio file, when some root has it. */
  readonly mixPath: string | undefined;
  /** Mix duration in seconds from the file header, when the mix exists. */
  readonly mixDurationSec: number | undefined;
  /** Number of `.lab` rows and the last row's time (s). */
  readonly labRows: number;
  readonly labLastTimeSec: number;
  /** 1 s labels: `labels.classes[w * 18 + c]`, w < labels.nWindows. */
  readonly labels: WindowLabels;
  /** Active windows per class (CLASSES order). */
  readonly classActiveWindows: readonly number[];
  /** Indices of the classes active in at least one window. */
  readonly activeClasses: readonly number[];
  /** Active windows per raw YAML label (labels never active are absent). */
  readonly rawLabelActiveWindows: ReadonlyMap<string, number>;
  /** `.lab` columns without a stem (ignored) and stems without a column (never active). */
  readonly unknownColumns: readonly string[];
  readonly missingColumns: readonly string[];
  /** Labels the label map could not decide for this track (per-track strings without override). */
  readonly unresolvedLabels: readonly string[];
}

/** A track that was not kept, and why. */
export interface SkippedTrack {
  readonly track: string;
  readonly reason: string;
}

/** The result of a scan. */
export interface Dataset {
  readonly roots: readonly string[];
  /** Kept tracks, sorted by id. */
  readonly tracks: readonly Track[];
  /** Dropped tracks, sorted by id. */
  readonly skipped: readonly SkippedTrack[];
  /** Version of the Mixing Secrets label map applied; null when disabled. */
  readonly labelMapVersion: string | null;
  readonly filtered: boolean;
}

/** Options of {@link loadDataset}. All optional. */
export interface DatasetOptions {
  /** Keep bleed and class-less tracks. Default false. */
  readonly unfiltered?: boolean;
  /** Mixing Secrets label map; `null` disables it. Default: the shipped table. */
  readonly labelMap?: LabelMap | null;
  /** Drop (with a reason) tracks whose mix audio is not found. Default false. */
  readonly requireMix?: boolean;
  /** Throw on a malformed file instead of skipping the track. Default false. */
  readonly strict?: boolean;
  /** Only these track ids (e.g. a MedleyDB track list); others are ignored silently. */
  readonly trackIds?: ReadonlySet<string>;
  /** Cache folder for activation confidence computed from stems (track-audio.ts). */
  readonly computedLabDir?: string;
  /** Called after each track with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

const TABLA = CLASS_INDEX_BY_LABEL.get("tabla");
const CONCURRENCY = 8;

/**
 * Scans `roots` and returns the labelled tracks. Throws UserError for a missing root, a root with
 * no metadata, or (with `strict`) a malformed file.
 */
export async function loadDataset(roots: readonly string[], opts: DatasetOptions = {}): Promise<Dataset> {
  const layout = await scanLayout(roots);
  const labelMap = opts.labelMap === undefined ? createLabelMap() : opts.labelMap;
  const files = [...layout.metadata.values()]
    .filter((f) => opts.trackIds === undefined || opts.trackIds.has(f.trackId))
    .sort((a, b) => (a.trackId < b.trackId ? -1 : a.trackId > b.trackId ? 1 : 0));
  const tracks: Track[] = [];
  const skipped: SkippedTrack[] = [];
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++] as MetadataFile;
      const r = await loadTrack(layout, file, labelMap, opts);
      if ("reason" in r) skipped.push(r);
      else tracks.push(r);
      opts.onProgress?.(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  await reportNonLeafLabels(roots, tracks);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  tracks.sort((a, b) => cmp(a.id, b.id));
  skipped.sort((a, b) => cmp(a.track, b.track));
  return { roots, tracks, skipped, labelMapVersion: labelMap === null ? null : labelMap.version, filtered: opts.unfiltered !== true };
}

async function loadTrack(
  layout: Layout,
  file: MetadataFile,
  labelMap: LabelMap | null,
  opts: DatasetOptions,
): Promise<Track | SkippedTrack> {
  const id = file.trackId;
  const malformed = (err: unknown): SkippedTrack => {
    if (opts.strict === true || !(err instanceof UserError)) throw err;
    log.warn(`skipping ${id}: ${oneLine(err)}`);
    return { track: id, reason: `malformed: ${oneLine(err)}` };
  };
  let meta: TrackMetadata;
  try {
    meta = await readTrackMetadata(file.path);
  } catch (err) {
    return malformed(err);
  }
  const dataset: DatasetName = meta.origin === MIXING_SECRETS_ORIGIN ? "mixing-secrets" : "medleydb";
  const unresolved = new Set<string>();
  const stems: TrackStem[] = meta.stems.map((s) => {
    const labels =
      dataset === "mixing-secrets" && labelMap !== null ? mapLabels(labelMap, id, s.key, s.instruments, unresolved) : s.instruments;
    const classIndices = [...new Set(labels.map((l) => CLASS_INDEX_BY_LABEL.get(l)).filter((c): c is number => c !== undefined))];
    return { key: s.key, rawLabels: s.instruments, labels, classIndices };
  });
  const filtered = opts.unfiltered !== true;
  if (filtered && meta.hasBleed && !stems.some((s) => TABLA !== undefined && s.classIndices.includes(TABLA))) {
    return { track: id, reason: "has_bleed: yes (bleed tracks are dropped unless they contain tabla)" };
  }
  const dirs = trackAudioDirs(layout, id);
  const mixPath = findMix(meta, dirs);
  if (opts.requireMix === true && mixPath === undefined) {
    return {
      track: id,
      reason: `mix audio ${meta.mixFilename} not found in ${dirs.length === 0 ? `any Audio/${id}/ folder` : dirs.join(", ")}`,
    };
  }
  let table: LabTable;
  let annotationSource: AnnotationSource;
  let annotationPath: string | undefined;
  let mixDurationSec: number | undefined;
  try {
    const found = findAnnotation(layout, id);
    if (found !== undefined) {
      table = await readLab(found.path);
      annotationSource = found.source;
      annotationPath = found.path;
    } else {
      const sources = findStemSources(meta, dirs);
      if (sources === undefined) {
        return { track: id, reason: "no activation-confidence file, and the stem audio to compute one was not found" };
      }
      table = await computeTrackActivation(meta, sources, definedFields({ cacheDir: opts.computedLabDir }));
      annotationSource = "computed";
      annotationPath = undefined;
    }
    if (mixPath !== undefined) mixDurationSec = await audioDurationSec(mixPath);
  } catch (err) {
    return malformed(err);
  }
  const result = labelWindows(table, stems, definedFields({ maxWindows: mixDurationSec }));
  if (result.unknownColumns.length > 0 || result.missingColumns.length > 0) {
    log.warn(
      `${id}: ${annotationPath ?? "computed activation"}: ` +
        [
          result.unknownColumns.length > 0
            ? `${result.unknownColumns.length} column(s) without a stem ignored (${result.unknownColumns.join(", ")})`
            : "",
          result.missingColumns.length > 0
            ? `${result.missingColumns.length} stem(s) without a column never active (${result.missingColumns.join(", ")})`
            : "",
        ]
          .filter((s) => s !== "")
          .join("; "),
    );
  }
  if (unresolved.size > 0)
    log.debug(`${id}: label map ${labelMap?.version ?? ""} has no per-track decision for ${[...unresolved].join(", ")}`);
  const counts = classActiveWindows(result);
  const activeClasses = CLASSES.filter((c) => (counts[c.index] as number) > 0).map((c) => c.index);
  // Synthetic songs are kept: the generator knows what it played, and a song of non-class
  // instruments only (synth --realism extra) is a deliberate "none of the 18" example.
  if (filtered && activeClasses.length === 0 && meta.origin !== "Synthetic") {
    return { track: id, reason: `none of the 18 classes is active in any of its ${result.nWindows} windows` };
  }
  const n = table.times.length;
  return {
    id,
    dataset,
    artist: meta.artist,
    artistKey: artistKey(meta.artist, id),
    hasBleed: meta.hasBleed,
    metadataPath: file.path,
    metadata: meta,
    stems,
    annotationSource,
    annotationPath,
    mixPath,
    mixDurationSec,
    labRows: n,
    labLastTimeSec: n === 0 ? 0 : (table.times[n - 1] as number),
    labels: { nWindows: result.nWindows, classes: result.classes },
    classActiveWindows: counts,
    activeClasses,
    rawLabelActiveWindows: result.rawLabelActiveWindows,
    unknownColumns: result.unknownColumns,
    missingColumns: result.missingColumns,
    unresolvedLabels: [...unresolved],
  };
}

/** Logs (debug) the stem labels, after the map, that are not taxonomy leaves, when a taxonomy.yaml is found. */
async function reportNonLeafLabels(roots: readonly string[], tracks: readonly Track[]): Promise<void> {
  const path = findTaxonomyFile(roots);
  if (path === undefined) return;
  try {
    const { leaves } = await readTaxonomy(path);
    const odd = new Set(tracks.flatMap((t) => t.stems.flatMap((s) => s.labels)).filter((l) => !leaves.has(l)));
    if (odd.size > 0) log.debug(`${odd.size} stem label(s) are not leaves of ${path}: ${[...odd].sort().join(", ")}`);
  } catch (err) {
    log.warn(`ignoring the taxonomy: ${oneLine(err)}`);
  }
}

function mapLabels(map: LabelMap, track: string, stem: string, labels: readonly string[], unresolved: Set<string>): string[] {
  const out: string[] = [];
  for (const l of labels) {
    const m = map.map(track, stem, l);
    if (!m.resolved) unresolved.add(`${stem}:${l}`);
    if (m.to !== null) out.push(m.to);
  }
  return out;
}

/** A track ready for training or evaluation: id, mix file and its 1 s labels. */
export interface LabelledMix {
  readonly id: string;
  readonly artistKey: string;
  readonly mixPath: string;
  readonly labels: WindowLabels;
}

/**
 * The call the training code makes: kept tracks that have mix audio, as (id, mix path, labels).
 * Tracks without a mix are left out (load with `requireMix: true` to see them in `skipped`).
 */
export function labelledMixes(ds: Dataset): LabelledMix[] {
  return ds.tracks.flatMap((t) =>
    t.mixPath === undefined ? [] : [{ id: t.id, artistKey: t.artistKey, mixPath: t.mixPath, labels: t.labels }],
  );
}
