/**
 * The native FLAC decoder's temporary PCM files: one left by a process killed during a decode is
 * removed by the next process (sweepStalePcm); files of running processes and other files stay.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sweepStalePcm } from "../../../src/audio/decode-flac-native.js";

describe("sweepStalePcm", () => {
  it("removes the PCM files of dead processes only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-flac-sweep-"));
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const sleeper = spawn("sleep", ["30"]);
    try {
      const files = {
        dead: `timbrescope-flac-${dead}-3-0a1b2c3d.pcm`,
        running: `timbrescope-flac-${String(sleeper.pid)}-1-00000000.pcm`,
        mine: `timbrescope-flac-${process.pid}-7-ffffffff.pcm`,
        other: `timbrescope-flac-${dead}-notes.txt`,
      };
      for (const f of Object.values(files)) writeFileSync(join(dir, f), "x");
      expect(await sweepStalePcm(dir)).toBe(1);
      expect(existsSync(join(dir, files.dead))).toBe(false);
      expect(readdirSync(dir).sort()).toEqual([files.running, files.mine, files.other].sort());
      expect(await sweepStalePcm(join(dir, "missing"))).toBe(0);
    } finally {
      sleeper.kill();
    }
  });
});
