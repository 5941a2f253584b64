/**
 * Sung syllables from Debian-main speech synthesisers (docs/synthetic-data.md §6):
 *
 * - espeak-ng, male and female: espeak ignores SSML pitch, so each pitch gets its own voice
 *   variant with a flat pitch line (`pitch N N`, asking f0 + 9 Hz because it lands 9 Hz flat),
 *   built on one of espeak's m1..m7 / f1..f5 formant variants. The variants live in a private
 *   copy of espeak-ng-data made of symlinks plus our variant files (no 13 MB copy).
 * - Festival singing mode (`text2wave -mode singing`), male `kal_diphone`: all pitches of one
 *   syllable in one call (~0.4 s), sliced at known times (BPM 50 makes a beat one second).
 *
 * Both return the raw syllable at the requested rate, decoded by sox without dither, so the same
 * request always yields the same samples.
 */
import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { samplePeak } from "./mix.js";
import { decodeMono } from "./tabla.js";
import { midiToHz } from "./theory.js";

let espeakRoot: string | undefined;
let espeakData: string | undefined;
let workDir: string | undefined;

/** A private scratch folder for this process, removed at exit. */
function scratch(): string {
  if (workDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "timbrescope-singer-"));
    workDir = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

/** Whether a program runs (`<name> <args>` exits 0). */
function runs(name: string, args: readonly string[]): boolean {
  try {
    execFileSync(name, [...args], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether Festival's `text2wave` and the kal voice are installed. */
export function festivalAvailable(): boolean {
  return runs("text2wave", ["-h"]) && existsSync("/usr/share/festival/voices/english/kal_diphone");
}

/** Whether espeak-ng and sox run (sox also decodes the tabla samples and resamples singers). */
export function espeakAvailable(): boolean {
  return runs("espeak-ng", ["--version"]) && runs("sox", ["--version"]);
}

/** espeak-ng's data folder, from `espeak-ng --version` ("Data at: ..."). */
function systemEspeakData(): string {
  if (espeakData === undefined) {
    let text: string;
    try {
      text = execFileSync("espeak-ng", ["--version"], { encoding: "utf8" });
    } catch {
      throw new UserError("singers need espeak-ng (apt-get install --no-install-recommends espeak-ng)");
    }
    const m = /Data at:\s*(\S+)/.exec(text);
    espeakData = m?.[1] ?? "/usr/lib/x86_64-linux-gnu/espeak-ng-data";
  }
  return espeakData;
}

/** Our espeak --path folder: symlinks to the system data, with a writable voices/!v. */
function espeakPath(): string {
  if (espeakRoot === undefined) {
    const sys = systemEspeakData();
    const root = join(scratch(), "espeak");
    const data = join(root, "espeak-ng-data");
    mkdirSync(join(data, "voices", "!v"), { recursive: true });
    for (const e of readdirSync(sys)) if (e !== "voices") symlinkSync(join(sys, e), join(data, e));
    for (const e of readdirSync(join(sys, "voices"))) if (e !== "!v") symlinkSync(join(sys, "voices", e), join(data, "voices", e));
    espeakRoot = root;
  }
  return espeakRoot;
}

/**
 * Writes the espeak variant that sings at a flat pitch of MIDI `key` on variant `base`. One file,
 * rewritten before every (synchronous) call: espeak lists every variant file when it starts and
 * warns past 350 voices, so per-pitch files must not pile up.
 */
function pitchVariant(base: string, key: number): string {
  const root = espeakPath();
  const name = "ts-sing";
  const src = readFileSync(join(systemEspeakData(), "voices", "!v", base), "utf8");
  // espeak-ng 1.51 lands a constant ~9 Hz below a flat `pitch N N` (measured 80-700 Hz with a
  // harmonic-sum pitch estimate), so ask for 9 Hz more.
  const hz = Math.round(midiToHz(key) + ESPEAK_PITCH_OFFSET_HZ);
  const lines = src.split("\n").filter((l) => !/^\s*(pitch|name)\b/.test(l));
  writeFileSync(join(root, "espeak-ng-data", "voices", "!v", name), [`name ${name}`, ...lines, `pitch ${hz} ${hz}`, ""].join("\n"));
  return name;
}

/** Child process output is kept off the terminal (stderr is still in the error on failure). */
const QUIET: ExecFileSyncOptions = { stdio: ["ignore", "pipe", "pipe"] };

/** espeak's f0 sits this far below the variant's pitch. */
const ESPEAK_PITCH_OFFSET_HZ = 9;

/** Pause between syllables of one espeak call, and the shortest gap that separates syllables. */
const ESPEAK_BREAK_MS = 500;
const SEGMENT_GAP_SEC = 0.25;

/**
 * Sings each of `syllables` at MIDI `key` with espeak variant `base` (e.g. `f2`, `m3`) in ONE
 * espeak call (SSML breaks between them), split at the pauses. Falls back to one call per
 * syllable if the split does not find exactly one segment per syllable.
 */
export function espeakSyllables(base: string, syllables: readonly string[], key: number, sampleRateHz: number): Float32Array[] {
  const root = espeakPath();
  const voice = `en-us+${pitchVariant(base, key)}`;
  const out = join(scratch(), `${voice}.wav`);
  const ssml = `<speak>${syllables.join(`<break time="${ESPEAK_BREAK_MS}ms"/>`)}</speak>`;
  execFileSync("espeak-ng", [`--path=${root}`, "-v", voice, "-s", "90", "-z", "-m", "-w", out, ssml], QUIET);
  const audio = readEspeakWav(out, sampleRateHz);
  const segments = splitAtPauses(audio, Math.round(SEGMENT_GAP_SEC * sampleRateHz));
  if (segments.length === syllables.length) return segments;
  return syllables.map((syl) => {
    execFileSync("espeak-ng", [`--path=${root}`, "-v", voice, "-s", "90", "-z", "-w", out, syl], QUIET);
    return readEspeakWav(out, sampleRateHz);
  });
}

/** espeak writes 16-bit mono WAV at 22050 Hz: parse it directly; other rates go through sox. */
function readEspeakWav(path: string, sampleRateHz: number): Float32Array {
  const buf = readFileSync(path);
  const pcm = parseWav16Mono(buf);
  if (pcm === undefined || pcm.rate !== sampleRateHz) return decodeMono(path, sampleRateHz);
  return pcm.samples;
}

/** Minimal parser for 16-bit PCM mono WAV; undefined for anything else. */
export function parseWav16Mono(buf: Buffer): { rate: number; samples: Float32Array } | undefined {
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") return undefined;
  let pos = 12;
  let rate = 0;
  let ok = false;
  while (pos + 8 <= buf.length) {
    const id = buf.toString("ascii", pos, pos + 4);
    let size = buf.readUInt32LE(pos + 4);
    if (id === "fmt ") {
      ok = buf.readUInt16LE(pos + 8) === 1 && buf.readUInt16LE(pos + 10) === 1 && buf.readUInt16LE(pos + 22) === 16;
      rate = buf.readUInt32LE(pos + 12);
    } else if (id === "data") {
      if (!ok) return undefined;
      // Streamed WAVs may carry a placeholder size: clamp to what is there.
      size = Math.min(size, buf.length - pos - 8);
      const n = Math.floor(size / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(pos + 8 + 2 * i) / 32768;
      return { rate, samples };
    }
    pos += 8 + size + (size % 2);
  }
  return undefined;
}

/** Splits at silent gaps of at least `minGap` samples (silence: 5 ms blocks 40 dB below the peak). */
export function splitAtPauses(x: Float32Array, minGap: number): Float32Array[] {
  const block = Math.max(1, Math.round(minGap / 50));
  const thr = samplePeak(x) * 0.01;
  const segments: Float32Array[] = [];
  let start = -1;
  let lastLoud = -1;
  for (let b = 0; b * block < x.length; b++) {
    let loud = false;
    for (let i = b * block; i < Math.min(x.length, (b + 1) * block); i++) if (Math.abs(x[i] as number) > thr) loud = true;
    const pos = b * block;
    if (loud) {
      if (start < 0) start = pos;
      lastLoud = pos + block;
    } else if (start >= 0 && pos - lastLoud >= minGap) {
      segments.push(x.slice(Math.max(0, start - block), Math.min(x.length, lastLoud + block)));
      start = -1;
    }
  }
  if (start >= 0) segments.push(x.slice(Math.max(0, start - block), Math.min(x.length, lastLoud + block)));
  return segments;
}

/** Seconds per note slot in a Festival batch, and the sung part of it. */
const FEST_SLOT_SEC = 1.25;
const FEST_NOTE_SEC = 1.0;

/**
 * Sings every (syllable, key) pair with Festival's singing mode in ONE call (BPM 50 makes a beat
 * one second, so note i starts at i·FEST_SLOT_SEC); returns one signal per pair at `sampleRateHz`.
 */
export function festivalSyllables(items: readonly { readonly syl: string; readonly key: number }[], sampleRateHz: number): Float32Array[] {
  const xml = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE SINGING PUBLIC "-//SINGING//DTD SINGING mark up//EN" "Singing.v0_1.dtd" []>',
    '<SINGING BPM="50">',
    // FREQ rather than NOTE: NOTE= sounds an octave low (docs/synthetic-data.md §6).
    ...items.map(
      ({ syl, key }) =>
        `<PITCH FREQ="${midiToHz(key).toFixed(2)}"><DURATION BEATS="${FEST_NOTE_SEC}">${syl}</DURATION></PITCH>` +
        `<REST BEATS="${(FEST_SLOT_SEC - FEST_NOTE_SEC).toFixed(2)}"></REST>`,
    ),
    "</SINGING>",
  ].join("\n");
  const dir = scratch();
  const xmlPath = join(dir, "fest.xml");
  const wavPath = join(dir, "fest.wav");
  writeFileSync(xmlPath, xml);
  try {
    execFileSync("text2wave", ["-mode", "singing", xmlPath, "-o", wavPath], { stdio: ["ignore", "ignore", "pipe"] });
  } catch {
    throw new UserError(
      "the Festival singer needs festival and festvox-kallpc16k (apt-get install --no-install-recommends festival festvox-kallpc16k)",
    );
  }
  const all = decodeMono(wavPath, sampleRateHz);
  const slot = Math.round(FEST_SLOT_SEC * sampleRateHz);
  return items.map((_, i) => all.slice(i * slot, Math.min(all.length, (i + 1) * slot)));
}
