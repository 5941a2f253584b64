/**
 * Per-class active/inactive decisions with hysteresis around the model's per-class thresholds and
 * a minimum hold time, so a score hovering at its threshold does not flicker the "active" flag.
 *
 * With threshold th and band b (0 <= b < 1), a class turns ON when its score reaches
 * th + b (1 - th) and turns OFF when it falls below th - b th: the band is a fraction of the room
 * above and below the threshold, so both levels stay inside (0, 1) for any threshold (an absolute
 * band would put the ON level above 1 for the high thresholds some classes get). b = 0 is a plain
 * threshold (score >= th). After any change the state is held for at least minHoldSec on the
 * sample clock. A muted class is inactive at once, whatever its score and hold.
 */

/** Options for {@link Hysteresis}. */
export interface HysteresisOptions {
  /** Per-class thresholds in [0, 1] (the model's, usually). */
  readonly thresholds: ArrayLike<number>;
  /** Relative band in [0, 1). Default 0.1. */
  readonly band?: number;
  /** Minimum time a state is held after a change, seconds (>= 0). Default 0.5. */
  readonly minHoldSec?: number;
}

/** Default relative band. */
export const DEFAULT_HYSTERESIS_BAND = 0.1;
/** Default minimum hold, seconds. */
export const DEFAULT_MIN_HOLD_SEC = 0.5;

function checkThreshold(v: number, what: string): number {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`Expected ${what} in [0, 1], got ${v}`);
  return v;
}

/** Active flags for one stream of per-class scores. */
export class Hysteresis {
  readonly size: number;
  private readonly thresholds: Float64Array;
  private readonly muted: Uint8Array;
  private readonly state: Uint8Array;
  /** Time of each class's last change (NaN: never changed). */
  private readonly changedAt: Float64Array;
  private band: number;
  private minHoldSec: number;

  constructor(opts: HysteresisOptions) {
    this.size = opts.thresholds.length;
    this.thresholds = Float64Array.from(opts.thresholds, (v, i) => checkThreshold(v, `threshold[${i}]`));
    this.band = DEFAULT_HYSTERESIS_BAND;
    this.minHoldSec = DEFAULT_MIN_HOLD_SEC;
    this.configure({ band: opts.band ?? DEFAULT_HYSTERESIS_BAND, minHoldSec: opts.minHoldSec ?? DEFAULT_MIN_HOLD_SEC });
    this.muted = new Uint8Array(this.size);
    this.state = new Uint8Array(this.size);
    this.changedAt = new Float64Array(this.size).fill(Number.NaN);
  }

  /** Changes band and/or hold for all classes. */
  configure(opts: { readonly band?: number; readonly minHoldSec?: number }): void {
    if (opts.band !== undefined) {
      if (!(opts.band >= 0 && opts.band < 1)) throw new RangeError(`Expected band in [0, 1), got ${opts.band}`);
      this.band = opts.band;
    }
    if (opts.minHoldSec !== undefined) {
      if (!(opts.minHoldSec >= 0 && Number.isFinite(opts.minHoldSec)))
        throw new RangeError(`Expected minHoldSec >= 0, got ${opts.minHoldSec}`);
      this.minHoldSec = opts.minHoldSec;
    }
  }

  /** Sets one class's threshold (takes effect on the next step). */
  setThreshold(classIndex: number, value: number): void {
    this.checkIndex(classIndex);
    this.thresholds[classIndex] = checkThreshold(value, "threshold");
  }

  /** Current thresholds (a copy). */
  getThresholds(): Float64Array {
    return this.thresholds.slice();
  }

  /** Mutes (forces inactive) or unmutes a class. */
  setMuted(classIndex: number, muted: boolean): void {
    this.checkIndex(classIndex);
    this.muted[classIndex] = muted ? 1 : 0;
  }

  /** Muted flags (a copy). */
  getMuted(): Uint8Array {
    return this.muted.slice();
  }

  /** ON level of a class: th + band (1 - th). */
  onLevel(classIndex: number): number {
    const th = this.thresholds[classIndex] as number;
    return th + this.band * (1 - th);
  }

  /** OFF level of a class: th - band th (a score below it turns the class off). */
  offLevel(classIndex: number): number {
    const th = this.thresholds[classIndex] as number;
    return th - this.band * th;
  }

  /** Advances to the frame at `tSec` with (smoothed) scores; returns new active flags (0/1). */
  step(scores: ArrayLike<number>, tSec: number): Uint8Array {
    if (scores.length !== this.size) throw new RangeError(`Hysteresis: got ${scores.length} scores, expected ${this.size}`);
    for (let c = 0; c < this.size; c++) {
      const on = this.state[c] === 1;
      let next = on;
      if (this.muted[c] === 1) next = false;
      else {
        const held = Number.isNaN(this.changedAt[c]) || tSec - (this.changedAt[c] as number) >= this.minHoldSec - 1e-9;
        const s = scores[c] as number;
        if (held) next = on ? !(s < this.offLevel(c)) : s >= this.onLevel(c);
      }
      if (next !== on) {
        this.state[c] = next ? 1 : 0;
        this.changedAt[c] = tSec;
      }
    }
    return this.state.slice();
  }

  /** Forgets states and hold times (thresholds and mutes are kept). */
  reset(): void {
    this.state.fill(0);
    this.changedAt.fill(Number.NaN);
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new RangeError(`class index ${i} out of range [0, ${this.size})`);
  }
}
