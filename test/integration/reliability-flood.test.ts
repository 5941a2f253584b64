/**
 * Floods of bad control input for 10 s — OSC datagrams (random bytes, oversized packets, wrong
 * argument types, unknown addresses) and WebSocket messages (garbage text, wrong types, binary),
 * each at >= 10,000 messages/s — while `live` plays a file at real time: the bridge stays up, every
 * window is scored on time (none dropped), a well-behaved client gets every frame, valid control
 * still works, and the bad messages are counted in status.
 */
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import osc from "osc";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { tempDir, wavBytes, writeFile } from "../helpers/audio-files.js";
import { sceneInt16 } from "../helpers/live-signals.js";
import { endOf, readHealth, startLive } from "../helpers/live-process.js";
import { TestClient } from "../helpers/ws-client.js";

const dir = tempDir("timbrescope-flood-");
const FLOOD_SEC = 10;
const RATE = 11_000; // messages per second per transport (target >= 10,000)

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(1664525, s) + 1013904223) >>> 0) / 2 ** 32;
}

/** Datagrams the kernel dropped at 127.0.0.1:port because the receiver's buffer was full (/proc/net/udp). */
function kernelDrops(port: number): number {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const row = readFileSync("/proc/net/udp", "utf8")
    .split("\n")
    .find((l) => l.trim().split(/\s+/)[1] === hex);
  return row === undefined ? Number.NaN : Number(row.trim().split(/\s+/).at(-1));
}

/** 256 bad OSC datagrams of every kind. */
function badOsc(): Buffer[] {
  const rnd = lcg(11);
  const enc = (address: string, ...args: { type: string; value?: unknown }[]): Buffer =>
    Buffer.from(osc.writePacket({ address, args }, { metadata: true }));
  return Array.from({ length: 256 }, (_, i) => {
    switch (i % 5) {
      case 0:
        return Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      case 1:
        return Buffer.alloc(5000 + i, 0x2f); // oversized
      case 2:
        return enc("/timbrescope/threshold/drums", { type: "s", value: "loud" });
      case 3:
        return enc(`/timbrescope/nope/${i}`, { type: "i", value: i });
      default:
        return enc("/timbrescope/smoothing", { type: "f", value: 1 });
    }
  });
}

/** 256 bad WebSocket messages of every kind. */
function badWs(): (string | Buffer)[] {
  const rnd = lcg(12);
  return Array.from({ length: 256 }, (_, i) => {
    switch (i % 4) {
      case 0:
        return `garbage ${i} {{{`;
      case 1:
        return JSON.stringify({ v: 1, type: "set-threshold", label: "drums", value: "high" });
      case 2:
        return JSON.stringify({ v: 1, type: `nope-${i}` });
      default:
        return Buffer.from(Array.from({ length: 64 }, () => Math.floor(rnd() * 256)));
    }
  });
}

describe("floods of bad control input", () => {
  it(`OSC and WebSocket at >= 10,000 messages/s each for ${FLOOD_SEC} s: the bridge keeps its pace and counts them`, async () => {
    const wav = writeFile(
      dir,
      "song.wav",
      wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: sceneInt16([{ seconds: 4, classes: [0, 3] }], 22050) }),
    );
    const health = join(dir, "health.jsonl");
    const oscPort = 47000 + Math.floor(Math.random() * 2000);
    const durationSec = FLOOD_SEC + 4;
    const live = await startLive([
      "--model",
      "fake",
      "--input",
      wav,
      "--loop",
      "--realtime",
      "--duration",
      String(durationSec),
      "--port",
      "0",
      "--osc-in",
      String(oscPort),
      "--status-log",
      health,
    ]);
    const wsUrl = `${live.url!.replace("http", "ws")}ws`;
    const watcher = await TestClient.connect(wsUrl);
    const flooder = new WebSocket(wsUrl);
    await new Promise((r) => flooder.once("open", r));
    let acks = 0;
    flooder.on("message", () => acks++);
    const udp = createSocket("udp4");
    const oscPool = badOsc();
    const wsPool = badWs();
    let oscSent = 0;
    let wsSent = 0;
    let validSent = false;
    const t0 = performance.now();
    // Every ~1 ms, send what is due to keep RATE per second (bounded by time and count).
    while (performance.now() - t0 < FLOOD_SEC * 1000 && oscSent < RATE * FLOOD_SEC * 1.2) {
      const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
      for (; oscSent < due; oscSent++) udp.send(oscPool[oscSent % oscPool.length]!, oscPort, "127.0.0.1");
      for (; wsSent < due; wsSent++) flooder.send(wsPool[wsSent % wsPool.length]!);
      if (wsSent >= 4 * RATE && !validSent) {
        validSent = true;
        watcher.send({ v: 1, type: "mute", id: 42, label: "drums", muted: true }); // valid control mid-flood
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    const floodSec = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 300));
    const dropped = kernelDrops(oscPort);
    const code = await endOf(live, 60_000);
    udp.close();
    flooder.terminate();
    watcher.close();
    expect(code, live.out.stderr.slice(-2000)).toBe(0);

    const oscRate = oscSent / floodSec;
    const wsRate = wsSent / floodSec;
    expect(oscRate).toBeGreaterThanOrEqual(10_000);
    expect(wsRate).toBeGreaterThanOrEqual(10_000);
    const windows = 1 + Math.floor((durationSec - 1) / 0.25);
    const last = readHealth(health).at(-1)!;
    expect(last.windowsScored).toBe(windows);
    expect(last.droppedWindows).toBe(0);
    // TCP delivers every WebSocket message: each one is refused, counted, and answered
    expect(last.badMessages.ws).toBe(wsSent);
    expect(acks).toBeGreaterThanOrEqual(wsSent);
    // UDP drops datagrams in the kernel when the receive buffer is full; every one that arrives is counted
    expect(last.badMessages.osc + dropped).toBe(oscSent);
    expect(last.badMessages.osc).toBeGreaterThan(0.2 * oscSent);
    // the well-behaved client saw every frame, and its control message worked mid-flood
    expect(watcher.of("frame").length).toBe(windows);
    expect(watcher.of("ack").find((a) => a.id === 42)?.ok).toBe(true);
    expect(watcher.of("frame").at(-1)!.active[0]).toBe(0);
    // the bounded warning log: a few lines, not one per message
    expect(live.out.stderr.split("\n").filter((l) => l.includes("OSC input")).length).toBeLessThan(20);
    process.stderr.write(
      `flood: OSC ${oscRate.toFixed(0)}/s, WS ${wsRate.toFixed(0)}/s for ${floodSec.toFixed(1)} s; counted osc ${last.badMessages.osc}/${oscSent} (kernel dropped ${dropped}), ws ${last.badMessages.ws}/${wsSent}; ` +
        `latency p95 ${String(last.latencyMs.p95)} ms, RSS ${(last.rssBytes / 2 ** 20).toFixed(0)} MiB\n`,
    );
  }, 90_000);
});
