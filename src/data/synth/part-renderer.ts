/**
 * Turns a part's notes into a dry mono stem by overlap-adding cached single-note renders.
 *
 * - Velocity: SoundFonts switch samples and filter settings by velocity, so notes are rendered at
 *   the nearest of a few velocity layers and the remaining difference becomes a gain (keeps the
 *   number of distinct renders small while velocities stay humanised).
 * - Monophonic parts (bass, winds, singers): a note cuts the previous note's tail with a short
 *   fade, as a real player or singer would.
 * - Choke keys (hi-hat open/closed/pedal): a hit cuts the ringing of the previous one in the group.
 */
import { applyGesture } from "./expressive.js";
import type { NoteCache } from "./note-cache.js";
import type { Note, Part } from "./score.js";

/** Produces single notes for one part. */
export interface NoteSource {
  /** Identifies source and preset in cache keys, e.g. `sf:fluidr3:0:33:22050`. */
  readonly id: string;
  /** Velocity changes the timbre (render per velocity layer) rather than just the level. */
  readonly velocityLayers: boolean;
  /** Held length in seconds for every note when the source ignores note lengths (drums). */
  readonly fixedHoldSec: number | undefined;
  /** Renders one note (mono, at the song's sample rate). */
  render(key: number, velocity: number, holdSamples: number, syllable: string | undefined): Float32Array;
}

/** Velocity layers notes are rendered at. */
const VELOCITY_LAYERS = [24, 40, 56, 72, 88, 104, 120];
/** Fade applied where a note's tail is cut by the next note, seconds. */
const CUT_FADE_SEC = 0.03;

/** Timing of the song, as the part renderer needs it. */
export interface PartTiming {
  readonly bpm: number;
  readonly leadInSec: number;
  readonly sampleRateHz: number;
  /** Length of the output in samples; notes beyond it are dropped, tails clipped. */
  readonly totalSamples: number;
}

/** Renders `part` with `source`, caching notes in `cache`. */
export function renderPart(part: Part, source: NoteSource, timing: PartTiming, cache: NoteCache): Float32Array {
  const sr = timing.sampleRateHz;
  const out = new Float32Array(timing.totalSamples);
  const secPerBeat = 60 / timing.bpm;
  const notes = [...part.notes].sort((a, b) => a.beat - b.beat || a.key - b.key);
  const starts = notes.map((n) => Math.round((timing.leadInSec + n.beat * secPerBeat) * sr));
  const fade = Math.round(CUT_FADE_SEC * sr);
  const choke = new Set(part.chokeKeys);
  for (let i = 0; i < notes.length; i++) {
    const note = notes[i] as Note;
    const start = starts[i] as number;
    if (start < 0 || start >= out.length) continue;
    const hold =
      source.fixedHoldSec !== undefined ? Math.round(source.fixedHoldSec * sr) : Math.max(1, Math.round(note.beats * secPerBeat * sr));
    const layer = source.velocityLayers ? nearestLayer(note.vel) : 100;
    // Level follows velocity roughly as the SF2 default velocity curve does near a layer.
    const gain = Math.pow(note.vel / layer, source.velocityLayers ? 1.5 : 2);
    const key = `${source.id}|${note.key}|${layer}|${hold}|${note.syl ?? ""}`;
    const plainBuf = cache.get(key, () => source.render(note.key, layer, hold, note.syl));
    // A gesture bends the cached render by variable-rate playback (expressive.ts); not cached.
    const buf = note.bend === undefined ? plainBuf : applyGesture(plainBuf, note.bend, sr);
    let stop = cutPoint(notes, starts, i, part.mono, choke) - start;
    let len = Math.min(buf.length, out.length - start);
    let fadeFrom = len;
    if (stop < len) {
      stop = Math.max(stop, 1);
      fadeFrom = stop;
      len = Math.min(len, stop + fade);
    }
    const plain = Math.min(len, fadeFrom);
    for (let k = 0; k < plain; k++) out[start + k] = (out[start + k] as number) + gain * (buf[k] as number);
    for (let k = plain; k < len; k++) {
      const w = 1 - (k - fadeFrom + 1) / (len - fadeFrom + 1);
      out[start + k] = (out[start + k] as number) + gain * w * (buf[k] as number);
    }
  }
  return out;
}

/** Sample where note i must stop sounding (next onset for mono parts and choke groups), or +Infinity. */
function cutPoint(notes: readonly Note[], starts: readonly number[], i: number, mono: boolean, choke: ReadonlySet<number>): number {
  const start = starts[i] as number;
  const note = notes[i] as Note;
  const chokes = choke.has(note.key);
  if (!mono && !chokes) return Infinity;
  for (let j = i + 1; j < notes.length; j++) {
    const s = starts[j] as number;
    if (s <= start) continue; // chord tones / simultaneous hits never cut each other
    if (mono || choke.has((notes[j] as Note).key)) return s;
  }
  return Infinity;
}

function nearestLayer(vel: number): number {
  let best = VELOCITY_LAYERS[0] as number;
  for (const l of VELOCITY_LAYERS) if (Math.abs(l - vel) < Math.abs(best - vel)) best = l;
  return best;
}
