import { describe, expect, it } from "vitest";
import { BridgeServer } from "../../../bridge/server.js";
import { WsSink } from "../../../bridge/ws-sink.js";
import type { WsSinkOptions } from "../../../bridge/ws-sink.js";
import type { Frame } from "../../../src/frame.js";
import type { LiveControl } from "../../../src/pipeline/post-stage.js";
import { describeSink } from "../../helpers/describe-sink.js";
import { SESSION, STATUS, makeFrame } from "../../helpers/pipeline-data.js";
import { TestClient } from "../../helpers/ws-client.js";

async function setup(opts: WsSinkOptions = {}): Promise<{ sink: WsSink; server: BridgeServer; url: string }> {
  const sink = new WsSink(opts);
  const server = await BridgeServer.start({ port: 0 }, sink);
  return { sink, server, url: `ws://127.0.0.1:${server.port}/ws` };
}

async function harness(stalled: boolean) {
  const { sink, server, url } = await setup();
  const client = await TestClient.connect(url);
  if (stalled) client.stall();
  await new Promise((r) => setTimeout(r, 20));
  return {
    sink,
    received: async (n: number) => {
      await client.until((c) => c.of("frame").length >= n, 2000);
      return client.of("frame").length;
    },
    cleanup: async () => {
      client.close();
      await server.close();
    },
  };
}

describeSink("ws", { make: () => harness(false), makeStalled: () => harness(true) });

/** A frame with big score arrays (~40 kB of JSON), to fill socket buffers quickly. */
function bigFrame(seq: number): Frame {
  const f = makeFrame(seq);
  const raw = Float32Array.from({ length: 3000 }, (_, i) => ((i * 7919 + seq) % 1000) / 1000);
  return { ...f, raw, smoothed: raw, active: new Uint8Array(3000) };
}

describe("WsSink", () => {
  it("sends hello on connect (also to late clients) and valid frame, trigger and status messages", async () => {
    const { sink, server, url } = await setup();
    const early = await TestClient.connect(url);
    sink.write({ type: "session", session: SESSION });
    for (let i = 0; i < 6; i++) sink.write({ type: "frame", frame: makeFrame(i) });
    sink.write({ type: "status", status: STATUS });
    const late = await TestClient.connect(url);
    expect(await early.until((c) => c.of("status").length === 1)).toBe(true);
    expect(await late.until((c) => c.of("hello").length === 1)).toBe(true);
    expect(early.invalid).toEqual([]);
    expect(early.messages.map((m) => m.type)).toEqual(["hello", "frame", "frame", "frame", "frame", "frame", "frame", "trigger", "status"]);
    const hello = early.of("hello")[0]!;
    expect(hello).toMatchObject({ v: 1, modelId: "test-model", hopSec: 0.25, sampleRateHz: 22050, recording: null });
    expect(early.of("trigger")[0]).toMatchObject({ rule: "guitar-solo", edge: "enter", startSample: makeFrame(5).startSample });
    expect(early.of("frame")[2]!.active).toEqual(Array.from(makeFrame(2).active));
    expect(early.of("status")[0]).toMatchObject({ xruns: 1, droppedWindows: 2, droppedMessages: 0, numTensors: 9 });
    early.close();
    late.close();
    await sink.close();
    await server.close();
  });

  it("a client that stops reading loses frames (counted), is disconnected, and never slows the others", async () => {
    const { sink, server, url } = await setup({ maxBufferedBytes: 64 * 1024, maxDropsInARow: 50 });
    const good = await TestClient.connect(url);
    const hung = await TestClient.connect(url);
    hung.stall();
    sink.write({ type: "session", session: SESSION });
    const n = 500; // ~20 MB: more than the kernel buffers of the hung connection hold
    let worstMs = 0;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      sink.write({ type: "frame", frame: bigFrame(i) });
      worstMs = Math.max(worstMs, performance.now() - t0);
      // A client that keeps up: let it read what was sent before writing more.
      if (i % 20 === 19) await good.until((c) => c.of("frame").length === i + 1, 5000);
    }
    expect(await good.until((c) => c.of("frame").length === n, 20_000)).toBe(true);
    expect(good.of("frame").map((f) => f.seq)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(sink.droppedTotal).toBeGreaterThan(0);
    expect(sink.disconnectedSlow).toBe(1);
    expect(sink.clientCount).toBe(1);
    expect(worstMs).toBeLessThan(100);
    sink.write({ type: "status", status: STATUS });
    expect(await good.until((c) => c.of("status").length === 1)).toBe(true);
    expect(good.of("status")[0]!.droppedMessages).toBe(0);
    good.close();
    await sink.close();
    await server.close();
  });

  it("validates control messages and answers each with an ack", async () => {
    const got: LiveControl[] = [];
    const { sink, server, url } = await setup({
      onControl: (cmd) => {
        if (cmd.type === "mute" && cmd.label === "nope") throw new Error('Expected a class the model outputs, got "nope"');
        got.push(cmd);
      },
    });
    const c = await TestClient.connect(url);
    c.send({ v: 1, type: "set-threshold", id: 1, label: "drums", value: 0.7 });
    c.send({ v: 1, type: "set-smoothing", id: 2, attackSec: 0, releaseSec: 1.5, label: "piano" });
    c.send({ v: 1, type: "mute", id: 3, label: "nope", muted: true });
    c.send({ v: 1, type: "record", on: 1 });
    c.send("not json");
    expect(await c.until((x) => x.of("ack").length === 5)).toBe(true);
    expect(c.of("ack")).toEqual([
      { v: 1, type: "ack", id: 1, ok: true },
      { v: 1, type: "ack", id: 2, ok: true },
      { v: 1, type: "ack", id: 3, ok: false, error: 'Expected a class the model outputs, got "nope"' },
      { v: 1, type: "ack", id: null, ok: false, error: "record.on: invalid value 1" },
      { v: 1, type: "ack", id: null, ok: false, error: 'expected a JSON object, got "not json"' },
    ]);
    expect(got).toEqual([
      { type: "set-threshold", label: "drums", value: 0.7 },
      { type: "set-smoothing", attackSec: 0, releaseSec: 1.5, label: "piano" },
    ]);
    c.close();
    await sink.close();
    await server.close();
  });
});
