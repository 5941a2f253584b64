/**
 * The capture device disappears mid-stream and comes back, on the virtual device: `live` captures
 * from a paced virtual ALSA device whose PulseAudio server is stopped after ~2 s and started again
 * ~2 s later (the device vanishes from PortAudio's list meanwhile, as an unplugged interface does).
 * The bridge reports the loss, retries with backoff, resumes, marks the gap in the activity log, and
 * analyses the whole --duration.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { logFrames, readActivityLog } from "../../src/sinks/activity-log.js";
import type { DeviceRecord } from "../../src/sinks/activity-log.js";
import { tempDir } from "../helpers/audio-files.js";
import { sceneInt16 } from "../helpers/live-signals.js";
import { exited, spawnTs } from "../helpers/spawn-ts.js";
import { startPrivatePulse, writeVirtualDevices } from "../helpers/virtual-audio.js";
import type { PrivatePulse } from "../helpers/virtual-audio.js";

const dir = tempDir("timbrescope-devloss-int-");
const xdg = writeVirtualDevices(dir, [{ name: "song", channels: sceneInt16([{ seconds: 30, classes: [0, 3] }], 48000) }]);
let pulse: PrivatePulse | undefined;
afterAll(async () => pulse?.stop());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("capture device lost and back (virtual device)", () => {
  it("reports, retries, resumes and marks the gap; every window of --duration is analysed", async () => {
    pulse = await startPrivatePulse(dir);
    const rec = join(dir, "rec.jsonl");
    const { child, out } = spawnTs(
      "test/helpers/live-child.ts",
      [
        "live",
        "--model",
        "fake",
        "--device",
        "filecap_song_paced",
        "--channels",
        "1",
        "--rate",
        "48000",
        "--no-server",
        "--record",
        rec,
        "--duration",
        "6",
        "--hop",
        "0.5",
      ],
      { ...pulse.env, XDG_CONFIG_HOME: xdg },
    );
    const t0 = Date.now();
    while (!out.stderr.includes("live: model ") && child.exitCode === null && Date.now() - t0 < 30_000) await sleep(20);
    await sleep(2000);
    await pulse.stop();
    pulse = undefined;
    await sleep(2000);
    pulse = await startPrivatePulse(dir);
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await exited(child);
    clearTimeout(timer);
    expect(code, out.stderr.slice(-3000)).toBe(0);
    const lines = out.stderr.split("\n");
    expect(
      lines.some((l) => /^warn: live: capture device filecap_song_paced lost \(.+\); retrying with backoff$/.test(l)),
      out.stderr.slice(-3000),
    ).toBe(true);
    expect(lines.some((l) => /^live: capture device filecap_song_paced still unavailable \(attempt 1: /.test(l))).toBe(true);
    expect(lines.some((l) => /^warn: live: capture device filecap_song_paced is back after \d+\.\d s/.test(l))).toBe(true);
    expect(lines.some((l) => /^live: done: 11 windows scored, 0 dropped/.test(l))).toBe(true);
    const log = await readActivityLog(rec);
    const devices = log.records.filter((r): r is DeviceRecord => r.type === "device");
    expect(devices.map((d) => d.event)).toEqual(["lost", "resumed"]);
    expect(devices[1]!.gapMs).toBeGreaterThan(1500);
    expect(devices[1]!.inputFrame).toBe(devices[0]!.inputFrame);
    const kinds = log.records.map((r) => r.type);
    expect(kinds.indexOf("device")).toBeGreaterThan(kinds.indexOf("frame"));
    expect(kinds.lastIndexOf("frame")).toBeGreaterThan(kinds.lastIndexOf("device"));
    expect(logFrames(log).map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 90_000);
});
