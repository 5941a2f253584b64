/**
 * `analyze` end to end, as a user runs it: `node bin/timbrescope.js analyze FILE --format json`
 * in a child process (start-up, model load, decode, resample, mel, network, output all included),
 * timed from spawn to exit, with its peak RSS from /proc. Run for the 4-minute track and for the
 * scaling series (1, 10, 60 minutes in full mode), fitted with a line to check it is linear.
 */
import { join } from "node:path";
import type { AnalyzeResults, AnalyzeRun } from "./lib/schema.js";
import { describeFailure, runChild } from "./lib/child.js";
import type { InputFolder } from "./lib/inputs.js";
import { fitLine } from "./lib/stats.js";

/** Options of {@link benchAnalyze}. */
export interface AnalyzeBenchOptions {
  readonly cli: string;
  readonly modelDir: string;
  readonly inputs: InputFolder;
  /** Length of the main run, seconds (240). */
  readonly trackSec: number;
  /** Lengths of the scaling series, minutes. */
  readonly scalingMinutes: readonly number[];
  readonly progress: (msg: string) => void;
}

const KIB_PER_MIB = 1024;

/** One analyze run of a generated `seconds`-long file. */
export async function analyzeOnce(o: AnalyzeBenchOptions, seconds: number, extraNodeArgs: readonly string[] = []): Promise<AnalyzeRun> {
  const file = o.inputs.track(seconds);
  const out = join(o.inputs.dir, `analyze-${seconds}s.json`);
  const r = await runChild(
    process.execPath,
    [...extraNodeArgs, o.cli, "analyze", file, "--model", o.modelDir, "--format", "json", "--out", out, "--quiet"],
    { timeoutMs: 900_000 },
  );
  if (r.code !== 0) throw new Error(describeFailure(`analyze of ${seconds} s`, r));
  const wallSec = r.wallMs / 1000;
  return { audioSec: seconds, wallSec, realTimeFactor: seconds / wallSec, peakRssMiB: r.peakRssKiB / KIB_PER_MIB };
}

/** Runs the analyze section. */
export async function benchAnalyze(o: AnalyzeBenchOptions): Promise<AnalyzeResults> {
  o.progress(`analyze: ${o.trackSec} s track end to end`);
  const fourMinute = await analyzeOnce(o, o.trackSec);
  const scaling: AnalyzeRun[] = [];
  for (const minutes of o.scalingMinutes) {
    if (minutes * 60 === o.trackSec) {
      scaling.push(fourMinute);
      continue;
    }
    o.progress(`analyze: scaling, ${minutes} min (making the file, then analysing)`);
    o.inputs.track(minutes * 60);
    scaling.push(await analyzeOnce(o, minutes * 60));
  }
  // A line needs two lengths; --quick runs none (the fit is then NaN, written as null).
  const fit = fitLine(
    scaling.map((s) => s.audioSec / 60),
    scaling.map((s) => s.wallSec),
  );
  return {
    fourMinute,
    scaling,
    fit: { interceptSec: fit.intercept, slopeSecPerMin: fit.slope, r2: fit.r2, maxResidualPct: fit.maxResidualPct },
  };
}
