/**
 * The corpus driver behind `timbrescope synth`: artists, songs, rendering and writing, with a
 * progress bar, and a report of speed (× real time per CPU second), size and class balance.
 *
 * Track k of a corpus depends only on (seed, k, options): its artist comes from
 * `artistOfTracks`, its randomness from the stream `synth/<seed>/track/<k>`. Same seed and
 * options give byte-identical files.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { log } from "../../log.js";
import { CLASSES, CLASS_INDEX_BY_LABEL } from "../classes.js";
import { classActiveWindows, labelWindows } from "../labels.js";
import type { ProgressFactory } from "../../progress.js";
import { artistBlocks, featuredClass, makeArtist, type Artist, type ArtistBlock } from "./artists.js";
import { NoteCache } from "./note-cache.js";
import { Rng } from "./rng.js";
import { composeSong } from "./song.js";
import { espeakAvailable, festivalAvailable } from "./singer-engines.js";
import { VOICES } from "./singer.js";
import { defaultBankNames, resolveBanks } from "./soundbanks.js";
import { SONIC_PI_SAMPLES } from "./tabla.js";
import { corpusStyles, requireStyles } from "./styles-extra.js";
import { formatRealism, NO_REALISM, type Realism } from "./realism.js";
import { cabinetIds, GUITARIX_PKG } from "./cabinets.js";
import { requireSampleSets } from "./sample-sets.js";
import { renderTrack, type RenderContext } from "./track.js";
import { definedFields } from "../../defined-fields.js";

/** Generator version written to every metadata file. */
export const SYNTH_VERSION = "1";

/** Options of {@link generateCorpus}. */
export interface CorpusOptions {
  readonly outDir: string;
  /** Number of tracks (>= 1). */
  readonly tracks: number;
  /** Corpus seed (integer). */
  readonly seed: number;
  /** Mean song length in minutes (each song lands within about ±25 %). Default 3. */
  readonly minutesPerTrack: number;
  /** Sound bank names or .sf2/.sf3 paths (soundbanks.ts); empty = the installed defaults. */
  readonly soundfonts: readonly string[];
  /** 22050 (default; the analysis rate) or 44100 (MedleyDB's rate). */
  readonly sampleRateHz: 22050 | 44100;
  /** Also write every stem (needed only to recompute annotations). Default false. */
  readonly keepStems: boolean;
  /** Restrict styles; empty = all. */
  readonly styles: readonly string[];
  /** Restrict singer voices (metadata names); empty = all. */
  readonly voices: readonly string[];
  /** Index of the first track (to extend a corpus, or split work across processes). Default 0. */
  readonly firstTrack: number;
  /** Reports one tick per track (the CLI passes its progress bar). Default: none. */
  readonly progress?: ProgressFactory;
  /** Realism elements switched on (realism.ts). Default {@link NO_REALISM}: the earlier recipe. */
  readonly realism?: Realism;
}

/** What a corpus run produced. */
export interface CorpusReport {
  readonly tracks: number;
  readonly audioSeconds: number;
  readonly bytes: number;
  readonly wallSeconds: number;
  /** user + system CPU seconds of this process and its finished children (espeak, Festival, sox). */
  readonly cpuSeconds: number;
  /** Audio seconds produced per CPU second. */
  readonly realtimePerCpu: number;
  /** Active 1 s windows and tracks per class label. */
  readonly classes: Readonly<Record<string, { readonly tracks: number; readonly activeWindows: number }>>;
  readonly windows: number;
  readonly noteCache: { readonly hits: number; readonly misses: number };
}

/** Generates a corpus. */
export async function generateCorpus(opts: CorpusOptions): Promise<CorpusReport> {
  const bankNames = opts.soundfonts.length > 0 ? opts.soundfonts : defaultBankNames();
  const banks = resolveBanks(bankNames);
  const voices = usableVoices(opts.voices);
  const gm = banks.filter((b) => b.kind === "gm").map((b) => b.name);
  const kits = banks.filter((b) => b.kind === "kit").map((b) => b.name);
  const avoid = new Map(banks.flatMap((b) => (b.avoid === undefined ? [] : [[b.name, b.avoid] as const])));
  const realism = opts.realism ?? NO_REALISM;
  requireStyles(opts.styles, realism);
  // `sampled` needs its recorded sets installed: one line says what to run when they are not.
  const sampled = realism.sampled ? requireSampleSets(cabinetIds, GUITARIX_PKG) : undefined;
  const ctx: RenderContext = { sampleRateHz: opts.sampleRateHz, banks, cache: new NoteCache(), voices: new Map(), realism };
  const t0 = Date.now();
  const cpu0 = cpuSeconds();
  const blocks = artistBlocks(opts.seed, opts.firstTrack + opts.tracks);
  const blockOf = (k: number): ArtistBlock => blocks.find((b) => k >= b.first && k < b.first + b.size) as ArtistBlock;
  const artists = new Map<number, Artist>();
  const counts = CLASSES.map(() => ({ tracks: 0, activeWindows: 0 }));
  let audioSeconds = 0;
  let bytes = 0;
  let windows = 0;
  const bar = opts.progress?.("synth", opts.tracks, "tracks");
  for (let k = opts.firstTrack; k < opts.firstTrack + opts.tracks; k++) {
    const block = blockOf(k);
    let artist = artists.get(block.artist);
    if (artist === undefined) {
      artist = makeArtist(block, {
        seed: opts.seed,
        gmBanks: gm,
        styles: opts.styles,
        voices,
        stylePool: corpusStyles(realism.extra, realism.sparse, realism.tones),
      });
      artists.set(block.artist, artist);
    }
    const rng = new Rng(`synth/${opts.seed}/track/${k}`);
    const song = composeSong(rng, artist, {
      minutes: opts.minutesPerTrack,
      banks: { gm, kits, avoid, ...definedFields({ sampled }) },
      featured: [featuredClass(opts.seed, k), ...(artist.signature === undefined ? [] : [artist.signature])],
      realism,
      seedKey: `synth/${opts.seed}/track/${k}`,
    });
    const title = `T${String(k).padStart(5, "0")}`;
    const result = await renderTrack(ctx, song, {
      outDir: opts.outDir,
      artist: artist.name,
      title,
      keepStems: opts.keepStems,
      seedKey: `synth/${opts.seed}/track/${k}`,
      synth: {
        generator: `timbrescope synth v${SYNTH_VERSION}`,
        seed: opts.seed,
        track_index: k,
        style: song.style,
        bpm: song.bpm,
        meter: `${song.beatsPerBar}/4`,
        key: `${PC_NAMES[song.tonicPc] ?? "?"} ${song.mode}`,
        swing: Number(song.swing.toFixed(3)),
        form: song.sections.map((s) => `${s.kind}:${s.bars}`),
        ending: song.fadeOutSec > 0 ? `fade-out ${song.fadeOutSec.toFixed(1)} s` : "final chord",
        soundfonts: bankNames.join(","),
        ...(realism === NO_REALISM ? {} : { realism: formatRealism(realism) }),
      },
    });
    audioSeconds += result.seconds;
    bytes += result.bytes;
    // Class balance as the reader will see it: the paper's 1 s rule on the written table.
    const stems = [...result.stemLabels].map(([key, label]) => ({
      key,
      rawLabels: [label],
      classIndices: [CLASS_INDEX_BY_LABEL.get(label) ?? -1].filter((c) => c >= 0),
    }));
    const labels = labelWindows(result.lab, stems, { maxWindows: result.seconds });
    windows += labels.nWindows;
    classActiveWindows(labels).forEach((n, c) => {
      const entry = counts[c];
      if (entry !== undefined && n > 0) {
        entry.tracks++;
        entry.activeWindows += n;
      }
    });
    bar?.tick(1, result.id);
  }
  const cpu = cpuSeconds() - cpu0;
  const wallSeconds = (Date.now() - t0) / 1000;
  bar?.done();
  return {
    tracks: opts.tracks,
    audioSeconds,
    bytes,
    wallSeconds,
    cpuSeconds: cpu,
    realtimePerCpu: audioSeconds / Math.max(cpu, 1e-9),
    classes: Object.fromEntries(CLASSES.map((c, i) => [c.label, counts[i] ?? { tracks: 0, activeWindows: 0 }])),
    windows,
    noteCache: { hits: ctx.cache.hits, misses: ctx.cache.misses },
  };
}

/**
 * Checks the external tools before any work (one clear message instead of a failure mid-corpus):
 * sox + espeak-ng and the sonic-pi tabla samples are required; without Festival the male singers
 * are espeak-ng voices only. Returns the voice names to use (empty = all).
 */
function usableVoices(wanted: readonly string[]): string[] {
  const missing: string[] = [];
  if (!espeakAvailable()) missing.push("sox espeak-ng");
  if (!existsSync(join(SONIC_PI_SAMPLES, "tabla_na.flac"))) missing.push("sonic-pi-samples");
  if (missing.length > 0) throw new UserError(`synth needs Debian packages: apt-get install --no-install-recommends ${missing.join(" ")}`);
  if (festivalAvailable()) return [...wanted];
  const espeak = VOICES.filter((v) => v.engine === "espeak").map((v) => v.name);
  const kept = wanted.length === 0 ? espeak : wanted.filter((v) => espeak.includes(v));
  if (wanted.length > 0 && kept.length === 0) {
    throw new UserError(
      "--voices: the Festival voice needs festival and festvox-kallpc16k (apt-get install --no-install-recommends festival festvox-kallpc16k)",
    );
  }
  log.warn(
    "Festival not found: male singers use espeak-ng voices only (apt-get install --no-install-recommends festival festvox-kallpc16k)",
  );
  return kept;
}

/**
 * CPU seconds (user + system) of this process plus its waited-for children: the singers and
 * decoders run as child processes, and a per-core speed figure must count them. Linux
 * /proc/self/stat fields 14-17 (utime, stime, cutime, cstime) in clock ticks (USER_HZ = 100 on
 * every Linux ABI); elsewhere only this process (process.cpuUsage).
 */
export function cpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(fields[i]), 0);
    if (Number.isFinite(ticks)) return ticks / 100;
  } catch {
    // not Linux
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const PC_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
