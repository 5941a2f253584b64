/**
 * Tabla parts: the theka (basic cycle) of teentaal (16 beats), keherwa (8) or dadra (6), spoken
 * as bols and mapped onto the sonic-pi strokes (tabla.ts): dha = ghe + na, dhin = ghe + tun,
 * tin = tun, ta/na = na, ti/te = te, ke/ka = ke, ge = ghe, re = re. Louder sections subdivide
 * beats (dha-ge, tirakita runs); section ends get a tihai-like fill into the next sam.
 */
import type { Rng } from "./rng.js";
import type { Note, Section } from "./score.js";
import { strokeKey, type TablaStroke } from "./tabla.js";

const THEKA = {
  teentaal: ["dha", "dhin", "dhin", "dha", "dha", "dhin", "dhin", "dha", "dha", "tin", "tin", "ta", "ta", "dhin", "dhin", "dha"],
  keherwa: ["dha", "ge", "na", "ti", "na", "ka", "dhin", "na"],
  dadra: ["dha", "dhin", "na", "dha", "tin", "na"],
} as const;

/** Strokes of one bol; the first is the main stroke. */
function strokes(rng: Rng, bol: string): TablaStroke[] {
  const ghe = (): TablaStroke => rng.pick(["ghe1", "ghe2", "ghe3", "ghe4", "ghe5", "ghe6", "ghe7", "ghe8"] as const);
  const na = (): TablaStroke => rng.pick(["na", "na_o", "na_s"] as const);
  const tun = (): TablaStroke => rng.pick(["tun1", "tun2", "tun3"] as const);
  const te = (): TablaStroke => rng.pick(["te1", "te2", "te_m", "te_ne"] as const);
  const ke = (): TablaStroke => rng.pick(["ke1", "ke2", "ke3"] as const);
  switch (bol) {
    case "dha":
      return [na(), ghe()];
    case "dhin":
      return [tun(), ghe()];
    case "tin":
      return [tun()];
    case "ta":
    case "na":
      return [na()];
    case "ti":
    case "te":
      return [te()];
    case "ka":
    case "ke":
    case "ki":
      return [ke()];
    case "ge":
      return [ghe()];
    case "re":
      return ["re"];
    default:
      return [rng.pick(["tas1", "tas2", "tas3", "dhec"] as const)];
  }
}

/** Picks the taal for a meter. */
export function pickTaal(rng: Rng, beatsPerBar: number): keyof typeof THEKA {
  return beatsPerBar === 3 ? "dadra" : rng.chance(0.55) ? "teentaal" : "keherwa";
}

/** Tabla notes of one section. */
export function tablaSection(rng: Rng, section: Section, beatsPerBar: number, taal: keyof typeof THEKA): Note[] {
  const cycle = THEKA[taal];
  const notes: Note[] = [];
  const beats = section.bars * beatsPerBar;
  const start = section.startBar * beatsPerBar;
  const busy = section.energy > 0.7 ? 0.6 : section.energy > 0.45 ? 0.3 : 0.1;
  const hit = (beat: number, bol: string, vel: number): void => {
    const ss = strokes(rng, bol);
    ss.forEach((s, i) => notes.push({ beat, beats: 0.25, key: strokeKey(s), vel: clamp(vel - i * 12 + rng.int(-8, 8)) }));
  };
  const base = 60 + 50 * section.energy;
  const fillFrom = beats - (rng.chance(0.6) ? Math.min(beats, rng.pick([2, 4])) : 0);
  for (let m = 0; m < beats; m++) {
    const beat = start + m;
    const bol = cycle[m % cycle.length] as string;
    const sam = m % cycle.length === 0;
    if (m >= fillFrom) {
      // tirakita / dha-ge runs in 16ths into the next sam
      const run = rng.pick([
        ["ti", "re", "ki", "ta"],
        ["dha", "ge", "te", "te"],
        ["ka", "ta", "ge", "na"],
      ]);
      run.forEach((b, i) => hit(beat + i / 4, b, base + (i === 0 ? 10 : 0)));
      continue;
    }
    hit(beat, bol, base + (sam ? 20 : 0));
    if (rng.chance(busy)) {
      const sub = rng.pick([["ge"], ["na"], ["te"], ["ti", "re"]]);
      sub.forEach((b, i) => hit(beat + (i + 1) / (sub.length + 1), b, base - 20));
    }
  }
  // Land on sam after the section with a dha.
  if (section.kind === "outro") hit(start + beats, "dha", base + 20);
  return notes;
}

function clamp(v: number): number {
  return Math.max(1, Math.min(127, Math.round(v)));
}
