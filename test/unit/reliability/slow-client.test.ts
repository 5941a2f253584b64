/**
 * A WebSocket client that stops reading: its server-side backlog stays bounded (frames are dropped
 * above maxBufferedBytes, the client is cut off above 4x that or after maxDropsInARow), while a
 * reading client and an OSC target fed through the same fanout receive every frame and writes never
 * wait. Frames are inflated (~40 kB of JSON) so the kernel's socket buffers fill within the test.
 */
import { createSocket } from "node:dgram";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { OscSink } from "../../../bridge/osc-sink.js";
import { BridgeServer } from "../../../bridge/server.js";
import { WsSink } from "../../../bridge/ws-sink.js";
import type { Frame } from "../../../src/frame.js";
import { Fanout } from "../../../src/sinks/fanout.js";
import { waitFor } from "../../helpers/describe-sink.js";
import { SESSION, makeFrame } from "../../helpers/pipeline-data.js";
import { TestClient } from "../../helpers/ws-client.js";

function bigFrame(seq: number): Frame {
  const f = makeFrame(seq);
  const raw = Float32Array.from({ length: 3000 }, (_, i) => ((i * 7919 + seq) % 1000) / 1000);
  return { ...f, raw, smoothed: raw, active: new Uint8Array(3000) };
}

describe("a stuck WebSocket client", () => {
  it("is cut off with a bounded backlog; the reading client and OSC get every frame", async () => {
    const maxBufferedBytes = 256 * 1024;
    const ws = new WsSink({ maxBufferedBytes, maxDropsInARow: 100 });
    const server = await BridgeServer.start({ port: 0, uiDir: null }, ws);
    const rx = createSocket("udp4");
    let oscFrames = 0;
    rx.on("message", (m) => {
      if (m.includes("/timbrescope/activity/drums")) oscFrames++;
    });
    await new Promise<void>((r) => rx.bind(0, "127.0.0.1", r));
    const osc = await OscSink.open({ targets: [{ host: "127.0.0.1", port: rx.address().port }] });
    const fanout = new Fanout([ws, osc]);
    const url = `ws://127.0.0.1:${server.port}/ws`;
    const good = await TestClient.connect(url);
    const stuck = await TestClient.connect(url);
    stuck.stall();
    fanout.write({ type: "session", session: SESSION });
    // The server-side socket of each client (test-only view of the sink's clients).
    const sockets = (): WebSocket[] => [...(ws as unknown as { clients: Set<{ socket: WebSocket }> }).clients].map((c) => c.socket);
    const n = 600; // ~24 MB of frames
    let worstBacklog = 0;
    let worstWriteMs = 0;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      fanout.write({ type: "frame", frame: bigFrame(i) });
      worstWriteMs = Math.max(worstWriteMs, performance.now() - t0);
      for (const s of sockets()) worstBacklog = Math.max(worstBacklog, s.bufferedAmount);
      if (i % 20 === 19) {
        await good.until((c) => c.of("frame").length === i + 1, 5000);
        await waitFor(() => oscFrames, i + 1);
      }
    }
    expect(await good.until((c) => c.of("frame").length === n, 20_000)).toBe(true);
    expect(await waitFor(() => oscFrames, n)).toBe(n);
    expect(ws.disconnectedSlow).toBe(1);
    expect(ws.clientCount).toBe(1);
    // bounded: never more than the cut-off level plus one frame queued for the stuck client
    expect(worstBacklog).toBeLessThanOrEqual(4 * maxBufferedBytes + 64 * 1024);
    expect(worstWriteMs).toBeLessThan(100);
    expect(fanout.counters().every((c) => c.dropped === 0)).toBe(true);
    good.close();
    await fanout.close();
    rx.close();
    await server.close();
  });
});
