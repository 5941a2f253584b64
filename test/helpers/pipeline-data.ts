/** Synthetic session, frames and status for sink tests. */
import { CLASSES } from "../../src/data/classes.js";
import type { Frame, PipelineStatus, SessionInfo } from "../../src/frame.js";

export const SESSION: SessionInfo = {
  labels: CLASSES.map((c) => c.label),
  classIds: CLASSES.map((c) => c.id),
  modelId: "test-model",
  thresholds: CLASSES.map(() => 0.5),
  sampleRateHz: 22050,
  inputRateHz: 48000,
  hopSec: 0.25,
  windowSec: 1,
  source: { name: "test", kind: "file", channels: 1 },
  lanes: [null],
  rules: ["guitar-solo"],
  startedAtMs: 1_700_000_000_000,
};

/** Frame number `seq` of a mix lane at a 0.25 s hop; class seq % 18 is active; a trigger on every 10th. */
export function makeFrame(seq: number, channel: number | null = null): Frame {
  const n = CLASSES.length;
  const raw = Float32Array.from({ length: n }, (_, c) => ((c + seq) % 10) / 10);
  const active = Uint8Array.from({ length: n }, (_, c) => (c === seq % n ? 1 : 0));
  const startSample = Math.floor(seq * 0.25 * 22050 + 0.5);
  return {
    seq,
    lane: channel === null ? 0 : channel,
    channel,
    index: seq,
    startSample,
    sampleRateHz: 22050,
    captureTimeMs: SESSION.startedAtMs + ((startSample + 22050) / 22050) * 1000,
    levelRms: 0.1,
    raw,
    smoothed: raw.map((x) => x / 2),
    active,
    triggers: seq % 10 === 5 ? [{ rule: "guitar-solo", edge: seq % 20 === 5 ? "enter" : "exit", tSec: startSample / 22050 }] : [],
  };
}

export const STATUS: PipelineStatus = {
  timeMs: 1,
  device: "test",
  xruns: 1,
  droppedWindows: 2,
  windowsScored: 3,
  latencyMs: { p50: 4, p95: 5, p99: 6, max: 7, count: 3 },
  inferenceMsP50: 1.5,
  numTensors: 9,
  cpuPercent: 12.3,
  sinks: [{ name: "x", delivered: 1, dropped: 0, queued: 0 }],
};
