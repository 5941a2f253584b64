/**
 * Training throughput per architecture and backend through `timbrescope train --benchmark N`
 * (random batches of 32 through the same step engine `train` uses), each in its own child process
 * so that its peak RSS can be read from /proc.
 */
import type { TrainingRow } from "./lib/schema.js";
import { describeFailure, runChild } from "./lib/child.js";

/** One configuration to time. */
export interface TrainingCase {
  readonly arch: string;
  readonly widthScale: number;
  readonly backend: "wasm" | "cpu" | "tensorflow";
  readonly workers: number;
  /** Timed steps (after the warm-up step). */
  readonly steps: number;
  /** Set to record the row as not run, with this reason. */
  readonly skip?: string;
}

/** Parses the one line `train --benchmark` prints: "... 12.3 windows/s (2600 ms/step ...". */
export function parseTrainBenchmark(stdout: string): { samplesPerSec: number; msPerStep: number } | undefined {
  const m = /([\d.]+) windows\/s \(([\d.]+) ms\/step/.exec(stdout);
  return m === null ? undefined : { samplesPerSec: Number(m[1]), msPerStep: Number(m[2]) };
}

/** Runs each case; a failing case becomes a row with `skipped` saying why. */
export async function benchTraining(cli: string, cases: readonly TrainingCase[], progress: (msg: string) => void): Promise<TrainingRow[]> {
  const rows: TrainingRow[] = [];
  for (const c of cases) {
    const base = { arch: c.arch, widthScale: c.widthScale, backend: c.backend, workers: c.workers };
    if (c.skip !== undefined) {
      rows.push({ ...base, samplesPerSec: null, msPerStep: null, peakRssMiB: null, skipped: c.skip });
      continue;
    }
    progress(`training: ${c.arch} x${c.widthScale} on ${c.backend}, ${c.workers} worker(s), ${c.steps} steps`);
    const r = await runChild(
      process.execPath,
      [
        cli,
        "train",
        "--benchmark",
        String(c.steps),
        "--arch",
        c.arch,
        "--width-scale",
        String(c.widthScale),
        "--backend",
        c.backend,
        "--workers",
        String(c.workers),
        "--quiet",
      ],
      { timeoutMs: 600_000 },
    );
    const parsed = r.code === 0 ? parseTrainBenchmark(r.stdout) : undefined;
    rows.push(
      parsed === undefined
        ? {
            ...base,
            samplesPerSec: null,
            msPerStep: null,
            peakRssMiB: null,
            skipped: r.code === 0 ? `unexpected output: ${r.stdout.slice(0, 120)}` : describeFailure("train --benchmark", r),
          }
        : { ...base, ...parsed, peakRssMiB: r.peakRssKiB / 1024, skipped: null },
    );
  }
  return rows;
}
