/**
 * Paints the timeline: one row per shown class, one cell per window (piano-roll style) over the
 * last `spanSec` seconds. Cell x comes from the window's sample-clock time (timeline.ts timeToX),
 * its colour from the smoothed score (dim blue heat) or, while the class is active, a bright amber
 * bar; trigger edges are vertical lines. Written against a small slice of CanvasRenderingContext2D
 * so a test can record the calls.
 */
import { timeToX } from "./timeline.js";
import type { TimeSeries } from "./timeline.js";
import type { TriggerEntry } from "./view.js";

/** The canvas calls used. */
export interface Ctx2D {
  fillStyle: string | CanvasGradientLike;
  strokeStyle: string | CanvasGradientLike;
  lineWidth: number;
  font: string;
  textBaseline: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  fillText(text: string, x: number, y: number): void;
}

/** Stands for CanvasGradient / CanvasPattern, which the drawing never uses. */
export type CanvasGradientLike = object;

/** Colours of the timeline (dark theme; amber = active, as the meters). */
export const TIMELINE_COLORS = Object.freeze({
  background: "#0d1117",
  rowAlt: "#11161e",
  grid: "#2a313c",
  text: "#9aa7b5",
  enter: "#4ade80",
  exit: "#f87171",
});

/** What to paint. */
export interface TimelineScene {
  readonly widthPx: number;
  readonly heightPx: number;
  /** Time at the right edge, seconds on the sample clock. */
  readonly nowSec: number;
  readonly spanSec: number;
  /** Class indices, top row first. */
  readonly rows: readonly number[];
  readonly series: TimeSeries;
  /** Seconds between windows: the widest a cell gets. */
  readonly hopSec: number;
  readonly triggers: readonly TriggerEntry[];
  /** Only triggers of this lane are drawn. */
  readonly lane: number;
}

/** Height of the time axis at the bottom, px. */
export const AXIS_PX = 16;

/** Heat colour of an inactive score v in [0, 1]. */
export function heatColor(v: number): string {
  const x = Math.max(0, Math.min(1, v));
  return `rgba(56, 139, 253, ${(0.08 + 0.62 * x).toFixed(3)})`;
}

/** Colour of an active cell with score v. */
export function activeColor(v: number): string {
  const x = Math.max(0, Math.min(1, v));
  return `hsl(40, 95%, ${Math.round(42 + 18 * x)}%)`;
}

/** Paints `scene` on `ctx`; returns the number of cells painted. */
export function drawTimeline(ctx: Ctx2D, scene: TimelineScene): number {
  const { widthPx: w, heightPx: h, nowSec, spanSec, rows } = scene;
  const plotH = Math.max(0, h - AXIS_PX);
  const rowH = rows.length === 0 ? 0 : plotH / rows.length;
  ctx.fillStyle = TIMELINE_COLORS.background;
  ctx.fillRect(0, 0, w, h);
  rows.forEach((_, r) => {
    if (r % 2 === 1) {
      ctx.fillStyle = TIMELINE_COLORS.rowAlt;
      ctx.fillRect(0, r * rowH, w, rowH);
    }
  });

  // Grid and labels every 10 s of sample-clock time.
  ctx.strokeStyle = TIMELINE_COLORS.grid;
  ctx.lineWidth = 1;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  ctx.fillStyle = TIMELINE_COLORS.text;
  for (let t = Math.ceil((nowSec - spanSec) / 10) * 10; t <= nowSec; t += 10) {
    const x = Math.round(timeToX(t, nowSec, spanSec, w)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, plotH);
    ctx.stroke();
    // A label too close to the right edge would be clipped.
    if (t >= 0 && x < w - 32) ctx.fillText(`${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`, x + 3, plotH + AXIS_PX / 2);
  }

  // Cells: each window covers [tSec, next window's tSec), at most one hop.
  let cells = 0;
  let prev: { tSec: number; smoothed: readonly number[]; active: readonly number[] } | undefined;
  const paint = (p: { tSec: number; smoothed: readonly number[]; active: readonly number[] }, endSec: number): void => {
    const x0 = timeToX(p.tSec, nowSec, spanSec, w);
    const x1 = timeToX(Math.min(endSec, p.tSec + scene.hopSec), nowSec, spanSec, w);
    if (x1 <= 0 || x0 >= w) return;
    const cw = Math.max(1, x1 - x0);
    rows.forEach((c, r) => {
      const v = p.smoothed[c] ?? 0;
      const on = p.active[c] === 1;
      ctx.fillStyle = on ? activeColor(v) : heatColor(v);
      // Active cells fill the row; inactive ones a centred band whose height follows the score.
      const ch = on ? rowH - 2 : Math.max(1, (rowH - 2) * (0.35 + 0.65 * v));
      ctx.fillRect(x0, r * rowH + (rowH - ch) / 2, cw, ch);
    });
    cells++;
  };
  scene.series.forEachInRange(nowSec - spanSec, nowSec, (p) => {
    if (prev !== undefined) paint(prev, p.tSec);
    prev = p;
  });
  if (prev !== undefined) paint(prev, Infinity);

  for (const t of scene.triggers) {
    if (t.lane !== scene.lane || t.tSec < nowSec - spanSec || t.tSec > nowSec) continue;
    const x = Math.round(timeToX(t.tSec, nowSec, spanSec, w)) + 0.5;
    ctx.strokeStyle = t.edge === "enter" ? TIMELINE_COLORS.enter : TIMELINE_COLORS.exit;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, plotH);
    ctx.stroke();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillText(t.rule, x + 3, 8);
  }
  return cells;
}
