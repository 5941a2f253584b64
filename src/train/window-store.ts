/**
 * Random access to 1 s training windows across many feature-cache entries (track x variant).
 *
 * The paper's augmented training set is ~12x the audio (every pitch variant), tens of GB of
 * float32 for the full datasets: too much to hold, so windows are read on demand with positional
 * reads from the cache files (opened with `openFeatureFile` from `src/data/feature-cache.ts`,
 * which owns the layout), through a small pool of open file
 * descriptors. Labels are small and kept in memory. Entries may also live in memory (tests).
 */
import { closeSync, openSync, readSync } from "node:fs";

/**
 * A stored label byte meaning "not claimed either way" (real recordings checked for only some
 * classes, real-negatives.ts). `read` turns it into the target -1, which the loss leaves out.
 */
export const UNKNOWN_LABEL = 255;

/** Where an entry's mel windows are. */
export type EntrySource =
  { readonly kind: "file"; readonly path: string; readonly dataOffset: number } | { readonly kind: "memory"; readonly mel: Float32Array };

/** One track x variant. */
export interface StoreEntry {
  readonly trackId: string;
  /** Index of the track in the split list it belongs to (validation/test keep tracks contiguous). */
  readonly trackIndex: number;
  readonly variant: string;
  readonly nWindows: number;
  /** [nWindows][nClasses] 0/1, or UNKNOWN_LABEL. */
  readonly labels: Uint8Array;
  readonly source: EntrySource;
}

/** Windows of many entries, addressed as (entry, window). */
export class WindowStore {
  /** Values per window (nMels * nFrames). */
  readonly windowSize: number;
  private readonly fds = new Map<number, number>();
  private readonly maxOpen: number;

  constructor(
    readonly entries: readonly StoreEntry[],
    readonly shape: { readonly nMels: number; readonly nFrames: number; readonly nClasses: number },
    opts: { maxOpenFiles?: number } = {},
  ) {
    this.windowSize = shape.nMels * shape.nFrames;
    this.maxOpen = opts.maxOpenFiles ?? 64;
  }

  /** Total windows over all entries. */
  get totalWindows(): number {
    return this.entries.reduce((a, e) => a + e.nWindows, 0);
  }

  /**
   * Copies windows `refs` (pairs: entry, window) into `x` (row k at k * windowSize) and their
   * labels as 0/1 floats into `y` (row k at k * nClasses); an UNKNOWN_LABEL becomes -1.
   */
  read(refs: Int32Array, x: Float32Array, y: Float32Array): void {
    const n = refs.length / 2;
    const size = this.windowSize;
    const nc = this.shape.nClasses;
    for (let k = 0; k < n; k++) {
      const e = refs[2 * k] as number;
      const w = refs[2 * k + 1] as number;
      const entry = this.entries[e];
      if (entry === undefined || w < 0 || w >= entry.nWindows) throw new RangeError(`window store: no window ${w} in entry ${e}`);
      const dst = x.subarray(k * size, (k + 1) * size);
      if (entry.source.kind === "memory") dst.set(entry.source.mel.subarray(w * size, (w + 1) * size));
      else {
        const bytes = new Uint8Array(dst.buffer, dst.byteOffset, size * 4);
        const got = readSync(this.fd(e, entry.source.path), bytes, 0, bytes.length, entry.source.dataOffset + w * size * 4);
        if (got !== bytes.length) throw new Error(`${entry.source.path}: short read of window ${w}`);
      }
      for (let c = 0; c < nc; c++) {
        const v = entry.labels[w * nc + c] as number;
        y[k * nc + c] = v === UNKNOWN_LABEL ? -1 : v;
      }
    }
  }

  /**
   * Calls `fn` on every window in store order, `batchSize` at a time: `x` and `y` filled as by
   * {@link read} (rows 0 to n-1) and the track index of each row. The arrays are reused between calls.
   */
  async forEachBatch(
    batchSize: number,
    fn: (x: Float32Array, y: Float32Array, n: number, tracks: Int32Array) => void | Promise<void>,
  ): Promise<void> {
    const x = new Float32Array(batchSize * this.windowSize);
    const y = new Float32Array(batchSize * this.shape.nClasses);
    const refs = new Int32Array(2 * batchSize);
    const tracks = new Int32Array(batchSize);
    let pending = 0;
    const flush = async (): Promise<void> => {
      if (pending === 0) return;
      this.read(refs.subarray(0, 2 * pending), x, y);
      await fn(x, y, pending, tracks);
      pending = 0;
    };
    for (const [i, e] of this.entries.entries()) {
      for (let w = 0; w < e.nWindows; w++) {
        refs[2 * pending] = i;
        refs[2 * pending + 1] = w;
        tracks[pending] = e.trackIndex;
        if (++pending === batchSize) await flush();
      }
    }
    await flush();
  }

  private fd(entry: number, path: string): number {
    const open = this.fds.get(entry);
    if (open !== undefined) {
      // refresh LRU order
      this.fds.delete(entry);
      this.fds.set(entry, open);
      return open;
    }
    if (this.fds.size >= this.maxOpen) {
      const [oldest, fd] = this.fds.entries().next().value as [number, number];
      closeSync(fd);
      this.fds.delete(oldest);
    }
    const fd = openSync(path, "r");
    this.fds.set(entry, fd);
    return fd;
  }

  /** Closes every open file. */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
