/**
 * History for the scrolling timeline. Frames are kept by their sample-clock time (window start,
 * startSample / sampleRateHz), never by arrival time, so the picture is the same however the
 * network delayed the frames, and a review file draws exactly like the live run did.
 */
/** One analysed window of one lane, on the sample clock. */
export interface FramePoint {
  /** Window start, seconds (startSample / sampleRateHz). */
  readonly tSec: number;
  readonly raw: readonly number[];
  readonly smoothed: readonly number[];
  readonly active: readonly number[];
}

/** Seconds of history the timeline shows. */
export const TIMELINE_SPAN_SEC = 60;

/** Frames in time order, queried by time range. */
export interface TimeSeries {
  /** Start of the newest frame, seconds (null when empty). */
  latestSec(): number | null;
  /** Calls `cb` for each frame with fromSec - maxGap <= tSec <= toSec, oldest first (the frame just before `fromSec` still covers it). */
  forEachInRange(fromSec: number, toSec: number, cb: (p: FramePoint) => void): void;
}

/**
 * A fixed-capacity ring of frames with increasing times (the live history). Capacity 4096 holds
 * 60 s at hops down to ~15 ms; older frames are overwritten.
 */
export class FrameRing implements TimeSeries {
  private readonly buf: (FramePoint | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity = 4096) {
    this.buf = new Array<FramePoint | undefined>(capacity);
  }

  /** Number of frames kept. */
  get size(): number {
    return this.count;
  }

  /**
   * Appends a frame.
   * @throws RangeError when it is not newer than the newest kept frame (the caller drops stale frames)
   */
  push(p: FramePoint): void {
    const last = this.latestSec();
    if (last !== null && !(p.tSec > last)) throw new RangeError(`FrameRing: frame at ${p.tSec} s is not after ${last} s`);
    this.buf[(this.head + this.count) % this.capacity] = p;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** Empties the ring. */
  clear(): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  latestSec(): number | null {
    return this.count === 0 ? null : this.at(this.count - 1).tSec;
  }

  forEachInRange(fromSec: number, toSec: number, cb: (p: FramePoint) => void): void {
    let i = lowerBound(this.count, (k) => this.at(k).tSec, fromSec);
    // The frame that starts before fromSec still covers it.
    if (i > 0 && (i === this.count || this.at(i).tSec > fromSec)) i--;
    for (; i < this.count; i++) {
      const p = this.at(i);
      if (p.tSec > toSec) break;
      cb(p);
    }
  }

  private at(k: number): FramePoint {
    return this.buf[(this.head + k) % this.capacity] as FramePoint;
  }
}

/** A whole recording's frames (review mode), sorted by time. */
export class ArraySeries implements TimeSeries {
  constructor(readonly points: readonly FramePoint[]) {}

  latestSec(): number | null {
    return this.points.at(-1)?.tSec ?? null;
  }

  forEachInRange(fromSec: number, toSec: number, cb: (p: FramePoint) => void): void {
    let i = lowerBound(this.points.length, (k) => (this.points[k] as FramePoint).tSec, fromSec);
    if (i > 0 && (i === this.points.length || (this.points[i] as FramePoint).tSec > fromSec)) i--;
    for (; i < this.points.length; i++) {
      const p = this.points[i] as FramePoint;
      if (p.tSec > toSec) break;
      cb(p);
    }
  }

  /** The newest frame starting at or before `tSec`, or undefined. */
  at(tSec: number): FramePoint | undefined {
    const i = lowerBound(this.points.length, (k) => (this.points[k] as FramePoint).tSec, tSec);
    const exact = this.points[i];
    if (exact !== undefined && exact.tSec === tSec) return exact;
    return i > 0 ? this.points[i - 1] : undefined;
  }
}

/** First k in [0, n) with key(k) >= x (n when none); key must be non-decreasing. */
export function lowerBound(n: number, key: (k: number) => number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pixel x of time `tSec` on a timeline `widthPx` wide whose right edge is `nowSec` and which spans `spanSec`. */
export function timeToX(tSec: number, nowSec: number, spanSec: number, widthPx: number): number {
  return ((tSec - (nowSec - spanSec)) / spanSec) * widthPx;
}

/**
 * The live timeline's right edge, seconds: the end of the newest hop (latest window start + hop),
 * advanced smoothly by the display time since that frame arrived but never more than one hop, so
 * the picture scrolls at display rate between frames without running ahead of the data.
 */
export function liveNowSec(latestStartSec: number, hopSec: number, sinceArrivalMs: number): number {
  return latestStartSec + hopSec + Math.min(hopSec, Math.max(0, sinceArrivalMs / 1000));
}
