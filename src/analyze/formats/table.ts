/**
 * The default terminal output: per file, the instruments found (most active time first) with their
 * time ranges, so a reader sees at a glance what plays where.
 */
import { findClass } from "../../data/classes.js";
import type { FileAnalysis } from "../rows.js";
import { activeSeconds } from "../segments.js";

/** `m:ss.s` (or `h:mm:ss.s` past an hour) for a time in seconds. */
export function clock(sec: number): string {
  const tenths = Math.round(sec * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Display name of a label (the class's name when it is one of the 18, else the label). */
export function displayName(label: string): string {
  return findClass(label)?.name ?? label;
}

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** At most this many instruments per file. Default 10. */
  readonly top?: number;
  /** At most this many time ranges per instrument before "...". Default 6. */
  readonly maxRanges?: number;
}

/** Renders the human-readable summary of one file as lines (no trailing newline). */
export function formatTable(a: FileAnalysis, opts: TableOptions = {}): string[] {
  const top = opts.top ?? 10;
  const maxRanges = opts.maxRanges ?? 6;
  const n = a.labels.length;
  const segments = a.segments;
  const total = activeSeconds(segments, n);
  const peak = new Float64Array(n);
  for (const row of a.rows) for (let c = 0; c < n; c++) peak[c] = Math.max(peak[c] as number, row.scores[c] as number);
  const res = typeof a.resolution === "string" ? a.resolution : `${a.resolution} s`;
  const lines = [`${a.file}  (${clock(a.durationSec)}, ${a.rows.length} row(s) at ${res}, model ${a.modelId})`];
  const order = [...Array(n).keys()]
    .filter((c) => (total[c] as number) > 0)
    .sort((x, y) => (total[y] as number) - (total[x] as number) || (peak[y] as number) - (peak[x] as number));
  if (order.length === 0) {
    const best = [...Array(n).keys()].sort((x, y) => (peak[y] as number) - (peak[x] as number))[0];
    const hint = best === undefined ? "" : `; highest: ${displayName(a.labels[best] as string)} ${(peak[best] as number).toFixed(2)}`;
    lines.push(`  no instrument above its threshold${hint}`);
    return lines;
  }
  const width = Math.max(...order.slice(0, top).map((c) => displayName(a.labels[c] as string).length));
  for (const c of order.slice(0, top)) {
    const ranges = segments.filter((s) => s.column === c).map((s) => `${clock(s.startSec)}-${clock(s.endSec)}`);
    const shown = ranges.length > maxRanges ? [...ranges.slice(0, maxRanges), `... (${ranges.length - maxRanges} more)`] : ranges;
    const pct = a.durationSec > 0 ? Math.round((100 * (total[c] as number)) / a.durationSec) : 0;
    lines.push(
      `  ${displayName(a.labels[c] as string).padEnd(width)}  ${String(pct).padStart(3)}%  peak ${(peak[c] as number).toFixed(2)}  ${shown.join(", ")}`,
    );
  }
  if (order.length > top) lines.push(`  ... and ${order.length - top} more instrument(s)`);
  return lines;
}
