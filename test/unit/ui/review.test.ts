// Review mode reads files written by the real writers: the activity log (JsonlSink) and analyze JSON (formatJson).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatJson } from "../../../src/analyze/formats/data.js";
import { poolFrames } from "../../../src/analyze/rows.js";
import { JsonlSink } from "../../../src/sinks/jsonl-sink.js";
import { ReviewFileError, parseReviewFile, reviewView } from "../../../ui/src/lib/review.js";
import { tempDir } from "../../helpers/audio-files.js";
import { SESSION, STATUS, makeFrame } from "../../helpers/pipeline-data.js";

const dir = tempDir("timbrescope-review-");

async function writeLog(name: string, runs: number, framesPerRun: number, channel: number | null = null): Promise<string> {
  const path = join(dir, name);
  const sink = await JsonlSink.open(path, { fsyncEveryMs: 0 });
  for (let r = 0; r < runs; r++) {
    await sink.write({ type: "session", session: { ...SESSION, modelId: `run-${r}`, lanes: channel === null ? [null] : [channel] } });
    for (let i = 0; i < framesPerRun; i++) {
      await sink.write({ type: "frame", frame: makeFrame(i, channel) });
      if (i === 3) await sink.write({ type: "status", status: STATUS });
    }
  }
  sink.setPaused(true);
  await sink.close();
  return readFileSync(path, "utf8");
}

describe("parseReviewFile: activity logs", () => {
  it("reads the session, every frame on the sample clock, and the trigger edges", async () => {
    const text = await writeLog("one.jsonl", 1, 24);
    const [rec, ...more] = parseReviewFile("one.jsonl", text);
    expect(more).toEqual([]);
    expect(rec!.kind).toBe("activity-log");
    expect(rec!.session).toMatchObject({
      modelId: "run-0",
      classIds: SESSION.classIds,
      labels: SESSION.labels,
      hopSec: 0.25,
      rules: ["guitar-solo"],
      lanes: [null],
      controls: [],
    });
    const pts = rec!.lanes[0]!.series.points;
    expect(pts.length).toBe(24);
    expect(pts[7]!.tSec).toBe(makeFrame(7).startSample / 22050);
    expect(pts[7]!.raw).toEqual(Array.from(makeFrame(7).raw, (x) => Number(x.toPrecision(9))));
    expect(pts[7]!.active).toEqual(Array.from(makeFrame(7).active));
    // makeFrame fires guitar-solo enter on frame 5, exit on 15
    expect(rec!.triggers.map((t) => [t.rule, t.edge, t.tSec])).toEqual([
      ["guitar-solo", "enter", makeFrame(5).startSample / 22050],
      ["guitar-solo", "exit", makeFrame(15).startSample / 22050],
    ]);
    expect(rec!.startSec).toBe(0);
    expect(rec!.endSec).toBe(pts[23]!.tSec + 0.25);
    expect(rec!.partialTail).toBe(false);
  });

  it("gives one recording per appended run and skips a cut-off last line", async () => {
    const text = await writeLog("two.jsonl", 2, 6, 2);
    const cut = text + '{"type":"frame","v":1,"seq":99,"lane":2,"chan';
    const recs = parseReviewFile("two.jsonl", cut);
    expect(recs.map((r) => [r.name, r.session.modelId, r.lanes.map((l) => [l.lane, l.channel]), r.partialTail])).toEqual([
      ["two.jsonl (run 1)", "run-0", [[2, 2]], false],
      ["two.jsonl (run 2)", "run-1", [[2, 2]], true],
    ]);
  });

  it("refuses files that are neither, with the file and line in the message", () => {
    expect(() => parseReviewFile("x.jsonl", '{"type":"session"}\nnot json\n')).toThrow(
      new ReviewFileError("x.jsonl", "line 2 is not JSON (expected an activity log from live --record or an analyze JSON file)"),
    );
    expect(() => parseReviewFile("x.jsonl", '{"type":"frame","v":1}\n')).toThrow("x.jsonl: line 1: a frame before the session header");
    expect(() => parseReviewFile("x.json", '{"hello": 1}')).toThrow("x.json: no session header");
    expect(() => parseReviewFile("x.json", '{"files": []}')).toThrow("x.json: the analyze document has no files");
  });
});

describe("parseReviewFile: analyze JSON", () => {
  it("reads every file's rows (start, scores, active) with its classes and thresholds", () => {
    const frames = Array.from({ length: 12 }, (_, i) => makeFrame(i));
    const doc = formatJson([poolFrames("a.flac", SESSION, frames, 1), poolFrames("b.flac", SESSION, frames.slice(0, 4), 1)]);
    const recs = parseReviewFile("out.json", doc);
    expect(recs.map((r) => r.name)).toEqual(["out.json: a.flac", "out.json: b.flac"]);
    const a = recs[0]!;
    expect(a.kind).toBe("analyze");
    expect(a.session).toMatchObject({ modelId: "test-model", classIds: SESSION.classIds, labels: SESSION.labels, hopSec: 1, rules: [] });
    // 12 windows at 0.25 s pooled to 1 s rows: 3 rows at 0, 1, 2 s; row 0 = max of frames 0-3
    const pts = a.lanes[0]!.series.points;
    expect(pts.map((p) => p.tSec)).toEqual([0, 1, 2]);
    const max0 = SESSION.labels.map((_, c) => Math.max(...frames.slice(0, 4).map((f) => f.raw[c]!)));
    pts[0]!.raw.forEach((v, c) => expect(Math.abs(v - max0[c]!)).toBeLessThan(1e-6));
    expect(a.endSec).toBe(3);
  });
});

describe("reviewView", () => {
  it("shows the window at the cursor, the triggers up to it (newest first) and the lamps as they were", async () => {
    const [rec] = parseReviewFile("one.jsonl", await writeLog("three.jsonl", 1, 24));
    const at = (k: number) => reviewView(rec!, makeFrame(k).startSample / 22050 + 0.1);
    const v4 = at(4);
    expect(v4.lanes[0]!.tSec).toBe(makeFrame(4).startSample / 22050);
    expect(v4.lanes[0]!.levels.map((l) => l.value)).toEqual(Array.from(makeFrame(4).smoothed, (x) => Number(x.toPrecision(9))));
    expect(v4.triggers).toEqual([]);
    expect(v4.lamps).toEqual([{ rule: "guitar-solo", on: false, channels: [] }]);
    const v8 = at(8);
    expect(v8.lamps).toEqual([{ rule: "guitar-solo", on: true, channels: [null] }]);
    expect(v8.triggers.map((t) => t.edge)).toEqual(["enter"]);
    const v20 = at(20);
    expect(v20.lamps[0]!.on).toBe(false);
    expect(v20.triggers.map((t) => t.edge)).toEqual(["exit", "enter"]);
    // peak hold replayed over the preceding windows: never below the current value
    v20.lanes[0]!.levels.forEach((l) => expect(l.peak).toBeGreaterThanOrEqual(l.value));
    expect(Math.max(...v20.lanes[0]!.levels.map((l) => l.peak))).toBeCloseTo(0.45, 6);
  });
});
