/**
 * Who plays when. Each role has a probability of playing in each kind of section (singers rest
 * in solos and intros, backing vocals come in on choruses, drums drop out of some intros and
 * breaks); optional parts also switch on and off in 2-bar blocks by a Markov chain
 * (P(on→on) = 0.8, P(off→on) = 0.45, docs/synthetic-data.md §11). On top of that, some songs open with one
 * instrument alone, some breaks leave one instrument alone or the whole band silent, and solo
 * sections hand the melody to one soloist. Every class thus appears alone somewhere in a corpus.
 */
import type { PartPlan } from "./lineup.js";
import type { Rng } from "./rng.js";
import type { Section, SectionKind } from "./score.js";
import type { Role } from "./styles.js";

/** Per part: one flag per bar (true = plays). */
export type ActivityMask = boolean[];

const PLAY_P: Record<Role, Partial<Record<SectionKind, number>>> = {
  drums: { intro: 0.5, verse: 0.95, prechorus: 0.95, chorus: 1, solo: 1, bridge: 0.8, break: 0.3, outro: 0.7 },
  bass: { intro: 0.5, verse: 0.95, prechorus: 0.95, chorus: 1, solo: 1, bridge: 0.8, break: 0.1, outro: 0.7 },
  chords: { intro: 0.8, verse: 0.8, prechorus: 0.9, chorus: 0.95, solo: 0.85, bridge: 0.8, break: 0.2, outro: 0.8 },
  pad: { intro: 0.5, verse: 0.4, prechorus: 0.7, chorus: 0.85, solo: 0.5, bridge: 0.7, break: 0.1, outro: 0.5 },
  lead: { intro: 0.1, verse: 1, prechorus: 1, chorus: 1, solo: 0, bridge: 0.7, break: 0, outro: 0.3 },
  counter: { intro: 0.2, verse: 0.4, prechorus: 0.5, chorus: 0.7, solo: 0.3, bridge: 0.6, break: 0, outro: 0.3 },
  backing: { intro: 0, verse: 0.1, prechorus: 0.4, chorus: 0.9, solo: 0.1, bridge: 0.3, break: 0, outro: 0.2 },
  tabla: { intro: 0.3, verse: 1, prechorus: 1, chorus: 1, solo: 1, bridge: 0.9, break: 0.2, outro: 0.7 },
  drone: { intro: 1, verse: 1, prechorus: 1, chorus: 1, solo: 1, bridge: 1, break: 0.5, outro: 1 },
  perc: { intro: 0.4, verse: 0.7, prechorus: 0.8, chorus: 0.9, solo: 0.7, bridge: 0.6, break: 0.25, outro: 0.5 },
};

/** Result of {@link arrange}. */
export interface Arrangement {
  readonly masks: ReadonlyMap<string, ActivityMask>;
  /** Part id of the soloist of solo sections (undefined: no solo sections or nobody fit). */
  readonly soloist: string | undefined;
  /** Human-readable notes on special passages, for the metadata. */
  readonly events: readonly string[];
}

/** Decides the activity of every part in every bar. */
export function arrange(rng: Rng, plans: readonly PartPlan[], sections: readonly Section[], raga: boolean): Arrangement {
  const bars = sections.reduce((a, s) => a + s.bars, 0);
  const masks = new Map<string, ActivityMask>();
  const events: string[] = [];
  const soloist = pickSoloist(rng, plans);
  for (const plan of plans) {
    const mask: ActivityMask = new Array<boolean>(bars).fill(false);
    const gated = plan.role !== "lead" && plan.role !== "drone" && rng.chance(0.35);
    for (const s of sections) {
      let p = PLAY_P[plan.role][s.kind] ?? 0.5;
      if (s.kind === "solo" && plan.id === soloist) p = 1;
      // Alap: the soloist alone (with the drone), no percussion.
      if (raga && s.kind === "intro") p = plan.role === "tabla" ? 0 : plan.role === "lead" ? 1 : p;
      if (plans.length === 1) p = s.kind === "break" ? 0.3 : 1;
      if (!rng.chance(p)) continue;
      let on = true;
      for (let b = 0; b < s.bars; b++) {
        if (gated && b % 2 === 0 && b > 0) on = rng.chance(on ? 0.8 : 0.45);
        mask[s.startBar + b] = on;
      }
    }
    masks.set(plan.id, mask);
  }
  // An intro by one instrument alone.
  const intro = sections[0];
  if (intro?.kind === "intro" && plans.length > 1 && rng.chance(0.35)) {
    const alone = rng.pick(plans.filter((p) => p.role !== "backing"));
    for (const plan of plans) setRange(masks.get(plan.id), intro.startBar, intro.bars, plan === alone);
    events.push(`intro: ${alone.label} alone`);
  }
  for (const s of sections) {
    if (s.kind !== "break") continue;
    if (rng.chance(0.5) || plans.length === 1) {
      for (const plan of plans) setRange(masks.get(plan.id), s.startBar, s.bars, false);
      events.push(`bar ${s.startBar + 1}: ${s.bars} bar(s) of silence`);
    } else {
      const alone = rng.pick(plans);
      for (const plan of plans) setRange(masks.get(plan.id), s.startBar, s.bars, plan === alone);
      events.push(`bar ${s.startBar + 1}: ${alone.label} alone`);
    }
  }
  // Only breaks may be silent as a whole: wake the likeliest player of any other silent section.
  for (const s of sections) {
    if (s.kind === "break" || plans.length === 0) continue;
    const active = plans.some((plan) => (masks.get(plan.id) ?? []).slice(s.startBar, s.startBar + s.bars).some(Boolean));
    if (active) continue;
    const best = [...plans].sort((a, b) => (PLAY_P[b.role][s.kind] ?? 0) - (PLAY_P[a.role][s.kind] ?? 0))[0] as PartPlan;
    setRange(masks.get(best.id), s.startBar, s.bars, true);
  }
  // Nobody may be silent for the whole song: switch a silent part on in its most likely sections.
  for (const plan of plans) {
    const mask = masks.get(plan.id) as ActivityMask;
    if (mask.some(Boolean)) continue;
    const best = [...sections]
      .filter((s) => s.kind !== "break")
      .sort((a, b) => (PLAY_P[plan.role][b.kind] ?? 0) - (PLAY_P[plan.role][a.kind] ?? 0))[0];
    if (best !== undefined) setRange(mask, best.startBar, best.bars, true);
  }
  return { masks, soloist, events };
}

function pickSoloist(rng: Rng, plans: readonly PartPlan[]): string | undefined {
  const weights = plans.map((p): readonly [string, number] => {
    if (p.role === "lead" && !p.label.endsWith("singer")) return [p.id, 4];
    if (p.label.includes("guitar") || p.label === "electronic organ" || p.label === "piano" || p.label === "electric piano")
      return [p.id, 3];
    if (p.label === "synthesizer" && p.role !== "bass" && p.role !== "drone") return [p.id, 2];
    if (p.role === "counter") return [p.id, 2];
    if (p.role === "tabla" || p.role === "drums") return [p.id, 0.3];
    return [p.id, 0];
  });
  return weights.some(([, w]) => w > 0) ? rng.weighted(weights) : undefined;
}

function setRange(mask: ActivityMask | undefined, start: number, n: number, value: boolean): void {
  if (mask === undefined) return;
  for (let b = start; b < start + n; b++) mask[b] = value;
}

/**
 * More sparse passages (realism element `sparse`): on top of {@link arrange}'s own, an intro by
 * one or two instruments in half the songs, and in a fifth of the other sections (never solos or
 * breaks) the first half played by a duo or one instrument alone. Real recordings are full of
 * such passages, while band mixes teach that instruments come in company. Draws from its own
 * stream; returns a new arrangement (the input's masks are not changed).
 */
export function sparsify(rng: Rng, a: Arrangement, plans: readonly PartPlan[], sections: readonly Section[]): Arrangement {
  const masks = new Map<string, ActivityMask>([...a.masks].map(([id, m]): [string, ActivityMask] => [id, [...m]]));
  const events = [...a.events];
  if (plans.length < 3) return { masks, soloist: a.soloist, events };
  const thin = (s: Section, bars: number, what: string): void => {
    const players = rng.shuffle(plans.filter((p) => (masks.get(p.id) ?? []).slice(s.startBar, s.startBar + s.bars).some(Boolean)));
    if (players.length < 2) return;
    const keep = players.slice(0, rng.chance(0.5) ? 1 : 2);
    for (const plan of plans) if (!keep.includes(plan)) setRange(masks.get(plan.id), s.startBar, bars, false);
    for (const plan of keep) setRange(masks.get(plan.id), s.startBar, bars, true);
    events.push(`${what}: ${keep.map((p) => p.label).join(" + ")}`);
  };
  sections.forEach((s, i) => {
    if (s.kind === "break" || s.kind === "solo") return;
    if (i === 0 && s.kind === "intro") {
      if (rng.chance(0.5)) thin(s, s.bars, "intro (sparse)");
    } else if (rng.chance(0.2)) {
      thin(s, Math.max(1, Math.floor(s.bars / 2)), `bar ${s.startBar + 1} (sparse)`);
    }
  });
  return { masks, soloist: a.soloist, events };
}
