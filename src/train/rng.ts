/**
 * Seeded randomness for training: every random choice (epoch shuffles, augmentation variants) is a
 * pure function of (run seed, purpose, epoch), so a resumed run makes the same choices as an
 * uninterrupted one without storing generator state.
 */

export { mulberry32 } from "../rng.js";

/** A 32-bit seed derived from a run seed and labels (FNV-1a over their text). */
export function deriveSeed(seed: number, ...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of parts.join("/")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
