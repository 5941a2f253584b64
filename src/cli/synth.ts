/**
 * `timbrescope synth --out DIR --tracks N --seed S [--minutes-per-track M] [--soundfonts A,B]
 * [--sample-rate 22050|44100] [--keep-stems] [--styles a,b] [--voices v,w] [--first-track K] [--json]`:
 * generates a synthetic multitrack corpus in MedleyDB layout (src/data/synth/), then prints what
 * it made: duration, speed, size per hour of audio and the class balance in active 1 s windows.
 */
import { Option, type Command } from "commander";
import { UserError } from "../errors.js";
import { CLASSES } from "../data/classes.js";
import type { CorpusReport } from "../data/synth/corpus.js";
import { DEFAULT_BANK_NAMES, KNOWN_BANKS } from "../data/synth/soundbank-list.js";
import { NO_REALISM, parseRealism, REALISM_ELEMENTS, type Realism } from "../data/synth/realism.js";
import { GUITAR_STYLES } from "../data/synth/guitar-tone.js";
import { ALL_STYLE_NAMES, corpusStyles } from "../data/synth/styles-extra.js";
import { VOICES } from "../data/synth/singer.js";
import { progressBar } from "./progress.js";

const STYLE_NAMES = corpusStyles(false, false).map((s) => s.name);
const EXTRA_NAMES = corpusStyles(true, false)
  .map((s) => s.name)
  .filter((n) => !STYLE_NAMES.includes(n));
const TONE_NAMES = GUITAR_STYLES.map((s) => s.name);

interface SynthFlags {
  out: string;
  tracks: number;
  seed: number;
  minutesPerTrack: number;
  soundfonts: string[];
  sampleRate: 22050 | 44100;
  keepStems?: boolean;
  styles: string[];
  voices: string[];
  firstTrack: number;
  realism: Realism;
  json?: boolean;
}

/** Registers `synth`. */
export function registerSynth(program: Command): void {
  program
    .command("synth")
    .description("Generate a synthetic multitrack corpus (mixes, optional stems, activation confidence, metadata) in MedleyDB layout")
    .requiredOption("--out <dir>", "output root (gets Audio/, Metadata/, Annotations/)")
    .option("--tracks <n>", "number of tracks", intIn("--tracks", 1, 1_000_000), 10)
    .option("--seed <n>", "corpus seed (same seed and options -> identical files)", intIn("--seed", 0, 2 ** 31 - 1), 0)
    .option("--minutes-per-track <m>", "mean song length in minutes (0.1-15)", floatIn("--minutes-per-track", 0.1, 15), 3)
    .addOption(
      new Option("--soundfonts <list>", `comma-separated bank names (${KNOWN_BANKS.map((b) => b.name).join(", ")}) or .sf2/.sf3 paths`)
        .argParser(list)
        .default([], `the installed ones of ${DEFAULT_BANK_NAMES.join(",")}`),
    )
    .option("--sample-rate <hz>", "22050 or 44100", sampleRate, 22050)
    .option("--keep-stems", "also write every stem WAV (about 5x the disk space)")
    .addOption(
      new Option(
        "--styles <list>",
        `only these styles (${STYLE_NAMES.join(", ")}; ${EXTRA_NAMES.join(", ")} need --realism extra; ${TONE_NAMES.join(", ")} need --realism tones)`,
      )
        .argParser(styleList)
        .default([], "all"),
    )
    .addOption(
      new Option("--voices <list>", "only these singer voices (e.g. espeak-ng:f2,festival:kal_diphone)")
        .argParser(voiceList)
        .default([], "all"),
    )
    .option(
      "--first-track <k>",
      "index of the first track (extend a corpus or split work over processes)",
      intIn("--first-track", 0, 1_000_000),
      0,
    )
    .addOption(
      new Option("--realism <list>", `realism elements: all, none, or from ${REALISM_ELEMENTS.join(", ")} (see README, synth)`)
        .argParser(parseRealism)
        .default(NO_REALISM, "none"),
    )
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ timbrescope synth --out corpus/train --tracks 40 --seed 1\n" +
        "  $ timbrescope synth --out corpus/test --tracks 10 --seed 9001 --soundfonts musescore,avl-black-pearl   # held-out timbres\n",
    )
    .action(async (flags: SynthFlags) => {
      const { generateCorpus } = await import("../data/synth/corpus.js");
      const report = await generateCorpus({
        outDir: flags.out,
        tracks: flags.tracks,
        seed: flags.seed,
        minutesPerTrack: flags.minutesPerTrack,
        soundfonts: flags.soundfonts,
        sampleRateHz: flags.sampleRate,
        keepStems: flags.keepStems === true,
        styles: flags.styles,
        voices: flags.voices,
        firstTrack: flags.firstTrack,
        ...(flags.json === true ? {} : { progress: progressBar }),
        realism: flags.realism,
      });
      process.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + "\n" : formatReport(report, flags.out));
    });
}

/** The human-readable report. */
export function formatReport(r: CorpusReport, outDir: string): string {
  const hours = r.audioSeconds / 3600;
  const lines = [
    `wrote ${r.tracks} tracks (${(r.audioSeconds / 60).toFixed(1)} min of audio) to ${outDir}`,
    `time: ${r.wallSeconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} s CPU -> ${r.realtimePerCpu.toFixed(0)}x real time per CPU second`,
    `size: ${(r.bytes / 1e6).toFixed(1)} MB = ${(r.bytes / 1e6 / Math.max(hours, 1e-9)).toFixed(0)} MB per hour of audio`,
    `note renders: ${r.noteCache.misses} rendered, ${r.noteCache.hits} reused`,
    `class balance over ${r.windows} windows (active 1 s windows, tracks):`,
  ];
  const width = Math.max(...CLASSES.map((c) => c.label.length));
  for (const c of CLASSES) {
    const e = r.classes[c.label] ?? { tracks: 0, activeWindows: 0 };
    lines.push(`  ${c.label.padEnd(width)}  ${String(e.activeWindows).padStart(7)}  ${String(e.tracks).padStart(5)}`);
  }
  return lines.join("\n") + "\n";
}

function intIn(flag: string, lo: number, hi: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < lo || n > hi) throw new UserError(`Expected ${flag} to be an integer in [${lo}, ${hi}], got "${v}"`);
    return n;
  };
}

function floatIn(flag: string, lo: number, hi: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < lo || n > hi) throw new UserError(`Expected ${flag} in [${lo}, ${hi}], got "${v}"`);
    return n;
  };
}

function sampleRate(v: string): 22050 | 44100 {
  if (v === "22050" || v === "44100") return Number(v) as 22050 | 44100;
  throw new UserError(`Expected --sample-rate 22050 or 44100, got "${v}"`);
}

function list(v: string): string[] {
  const items = v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) throw new UserError(`Expected a comma-separated list, got "${v}"`);
  return items;
}

function styleList(v: string): string[] {
  const items = list(v);
  for (const s of items) {
    if (!ALL_STYLE_NAMES.includes(s)) throw new UserError(`Expected --styles from ${ALL_STYLE_NAMES.join(", ")}, got "${s}"`);
  }
  return items;
}

function voiceList(v: string): string[] {
  const items = list(v);
  for (const s of items) {
    if (!VOICES.some((x) => x.name === s))
      throw new UserError(`Expected --voices from ${VOICES.map((x) => x.name).join(", ")}, got "${s}"`);
  }
  return items;
}
