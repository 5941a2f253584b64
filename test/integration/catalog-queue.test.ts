/**
 * Queue mode against a real redis-server (Debian's, on 127.0.0.1 at a random port, in its own temp
 * folder) with three `catalog worker` processes on the real model: every track analysed exactly
 * once and equal to plain `analyze`, results byte-identical to an embedded run; a worker killed
 * with -9 mid-job has its job retried and finished without duplicates; a Redis restart mid-run is
 * survived by the workers and the coordinator.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCatalog } from "../../src/catalog/db.js";
import { identifyModel } from "../../src/catalog/identity.js";
import { readResult, resultPaths } from "../../src/catalog/result-file.js";
import { cli, expectSameAsAnalyze, soxTones, TestRedis } from "../helpers/catalog.js";
import type { CliRun } from "../helpers/catalog.js";
import { tempDir } from "../helpers/audio-files.js";
import { exited, spawnTs } from "../helpers/spawn-ts.js";

const root = tempDir("timbrescope-catalog-queue-");
type Child = ReturnType<typeof spawnTs>;
let redis: TestRedis;
const workers: Child[] = [];

/** Starts a worker process and waits until it takes jobs. */
async function startWorker(): Promise<Child> {
  const w = spawnTs(
    "test/helpers/full-cli-child.ts",
    ["catalog", "worker", "--queue", redis.url, "--threads", "1", "--concurrency", "1", "--lock-sec", "5"],
    { TIMBRESCOPE_LOG: "debug" },
  );
  workers.push(w);
  for (let i = 0; i < 600 && !w.out.stderr.includes("taking jobs from"); i++) {
    if (w.child.exitCode !== null) throw new Error(`worker exited: ${w.out.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return w;
}

/** Lines "<kind> <hash12> ..." of every worker, for the given kind. */
function workerLines(kind: "analysed" | "existing" | "debug: start"): string[] {
  return workers.flatMap((w) =>
    w.out.stderr
      .split("\n")
      .filter((l) => l.startsWith(`${kind} `))
      .map((l) => l.slice(kind.length + 1).split(" ")[0] ?? ""),
  );
}

/** Adds `lib` to a fresh catalog and returns its folder. */
async function catalogOf(name: string, lib: string): Promise<string> {
  const dir = join(root, name);
  expect((await cli(["catalog", "add", "--catalog", dir, lib])).code).toBe(0);
  return dir;
}

function hashesOf(dir: string): Map<string, string> {
  const c = openCatalog(dir, { readonly: true });
  try {
    return new Map(
      (c.db.prepare("SELECT path, hash FROM files WHERE hash IS NOT NULL").all() as { path: string; hash: string }[]).map((r) => [
        r.path,
        r.hash,
      ]),
    );
  } finally {
    c.close();
  }
}

function trackRows(dir: string): { hash: string; status: string; reason: string | null }[] {
  const c = openCatalog(dir, { readonly: true });
  try {
    return c.db.prepare("SELECT hash, status, reason FROM tracks ORDER BY hash").all() as never;
  } finally {
    c.close();
  }
}

const expectOk = (r: CliRun): void => expect(r.code, r.log.join("\n")).toBe(0);

beforeAll(async () => {
  redis = await TestRedis.start();
  await Promise.all([startWorker(), startWorker(), startWorker()]);
}, 180_000);

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => Promise.race([exited(w.child), new Promise((r) => setTimeout(r, 10_000))])));
  for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  await redis?.dispose();
}, 60_000);

describe("catalog on a BullMQ queue", () => {
  it("analyses every track exactly once, equal to analyze and byte-identical to an embedded run", async () => {
    const lib = join(root, "lib-a");
    const made = [
      soxTones(join(lib, "a.flac"), 12, [220, 330]),
      soxTones(join(lib, "b.wav"), 9, [440]),
      soxTones(join(lib, "c.mp3"), 10, [196, 587]),
      soxTones(join(lib, "d.ogg"), 8, [261, 392]),
      soxTones(join(lib, "sub", "e.flac"), 15, [110, 880]),
    ];
    execFileSync("cp", ["assets/demo/demo-clip.flac", join(lib, "demo.flac")]);
    writeFileSync(join(lib, "corrupt.flac"), Buffer.concat([Buffer.from("fLaC"), Buffer.alloc(64, 7)]));
    const embedded = await catalogOf("embedded", lib);
    expectOk(await cli(["catalog", "run", "--catalog", embedded, "--threads", "1"]));
    const queued = await catalogOf("queued", lib);
    const run = await cli(["catalog", "run", "--catalog", queued, "--queue", redis.url]);
    expectOk(run);
    expect(run.log.join("\n")).toMatch(/6 analysed, 0 already on disk, 1 failed of 7/);
    const hashes = hashesOf(queued);
    const analysed = workerLines("analysed");
    for (const [path, hash] of hashes) {
      if (path.endsWith("corrupt.flac")) continue;
      expect(
        analysed.filter((h) => hash.startsWith(h)),
        `analyses of ${path}`,
      ).toHaveLength(1);
    }
    const rows = trackRows(queued);
    expect(rows.filter((r) => r.status === "done")).toHaveLength(6);
    expect(rows.find((r) => r.status === "failed")?.reason).toMatch(/corrupt\.flac: /);
    expect(rows).toEqual(trackRows(embedded).map((r) => ({ ...r, reason: r.reason === null ? null : (expect.any(String) as string) })));
    // Byte-identical results, file by file.
    const files = readdirSync(join(embedded, "results"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".json") || f.endsWith(".npy"))
      .sort();
    expect(files).toHaveLength(12);
    expect(
      readdirSync(join(queued, "results"), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".json") || f.endsWith(".npy"))
        .sort(),
    ).toEqual(files);
    for (const f of files)
      expect(readFileSync(join(queued, "results", f)).equals(readFileSync(join(embedded, "results", f))), f).toBe(true);
    // Equal to plain analyze (two of the files: FLAC from the repo and an MP3).
    const model = await identifyModel("models/default");
    for (const file of [join(lib, "demo.flac"), made[2] as string]) {
      const paths = resultPaths(join(queued, "results"), model.key, hashes.get(file) as string);
      await expectSameAsAnalyze((await readResult(paths)) as never, paths.json, file);
    }
  }, 300_000);

  it("retries the job of a worker killed with -9 mid-job and finishes it once", async () => {
    const lib = join(root, "lib-b");
    const long = soxTones(join(lib, "long.flac"), 120, [150, 450]);
    for (let i = 0; i < 3; i++) soxTones(join(lib, `s${i}.wav`), 6, [300 + 100 * i]);
    const dir = await catalogOf("kill", lib);
    const longHash = (hashesOf(dir).get(long) as string).slice(0, 12);
    const run = cli(["catalog", "run", "--catalog", dir, "--queue", redis.url]);
    let victim: Child | undefined;
    for (let i = 0; i < 1200 && victim === undefined; i++) {
      victim = workers.find((w) => w.child.exitCode === null && w.out.stderr.includes(`debug: start ${longHash}`));
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(victim, "no worker started the long track").toBeDefined();
    victim?.child.kill("SIGKILL");
    await startWorker(); // keep three
    expectOk(await run);
    expect(workerLines("debug: start").filter((h) => h === longHash).length).toBeGreaterThanOrEqual(2);
    expect(workerLines("analysed").filter((h) => h === longHash)).toHaveLength(1);
    const rows = trackRows(dir);
    expect(rows.map((r) => r.status)).toEqual(["done", "done", "done", "done"]);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(4);
  }, 300_000);

  it("survives a Redis restart mid-run: workers reconnect and the run completes", async () => {
    const lib = join(root, "lib-c");
    for (let i = 0; i < 8; i++) soxTones(join(lib, `r${i}.flac`), 10, [200 + 41 * i, 500 + 17 * i]);
    const dir = await catalogOf("restart", lib);
    const hashes = [...hashesOf(dir).values()].map((h) => h.slice(0, 12));
    let ended = false;
    const run = cli(["catalog", "run", "--catalog", dir, "--queue", redis.url]).finally(() => (ended = true));
    for (let i = 0; i < 1200 && !workerLines("debug: start").some((h) => hashes.includes(h)); i++)
      await new Promise((r) => setTimeout(r, 10));
    await redis.down();
    expect(ended, "the run ended before Redis went down").toBe(false);
    await new Promise((r) => setTimeout(r, 1500));
    await redis.up();
    expectOk(await run);
    const rows = trackRows(dir);
    expect(rows.map((r) => r.status)).toEqual(Array.from({ length: 8 }, () => "done"));
    const seen = [...workerLines("analysed"), ...workerLines("existing")];
    for (const h of hashes) expect(seen.includes(h), h).toBe(true);
    const c = openCatalog(dir, { readonly: true });
    try {
      expect((c.db.prepare("SELECT count(*) AS n FROM tags").get() as { n: number }).n).toBe(8 * 18);
    } finally {
      c.close();
    }
  }, 300_000);

  it("puts back jobs that Redis lost (data flushed mid-run, as a restart without persistence does)", async () => {
    const lib = join(root, "lib-d");
    for (let i = 0; i < 12; i++) soxTones(join(lib, `f${i}.wav`), 8, [250 + 29 * i]);
    const dir = await catalogOf("flush", lib);
    const mine = new Set([...hashesOf(dir).values()].map((h) => h.slice(0, 12)));
    const run = cli(["catalog", "run", "--catalog", dir, "--queue", redis.url]);
    // Flush as soon as the first job starts: three workers hold at most three, the other nine are lost.
    for (let i = 0; i < 1200 && !workerLines("debug: start").some((h) => mine.has(h)); i++) await new Promise((r) => setTimeout(r, 10));
    execFileSync("redis-cli", ["-p", String(redis.port), "flushall"]);
    const done = await run;
    expectOk(done);
    expect(done.log.join("\n")).toMatch(/queue: \d+ job\(s\) missing from Redis \(lost with its data\?\) added again/);
    expect(trackRows(dir).map((r) => r.status)).toEqual(Array.from({ length: 12 }, () => "done"));
  }, 300_000);
});
