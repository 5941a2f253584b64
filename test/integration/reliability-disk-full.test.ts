/**
 * Disk full while recording: `live --record` onto a 64 KiB tmpfs (in a private mount namespace, so
 * nothing is mounted on the host). Expected: one clear error line naming the log and ENOSPC, the
 * analysis runs to the end (every window scored), and the log holds complete lines up to the point
 * where the disk filled (no partial last line: the sink cuts it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logFrames, parseActivityLog } from "../../src/sinks/activity-log.js";
import { tempDir, wavBytes, writeFile } from "../helpers/audio-files.js";
import { sceneInt16 } from "../helpers/live-signals.js";
import { tsNodeArgs } from "../helpers/spawn-ts.js";

const dir = tempDir("timbrescope-diskfull-");
const q = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;

describe("disk full while recording", () => {
  it("reports ENOSPC once, keeps analysing, and leaves a readable log up to that point", () => {
    const wav = writeFile(
      dir,
      "song.wav",
      wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: sceneInt16([{ seconds: 4, classes: [0, 3] }], 22050) }),
    );
    const mnt = join(dir, "small");
    const out = join(dir, "out");
    // 60 s of audio at a 0.25 s hop = 237 windows, ~700 bytes per logged frame: ~3x the tmpfs.
    const live = [
      process.execPath,
      ...tsNodeArgs("test/helpers/live-child.ts", [
        "live",
        "--model",
        "fake",
        "--input",
        wav,
        "--fast",
        "--loop",
        "--no-server",
        "--record",
        join(mnt, "rec.jsonl"),
        "--duration",
        "60",
      ]),
    ]
      .map(q)
      .join(" ");
    const script =
      `mkdir -p ${q(mnt)} ${q(out)} && mount -t tmpfs -o size=64k tmpfs ${q(mnt)} && ${live} 2> ${q(join(out, "stderr.txt"))}; S=$?; ` +
      `cp ${q(join(mnt, "rec.jsonl"))} ${q(join(out, "rec.jsonl"))}; df -k ${q(mnt)} | tail -1 > ${q(join(out, "df.txt"))}; exit $S`;
    execFileSync("unshare", ["-rm", "sh", "-c", script], { stdio: ["ignore", "ignore", "pipe"], timeout: 90_000 });
    const stderr = readFileSync(join(out, "stderr.txt"), "utf8");
    const errors = stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors.filter((l) => l.includes("ENOSPC")).length, stderr).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatch(
      /^error: activity log .*rec\.jsonl: the disk is full \(ENOSPC\); recording stopped after \d+ bytes, the analysis goes on$/,
    );
    expect(stderr).toMatch(/live: done: 237 windows scored, 0 dropped/);
    const text = readFileSync(join(out, "rec.jsonl"), "utf8");
    expect(text.length).toBeGreaterThan(30_000);
    expect(text.endsWith("\n")).toBe(true); // the partial line was cut
    const log = parseActivityLog(text);
    expect(log.partialTail).toBe(false);
    expect(log.records[0]?.type).toBe("session");
    const frames = logFrames(log);
    expect(frames.length).toBeGreaterThan(20);
    expect(frames.length).toBeLessThan(237);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
  });
});
