/**
 * The score of one synthetic song: its form and harmony, and one part per stem with notes in
 * beats. Generation (form, styles, patterns, arrangement) produces a `Song`; rendering turns each
 * part into audio. Times are in beats so that note lengths are exact multiples of the grid, which
 * is what lets the renderer reuse one rendering of each distinct note (see note-renderer.ts).
 */
import type { Role } from "./styles.js";
import type { Chord, ModeName } from "./theory.js";

/** Section kinds of a song form. */
export type SectionKind = "intro" | "verse" | "prechorus" | "chorus" | "solo" | "bridge" | "break" | "outro";

/** One section of the form. */
export interface Section {
  readonly kind: SectionKind;
  /** First bar (0-based, from the song's first bar). */
  readonly startBar: number;
  readonly bars: number;
  /** One chord per bar. */
  readonly chords: readonly Chord[];
  /** 0 (sparse, quiet) .. 1 (full, loud): drives density, velocity and who plays. */
  readonly energy: number;
  /** Index of the melody/riff material (sections with equal `theme` repeat the same lines). */
  readonly theme: number;
}

/** A pitch gesture on one note, in time from the note's onset. */
export interface PitchGesture {
  /** What a player does, for the metadata: `bend`, `slide`, `legato` or `vibrato`. */
  readonly kind: "bend" | "slide" | "legato" | "vibrato";
  /** Pitch offset breakpoints `[sec, cents]`, linear in between, held after the last (empty = 0). */
  readonly path: readonly (readonly [number, number])[];
  /** Vibrato: peak depth (cents), rate (Hz) and delay (s) after which it fades in over 0.2 s. */
  readonly vibrato?: { readonly depthCents: number; readonly rateHz: number; readonly delaySec: number };
}

/** One note (or drum hit). */
export interface Note {
  /** Onset in beats from the song's first bar; may carry a small humanising offset. */
  readonly beat: number;
  /** Length in beats (held length before the release). Kept on the grid: see file comment. */
  readonly beats: number;
  /** MIDI key (a drum key for kits; the bol index key for tabla). */
  readonly key: number;
  /** MIDI velocity 1..127. */
  readonly vel: number;
  /** Sung syllable (singer parts only). */
  readonly syl?: string;
  /** Bend, slide, legato or vibrato (realism element `expressive`; expressive.ts). */
  readonly bend?: PitchGesture;
}

/** What produces a part's sound. */
export type SoundSource =
  | {
      readonly kind: "soundfont";
      /** Name of the sound bank (see soundbanks.ts), recorded in the metadata. */
      readonly bank: string;
      /** MIDI bank number (0 melodic, 8 variations, 128 drum kits). */
      readonly bankNumber: number;
      /** GM program (0-based). */
      readonly program: number;
      readonly drums: boolean;
    }
  | { readonly kind: "tabla"; readonly set: string }
  | { readonly kind: "singer"; readonly voice: string }
  | {
      /** A sample player over real recordings (realism element `sampled`; sample-sets.ts). */
      readonly kind: "sampler";
      /** Name of the sample set (sample-sets.ts), recorded in the metadata. */
      readonly set: string;
      /** Per-part seed, 0..2^31-1, of choices made while rendering (kit pieces, strum slides). */
      readonly variant: number;
    };

/** How a stem is processed before mixing (all drawn at random per stem; see effects.ts). */
export interface StemFx {
  /** Mixing gain in dB applied after the stem is normalised to a common RMS. */
  readonly gainDb: number;
  /** Pan position -1 (left) .. 1 (right), constant-power law. */
  readonly pan: number;
  /** Peaking EQ bands: centre Hz, gain dB, Q. */
  readonly eq: readonly { readonly hz: number; readonly db: number; readonly q: number }[];
  /** High-pass corner Hz (0 = off). */
  readonly highPassHz: number;
  /** Low-pass corner Hz (0 = off); sometimes 8 kHz so "nothing above 8 kHz" is no singer cue. */
  readonly lowPassHz: number;
  /** Waveshaper drive (0 = off); used on distorted guitar, sometimes on bass/organ. */
  readonly drive: number;
  /** Through the high-gain amp + cabinet (effects.ts ampCabinet) with `drive` setting its gain. Default false. */
  readonly amp?: boolean;
  /** The amp's input gain in dB, overriding the one `drive` maps to (realism element `tones`). Absent = from `drive`. */
  readonly ampGainDb?: number;
  /** Low-pass corner (Hz) before the amp: the guitar's tone knob or neck pickup (element `tones`). Absent = off. */
  readonly toneHz?: number;
  /** A sustainer (compressor pedal) first in the chain, for singing guitar leads (element `tones`). Absent = off. */
  readonly sustain?: Sustainer;
  /**
   * A real cabinet impulse response (cabinets.ts id, realism element `sampled`) that replaces the
   * amp's modelled cabinet, or alone colours a clean guitar. Absent = the modelled cabinet / none.
   */
  readonly cabinet?: string;
  /** Reverb wet level 0..1 and room size 0..1. */
  readonly reverbWet: number;
  readonly reverbRoom: number;
}

/**
 * A compressor pedal in front of the amp (effects.ts sustainStem): RMS detector, threshold relative
 * to the stem's own peak, so a plucked note's decay is squeezed by the ratio and the note rings on.
 */
export interface Sustainer {
  /** Threshold in dB below the stem's sample peak (negative). */
  readonly thresholdDb: number;
  /** Ratio above the threshold, >= 1. */
  readonly ratio: number;
  /** Attack time constant, ms: short enough to hold each note, long enough to let the pick through. */
  readonly attackMs: number;
  /** Release time constant, ms. */
  readonly releaseMs: number;
}

/** One stem of the song. */
export interface Part {
  /** Short id unique in the song (the style's slot), e.g. `drums`, `bass`, `gtr1`, `lead`. */
  readonly id: string;
  /** What the part does in the arrangement. */
  readonly role: Role;
  /** MedleyDB taxonomy label (one of the 18 classes). */
  readonly label: string;
  /** MedleyDB `component`: '' | 'melody' | 'bass'. */
  readonly component: "" | "melody" | "bass";
  readonly source: SoundSource;
  /** Monophonic: a note cuts the previous note's tail (bass, winds, singers). */
  readonly mono: boolean;
  /** Keys that cut each other (hi-hat open/closed/pedal), for drum kits. */
  readonly chokeKeys: readonly number[];
  readonly notes: readonly Note[];
  readonly fx: StemFx;
}

/** A whole song: form, harmony, tempo and parts. */
export interface Song {
  readonly style: string;
  readonly genre: string;
  readonly bpm: number;
  readonly beatsPerBar: number;
  readonly tonicPc: number;
  readonly mode: ModeName;
  /** Swing ratio of off-beat 8ths (0.5 = straight, 0.6-0.67 = swung). */
  readonly swing: number;
  readonly sections: readonly Section[];
  /** Length of the fade-out over the song's last seconds (0 = ends on a final chord). */
  readonly fadeOutSec: number;
  /** Silence before the first bar, seconds. */
  readonly leadInSec: number;
  /** Silence after the last bar (tails ring into it), seconds. */
  readonly tailSec: number;
  readonly parts: readonly Part[];
}

/** Total bars of a song. */
export function songBars(song: Pick<Song, "sections">): number {
  const last = song.sections[song.sections.length - 1];
  return last === undefined ? 0 : last.startBar + last.bars;
}

/** Song length in seconds (lead-in + bars + tail). */
export function songSeconds(song: Song): number {
  return song.leadInSec + (songBars(song) * song.beatsPerBar * 60) / song.bpm + song.tailSec;
}

/** Onset time in seconds of a beat position. */
export function beatToSec(song: Pick<Song, "bpm" | "leadInSec">, beat: number): number {
  return song.leadInSec + (beat * 60) / song.bpm;
}
