/**
 * Machine-readable exports of the rows: JSON (one document for all files, with segments), JSONL
 * (one object per row) and CSV (one line per row, a score column and an active column per class).
 * Scores are the raw model outputs max-pooled to the resolution; times are seconds. JSON's
 * `segments` are the ones every segment export writes (see FileAnalysis.segmentSource);
 * `rawSegments` are always the runs of active rows.
 */
import { findClass } from "../../data/classes.js";
import type { FileAnalysis } from "../rows.js";
import { activeSegments } from "../segments.js";
import type { Segment } from "../segments.js";

/** Digits kept for times (1 µs) and scores. */
const TIME_DIGITS = 6;
const SCORE_DIGITS = 6;
const t = (sec: number): number => Number(sec.toFixed(TIME_DIGITS));
const sc = (v: number): number => Number(v.toFixed(SCORE_DIGITS));

/**
 * One JSON document: { model, resolution, hopSec, files: [{ file, durationSec, classes, labels,
 * thresholds, rows, segments, segmentSource, rawSegments }] }.
 */
export function formatJson(analyses: readonly FileAnalysis[]): string {
  const first = analyses[0];
  const doc = {
    model: first?.modelId ?? null,
    resolution: first?.resolution ?? null,
    hopSec: first?.hopSec ?? null,
    files: analyses.map((a) => ({
      file: a.file,
      durationSec: t(a.durationSec),
      classes: a.classIds,
      // The classes' MedleyDB taxonomy names (the paper's class names) beside the ids, whatever the model's labels are.
      labels: a.classIds.map((id, c) => findClass(id)?.label ?? (a.labels[c] as string)),
      thresholds: a.thresholds.map(sc),
      rows: a.rows.map((r) => ({ start: t(r.startSec), end: t(r.endSec), scores: Array.from(r.scores, sc), active: Array.from(r.active) })),
      segments: a.segments.map(segmentJson(a)),
      segmentSource: a.segmentSource,
      rawSegments: activeSegments(a.rows, a.labels.length).map(segmentJson(a)),
    })),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

function segmentJson(a: FileAnalysis): (s: Segment) => { class: string | undefined; start: number; end: number; peak: number } {
  return (s) => ({ class: a.classIds[s.column], start: t(s.startSec), end: t(s.endSec), peak: sc(s.peak) });
}

/** One line per row: { file, start, end, scores: { classId: score }, active: [classId...] }. */
export function formatJsonl(analyses: readonly FileAnalysis[]): string {
  const lines: string[] = [];
  for (const a of analyses) {
    for (const r of a.rows) {
      const scores = Object.fromEntries(a.classIds.map((id, c) => [id, sc(r.scores[c] as number)]));
      const active = a.classIds.filter((_, c) => r.active[c] === 1);
      lines.push(JSON.stringify({ file: a.file, start: t(r.startSec), end: t(r.endSec), scores, active }));
    }
  }
  return lines.map((l) => l + "\n").join("");
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header `file,start,end,<id>...,<id>_active...`, then one line per row of every file. */
export function formatCsv(analyses: readonly FileAnalysis[]): string {
  const ids = analyses[0]?.classIds ?? [];
  const lines = [["file", "start", "end", ...ids, ...ids.map((id) => `${id}_active`)].map(csvField).join(",")];
  for (const a of analyses) {
    for (const r of a.rows) {
      const cells = [
        csvField(a.file),
        String(t(r.startSec)),
        String(t(r.endSec)),
        ...Array.from(r.scores, (v) => String(sc(v))),
        ...Array.from(r.active, String),
      ];
      lines.push(cells.join(","));
    }
  }
  return lines.map((l) => l + "\n").join("");
}
