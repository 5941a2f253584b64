/**
 * Song form and harmony: a sequence of sections (intro / verse / chorus / solo / bridge / break /
 * outro) sized to a target duration, each with a chord per bar and an energy level. Sections of
 * the same kind share a theme, so later verses and choruses repeat the first ones' material.
 */
import type { Rng } from "./rng.js";
import type { Section, SectionKind } from "./score.js";
import type { FormFamily, Harmony } from "./styles.js";
import { TWELVE_BAR_BLUES, diatonicChord, pickProgression, type Chord, type ModeName } from "./theory.js";

/** Inputs of {@link buildForm}. */
export interface FormOptions {
  readonly family: FormFamily;
  readonly harmony: Harmony;
  readonly tonicPc: number;
  readonly mode: ModeName;
  /** Wanted number of bars (the result lands within about ±25 %, at least 6 bars). */
  readonly targetBars: number;
}

interface Plan {
  readonly kind: SectionKind;
  bars: number;
  /** Can be dropped when the song must be short. */
  readonly optional: boolean;
}

const THEME: Record<SectionKind, number> = { verse: 0, chorus: 1, bridge: 2, solo: 3, intro: 4, outro: 4, prechorus: 5, break: 6 };

const BASE_ENERGY: Record<SectionKind, number> = {
  intro: 0.35,
  verse: 0.55,
  prechorus: 0.65,
  chorus: 0.85,
  solo: 0.8,
  bridge: 0.5,
  break: 0.2,
  outro: 0.4,
};

/** Builds the sections of a song. */
export function buildForm(rng: Rng, opts: FormOptions): Section[] {
  const plan = templateFor(rng, opts.family);
  fitLength(rng, plan, Math.max(6, opts.targetBars), opts.family);
  const progressions = new Map<number, readonly number[]>();
  const energies = new Map<number, number>();
  const sections: Section[] = [];
  let bar = 0;
  for (const item of plan) {
    const theme = THEME[item.kind];
    let prog = progressions.get(theme);
    if (prog === undefined) {
      prog = opts.harmony === "blues" ? TWELVE_BAR_BLUES : pickProgression(rng, opts.mode);
      // The intro/outro often reuse the verse or chorus changes.
      if ((item.kind === "intro" || item.kind === "outro") && rng.chance(0.6)) prog = progressions.get(rng.pick([0, 1])) ?? prog;
      progressions.set(theme, prog);
    }
    const chords: Chord[] = [];
    for (let b = 0; b < item.bars; b++) chords.push(chordFor(opts, prog[b % prog.length] as number));
    // Energy is drawn per theme: it shapes the material (density), so repeats stay repeats.
    let energy = energies.get(theme);
    if (energy === undefined) {
      energy = Math.min(1, Math.max(0.05, BASE_ENERGY[item.kind] + rng.uniform(-0.1, 0.1)));
      energies.set(theme, energy);
    }
    sections.push({ kind: item.kind, startBar: bar, bars: item.bars, chords, energy, theme });
    bar += item.bars;
  }
  return sections;
}

function chordFor(opts: FormOptions, degree: number): Chord {
  switch (opts.harmony) {
    case "power":
      return diatonicChord(opts.tonicPc, opts.mode, degree, 2);
    case "sevenths":
      return diatonicChord(opts.tonicPc, opts.mode, degree, 4);
    case "blues": {
      // Dominant sevenths on I, IV, V regardless of the scale (the blues' defining colour).
      const root = (opts.tonicPc + ([0, 2, 4, 5, 7, 9, 10][degree] ?? 0)) % 12;
      return { rootPc: root, pcs: [root, (root + 4) % 12, (root + 7) % 12, (root + 10) % 12], degree };
    }
    case "drone":
      return { rootPc: opts.tonicPc, pcs: [opts.tonicPc, (opts.tonicPc + 7) % 12], degree: 0 };
    case "triads":
      return diatonicChord(opts.tonicPc, opts.mode, degree, 3);
  }
}

function templateFor(rng: Rng, family: FormFamily): Plan[] {
  const P = (kind: SectionKind, bars: number, optional = false): Plan => ({ kind, bars, optional });
  switch (family) {
    case "song":
      return rng.pick([
        [
          P("intro", 4),
          P("verse", 8),
          P("chorus", 8),
          P("verse", 8, true),
          P("chorus", 8, true),
          P("solo", 8, true),
          P("chorus", 8),
          P("outro", 4),
        ],
        [
          P("intro", 4),
          P("verse", 8),
          P("prechorus", 4, true),
          P("chorus", 8),
          P("verse", 8, true),
          P("prechorus", 4, true),
          P("chorus", 8, true),
          P("bridge", 8, true),
          P("break", 2, true),
          P("chorus", 8),
          P("outro", 4),
        ],
        [
          P("intro", 2),
          P("verse", 8),
          P("chorus", 8),
          P("break", 1, true),
          P("verse", 8, true),
          P("chorus", 8),
          P("solo", 8, true),
          P("bridge", 4, true),
          P("chorus", 8, true),
          P("outro", 4),
        ],
      ]);
    case "instrumental":
      return [
        P("intro", 4),
        P("verse", 8),
        P("chorus", 8),
        P("solo", 8, true),
        P("bridge", 8, true),
        P("verse", 8, true),
        P("chorus", 8),
        P("outro", 4),
      ];
    case "blues":
      return [P("intro", 4), P("verse", 12), P("verse", 12, true), P("solo", 12, true), P("chorus", 12), P("outro", 4)];
    case "raga":
      // Alap (free, no tabla) -> gat in slow and faster sections -> jhala (climax) -> close.
      return [P("intro", 8), P("verse", 8), P("chorus", 8), P("solo", 8, true), P("bridge", 8, true), P("chorus", 8), P("outro", 4)];
    case "solo":
      return [P("intro", 2), P("verse", 8), P("chorus", 8), P("verse", 8, true), P("bridge", 8, true), P("chorus", 8), P("outro", 2)];
  }
}

/** Shrinks or grows the plan towards `target` bars. */
function fitLength(rng: Rng, plan: Plan[], target: number, family: FormFamily): void {
  const total = (): number => plan.reduce((a, s) => a + s.bars, 0);
  const unit = family === "blues" ? 4 : 2;
  // Too long: drop optional sections (random order), then halve the longest sections.
  while (total() > target * 1.15) {
    const optional = plan.flatMap((s, k) => (s.optional ? [k] : []));
    if (optional.length === 0) break;
    plan.splice(rng.pick(optional), 1);
  }
  while (total() > target * 1.2) {
    const longest = plan.reduce((best, s) => (s.bars > best.bars ? s : best), plan[0] as Plan);
    if (longest.bars <= unit) break;
    longest.bars = Math.max(unit, Math.round(longest.bars / 2 / unit) * unit);
  }
  // Too short: repeat verse/chorus pairs (or solo choruses) before the last section.
  let guard = 0;
  while (total() < target * 0.85 && guard++ < 64) {
    const at = Math.max(1, plan.length - 1);
    const adds: Plan[] =
      family === "blues"
        ? [{ kind: rng.pick<SectionKind>(["verse", "solo"]), bars: 12, optional: true }]
        : rng.chance(0.25)
          ? [{ kind: "solo", bars: 8, optional: true }]
          : [
              { kind: "verse", bars: 8, optional: true },
              { kind: "chorus", bars: 8, optional: true },
            ];
    plan.splice(at, 0, ...adds);
  }
}
