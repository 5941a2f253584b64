/**
 * Renders a [rows][cols] dB matrix as a terminal heat-map (pure: returns lines). Used by `inspect`
 * to show a mel spectrogram without leaving the terminal.
 */
const RAMP = " .:-=+*#%@";

export interface HeatmapOptions {
  /** Output rows (frequency groups), top = highest. Default 16. */
  readonly height?: number;
  /** Output columns (time groups). Default 64. */
  readonly width?: number;
  /** Dynamic range shown below the maximum, dB. Default 60. */
  readonly rangeDb?: number;
}

/**
 * Max-pools `data` ([nRows][nCols] row-major, row 0 = lowest band) into height x width cells and maps
 * each to a character from quiet (space) to loud (@).
 */
export function renderHeatmap(data: ArrayLike<number>, nRows: number, nCols: number, opts: HeatmapOptions = {}): string[] {
  const height = Math.min(opts.height ?? 16, nRows);
  const width = Math.max(1, Math.min(opts.width ?? 64, nCols));
  const rangeDb = opts.rangeDb ?? 60;
  const cells = new Float64Array(height * width).fill(-Infinity);
  let top = -Infinity;
  for (let r = 0; r < nRows; r++) {
    const y = Math.min(height - 1, Math.floor((r * height) / nRows));
    for (let c = 0; c < nCols; c++) {
      const x = Math.min(width - 1, Math.floor((c * width) / nCols));
      const v = data[r * nCols + c] as number;
      const i = y * width + x;
      if (v > (cells[i] as number)) cells[i] = v;
      if (v > top) top = v;
    }
  }
  const lines: string[] = [];
  for (let y = height - 1; y >= 0; y--) {
    let line = "";
    for (let x = 0; x < width; x++) {
      const t = ((cells[y * width + x] as number) - (top - rangeDb)) / rangeDb;
      const k = Math.max(0, Math.min(RAMP.length - 1, Math.floor(t * RAMP.length)));
      line += RAMP[k];
    }
    lines.push(line);
  }
  return lines;
}
