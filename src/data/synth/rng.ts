/**
 * Seeded random numbers for the synthetic corpus. Every random choice of the generator comes from
 * an `Rng`, so the same seed and options give byte-identical files.
 *
 * Streams are forked by NAME (`rng.fork("drums")`), not drawn in sequence, so adding a choice in
 * one part of the generator does not shift the numbers every other part sees, and track `k` of a
 * corpus depends only on (seed, k): tracks can be generated in any order or in parallel.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's "small fast counting" PRNG, PractRand-clean), seeded by
 * a 128-bit FNV-1a-style string hash. Pure 32-bit integer arithmetic: identical on every platform.
 */

/** A deterministic random stream. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The key this stream was derived from (seed and fork path), for error messages and metadata. */
  readonly key: string;

  /** Creates a stream from a string or integer key. */
  constructor(key: string | number) {
    this.key = String(key);
    const [a, b, c, d] = hash128(this.key);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // Warm up: sfc32 needs a few rounds before seeds that differ in one bit decorrelate.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A new independent stream named `name` below this one (does not advance this stream). */
  fork(name: string | number): Rng {
    return new Rng(`${this.key}/${name}`);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element. Throws on an empty list (a generator bug, not a user error). */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error(`Rng.pick on an empty list (${this.key})`);
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An element chosen with probability proportional to its weight (weights >= 0, not all 0). */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += Math.max(0, w);
    if (!(total > 0)) throw new Error(`Rng.weighted with no positive weight (${this.key})`);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= Math.max(0, w);
      if (r < 0) return item;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** Standard normal deviate (Box-Muller, one value per call). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = out[i] as T;
      out[i] = out[j] as T;
      out[j] = t;
    }
    return out;
  }
}

/** 128-bit string hash: four FNV-1a lanes with different offsets, finalised with murmur3's fmix32. */
function hash128(s: string): [number, number, number, number] {
  const lanes = [0x811c9dc5, 0x01000193 ^ 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35];
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    for (let l = 0; l < 4; l++) lanes[l] = Math.imul((lanes[l] as number) ^ (ch + l * 0x3b), 0x01000193);
  }
  return lanes.map((h, l) => fmix32((h ^ (s.length * (l + 1))) >>> 0)) as [number, number, number, number];
}

function fmix32(h0: number): number {
  let h = h0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
