import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { LiveCliDeps, LiveRun } from "../../../bridge/live-command.js";
import { planLive } from "../../../src/cli/live-options.js";
import type { LiveFlags } from "../../../src/cli/live-options.js";
import { formatDeviceTable } from "../../../src/cli/devices.js";
import { loadNaudiodon, NAUDIODON_MISSING } from "../../../src/audio/portaudio-source.js";
import { logFrames, readActivityLog } from "../../../src/sinks/activity-log.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { fakeScorerSpec } from "../../helpers/fake-scorer.js";
import { TestClient } from "../../helpers/ws-client.js";
import { sceneInt16 } from "../../helpers/live-signals.js";
import { runLiveInProcess } from "../../helpers/run-live.js";

const dir = tempDir("timbrescope-cli-live-");
const stereo = [sceneInt16([{ seconds: 2.2, classes: [2] }], 44100)[0]!, sceneInt16([{ seconds: 2.2, classes: [3] }], 44100, 1, 3)[0]!];
const wav = writeFile(dir, "st.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: stereo }));

/** Runs `live ARGS` on a program of its own; returns the exit code (0/1) and the log lines. */
function runLive(
  args: readonly string[],
  deps: LiveCliDeps = { scorerFor: () => fakeScorerSpec() },
): Promise<{ code: number; log: string[] }> {
  return runLiveInProcess(args, deps);
}

const flags = (over: Partial<LiveFlags>): LiveFlags => ({ hop: "0.25", osc: [], port: "8080", server: true, model: "m", ...over });

describe("live flags", () => {
  it("builds a plan with defaults", () => {
    expect(planLive(flags({ input: "a.wav" }))).toEqual({
      source: { kind: "file", path: "a.wav", pace: "realtime", loop: false },
      perChannel: false,
      hopSec: 0.25,
      oscTargets: [],
      port: 8080,
      modelDir: "m",
      backend: "auto",
    });
    expect(planLive(flags({ device: "2", rate: "44100", channels: "1,3", perChannel: true, server: false, duration: "5" }))).toMatchObject({
      source: { kind: "device", device: "2", rateHz: 44100 },
      channels: [0, 2],
      perChannel: true,
      durationSec: 5,
    });
  });

  it("rejects contradictions and bad values in one line naming the flag and value", () => {
    const err = (f: Partial<LiveFlags>): string => {
      try {
        planLive(flags(f));
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(err({ device: "x", input: "a" })).toBe("Expected either --device or --input, got both");
    expect(err({ input: "a", realtime: true, fast: true })).toBe("Expected either --realtime or --fast, got both");
    expect(err({ fast: true })).toBe("--realtime, --fast and --loop apply to --input FILE");
    expect(err({ input: "a", rate: "48000" })).toBe("--rate applies to --device (a file plays at its own rate), got --rate 48000");
    expect(err({ hop: "2" })).toBe('Expected --hop in (0, 1] seconds, got "2"');
    expect(err({ hop: "abc" })).toBe('Expected --hop a positive number (seconds), got "abc"');
    expect(err({ channels: "1,x" })).toBe('Expected --channels a comma-separated list of channel numbers from 1, got "1,x"');
    expect(err({ channels: "0" })).toMatch(/channel numbers from 1, got "0"/);
    expect(err({ channels: "1,2,3,4,5,6,7,8,9", perChannel: true })).toBe("Expected at most 8 --channels with --per-channel, got 9");
    expect(err({ port: "70000" })).toBe('Expected --port a port number in 0..65535, got "70000"');
    expect(err({ oscIn: "0" })).toBe('Expected --osc-in a port number in 1..65535, got "0"');
  });
});

describe("timbrescope live", () => {
  it("analyses a file per channel, records the log, serves the page, and says what it does", async () => {
    const rec = `${dir}/run.jsonl`;
    let run: LiveRun | undefined;
    let page = "";
    const r = await runLive(
      [
        "--model",
        "m",
        "--input",
        wav,
        "--fast",
        "--per-channel",
        "--channels",
        "2,1",
        "--hop",
        "0.5",
        "--port",
        "0",
        "--record",
        rec,
        "--triggers",
        "config/triggers.example.yaml",
      ],
      {
        scorerFor: () => fakeScorerSpec({ modelId: "fake-cli" }),
        onStarted: (x) => {
          run = x;
          void fetch(x.server!.url).then(async (res) => (page = await res.text()));
        },
      },
    );
    expect(r.code, r.log.join("\n")).toBe(0);
    expect(run?.server).toBeDefined();
    expect(r.log).toContain("live: model fake-cli; file " + wav + " at 44100 Hz, 2 ch -> 2 channels, 1 s windows every 0.5 s");
    expect(r.log.some((l) => l.startsWith("live: UI and WebSocket on http://127.0.0.1:"))).toBe(true);
    expect(r.log).toContain(`live: recording to ${rec}`);
    expect(r.log.at(-1)).toMatch(/^live: done: 6 windows scored, 0 dropped, 0 xruns; latency p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms$/);
    // The built UI when ui/dist exists (npm install builds it), else the placeholder page.
    expect(page).toContain(existsSync("ui/dist/index.html") ? '<div id="app">' : "timbrescope bridge");
    const log = await readActivityLog(rec);
    expect(log.records[0]).toMatchObject({ type: "session", lanes: [1, 0], rules: ["guitar-solo", "vocals-in", "drop"] });
    const frames = logFrames(log);
    // 2.2 s at a 0.5 s hop: windows at 0, 0.5, 1 s for each of channels 2 and 1
    expect(frames.map((f) => [f.index, f.channel])).toEqual([
      [0, 1],
      [0, 0],
      [1, 1],
      [1, 0],
      [2, 1],
      [2, 0],
    ]);
    // channel 2 carries the guitar (class 3), channel 1 the singer (class 2)
    expect(frames.filter((f) => f.channel === 1).every((f) => f.active[3] === 1 && f.active[2] === 0)).toBe(true);
    expect(frames.filter((f) => f.channel === 0).every((f) => f.active[2] === 1 && f.active[3] === 0)).toBe(true);
  });

  it("changes the hop on a set-hop control message: acked, a new hello, frames follow the new hop", async () => {
    const rec = `${dir}/hop.jsonl`;
    let client: Promise<TestClient> | undefined;
    const r = await runLive(["--model", "m", "--input", wav, "--realtime", "--hop", "1", "--port", "0", "--record", rec], {
      scorerFor: () => fakeScorerSpec(),
      onStarted: (x) => {
        client = TestClient.connect(x.server!.url.replace("http", "ws") + "ws").then(async (c) => {
          await c.until((m) => m.of("hello").length === 1);
          c.send({ v: 1, type: "set-hop", id: 7, hopSec: 0.25 });
          c.send({ v: 1, type: "set-hop", id: 8, hopSec: 2 });
          return c;
        });
      },
    });
    expect(r.code, r.log.join("\n")).toBe(0);
    const c = await client!;
    expect(c.of("hello")[0]!.controls).toContain("set-hop");
    // an out-of-range hop is refused by the protocol's validation (before any id is trusted)
    expect(c.of("ack").map((a) => [a.id, a.ok])).toEqual([
      [7, true],
      [null, false],
    ]);
    expect(c.of("ack")[1]!.error).toMatch(/hopSec/);
    expect(c.of("hello").map((h) => h.hopSec)).toEqual([1, 0.25]);
    expect(r.log).toContain("live: hop now 0.25 s");
    c.close();
    // The change arrives before the first window is complete, so the 2.2 s file is cut every 0.25 s
    // from 0 (windowStartSample: round(k * 0.25 * 22050)) instead of at 0 and 1 s.
    const starts = logFrames(await readActivityLog(rec)).map((f) => f.startSample);
    expect(starts).toEqual([0, 5513, 11025, 16538, 22050]);
  });

  it("--duration counts audio, not windows, when the hop changes during the run", async () => {
    const rec = `${dir}/duration-hop.jsonl`;
    const r = await runLive(
      ["--model", "m", "--input", wav, "--realtime", "--loop", "--hop", "1", "--duration", "2", "--port", "0", "--record", rec],
      {
        scorerFor: () => fakeScorerSpec(),
        onStarted: (x) => {
          void TestClient.connect(x.server!.url.replace("http", "ws") + "ws").then(async (c) => {
            await c.until((m) => m.of("hello").length === 1);
            c.send({ v: 1, type: "set-hop", id: 1, hopSec: 0.25 });
            await c.until((m) => m.of("ack").length === 1);
            c.close();
          });
        },
      },
    );
    expect(r.code, r.log.join("\n")).toBe(0);
    // Every 0.25 s window that ends within the first 2 s (44,100 samples), not the 2 windows a count at hop 1 s gives.
    const starts = logFrames(await readActivityLog(rec)).map((f) => f.startSample);
    expect(starts).toEqual([0, 5513, 11025, 16538, 22050]);
  });

  it("--duration stops a looping file", async () => {
    const r = await runLive(["--model", "m", "--input", wav, "--fast", "--loop", "--no-server", "--duration", "3", "--hop", "1"]);
    expect(r.code, r.log.join("\n")).toBe(0);
    expect(r.log.at(-1)).toMatch(/^live: done: 3 windows scored/);
  });

  it("fails in one line for a missing model loader, a missing file and a bad trigger config", async () => {
    expect((await runLive(["--model", "m", "--input", wav], {})).log.at(-1)).toBe(
      "live: this build has no model loader wired in (registerLive needs scorerFor)",
    );
    expect((await runLive(["--model", "m", "--input", `${dir}/none.wav`, "--no-server"])).log.at(-1)).toMatch(/none\.wav/);
    const bad = writeFile(dir, "bad.yaml", new TextEncoder().encode("rules:\n  - name: x\n    any: [banjo]\n"));
    expect((await runLive(["--model", "m", "--input", wav, "--triggers", bad])).log.at(-1)).toBe(
      `${bad}: rules[0].any[0]: expected a class id, label or name (e.g. drums, male-singer), got "banjo"`,
    );
  });

  it("uses models/default without --model, as analyze does", async () => {
    const asked: string[] = [];
    const scorerFor = (modelDir: string): ReturnType<typeof fakeScorerSpec> => {
      asked.push(modelDir);
      return fakeScorerSpec();
    };
    const r = await runLive(["--input", wav, "--fast", "--no-server", "--duration", "1"], { scorerFor });
    expect(r.code, r.log.join("\n")).toBe(0);
    expect(asked).toEqual(["models/default"]);
    expect(planLive({ osc: [], port: "8080", server: false, input: "a.wav" })).toMatchObject({ modelDir: "models/default", hopSec: 0.25 });
  });

  it("says exactly what to install when naudiodon is missing", async () => {
    await expect(loadNaudiodon(() => Promise.reject(new Error("Cannot find module 'naudiodon'")))).rejects.toThrow(NAUDIODON_MISSING);
    expect(NAUDIODON_MISSING).toMatch(/apt-get install -y build-essential python3.*npm install/);
  });
});

describe("timbrescope devices", () => {
  it("formats an aligned table", () => {
    expect(
      formatDeviceTable([
        { id: 3, name: "USB Audio", hostAPIName: "ALSA", maxInputChannels: 2, maxOutputChannels: 2, defaultSampleRate: 48000 },
      ]),
    ).toBe("id  name       host API  inputs  default rate\n3   USB Audio  ALSA      2       48000 Hz\n");
  });
});
