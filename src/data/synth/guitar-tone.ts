/**
 * Realism element `tones` (issue 16): electric guitars that sing, and songs where a guitar carries
 * the tune. Before it, every distorted guitar went through the amp at 20-45 dB of gain with its
 * full bright tone and played chords or short solos under a singer, and clean guitars were DI or a
 * cabinet. Real instrumental rock leads (the Frets on Fire songs, guitar ballads) are often a
 * medium-gain amp with the tone knob or neck pickup rolling the top off: a dark, sustained,
 * vibrato-laden line whose energy sits at 200 Hz-2 kHz, which a network that never heard one reads
 * as a cello or a violin (the development set's ballad: median guitar score 0.07).
 *
 * - {@link withGuitarTone}: per guitar stem, with probability {@link TONE_P} (higher for parts that
 *   play melody), a "singing" tone: a low-pass before the amp (tone knob / neck pickup), a lower amp
 *   gain for distorted guitars and a clean amp short of break-up for clean ones (a 10 dB gap between
 *   the two keeps the labels apart), a bit more reverb, for half the melodic parts a darker
 *   low-pass after the amp, and for {@link SUSTAIN_P} of them a sustainer in front of it (GM guitar
 *   samples decay like a plucked string within a second; a real lead held through a compressor and
 *   an amp rings on, and the development set's ballad lead, heard as violin and cello, does).
 *   Recorded in the metadata as `tone_hz`, `amp_gain_db`, `lowpass_hz` and `sustain`.
 * - {@link GUITAR_STYLES}: instrumental guitar rock and guitar ballads whose lead slot is an
 *   electric guitar (the melody writer and the `expressive` gestures then treat it as a lead).
 *
 * Draws come from the part's own stream `<song>/realism/tones/<part>` (song.ts), so switching the
 * element on or off leaves every other draw of a song as it was; the styles join the style pool
 * only with the element on (styles-extra.ts corpusStyles).
 */
import type { Rng } from "./rng.js";
import type { StemFx, Sustainer } from "./score.js";
import { S, type Style } from "./styles.js";

/** Probability that a guitar stem gets a singing tone: melodic parts (lead, counter, soloist) and others. */
export const TONE_P = { melodic: 0.7, other: 0.3 } as const;

/** Ranges drawn for a singing tone: amp gain (dB) and the tone low-pass corner (Hz). */
export const TONE_RANGES = {
  /** Distorted guitar: medium gain (the amp's own range starts at 20 dB). */
  distortedGainDb: [10, 22],
  /**
   * Clean guitar: a clean amp, short of break-up. A 10 dB gap to the distorted range keeps the two
   * labels apart (with -6..6 dB against 6..20 dB, phase 13's model heard the demo song's clean
   * guitar as distorted in 45 % of its seconds).
   */
  cleanGainDb: [-12, 0],
  melodicToneHz: [1000, 3000],
  otherToneHz: [1800, 5000],
  /** Melodic parts only, with probability {@link DARK_LEAD_P}: a low-pass after the amp (neck pickup, dark cabinet, far mic). */
  darkLeadHz: [1200, 5000],
} as const;

/** Probability that a melodic singing tone also gets the post-amp low-pass of `darkLeadHz`. */
export const DARK_LEAD_P = 0.5;

/** Probability that a melodic singing tone also gets a sustainer (compressor pedal) in front of the amp. */
export const SUSTAIN_P = 0.6;

/** Ranges drawn for a sustainer (score.ts Sustainer): threshold below the stem's peak, ratio, attack and release. */
export const SUSTAIN_RANGES = {
  thresholdDb: [-30, -14],
  ratio: [4, 10],
  attackMs: [2, 15],
  releaseMs: [60, 250],
} as const;

const GUITARS: ReadonlySet<string> = new Set(["distorted electric guitar", "clean electric guitar"]);

/**
 * A guitar stem's effects with a singing tone drawn from `rng` (see the module doc), or `fx`
 * unchanged for other labels and for the stems the draw leaves alone. `melodic`: the part plays
 * the melody (lead or counter role, or the soloist of solo sections).
 */
export function withGuitarTone(rng: Rng, label: string, melodic: boolean, fx: StemFx): StemFx {
  if (!GUITARS.has(label)) return fx;
  if (!rng.chance(melodic ? TONE_P.melodic : TONE_P.other)) return fx;
  const [g0, g1] = label === "distorted electric guitar" ? TONE_RANGES.distortedGainDb : TONE_RANGES.cleanGainDb;
  const [t0, t1] = melodic ? TONE_RANGES.melodicToneHz : TONE_RANGES.otherToneHz;
  const logUniform = ([lo, hi]: readonly [number, number]): number => Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
  const ampGainDb = rng.uniform(g0, g1);
  const toneHz = logUniform([t0, t1]);
  // Leads get some room; the lineup's low-pass after the amp stays, or a darker one for some leads.
  const reverbWet = melodic ? Math.max(fx.reverbWet, rng.uniform(0.08, 0.3)) : fx.reverbWet;
  const dark = melodic && rng.chance(DARK_LEAD_P) ? logUniform(TONE_RANGES.darkLeadHz) : 0;
  const lowPassHz = dark > 0 && (fx.lowPassHz <= 0 || dark < fx.lowPassHz) ? dark : fx.lowPassHz;
  // Drawn last, so the draws above are those of songs rendered before the sustainer existed.
  const sustain = melodic && rng.chance(SUSTAIN_P) ? drawSustainer(rng) : undefined;
  return { ...fx, amp: true, ampGainDb, toneHz, reverbWet, lowPassHz, ...(sustain === undefined ? {} : { sustain }) };
}

function drawSustainer(rng: Rng): Sustainer {
  const r = SUSTAIN_RANGES;
  return {
    thresholdDb: rng.uniform(r.thresholdDb[0], r.thresholdDb[1]),
    ratio: rng.uniform(r.ratio[0], r.ratio[1]),
    attackMs: rng.uniform(r.attackMs[0], r.attackMs[1]),
    releaseMs: rng.uniform(r.releaseMs[0], r.releaseMs[1]),
  };
}

/** Instrumental styles whose melody is an electric guitar (realism element `tones`). */
export const GUITAR_STYLES: readonly Style[] = [
  {
    name: "guitar-rock",
    genre: "Rock",
    weight: 1.5,
    bpm: [90, 176],
    meters: [[4, 1]],
    harmony: "power",
    swingP: 0,
    modes: [
      ["minor", 3],
      ["dorian", 1],
      ["major", 1],
      ["phrygian", 1],
    ],
    grooves: ["rock", "metal", "halftime"],
    kits: ["standard", "room", "power"],
    form: "instrumental",
    slots: [
      S("drums", "drums", 0.95, [["drum set", 1]]),
      S("bass", "bass", 0.95, [["electric bass", 1]]),
      S("gtr1", "chords", 0.9, [
        ["distorted electric guitar", 4],
        ["clean electric guitar", 1],
      ]),
      S("keys", "pad", 0.3, [
        ["synthesizer", 1],
        ["electronic organ", 1],
        ["string section", 1],
      ]),
      S("lead", "lead", 1, [
        ["distorted electric guitar", 3],
        ["clean electric guitar", 1],
      ]),
    ],
  },
  {
    name: "guitar-ballad",
    genre: "Rock",
    weight: 1,
    bpm: [60, 100],
    meters: [
      [4, 1],
      [3, 0.3],
    ],
    harmony: "triads",
    swingP: 0,
    modes: [
      ["minor", 2],
      ["major", 2],
    ],
    grooves: ["ballad", "halftime"],
    kits: ["standard", "room", "brush"],
    form: "instrumental",
    slots: [
      S("drums", "drums", 0.7, [["drum set", 1]]),
      S("bass", "bass", 0.8, [
        ["electric bass", 3],
        ["double bass", 1],
      ]),
      S("gtr", "chords", 0.6, [
        ["clean electric guitar", 2],
        ["acoustic guitar", 2],
        ["distorted electric guitar", 1],
      ]),
      S("keys", "chords", 0.6, [
        ["piano", 3],
        ["electric piano", 1],
        ["electronic organ", 1],
      ]),
      S("strings", "pad", 0.4, [
        ["string section", 2],
        ["synthesizer", 1],
      ]),
      S("lead", "lead", 1, [
        ["distorted electric guitar", 2],
        ["clean electric guitar", 2],
      ]),
    ],
  },
];
