/**
 * Latency percentiles of a live run (capture to sinks, and time per scorer batch), over the most
 * recent values only, so a long run reports its current behaviour in constant memory.
 */
import type { LatencySummary } from "../frame.js";

/** Keeps the most recent latencies and reports percentiles. */
export class LatencyStats {
  private readonly values: Float64Array;
  private count = 0;

  /** @param capacity most recent values kept (default 2000: ~8 min at a 0.25 s hop) */
  constructor(capacity = 2000) {
    this.values = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.values[this.count % this.values.length] = ms;
    this.count++;
  }

  /** Percentiles (nearest rank) over the kept values; NaN when empty. */
  summary(): LatencySummary {
    const n = Math.min(this.count, this.values.length);
    const sorted = this.values.slice(0, n).sort();
    const q = (p: number): number => (n === 0 ? Number.NaN : (sorted[Math.min(n - 1, Math.ceil(p * n) - 1)] as number));
    return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: n === 0 ? Number.NaN : (sorted[n - 1] as number), count: this.count };
  }
}
