/**
 * `timbrescope dataset stats ROOT... [--json]` and `timbrescope dataset split ROOT... --seed N`:
 * scan MedleyDB / Mixing Secrets roots (metadata, activation confidence and audio may be spread
 * over several roots), report label statistics or write an artist-conditional split manifest.
 */
import { writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputFileError, UserError } from "../errors.js";
import { log } from "../log.js";
import { loadDataset } from "../data/dataset.js";
import type { Dataset, DatasetOptions } from "../data/dataset.js";
import { datasetStats, formatStatsTable } from "../data/dataset-stats.js";
import { makeSplit } from "../data/split.js";
import { progressBar } from "./progress.js";

interface CommonFlags {
  unfiltered?: boolean;
  labelMap: boolean;
  strict?: boolean;
  requireMix?: boolean;
  trackList?: string[];
  computedDir?: string;
}

/** Registers `dataset stats` and `dataset split`. */
export function registerDataset(program: Command): void {
  const dataset = program.command("dataset").description("Inspect MedleyDB / Mixing Secrets multitrack datasets");
  withCommonFlags(
    dataset
      .command("stats")
      .description("Count tracks, 1 s windows and active labels per instrument")
      .addHelpText("after", "\nExample:\n  $ timbrescope dataset stats ~/medleydb/medleydb/data ~/MedleyDB ~/mixing_secrets --json\n")
      .argument("<roots...>", "dataset roots (code repos with Metadata/ and Annotations/, audio folders with Audio/<track>/)")
      .option("--json", "print the statistics as JSON"),
  ).action(async (roots: string[], flags: CommonFlags & { json?: boolean }) => {
    const ds = await load(roots, flags);
    const stats = datasetStats(ds);
    process.stdout.write(flags.json === true ? JSON.stringify(stats, null, 2) + "\n" : formatStatsTable(stats, ds));
  });
  withCommonFlags(
    dataset
      .command("split")
      .description("Write an artist-conditional train/validation/test split manifest (JSON)")
      .addHelpText(
        "after",
        "\nExample:\n  $ timbrescope dataset split ~/medleydb/medleydb/data ~/mixing_secrets --seed 1 --out split.json\n",
      )
      .argument("<roots...>", "dataset roots")
      .requiredOption("--seed <n>", "integer seed of the split", parseSeed)
      .option("--out <file>", "write the manifest here instead of stdout"),
  ).action(async (roots: string[], flags: CommonFlags & { seed: number; out?: string }) => {
    const ds = await load(roots, flags);
    const manifest = makeSplit(
      ds.tracks.map((t) => ({ id: t.id, artistKey: t.artistKey, classes: t.activeClasses })),
      { seed: flags.seed, provenance: { labelMap: ds.labelMapVersion, filters: ds.filtered ? "bleed(tabla kept),no-class" : "off" } },
    );
    const text = JSON.stringify(manifest, null, 2) + "\n";
    if (flags.out === undefined) process.stdout.write(text);
    else {
      await writeFile(flags.out, text);
      log.info(
        `split: ${manifest.train.length} train, ${manifest.validation.length} validation, ${manifest.test.length} test -> ${flags.out}`,
      );
    }
  });
}

function withCommonFlags(cmd: Command): Command {
  return cmd
    .option("--unfiltered", "keep bleed tracks and tracks without any of the 18 classes")
    .option("--no-label-map", "do not map Mixing Secrets labels to the MedleyDB taxonomy")
    .option("--strict", "stop at the first malformed file instead of skipping its track")
    .option("--require-mix", "skip tracks whose mix audio is not found")
    .option("--track-list <files...>", "only the track ids listed in these files (one per line, # comments)")
    .option("--computed-dir <dir>", "cache folder for activation confidence computed from stems");
}

async function load(roots: string[], flags: CommonFlags): Promise<Dataset> {
  const opts: { -readonly [K in keyof DatasetOptions]: DatasetOptions[K] } = {
    unfiltered: flags.unfiltered === true,
    strict: flags.strict === true,
    requireMix: flags.requireMix === true,
  };
  if (!flags.labelMap) opts.labelMap = null;
  if (flags.trackList !== undefined) opts.trackIds = readTrackLists(flags.trackList);
  if (flags.computedDir !== undefined) opts.computedLabDir = flags.computedDir;
  let bar: ReturnType<typeof progressBar> | undefined;
  opts.onProgress = (done, total) => {
    bar ??= progressBar("dataset", total, "tracks");
    bar.tick();
    if (done === total) bar.done();
  };
  const ds = await loadDataset(roots, opts);
  if (ds.tracks.length === 0 && ds.skipped.length === 0) throw new UserError(`no tracks found under ${roots.join(", ")}`);
  return ds;
}

function readTrackLists(files: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (err) {
      throw new InputFileError(f, `cannot read track list (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
    for (const line of text.split(/\r?\n/)) {
      const id = line.replace(/#.*/, "").trim();
      if (id !== "") ids.add(id);
    }
  }
  return ids;
}

function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || Math.abs(n) > 2 ** 31) throw new UserError(`Expected --seed to be an integer, got "${v}"`);
  return n;
}
