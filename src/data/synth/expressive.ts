/**
 * Expressive playing (realism element `expressive`, issue 16): string bends, slides, legato and
 * vibrato on guitar leads and solos; natural vibrato on bowed strings, flute, reeds, brass and
 * synth leads. Real guitarists bend by ½–2 semitones and shake the string; a network that only
 * heard fixed-pitch samples reads a bending lead guitar as a cello or a violin.
 *
 * A gesture is a pitch path applied to the note's render by variable-rate playback: the output
 * reads the rendered note at a rate of 2^(cents/1200), which is what a sample-based synthesiser
 * does with MIDI pitch bend and modulation (SF2 2.04 §9.3: pitch is a playback-rate change), so
 * bending a cached render equals rendering the note with a pitch-wheel curve, minus the filter
 * envelope's key tracking (negligible over two semitones).
 */
import type { Rng } from "./rng.js";
import type { Note, PitchGesture } from "./score.js";
import { definedFields } from "../../defined-fields.js";
import { isMelodicRole, type Role } from "./styles.js";

/** Samples per playback-rate update in {@link applyGesture}. */
const RATE_BLOCK = 16;

/** Seconds over which vibrato depth rises from 0 after its delay. */
const VIBRATO_FADE_SEC = 0.2;

/** Pitch offset of a gesture at `t` seconds after onset, cents. */
export function gestureCents(g: PitchGesture, t: number): number {
  let c = 0;
  const pts = g.path;
  if (pts.length > 0) {
    const first = pts[0] as readonly [number, number];
    const last = pts[pts.length - 1] as readonly [number, number];
    if (t <= first[0]) c = first[1];
    else if (t >= last[0]) c = last[1];
    else {
      for (let i = 1; i < pts.length; i++) {
        const [t1, c1] = pts[i] as readonly [number, number];
        if (t <= t1) {
          const [t0, c0] = pts[i - 1] as readonly [number, number];
          c = t1 > t0 ? c0 + ((c1 - c0) * (t - t0)) / (t1 - t0) : c1;
          break;
        }
      }
    }
  }
  const v = g.vibrato;
  if (v !== undefined && t > v.delaySec) {
    const ramp = Math.min(1, (t - v.delaySec) / VIBRATO_FADE_SEC);
    c += ramp * v.depthCents * Math.sin(2 * Math.PI * v.rateHz * (t - v.delaySec));
  }
  return c;
}

/**
 * Plays `x` (a note rendered at its nominal pitch) along the gesture's pitch path: output sample n
 * reads `x` at a position advancing by 2^(cents(n / sr) / 1200) per sample (linear interpolation).
 * Same length as `x`; once the read position passes the end the rest is silence.
 */
export function applyGesture(x: Float32Array, g: PitchGesture, sampleRateHz: number): Float32Array {
  const y = new Float32Array(x.length);
  let pos = 0;
  let rate = 1;
  const last = x.length - 1;
  for (let n = 0; n < x.length; n++) {
    if (pos >= last) break;
    // The rate is updated every RATE_BLOCK samples (0.7 ms at 22.05 kHz): far finer than any
    // gesture moves, and 16× fewer pow() calls.
    if (n % RATE_BLOCK === 0) rate = Math.pow(2, gestureCents(g, (n + RATE_BLOCK / 2) / sampleRateHz) / 1200);
    const i = Math.floor(pos);
    const f = pos - i;
    y[n] = (x[i] as number) * (1 - f) + (x[i + 1] as number) * f;
    pos += rate;
  }
  return y;
}

/** Who plays a part, as far as gestures care. */
export interface GesturePlayer {
  readonly label: string;
  readonly role: Role;
}

/** Labels whose players bend and slide (guitars). */
const BENDERS: ReadonlySet<string> = new Set(["distorted electric guitar", "clean electric guitar"]);
/** Labels played with natural vibrato on held notes, with their [min, max] depth in cents. */
const VIBRATO_DEPTH: Readonly<Record<string, readonly [number, number]>> = {
  violin: [15, 35],
  cello: [15, 35],
  "double bass": [10, 20],
  "string section": [6, 14],
  flute: [10, 25],
  synthesizer: [10, 40],
  "alto saxophone": [10, 30],
  "tenor saxophone": [10, 30],
  clarinet: [5, 12],
  oboe: [10, 25],
  trumpet: [8, 20],
  "french horn": [5, 12],
  trombone: [8, 20],
  harmonica: [10, 30],
};

/**
 * Adds gestures to a part's notes. Guitars: bends (½, 1 or 2 semitones, up and sometimes back
 * down), slides into notes, legato glides between close notes, and wide vibrato on held notes —
 * on lead lines and inside `soloBeats` (the beat ranges of the guitar's solos); chordal guitar
 * parts stay straight. Bowed strings, flute, reeds, brass and synth leads: vibrato on held notes.
 * Returns the notes unchanged (same array) for parts that do neither.
 */
export function addGestures(
  rng: Rng,
  player: GesturePlayer,
  notes: readonly Note[],
  bpm: number,
  soloBeats: readonly (readonly [number, number])[],
): readonly Note[] {
  const secPerBeat = 60 / bpm;
  const melodic = isMelodicRole(player.role);
  const inSolo = (beat: number): boolean => soloBeats.some(([a, b]) => beat >= a && beat < b);
  if (BENDERS.has(player.label)) {
    let prev: Note | undefined;
    return notes.map((n) => {
      const out = melodic || inSolo(n.beat) ? { ...n, ...guitarGesture(rng, n, prev, n.beats * secPerBeat) } : n;
      prev = n;
      return out;
    });
  }
  const depth = VIBRATO_DEPTH[player.label];
  if (depth === undefined || (player.label === "synthesizer" && !melodic)) return notes;
  return notes.map((n) => {
    const sec = n.beats * secPerBeat;
    if (sec < 0.35 || !rng.chance(0.8)) return n;
    return {
      ...n,
      bend: {
        kind: "vibrato",
        path: [],
        vibrato: {
          depthCents: rng.uniform(depth[0], depth[1]),
          rateHz: rng.uniform(4.8, 6.8),
          delaySec: rng.uniform(0.08, Math.min(0.35, sec / 2)),
        },
      },
    };
  });
}

function guitarGesture(rng: Rng, n: Note, prev: Note | undefined, sec: number): { bend?: PitchGesture } {
  const u = rng.next();
  if (sec >= 0.25 && u < 0.35) {
    // A bend up by ½, 1 or 2 semitones, reached in 60-200 ms; sometimes released back down.
    const cents = rng.weighted<number>([
      [50, 1],
      [100, 3],
      [200, 3],
    ]);
    const t0 = rng.uniform(0, Math.min(0.12, sec / 4));
    const t1 = t0 + rng.uniform(0.06, 0.2);
    const path: [number, number][] = [
      [t0, 0],
      [t1, cents],
    ];
    if (sec > t1 + 0.3 && rng.chance(0.35)) path.push([sec - 0.15, cents], [sec - 0.02, 0]);
    const vib =
      sec > t1 + 0.25 && rng.chance(0.5) ? { depthCents: rng.uniform(15, 45), rateHz: rng.uniform(5, 7), delaySec: t1 + 0.05 } : undefined;
    return { bend: { kind: "bend", path, ...definedFields({ vibrato: vib }) } };
  }
  if (u < 0.5) {
    // A slide into the note from 1-5 semitones below (or above).
    const from = rng.int(1, 5) * 100 * (rng.chance(0.8) ? -1 : 1);
    return {
      bend: {
        kind: "slide",
        path: [
          [0, from],
          [rng.uniform(0.04, 0.12), 0],
        ],
      },
    };
  }
  if (prev !== undefined && Math.abs(prev.key - n.key) <= 3 && prev.key !== n.key && n.beat - (prev.beat + prev.beats) < 0.1 && u < 0.7) {
    // Legato (hammer-on / pull-off / short glide) from the previous note's pitch.
    return {
      bend: {
        kind: "legato",
        path: [
          [0, (prev.key - n.key) * 100],
          [rng.uniform(0.01, 0.03), 0],
        ],
      },
    };
  }
  if (sec >= 0.3 && u < 0.9)
    return {
      bend: {
        kind: "vibrato",
        path: [],
        vibrato: { depthCents: rng.uniform(15, 45), rateHz: rng.uniform(5, 7.5), delaySec: rng.uniform(0.05, 0.2) },
      },
    };
  return {};
}

/** Counts of each gesture kind among notes, for the metadata (e.g. `bend 12, vibrato 30`). */
export function gestureSummary(notes: readonly Note[]): string | undefined {
  const counts = new Map<string, number>();
  for (const n of notes) if (n.bend !== undefined) counts.set(n.bend.kind, (counts.get(n.bend.kind) ?? 0) + 1);
  return counts.size === 0 ? undefined : [...counts].map(([k, c]) => `${k} ${c}`).join(", ");
}
