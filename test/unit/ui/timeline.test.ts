import { describe, expect, it } from "vitest";
import { AXIS_PX, drawTimeline } from "../../../ui/src/lib/draw-timeline.js";
import type { Ctx2D } from "../../../ui/src/lib/draw-timeline.js";
import { ArraySeries, FrameRing, liveNowSec, lowerBound, timeToX } from "../../../ui/src/lib/timeline.js";
import type { FramePoint } from "../../../ui/src/lib/timeline.js";

const pt = (tSec: number, v = 0.5, on = 0): FramePoint => ({ tSec, raw: [v, v], smoothed: [v, v], active: [on, 0] });
const times = (s: { forEachInRange(a: number, b: number, cb: (p: FramePoint) => void): void }, a: number, b: number): number[] => {
  const out: number[] = [];
  s.forEachInRange(a, b, (p) => out.push(p.tSec));
  return out;
};

describe("FrameRing", () => {
  it("keeps the newest `capacity` frames in time order and answers range queries (with the frame covering the start)", () => {
    const r = new FrameRing(4);
    expect(r.latestSec()).toBeNull();
    for (const t of [0, 0.25, 0.5, 0.75, 1, 1.25]) r.push(pt(t));
    expect(r.size).toBe(4);
    expect(r.latestSec()).toBe(1.25);
    expect(times(r, -10, 10)).toEqual([0.5, 0.75, 1, 1.25]);
    expect(times(r, 0.8, 1.1)).toEqual([0.75, 1]);
    expect(times(r, 1.25, 1.25)).toEqual([1.25]);
    expect(() => r.push(pt(1.25))).toThrow(RangeError);
    r.clear();
    expect(times(r, -10, 10)).toEqual([]);
  });
});

describe("ArraySeries and helpers", () => {
  it("finds the window at a time and the windows in a range", () => {
    const s = new ArraySeries([pt(0), pt(1), pt(2), pt(3)]);
    expect(s.at(-0.5)).toBeUndefined();
    expect(s.at(0)?.tSec).toBe(0);
    expect(s.at(1.99)?.tSec).toBe(1);
    expect(s.at(2)?.tSec).toBe(2);
    expect(s.at(99)?.tSec).toBe(3);
    expect(times(s, 1.5, 2.5)).toEqual([1, 2]);
    expect(s.latestSec()).toBe(3);
    expect(lowerBound(5, (k) => k * 10, 25)).toBe(3);
    expect(lowerBound(5, (k) => k * 10, 99)).toBe(5);
  });

  it("maps sample-clock time to x and advances the live edge by display time, at most one hop", () => {
    expect(timeToX(40, 100, 60, 600)).toBe(0);
    expect(timeToX(70, 100, 60, 600)).toBe(300);
    expect(timeToX(100, 100, 60, 600)).toBe(600);
    expect(liveNowSec(10, 0.25, 0)).toBe(10.25);
    expect(liveNowSec(10, 0.25, 100)).toBeCloseTo(10.35, 12);
    expect(liveNowSec(10, 0.25, 5000)).toBe(10.5);
    expect(liveNowSec(10, 0.25, -50)).toBe(10.25);
  });
});

/** Records fillRect calls with the fill style in effect. */
function recordingCtx() {
  const rects: { x: number; y: number; w: number; h: number; fill: string }[] = [];
  const lines: { x: number; stroke: string }[] = [];
  const ctx: Ctx2D = {
    fillStyle: "",
    strokeStyle: "",
    lineWidth: 1,
    font: "",
    textBaseline: "",
    fillRect(x, y, w, h) {
      rects.push({ x, y, w, h, fill: this.fillStyle as string });
    },
    beginPath: () => undefined,
    moveTo(x) {
      lines.push({ x, stroke: this.strokeStyle as string });
    },
    lineTo: () => undefined,
    stroke: () => undefined,
    fillText: () => undefined,
  };
  return { ctx, rects, lines };
}

describe("drawTimeline", () => {
  it("places each window's cells by its sample-clock time, one hop wide, active cells full height in amber", () => {
    const { ctx, rects, lines } = recordingCtx();
    // 60 s span on 600 px: 10 px per second; rows: class 1 on top, class 0 below.
    const series = new ArraySeries([pt(10, 0.2), pt(10.5, 0.9, 1), pt(50, 0.5)]);
    const cells = drawTimeline(ctx, {
      widthPx: 600,
      heightPx: 2 * 20 + AXIS_PX,
      nowSec: 60,
      spanSec: 60,
      rows: [1, 0],
      series,
      hopSec: 0.5,
      triggers: [
        { tSec: 30, rule: "drop", edge: "enter", lane: 0, channel: null },
        { tSec: 31, rule: "drop", edge: "enter", lane: 1, channel: 1 },
      ],
      lane: 0,
    });
    expect(cells).toBe(3);
    const cellsOf = (x: number) => rects.filter((r) => Math.abs(r.x - x) < 1e-9 && r.w < 100);
    // window at 10 s -> x = 100, next window 0.5 s later -> 5 px wide; two rows
    expect(cellsOf(100).map((r) => [r.w, r.fill.startsWith("rgba")])).toEqual([
      [5, true],
      [5, true],
    ]);
    // window at 10.5 s: class 0 (bottom row, y from 20) active -> full row height minus 2 px, amber (hsl)
    const active = cellsOf(105).find((r) => r.y >= 20)!;
    expect([active.h, active.fill.startsWith("hsl(40")]).toEqual([18, true]);
    // the last window is drawn one hop wide (not to the next frame, which does not exist)
    expect(cellsOf(500).map((r) => r.w)).toEqual([5, 5]);
    // only lane 0's trigger is drawn, at x = 300
    expect(lines.filter((l) => l.stroke === "#4ade80").map((l) => l.x)).toEqual([300.5]);
  });

  it("draws nothing for windows older than the span", () => {
    const { ctx } = recordingCtx();
    const cells = drawTimeline(ctx, {
      widthPx: 600,
      heightPx: 50,
      nowSec: 200,
      spanSec: 60,
      rows: [0],
      series: new ArraySeries([pt(10), pt(20)]),
      hopSec: 0.25,
      triggers: [],
      lane: 0,
    });
    expect(cells).toBe(0);
  });
});
