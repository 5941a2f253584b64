/**
 * Text the catalog commands print: query answers as table / CSV / JSON, `status` lines and its
 * progress bar. Pure functions of their inputs (the CLI writes them).
 */
import { csvField } from "../analyze/formats/data.js";
import type { CatalogCounts } from "./index-store.js";
import type { QueryResult } from "./query-run.js";
import { runProgress } from "./runs.js";
import type { RunRow } from "./runs.js";

/** Output formats of `query` and `export`. */
export const REPORT_FORMATS = ["table", "csv", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const fix = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : "");

/** "1 h 02 min", "3 min 20 s", "42 s" for a duration in seconds. */
export function humanDuration(sec: number): string {
  if (!Number.isFinite(sec)) return "?";
  const s = Math.round(sec);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

/** Left-aligned text columns (numbers right-aligned), two spaces apart. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[0-9.]*$/.test(r[i] ?? "")));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric[i] === true ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",") + "\n").join("");
}

/** A query's answer in `format`; `modelId` names the results it was asked of. */
export function formatQuery(r: QueryResult, format: ReportFormat, query: string, modelId: string): string {
  if (format === "json") {
    const tracks =
      r.kind === "tracks"
        ? r.hits.map((h) => ({ path: h.path, paths: h.paths, hash: h.hash, durationSec: h.durationSec, top: h.top, classes: h.classes }))
        : r.hits.map((h) => ({
            path: h.path,
            paths: h.paths,
            hash: h.hash,
            durationSec: h.durationSec,
            totalSec: Number(h.totalSec.toFixed(6)),
            stretches: h.stretches,
          }));
    return (
      JSON.stringify(
        { query, model: modelId, kind: r.kind, ...(r.kind === "when" ? { minSec: r.minSec } : {}), count: r.hits.length, tracks },
        null,
        2,
      ) + "\n"
    );
  }
  if (r.kind === "tracks") {
    const header = [
      "path",
      ...(format === "csv" ? ["hash", "duration_sec"] : ["duration"]),
      "top",
      ...r.classes.flatMap((c) => [`${c}_sec`, `${c}_score`]),
    ];
    const rows = r.hits.map((h) => [
      h.path,
      ...(format === "csv" ? [h.hash, String(h.durationSec)] : [humanDuration(h.durationSec)]),
      h.top ?? "",
      ...r.classes.flatMap((c) => {
        const f = h.classes[c];
        return format === "csv"
          ? [String(f?.activeSec ?? ""), String(f?.score ?? "")]
          : [fix(f?.activeSec ?? Number.NaN, 1), fix(f?.score ?? Number.NaN, 3)];
      }),
    ]);
    return format === "csv" ? csv(header, rows) : textTable(header, rows) + `${r.hits.length} track(s)\n`;
  }
  const header = format === "csv" ? ["path", "hash", "start_sec", "end_sec", "seconds"] : ["path", "start", "end", "seconds"];
  const rows = r.hits.flatMap((h) =>
    h.stretches.map((s) =>
      format === "csv"
        ? [h.path, h.hash, String(s.start), String(s.end), String(Number((s.end - s.start).toFixed(6)))]
        : [h.path, fix(s.start, 1), fix(s.end, 1), fix(s.end - s.start, 1)],
    ),
  );
  if (format === "csv") return csv(header, rows);
  const total = r.hits.reduce((s, h) => s + h.totalSec, 0);
  return textTable(header, rows) + `${rows.length} stretch(es) in ${r.hits.length} track(s), ${humanDuration(total)} in all\n`;
}

/** A text progress bar, e.g. `[#########-----------] 45%`. */
export function bar(fraction: number, width = 30): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const n = Math.round(f * width);
  return `[${"#".repeat(n)}${"-".repeat(width - n)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/** The progress line of a live run: bar, counts, speed and ETA. */
export function runLine(r: RunRow, nowMs = Date.now()): string {
  const p = runProgress(r, nowMs);
  const eta = Number.isNaN(p.etaSec) ? "ETA –" : `ETA ${humanDuration(p.etaSec)}`;
  return `${bar(p.fraction)} ${r.done + r.failed}/${r.total} tracks, ${p.audioRtf.toFixed(0)}x real time, ${eta} (${r.mode} run, ${r.owner})`;
}

/** `status`'s summary lines. */
export function statusLines(
  dir: string,
  model: { key: string; id: string },
  c: CatalogCounts,
  live: RunRow | undefined,
  last: RunRow | undefined,
): string[] {
  const lines = [
    `catalog ${dir}, model ${model.id} (key ${model.key})`,
    `${c.files} file(s) registered, ${c.tracks} unique content(s)`,
    `done ${c.done} (${humanDuration(c.doneAudioSec)} of audio), failed ${c.failed}, pending ${c.pending}`,
  ];
  if (live !== undefined) lines.push(`running: ${runLine(live)}`);
  else if (last !== undefined) {
    const p = runProgress(last);
    const ended = last.finishedMs === null ? "stopped without finishing (killed?)" : `finished ${new Date(last.finishedMs).toISOString()}`;
    lines.push(
      `last run: ${last.mode}, ${last.done} done, ${last.failed} failed of ${last.total}, ${p.audioRtf.toFixed(0)}x real time, ${ended}`,
    );
  }
  return lines;
}
