/**
 * A fixed-capacity ring of float32 samples addressed by absolute sample index (the sample clock),
 * so a reader asks for "samples [start, start + n)" rather than tracking wrap-around itself.
 * Writing more than `capacity` samples ahead of an unread range overwrites it; reading a range that
 * has been overwritten (or not yet written) is a RangeError, never silently stale data.
 */

/** Ring buffer of samples indexed on the sample clock. */
export class SampleRing {
  /** Maximum number of most recent samples held. */
  readonly capacity: number;
  private readonly buf: Float32Array;
  /** Absolute index one past the newest sample written (total written). */
  private end = 0;

  /** @param capacity samples held, a positive integer */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new RangeError(`SampleRing: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.buf = new Float32Array(capacity);
  }

  /** Absolute index one past the newest sample (= number of samples ever written). */
  get writeIndex(): number {
    return this.end;
  }

  /** Absolute index of the oldest sample still held. */
  get oldestIndex(): number {
    return Math.max(0, this.end - this.capacity);
  }

  /** Appends samples (any length; only the newest `capacity` of a long write are kept). */
  write(samples: ArrayLike<number>): void {
    const n = samples.length;
    const cap = this.capacity;
    let from = 0;
    if (n > cap) {
      from = n - cap;
      this.end += from;
    }
    let at = this.end % cap;
    let i = from;
    while (i < n) {
      const run = Math.min(n - i, cap - at);
      if (samples instanceof Float32Array || samples instanceof Float64Array) {
        this.buf.set(samples.subarray(i, i + run), at);
      } else {
        for (let k = 0; k < run; k++) this.buf[at + k] = samples[i + k] as number;
      }
      i += run;
      at = (at + run) % cap;
    }
    this.end += n - from;
  }

  /**
   * Copies samples [start, start + out.length) into `out`.
   * @throws RangeError if any of them is not held (already overwritten or not yet written)
   */
  read(start: number, out: Float32Array): Float32Array {
    const n = out.length;
    if (start < this.oldestIndex || start + n > this.end) {
      throw new RangeError(`SampleRing: [${start}, ${start + n}) is not held (holding [${this.oldestIndex}, ${this.end}))`);
    }
    const cap = this.capacity;
    const at = start % cap;
    const first = Math.min(n, cap - at);
    out.set(this.buf.subarray(at, at + first), 0);
    if (first < n) out.set(this.buf.subarray(0, n - first), first);
    return out;
  }

  /** Forgets everything and restarts the sample clock at 0. */
  reset(): void {
    this.end = 0;
  }
}
