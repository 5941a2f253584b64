/**
 * Parts for percussion that is not a drum kit (realism element `extra`): hand percussion
 * (congas, bongos, shakers, tambourine, cowbell, claves...) in a repeating 16th-note pattern,
 * and orchestral percussion as film and game scores use it: timpani hits and rolls on the tonic
 * and dominant, cymbal crashes and suspended-cymbal swells at section changes, concert bass drum
 * booms on strong downbeats, a concert snare drum (march figures, buzz rolls, ruffs) and toms as
 * trailer and game scores use them (a low ostinato with pick-ups and fills). None of these is the
 * `drum set` class: a network must learn that a lone timpani roll, snare roll or tom ostinato is not a kit.
 */
import type { Rng } from "./rng.js";
import type { Note, Section } from "./score.js";

/** Inputs of {@link percSection}. */
export interface PercOptions {
  /** MedleyDB label of the part (selects the writer). */
  readonly label: string;
  readonly beatsPerBar: number;
  /** GM percussion keys of a kit-played part (absent: timpani, pitched). */
  readonly kitKeys: readonly number[] | undefined;
  /** Pitched range (timpani). */
  readonly low: number;
  readonly high: number;
}

/** Writes one section of a non-kit percussion part. */
export function percSection(rng: Rng, s: Section, o: PercOptions): Note[] {
  if (o.label === "timpani") return timpaniSection(rng, s, o);
  if (o.label === "cymbal") return cymbalSection(rng, s, o);
  if (o.label === "bass drum") return bassDrumSection(rng, s, o);
  if (o.label === "snare drum") return snareSection(rng, s, o);
  if (o.label === "toms") return tomsSection(rng, s, o);
  return handSection(rng, s, o);
}

const clampVel = (v: number): number => Math.max(1, Math.min(127, Math.round(v)));

/** A one-bar 16th pattern per key: each step hit with a probability that rises with energy. */
function handSection(rng: Rng, s: Section, o: PercOptions): Note[] {
  const keys = o.kitKeys ?? [];
  const steps = o.beatsPerBar * 4;
  // The pattern is the section theme's own (sections with equal theme replay it).
  const lanes = keys.map((key, i) => ({
    key,
    hits: Array.from({ length: steps }, (_, k) => {
      const strong = k % 4 === 0 ? 0.55 : k % 2 === 0 ? 0.4 : 0.22;
      return rng.chance(Math.min(0.95, strong * (i === 0 ? 1.3 : 0.8) + 0.25 * s.energy));
    }),
  }));
  const notes: Note[] = [];
  const vel = 60 + 45 * s.energy;
  for (let b = 0; b < s.bars; b++) {
    const base = (s.startBar + b) * o.beatsPerBar;
    for (const lane of lanes) {
      lane.hits.forEach((on, k) => {
        if (on)
          notes.push({ beat: base + k / 4, beats: 0.25, key: lane.key, vel: clampVel(vel + (k % 4 === 0 ? 12 : 0) + rng.int(-12, 8)) });
      });
    }
  }
  return notes;
}

/** Timpani: tonic / dominant hits on phrase downbeats, rolls (32nds, crescendo) into section ends. */
function timpaniSection(rng: Rng, s: Section, o: PercOptions): Note[] {
  const notes: Note[] = [];
  const bpb = o.beatsPerBar;
  const pitch = (pc: number): number => {
    let k = o.low + ((((pc - o.low) % 12) + 12) % 12);
    while (k > o.high) k -= 12;
    return Math.max(o.low, k);
  };
  for (let b = 0; b < s.bars; b++) {
    const chord = s.chords[b];
    if (chord === undefined) continue;
    const base = (s.startBar + b) * bpb;
    const root = pitch(chord.rootPc);
    const fifth = pitch((chord.rootPc + 7) % 12);
    if (b % 2 === 0 && rng.chance(0.4 + 0.5 * s.energy)) notes.push({ beat: base, beats: 1, key: root, vel: clampVel(70 + 50 * s.energy) });
    if (rng.chance(0.25 * s.energy)) notes.push({ beat: base + bpb / 2, beats: 0.5, key: fifth, vel: clampVel(60 + 40 * s.energy) });
    const last = b === s.bars - 1;
    if (last && rng.chance(0.5 + 0.3 * s.energy)) {
      // A roll over the last beat(s): 32nd notes growing louder.
      const len = rng.pick([1, 2]);
      const n = len * 8;
      for (let i = 0; i < n; i++) notes.push({ beat: base + bpb - len + i / 8, beats: 0.125, key: root, vel: clampVel(40 + (70 * i) / n) });
    }
  }
  return notes;
}

/** Orchestral cymbals: a crash on the section's first downbeat, swells (soft fast notes) into the next. */
function cymbalSection(rng: Rng, s: Section, o: PercOptions): Note[] {
  const keys = o.kitKeys ?? [49];
  const bpb = o.beatsPerBar;
  const notes: Note[] = [];
  const start = s.startBar * bpb;
  if (rng.chance(0.3 + 0.6 * s.energy)) notes.push({ beat: start, beats: bpb, key: rng.pick(keys), vel: clampVel(85 + 35 * s.energy) });
  for (let b = 4; b < s.bars; b += 4) {
    if (rng.chance(0.35 * s.energy))
      notes.push({ beat: start + b * bpb, beats: bpb, key: rng.pick(keys), vel: clampVel(70 + 40 * s.energy) });
  }
  if (s.bars >= 2 && rng.chance(0.4)) {
    // A suspended-cymbal swell over the last bar.
    const key = keys[0] as number;
    const end = (s.startBar + s.bars) * bpb;
    const n = bpb * 6;
    for (let i = 0; i < n; i++) notes.push({ beat: end - bpb + i / 6, beats: 1 / 6, key, vel: clampVel(20 + (60 * i) / n) });
  }
  return notes;
}

/** Concert bass drum: single booms on strong downbeats of loud sections. */
function bassDrumSection(rng: Rng, s: Section, o: PercOptions): Note[] {
  const key = (o.kitKeys ?? [35])[0] as number;
  const notes: Note[] = [];
  for (let b = 0; b < s.bars; b++) {
    if (b % 2 === 0 && rng.chance(0.2 + 0.6 * s.energy)) {
      notes.push({ beat: (s.startBar + b) * o.beatsPerBar, beats: 1, key, vel: clampVel(75 + 45 * s.energy) });
    }
  }
  return notes;
}

/**
 * Concert snare: per section one of a march figure (a one-bar rhythm of 8ths and 16ths, accents on
 * the beat, repeated), buzz rolls (32nds, crescendo, ending on an accent) or sparse ruffs on downbeats.
 */
function snareSection(rng: Rng, s: Section, o: PercOptions): Note[] {
  const keys = o.kitKeys ?? [38];
  const key = keys[0] as number;
  const bpb = o.beatsPerBar;
  const notes: Note[] = [];
  const kind = rng.weighted<"march" | "roll" | "ruff">([
    ["march", 0.3 + 0.5 * s.energy],
    ["roll", 0.6],
    ["ruff", 0.5],
  ]);
  const figure = Array.from({ length: bpb * 4 }, (_, k) => (k % 4 === 0 ? true : rng.chance(k % 2 === 0 ? 0.55 : 0.3)));
  for (let b = 0; b < s.bars; b++) {
    const base = (s.startBar + b) * bpb;
    if (kind === "march") {
      figure.forEach((on, k) => {
        if (on)
          notes.push({ beat: base + k / 4, beats: 0.25, key, vel: clampVel(55 + 35 * s.energy + (k % 4 === 0 ? 18 : 0) + rng.int(-8, 6)) });
      });
    } else if (kind === "roll" && (b % 2 === 1 || b === s.bars - 1) && rng.chance(0.4 + 0.4 * s.energy)) {
      const beats = Math.min(bpb, rng.pick([1, 2, bpb]));
      const n = beats * 8;
      for (let i = 0; i < n; i++)
        notes.push({ beat: base + bpb - beats + i / 8, beats: 0.125, key, vel: clampVel(30 + (55 * i) / n + rng.int(-4, 4)) });
      if (b + 1 < s.bars) notes.push({ beat: base + bpb, beats: 0.5, key, vel: clampVel(100 + 20 * s.energy) });
    } else if (kind === "ruff" && rng.chance(0.3 + 0.5 * s.energy)) {
      // Three grace strokes leading into an accent on the downbeat.
      for (let g = 3; g >= 1; g--) notes.push({ beat: base - g / 16, beats: 1 / 16, key, vel: clampVel(40 + rng.int(0, 15)) });
      notes.push({ beat: base, beats: 0.5, key, vel: clampVel(90 + 30 * s.energy) });
    }
  }
  return notes.filter((n) => n.beat >= s.startBar * bpb);
}

/** Toms: a one-bar 8th ostinato low to high with 16th pick-ups, and a descending 16th fill into the next section. */
function tomsSection(rng: Rng, s: Section, o: PercOptions): Note[] {
  const keys = [...(o.kitKeys ?? [41, 45, 48])].sort((a, b) => a - b);
  const bpb = o.beatsPerBar;
  const lane = Array.from({ length: bpb * 2 }, (_, k) =>
    k === 0 ? (keys[0] as number) : rng.chance(0.35 + 0.45 * s.energy) ? rng.pick(keys.slice(0, 3)) : undefined,
  );
  const pickups = Array.from({ length: bpb * 2 }, () => rng.chance(0.25 * s.energy));
  const notes: Note[] = [];
  for (let b = 0; b < s.bars; b++) {
    const base = (s.startBar + b) * bpb;
    const last = b === s.bars - 1;
    if (last && s.bars > 1 && rng.chance(0.6)) {
      const n = bpb * 4;
      for (let i = 0; i < n; i++) {
        const key = keys[Math.max(0, keys.length - 1 - Math.floor((i * keys.length) / n))] as number;
        notes.push({ beat: base + i / 4, beats: 0.25, key, vel: clampVel(60 + (50 * i) / n) });
      }
      continue;
    }
    lane.forEach((key, k) => {
      if (key === undefined) return;
      notes.push({ beat: base + k / 2, beats: 0.5, key, vel: clampVel(65 + 40 * s.energy + (k === 0 ? 15 : 0) + rng.int(-8, 6)) });
      if (pickups[k] === true) notes.push({ beat: base + k / 2 + 0.25, beats: 0.25, key, vel: clampVel(50 + 30 * s.energy) });
    });
  }
  return notes;
}
