/**
 * Shared pieces of the catalog tests: the CLI run in-process with output captured, a small
 * library of test files, plain `analyze` output to compare with, and a redis-server of our own.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { expect } from "vitest";
import { registerAnalyze } from "../../src/cli/analyze.js";
import { registerCatalog } from "../../src/cli/catalog.js";
import { runCli } from "../../src/cli/main.js";
import { parseNpy } from "../../src/io/npy.js";
import { setLogLevel, setLogWriter } from "../../src/log.js";
import type { ScorerSpec } from "../../src/pipeline/mel-scorer.js";
import type { TrackResult } from "../../src/catalog/result-file.js";

/** What a CLI run printed. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  /** Log lines (stderr). */
  readonly log: string[];
}

/** Runs `timbrescope <argv>` in this process with `catalog` and `analyze` registered on `deps`. */
export async function cli(argv: readonly string[], deps: { readonly scorer?: ScorerSpec } = {}): Promise<CliRun> {
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
    .configureOutput({ writeErr: (s) => log.push(s.trim()), writeOut: (s) => (stdout += s) });
  registerCatalog(program, deps);
  registerAnalyze(program, deps.scorer === undefined ? {} : { scorer: deps.scorer });
  program.commands.forEach((c) => c.exitOverride());
  try {
    const code = await runCli(argv, program);
    return { code, stdout, log };
  } finally {
    process.stdout.write = write;
    setLogWriter(prevLog);
    setLogLevel("info");
  }
}

/** `analyze`'s JSON document for one file at one resolution. */
export interface AnalyzeDoc {
  readonly files: readonly {
    readonly durationSec: number;
    readonly classes: readonly string[];
    readonly rows: readonly { readonly start: number; readonly scores: readonly number[]; readonly active: readonly number[] }[];
    readonly segments: readonly { readonly class: string; readonly start: number; readonly end: number; readonly peak: number }[];
  }[];
}

/** Plain `analyze FILE --format json --resolution R`, as a user runs it. */
export async function analyzeJson(
  file: string,
  resolution: "window" | "track",
  deps: { readonly scorer?: ScorerSpec } = {},
): Promise<AnalyzeDoc> {
  const r = await cli(["analyze", file, "--format", "json", "--resolution", resolution, "--workers", "1"], deps);
  if (r.code !== 0) throw new Error(`analyze ${file} failed: ${r.log.join(" | ")}`);
  return JSON.parse(r.stdout) as AnalyzeDoc;
}

/**
 * Checks a catalog result against plain `analyze` of the same file: per-window scores equal to
 * float16 precision (analyze's JSON keeps 6 decimals), track tags and smoothed segments equal.
 */
export async function expectSameAsAnalyze(
  result: TrackResult,
  resultJsonPath: string,
  file: string,
  deps: { readonly scorer?: ScorerSpec } = {},
): Promise<void> {
  const windows = (await analyzeJson(file, "window", deps)).files[0];
  const track = (await analyzeJson(file, "track", deps)).files[0];
  if (windows === undefined || track === undefined) throw new Error(`analyze ${file}: no file in its JSON`);
  const npy = parseNpy(readFileSync(join(dirname(resultJsonPath), result.scores.file)));
  const nC = result.classes.length;
  expect(npy.shape).toEqual([windows.rows.length, nC]);
  let worst = 0;
  windows.rows.forEach((row, k) =>
    row.scores.forEach((v, c) => {
      // float16 of the exact score vs analyze's 6-decimal text of it: at most half a float16 step
      // (≤ 2^-11 relative, 2^-25 for subnormals) plus the 5e-7 of the text apart.
      const stored = npy.data[k * nC + c] as number;
      worst = Math.max(worst, Math.abs(stored - v) - (Math.max(Math.abs(v) * 2 ** -11, 2 ** -25) + 1e-6));
    }),
  );
  expect(worst, "per-window scores differ from analyze's beyond float16 rounding").toBeLessThanOrEqual(0);
  expect(result.classes).toEqual(windows.classes);
  expect(result.durationSec).toBe(windows.durationSec);
  expect(result.tags.map((t) => t.score)).toEqual(track.rows[0]?.scores ?? result.classes.map(() => 0));
  expect(result.tags.map((t) => (t.active ? 1 : 0))).toEqual(track.rows[0]?.active ?? result.classes.map(() => 0));
  expect(result.segments.map((s) => [s.class, s.start, s.end, s.peak])).toEqual(
    track.segments.map((s) => [s.class, s.start, s.end, s.peak]),
  );
}

/**
 * A short audio file made with sox: `seconds` of a chord of sine tones at `hz`, 44.1 kHz stereo,
 * as WAV, FLAC or Ogg by the name's ending (MP3: a WAV encoded by lame, as Debian's sox has no MP3 writer).
 */
export function soxTones(path: string, seconds: number, hz: readonly number[]): string {
  mkdirSync(dirname(path), { recursive: true });
  const synth = hz.flatMap((f) => ["sine", String(f)]);
  const mp3 = path.endsWith(".mp3");
  const out = mp3 ? `${path}.wav` : path;
  execFileSync("sox", ["-n", "-r", "44100", "-c", "2", out, "synth", String(seconds), ...synth, "gain", "-6"], { stdio: "pipe" });
  if (mp3) {
    execFileSync("lame", ["--quiet", "-b", "128", out, path], { stdio: "pipe" });
    rmSync(out);
  }
  return path;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** A private redis-server on 127.0.0.1 (Debian package redis-server), in its own temp folder. */
export class TestRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Starts one on a random port, with an append-only file so a restart keeps the queue. */
  static async start(): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), mkdtempSync(join(tmpdir(), "timbrescope-redis-")));
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port and folder; resolves once it answers PING. */
  async up(): Promise<void> {
    this.child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      try {
        if (
          execFileSync("redis-cli", ["-p", String(this.port), "ping"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() ===
          "PONG"
        )
          return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server on port ${this.port} did not answer (apt-get install redis-server?)`);
  }

  /** Stops the server (SHUTDOWN: the append-only file is kept) and waits for it to exit. */
  async down(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await gone;
  }

  /** Stops the server and removes its folder. */
  async dispose(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
