/**
 * Load: four WebSocket clients and three OSC targets at a 0.1 s hop (10 frames/s) while `live` plays
 * a file at real time. Every client and every OSC target receives every frame, no window is
 * dropped, and the latency p95 stays within the live target (capture of a window's last sample to
 * its frame handed to the sinks).
 */
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir, wavBytes, writeFile } from "../helpers/audio-files.js";
import { sceneInt16 } from "../helpers/live-signals.js";
import { endOf, readHealth, startLive } from "../helpers/live-process.js";
import { TestClient } from "../helpers/ws-client.js";

/** The live latency target, ms (p95): a meter or light cue following within a tenth of a second. */
const LIVE_TARGET_P95_MS = 100;
const dir = tempDir("timbrescope-load-");

describe("load", () => {
  it("4 WebSocket clients + 3 OSC targets at hop 0.1 s: every frame everywhere, none dropped, p95 within the live target", async () => {
    const wav = writeFile(
      dir,
      "song.wav",
      wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: sceneInt16([{ seconds: 5, classes: [0, 2] }], 44100, 2) }),
    );
    const health = join(dir, "health.jsonl");
    const receivers: Socket[] = [];
    const bundles = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      const rx = createSocket("udp4");
      rx.on("message", (m) => {
        if (m.includes("/timbrescope/activity/drums")) bundles[k]!++;
      });
      await new Promise<void>((r) => rx.bind(0, "127.0.0.1", r));
      receivers.push(rx);
    }
    const durationSec = 10;
    const oscArgs = receivers.flatMap((r) => ["--osc", `127.0.0.1:${r.address().port}`]);
    const live = await startLive([
      "--model",
      "fake",
      "--input",
      wav,
      "--loop",
      "--realtime",
      "--hop",
      "0.1",
      "--duration",
      String(durationSec),
      "--port",
      "0",
      "--status-log",
      health,
      ...oscArgs,
    ]);
    const ws = `${live.url!.replace("http", "ws")}ws`;
    const clients = await Promise.all([0, 1, 2, 3].map(() => TestClient.connect(ws)));
    const code = await endOf(live, 60_000);
    for (const r of receivers) r.close();
    for (const c of clients) c.close();
    expect(code, live.out.stderr.slice(-2000)).toBe(0);
    const windows = 1 + Math.floor((durationSec - 1) / 0.1 + 1e-9);
    const recs = readHealth(health);
    const last = recs.at(-1)!;
    expect(last.windowsScored).toBe(windows);
    expect(last.droppedWindows).toBe(0);
    for (const c of clients) {
      expect(c.invalid).toEqual([]);
      expect(c.of("frame").length).toBe(windows);
    }
    expect(bundles).toEqual([windows, windows, windows]);
    process.stderr.write(
      `load: ${windows} frames to 4 WS + 3 OSC; latency p50 ${String(last.latencyMs.p50)} ms, p95 ${String(last.latencyMs.p95)} ms, p99 ${String(last.latencyMs.p99)} ms, cpu ${last.cpuPercent}%\n`,
    );
    expect(last.latencyMs.p95).toBeLessThan(LIVE_TARGET_P95_MS);
  }, 90_000);
});
