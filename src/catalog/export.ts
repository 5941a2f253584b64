/**
 * `catalog export`: every track of one model from the index, as JSON lines (default: one object per
 * content with paths, status, tags, segments and where its per-window scores are), one JSON
 * document, or CSV (one row per track with seconds and score per class; with `segments`, one row
 * per segment).
 */
import type { Database as Db } from "better-sqlite3";
import { join } from "node:path";
import { csvField } from "../analyze/formats/data.js";

/** Export formats. */
export const EXPORT_FORMATS = ["jsonl", "json", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One exported track. */
export interface ExportTrack {
  readonly path: string;
  readonly paths: readonly string[];
  readonly hash: string;
  readonly status: "done" | "failed";
  readonly reason?: string;
  readonly durationSec?: number;
  readonly windows?: number;
  readonly top?: string | null;
  readonly tags?: Readonly<Record<string, { score: number; active: boolean; activeSec: number }>>;
  readonly segments?: readonly { class: string; start: number; end: number; peak: number }[];
  /** The result JSON and the float16 scores .npy, absolute paths. */
  readonly result?: string;
  readonly scores?: string;
}

interface Row {
  hash: string;
  status: "done" | "failed";
  reason: string | null;
  duration: number | null;
  windows: number | null;
  top: string | null;
  result: string | null;
  paths: string;
}

/** Reads every indexed track of `modelKey` that has a registered path, sorted by path. */
export function exportTracks(db: Db, modelKey: string, resultsDir: string): ExportTrack[] {
  const rows = db
    .prepare(
      `SELECT t.hash AS hash, t.status AS status, t.reason AS reason, t.duration_sec AS duration, t.windows AS windows,
    t.top_class AS top, t.result AS result, (SELECT group_concat(f.path, char(10)) FROM files f WHERE f.hash = t.hash) AS paths
    FROM tracks t WHERE t.model_key = ? AND EXISTS (SELECT 1 FROM files f WHERE f.hash = t.hash)`,
    )
    .all(modelKey) as Row[];
  const tags = new Map<string, Record<string, { score: number; active: boolean; activeSec: number }>>();
  for (const g of db
    .prepare("SELECT hash, class_id AS cls, score, active, active_sec AS sec FROM tags WHERE model_key = ?")
    .iterate(modelKey) as Iterable<{ hash: string; cls: string; score: number; active: number; sec: number }>) {
    const rec = tags.get(g.hash) ?? {};
    rec[g.cls] = { score: g.score, active: g.active === 1, activeSec: g.sec };
    tags.set(g.hash, rec);
  }
  const segs = new Map<string, { class: string; start: number; end: number; peak: number }[]>();
  for (const s of db
    .prepare(
      "SELECT hash, class_id AS cls, start_sec AS start, end_sec AS end, peak FROM segments WHERE model_key = ? ORDER BY hash, start_sec, class_id",
    )
    .iterate(modelKey) as Iterable<{ hash: string; cls: string; start: number; end: number; peak: number }>) {
    const list = segs.get(s.hash) ?? [];
    list.push({ class: s.cls, start: s.start, end: s.end, peak: s.peak });
    segs.set(s.hash, list);
  }
  const out = rows.map((r): ExportTrack => {
    const paths = r.paths.split("\n").sort();
    const base = { path: paths[0] as string, paths, hash: r.hash };
    if (r.status === "failed") return { ...base, status: "failed", reason: r.reason ?? "" };
    const result = r.result === null ? undefined : join(resultsDir, r.result);
    return {
      ...base,
      status: "done",
      durationSec: r.duration ?? 0,
      windows: r.windows ?? 0,
      top: r.top,
      tags: tags.get(r.hash) ?? {},
      segments: segs.get(r.hash) ?? [],
      ...(result === undefined ? {} : { result, scores: result.replace(/\.json$/, ".scores.npy") }),
    };
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Formats exported tracks.
 * @param classes class ids in model order (CSV columns)
 * @param segments CSV / JSONL: one row per segment instead of per track
 */
export function formatExport(
  tracks: readonly ExportTrack[],
  format: ExportFormat,
  model: { key: string; id: string },
  classes: readonly string[],
  segments = false,
): string {
  if (format === "json") return JSON.stringify({ model: model.id, modelKey: model.key, classes, tracks }, null, 2) + "\n";
  if (segments) {
    const rows = tracks.flatMap((t) => (t.segments ?? []).map((s) => ({ path: t.path, hash: t.hash, ...s })));
    if (format === "jsonl") return rows.map((r) => JSON.stringify(r) + "\n").join("");
    return [
      "path,hash,class,start_sec,end_sec,peak\n",
      ...rows.map((r) => [r.path, r.hash, r.class, String(r.start), String(r.end), String(r.peak)].map(csvField).join(",") + "\n"),
    ].join("");
  }
  if (format === "jsonl") return tracks.map((t) => JSON.stringify(t) + "\n").join("");
  const header = [
    "path",
    "hash",
    "status",
    "reason",
    "duration_sec",
    "top",
    ...classes.map((c) => `${c}_sec`),
    ...classes.map((c) => `${c}_score`),
  ];
  const lines = tracks.map(
    (t) =>
      [
        t.path,
        t.hash,
        t.status,
        t.reason ?? "",
        t.durationSec === undefined ? "" : String(t.durationSec),
        t.top ?? "",
        ...classes.map((c) => (t.tags?.[c] === undefined ? "" : String(t.tags[c].activeSec))),
        ...classes.map((c) => (t.tags?.[c] === undefined ? "" : String(t.tags[c].score))),
      ]
        .map(csvField)
        .join(",") + "\n",
  );
  return header.join(",") + "\n" + lines.join("");
}
