/**
 * Tabla from the CC0 one-shots in Debian's `sonic-pi-samples` (26 strokes, docs/synthetic-data.md §5), played as
 * a sample kit: key 60 + i plays the i-th stroke in alphabetical order (the same key map the
 * notes' tabla SF2 uses). The set is tuned per song (the dayan is tuned to the tonic in real
 * performances) by resampling, which also gives timbre variety. Decoding goes through sox with
 * `-D` (no dither), so it is deterministic.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import type { NoteSource } from "./part-renderer.js";

/** Where sonic-pi-samples installs its samples. */
export const SONIC_PI_SAMPLES = "/usr/share/sonic-pi/samples";

/** Stroke names in key order (key = 60 + index). */
export const TABLA_STROKES = [
  "dhec",
  "ghe1",
  "ghe2",
  "ghe3",
  "ghe4",
  "ghe5",
  "ghe6",
  "ghe7",
  "ghe8",
  "ke1",
  "ke2",
  "ke3",
  "na",
  "na_o",
  "na_s",
  "re",
  "tas1",
  "tas2",
  "tas3",
  "te1",
  "te2",
  "te_m",
  "te_ne",
  "tun1",
  "tun2",
  "tun3",
] as const;

/** A stroke name. */
export type TablaStroke = (typeof TABLA_STROKES)[number];

/** MIDI key of a stroke. */
export function strokeKey(stroke: TablaStroke): number {
  return 60 + TABLA_STROKES.indexOf(stroke);
}

const decoded = new Map<string, Float32Array[]>();

/** Decodes the 26 strokes at `sampleRateHz` (once per process and rate). */
export function loadTablaStrokes(sampleRateHz: number): Float32Array[] {
  const key = String(sampleRateHz);
  let set = decoded.get(key);
  if (set === undefined) {
    set = TABLA_STROKES.map((s) => decodeMono(join(SONIC_PI_SAMPLES, `tabla_${s}.flac`), sampleRateHz));
    decoded.set(key, set);
  }
  return set;
}

/**
 * Decodes any audio file sox reads to mono float32 at `sampleRateHz` (no dither), keeping at most
 * `maxSec` seconds (0, the default: all). The one sox decode of the synth's sample sources
 * (tabla here, sample-sets.ts's players).
 */
export function decodeMono(path: string, sampleRateHz: number, maxSec = 0): Float32Array {
  if (!existsSync(path)) {
    throw new UserError(`tabla samples not found: ${path} (apt-get install --no-install-recommends sonic-pi-samples)`);
  }
  const raw = execFileSync(
    "sox",
    // -V1: errors only. 6 dB of headroom: speech synthesisers write near full scale and the
    // resampler's overshoot would clip (levels are normalised when mixing anyway).
    [
      "-V1",
      "-D",
      path,
      "-t",
      "raw",
      "-e",
      "floating-point",
      "-b",
      "32",
      "-L",
      "-c",
      "1",
      "-",
      ...(maxSec > 0 ? ["trim", "0", String(maxSec)] : []),
      "gain",
      "-6",
      "rate",
      "-v",
      String(sampleRateHz),
    ],
    { maxBuffer: 1 << 29, stdio: ["ignore", "pipe", "pipe"] },
  );
  const out = new Float32Array(raw.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = raw.readFloatLE(i * 4);
  return out;
}

/** Resamples by `ratio` (> 1 raises pitch and shortens) with linear interpolation. */
export function repitch(x: Float32Array, ratio: number): Float32Array {
  if (ratio === 1) return x;
  const n = Math.max(1, Math.floor((x.length - 1) / ratio));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * ratio;
    const k = Math.floor(t);
    const f = t - k;
    out[i] = (x[k] as number) * (1 - f) + (x[Math.min(k + 1, x.length - 1)] as number) * f;
  }
  return out;
}

/** A tabla kit tuned `semitones` away from the recorded pitch. */
export function tablaSource(sampleRateHz: number, semitones: number): NoteSource {
  const strokes = loadTablaStrokes(sampleRateHz);
  const ratio = Math.pow(2, semitones / 12);
  return {
    id: `tabla:sonic-pi:${semitones.toFixed(2)}:${sampleRateHz}`,
    velocityLayers: false,
    fixedHoldSec: 0,
    render(key: number): Float32Array {
      const s = strokes[key - 60];
      if (s === undefined) throw new Error(`tabla key ${key} out of range 60..${59 + TABLA_STROKES.length}`);
      return repitch(s, ratio);
    },
  };
}
