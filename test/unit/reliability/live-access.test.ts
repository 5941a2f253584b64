/**
 * `live` access flags end to end (in-process, stand-in model, 127.0.0.1 only): a non-loopback --host
 * without a token is refused before anything is opened; --token protects the running bridge;
 * --record-dir confines --record and, without it, opens a fresh file that stays off until a record
 * control message turns it on; --status-log writes one health line per status.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LiveCliDeps, LiveRun } from "../../../bridge/live-command.js";
import { logFrames, readActivityLog } from "../../../src/sinks/activity-log.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { sceneInt16 } from "../../helpers/live-signals.js";
import { fakeScorerSpec } from "../../helpers/fake-scorer.js";
import { runLiveInProcess } from "../../helpers/run-live.js";
import { readHealth } from "../../helpers/live-process.js";
import { TestClient } from "../../helpers/ws-client.js";

const dir = tempDir("timbrescope-live-access-");
const wav = writeFile(
  dir,
  "s.wav",
  wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: sceneInt16([{ seconds: 3, classes: [0] }], 22050) }),
);
const TOKEN = "live-token-0123456789";

function runLive(args: readonly string[], deps: Partial<LiveCliDeps> = {}): Promise<{ code: number; log: string[] }> {
  return runLiveInProcess(["--model", "m", "--input", wav, ...args], { scorerFor: () => fakeScorerSpec(), env: {}, ...deps });
}

describe("live access flags", () => {
  it("refuses a non-loopback --host without a token, before opening anything", async () => {
    const rec = join(dir, "never.jsonl");
    const r = await runLive(["--host", "0.0.0.0", "--record", rec]);
    expect(r.code).toBe(1);
    expect(r.log.at(-1)).toBe(
      "--host 0.0.0.0 exposes the bridge beyond this machine: it needs --token or TIMBRESCOPE_TOKEN (at least 16 characters)",
    );
    expect(existsSync(rec)).toBe(false);
  });

  it("with --token the running bridge refuses sockets without it and serves those with it", async () => {
    let denied: boolean | undefined;
    let hello = 0;
    const r = await runLive(["--fast", "--port", "0", "--token", TOKEN, "--duration", "2"], {
      onStarted: (run: LiveRun) => {
        const ws = `ws://127.0.0.1:${run.server!.port}/ws`;
        void TestClient.connect(ws).then(
          (c) => {
            denied = false;
            c.close();
          },
          () => (denied = true),
        );
        void TestClient.connect(`${ws}?token=${TOKEN}`).then(async (c) => {
          await c.until((x) => x.of("hello").length > 0, 2000);
          hello = c.of("hello").length;
          c.close();
        });
      },
    });
    expect(r.code, r.log.join("\n")).toBe(0);
    expect(
      r.log.some((l) => /^live: UI and WebSocket on http:\/\/127\.0\.0\.1:\d+\/ \(token required: open it with \?token=\.\.\.\)$/.test(l)),
    ).toBe(true);
    expect(denied).toBe(true);
    expect(hello).toBe(1);
  });

  it("--record-dir confines --record, and alone opens a fresh log that a record control message turns on", async () => {
    const recDir = join(dir, "recs");
    mkdirSync(recDir);
    const out = await runLive(["--fast", "--no-server", "--record-dir", recDir, "--record", "../escape.jsonl"]);
    expect(out.code).toBe(1);
    expect(out.log.at(-1)).toBe(`Expected a record file inside --record-dir ${recDir}, got "../escape.jsonl"`);
    expect(existsSync(join(dir, "escape.jsonl"))).toBe(false);

    const inside = await runLive(["--fast", "--no-server", "--record-dir", recDir, "--record", "set1.jsonl", "--duration", "2"]);
    expect(inside.code, inside.log.join("\n")).toBe(0);
    expect(logFrames(await readActivityLog(join(recDir, "set1.jsonl"))).length).toBe(5);

    const health = join(dir, "health.jsonl");
    const fresh = await runLive(
      ["--realtime", "--port", "0", "--record-dir", recDir, "--duration", "2.5", "--hop", "0.5", "--status-log", health],
      {
        onStarted: (run: LiveRun) => {
          void TestClient.connect(`ws://127.0.0.1:${run.server!.port}/ws`).then(async (c) => {
            await c.until((x) => x.of("frame").length >= 1, 3000);
            c.send({ v: 1, type: "record", id: 5, on: true });
            await c.until((x) => x.of("ack").length === 1, 2000);
            c.close();
          });
        },
      },
    );
    expect(fresh.code, fresh.log.join("\n")).toBe(0);
    const made = readdirSync(recDir).filter((f) => /^live-\d{8}-\d{6}\.jsonl$/.test(f));
    expect(made.length).toBe(1);
    expect(fresh.log.some((l) => l.includes("(off until a record control message turns it on)"))).toBe(true);
    const log = await readActivityLog(join(recDir, made[0]!));
    const kinds = log.records.map((r) => r.type);
    expect(kinds[0]).toBe("session");
    expect(kinds).toContain("record");
    const frames = logFrames(log);
    // windows at 0, 0.5, 1, 1.5 s: the first ones passed while recording was off
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(4);
    const h = readHealth(health);
    expect(h.length).toBeGreaterThanOrEqual(2);
    expect(h.at(-1)).toMatchObject({
      type: "health",
      windowsScored: 4,
      droppedWindows: 0,
      badMessages: { osc: 0, ws: 0 },
      device: { state: "ok", gaps: 0 },
    });
    expect(h.at(-1)!.rssBytes).toBeGreaterThan(10 * 2 ** 20);
  });
});
