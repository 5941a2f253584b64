/**
 * Peak hold for the meters, on the sample clock: a new maximum is taken at once, held for
 * `holdSec`, then falls linearly at `fallPerSec` until it meets the signal (the usual PPM-style
 * hold of console meters; Tone.js's Meter uses the same instant-attack / slow-release idea).
 * Driven by frame times, not display time, so review mode scrubbing gives the same peaks.
 */

/** Options for {@link PeakHold}. */
export interface PeakHoldOptions {
  /** Hold time after a new peak, seconds. Default 1.5. */
  readonly holdSec?: number;
  /** Fall rate after the hold, score units per second. Default 0.5. */
  readonly fallPerSec?: number;
}

/** Peak hold for `n` classes. */
export class PeakHold {
  private readonly peak: Float64Array;
  private readonly heldAt: Float64Array;
  private lastSec = Number.NaN;
  private readonly holdSec: number;
  private readonly fallPerSec: number;

  constructor(
    readonly n: number,
    opts: PeakHoldOptions = {},
  ) {
    this.peak = new Float64Array(n);
    this.heldAt = new Float64Array(n);
    this.holdSec = opts.holdSec ?? 1.5;
    this.fallPerSec = opts.fallPerSec ?? 0.5;
  }

  /** Takes one frame's values at window start `tSec` (seconds); time going backwards resets. */
  update(values: readonly number[], tSec: number): void {
    if (!(tSec >= this.lastSec)) {
      this.peak.fill(0);
      this.heldAt.fill(tSec);
      this.lastSec = tSec;
    }
    for (let c = 0; c < this.n; c++) {
      const v = values[c] ?? 0;
      const p = this.peak[c] as number;
      const releaseFrom = Math.max(this.lastSec, (this.heldAt[c] as number) + this.holdSec);
      const fallen = tSec > releaseFrom ? p - this.fallPerSec * (tSec - releaseFrom) : p;
      if (v >= fallen) {
        // A new (or equal) peak restarts the hold only when it is at least the held value.
        if (v >= p || tSec > releaseFrom) this.heldAt[c] = tSec;
        this.peak[c] = v;
      } else {
        this.peak[c] = fallen;
      }
    }
    this.lastSec = tSec;
  }

  /** Current peaks, per class. */
  values(): number[] {
    return Array.from(this.peak);
  }

  /** Forgets everything. */
  reset(): void {
    this.peak.fill(0);
    this.heldAt.fill(0);
    this.lastSec = Number.NaN;
  }
}
