import { describe, expect, it } from "vitest";
import { poolFrames } from "../../../src/analyze/rows.js";
import { activeSeconds, activeSegments } from "../../../src/analyze/segments.js";
import type { AnalysisRow } from "../../../src/analyze/rows.js";
import { frames, session } from "./frames.js";

const row = (startSec: number, endSec: number, active: number[], scores: number[]): AnalysisRow => ({
  startSec, endSec, active: Uint8Array.from(active), scores: Float64Array.from(scores),
});

describe("activeSegments", () => {
  it("merges runs of active rows per class (hand-worked)", () => {
    // class 0: 1 1 0 1; class 1: 0 1 1 1
    const rows = [row(0, 1, [1, 0], [0.9, 0.1]), row(1, 2, [1, 1], [0.6, 0.8]), row(2, 3, [0, 1], [0.2, 0.7]), row(3, 4, [1, 1], [0.95, 0.9])];
    const segs = activeSegments(rows, 2);
    expect(segs.map((s) => [s.column, s.startSec, s.endSec, s.peak])).toEqual([
      [0, 0, 2, 0.9], [1, 1, 4, 0.9], [0, 3, 4, 0.95],
    ]);
    expect(Array.from(activeSeconds(segs, 2))).toEqual([3, 3]);
  });

  it("splits a run at a gap in time and handles no rows / never active", () => {
    const rows = [row(0, 1, [1], [0.7]), row(2, 3, [1], [0.8])];
    expect(activeSegments(rows, 1).map((s) => [s.startSec, s.endSec])).toEqual([[0, 1], [2, 3]]);
    expect(activeSegments([], 3)).toEqual([]);
    expect(activeSegments([row(0, 1, [0], [0.1])], 1)).toEqual([]);
  });
});

describe("poolFrames", () => {
  it("thresholds raw scores at 1 s (hop 1) and builds the hand-worked segments", () => {
    const a = poolFrames("f.wav", session(), frames(), 1);
    expect(a.rows.map((r) => [r.startSec, r.endSec])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
    expect(a.rows.map((r) => Array.from(r.active))).toEqual([[1, 0, 0], [1, 1, 0], [0, 1, 1], [1, 0, 0], [1, 1, 1], [0, 0, 1]]);
    const segs = activeSegments(a.rows, 3).map((s) => [s.column, s.startSec, s.endSec, Number(s.peak.toFixed(5))]);
    expect(segs).toEqual([[0, 0, 2, 0.9], [1, 1, 3, 0.7], [2, 2, 3, 0.35], [0, 3, 5, 0.7], [1, 4, 5, 0.55], [2, 4, 6, 0.5]]);
    expect(a.durationSec).toBe(6);
  });

  it("max-pools to 5 s (last group shorter) and to one row per track", () => {
    const five = poolFrames("f.wav", session(), frames(), 5);
    expect(five.rows.map((r) => [r.startSec, r.endSec, ...Array.from(r.scores, (v) => Number(v.toFixed(5))), ...r.active])).toEqual([
      [0, 5, 0.9, 0.7, 0.4, 1, 1, 1],
      [5, 6, 0.1, 0.1, 0.5, 0, 0, 1],
    ]);
    const track = poolFrames("f.wav", session(), frames(), "track");
    expect(track.rows.map((r) => [r.startSec, r.endSec, ...Array.from(r.scores, (v) => Number(v.toFixed(5)))])).toEqual([[0, 6, 0.9, 0.7, 0.5]]);
  });

  it("buckets overlapping windows by start time, and selects columns", () => {
    // hop 0.5: starts 0, 0.5, 1, 1.5 -> 1 s rows [0,1) and [1,2)
    const a = poolFrames("f.wav", session(0.5), frames([[0.1, 0.6, 0], [0.7, 0.2, 0], [0.2, 0.2, 0.9], [0.3, 0.1, 0]], 0.5), 1, { columns: [2, 0] });
    expect(a.labels).toEqual(["flute", "drum set"]);
    expect(a.thresholds).toEqual([0.3, 0.5]);
    expect(a.rows.map((r) => [r.startSec, r.endSec, ...Array.from(r.scores, (v) => Number(v.toFixed(5))), ...r.active])).toEqual([
      [0, 1, 0, 0.7, 0, 1],
      [1, 2, 0.9, 0.3, 1, 0],
    ]);
    expect(a.durationSec).toBe(2.5);
  });
});
