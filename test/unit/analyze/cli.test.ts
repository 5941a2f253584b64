/** `analyze` end to end on a short WAV with the deterministic stand-in scorer (no model committed). */
import midiPkg from "@tonejs/midi";
import { Command } from "commander";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerAnalyze } from "../../../src/cli/analyze.js";
import { runCli } from "../../../src/cli/main.js";
import { CLASSES } from "../../../src/data/classes.js";
import { setLogWriter } from "../../../src/log.js";
import { analyzeFile } from "../../../src/pipeline/offline.js";
import { loadScorer } from "../../../src/pipeline/mel-scorer.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { fakeScorerSpec } from "../../helpers/fake-scorer.js";
import { sceneInt16 } from "../../helpers/live-signals.js";

const RATE = 22050;
const PIANO = CLASSES.findIndex((c) => c.id === "piano");
const DRUMS = CLASSES.findIndex((c) => c.id === "drums");
const dir = tempDir("timbrescope-analyze-");
// 2 s of the tone piano listens to, then 2 s of the drums tone (see test/helpers/fake-scorer.ts).
const wav = writeFile(
  dir,
  "scene.wav",
  wavBytes({
    sampleRateHz: RATE,
    encoding: "pcm16",
    channels: sceneInt16(
      [
        { seconds: 2, classes: [PIANO] },
        { seconds: 2, classes: [DRUMS] },
      ],
      RATE,
    ),
  }),
);
/** Live's post defaults (0.5 s release and hold) through --post-config: segments follow this 2 s scene exactly. */
const livePost = writeFile(
  dir,
  "live-post.yaml",
  Buffer.from("smoothing: { attackSec: 0, releaseSec: 0.5 }\nhysteresis: { band: 0.1, minHoldSec: 0.5 }\n"),
);
const wav2 = writeFile(
  dir,
  "second.wav",
  wavBytes({ sampleRateHz: RATE, encoding: "pcm16", channels: sceneInt16([{ seconds: 1.5, classes: [DRUMS] }], RATE) }),
);
const spec = fakeScorerSpec({ modelId: "fake-analyze" });

interface Run {
  code: number;
  stdout: string;
  log: string[];
}

async function analyze(args: readonly string[], withScorer = true): Promise<Run> {
  const log: string[] = [];
  let stdout = "";
  const prevLog = setLogWriter((l) => log.push(l));
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  const program = new Command("timbrescope")
    .exitOverride()
    .configureOutput({ writeErr: (s) => log.push(s.trim()), writeOut: () => undefined });
  registerAnalyze(program, withScorer ? { scorer: spec } : {});
  program.commands.forEach((c) => c.exitOverride());
  try {
    const code = await runCli(["analyze", ...args], program);
    return { code, stdout, log };
  } finally {
    process.stdout.write = write;
    setLogWriter(prevLog);
  }
}

/** The stand-in's raw window scores, straight from the offline pipeline (independent of analyze's pooling and formatting). */
async function rawWindows(hopSec: number): Promise<{ start: number; raw: Float32Array }[]> {
  const scorer = await loadScorer(spec);
  const r = await analyzeFile(wav, scorer, { hopSec });
  return r.frames.map((f) => ({ start: f.startSample / f.sampleRateHz, raw: f.raw }));
}

describe("analyze CLI", () => {
  it("json at 1 s equals the per-window scores, thresholded at the scorer's 0.5", async () => {
    const r = await analyze([wav, "--format", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      model: string;
      files: { classes: string[]; rows: { start: number; end: number; scores: number[]; active: number[] }[] }[];
    };
    expect(doc.model).toBe("fake-analyze");
    const rows = doc.files[0]!.rows;
    const windows = await rawWindows(1);
    expect(rows.map((x) => [x.start, x.end])).toEqual(windows.map((w) => [w.start, w.start + 1]));
    rows.forEach((x, k) => {
      x.scores.forEach((v, c) => expect(v).toBeCloseTo(windows[k]!.raw[c]!, 5));
      expect(x.active).toEqual(Array.from(windows[k]!.raw, (v) => (v >= 0.5 ? 1 : 0)));
    });
    // The scene itself: piano in the first two seconds, drums in the last two.
    expect(rows.map((x) => [x.active[PIANO], x.active[DRUMS]])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
  });

  it("pools overlapping windows to 5 s and to one track row (csv, --classes)", async () => {
    const windows = await rawWindows(0.5);
    const maxOf = (c: number, from: number, to: number): number =>
      Math.max(...windows.filter((w) => w.start >= from && w.start < to).map((w) => w.raw[c]!));
    const r = await analyze([wav, "--hop", "0.5", "--resolution", "track", "--format", "csv", "--classes", "piano,drum set"]);
    expect(r.code).toBe(0);
    const [header, row, ...rest] = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.split(","));
    expect(header).toEqual(["file", "start", "end", "piano", "drums", "piano_active", "drums_active"]);
    expect(rest).toEqual([]);
    expect(Number(row![1])).toBe(0);
    expect(Number(row![2])).toBe(windows.at(-1)!.start + 1);
    expect(Number(row![3])).toBeCloseTo(maxOf(PIANO, 0, 99), 5);
    expect(Number(row![4])).toBeCloseTo(maxOf(DRUMS, 0, 99), 5);
    expect(row!.slice(5)).toEqual(["1", "1"]);
    const five = await analyze([wav, "--hop", "0.5", "--resolution", "5", "--format", "jsonl"]);
    const lines = five.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { start: number; end: number; scores: Record<string, number> });
    expect(lines.map((l) => [l.start, l.end])).toEqual([[0, 4]]);
    CLASSES.forEach((c) => expect(lines[0]!.scores[c.id]).toBeCloseTo(maxOf(c.index, 0, 5), 5));
  });

  it("prints the table by default and writes audacity / midi files", async () => {
    const t = await analyze([wav, "--post-config", livePost]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/Piano\s+50%\s+peak \d\.\d\d\s+0:00\.0-0:02\.0/);
    expect(t.stdout).toMatch(/Drum set\s+50%\s+peak \d\.\d\d\s+0:02\.0-0:04\.0/);
    const out = join(dir, "labels.txt");
    expect((await analyze([wav, "--format", "audacity", "--classes", "piano,drums", "--out", out, "--post-config", livePost])).code).toBe(
      0,
    );
    expect(readFileSync(out, "utf8")).toBe("0.000000\t2.000000\tPiano\n2.000000\t4.000000\tDrum set\n");
    const mdir = join(dir, "midi");
    mkdirSync(mdir, { recursive: true });
    expect((await analyze([wav, wav2, "--format", "midi", "--classes", "piano", "--out", mdir, "--post-config", livePost])).code).toBe(0);
    const midi = new midiPkg.Midi(readFileSync(join(mdir, "scene.mid")));
    expect(midi.tracks.map((x) => [x.name, x.notes.length, x.notes[0]!.time, x.notes[0]!.duration])).toEqual([["Piano", 1, 0, 2]]);
    // No piano in the second file: a valid MIDI file without tracks.
    expect(new midiPkg.Midi(readFileSync(join(mdir, "second.mid"))).tracks).toEqual([]);
  });

  it("answers bad input with one-line errors", async () => {
    const cases: [string[], RegExp][] = [
      [[join(dir, "missing.wav")], /missing\.wav: no such file$/],
      [[wav, "--format", "mp4"], /^Expected --format table\|jsonl\|csv\|json\|audacity\|reaper\|midi\|jams, got "mp4"$/],
      [[wav, "--resolution", "3"], /^Expected --resolution 1\|5\|10\|track\|window, got "3"$/],
      [[wav, "--level", "loud"], /^Expected --level track\|running, got "loud"$/],
      [[wav, "--workers", "0"], /^Expected --workers an integer in \[1, 16\], got "0"$/],
      [[wav, "--hop", "2"], /^Expected --hop in \(0, 1\] seconds, got "2"$/],
      [[wav, "--classes", "kazoo"], /^--classes: "kazoo" is not one of the model's classes/],
      [[wav, "--format", "midi"], /^--format midi writes a binary file: pass --out PATH$/],
      [[wav, wav, "--format", "jams"], /^--format jams writes one file per input: pass --out DIR for 2 files$/],
    ];
    for (const [args, re] of cases) {
      const r = await analyze(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.log.at(-1)?.replace(/^error: /, ""), args.join(" ")).toMatch(re);
      expect(r.log.at(-1)).not.toContain("\n");
    }
    const noModel = await analyze([wav, "--model", join(dir, "nomodel")], false);
    expect([noModel.code, noModel.log.at(-1)]).toEqual([
      1,
      `error: --model ${join(dir, "nomodel")}: no model.json there (expected a model folder)`,
    ]);
  });
});
