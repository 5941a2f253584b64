/**
 * `npm run bench`: measures timbrescope against references timed in the same run (machines here
 * are shared and noisy, so every figure also has a same-run ratio), prints Markdown tables to
 * stdout, writes bench/results.json, and says for each of the issue's targets whether it is met.
 *
 *   node dist/bench/run.js [--quick] [--out bench/results.json] [--only mel,inference,analyze,catalog,live,training] [--profile]
 *
 * Full mode (< 10 min on an idle 2-core machine): 4-minute track for mel and analyze, analyze of
 * 1, 10 and 60 minutes, two 2-minute live runs, live CPU at four hops, training per architecture.
 * --quick (< 2 min): shorter live runs, no 60-minute analyze, fewer training and cpu-backend cases.
 * Progress goes to stderr. Inputs are generated in a temp folder and deleted at the end.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchAnalyze, analyzeOnce } from "./analyze.js";
import { benchCatalog, catalogNotes, catalogTargets, formatCatalogReport } from "./catalog.js";
import type { AnalyzeBenchOptions } from "./analyze.js";
import { benchInference } from "./inference.js";
import { liveRun } from "./live.js";
import { benchMel } from "./mel.js";
import { benchTraining } from "./training.js";
import type { TrainingCase } from "./training.js";
import { summarizeProfile } from "./lib/cpuprofile.js";
import type { CpuProfile } from "./lib/cpuprofile.js";
import { InputFolder } from "./lib/inputs.js";
import { machineInfo } from "./lib/machine.js";
import { numpySgemm } from "./lib/python-refs.js";
import type { SgemmResult } from "./lib/python-refs.js";
import { closingNotes, evaluateTargets, formatReport, TARGET_HOP_SEC } from "./lib/report.js";
import type { Measured } from "./lib/report.js";
import type { BenchResults, LiveRunResult, SgemmFigure } from "./lib/schema.js";

const SECTIONS = ["mel", "inference", "analyze", "catalog", "live", "training"] as const;
type Section = (typeof SECTIONS)[number];

/** The project root: the nearest folder above this file with a package.json (works from dist/ and from source). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("bench: cannot find the project root (package.json)");
    dir = up;
  }
  return dir;
}

const started = performance.now();
function progress(msg: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function section<T>(name: string, fallback: T, failures: string[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    progress(`${name} failed: ${errText(err)}`);
    failures.push(`${name} failed: ${errText(err)}`);
    return fallback;
  }
}

const sgemmFigure = (s: SgemmResult): SgemmFigure => ({ n: s.n, threads: s.threads, gflops: s.gflops, info: s.info });

/** Runs analyze of the 4-minute track under `node --cpu-prof` and summarises the main thread's profile. */
async function profileAnalyze(o: AnalyzeBenchOptions, seconds: number): Promise<BenchResults["profile"]> {
  const dir = join(o.inputs.dir, "cpu-prof");
  await analyzeOnce(o, seconds, ["--cpu-prof", "--cpu-prof-dir", dir]);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => join(dir, f));
  const biggest = files.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
  if (biggest === undefined) return null;
  return {
    what: `analyze of ${seconds / 60} min, main thread`,
    top: summarizeProfile(JSON.parse(readFileSync(biggest, "utf8")) as CpuProfile),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      only: { type: "string" },
      profile: { type: "boolean", default: false },
    },
  });
  const quick = values.quick === true;
  const root = projectRoot();
  const asked = values.only?.split(",").map((s) => s.trim()) ?? [...SECTIONS];
  const unknown = asked.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`Expected --only to list ${SECTIONS.join(",")}, got "${unknown.join(",")}"`);
  const only = new Set(asked as Section[]);
  const outPath = resolve(values.out ?? join(root, "bench", "results.json"));
  const cli = join(root, "bin", "timbrescope.js");
  const modelDir = join(root, "models", "default");
  const manifest = JSON.parse(readFileSync(join(modelDir, "manifest.json"), "utf8")) as {
    architecture: { name: string; widthScale: number };
  };
  const defaultModel = { dir: "models/default", arch: manifest.architecture.name, widthScale: manifest.architecture.widthScale };
  const machine = machineInfo(root);
  const inputs = InputFolder.create(root);
  const failures: string[] = [];
  const trackSec = 240;
  progress(
    `${quick ? "quick" : "full"} run on ${machine.cpuModel} (${machine.cores} cores, load ${machine.loadAvg1.toFixed(1)}); inputs in ${inputs.dir}`,
  );
  try {
    progress("sgemm peak: NumPy float32 2048² on 2 and 1 threads");
    const two0 = await section("sgemm (2 threads)", null, failures, async () =>
      sgemmFigure(await numpySgemm({ threads: 2, reps: quick ? 3 : 7 })),
    );
    const one = await section("sgemm (1 thread)", null, failures, async () =>
      sgemmFigure(await numpySgemm({ threads: 1, reps: quick ? 3 : 5 })),
    );
    const inference0 = only.has("inference")
      ? await section("inference", [], failures, () =>
          benchInference({
            defaultModelDir: modelDir,
            defaultModelLabel: defaultModel.dir,
            defaultWidthScale: defaultModel.widthScale,
            peakGflops: two0?.gflops ?? null,
            backends: quick ? ["wasm", "cpu"] : ["wasm", "cpu", "tensorflow"],
            quick,
            progress,
          }),
        )
      : [];
    // The peak is measured on both sides of the inference section and the higher figure kept, so
    // that a burst of other load during one measurement does not flatter the fractions.
    const twoAfter =
      inference0.length === 0
        ? null
        : await section("sgemm (2 threads, after inference)", null, failures, async () =>
            sgemmFigure(await numpySgemm({ threads: 2, reps: quick ? 3 : 5 })),
          );
    const two = [two0, twoAfter].reduce<SgemmFigure | null>(
      (best, f) => (f !== null && (best === null || f.gflops > best.gflops) ? f : best),
      null,
    );
    const inference = inference0.map((r) => ({
      ...r,
      peakFraction: r.gflopsBatch32 === null || two === null ? null : r.gflopsBatch32 / two.gflops,
    }));
    const track = inputs.track(trackSec);
    const mel = only.has("mel")
      ? await section("mel", null, failures, () =>
          benchMel({ trackPath: track, tmpDir: inputs.dir, essentiaSec: quick ? 10 : trackSec, quick, progress }),
        )
      : null;
    const analyzeOpts: AnalyzeBenchOptions = { cli, modelDir, inputs, trackSec, scalingMinutes: quick ? [] : [1, 10, 60], progress };
    const analyze = only.has("analyze") ? await section("analyze", null, failures, () => benchAnalyze(analyzeOpts)) : null;
    // --quick: 2 one-minute tracks and fewer no-op jobs; full: 8 four-minute tracks.
    const catalog = only.has("catalog")
      ? await section("catalog", null, failures, () =>
          benchCatalog({
            cli,
            modelDir,
            inputs,
            tracks: quick ? 2 : 8,
            trackSec: quick ? 60 : trackSec,
            overheadJobs: quick ? 100 : 500,
            progress,
          }),
        )
      : null;
    const live: LiveRunResult[] = [];
    if (only.has("live")) {
      const latencySec = quick ? 10 : 120;
      const sweepSec = quick ? 5 : 30;
      const runs = [
        { label: "no WS client", hopSec: TARGET_HOP_SEC, seconds: latencySec, wsClient: false },
        { label: "WS client connected", hopSec: TARGET_HOP_SEC, seconds: latencySec, wsClient: true },
        ...[1, 0.5, 0.1].map((hopSec) => ({ label: `CPU sweep, hop ${hopSec} s`, hopSec, seconds: sweepSec, wsClient: false })),
      ];
      for (const r of runs) {
        progress(`live: ${r.label}${r.label.includes("hop") ? "" : `, hop ${r.hopSec} s`}, ${r.seconds} s at real time`);
        const res = await section(`live (${r.label})`, null, failures, () => liveRun({ cli, modelDir, file: track, ...r }));
        if (res !== null) live.push(res);
      }
    }
    const training = only.has("training")
      ? await section("training", [], failures, () => benchTraining(cli, trainingCases(defaultModel.widthScale, quick), progress))
      : [];
    let profile: BenchResults["profile"] = null;
    const measured0: Measured = {
      schema: "timbrescope-bench",
      schemaVersion: 1,
      mode: quick ? "quick" : "full",
      machine,
      durationSec: 0,
      defaultModel,
      sgemm: { twoThreads: two, oneThread: one },
      mel,
      inference,
      analyze,
      live,
      training,
      peakRssMiB: {
        training: maxOrNull(training.map((t) => t.peakRssMiB)),
        analyze: analyze === null ? null : Math.max(analyze.fourMinute.peakRssMiB, ...analyze.scaling.map((s) => s.peakRssMiB)),
        analyzeMinutes: analyze === null ? null : Math.max(analyze.fourMinute.audioSec, ...analyze.scaling.map((s) => s.audioSec)) / 60,
        live: maxOrNull(live.map((l) => l.peakRssMiB)),
      },
      profile: null,
    };
    const targets0 = evaluateTargets(measured0);
    if (
      only.has("analyze") &&
      (values.profile === true || (!quick && targets0.some((t) => t.met === false && (t.id === "analyze-rtf" || t.id === "cnn-peak"))))
    ) {
      progress("profile: analyze of the 4-minute track under node --cpu-prof");
      profile = await section("profile", null, failures, () => profileAnalyze(analyzeOpts, trackSec));
    }
    const measured: Measured = { ...measured0, profile, durationSec: (performance.now() - started) / 1000 };
    const extra = only.has("catalog") ? catalogTargets(catalog) : [];
    const targets = [...evaluateTargets(measured), ...extra];
    const results: BenchResults & { readonly catalog: typeof catalog } = {
      ...measured,
      catalog,
      targets,
      notes: [...closingNotes(measured, targets), ...(catalog === null ? [] : catalogNotes(catalog, extra)), ...failures],
    };
    writeFileSync(
      outPath,
      JSON.stringify(results, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n",
    );
    process.stdout.write(formatReport(results) + (catalog === null ? "" : `\n${formatCatalogReport(catalog)}`));
    progress(`wrote ${outPath}`);
  } finally {
    inputs.dispose();
  }
}

function maxOrNull(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === 0 ? null : Math.max(...v);
}

/**
 * The training cases: every architecture at the shipped width (and width 1 in full mode) on wasm, CNN on 2 workers,
 * the cpu backend for the MLP.
 */
function trainingCases(defaultWidth: number, quick: boolean): TrainingCase[] {
  // --quick: only the target's configuration (the shipped CNN on 2 workers).
  if (quick) return [{ arch: "cnn", widthScale: defaultWidth, backend: "wasm", workers: 2, steps: 2 }];
  const widths = [...new Set([defaultWidth, 1])];
  const cases: TrainingCase[] = [];
  for (const arch of ["mlp", "cnn", "crnn"]) {
    for (const widthScale of widths) cases.push({ arch, widthScale, backend: "wasm", workers: 1, steps: arch === "mlp" ? 20 : 2 });
  }
  cases.push({ arch: "cnn", widthScale: defaultWidth, backend: "wasm", workers: 2, steps: 3 });
  cases.push({ arch: "mlp", widthScale: defaultWidth, backend: "cpu", workers: 1, steps: 5 });
  cases.push({
    arch: "cnn",
    widthScale: defaultWidth,
    backend: "cpu",
    workers: 1,
    steps: 0,
    skip: "skipped: the cpu backend is ≈ 25× slower than wasm for convolutions (minutes per step)",
  });
  return cases;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${errText(err)}\n`);
  process.exitCode = 1;
});
