import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BridgeServer } from "../../../bridge/server.js";
import { WsSink } from "../../../bridge/ws-sink.js";
import { FileSource } from "../../../src/audio/file-source.js";
import { LivePipeline } from "../../../src/pipeline/live.js";
import { tempDir } from "../../helpers/audio-files.js";
import { fakeScorerSpec } from "../../helpers/fake-scorer.js";
import { sceneInt16 } from "../../helpers/live-signals.js";
import { TestClient } from "../../helpers/ws-client.js";

const dir = tempDir("timbrescope-server-");

describe("BridgeServer", () => {
  it("binds 127.0.0.1 and serves a placeholder page when the UI is not built", async () => {
    const server = await BridgeServer.start({ port: 0, uiDir: null }, new WsSink());
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain("timbrescope bridge");
      expect(body).toContain("/ws");
      expect((await fetch(`${server.url}nope.js`)).status).toBe(404);
      expect((await fetch(server.url, { method: "POST" })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it("serves ui/dist when present, without escaping the directory", async () => {
    const ui = join(dir, "dist");
    mkdirSync(join(ui, "assets"), { recursive: true });
    writeFileSync(join(ui, "index.html"), "<html>ui</html>");
    writeFileSync(join(ui, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(dir, "secret.txt"), "secret");
    const server = await BridgeServer.start({ port: 0, uiDir: ui }, new WsSink());
    try {
      expect(await (await fetch(server.url)).text()).toBe("<html>ui</html>");
      const js = await fetch(`${server.url}assets/app.js`);
      expect(js.headers.get("content-type")).toMatch(/javascript/);
      const esc = await fetch(`${server.url}..%2Fsecret.txt`);
      expect([403, 404]).toContain(esc.status);
      expect(await esc.text()).not.toContain("secret");
    } finally {
      await server.close();
    }
  });

  it("a port in use is a one-line user error", async () => {
    const a = await BridgeServer.start({ port: 0 }, new WsSink());
    try {
      await expect(BridgeServer.start({ port: a.port }, new WsSink())).rejects.toThrow(
        new RegExp(`Cannot serve on 127.0.0.1:${a.port} .*pick another --port`),
      );
    } finally {
      await a.close();
    }
  });
});

describe("live pipeline over WebSocket", () => {
  it("a client sees hello, frames and status, and its control changes the thresholds", async () => {
    const audio = sceneInt16([{ seconds: 2.5, classes: [0, 3] }], 22050).map((x) => Float32Array.from(x, (v) => v / 32768));
    const source = FileSource.fromAudio("scene", { channels: audio, sampleRateHz: 22050, format: "test" }, { pace: "realtime" });
    const ref: { pipeline?: LivePipeline } = {};
    const ws = new WsSink({
      onControl: (cmd) => ref.pipeline?.control(cmd),
      state: () => ({ ...(ref.pipeline?.state() ?? { thresholds: [], muted: [] }), recording: null }),
    });
    const server = await BridgeServer.start({ port: 0 }, ws);
    const client = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const pipeline = (ref.pipeline = await LivePipeline.start({
      source,
      scorer: fakeScorerSpec({ modelId: "fake-ws" }),
      sinks: [ws],
      hopSec: 0.25,
      statusIntervalMs: 200,
    }));
    expect(await client.until((c) => c.of("frame").length >= 2 && c.of("status").length >= 1)).toBe(true);
    client.send({ v: 1, type: "set-threshold", id: 7, label: "drums", value: 0.9 });
    client.send({ v: 1, type: "mute", id: 8, label: "distorted-guitar", muted: true });
    expect(await client.until((c) => c.of("ack").length === 2)).toBe(true);
    expect(pipeline.state().thresholds[0]).toBe(0.9);
    expect(pipeline.state().muted[3]).toBe(true);
    const late = await TestClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    expect(await late.until((c) => c.of("hello").length === 1)).toBe(true);
    expect(late.of("hello")[0]!.thresholds[0]).toBe(0.9);
    const summary = await pipeline.done;
    expect(client.invalid).toEqual([]);
    const hello = client.of("hello")[0]!;
    expect(hello).toMatchObject({ modelId: "fake-ws", hopSec: 0.25, sampleRateHz: 22050, inputRateHz: 22050, lanes: [null] });
    expect(hello.labels.length).toBe(18);
    const frames = client.of("frame");
    // 2.5 s -> windows at 0, 0.25 .. 1.5 s
    expect(frames.map((f) => f.startSample)).toEqual([0, 5513, 11025, 16538, 22050, 27563, 33075]);
    expect(summary.windowsScored).toBe(7);
    const status = client.of("status").at(-1)!;
    expect(status).toMatchObject({ device: "scene", droppedWindows: 0, numTensors: 7 });
    expect(status.latencyMs.count).toBeGreaterThan(0);
    // After the mute, distorted guitar is never active; before it, it was.
    expect(frames[0]!.active[3]).toBe(1);
    expect(frames.at(-1)!.active[3]).toBe(0);
    client.close();
    late.close();
    await server.close();
  });
});
