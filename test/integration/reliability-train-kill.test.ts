/**
 * kill -9 during `timbrescope train`, then `train --resume`: the resumed run ends byte-identical to an
 * uninterrupted one (weights, checkpoint, optimizer state, per-epoch log without timings). Both runs
 * are separate processes of the full CLI on a tiny synthetic corpus; the kill lands after the first
 * epoch's checkpoint, inside a later epoch.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../src/data/synth/corpus.js";
import { exited, spawnTs } from "../helpers/spawn-ts.js";
import { expectSameTrainingRun, trainLog } from "../helpers/train-runs.js";

const root = mkdtempSync(join(tmpdir(), "ts-train-kill-"));
const corpus = join(root, "corpus");
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  await generateCorpus({
    outDir: corpus,
    tracks: 6,
    seed: 3,
    minutesPerTrack: 0.25,
    soundfonts: ["timgm6mb"],
    sampleRateHz: 22050,
    keepStems: false,
    styles: [],
    voices: [],
    firstTrack: 0,
  });
}, 120_000);

const EPOCHS = 3;
const args = (out: string): string[] => [
  "train",
  "--data",
  corpus,
  "--arch",
  "cnn",
  "--width-scale",
  "0.0625",
  "--recipe",
  "fast",
  "--epochs",
  String(EPOCHS),
  "--no-augment",
  "--backend",
  "wasm",
  "--seed",
  "5",
  "--out",
  join(root, out),
  "--cache",
  join(root, "cache"),
  "--quiet",
];

const logLines = (out: string): number => {
  const p = join(root, out, "train-log.jsonl");
  return existsSync(p)
    ? readFileSync(p, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "").length
    : 0;
};

async function run(a: readonly string[]): Promise<{ code: number | string; stderr: string }> {
  const { child, out } = spawnTs("test/helpers/full-cli-child.ts", a);
  const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
  const code = await exited(child);
  clearTimeout(timer);
  return { code, stderr: out.stderr };
}

describe("kill -9 during train", () => {
  it("--resume continues and ends identical to an uninterrupted run", async () => {
    const straight = await run(args("straight"));
    expect(straight.code, straight.stderr).toBe(0);

    // Kill once the first epoch is logged (its checkpoint is written before its log line) and the next one has begun:
    // a quarter of an epoch later, the epoch's length taken from the uninterrupted run (start-up is not in it).
    const epochSeconds = Math.min(...trainLog(join(root, "straight")).map((r) => Number(r["seconds"])));
    const { child, out } = spawnTs("test/helpers/full-cli-child.ts", args("killed"));
    const t0 = Date.now();
    while (logLines("killed") < 1 && child.exitCode === null && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 5));
    const epochMs = epochSeconds * 1000;
    await new Promise((r) => setTimeout(r, epochMs / 4));
    child.kill("SIGKILL");
    expect(await exited(child), out.stderr).toBe("SIGKILL");
    const done = logLines("killed");
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(EPOCHS);

    const resumed = await run([...args("killed"), "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameTrainingRun(join(root, "killed"), join(root, "straight"));
    const manifest = (dir: string): unknown => {
      const m = JSON.parse(readFileSync(join(root, dir, "manifest.json"), "utf8")) as Record<string, unknown>;
      return { thresholds: m["thresholds"], validation: m["validation"] };
    };
    expect(manifest("killed")).toEqual(manifest("straight"));
    process.stderr.write(
      `train kill -9: killed after ${done} of ${EPOCHS} epochs (epoch ~${epochSeconds.toFixed(2)} s); resumed run identical\n`,
    );
  }, 400_000);
});
