import { describe, expect, it } from "vitest";
import { parseClientMessage, parseServerMessage } from "../../../bridge/protocol.js";
import type { FrameMessage, Hello, StatusMessage } from "../../../bridge/protocol.js";

const hello: Hello = {
  v: 1,
  type: "hello",
  labels: ["drum set"],
  classIds: ["drums"],
  modelId: "m",
  sampleRateHz: 22050,
  inputRateHz: 48000,
  hopSec: 0.25,
  windowSec: 1,
  source: { name: "x", kind: "file", channels: 2 },
  lanes: [null],
  rules: ["drop"],
  thresholds: [0.5],
  muted: [false],
  recording: null,
};
const frame: FrameMessage = {
  v: 1,
  type: "frame",
  seq: 3,
  lane: 0,
  channel: null,
  index: 3,
  startSample: 16538,
  sampleRateHz: 22050,
  captureTimeMs: 1.7e12,
  raw: [0.25],
  smoothed: [0.5],
  active: [1],
};
const status: StatusMessage = {
  v: 1,
  type: "status",
  device: "d",
  xruns: 0,
  droppedWindows: 2,
  windowsScored: 10,
  latencyMs: { p50: 3, p95: 9, p99: null, max: 12, count: 10 },
  inferenceMsP50: 2,
  numTensors: null,
  cpuPercent: 12.5,
  droppedMessages: 0,
  sinks: [{ name: "ws", delivered: 10, dropped: 0, queued: 0 }],
};

describe("protocol v1 validators", () => {
  it("accept well-formed server messages, as objects or JSON text", () => {
    for (const m of [
      hello,
      frame,
      status,
      { v: 1, type: "trigger", rule: "drop", edge: "enter", lane: 0, channel: 2, startSample: 0, sampleRateHz: 22050, captureTimeMs: null },
      { v: 1, type: "ack", id: null, ok: false, error: "x" },
    ]) {
      expect(parseServerMessage(m)).toEqual({ ok: true, value: m });
      expect(parseServerMessage(JSON.stringify(m)).ok).toBe(true);
    }
  });

  it("reject a wrong version, unknown type, bad field or extra field with a one-line reason", () => {
    expect(parseServerMessage({ ...frame, v: 2 })).toEqual({ ok: false, error: "expected v: 1, got 2" });
    expect(parseServerMessage({ ...frame, type: "frames" })).toEqual({
      ok: false,
      error: 'expected type hello|frame|trigger|status|ack, got "frames"',
    });
    expect(parseServerMessage({ ...frame, active: [2] })).toEqual({ ok: false, error: "frame.active: invalid value [2]" });
    expect(parseServerMessage({ ...frame, startSample: -1 })).toEqual({ ok: false, error: "frame.startSample: invalid value -1" });
    expect(parseServerMessage({ ...hello, extra: 1 })).toEqual({ ok: false, error: 'hello: unknown field "extra"' });
    expect(parseServerMessage("{not json")).toEqual({ ok: false, error: 'expected a JSON message, got "{not json"' });
    expect(parseServerMessage([1])).toEqual({ ok: false, error: "expected a JSON object, got [1]" });
  });

  it("validate control messages from clients", () => {
    expect(parseClientMessage({ v: 1, type: "set-threshold", label: "drums", value: 0.7, id: 4 }).ok).toBe(true);
    expect(parseClientMessage({ v: 1, type: "set-smoothing", attackSec: 0, releaseSec: 1 }).ok).toBe(true);
    expect(parseClientMessage({ v: 1, type: "mute", label: "drums", muted: true }).ok).toBe(true);
    expect(parseClientMessage('{"v":1,"type":"record","on":false}')).toEqual({ ok: true, value: { v: 1, type: "record", on: false } });
    expect(parseClientMessage({ v: 1, type: "set-threshold", label: "drums", value: 1.5 })).toEqual({
      ok: false,
      error: "set-threshold.value: invalid value 1.5",
    });
    expect(parseClientMessage({ v: 1, type: "mute", label: "drums", muted: "yes" })).toEqual({
      ok: false,
      error: 'mute.muted: invalid value "yes"',
    });
    expect(parseClientMessage({ v: 1, type: "set-smoothing", attackSec: -1, releaseSec: 1 }).ok).toBe(false);
    expect(parseClientMessage({ v: 1, type: "hello" })).toEqual({
      ok: false,
      error: 'expected type set-threshold|set-smoothing|mute|record|set-hop, got "hello"',
    });
  });
});
