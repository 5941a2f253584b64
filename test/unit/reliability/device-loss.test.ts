/**
 * The capture device disappears or stops mid-stream and comes back: the source reports it, retries
 * with backoff, resumes on an unbroken sample clock; `live` logs it and marks the gap in the
 * activity log, and the analysis goes on. The device is simulated (test/helpers/fake-naudiodon.ts):
 * PortAudio's own behaviour on unplugging is what the simulation mimics (a silent stream or an error).
 */
import { Command } from "commander";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerLive } from "../../../bridge/live-command.js";
import { PortAudioSource } from "../../../src/audio/portaudio-source.js";
import type { DeviceEvent } from "../../../src/audio/portaudio-source.js";
import type { AudioChunk } from "../../../src/audio/source.js";
import { UserError } from "../../../src/errors.js";
import { setLogWriter } from "../../../src/log.js";
import { logFrames, readActivityLog } from "../../../src/sinks/activity-log.js";
import type { DeviceRecord } from "../../../src/sinks/activity-log.js";
import { tempDir } from "../../helpers/audio-files.js";
import { fakeNaudiodon } from "../../helpers/fake-naudiodon.js";
import { fakeScorerSpec } from "../../helpers/fake-scorer.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const dir = tempDir("timbrescope-devloss-");

describe.each(["silent", "error"] as const)("a device that goes away (%s) and comes back", (how) => {
  it("is reported, retried with growing delays, and resumes on the same sample clock", async () => {
    const fake = fakeNaudiodon();
    const events: DeviceEvent[] = [];
    const chunks: AudioChunk[] = [];
    const src = await PortAudioSource.open({
      naudiodon: fake.api,
      device: "Fake USB",
      channels: 2,
      sampleRateHz: 48000,
      reconnect: { stallMs: 150, initialDelayMs: 40, maxDelayMs: 200 },
      onDeviceEvent: (e) => events.push(e),
    });
    await src.start({ chunk: (c) => void chunks.push(c) });
    await sleep(300);
    expect(src.state).toBe("ok");
    fake.unplug(how);
    await sleep(900);
    expect(src.state).toBe("lost");
    expect(src.health()).toEqual({ state: "lost", gaps: 1 });
    const during = chunks.length;
    fake.replug(7); // back under another id
    await sleep(400);
    await src.stop();
    expect(events[0]).toMatchObject({ type: "lost" });
    expect((events[0] as { reason: string }).reason).toMatch(
      how === "silent" ? /^no audio for \d+ ms$/ : /^device error: PortAudio: device unavailable/,
    );
    const retries = events.filter((e): e is Extract<DeviceEvent, { type: "retry" }> => e.type === "retry");
    expect(retries.length).toBeGreaterThanOrEqual(3);
    // exponential backoff capped at maxDelayMs: 40, 80, 160, 200, 200 ...
    expect(retries.slice(0, 4).map((r) => r.delayMs)).toEqual([40, 80, 160, 200].slice(0, Math.min(4, retries.length)));
    expect(retries[0]!.error).toMatch(/matches no capture device/);
    const resumed = events.at(-1)!;
    expect(resumed).toMatchObject({ type: "resumed" });
    if (resumed.type === "resumed") {
      expect(resumed.gapMs).toBeGreaterThan(700);
      expect(resumed.atFrame).toBe((events[0] as { atFrame: number }).atFrame);
    }
    expect(chunks.length).toBeGreaterThan(during + 10);
    // one unbroken sample clock: no frame skipped or repeated across the gap
    chunks.forEach((c, i) => expect(c.startFrame).toBe(i === 0 ? 0 : chunks[i - 1]!.startFrame + chunks[i - 1]!.frames));
    expect(src.gaps).toBe(1);
    expect(src.state).toBe("stopped");
    expect(src.health()).toEqual({ state: "stopped", gaps: 1 });
  });
});

describe("timbrescope live on a device that is unplugged mid-run", () => {
  it("keeps running, logs the loss and the return, and marks the gap in the activity log", async () => {
    const fake = fakeNaudiodon();
    const rec = join(dir, "gap.jsonl");
    const lines: string[] = [];
    const prev = setLogWriter((l) => lines.push(l));
    const program = new Command("timbrescope").exitOverride();
    registerLive(program, {
      handleSignals: false,
      naudiodon: fake.api,
      scorerFor: () => fakeScorerSpec(),
      onStarted: () => {
        void (async () => {
          await sleep(1500);
          fake.unplug("silent");
          await sleep(1500);
          fake.replug();
        })();
      },
    });
    try {
      await program.parseAsync(
        [
          "live",
          "--model",
          "fake",
          "--device",
          "Fake USB",
          "--channels",
          "1",
          "--rate",
          "48000",
          "--no-server",
          "--record",
          rec,
          "--duration",
          "3",
          "--hop",
          "0.5",
        ],
        { from: "user" },
      );
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      lines.push(err.message);
    } finally {
      setLogWriter(prev);
    }
    expect(
      lines.some((l) => /^warn: live: capture device Fake USB Audio lost \(no audio for \d+ ms\); retrying with backoff$/.test(l)),
      lines.join("\n"),
    ).toBe(true);
    expect(lines.some((l) => /^warn: live: capture device Fake USB Audio is back after \d+\.\d s/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^live: done: 5 windows scored, 0 dropped/);
    const log = await readActivityLog(rec);
    const kinds = log.records.map((r) => (r.type === "device" ? r.event : r.type));
    const lost = kinds.indexOf("lost");
    const back = kinds.indexOf("resumed");
    expect(lost).toBeGreaterThan(0);
    expect(back).toBeGreaterThan(lost);
    // frames before and after the gap
    expect(kinds.slice(0, lost)).toContain("frame");
    expect(kinds.slice(back)).toContain("frame");
    const gap = log.records[back] as DeviceRecord;
    expect(gap.gapMs).toBeGreaterThan(1000);
    expect(gap.inputRateHz).toBe(48000);
    expect(logFrames(log).map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
  });
});
