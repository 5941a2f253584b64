/**
 * Where MedleyDB-format files live (docs/datasets.md §1, §8). One or more roots, mixed freely:
 *
 * - MedleyDB code repo: `<root>/medleydb/data/{Metadata,Annotations/Activation_Confidence/{v2,original}}`
 *   (or `<root>` = that `data` folder, or the fixtures' `medleydb/`);
 * - Mixing Secrets repo: `<root>/metadata/`, `<root>/annotations/`, and a second metadata copy in
 *   `<root>/Medley_Format/Audio/<T>/`;
 * - audio: `<root>/Audio/<T>/` or `<root>/Medley_Format/Audio/<T>/` (or `<root>` = the Audio
 *   folder itself), holding `<mix_filename>`, `<stem_dir>/<filename>`, `<raw_dir>/<filename>`.
 *
 * Paths inside a track folder are always built from the YAML, never from a pattern.
 */
import { existsSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { InputFileError } from "../errors.js";
import { LAB_SUFFIX } from "./lab.js";
import { METADATA_SUFFIX } from "./metadata.js";

/** Which activation-confidence file a track's labels come from. */
export type AnnotationSource = "v2" | "original" | "mixing-secrets" | "computed";

/** A metadata file found under a root. */
export interface MetadataFile {
  readonly trackId: string;
  readonly path: string;
  /** 0 = a `Metadata/`/`metadata/` folder (maintained copy), 1 = a copy inside a track folder. */
  readonly rank: number;
}

/** What was found under the roots. */
export interface Layout {
  readonly roots: readonly string[];
  /** Base folders searched (each root and its `medleydb/data` when present). */
  readonly bases: readonly string[];
  /** One metadata file per track id: the lowest rank wins, then the earlier root. */
  readonly metadata: ReadonlyMap<string, MetadataFile>;
}

/** Folders under a base that hold track folders (`<T>/`). */
const AUDIO_DIRS = ["Audio", "Medley_Format/Audio", "."];

/** Scans the roots. Throws for a missing root, or a root with no metadata, annotation or audio folder. */
export async function scanLayout(roots: readonly string[]): Promise<Layout> {
  if (roots.length === 0) throw new InputFileError("(no root)", "give at least one dataset root");
  const bases: string[] = [];
  const metadata = new Map<string, MetadataFile>();
  for (const root of roots) {
    if (!isDir(root)) throw new InputFileError(root, existsSync(root) ? "dataset root is not a folder" : "dataset root not found");
    const rootBases = [root, join(root, "medleydb", "data")].filter(isDir);
    bases.push(...rootBases);
    let found = 0;
    let otherDirs = 0; // audio or annotation folders: a root may hold only those
    for (const base of rootBases) {
      for (const d of ["Annotations", "annotations", "Audio", "Medley_Format/Audio"]) if (isDir(join(base, d))) otherDirs++;
    }
    for (const base of rootBases) {
      for (const dir of ["Metadata", "metadata"]) {
        for (const f of await listFiles(join(base, dir), METADATA_SUFFIX)) {
          found++;
          offer(metadata, { trackId: f.slice(0, -METADATA_SUFFIX.length), path: join(base, dir, f), rank: 0 });
        }
      }
      for (const audio of AUDIO_DIRS) {
        const dir = join(base, audio);
        for (const t of await listDirs(dir)) {
          const p = join(dir, t, `${t}${METADATA_SUFFIX}`);
          if (existsSync(p)) {
            found++;
            offer(metadata, { trackId: t, path: p, rank: 1 });
          }
        }
      }
    }
    if (found === 0 && otherDirs === 0) {
      throw new InputFileError(
        root,
        `no *${METADATA_SUFFIX} found (looked in Metadata/, metadata/, Audio/<T>/, Medley_Format/Audio/<T>/, medleydb/data/) and no Annotations/ or Audio/ folder`,
      );
    }
  }
  if (metadata.size === 0) {
    throw new InputFileError(roots.join(", "), `no *${METADATA_SUFFIX} found under any root`);
  }
  return { roots, bases, metadata };
}

function offer(map: Map<string, MetadataFile>, f: MetadataFile): void {
  const prev = map.get(f.trackId);
  if (prev === undefined || f.rank < prev.rank) map.set(f.trackId, f);
}

/** The activation-confidence file of a track: v2, then original, then Mixing Secrets' `annotations/`. */
export function findAnnotation(layout: Layout, trackId: string): { path: string; source: AnnotationSource } | undefined {
  const name = `${trackId}${LAB_SUFFIX}`;
  const order: ReadonlyArray<readonly [string, AnnotationSource]> = [
    ["Annotations/Activation_Confidence/v2", "v2"],
    ["Annotations/Activation_Confidence/original", "original"],
    ["annotations", "mixing-secrets"],
  ];
  for (const [dir, source] of order) {
    for (const base of layout.bases) {
      const p = join(base, dir, name);
      if (existsSync(p)) return { path: p, source };
    }
  }
  return undefined;
}

/** Track folders that exist for `trackId`, in root order (audio may be split over several). */
export function trackAudioDirs(layout: Layout, trackId: string): string[] {
  const out: string[] = [];
  for (const base of layout.bases) {
    for (const audio of AUDIO_DIRS) {
      const p = join(base, audio, trackId);
      if (isDir(p) && !out.includes(p)) out.push(p);
    }
  }
  return out;
}

/** The first existing `<dir>/<rel>` over the track folders, or undefined. */
export function findInTrackDirs(dirs: readonly string[], ...rel: string[]): string | undefined {
  for (const d of dirs) {
    const p = join(d, ...rel);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function listFiles(dir: string, suffix: string): Promise<string[]> {
  if (!isDir(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => e.name)
    .sort();
}

async function listDirs(dir: string): Promise<string[]> {
  if (!isDir(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
