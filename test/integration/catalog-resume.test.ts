/**
 * `catalog run` killed with -9 mid-way, twice, then run again (real model, child processes):
 * no result is ever visible half-written, nothing finished before a kill is analysed again or
 * rewritten, and the last run completes the catalog with one indexed row per content.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openCatalog } from "../../src/catalog/db.js";
import { readResult } from "../../src/catalog/result-file.js";
import { setLogLevel } from "../../src/log.js";
import { cli, soxTones } from "../helpers/catalog.js";
import { tempDir } from "../helpers/audio-files.js";
import { exited, spawnTs } from "../helpers/spawn-ts.js";

const root = tempDir("timbrescope-catalog-resume-");
const cat = join(root, "cat");
const N = 8;
// Distinct contents: chords of two tones, 20 s each (a few tenths of a second of analysis apiece).
const files = Array.from({ length: N }, (_, i) =>
  soxTones(join(root, "lib", `t${i}.${i % 2 === 0 ? "flac" : "wav"}`), 20, [220 + 37 * i, 330 + 51 * i]),
);
const children: ReturnType<typeof spawnTs>[] = [];
afterAll(() => children.forEach((c) => c.child.exitCode === null && c.child.kill("SIGKILL")));

/** Result JSON files under the catalog and whether each reads back complete. */
async function results(): Promise<Map<string, { ino: number; mtimeMs: number }>> {
  const dir = join(cat, "results");
  const out = new Map<string, { ino: number; mtimeMs: number }>();
  for (const rel of readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".json"))) {
    const json = join(dir, rel);
    const r = await readResult({ json, scores: json.replace(/\.json$/, ".scores.npy") });
    expect(r, `${rel} is visible but not a complete result`).toBeDefined();
    const st = statSync(json);
    out.set(r?.hash ?? rel, { ino: st.ino, mtimeMs: st.mtimeMs });
  }
  return out;
}

/** Starts `catalog run` in a child and kills it with -9 once `atLeast` results exist (or it ends). */
async function runAndKill(atLeast: number): Promise<boolean> {
  const c = spawnTs("test/helpers/full-cli-child.ts", ["catalog", "run", "--catalog", cat, "--threads", "1"], { TIMBRESCOPE_LOG: "debug" });
  children.push(c);
  const end = exited(c.child);
  for (;;) {
    const done = await Promise.race([end.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 20))]);
    if (done) return false;
    const n = readdirSync(join(cat, "results"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".json")).length;
    if (n >= atLeast) {
      c.child.kill("SIGKILL");
      await end;
      return true;
    }
  }
}

describe("catalog run, killed and resumed", () => {
  it("loses nothing and analyses nothing twice", async () => {
    expect((await cli(["catalog", "add", "--catalog", cat, join(root, "lib")])).code).toBe(0);
    const killed1 = await runAndKill(1);
    const after1 = await results();
    const killed2 = await runAndKill(after1.size + 2);
    const after2 = await results();
    expect(killed1 || killed2, "no run was killed mid-way: the runs ended before the first result").toBe(true);
    // Results finished before the second kill are untouched by the second run.
    for (const [hash, st] of after1) expect(after2.get(hash), hash).toEqual(st);
    setLogLevel("debug");
    const last = await cli(["catalog", "run", "--catalog", cat, "--threads", "1"]);
    expect(last.code, last.log.join("\n")).toBe(0);
    const analysedNow = last.log.filter((l) => /^debug: analysed /.test(l)).map((l) => l.split(" ")[2] ?? "");
    const final = await results();
    expect(final.size).toBe(N);
    for (const [hash, st] of after2) {
      expect(
        analysedNow.some((h) => hash.startsWith(h)),
        `${hash} analysed again`,
      ).toBe(false);
      expect(final.get(hash), hash).toEqual(st);
    }
    const c = openCatalog(cat, { readonly: true });
    try {
      const rows = c.db.prepare("SELECT hash, status FROM tracks").all() as { hash: string; status: string }[];
      expect(
        rows
          .filter((r) => r.status === "done")
          .map((r) => r.hash)
          .sort(),
      ).toEqual([...final.keys()].sort());
      expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
      expect((c.db.prepare("SELECT count(DISTINCT hash) AS n FROM tags").get() as { n: number }).n).toBe(N);
    } finally {
      c.close();
    }
    const status = JSON.parse((await cli(["catalog", "status", "--catalog", cat, "--json"])).stdout) as {
      done: number;
      failed: number;
      pending: number;
      files: number;
    };
    expect(status).toMatchObject({ files: files.length, done: N, failed: 0, pending: 0 });
  }, 240_000);
});
