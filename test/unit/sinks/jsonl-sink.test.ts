import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logFrames, parseActivityLog, readActivityLog } from "../../../src/sinks/activity-log.js";
import { JsonlSink } from "../../../src/sinks/jsonl-sink.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { describeSink } from "../../helpers/describe-sink.js";
import { sceneInt16 } from "../../helpers/live-signals.js";
import { SESSION, makeFrame } from "../../helpers/pipeline-data.js";
import { exited, spawnTs } from "../../helpers/spawn-ts.js";

const dir = tempDir("timbrescope-jsonl-");
let n = 0;

describeSink("jsonl", {
  make: async () => {
    const path = join(dir, `conf-${n++}.jsonl`);
    const sink = await JsonlSink.open(path, { fsyncEveryMs: 0 });
    const count = (): number => {
      try {
        return logFrames(parseActivityLog(readFileSync(path, "utf8"))).length;
      } catch {
        return 0;
      }
    };
    return {
      sink,
      received: async (atLeast) => {
        const t0 = Date.now();
        while (count() < atLeast && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
        return count();
      },
      cleanup: () => Promise.resolve(),
    };
  },
});

describe("activity log", () => {
  it("round-trips frames: scores exactly as float32, times, flags and triggers", async () => {
    const path = join(dir, "rt.jsonl");
    const sink = await JsonlSink.open(path);
    await sink.write({ type: "session", session: SESSION });
    const frames = [0, 1, 5, 25].map((i) => makeFrame(i));
    for (const f of frames) await sink.write({ type: "frame", frame: f });
    await sink.close();
    const log = await readActivityLog(path);
    expect(log.partialTail).toBe(false);
    expect(log.records[0]).toMatchObject({ type: "session", v: 1, modelId: "test-model", hopSec: 0.25 });
    const got = logFrames(log);
    got.forEach((r, i) => {
      const f = frames[i]!;
      expect(Float32Array.from(r.raw)).toEqual(f.raw); // 9 significant digits round-trip float32
      expect(Float32Array.from(r.smoothed)).toEqual(f.smoothed);
      expect(r.active).toEqual(Array.from(f.active));
      expect(r.startSample).toBe(f.startSample);
      expect(r.timeSec).toBe(f.startSample / 22050);
      expect(r.captureTimeMs).toBe(f.captureTimeMs);
      expect(r.triggers).toEqual(f.triggers.map((t) => ({ rule: t.rule, edge: t.edge })));
    });
  });

  it("appends to an existing log and records pause / resume", async () => {
    const path = join(dir, "app.jsonl");
    writeFileSync(path, '{"type":"record","v":1,"on":true,"timeMs":0}\n');
    const sink = await JsonlSink.open(path);
    await sink.write({ type: "frame", frame: makeFrame(0) });
    sink.setPaused(true);
    await sink.write({ type: "frame", frame: makeFrame(1) });
    sink.setPaused(false);
    await sink.write({ type: "frame", frame: makeFrame(2) });
    await sink.close();
    const recs = (await readActivityLog(path)).records;
    expect(recs.map((r) => (r.type === "frame" ? `f${r.seq}` : r.type === "record" ? `rec:${r.on}` : r.type))).toEqual([
      "rec:true",
      "f0",
      "rec:false",
      "rec:true",
      "f2",
    ]);
  });

  it("readers skip a partial last line but reject a bad line elsewhere", () => {
    const good = JSON.stringify({ type: "frame", v: 1, seq: 0 }) + "\n";
    expect(parseActivityLog(good + '{"type":"fra').partialTail).toBe(true);
    expect(parseActivityLog(good + '{"type":"fra').records.length).toBe(1);
    expect(() => parseActivityLog(good + "{oops\n" + good, "x.jsonl")).toThrow("x.jsonl: line 2 is not valid JSON");
    expect(() => parseActivityLog('{"type":"nope"}\n', "x.jsonl")).toThrow(
      'x.jsonl: line 1: expected type session|frame|status|record|device, got "nope"',
    );
  });

  it("survives kill -9 of a live run: every complete line is readable and frames are contiguous", async () => {
    const wav = writeFile(
      dir,
      "k.wav",
      wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: sceneInt16([{ seconds: 3, classes: [0, 3] }], 22050) }),
    );
    const path = join(dir, "killed.jsonl");
    const { child, out } = spawnTs("test/helpers/live-child.ts", [
      "live",
      "--model",
      "fake",
      "--input",
      wav,
      "--fast",
      "--loop",
      "--no-server",
      "--record",
      path,
    ]);
    const t0 = Date.now();
    const size = (): number => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    // ~200 frames at ~700 bytes each
    while (size() < 150_000 && Date.now() - t0 < 30_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    expect(await exited(child), out.stderr).toBe("SIGKILL");
    const log = await readActivityLog(path);
    expect(log.records[0]?.type).toBe("session");
    const frames = logFrames(log);
    expect(frames.length).toBeGreaterThan(150);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.every((f) => f.raw.length === 18 && f.active.length === 18)).toBe(true);
  });
});
