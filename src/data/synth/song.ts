/**
 * Composes one song: tempo, meter, key and mode from the artist's style, the form, the line-up,
 * the arrangement, then every part's notes section by section. Material is drawn from random
 * streams named after the part and the section's theme, so repeated verses and choruses replay
 * the same lines. Finally notes swing (when the style swings) and get small timing errors.
 */
import { arrange, sparsify } from "./arrangement.js";
import { hostsNoClass, type Artist } from "./artists.js";
import { bassSection } from "./bass.js";
import { compSection } from "./comping.js";
import { backingSection, counterSection } from "./counter.js";
import { drumSection, finalHit } from "./drums.js";
import { addGestures } from "./expressive.js";
import { withGuitarTone } from "./guitar-tone.js";
import { buildForm } from "./form.js";
import { chooseLineup, type BankChoice, type PartPlan } from "./lineup.js";
import { melodySection, soloSection } from "./melody.js";
import { otherInstrument } from "./other-instruments.js";
import { percSection } from "./percussion.js";
import { Rng } from "./rng.js";
import type { Note, Part, Section, Song, StemFx } from "./score.js";
import { BACKING_WORDS, LYRIC_WORDS } from "./singer.js";
import type { Realism } from "./realism.js";
import { isMelodicRole, type Role } from "./styles.js";
import { pickTaal, tablaSection } from "./tabla-patterns.js";
import { isMinorMode, nearestWithPc, scalePcs, voiceChord } from "./theory.js";

/** Inputs of {@link composeSong}. */
export interface ComposeOptions {
  /** Wanted song length, minutes (the form lands within about ±25 %). */
  readonly minutes: number;
  readonly banks: BankChoice;
  /** Classes to include for sure: the track's featured class, then the artist's signature. */
  readonly featured?: readonly string[];
  /** Realism elements switched on (realism.ts); absent = none. */
  readonly realism?: Realism;
  /**
   * Name of the song's random stream (e.g. `synth/<seed>/track/<k>`): realism elements draw from
   * streams forked off it by name (`<seedKey>/realism/<element>`) so that they never shift the
   * song's own draws. Absent = `song`.
   */
  readonly seedKey?: string;
}

/** Timing error (standard deviation, ms) per role. */
const JITTER_MS: Record<Role, number> = {
  drums: 4,
  tabla: 5,
  bass: 7,
  chords: 9,
  pad: 6,
  lead: 12,
  counter: 10,
  backing: 10,
  drone: 0,
  perc: 6,
};

/** Composes a song for `artist`. */
export function composeSong(rng: Rng, artist: Artist, opts: ComposeOptions): Song {
  const style = artist.style;
  const [lo, hi] = style.bpm;
  const bpm = Math.round(lo + (hi - lo) * Math.min(1, Math.max(0, artist.tempoBias + rng.normal(0, 0.2))));
  const beatsPerBar = rng.weighted(style.meters);
  const mode = rng.weighted(style.modes);
  const tonicPc = rng.int(0, 11);
  const swing = rng.chance(style.swingP) ? rng.uniform(0.58, 0.67) : 0.5;
  const targetBars = Math.round((opts.minutes * bpm) / beatsPerBar);
  const sections = buildForm(rng.fork("form"), { family: style.form, harmony: style.harmony, tonicPc, mode, targetBars });
  const duet = rng.chance(0.12);
  // A style that hosts no class (solo-other) takes no featured class as a guest: its songs are
  // the corpus's examples of "none of the 18 plays".
  const featured = hostsNoClass(style) ? [] : (opts.featured ?? []);
  const plans = chooseLineup(rng.fork("lineup"), artist, style, opts.banks, duet, featured);
  const realism = opts.realism;
  const realismRng = (element: string): Rng => new Rng(`${opts.seedKey ?? "song"}/realism/${element}`);
  const arranged = arrange(rng.fork("arrange"), plans, sections, style.form === "raga");
  const arrangement = realism?.sparse === true ? sparsify(realismRng("sparse"), arranged, plans, sections) : arranged;
  const scale = scalePcs(tonicPc, mode);
  const groove = style.grooves.length > 0 ? rng.pick(style.grooves) : "rock";
  const taal = pickTaal(rng, beatsPerBar);
  const totalBeats = sections.reduce((a, s) => a + s.bars, 0) * beatsPerBar;
  // Songs either end on a final chord (band hits the downbeat after the last bar) or fade out.
  const fadeOut = rng.chance(0.25);
  const parts: Part[] = [];
  // Gestures come from a stream of their own per part, after humanising: switching them on
  // leaves every other draw of the song as it was.
  const soloBeats = sections
    .filter((s) => s.kind === "solo")
    .map((s) => [s.startBar * beatsPerBar, (s.startBar + s.bars) * beatsPerBar] as const);
  const expressive = (notes: Note[], partId: string): Note[] => {
    if (realism?.expressive !== true) return notes;
    const plan = plans.find((p) => p.id === partId) as PartPlan;
    const solos = partId === arrangement.soloist ? soloBeats : [];
    return [...addGestures(realismRng(`expressive/${partId}`), plan, notes, bpm, solos)];
  };
  // Guitar tones likewise (element `tones`): the part's own stream, only the effects change.
  const tone = (plan: PartPlan): StemFx => {
    if (realism?.tones !== true) return plan.fx;
    const melodic = isMelodicRole(plan.role) || plan.id === arrangement.soloist;
    return withGuitarTone(realismRng(`tones/${plan.id}`), plan.label, melodic, plan.fx);
  };
  for (const plan of plans) {
    const mask = arrangement.masks.get(plan.id) ?? [];
    const prng = rng.fork(`part/${plan.id}`);
    // A singer's song uses a handful of words (verses and choruses draw lines from them).
    const vocabulary = prng.fork("lyrics").shuffle(LYRIC_WORDS).slice(0, 6);
    const notes: Note[] = [];
    sections.forEach((s, si) => {
      const trng = prng.fork(`theme/${s.theme}/${s.bars}`);
      const nextRoot = sections[si + 1]?.chords[0]?.rootPc ?? tonicPc;
      const solo = s.kind === "solo" && plan.id === arrangement.soloist;
      const written = writeSection(trng, plan, s, {
        beatsPerBar,
        bpm,
        scale,
        tonicPc,
        mode,
        nextRoot,
        groove,
        taal,
        solo,
        style: style.name,
        vocabulary,
      });
      for (const n of written) if (mask[Math.floor(n.beat / beatsPerBar)] === true) notes.push(n);
    });
    if (mask[mask.length - 1] === true && !fadeOut) notes.push(...ending(plan, totalBeats, tonicPc, mode));
    if (notes.length === 0) continue;
    parts.push({
      id: plan.id,
      role: plan.role,
      label: plan.label,
      component: plan.component,
      source: plan.source,
      mono: plan.mono,
      chokeKeys: plan.chokeKeys,
      notes: expressive(humanise(prng.fork("humanise"), notes, { bpm, swing, jitterMs: JITTER_MS[plan.role] }), plan.id),
      fx: tone(plan),
    });
  }
  return {
    style: style.name,
    genre: style.genre,
    bpm,
    beatsPerBar,
    tonicPc,
    mode,
    swing,
    sections,
    fadeOutSec: fadeOut ? Math.min(rng.uniform(4, 10), (totalBeats * 60) / bpm / 3) : 0,
    leadInSec: rng.uniform(0, 1.5),
    // Room for the final chord (3 beats) to ring out.
    tailSec: rng.uniform(1.5, 3) + (fadeOut ? 0 : 180 / bpm),
    parts,
  };
}

/** The final hit of a part: crash + kick, the tonic chord, or the tonic in the bass. */
function ending(plan: PartPlan, beat: number, tonicPc: number, mode: Song["mode"]): Note[] {
  const { low, high } = plan.spec;
  const mid = Math.round((low + high) / 2);
  const third = (tonicPc + (isMinorMode(mode) ? 3 : 4)) % 12;
  const hold = 3;
  switch (plan.role) {
    case "drums":
      return finalHit(beat, 110);
    case "tabla":
      return [];
    case "bass": {
      let root = nearestWithPc(tonicPc, low + 5);
      if (root < low) root += 12;
      return [{ beat, beats: hold, key: root, vel: 100 }];
    }
    case "chords":
    case "pad":
    case "drone": {
      const keys = voiceChord(
        { rootPc: tonicPc, pcs: [tonicPc, third, (tonicPc + 7) % 12], degree: 0 },
        Math.max(low, 48),
        Math.min(high, 76),
        mid,
      );
      return keys.map((key) => ({ beat, beats: hold, key, vel: 95 }));
    }
    default:
      return [];
  }
}

interface SectionContext {
  readonly beatsPerBar: number;
  readonly bpm: number;
  readonly scale: readonly number[];
  readonly tonicPc: number;
  readonly mode: Song["mode"];
  readonly nextRoot: number;
  readonly groove: Parameters<typeof drumSection>[2]["groove"];
  readonly taal: Parameters<typeof tablaSection>[3];
  readonly solo: boolean;
  readonly style: string;
  readonly vocabulary: readonly string[];
}

function writeSection(rng: Rng, plan: PartPlan, s: Section, c: SectionContext): Note[] {
  const { low, high } = plan.spec;
  const bpb = c.beatsPerBar;
  const singer = plan.source.kind === "singer";
  const line = (density: number, lo: number, hi: number, words: readonly string[] | undefined): Note[] =>
    melodySection(rng, s, {
      beatsPerBar: bpb,
      scale: c.scale,
      low: lo,
      high: hi,
      density,
      words,
      breathe: singer || plan.label === "flute",
    });
  if (c.solo)
    return soloSection(rng, s, {
      beatsPerBar: bpb,
      scale: c.scale,
      low: Math.max(low, 52),
      high,
      density: 2,
      words: undefined,
      breathe: false,
    });
  switch (plan.role) {
    case "drums":
      return drumSection(rng, s, { groove: c.groove, beatsPerBar: bpb, jazz: c.style === "jazz" });
    case "tabla":
      return tablaSection(rng, s, bpb, c.taal);
    case "bass":
      return bassSection(rng, s, {
        style: plan.bass,
        beatsPerBar: bpb,
        low,
        high,
        tonicPc: c.tonicPc,
        mode: c.mode,
        nextRootPc: c.nextRoot,
      });
    case "chords":
    case "pad":
    case "drone": {
      const reg = register(plan);
      const comp = compSection(rng, s, { style: plan.comp, beatsPerBar: bpb, bpm: c.bpm, low: reg[0], high: reg[1], floor: low });
      if (!plan.soloPiece) return comp;
      // A solo piece: lighter accompaniment plus the melody on top, in the same stem.
      return [
        ...comp.map((n) => ({ ...n, vel: Math.max(1, n.vel - 12) })),
        ...line(1.2, reg[1] - 2, Math.min(high, reg[1] + 16), undefined),
      ];
    }
    case "lead": {
      const words = singer ? lyricLine(rng, c.vocabulary) : undefined;
      // Raga intros are an alap: slow, long notes.
      const alap = c.style === "indian" && s.kind === "intro";
      return line(alap ? 0.5 : singer ? 0.9 + 0.6 * s.energy : 1 + s.energy, low, high, words);
    }
    case "counter":
      return rng.chance(0.5) ? counterSection(rng, s, { beatsPerBar: bpb, low, high }) : line(0.6, low, high, undefined);
    case "backing":
      return backingSection(rng, s, { beatsPerBar: bpb, low, high }, BACKING_WORDS);
    case "perc":
      return percSection(rng, s, { label: plan.label, beatsPerBar: bpb, kitKeys: otherInstrument(plan.label)?.kitKeys, low, high });
  }
}

/** Voicing register of a chordal part: the middle of its range. */
function register(plan: PartPlan): [number, number] {
  if (plan.role === "drone") return [Math.max(plan.spec.low, 40), Math.max(plan.spec.low, 40) + 19];
  if (plan.label.includes("guitar")) return [50, 72];
  if (plan.role === "pad") return [Math.max(plan.spec.low, 53), Math.min(plan.spec.high, 79)];
  return [Math.max(plan.spec.low, 50), Math.min(plan.spec.high, 76)];
}

/** A lyric line: 4-8 words from the song's vocabulary, sung in order and repeated. */
function lyricLine(rng: Rng, vocabulary: readonly string[]): string[] {
  return Array.from({ length: rng.int(4, 8) }, () => rng.pick(vocabulary));
}

/** Swings off-beat 8ths (and 16ths proportionally) and adds timing jitter; lengths stay on the grid. */
export function humanise(rng: Rng, notes: readonly Note[], o: { bpm: number; swing: number; jitterMs: number }): Note[] {
  const sd = (o.jitterMs / 1000) * (o.bpm / 60);
  return notes.map((n) => {
    const whole = Math.floor(n.beat + 1e-9);
    const f = n.beat - whole;
    const swung = o.swing === 0.5 ? f : f < 0.5 ? (f * o.swing) / 0.5 : o.swing + ((f - 0.5) * (1 - o.swing)) / 0.5;
    const beat = Math.max(0, whole + swung + (sd > 0 ? Math.max(-2.5 * sd, Math.min(2.5 * sd, rng.normal(0, sd))) : 0));
    return { ...n, beat };
  });
}
