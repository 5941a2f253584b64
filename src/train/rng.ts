/**
 * Seeded randomness for training: every random choice (epoch shuffles, augmentation variants) is a
 * pure function of (run seed, purpose, epoch), so a resumed run makes the same choices as an
 * uninterrupted one without storing generator state.
 */

/** mulberry32: a small, well-mixed 32-bit generator; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed derived from a run seed and labels (FNV-1a over their text). */
export function deriveSeed(seed: number, ...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of parts.join("/")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
