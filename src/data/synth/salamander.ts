/**
 * A piano sample player over the Salamander Grand Piano V3 recordings (a Yamaha C5, sample-sets.ts
 * for source and licence). Salamander sampled every third semitone (A0, C1, D#1, F#1, A1, ... C8:
 * 30 notes) at 16 velocities; we use the five layers of {@link SALAMANDER_LAYERS}.
 *
 * - Pitch: the nearest sampled note, resampled by 2^(d/12) with |d| <= 1 semitone (a sampled note
 *   every 3 semitones), the way hardware samplers and SFZ players fill the gaps: the attack and
 *   decay get 6 % shorter or longer, which is within the spread of real pianos.
 * - Velocity: Salamander layer n was recorded for MIDI velocities (8n - 8, 8n]; a note plays the
 *   nearest of our layers and is scaled by velocity / layer centre, so loudness moves smoothly
 *   between the recorded steps while the timbre (brightness) steps with the layers.
 * - Note-off: the damper stops the string with a fast exponential decay (0.25 s time constant in
 *   the bass to 0.08 s in the treble); the top keys (G6 and up) have no dampers on a grand piano
 *   and ring out whatever the note length.
 * Samples are decoded at most {@link SALAMANDER_MAX_SEC} long (the low notes ring for 25 s; the
 * tail beyond is inaudible under a song), which keeps a whole decoded set near 100 MB at 22.05 kHz.
 */
import { join } from "node:path";
import type { NoteSource } from "./part-renderer.js";
import { decodeSample, repitchPrefix, SALAMANDER_LAYERS } from "./sample-sets.js";

/** Lowest and highest sampled MIDI keys (A0, C8); sampled keys are every 3 semitones from A0. */
export const SALAMANDER_LOW = 21;
export const SALAMANDER_HIGH = 108;
/** Longest stretch of a sample that is decoded, seconds. */
export const SALAMANDER_MAX_SEC = 12;
/** First key without a damper (G6): it rings after note-off. */
const UNDAMPED_FROM = 91;
/** Fade over the end of a decoded sample that was cut at SALAMANDER_MAX_SEC, seconds. */
const END_FADE_SEC = 0.3;

const PC_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

/** The sampled key nearest to `key` (ties go down), clamped to A0..C8. */
export function nearestSampledKey(key: number): number {
  const steps = Math.round((key - SALAMANDER_LOW) / 3 - 1e-9);
  return Math.min(SALAMANDER_HIGH, Math.max(SALAMANDER_LOW, SALAMANDER_LOW + 3 * steps));
}

/** The Salamander layer (1..16) a MIDI velocity belongs to. */
export function salamanderLayerOf(velocity: number): number {
  return Math.min(16, Math.max(1, Math.ceil(velocity / 8)));
}

/** The used layer nearest to a MIDI velocity's own layer (ties go to the louder one). */
export function usedLayerFor(velocity: number): number {
  const want = salamanderLayerOf(velocity);
  let best = SALAMANDER_LAYERS[0] as number;
  for (const l of SALAMANDER_LAYERS) if (Math.abs(l - want) <= Math.abs(best - want)) best = l;
  return best;
}

/** File name of a sampled key and layer, e.g. 63, 10 -> `D#4v10.ogg` (C4 = MIDI 60). */
export function salamanderFile(sampledKey: number, layer: number): string {
  return `${PC_NAMES[sampledKey % 12] ?? "?"}${Math.floor(sampledKey / 12) - 1}v${layer}.ogg`;
}

/** Damper release time constant of a key, seconds (longer in the bass). */
export function releaseTauSec(key: number): number {
  const t = Math.min(1, Math.max(0, (key - SALAMANDER_LOW) / (88 - SALAMANDER_LOW)));
  return 0.25 + (0.08 - 0.25) * t;
}

/**
 * The Salamander note source: `dir` holds the `piano-velocityN` package folders
 * (`<cache>/node_modules/@audio-samples`), `set` is the set name used in cache keys.
 */
export function salamanderSource(dir: string, set: string, sampleRateHz: number): NoteSource {
  const sr = sampleRateHz;
  return {
    id: `smp:${set}:${sr}`,
    velocityLayers: true,
    fixedHoldSec: undefined,
    render(key: number, velocity: number, holdSamples: number): Float32Array {
      const sampled = nearestSampledKey(key);
      const layer = usedLayerFor(velocity);
      const path = join(dir, `piano-velocity${layer}`, "audio", salamanderFile(sampled, layer));
      const sample = decodeSample(path, sr, SALAMANDER_MAX_SEC);
      const ratio = Math.pow(2, (key - sampled) / 12);
      const gain = velocity / (8 * layer - 4);
      const cutAtMax = sample.length >= Math.floor(SALAMANDER_MAX_SEC * sr) - 1;
      const tauSamples = key >= UNDAMPED_FROM ? Infinity : releaseTauSec(key) * sr;
      // Only the part that sounds is resampled: held length plus the damped tail (60 dB down).
      const full = Math.max(1, Math.floor((sample.length - 1) / ratio));
      const len = Number.isFinite(tauSamples) ? Math.min(full, holdSamples + Math.ceil(6.9 * tauSamples)) : full;
      const x = repitchPrefix(sample, ratio, len);
      return shapeNote(x, { gain, holdSamples, tauSamples, endFadeSamples: cutAtMax && len === full ? Math.round(END_FADE_SEC * sr) : 0 });
    },
  };
}

/** Gain, note-off decay and end fade of one note, in place. */
function shapeNote(x: Float32Array, o: { gain: number; holdSamples: number; tauSamples: number; endFadeSamples: number }): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const decay = i < o.holdSamples ? 1 : Math.exp(-(i - o.holdSamples) / o.tauSamples);
    x[i] = o.gain * decay * (x[i] as number);
  }
  const fadeFrom = x.length - o.endFadeSamples;
  for (let i = Math.max(0, fadeFrom); i < x.length; i++) x[i] = (x[i] as number) * ((x.length - i) / o.endFadeSamples);
  return x;
}
