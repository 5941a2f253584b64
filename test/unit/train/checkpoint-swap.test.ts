/** A kill between saveCheckpoint's two renames leaves no checkpoint/ folder: resume finds the swapped-out copy. */
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkpointDir, hasCheckpoint, recoverInterruptedSwap } from "../../../src/train/checkpoint.js";
import { tempDir } from "../../helpers/audio-files.js";

function fakeCheckpoint(dir: string, tag: string, complete = true, ageSec = 0): void {
  mkdirSync(dir, { recursive: true });
  if (complete) writeFileSync(join(dir, "state.json"), JSON.stringify({ tag }));
  const t = Date.now() / 1000 - ageSec;
  utimesSync(dir, t, t);
}

describe("interrupted checkpoint swap", () => {
  it("moves the old checkpoint back when the new one never got its place", () => {
    const out = tempDir("timbrescope-ckpt-");
    fakeCheckpoint(join(out, "checkpoint.old-111"), "older", true, 100);
    fakeCheckpoint(join(out, "checkpoint.old-222"), "old");
    expect(hasCheckpoint(out)).toBe(true);
    expect(JSON.parse(readFileSync(join(checkpointDir(out), "state.json"), "utf8"))).toEqual({ tag: "old" });
    expect(existsSync(join(out, "checkpoint.old-111"))).toBe(true);
  });

  it("prefers a complete new (tmp) checkpoint, ignores an incomplete one, and leaves an intact checkpoint alone", () => {
    const out = tempDir("timbrescope-ckpt-");
    fakeCheckpoint(join(out, "checkpoint.old-1"), "old");
    fakeCheckpoint(join(out, "checkpoint.tmp-2"), "new");
    fakeCheckpoint(join(out, "checkpoint.tmp-3"), "half", false);
    expect(recoverInterruptedSwap(out)).toBe("checkpoint.tmp-2");
    expect(JSON.parse(readFileSync(join(checkpointDir(out), "state.json"), "utf8"))).toEqual({ tag: "new" });
    expect(recoverInterruptedSwap(out)).toBeUndefined();
    const empty = tempDir("timbrescope-ckpt-");
    expect(hasCheckpoint(empty)).toBe(false);
  });
});
