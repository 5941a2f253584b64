/**
 * Synthetic artists. Real multitrack datasets hold several songs per act, and songs of one act
 * share a style, a singer and a sound; the artist-conditional split exists because of that. So
 * each synthetic artist has a profile (style, lead voices, preferred sound banks and kit, tempo
 * habit) and 1-4 consecutive tracks of the corpus. Track k's artist is computable from the seed
 * alone, so any track can be generated on its own.
 */
import { CLASSES } from "../classes.js";
import { Rng } from "./rng.js";
import { VOICES, type Voice } from "./singer.js";
import { CLASS_INDEX_BY_LABEL } from "../classes.js";
import { STYLES, type Style } from "./styles.js";

/** An artist profile. */
export interface Artist {
  /** Artist name: `Synth<seed>A<index>`, ASCII without `_` (MedleyDB ids are Artist_Title). */
  readonly name: string;
  readonly index: number;
  readonly style: Style;
  /** The act's male and female lead voices (a song uses one, or both for a duet). */
  readonly maleVoice: Voice;
  readonly femaleVoice: Voice;
  /** Names of the GM banks this act prefers (a subset of the corpus's banks). */
  readonly banks: readonly string[];
  /** Tempo habit: a factor applied within the style's range (0 = slowest, 1 = fastest). */
  readonly tempoBias: number;
  /**
   * The act's signature instrument, in every song (bands keep their line-up): the featured class
   * of its first track. Undefined for solo artists (their songs feature one instrument each).
   */
  readonly signature: string | undefined;
}

/** Corpus-level inputs for artist profiles. */
export interface ArtistOptions {
  readonly seed: number;
  /** GM bank names available (from --soundfonts). */
  readonly gmBanks: readonly string[];
  /** Restrict styles (names); empty = all, weighted by Style.weight. */
  readonly styles: readonly string[];
  /** Restrict voices (metadata names); empty = all. */
  readonly voices: readonly string[];
  /** The styles to draw from (styles-extra.ts corpusStyles); default the existing {@link STYLES}. */
  readonly stylePool?: readonly Style[];
}

/** Consecutive tracks of one artist. */
export interface ArtistBlock {
  readonly artist: number;
  /** Index of the artist's first track. */
  readonly first: number;
  /** Number of tracks (the last block of a corpus may extend past its end). */
  readonly size: number;
}

/** Artist blocks covering tracks 0..n-1 (1-4 tracks each, mean ~2, like MedleyDB's acts). */
export function artistBlocks(seed: number, n: number): ArtistBlock[] {
  const rng = new Rng(`synth/${seed}/artist-blocks`);
  const out: ArtistBlock[] = [];
  let first = 0;
  while (first < n) {
    const size = rng.weighted<number>([
      [1, 3],
      [2, 3],
      [3, 2],
      [4, 1],
    ]);
    out.push({ artist: out.length, first, size });
    first += size;
  }
  return out;
}

/**
 * The class track k features (class balance): the 18 classes in a seeded order, a fresh order for
 * every 18 tracks, so every run of 18 consecutive tracks features each class once. A featured
 * class is forced into the song's line-up when its style has a place for it (song.ts), and picks
 * the style of the artist whose first track it is, so rare classes (tabla, flute, cello...) are
 * as present as common ones.
 */
export function featuredClass(seed: number, k: number): string {
  const cycle = Math.floor(k / CLASSES.length);
  const order = new Rng(`synth/${seed}/featured/${cycle}`).shuffle(CLASSES.map((c) => c.label));
  return order[k % CLASSES.length] as string;
}

/** True when no slot of the style can play any of the 18 classes. */
export function hostsNoClass(style: Style): boolean {
  return style.slots.every((slot) => slot.classes.every(([l]) => !CLASS_INDEX_BY_LABEL.has(l)));
}

/** Weight of a class in a style: the summed probability of the slots that can play it. */
export function classWeightInStyle(style: Style, label: string): number {
  let w = 0;
  for (const slot of style.slots) {
    const total = slot.classes.reduce((a, [, x]) => a + x, 0);
    const mine = slot.classes.find(([l]) => l === label)?.[1] ?? 0;
    if (mine > 0) w += slot.p * Math.max(0.25, mine / total);
  }
  return w;
}

/**
 * The profile of an artist. Its style is drawn among the allowed styles in proportion to
 * style weight × how well the style hosts the classes its tracks feature (artists that feature
 * tabla play Indian classical or fusion, those that feature flute play jazz, chamber, ...).
 */
export function makeArtist(block: ArtistBlock, opts: ArtistOptions): Artist {
  const index = block.artist;
  const rng = new Rng(`synth/${opts.seed}/artist/${index}`);
  const stylePool = opts.stylePool ?? STYLES;
  const allowed = opts.styles.length === 0 ? stylePool : stylePool.filter((s) => opts.styles.includes(s.name));
  const featured = Array.from({ length: block.size }, (_, i) => featuredClass(opts.seed, block.first + i));
  const fit = (s: Style): number => featured.reduce((a, c, i) => a + classWeightInStyle(s, c) * (i === 0 ? 2 : 1), 0);
  // A style that hosts none of the 18 classes (realism `extra`: solo-other) is drawn by its own
  // weight: its songs are the examples of "no class plays" and feature no class.
  const fitting = allowed.filter((s) => classWeightInStyle(s, featured[0] as string) > 0 || hostsNoClass(s));
  const styles = fitting.length > 0 ? fitting : allowed;
  const style = rng.weighted(styles.map((s) => [s, s.weight * (hostsNoClass(s) ? 1 : 0.05 + fit(s))] as const));
  const pool = opts.voices.length === 0 ? VOICES : VOICES.filter((v) => opts.voices.includes(v.name));
  // A sex missing from a restricted list falls back to all voices of that sex: a "female
  // singer" stem must be sung by a female voice.
  const ofSex = (sex: Voice["sex"]): Voice[] => {
    const chosen = pool.filter((v) => v.sex === sex);
    return chosen.length > 0 ? chosen : VOICES.filter((v) => v.sex === sex);
  };
  const banks = rng.shuffle(opts.gmBanks).slice(0, rng.int(1, Math.max(1, opts.gmBanks.length)));
  return {
    name: `Synth${opts.seed}A${String(index).padStart(3, "0")}`,
    index,
    style,
    maleVoice: rng.pick(ofSex("male")),
    femaleVoice: rng.pick(ofSex("female")),
    banks,
    tempoBias: rng.next(),
    signature: style.form === "solo" ? undefined : featured[0],
  };
}
