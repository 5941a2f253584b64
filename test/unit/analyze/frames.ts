/** Hand-made frames and sessions for the analyze tests (not a test file itself). */
import type { Frame, SessionInfo } from "../../../src/frame.js";

export const RATE = 22050;
export const LABELS = ["drum set", "piano", "flute"] as const;
export const IDS = ["drums", "piano", "flute"] as const;
export const THRESHOLDS = [0.5, 0.5, 0.3];

/** Raw scores of six 1 s windows at hop 1 (rows: windows; columns: LABELS). */
export const RAW = [
  [0.9, 0.1, 0.2],
  [0.8, 0.6, 0.1],
  [0.2, 0.7, 0.35],
  [0.7, 0.2, 0.1],
  [0.6, 0.55, 0.4],
  [0.1, 0.1, 0.5],
];

export function session(hopSec = 1): SessionInfo {
  return {
    labels: [...LABELS],
    classIds: [...IDS],
    modelId: "hand",
    thresholds: THRESHOLDS,
    sampleRateHz: RATE,
    inputRateHz: RATE,
    hopSec,
    windowSec: 1,
    source: { name: "x", kind: "offline", channels: 1 },
    lanes: [null],
    rules: [],
    startedAtMs: 0,
  };
}

/** Frames with the given raw rows at `hopSec` (active flags deliberately all 0: analyze re-thresholds pooled scores). */
export function frames(raw: readonly number[][] = RAW, hopSec = 1): Frame[] {
  return raw.map((r, k) => ({
    seq: k,
    lane: 0,
    channel: null,
    index: k,
    startSample: Math.round(k * hopSec * RATE),
    sampleRateHz: RATE,
    captureTimeMs: Number.NaN,
    levelRms: 1,
    raw: Float32Array.from(r),
    smoothed: Float32Array.from(r),
    active: new Uint8Array(r.length),
    triggers: [],
  }));
}
