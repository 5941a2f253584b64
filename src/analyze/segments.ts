/**
 * Per-class active segments: runs of consecutive active rows merged into [startSec, endSec).
 * The basis of the label-track, region, MIDI and JAMS exports and of the terminal table.
 */
import type { AnalysisRow } from "./rows.js";

/** One stretch of time during which a class is active. */
export interface Segment {
  /** Column (class) index in the analysis' label order. */
  readonly column: number;
  /** Start, seconds (the first active row's start). */
  readonly startSec: number;
  /** End (exclusive), seconds (the last active row's end). */
  readonly endSec: number;
  /** Highest pooled score inside the segment, [0, 1]. */
  readonly peak: number;
}

/**
 * Merges runs of active rows per class. Rows are in time order; two active rows are one run when
 * they are adjacent in the list (a gap in time between them does not split the run only if the
 * rows touch or overlap: a row starting after the previous row's end starts a new segment).
 * Segments are sorted by start, then column.
 */
export function activeSegments(rows: readonly AnalysisRow[], nColumns: number): Segment[] {
  const out: Segment[] = [];
  for (let c = 0; c < nColumns; c++) {
    let open: { startSec: number; endSec: number; peak: number } | undefined;
    for (const row of rows) {
      const on = row.active[c] === 1;
      if (on && open !== undefined && row.startSec <= open.endSec + 1e-9) {
        open.endSec = Math.max(open.endSec, row.endSec);
        open.peak = Math.max(open.peak, row.scores[c] as number);
        continue;
      }
      if (open !== undefined) out.push({ column: c, ...open });
      open = on ? { startSec: row.startSec, endSec: row.endSec, peak: row.scores[c] as number } : undefined;
    }
    if (open !== undefined) out.push({ column: c, ...open });
  }
  return out.sort((a, b) => a.startSec - b.startSec || a.column - b.column);
}

/** Total active time per column, seconds (segments of one column never overlap). */
export function activeSeconds(segments: readonly Segment[], nColumns: number): Float64Array {
  const total = new Float64Array(nColumns);
  for (const s of segments) total[s.column] = (total[s.column] as number) + (s.endSec - s.startSec);
  return total;
}
