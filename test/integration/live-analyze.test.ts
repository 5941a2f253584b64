/**
 * Live == offline with the shipped model (issue 7's acceptance test): an excerpt of the demo song
 * is played at real time by a paced virtual ALSA capture device (private PulseAudio, no sound
 * hardware) into `timbrescope live --record` (naudiodon), and the recorded frames must equal what
 * `timbrescope analyze` computes from the same file at the same hop with live's running level.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { logFrames, readActivityLog } from "../../src/sinks/activity-log.js";
import { tempDir, tool } from "../helpers/audio-files.js";
import { captureCli } from "../helpers/cli.js";
import { expectAllClose } from "../helpers/close.js";
import { tsNodeArgs } from "../helpers/spawn-ts.js";
import { startPrivatePulse, writeVirtualDevices } from "../helpers/virtual-audio.js";
import type { PrivatePulse } from "../helpers/virtual-audio.js";

const dir = tempDir("timbrescope-live-analyze-");
// 5 s from the demo song's guitar solo, as 48 kHz mono 16-bit, plus 0.5 s of silence: after its
// input ends the ALSA file plugin repeats stale data, which the last window's resampler
// look-ahead must not reach.
const wav = join(dir, "excerpt.wav");
tool("sox", ["assets/demo/demo-song.flac", "-r", "48000", "-b", "16", "-c", "1", wav, "trim", "55", "5", "pad", "0", "0.5"]);
const pcm = readFileSync(wav);
const samples = new Int32Array(Math.floor((pcm.length - 44) / 2));
for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(44 + 2 * i);
const xdg = writeVirtualDevices(dir, [{ name: "excerpt", channels: [samples] }]);
let pulse: PrivatePulse | undefined;
afterAll(async () => pulse?.stop());

interface JsonlRow {
  start: number;
  end: number;
  scores: Record<string, number>;
  active: string[];
}

describe("live == analyze with the default model", () => {
  it("frames captured through naudiodon equal `analyze --level running --resolution window` of the file", async () => {
    pulse = await startPrivatePulse(dir);
    const rec = join(dir, "rec.jsonl");
    const hop = "0.5";
    execFileSync(
      process.execPath,
      tsNodeArgs("test/helpers/full-cli-child.ts", [
        "live",
        "--model",
        "models/default",
        "--device",
        "filecap_excerpt_paced",
        "--channels",
        "1",
        "--rate",
        "48000",
        "--hop",
        hop,
        "--no-server",
        "--record",
        rec,
        "--duration",
        "5",
      ]),
      { env: { ...process.env, ...pulse.env, XDG_CONFIG_HOME: xdg }, stdio: ["ignore", "ignore", "pipe"], timeout: 90_000 },
    );
    const live = logFrames(await readActivityLog(rec));

    const out = join(dir, "analyze.jsonl");
    const r = await captureCli([
      "analyze",
      wav,
      "--model",
      "models/default",
      "--hop",
      hop,
      "--level",
      "running",
      "--resolution",
      "window",
      "--format",
      "jsonl",
      "--out",
      out,
      "--workers",
      "1",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as JsonlRow);
    // --duration 5 at a 0.5 s hop: windows starting at 0 .. 4 s; the file has 5.5 s -> 0 .. 4.5 s
    expect(rows.map((x) => x.start)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    const n = 9;
    expect(live.length).toBeGreaterThanOrEqual(n);
    expect(live.slice(0, n).map((f) => f.startSample / f.sampleRateHz)).toEqual(rows.slice(0, n).map((x) => x.start));
    const ids = Object.keys(rows[0]!.scores);
    expect(ids.length).toBe(18);
    // analyze prints scores rounded to 6 digits
    expectAllClose(
      live.slice(0, n).flatMap((f) => f.raw),
      rows.slice(0, n).flatMap((x) => ids.map((id) => x.scores[id]!)),
      2e-6,
      "raw scores, live vs analyze",
    );
  }, 120_000);
});
