/**
 * Conformance suite for sinks (CONTRIBUTING.md, habit 9): every frame written reaches the far end,
 * close() is idempotent, write() after close() neither throws nor delivers, and write() never
 * waits on a far end that does not read.
 */
import { describe, expect, it } from "vitest";
import type { Sink } from "../../src/sinks/sink.js";
import { SESSION, STATUS, makeFrame } from "./pipeline-data.js";

/** One sink under test with a view of its far end. */
export interface SinkUnderTest {
  readonly sink: Sink;
  /** Frames the far end has received so far (waits up to ~2 s for `atLeast`). */
  received(atLeast: number): Promise<number>;
  /** Releases what the harness opened (servers, sockets). */
  cleanup(): Promise<void>;
}

/** How to make sinks for the suite. */
export interface SinkHarness {
  make(): Promise<SinkUnderTest>;
  /** A sink whose far end accepts nothing (a client that stopped reading); default make(). */
  makeStalled?(): Promise<SinkUnderTest>;
}

/** Polls `count()` until it reaches `want` or `ms` pass. */
export async function waitFor(count: () => number, want: number, ms = 2000): Promise<number> {
  const t0 = Date.now();
  while (count() < want && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
  return count();
}

async function writeAll(sink: Sink, frames: number): Promise<void> {
  await sink.write({ type: "session", session: SESSION });
  for (let i = 0; i < frames; i++) await sink.write({ type: "frame", frame: makeFrame(i) });
  await sink.write({ type: "status", status: STATUS });
}

/** Registers the conformance tests for one sink kind. */
export function describeSink(name: string, h: SinkHarness): void {
  describe(`Sink conformance: ${name}`, () => {
    it("delivers the session, every frame and status, in order", async () => {
      const t = await h.make();
      await writeAll(t.sink, 40);
      expect(await t.received(40)).toBe(40);
      await t.sink.close();
      await t.cleanup();
    });

    it("close() is idempotent and write() after close() is a silent no-op", async () => {
      const t = await h.make();
      await writeAll(t.sink, 3);
      expect(await t.received(3)).toBe(3);
      await t.sink.close();
      await t.sink.close();
      expect(() => t.sink.write({ type: "frame", frame: makeFrame(99) })).not.toThrow();
      await new Promise((r) => setTimeout(r, 150));
      expect(await t.received(0)).toBe(3);
      await t.cleanup();
    });

    it("write() returns at once even when the far end does not read", async () => {
      const t = await (h.makeStalled ?? h.make)();
      void t.sink.write({ type: "session", session: SESSION });
      const t0 = performance.now();
      for (let i = 0; i < 2000; i++) void t.sink.write({ type: "frame", frame: makeFrame(i) });
      const ms = performance.now() - t0;
      expect(ms, "2000 writes, ms").toBeLessThan(1500);
      await t.sink.close();
      await t.cleanup();
    });
  });
}
