/**
 * Dataset statistics for `timbrescope dataset stats`: tracks, windows, and per raw label and per
 * class the number of tracks in which it is active in at least one window and its active
 * windows. Raw labels are the YAML strings as written (before the label map); classes are the 18
 * outputs (after it).
 */
import { CLASSES } from "./classes.js";
import type { Dataset, SkippedTrack } from "./dataset.js";

/** Tracks in which a label is active (>= 1 window), and its active windows summed over them. */
export interface LabelCount {
  tracks: number;
  activeWindows: number;
}

/** The `--json` document, in this key order. */
export interface DatasetStats {
  tracks: number;
  windows: number;
  /** Every raw label that occurs on a stem of a kept track, sorted; never-active labels have zeros. */
  labels: Record<string, LabelCount>;
  /** All 18 classes, in output order. */
  classes: Record<string, LabelCount>;
  skipped: SkippedTrack[];
}

/** Computes the statistics of a loaded dataset. */
export function datasetStats(ds: Dataset): DatasetStats {
  const labels = new Map<string, LabelCount>();
  let windows = 0;
  for (const t of ds.tracks) {
    windows += t.labels.nWindows;
    for (const l of new Set(t.stems.flatMap((s) => s.rawLabels))) {
      const entry = labels.get(l) ?? { tracks: 0, activeWindows: 0 };
      const n = t.rawLabelActiveWindows.get(l) ?? 0;
      if (n > 0) {
        entry.tracks++;
        entry.activeWindows += n;
      }
      labels.set(l, entry);
    }
  }
  const classes: Record<string, LabelCount> = {};
  for (const c of CLASSES) {
    const active = ds.tracks.map((t) => t.classActiveWindows[c.index] ?? 0).filter((n) => n > 0);
    classes[c.label] = { tracks: active.length, activeWindows: active.reduce((s, n) => s + n, 0) };
  }
  const sortedLabels: Record<string, LabelCount> = {};
  for (const l of [...labels.keys()].sort()) sortedLabels[l] = labels.get(l) as LabelCount;
  return {
    tracks: ds.tracks.length,
    windows,
    labels: sortedLabels,
    classes,
    skipped: ds.skipped.map((s) => ({ track: s.track, reason: s.reason })),
  };
}

/** A readable report: totals, the class table, the raw-label table and the skipped tracks. */
export function formatStatsTable(stats: DatasetStats, ds: Pick<Dataset, "labelMapVersion" | "filtered">): string {
  const hours = (stats.windows / 3600).toFixed(2);
  const lines = [
    `${stats.tracks} tracks, ${stats.windows} windows of 1 s (${hours} h); ` +
      `label map: ${ds.labelMapVersion ?? "off"}; filters: ${ds.filtered ? "bleed (tabla kept), no class" : "off"}`,
    "",
    table(
      ["class", "tracks", "active s"],
      Object.entries(stats.classes).map(([k, v]) => [k, v.tracks, v.activeWindows]),
    ),
    "",
    table(
      ["raw label", "tracks", "active s"],
      Object.entries(stats.labels).map(([k, v]) => [k, v.tracks, v.activeWindows]),
    ),
  ];
  if (stats.skipped.length > 0) {
    lines.push("", `skipped ${stats.skipped.length}:`);
    for (const s of stats.skipped) lines.push(`  ${s.track}: ${s.reason}`);
  }
  return lines.join("\n") + "\n";
}

function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? "").length)));
  return cells.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j] ?? 0) : c.padStart(widths[j] ?? 0))).join("  ")).join("\n");
}
