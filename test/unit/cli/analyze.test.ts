/**
 * `analyze` end to end through the full CLI with the shipped model on the bundled demo clip: the
 * default segments are the live post stage's, --raw-segments keeps the per-window ones, and the
 * score rows are the same either way.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_POST_CONFIGS } from "../../../src/config/post-config.js";
import { createScorer } from "../../../src/model/scorer.js";
import { analyzeFile } from "../../../src/pipeline/offline.js";
import { PostStage } from "../../../src/pipeline/post-stage.js";
import { tempDir } from "../../helpers/audio-files.js";
import { captureCli } from "../../helpers/cli.js";

const CLIP = "assets/demo/demo-clip.flac";
const dir = tempDir("timbrescope-cli-analyze-");

interface Seg {
  class: string;
  start: number;
  end: number;
  peak: number;
}
interface FileDoc {
  classes: string[];
  segmentSource: string;
  segments: Seg[];
  rawSegments: Seg[];
  rows: { start: number; end: number; scores: number[]; active: number[] }[];
}

async function analyzeJson(extra: readonly string[]): Promise<FileDoc> {
  const r = await captureCli(["analyze", CLIP, "--format", "json", "--workers", "1", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { files: FileDoc[] }).files[0]!;
}

/** Runs of active rows per class, merged when rows touch: the per-window segments, rebuilt from the rows. */
function rowRuns(f: FileDoc): [string, number, number][] {
  const out: [string, number, number][] = [];
  f.classes.forEach((id, c) => {
    let open: [string, number, number] | undefined;
    for (const r of f.rows) {
      if (r.active[c] === 1 && open !== undefined && r.start <= open[2]) open[2] = r.end;
      else if (r.active[c] === 1) out.push((open = [id, r.start, r.end]));
      else open = undefined;
    }
  });
  return out.sort((a, b) => a[1] - b[1] || f.classes.indexOf(a[0]) - f.classes.indexOf(b[0]));
}

/** Active spans of the live PostStage fed the clip's windows (hop 1 s: each frame is its own window). */
async function liveSpans(): Promise<[string, number, number][]> {
  const scorer = await createScorer({ modelDir: "models/default" });
  try {
    const { session, frames } = await analyzeFile(CLIP, scorer, { hopSec: 1, batchSize: 8 });
    const post = new PostStage(session.labels, session.thresholds, 1, DEFAULT_POST_CONFIGS.analyze);
    const active = frames.map((f) => post.step(0, f.raw, f.startSample / f.sampleRateHz).active);
    const out: [string, number, number][] = [];
    session.classIds.forEach((id, c) => {
      active.forEach((a, k) => {
        const t = frames[k]!.startSample / frames[k]!.sampleRateHz;
        if (a[c] !== 1) return;
        const last = out.at(-1);
        if (last !== undefined && last[0] === id && Math.abs(last[2] - t) < 1e-9) last[2] = t + 1;
        else out.push([id, t, t + 1]);
      });
    });
    return out.sort((a, b) => a[1] - b[1] || session.classIds.indexOf(a[0]) - session.classIds.indexOf(b[0]));
  } finally {
    await scorer.dispose?.();
  }
}

const spans = (segs: readonly Seg[]): [string, number, number][] => segs.map((s) => [s.class, s.start, s.end]);

describe("analyze segments on the demo clip (shipped model)", () => {
  it("defaults to the live post stage's segments; --raw-segments gives the per-window ones; rows stay raw", async () => {
    const post = await analyzeJson([]);
    const raw = await analyzeJson(["--raw-segments"]);
    expect(post.rows).toEqual(raw.rows);
    expect([post.segmentSource, raw.segmentSource]).toEqual(["post", "raw"]);
    expect(spans(raw.segments)).toEqual(rowRuns(raw));
    expect(post.rawSegments).toEqual(raw.segments);
    expect(raw.rawSegments).toEqual(raw.segments);
    expect(spans(post.segments)).toEqual(await liveSpans());
    // On this clip the electric bass flickers across its threshold: fewer segments after the post stage.
    expect(post.segments.length).toBeLessThan(raw.segments.length);
  });

  it("writes the chosen segments to a label track, and says so in --help", async () => {
    const labels = async (extra: readonly string[]): Promise<number> => {
      const out = join(dir, `labels${extra.length}.txt`);
      const r = await captureCli(["analyze", CLIP, "--format", "audacity", "--workers", "1", "--out", out, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, "utf8").trimEnd().split("\n").length;
    };
    const doc = await analyzeJson([]);
    expect([await labels([]), await labels(["--raw-segments"])]).toEqual([doc.segments.length, doc.rawSegments.length]);
    const help = await captureCli(["analyze", "--help"]);
    expect(help.stdout).toMatch(/--raw-segments/);
    expect(help.stdout).toMatch(new RegExp(`release ${DEFAULT_POST_CONFIGS.analyze.smoothing.releaseSec} s`));
    expect(help.stdout).toMatch(/--post-config/);
  });
});
