/**
 * Per-class score smoothing with separate attack and release times (meter ballistics).
 *
 * Each class is a one-pole filter y += a (x - y) with a = 1 - exp(-dt / tau), tau = attackSec when
 * the score rises above the smoothed value and releaseSec when it falls (tau = 0: follow at once).
 * dt comes from the frames' sample clock, so a dropped window is a longer step rather than a wrong
 * time constant. A release of 0.25 / ln 2 s at a 0.25 s hop halves a dropped score every frame.
 * Like Tone's Meter, the default is an instant attack and a slower release, so an instrument entry
 * shows at once while a short gap does not flicker the meter.
 */

/** Attack/release times, seconds (>= 0). */
export interface BallisticsTimes {
  /** Time constant while the score rises, seconds. Default 0 (instant). */
  readonly attackSec: number;
  /** Time constant while the score falls, seconds. Default 0.5. */
  readonly releaseSec: number;
}

/** The defaults: instant attack, 0.5 s release. */
export const DEFAULT_BALLISTICS: BallisticsTimes = Object.freeze({ attackSec: 0, releaseSec: 0.5 });

function checkTimes(t: BallisticsTimes): BallisticsTimes {
  for (const [k, v] of Object.entries(t)) {
    if (!(typeof v === "number" && v >= 0 && Number.isFinite(v))) throw new RangeError(`Expected ${k} >= 0 seconds, got ${String(v)}`);
  }
  return t;
}

const coeff = (tauSec: number, dtSec: number): number => (tauSec <= 0 ? 1 : 1 - Math.exp(-dtSec / tauSec));

/** Smooths one stream of per-class score vectors. */
export class Ballistics {
  /** Number of classes. */
  readonly size: number;
  private readonly times: BallisticsTimes[];
  private readonly y: Float32Array;
  private lastSec = Number.NaN;

  /**
   * @param size   classes per frame
   * @param times  one setting for all classes, or one per class (default DEFAULT_BALLISTICS)
   */
  constructor(size: number, times: BallisticsTimes | readonly BallisticsTimes[] = DEFAULT_BALLISTICS) {
    this.size = size;
    const list = Array.isArray(times)
      ? (times as readonly BallisticsTimes[])
      : Array.from({ length: size }, () => times as BallisticsTimes);
    if (list.length !== size) throw new RangeError(`Ballistics: ${list.length} settings for ${size} classes`);
    this.times = list.map((t) => checkTimes({ ...t }));
    this.y = new Float32Array(size);
  }

  /** Changes the times of one class (index) or of all classes (undefined). */
  setTimes(times: BallisticsTimes, classIndex?: number): void {
    checkTimes(times);
    if (classIndex === undefined) this.times.fill({ ...times });
    else if (classIndex >= 0 && classIndex < this.size) this.times[classIndex] = { ...times };
    else throw new RangeError(`Ballistics: class index ${classIndex} out of range`);
  }

  /** Current times of a class. */
  timesOf(classIndex: number): BallisticsTimes {
    const t = this.times[classIndex];
    if (t === undefined) throw new RangeError(`Ballistics: class index ${classIndex} out of range`);
    return t;
  }

  /**
   * Advances to the frame at `tSec` (seconds on the sample clock) with raw scores `x`; returns a
   * new array of smoothed scores. The first frame (or one not after the previous) passes through.
   */
  step(x: ArrayLike<number>, tSec: number): Float32Array {
    if (x.length !== this.size) throw new RangeError(`Ballistics: got ${x.length} scores, expected ${this.size}`);
    const dt = tSec - this.lastSec;
    const first = !(dt > 0);
    for (let c = 0; c < this.size; c++) {
      const v = x[c] as number;
      const prev = this.y[c] as number;
      if (first) this.y[c] = v;
      else {
        const t = this.times[c] as BallisticsTimes;
        this.y[c] = prev + coeff(v > prev ? t.attackSec : t.releaseSec, dt) * (v - prev);
      }
    }
    this.lastSec = tSec;
    return this.y.slice();
  }

  /** Forgets the state (next frame passes through). */
  reset(): void {
    this.y.fill(0);
    this.lastSec = Number.NaN;
  }
}
