/**
 * The audio side of a track: its mix (for the window count) and its stems (to compute activation
 * confidence when no `.lab` file exists). Paths come from the YAML (`mix_filename`,
 * `stem_dir`/`filename`, `raw_dir`/`filename`), looked up in every track folder found under the
 * roots, because metadata and audio often sit in different roots.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { log } from "../log.js";
import { activationFromEnvelopes, MEDLEYDB_ACTIVATION_PARAMS, stemEnvelope } from "./activation-conf.js";
import { findInTrackDirs } from "./dataset-layout.js";
import { formatLab, LAB_SUFFIX, parseLab } from "./lab.js";
import type { LabTable } from "./lab.js";
import type { StemMetadata, TrackMetadata } from "./metadata.js";

/** Where one stem's audio is: its stem file, or (Mixing Secrets) the raws it is the mean of. */
export type StemSource = { readonly kind: "stem"; readonly path: string } | { readonly kind: "raws"; readonly paths: readonly string[] };

/** The mix file of a track, if any track folder has it. */
export function findMix(meta: TrackMetadata, dirs: readonly string[]): string | undefined {
  return meta.mixFilename === "" ? undefined : findInTrackDirs(dirs, meta.mixFilename);
}

/**
 * Audio sources of every stem, or undefined when some stem has neither its stem file nor all of
 * its raws. Mixing Secrets builds a grouped stem as the mean of its raws (docs/datasets.md §8), so the raws
 * stand in for a missing stem file.
 */
export function findStemSources(meta: TrackMetadata, dirs: readonly string[]): Map<string, StemSource> | undefined {
  const out = new Map<string, StemSource>();
  for (const stem of meta.stems) {
    const src = stemSource(meta, stem, dirs);
    if (src === undefined) return undefined;
    out.set(stem.key, src);
  }
  return out;
}

function stemSource(meta: TrackMetadata, stem: StemMetadata, dirs: readonly string[]): StemSource | undefined {
  const path = findInTrackDirs(dirs, meta.stemDir, stem.filename);
  if (path !== undefined) return { kind: "stem", path };
  if (stem.raws.length === 0 || meta.rawDir === "") return undefined;
  const paths = stem.raws.map((r) => findInTrackDirs(dirs, meta.rawDir, r.filename));
  return paths.every((p): p is string => p !== undefined) ? { kind: "raws", paths } : undefined;
}

/** Duration of a file in seconds, from its header. */
export async function audioDurationSec(path: string): Promise<number> {
  // imported on first use: a scan of annotation-only roots never loads the decoders
  const { probeAudio } = await import("../audio/probe.js");
  const info = await probeAudio(path);
  return info.frames / info.sampleRateHz;
}

/** Options of {@link computeTrackActivation}. */
export interface ComputeOptions {
  /**
   * Folder for computed `.lab` files: read `<dir>/<T>_ACTIVATION_CONF.lab` when present,
   * otherwise compute and write it there. Default: compute every time, write nothing.
   */
  readonly cacheDir?: string;
}

/**
 * Activation confidence of a track computed from its stems with MedleyDB's recipe (44.1 kHz mono
 * stems, see activation-conf.ts). Columns are the stem keys in YAML order.
 */
export async function computeTrackActivation(
  meta: TrackMetadata,
  sources: ReadonlyMap<string, StemSource>,
  opts: ComputeOptions = {},
): Promise<LabTable> {
  const cached = opts.cacheDir === undefined ? undefined : join(opts.cacheDir, `${meta.id}${LAB_SUFFIX}`);
  if (cached !== undefined && existsSync(cached)) return parseLab(await readFile(cached, "utf8"), cached);
  log.info(`${meta.id}: no activation-confidence file; computing it from ${meta.stems.length} stems`);
  const params = MEDLEYDB_ACTIVATION_PARAMS;
  // one stem in memory at a time: a long track has ~190 MB of float32 per stem at 44.1 kHz
  const envelopes: { key: string; envelope: Float64Array }[] = [];
  for (const stem of meta.stems) {
    const src = sources.get(stem.key);
    if (src === undefined) throw new Error(`${meta.id}: no audio source for stem ${stem.key}`);
    envelopes.push({ key: stem.key, envelope: stemEnvelope(await loadStem(src, params.sampleRateHz), params.winLen) });
  }
  const table = activationFromEnvelopes(envelopes, params);
  if (cached !== undefined && opts.cacheDir !== undefined) {
    await mkdir(opts.cacheDir, { recursive: true });
    await writeFile(cached, formatLab(table));
  }
  return table;
}

async function loadStem(src: StemSource, sampleRateHz: number): Promise<Float32Array> {
  const { loadMono } = await import("../audio/load.js");
  if (src.kind === "stem") return (await loadMono(src.path, { sampleRateHz })).samples;
  const raws = await Promise.all(src.paths.map(async (p) => (await loadMono(p, { sampleRateHz })).samples));
  const n = Math.max(...raws.map((r) => r.length));
  const mean = new Float32Array(n);
  // float32 running sum, then divide: as generate_yaml.py's make_stem did with librosa's float32
  for (const r of raws) for (let i = 0; i < r.length; i++) mean[i] = (mean[i] as number) + (r[i] as number);
  for (let i = 0; i < n; i++) mean[i] = (mean[i] as number) / raws.length;
  return mean;
}
