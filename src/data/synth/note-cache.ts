/**
 * A byte-bounded LRU cache of rendered notes, shared by every track of a process. Keys name
 * everything a render depends on (source, preset, key, velocity layer, held length, sample
 * rate), and renders do not depend on what was rendered before (soundfont-voice.ts), so the
 * cache changes speed only, never output bytes.
 */

/** Default capacity: 384 MiB of float32 samples. */
export const DEFAULT_NOTE_CACHE_BYTES = 384 * 1024 * 1024;

/** LRU cache of mono note renders. */
export class NoteCache {
  private readonly map = new Map<string, Float32Array>();
  private bytes = 0;
  /** Renders served from the cache / rendered afresh (for the speed report). */
  hits = 0;
  misses = 0;

  constructor(readonly capacityBytes: number = DEFAULT_NOTE_CACHE_BYTES) {}

  /** The cached render for `key`, or `render()`'s result, stored. */
  get(key: string, render: () => Float32Array): Float32Array {
    const found = this.map.get(key);
    if (found !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.map.delete(key);
      this.map.set(key, found);
      this.hits++;
      return found;
    }
    this.misses++;
    const value = render();
    this.map.set(key, value);
    this.bytes += value.byteLength;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.capacityBytes || k === key) break;
      this.map.delete(k);
      this.bytes -= v.byteLength;
    }
    return value;
  }

  /** Number of cached notes. */
  get size(): number {
    return this.map.size;
  }
}
