/**
 * Bad control input is counted and ignored, and nothing else breaks: OSC datagrams of random bytes,
 * oversized packets, wrong argument types, unknown addresses, refused sources; WebSocket text that
 * is not JSON, wrong types, binary frames, oversized frames, and raw garbage on the TCP socket.
 * Warnings about bad input are rate-limited.
 */
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import osc from "osc";
import { OscSink, RateLimitedWarner } from "../../../bridge/osc-sink.js";
import { BridgeServer } from "../../../bridge/server.js";
import { WsSink } from "../../../bridge/ws-sink.js";
import { setLogWriter } from "../../../src/log.js";
import type { LiveControl } from "../../../src/pipeline/post-stage.js";
import { waitFor } from "../../helpers/describe-sink.js";
import { SESSION, STATUS } from "../../helpers/pipeline-data.js";
import { TestClient } from "../../helpers/ws-client.js";

/** Deterministic bytes (LCG). */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

const enc = (address: string, ...args: { type: string; value?: unknown }[]): Buffer =>
  Buffer.from(osc.writePacket({ address, args }, { metadata: true }));

describe("OSC control input", () => {
  it("counts random bytes, oversized packets, wrong types and unknown addresses, applies the good ones, and logs a bounded number of lines", async () => {
    const got: LiveControl[] = [];
    const lines: string[] = [];
    const prev = setLogWriter((l) => lines.push(l));
    const sink = await OscSink.open({ targets: [], listenPort: 0, onControl: (c) => void got.push(c) });
    const tx = createSocket("udp4");
    try {
      const bad: Buffer[] = [
        ...Array.from({ length: 200 }, (_, i) => noise(1 + (i % 300), i + 1)), // random bytes
        Buffer.alloc(60_000, 0x2f), // oversized
        enc("/timbrescope/threshold/drums", { type: "s", value: "high" }), // wrong type
        enc("/timbrescope/threshold/drums", { type: "f", value: Number.NaN }), // not finite
        enc("/timbrescope/smoothing", { type: "f", value: 0.1 }), // missing argument
        enc("/timbrescope/nope", { type: "i", value: 1 }), // unknown address
        enc("/other/app", { type: "i", value: 1 }), // not ours
        enc("/timbrescope/record", { type: "s", value: "/etc/passwd" }), // no control can name a path
      ];
      const goodOnes = [
        enc("/timbrescope/threshold/drums", { type: "f", value: 0.25 }),
        enc("/timbrescope/mute/piano", { type: "i", value: 1 }),
      ];
      // Paced a little: a burst larger than the socket's receive buffer would be dropped by the kernel.
      for (const [i, b] of [...bad, ...goodOnes].entries()) {
        await new Promise<void>((r) => tx.send(b, sink.port, "127.0.0.1", () => r()));
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5));
      }
      // each random datagram that happens to decode still fails as a control message: every bad one counts once or more
      expect(await waitFor(() => sink.badMessages + got.length, bad.length + 2)).toBeGreaterThanOrEqual(bad.length + 2);
      expect(got).toEqual([
        { type: "set-threshold", label: "drums", value: 0.25 },
        { type: "mute", label: "piano", muted: true },
      ]);
      expect(sink.controlMessages).toBe(2);
      // 3 single lines, then summaries at most every 10 s: here none yet (flushed on close)
      expect(lines.length).toBe(3);
    } finally {
      tx.close();
      await sink.close();
      setLogWriter(prev);
    }
    expect(lines.length).toBe(4);
    expect(lines[3]).toMatch(/^warn: OSC input: \d+ more bad message\(s\) since the last report \(latest: /);
  });

  it("drops datagrams from sources that are not loopback or allow-listed (counted)", async () => {
    const got: LiveControl[] = [];
    const sink = await OscSink.open({ targets: [], listenPort: 0, allowSources: ["192.0.2.10"], onControl: (c) => void got.push(c) });
    const prev = setLogWriter(() => undefined);
    try {
      // Simulated remote senders (tests never use addresses other than 127.0.0.1 on the wire).
      const socket = (sink as unknown as { socket: Socket }).socket;
      const msg = enc("/timbrescope/mute/drums", { type: "i", value: 1 });
      socket.emit("message", msg, { address: "198.51.100.7", port: 9000, family: "IPv4", size: msg.length });
      socket.emit("message", msg, { address: "192.0.2.10", port: 9000, family: "IPv4", size: msg.length });
      expect(sink.refusedSources).toBe(1);
      expect(got).toEqual([{ type: "mute", label: "drums", muted: true }]);
    } finally {
      setLogWriter(prev);
      await sink.close();
    }
  });

  it("the warner logs a burst, then one summary per period", () => {
    const lines: string[] = [];
    const prev = setLogWriter((l) => lines.push(l));
    let t = 0;
    const w = new RateLimitedWarner("x", 2, 1000, () => t);
    for (let i = 0; i < 10_000; i++) {
      t += 1; // 10 s of messages, one per ms
      w.warn(`m${i}`);
    }
    setLogWriter(prev);
    expect(lines.slice(0, 2)).toEqual(["warn: x: m0", "warn: x: m1"]);
    expect(lines.length).toBeLessThanOrEqual(2 + 10);
    expect(lines.at(-1)).toMatch(/^warn: x: \d+ more bad message\(s\) since the last report \(latest: m\d+\)$/);
  });
});

describe("WebSocket control input", () => {
  it("answers garbage with error acks, counts it in status, closes oversized and broken connections, and keeps serving others", async () => {
    const got: LiveControl[] = [];
    const sink = new WsSink({ onControl: (c) => void got.push(c), oscBadMessages: () => 7 });
    const server = await BridgeServer.start({ port: 0, uiDir: null }, sink);
    const url = `ws://127.0.0.1:${server.port}/ws`;
    sink.write({ type: "session", session: SESSION });
    const watcher = await TestClient.connect(url);
    const bad = await TestClient.connect(url);
    const garbage: unknown[] = [
      "not json",
      "{",
      "[]",
      "null",
      '"str"',
      { v: 2, type: "mute" },
      { v: 1, type: "nope" },
      { v: 1, type: "set-threshold", label: "drums", value: "0.5" },
      { v: 1, type: "set-threshold", label: "drums", value: 7 },
      { v: 1, type: "mute", label: "drums", muted: true, extra: 1 },
      { v: 1, type: "record", on: true, file: "/etc/passwd" },
      { v: 1, type: "set-smoothing", attackSec: -1, releaseSec: 1 },
    ];
    for (const g of garbage) bad.ws.send(typeof g === "string" ? g : JSON.stringify(g));
    bad.ws.send(noise(100, 3)); // binary frame
    expect(await bad.until((c) => c.of("ack").length === garbage.length + 1)).toBe(true);
    expect(bad.of("ack").every((a) => !a.ok)).toBe(true);
    expect(bad.of("ack").find((a) => a.error?.includes("file"))?.error).toBe('record: unknown field "file"');
    expect(sink.badMessages).toBe(garbage.length + 1);
    expect(got).toEqual([]);

    // a frame over the 64 KiB limit closes that connection (1009) only
    const big = new WebSocket(url);
    await new Promise((r) => big.once("open", r));
    const closed = new Promise<number>((r) => big.once("close", (code) => r(code)));
    big.send("x".repeat(70_000));
    expect(await closed).toBe(1009);
    // raw bytes that are not WebSocket frames on an upgraded socket
    const raw = connect(server.port, "127.0.0.1");
    await new Promise((r) => raw.once("connect", r));
    raw.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    raw.write(noise(4096, 9));
    // The server answers with a close frame (opcode 0x8) and drops the connection.
    let answer = Buffer.alloc(0);
    raw.on("data", (d: Buffer) => (answer = Buffer.concat([answer, d])));
    const t0 = Date.now();
    while (!answer.includes(Buffer.from([0x88])) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(answer.toString("latin1")).toMatch(/^HTTP\/1\.1 101 /);
    expect(answer.subarray(answer.indexOf("\r\n\r\n") + 4).includes(0x88)).toBe(true);
    raw.destroy();

    sink.write({ type: "status", status: STATUS });
    expect(await watcher.until((c) => c.of("status").length === 1)).toBe(true);
    expect(watcher.of("status")[0]!.badMessages).toEqual({ osc: 7, ws: garbage.length + 1 });
    watcher.send({ v: 1, type: "mute", id: 1, label: "drums", muted: true });
    expect(await watcher.until((c) => c.of("ack").length === 1)).toBe(true);
    expect(got).toEqual([{ type: "mute", label: "drums", muted: true }]);
    watcher.close();
    bad.close();
    await sink.close();
    await server.close();
  });
});
