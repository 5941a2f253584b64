import { describe, expect, it } from "vitest";
import { ntpTimeTag } from "../../../bridge/osc-sink.js";
import { cpuShareBetween, parseStatCpuMs, parseVmHwmKiB } from "../../../bench/lib/child.js";
import { summarizeProfile, shortUrl } from "../../../bench/lib/cpuprofile.js";
import { latencyFigure, parseBundleHead, parseLiveSummary } from "../../../bench/live.js";
import { parseTrainBenchmark } from "../../../bench/training.js";

/** An OSC string: bytes, NUL, padded to a multiple of 4 (OSC 1.0). */
function oscString(s: string): Buffer {
  const b = Buffer.alloc(Math.ceil((s.length + 1) / 4) * 4);
  b.write(s, "latin1");
  return b;
}

/** A one-message bundle built by hand from the OSC 1.0 spec (not by the code under test). */
function bundle(timeTag: readonly [number, number], address: string): Buffer {
  const msg = Buffer.concat([oscString(address), oscString(",f"), Buffer.from([0x3f, 0x80, 0, 0])]);
  const head = Buffer.alloc(16);
  head.write("#bundle\0", "latin1");
  head.writeUInt32BE(timeTag[0], 8);
  head.writeUInt32BE(timeTag[1], 12);
  const size = Buffer.alloc(4);
  size.writeInt32BE(msg.length);
  return Buffer.concat([head, size, msg]);
}

describe("bench parsers", () => {
  it("reads a bundle's time tag back to epoch ms and its first address", () => {
    const ms = 1764030000123.456;
    const head = parseBundleHead(bundle(ntpTimeTag(ms), "/timbrescope/activity/drums"));
    expect(head?.firstAddress).toBe("/timbrescope/activity/drums");
    expect(Math.abs((head?.timeTagMs ?? 0) - ms)).toBeLessThan(1e-3);
  });

  it("rejects packets that are not bundles", () => {
    expect(parseBundleHead(Buffer.concat([oscString("/timbrescope/status/xruns"), oscString(",i"), Buffer.alloc(4)]))).toBeUndefined();
    expect(parseBundleHead(Buffer.from("#bundle\0"))).toBeUndefined();
  });

  it("summarises latencies", () => {
    const f = latencyFigure([10, 20, 30, 40, 50]);
    expect([f.p50, f.p95, f.max, f.count]).toEqual([30, 48, 50, 5]);
  });

  it("parses the live summary line and train --benchmark's line", () => {
    const line = "live: done: 473 windows scored, 2 dropped, 0 xruns; latency p50 61.2 ms, p95 83.0 ms, p99 97.5 ms; sink drops: ws 3";
    expect(parseLiveSummary(`noise\n${line}\n`)).toEqual({ dropped: 2, p50: 61.2, p95: 83, p99: 97.5 });
    expect(parseLiveSummary("live: done: nothing")).toBeUndefined();
    const train =
      "cnn on wasm (SIMD, 1 thread), batch 32: 12.4 windows/s (2581 ms/step over 3 steps; 2.18 M parameters, 782 MFLOP/window)\n";
    expect(parseTrainBenchmark(train)).toEqual({ samplesPerSec: 12.4, msPerStep: 2581 });
  });

  it("parses /proc stat and status, including a command name with spaces and parentheses", () => {
    const stat = "4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 1000 0 0 0 250 75 0 0 20 0 11 0 123 456 789";
    expect(parseStatCpuMs(stat)).toBe(3250);
    expect(parseVmHwmKiB("Name:\tnode\nVmPeak:\t 999 kB\nVmHWM:\t  524288 kB\nVmRSS:\t 1000 kB\n")).toBe(524288);
    expect(parseVmHwmKiB("Name:\tzombie\n")).toBe(0);
  });

  it("computes a CPU share from samples inside a time range", () => {
    const samples = [0, 1000, 2000, 3000].map((tMs, i) => ({ tMs, cpuMs: i * 250, hwmKiB: 0 }));
    expect(cpuShareBetween(samples, 900, 3100)).toBeCloseTo(25, 10);
    expect(cpuShareBetween(samples, 5000, 6000)).toBeNaN();
  });

  it("summarises a CPU profile by self time", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("", "") },
        { id: 2, callFrame: frame("compute", "file:///x/dist/src/features/stft.js") },
        { id: 3, callFrame: frame("realTransform", "file:///x/node_modules/fft.js/lib/fft.js") },
      ],
      samples: [2, 2, 2, 3, 3, 1, 2, 3, 2, 2],
    };
    const top = summarizeProfile(profile, 2);
    expect(top).toEqual([
      { functionName: "compute", where: "dist/src/features/stft.js:10", selfPct: 60 },
      { functionName: "realTransform", where: "fft.js/lib/fft.js:10", selfPct: 30 },
    ]);
    expect(shortUrl("file:///home/u/proj/bridge/cli.js")).toBe("bridge/cli.js");
  });
});
