import { describe, expect, it } from "vitest";
import { poolFrames } from "../../../src/analyze/rows.js";
import { activeSeconds, activeSegments, postSegments } from "../../../src/analyze/segments.js";
import type { AnalysisRow } from "../../../src/analyze/analysis-row.js";
import { RAW, frames, session } from "./frames.js";

const row = (startSec: number, endSec: number, active: number[], scores: number[]): AnalysisRow => ({
  startSec,
  endSec,
  active: Uint8Array.from(active),
  scores: Float64Array.from(scores),
});

describe("activeSegments", () => {
  it("merges runs of active rows per class (hand-worked)", () => {
    // class 0: 1 1 0 1; class 1: 0 1 1 1
    const rows = [
      row(0, 1, [1, 0], [0.9, 0.1]),
      row(1, 2, [1, 1], [0.6, 0.8]),
      row(2, 3, [0, 1], [0.2, 0.7]),
      row(3, 4, [1, 1], [0.95, 0.9]),
    ];
    const segs = activeSegments(rows, 2);
    expect(segs.map((s) => [s.column, s.startSec, s.endSec, s.peak])).toEqual([
      [0, 0, 2, 0.9],
      [1, 1, 4, 0.9],
      [0, 3, 4, 0.95],
    ]);
    expect(Array.from(activeSeconds(segs, 2))).toEqual([3, 3]);
  });

  it("splits a run at a gap in time and handles no rows / never active", () => {
    const rows = [row(0, 1, [1], [0.7]), row(2, 3, [1], [0.8])];
    expect(activeSegments(rows, 1).map((s) => [s.startSec, s.endSec])).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(activeSegments([], 3)).toEqual([]);
    expect(activeSegments([row(0, 1, [0], [0.1])], 1)).toEqual([]);
  });
});

describe("poolFrames", () => {
  it("thresholds raw scores at 1 s (hop 1) and builds the hand-worked segments", () => {
    const a = poolFrames("f.wav", session(), frames(), 1);
    expect(a.rows.map((r) => [r.startSec, r.endSec])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 6],
    ]);
    expect(a.rows.map((r) => Array.from(r.active))).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
      [1, 0, 0],
      [1, 1, 1],
      [0, 0, 1],
    ]);
    const segs = activeSegments(a.rows, 3).map((s) => [s.column, s.startSec, s.endSec, Number(s.peak.toFixed(5))]);
    expect(segs).toEqual([
      [0, 0, 2, 0.9],
      [1, 1, 3, 0.7],
      [2, 2, 3, 0.35],
      [0, 3, 5, 0.7],
      [1, 4, 5, 0.55],
      [2, 4, 6, 0.5],
    ]);
    expect(a.durationSec).toBe(6);
  });

  it("max-pools to 5 s (last group shorter) and to one row per track", () => {
    const five = poolFrames("f.wav", session(), frames(), 5);
    expect(five.rows.map((r) => [r.startSec, r.endSec, ...Array.from(r.scores, (v) => Number(v.toFixed(5))), ...r.active])).toEqual([
      [0, 5, 0.9, 0.7, 0.4, 1, 1, 1],
      [5, 6, 0.1, 0.1, 0.5, 0, 0, 1],
    ]);
    const track = poolFrames("f.wav", session(), frames(), "track");
    expect(track.rows.map((r) => [r.startSec, r.endSec, ...Array.from(r.scores, (v) => Number(v.toFixed(5)))])).toEqual([
      [0, 6, 0.9, 0.7, 0.5],
    ]);
  });

  it("buckets overlapping windows by start time, and selects columns", () => {
    // hop 0.5: starts 0, 0.5, 1, 1.5 -> 1 s rows [0,1) and [1,2)
    const a = poolFrames(
      "f.wav",
      session(0.5),
      frames(
        [
          [0.1, 0.6, 0],
          [0.7, 0.2, 0],
          [0.2, 0.2, 0.9],
          [0.3, 0.1, 0],
        ],
        0.5,
      ),
      1,
      { columns: [2, 0] },
    );
    expect(a.labels).toEqual(["flute", "drum set"]);
    expect(a.thresholds).toEqual([0.3, 0.5]);
    expect(a.rows.map((r) => [r.startSec, r.endSec, ...Array.from(r.scores, (v) => Number(v.toFixed(5))), ...r.active])).toEqual([
      [0, 1, 0, 0.7, 0, 1],
      [1, 2, 0.9, 0.3, 1, 0],
    ]);
    expect(a.durationSec).toBe(2.5);
  });
});

describe("postSegments", () => {
  // hop 0.5, 1 s windows: starts 0..2.5, centres 0.5..3; cells [0, .75) [.75, 1.25) ... [2.75, 3.5)
  const RAW6 = [
    [0.9, 0.1, 0.2],
    [0.6, 0.7, 0.1],
    [0.2, 0.8, 0.1],
    [0.1, 0.6, 0.1],
    [0.7, 0.2, 0.1],
    [0.8, 0.1, 0.1],
  ];
  const FLAGS = [
    [1, 0, 0],
    [1, 1, 0],
    [0, 1, 0],
    [0, 1, 0],
    [1, 0, 0],
    [1, 0, 0],
  ];
  const flagged = frames(RAW6, 0.5).map((f, k) => ({ ...f, active: Uint8Array.from(FLAGS[k]!) }));

  it("turns runs of flagged frames into segments between midpoints of window centres (hand-worked)", () => {
    const segs = postSegments(flagged, 1, [0, 1, 2]).map((s) => [s.column, s.startSec, s.endSec, Number(s.peak.toFixed(5))]);
    expect(segs).toEqual([
      [0, 0, 1.25, 0.9],
      [1, 0.75, 2.25, 0.8],
      [0, 2.25, 3.5, 0.8],
    ]);
    // only the selected columns, in selection order; the pooled rows play no part
    expect(postSegments(flagged, 1, [2, 1]).map((s) => [s.column, s.startSec, s.endSec])).toEqual([[1, 0.75, 2.25]]);
    expect(postSegments([], 1, [0])).toEqual([]);
  });

  it("at hop = window length each frame is its own window", () => {
    const f = frames(RAW, 1).map((x, k) => ({ ...x, active: Uint8Array.from([k % 2 === 0 ? 1 : 0, 1, 0]) }));
    expect(postSegments(f, 1, [0, 1]).map((s) => [s.column, s.startSec, s.endSec])).toEqual([
      [0, 0, 1],
      [1, 0, 6],
      [0, 2, 3],
      [0, 4, 5],
    ]);
  });

  it('poolFrames takes the frames\' flags for segments: "post", and the rows\' for "raw" (the default)', () => {
    const post = poolFrames("f.wav", session(0.5), flagged, 1, { segments: "post" });
    expect(post.segmentSource).toBe("post");
    expect(post.segments).toEqual(postSegments(flagged, 1, [0, 1, 2]));
    const raw = poolFrames("f.wav", session(0.5), flagged, 1);
    expect(raw.segmentSource).toBe("raw");
    expect(raw.segments).toEqual(activeSegments(raw.rows, 3));
    // the rows themselves do not depend on the segment source
    expect(post.rows).toEqual(raw.rows);
  });
});
