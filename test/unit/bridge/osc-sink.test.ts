import { execFile, execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OscSink, controlFromOsc, frameBundle, ntpTimeTag, parseOscTarget } from "../../../bridge/osc-sink.js";
import type { LiveControl } from "../../../src/pipeline/post-stage.js";
import { setLogWriter } from "../../../src/log.js";
import { tempDir } from "../../helpers/audio-files.js";
import { describeSink, waitFor } from "../../helpers/describe-sink.js";
import { SESSION, makeFrame } from "../../helpers/pipeline-data.js";
import { tsNodeArgs } from "../../helpers/spawn-ts.js";

const dir = tempDir("timbrescope-osc-");

describeSink("osc", {
  make: async () => {
    const rx = createSocket("udp4");
    let frames = 0;
    rx.on("message", (m) => {
      if (m.includes("/timbrescope/activity/")) frames++;
    });
    await new Promise<void>((r) => rx.bind(0, "127.0.0.1", r));
    const sink = await OscSink.open({ targets: [{ host: "127.0.0.1", port: rx.address().port }] });
    return {
      sink,
      received: (n) => waitFor(() => frames, n),
      cleanup: () => new Promise<void>((r) => rx.close(() => r())),
    };
  },
});

describe("OSC encoding", () => {
  it("parses targets", () => {
    expect(parseOscTarget("9000")).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(parseOscTarget("lights.local:7700")).toEqual({ host: "lights.local", port: 7700 });
    expect(() => parseOscTarget("host:99999")).toThrow('Expected --osc HOST:PORT with a port in 1..65535, got "host:99999"');
  });

  it("converts epoch ms to NTP (seconds since 1900, 2^-32 fractions)", () => {
    expect(ntpTimeTag(0)).toEqual([2208988800, 0]);
    expect(ntpTimeTag(1500)).toEqual([2208988801, 2 ** 31]);
  });

  it("builds one bundle per frame: activity f and active i per class, trigger i per edge, /ch/<n>/ per channel", () => {
    const b = frameBundle(makeFrame(5), SESSION);
    const addr = b.packets.map((p) => ("address" in p ? p.address : ""));
    expect(addr.slice(0, 4)).toEqual([
      "/timbrescope/activity/drums",
      "/timbrescope/active/drums",
      "/timbrescope/activity/electric-bass",
      "/timbrescope/active/electric-bass",
    ]);
    expect(b.packets.length).toBe(18 * 2 + 1);
    expect(b.packets.at(-1)).toEqual({ address: "/timbrescope/trigger/guitar-solo", args: [{ type: "i", value: 1 }] });
    expect(b.timeTag.raw).toEqual(ntpTimeTag(makeFrame(5).captureTimeMs));
    const ch = frameBundle(makeFrame(1, 2), SESSION);
    expect("address" in ch.packets[0]! ? ch.packets[0].address : "").toBe("/timbrescope/ch/3/activity/drums");
  });

  it("reads control messages", () => {
    const m = (address: string, ...args: { type: string; value?: unknown }[]) => controlFromOsc({ address, args });
    expect(m("/timbrescope/threshold/drums", { type: "f", value: 0.25 })).toEqual({ type: "set-threshold", label: "drums", value: 0.25 });
    expect(m("/timbrescope/mute/piano", { type: "i", value: 1 })).toEqual({ type: "mute", label: "piano", muted: true });
    expect(m("/timbrescope/mute/piano", { type: "F" })).toEqual({ type: "mute", label: "piano", muted: false });
    expect(m("/timbrescope/smoothing", { type: "f", value: 0 }, { type: "f", value: 2 })).toEqual({
      type: "set-smoothing",
      attackSec: 0,
      releaseSec: 2,
    });
    expect(m("/timbrescope/record", { type: "i", value: 0 })).toEqual({ type: "record", on: false });
    expect(() => m("/timbrescope/threshold/drums", { type: "s", value: "x" })).toThrow(
      '/timbrescope/threshold/drums: expected a number argument 1, got {"type":"s","value":"x"}',
    );
    expect(() => m("/other/threshold/drums")).toThrow("Expected an address under /timbrescope/, got /other/threshold/drums");
  });
});

describe("OSC with liblo", () => {
  it("oscdump receives each frame as one bundle time-tagged with the capture time", () => {
    const log = join(dir, "osc.log");
    const port = 57000 + Math.floor(Math.random() * 1000);
    const node = [process.execPath, ...tsNodeArgs("test/helpers/osc-child.ts", [String(port)])]
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(" ");
    // oscdump binds all interfaces; in a private network namespace "all" is only a loopback.
    const script = `ip link set lo up; oscdump -L ${port} > '${log}' & P=$!; sleep 0.3; ${node}; sleep 0.3; kill $P`;
    execFileSync("unshare", ["-rn", "sh", "-c", script], { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
    const lines = readFileSync(log, "utf8").trim().split("\n");
    const bundleLines = (seq: number, prefix: string): string[] => {
      const [s, f] = ntpTimeTag(makeFrame(seq).captureTimeMs);
      const tag = `${s.toString(16).padStart(8, "0")}.${f.toString(16).padStart(8, "0")}`;
      return lines.filter((l) => l.startsWith(tag + " " + prefix));
    };
    const f0 = bundleLines(0, "/timbrescope/");
    expect(f0.length).toBe(36);
    // raw (c + seq) % 10 / 10, smoothed = raw / 2: drums 0, electric-bass 0.05; active: class seq % 18
    expect(f0[0]).toMatch(/ \/timbrescope\/activity\/drums f 0\.000000$/);
    expect(f0[1]).toMatch(/ \/timbrescope\/active\/drums i 1$/);
    expect(f0[2]).toMatch(/ \/timbrescope\/activity\/electric-bass f 0\.050000$/);
    expect(f0[3]).toMatch(/ \/timbrescope\/active\/electric-bass i 0$/);
    expect(bundleLines(5, "/timbrescope/trigger/")).toEqual([expect.stringMatching(/ \/timbrescope\/trigger\/guitar-solo i 1$/)]);
    expect(bundleLines(1, "/timbrescope/ch/3/").length).toBe(36);
    expect(lines.some((l) => / \/timbrescope\/status\/dropped i 2$/.test(l))).toBe(true);
  });

  it("acts on control messages sent with oscsend, and logs bad ones in one line", async () => {
    const got: LiveControl[] = [];
    const warnings: string[] = [];
    const prev = setLogWriter((l) => warnings.push(l));
    const sink = await OscSink.open({ targets: [], listenPort: 0, onControl: (c) => void got.push(c) });
    try {
      const send = (...args: string[]) =>
        new Promise<void>((r, j) =>
          execFile("oscsend", ["127.0.0.1", String(sink.port), ...args], (e) => (e === null ? r() : j(new Error(e.message)))),
        );
      await send("/timbrescope/threshold/drums", "f", "0.75");
      await send("/timbrescope/mute/male-singer", "i", "1");
      await send("/timbrescope/smoothing", "ff", "0", "1.5");
      await send("/timbrescope/record", "T");
      await send("/timbrescope/bogus", "i", "1");
      await waitFor(() => got.length + warnings.length, 5);
    } finally {
      setLogWriter(prev);
      await sink.close();
    }
    expect(got).toEqual([
      { type: "set-threshold", label: "drums", value: 0.75 },
      { type: "mute", label: "male-singer", muted: true },
      { type: "set-smoothing", attackSec: 0, releaseSec: 1.5 },
      { type: "record", on: true },
    ]);
    expect(warnings).toEqual(["warn: OSC input: Unknown OSC control address /timbrescope/bogus"]);
  });
});
