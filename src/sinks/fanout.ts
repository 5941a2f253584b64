/**
 * Delivers every pipeline event to several sinks without ever waiting for one.
 *
 * Per sink, at most one write is in flight; later events wait in a bounded queue (default 256).
 * When the queue is full the NEW event is dropped and counted (keeping the older ones preserves
 * order in logs; a live view catches up on the next frame), except "session" events, which are
 * never dropped. A write that throws or rejects is counted as dropped and logged once per sink.
 * A sink that blocks the event loop synchronously cannot be helped here; sinks must not do that.
 */
import { log } from "../log.js";
import { oneLine } from "../errors.js";
import type { SinkCounters } from "../frame.js";
import type { Sink, SinkEvent } from "./sink.js";

/** Options for {@link Fanout}. */
export interface FanoutOptions {
  /** Events queued per sink behind the one in flight. Default 256. */
  readonly maxQueue?: number;
}

interface Lane {
  readonly sink: Sink;
  readonly queue: SinkEvent[];
  busy: boolean;
  delivered: number;
  dropped: number;
  warned: boolean;
  idle: (() => void)[];
}

/** Fans events out to sinks; see the file comment for the drop policy. */
export class Fanout {
  private readonly lanes: Lane[];
  private readonly maxQueue: number;
  private closed: Promise<void> | undefined;

  constructor(sinks: readonly Sink[], opts: FanoutOptions = {}) {
    this.maxQueue = opts.maxQueue ?? 256;
    this.lanes = sinks.map((sink) => ({ sink, queue: [], busy: false, delivered: 0, dropped: 0, warned: false, idle: [] }));
  }

  /** Adds a sink later (e.g. when recording is switched on). */
  add(sink: Sink): void {
    this.lanes.push({ sink, queue: [], busy: false, delivered: 0, dropped: 0, warned: false, idle: [] });
  }

  /** Hands an event to every sink; returns at once. */
  write(event: SinkEvent): void {
    if (this.closed !== undefined) return;
    for (const lane of this.lanes) {
      if (!lane.busy) this.deliver(lane, event);
      else if (lane.queue.length < this.maxQueue || event.type === "session") lane.queue.push(event);
      else lane.dropped++;
    }
  }

  /** Delivery counters per sink. */
  counters(): SinkCounters[] {
    return this.lanes.map((l) => ({ name: l.sink.name, delivered: l.delivered, dropped: l.dropped, queued: l.queue.length }));
  }

  /** Total events dropped over all sinks. */
  totalDropped(): number {
    return this.lanes.reduce((s, l) => s + l.dropped, 0);
  }

  /**
   * Waits (at most `drainMs`, default 2000) for queued events to be delivered, then closes every
   * sink. Events still queued after the wait are counted as dropped. Idempotent.
   */
  close(drainMs = 2000): Promise<void> {
    this.closed ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
      await Promise.race([Promise.all(this.lanes.map((l) => this.whenIdle(l))), timeout]);
      clearTimeout(timer);
      for (const l of this.lanes) {
        l.dropped += l.queue.length;
        l.queue.length = 0;
      }
      await Promise.all(
        this.lanes.map((l) => l.sink.close().catch((err: unknown) => log.warn(`${l.sink.name}: close failed: ${oneLine(err)}`))),
      );
    })();
    return this.closed;
  }

  private whenIdle(lane: Lane): Promise<void> {
    if (!lane.busy && lane.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => lane.idle.push(resolve));
  }

  private deliver(lane: Lane, event: SinkEvent): void {
    let pending: void | Promise<void>;
    try {
      pending = lane.sink.write(event);
    } catch (err) {
      this.failed(lane, err);
      this.next(lane);
      return;
    }
    if (pending === undefined) {
      lane.delivered++;
      this.next(lane);
      return;
    }
    lane.busy = true;
    pending.then(
      () => {
        lane.delivered++;
        lane.busy = false;
        this.next(lane);
      },
      (err: unknown) => {
        this.failed(lane, err);
        lane.busy = false;
        this.next(lane);
      },
    );
  }

  private next(lane: Lane): void {
    const e = lane.queue.shift();
    if (e !== undefined) {
      this.deliver(lane, e);
      return;
    }
    if (!lane.busy) for (const r of lane.idle.splice(0)) r();
  }

  private failed(lane: Lane, err: unknown): void {
    lane.dropped++;
    if (!lane.warned) {
      lane.warned = true;
      log.warn(`${lane.sink.name}: write failed (${oneLine(err)}); later failures are only counted`);
    }
  }
}
