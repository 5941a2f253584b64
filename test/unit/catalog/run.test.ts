/**
 * `catalog add / run / status / query / export` in-process on a few short files with the
 * deterministic stand-in scorer: results equal plain `analyze`, failures are recorded with their
 * reason, content hashing makes moves free and a new model re-analyse, and a rerun does nothing.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCatalog } from "../../../src/catalog/db.js";
import { readResult, resultPaths } from "../../../src/catalog/result-file.js";
import { identifyModel } from "../../../src/catalog/identity.js";
import { CLASSES } from "../../../src/data/classes.js";
import { cli, expectSameAsAnalyze } from "../../helpers/catalog.js";
import { tempDir, tool, wavBytes } from "../../helpers/audio-files.js";
import { fakeScorerSpec } from "../../helpers/fake-scorer.js";
import { sceneInt16 } from "../../helpers/live-signals.js";

const RATE = 22050;
const id = (name: string): number => CLASSES.findIndex((c) => c.id === name);
const spec = fakeScorerSpec({ modelId: "fake-catalog" });
const deps = { scorer: spec };
const root = tempDir("timbrescope-catalog-run-");
const lib = join(root, "lib");
const cat = join(root, "cat");
mkdirSync(join(lib, "sub"), { recursive: true });
const scene = (segs: { seconds: number; classes: number[] }[]): Uint8Array =>
  wavBytes({ sampleRateHz: RATE, encoding: "pcm16", channels: sceneInt16(segs, RATE) });
writeFileSync(
  join(lib, "duo.wav"),
  scene([
    { seconds: 3, classes: [id("violin"), id("flute")] },
    { seconds: 3, classes: [id("piano")] },
  ]),
);
writeFileSync(
  join(lib, "sub", "rock.wav"),
  scene([
    { seconds: 4, classes: [id("distorted-guitar"), id("drums")] },
    { seconds: 2, classes: [id("drums")] },
  ]),
);
tool("sox", [join(lib, "duo.wav"), join(lib, "sub", "duo-copy.flac")]); // other bytes: its own content
writeFileSync(join(lib, "notes.txt"), "not audio, not listed\n");
writeFileSync(join(lib, "broken.mp3"), "definitely not an mp3 file");
writeFileSync(join(lib, "short.wav"), scene([{ seconds: 3, classes: [id("piano")] }]).subarray(0, 2000)); // header says 3 s
const files = ["duo.wav", "sub/rock.wav", "sub/duo-copy.flac"].map((f) => join(lib, f));

async function ok(argv: string[]): Promise<{ stdout: string; log: string[] }> {
  const r = await cli(argv, deps);
  expect(r.code, r.log.join("\n")).toBe(0);
  return r;
}

const status = async (
  extra: string[] = [],
): Promise<{ done: number; failed: number; pending: number; failures?: { path: string; reason: string }[] }> =>
  JSON.parse((await ok(["catalog", "status", "--catalog", cat, "--json", ...extra])).stdout) as never;

describe("catalog (embedded)", () => {
  it("adds a folder recursively, analyses it, records failures, and equals plain analyze", async () => {
    const added = await ok(["catalog", "add", "--catalog", cat, lib]);
    expect(added.log.join("\n")).toMatch(/5 audio file\(s\) found: 5 new, 0 changed, 0 unchanged, 0 unreadable/);
    const run = await ok(["catalog", "run", "--catalog", cat, "--threads", "1"]);
    expect(run.log.join("\n")).toMatch(/3 analysed, 0 already on disk, 2 failed of 5/);
    expect(await status(["--failed"])).toMatchObject({ done: 3, failed: 2, pending: 0 });
    const reasons = (await status(["--failed"])).failures ?? [];
    expect(reasons.map((f) => f.path)).toEqual([join(lib, "broken.mp3"), join(lib, "short.wav")]);
    for (const f of reasons) {
      expect(f.reason).toContain(f.path);
      expect(f.reason).not.toContain("\n");
    }
    const model = await identifyModel("models/default");
    const c = openCatalog(cat, { readonly: true });
    try {
      for (const file of files) {
        const { hash } = c.db.prepare("SELECT hash FROM files WHERE path = ?").get(file) as { hash: string };
        const paths = resultPaths(c.resultsDir, model.key, hash);
        const result = await readResult(paths);
        expect(result?.modelId).toBe("fake-catalog");
        await expectSameAsAnalyze(result as never, paths.json, file, deps);
      }
    } finally {
      c.close();
    }
  });

  it("answers the issue's questions on the stand-in's scenes", async () => {
    const q = async (text: string, fmt = "json"): Promise<{ tracks: { path: string; stretches?: { start: number; end: number }[] }[] }> =>
      JSON.parse((await ok(["catalog", "query", "--catalog", cat, text, "--format", fmt])).stdout) as never;
    expect((await q("distorted-guitar >= 3s")).tracks.map((t) => t.path)).toEqual([join(lib, "sub", "rock.wav")]);
    expect((await q("top is drums")).tracks.map((t) => t.path)).toEqual([join(lib, "sub", "rock.wav")]);
    const together = await q("when violin and flute");
    expect(together.tracks.map((t) => t.path)).toEqual([join(lib, "duo.wav"), join(lib, "sub", "duo-copy.flac")]);
    expect(together.tracks[0]?.stretches?.[0]?.start).toBe(0);
    const csv = (await ok(["catalog", "query", "--catalog", cat, "when violin and flute", "--format", "csv"])).stdout;
    expect(csv.split("\n")[0]).toBe("path,hash,start_sec,end_sec,seconds");
    const exported = (await ok(["catalog", "export", "--catalog", cat])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { status: string; tags?: object });
    expect(exported.map((t) => t.status).sort()).toEqual(["done", "done", "done", "failed", "failed"]);
    expect(Object.keys(exported.find((t) => t.status === "done")?.tags ?? {})).toHaveLength(18);
  });

  it("does nothing on a rerun, follows moved files without analysing them, and retries failures on request", async () => {
    const resultsBefore = readdirSync(join(cat, "results"), { recursive: true }).map(String).sort();
    const mtimes = resultsBefore.map((f) => statSync(join(cat, "results", f)).mtimeMs);
    expect((await ok(["catalog", "run", "--catalog", cat])).log.join("\n")).toMatch(/0 track\(s\) to analyse/);
    renameSync(join(lib, "sub"), join(lib, "moved"));
    const re = await ok(["catalog", "add", "--catalog", cat, lib, "--prune"]);
    expect(re.log.join("\n")).toMatch(/2 new, 0 changed, 3 unchanged, 0 unreadable, 2 missing forgotten/);
    expect((await ok(["catalog", "run", "--catalog", cat])).log.join("\n")).toMatch(/0 track\(s\) to analyse/);
    expect(readdirSync(join(cat, "results"), { recursive: true }).map(String).sort()).toEqual(resultsBefore);
    expect(resultsBefore.map((f) => statSync(join(cat, "results", f)).mtimeMs)).toEqual(mtimes);
    const rock = JSON.parse((await ok(["catalog", "query", "--catalog", cat, "top is drums", "--format", "json"])).stdout) as {
      tracks: { path: string }[];
    };
    expect(rock.tracks.map((t) => t.path)).toEqual([join(lib, "moved", "rock.wav")]);
    expect((await ok(["catalog", "run", "--catalog", cat, "--retry-failed"])).log.join("\n")).toMatch(
      /0 analysed, 0 already on disk, 2 failed of 2/,
    );
  });

  it("re-analyses with a new model into its own results, and refuses content changed behind its back", async () => {
    const other = join(root, "model-b");
    cpSync("models/default", other, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(other, "manifest.json"), "utf8")) as { createdAt: string };
    writeFileSync(join(other, "manifest.json"), JSON.stringify({ ...manifest, createdAt: "2030-01-01T00:00:00.000Z" }));
    const run = await ok(["catalog", "run", "--catalog", cat, "--model", other]);
    expect(run.log.join("\n")).toMatch(/3 analysed, 0 already on disk, 2 failed of 5/);
    expect(readdirSync(join(cat, "results"))).toHaveLength(2);
    // The latest model is the default for status; the first is still there with --model.
    expect(await status()).toMatchObject({ done: 3, failed: 2 });
    expect(await status(["--model", "models/default"])).toMatchObject({ done: 3, failed: 2 });
    // A file rewritten after `add`: the run refuses to file its analysis under the old content.
    const late = join(lib, "late.wav");
    writeFileSync(late, scene([{ seconds: 2, classes: [id("cello")] }]));
    await ok(["catalog", "add", "--catalog", cat, late]);
    writeFileSync(late, scene([{ seconds: 2, classes: [id("tabla")] }]));
    await ok(["catalog", "run", "--catalog", cat, "--model", other]);
    const f = (await status(["--failed"])).failures?.find((x) => x.path === late);
    expect(f?.reason).toMatch(/content changed since it was added .*: run catalog add again/);
  });

  it("stops with one line when the model cannot be loaded, recording no file as failed", async () => {
    const broken = join(root, "model-broken");
    cpSync("models/default", broken, { recursive: true });
    const int8 = JSON.parse(readFileSync(join(broken, "int8.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(broken, "int8.json"), JSON.stringify({ ...int8, weightsSha256: "0".repeat(64) }));
    const own = join(root, "cat-broken-model");
    const music = join(root, "lib-broken-model");
    mkdirSync(music, { recursive: true });
    for (const [i, c] of ["piano", "cello", "drums"].entries())
      writeFileSync(join(music, `${i}.wav`), scene([{ seconds: 3, classes: [id(c)] }]));
    await ok(["catalog", "add", "--catalog", own, music]);
    // The real model (no fake scorer): the track threads take files while the model loads, then fail to load it.
    const r = await cli(["catalog", "run", "--catalog", own, "--model", broken]);
    expect(r.code).not.toBe(0);
    expect(r.log.join("\n")).toMatch(/cannot load the model: .*int8\.json: calibrated on other weights/);
    const s = JSON.parse((await ok(["catalog", "status", "--catalog", own, "--model", broken, "--json"])).stdout) as Record<string, number>;
    expect(s).toMatchObject({ done: 0, failed: 0, pending: 3 });
  });

  it("refuses bad flags and queries with one line", async () => {
    const bad = async (argv: string[], message: RegExp): Promise<void> => {
      const r = await cli(argv, deps);
      expect(r.code).not.toBe(0);
      expect(r.log.join("\n")).toMatch(message);
    };
    await bad(["catalog", "query", "--catalog", cat, "banjo"], /expected a class name/);
    await bad(["catalog", "run", "--catalog", cat, "--queue", "http://x"], /Expected --queue redis:\/\/HOST:PORT, got "http:\/\/x"/);
    await bad(["catalog", "status", "--catalog", join(root, "nowhere")], /cannot open catalog\.sqlite/);
    await bad(["catalog", "add", "--catalog", cat, join(root, "missing-dir")], /missing-dir: no such file or folder/);
  });
});
