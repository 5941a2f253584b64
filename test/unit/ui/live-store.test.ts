import { describe, expect, it } from "vitest";
import type { FrameMessage, Hello, TriggerMessage } from "../../../bridge/protocol.js";
import { LiveStore, TRIGGER_LOG_SIZE } from "../../../ui/src/lib/live-store.js";
import { PeakHold } from "../../../ui/src/lib/peak-hold.js";
import { topClasses } from "../../../ui/src/lib/view.js";

const HELLO: Hello = {
  v: 1,
  type: "hello",
  labels: ["drum set", "electric bass", "male singer"],
  classIds: ["drums", "electric-bass", "male-singer"],
  modelId: "m",
  sampleRateHz: 22000,
  inputRateHz: 48000,
  hopSec: 0.25,
  windowSec: 1,
  source: { name: "song.wav", kind: "file", channels: 2 },
  lanes: [0, 1],
  rules: ["guitar-solo", "drop"],
  thresholds: [0.5, 0.5, 0.5],
  muted: [false, false, false],
  recording: null,
};

/** Window k of a lane at a 0.25 s hop (startSample on a 22000 Hz clock, so times are exact). */
function frame(k: number, lane: number, smoothed: number[], active: number[] = smoothed.map((v) => (v > 0.5 ? 1 : 0))): FrameMessage {
  return {
    v: 1,
    type: "frame",
    seq: k,
    lane,
    channel: lane,
    index: k,
    startSample: k * 5500,
    sampleRateHz: 22000,
    captureTimeMs: null,
    raw: smoothed,
    smoothed,
    active,
  };
}
function trigger(rule: string, edge: "enter" | "exit", k: number, lane: number): TriggerMessage {
  return { v: 1, type: "trigger", rule, edge, lane, channel: lane, startSample: k * 5500, sampleRateHz: 22000, captureTimeMs: null };
}

describe("LiveStore", () => {
  it("shows the newest frame per lane, keeps every frame in the history, and drops stale ones (counted)", () => {
    const s = new LiveStore();
    s.ingest(HELLO, 0);
    s.ingest(frame(0, 0, [0.9, 0.1, 0.2]), 10);
    s.ingest(frame(1, 0, [0.8, 0.2, 0.7]), 20);
    s.ingest(frame(0, 1, [0.1, 0.6, 0.0]), 25);
    s.ingest(frame(0, 0, [0.0, 0.0, 0.0]), 30); // late duplicate of window 0
    const v = s.view();
    expect(s.staleDropped).toBe(1);
    expect(v.lanes.map((l) => [l.lane, l.channel, l.tSec])).toEqual([
      [0, 0, 0.25],
      [1, 1, 0],
    ]);
    expect(v.lanes[0]!.levels.map((l) => [l.value, l.active])).toEqual([
      [0.8, true],
      [0.2, false],
      [0.7, true],
    ]);
    expect(v.lanes[0]!.levels.map((l) => l.peak)).toEqual([0.9, 0.2, 0.7]);
    const times: number[] = [];
    v.series[0]!.forEachInRange(-1, 10, (p) => times.push(p.tSec));
    expect(times).toEqual([0, 0.25]);
    expect(s.lastArrivalMs()).toBe(25);
    expect(topClasses(v.lanes[0]!, [0, 1, 2], 2).map((t) => t.index)).toEqual([0, 2]);
    expect(topClasses(v.lanes[0]!, [1, 2], 5).map((t) => t.index)).toEqual([2, 1]);
  });

  it("starts a lane afresh when its clock jumps back by more than two windows (a restarted run)", () => {
    const s = new LiveStore();
    s.ingest(HELLO, 0);
    for (let k = 0; k < 40; k++) s.ingest(frame(k, 0, [0.9, 0, 0]), k);
    s.ingest(frame(2, 0, [0.1, 0, 0]), 50);
    const v = s.view();
    expect(s.staleDropped).toBe(0);
    expect(v.lanes[0]!.tSec).toBe(0.5);
    expect(v.lanes[0]!.levels[0]!.peak).toBe(0.1);
    let n = 0;
    v.series[0]!.forEachInRange(-1, 100, () => n++);
    expect(n).toBe(1);
  });

  it("logs trigger edges newest first (bounded) and lights a rule's lamp while any lane is inside it", () => {
    const s = new LiveStore();
    s.ingest(HELLO, 0);
    s.ingest(trigger("guitar-solo", "enter", 16, 0), 1);
    s.ingest(trigger("guitar-solo", "enter", 17, 1), 2);
    s.ingest(trigger("guitar-solo", "exit", 30, 0), 3);
    let v = s.view();
    expect(v.triggers.map((t) => [t.tSec, t.rule, t.edge, t.channel])).toEqual([
      [7.5, "guitar-solo", "exit", 0],
      [4.25, "guitar-solo", "enter", 1],
      [4, "guitar-solo", "enter", 0],
    ]);
    expect(v.lamps).toEqual([
      { rule: "guitar-solo", on: true, channels: [1] },
      { rule: "drop", on: false, channels: [] },
    ]);
    s.ingest(trigger("guitar-solo", "exit", 31, 1), 4);
    v = s.view();
    expect(v.lamps[0]!.on).toBe(false);
    for (let k = 0; k < TRIGGER_LOG_SIZE + 10; k++) s.ingest(trigger("drop", k % 2 === 0 ? "enter" : "exit", 40 + k, 0), 5);
    expect(s.view().triggers.length).toBe(TRIGGER_LOG_SIZE);
  });

  it("keeps history when the same run says hello again (reconnect), clears it for another run", () => {
    const s = new LiveStore();
    s.ingest(HELLO, 0);
    s.ingest(frame(3, 0, [0.9, 0, 0]), 1);
    s.ingest(trigger("drop", "enter", 3, 0), 1);
    s.ingest({ ...HELLO, thresholds: [0.7, 0.5, 0.5] }, 2);
    expect(s.view().lanes.length).toBe(1);
    expect(s.view().triggers.length).toBe(1);
    expect(s.session?.thresholds[0]).toBe(0.7);
    s.ingest({ ...HELLO, modelId: "other" }, 3);
    expect(s.view().lanes).toEqual([]);
    expect(s.view().triggers).toEqual([]);
  });

  it("mirrors acknowledged controls into the session (hello reports state only on connect)", () => {
    const s = new LiveStore();
    s.ingest(HELLO, 0);
    const v0 = s.version;
    s.applyControl({ type: "set-threshold", label: "electric-bass", value: 0.8 });
    s.applyControl({ type: "mute", label: "drums", muted: true });
    s.applyControl({ type: "set-smoothing", attackSec: 0.1, releaseSec: 2 });
    s.applyControl({ type: "record", on: false });
    s.applyControl({ type: "set-hop", hopSec: 0.5 });
    s.applyControl({ type: "set-threshold", label: "no-such-class", value: 0.1 });
    expect(s.session).toMatchObject({
      thresholds: [0.5, 0.8, 0.5],
      muted: [true, false, false],
      smoothing: { attackSec: 0.1, releaseSec: 2 },
      recording: false,
      hopSec: 0.5,
    });
    expect(s.version).toBe(v0 + 5);
    expect(s.session?.controls).toEqual(["set-threshold", "set-smoothing", "mute", "record"]);
  });
});

describe("PeakHold", () => {
  it("takes a peak at once, holds it 1.5 s on the sample clock, then falls at 0.5 per second until it meets the signal", () => {
    const p = new PeakHold(1);
    const at = (t: number, v: number): number => (p.update([v], t), p.values()[0]!);
    expect(at(0, 0.9)).toBe(0.9);
    expect(at(1, 0.2)).toBe(0.9);
    expect(at(1.5, 0.2)).toBe(0.9);
    expect(at(2, 0.2)).toBeCloseTo(0.65, 12);
    expect(at(2.5, 0.2)).toBeCloseTo(0.4, 12);
    expect(at(3, 0.2)).toBeCloseTo(0.2, 12); // met the signal
    expect(at(3.25, 0.95)).toBe(0.95);
    expect(at(1, 0.3)).toBe(0.3); // time went backwards: reset
  });
});
