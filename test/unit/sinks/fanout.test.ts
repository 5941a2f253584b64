import { describe, expect, it } from "vitest";
import { Fanout } from "../../../src/sinks/fanout.js";
import type { Sink, SinkEvent } from "../../../src/sinks/sink.js";
import { setLogWriter } from "../../../src/log.js";
import { SESSION, makeFrame } from "../../helpers/pipeline-data.js";

/** A sink that takes `delayMs` per write and records what it got. */
function slowSink(delayMs: number, name = "slow"): Sink & { got: SinkEvent[]; closed: boolean } {
  const s = {
    name,
    got: [] as SinkEvent[],
    closed: false,
    write(e: SinkEvent): Promise<void> {
      return new Promise((r) => setTimeout(() => (s.got.push(e), r()), delayMs));
    },
    close(): Promise<void> {
      s.closed = true;
      return Promise.resolve();
    },
  };
  return s;
}

const seqs = (evs: SinkEvent[]): number[] => evs.flatMap((e) => (e.type === "frame" ? [e.frame.seq] : []));

describe("Fanout", () => {
  it("never waits for a slow sink: the fast sink gets everything while the slow one drops and counts", async () => {
    const slow = slowSink(50);
    const fast = slowSink(0, "fast");
    const sync: SinkEvent[] = [];
    const f = new Fanout([slow, fast, { name: "sync", write: (e) => void sync.push(e), close: () => Promise.resolve() }], { maxQueue: 4 });
    f.write({ type: "session", session: SESSION });
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) f.write({ type: "frame", frame: makeFrame(i) });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(seqs(sync)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const c = f.counters().find((x) => x.name === "slow")!;
    // session in flight + 4 queued; 100 frames arrived while busy -> 96 dropped
    expect(c.dropped).toBe(96);
    expect(c.queued).toBe(4);
    await f.close();
    expect(seqs(slow.got)).toEqual([0, 1, 2, 3]); // order kept, the newest were dropped
    expect(seqs(fast.got).length).toBeGreaterThan(0);
    expect(slow.closed && fast.closed).toBe(true);
    expect(f.totalDropped()).toBe(96 + f.counters().find((x) => x.name === "fast")!.dropped);
  });

  it("never drops a session event", () => {
    const slow = slowSink(20);
    const f = new Fanout([slow], { maxQueue: 1 });
    f.write({ type: "frame", frame: makeFrame(0) });
    f.write({ type: "frame", frame: makeFrame(1) });
    f.write({ type: "session", session: SESSION });
    expect(f.counters()[0]).toMatchObject({ dropped: 0, queued: 2 });
    return f.close();
  });

  it("counts a failing sink's writes as dropped, logs once, and keeps feeding the others", async () => {
    const lines: string[] = [];
    const prev = setLogWriter((l) => lines.push(l));
    try {
      const ok = slowSink(0, "ok");
      const f = new Fanout([
        {
          name: "bad",
          write: () => {
            throw new Error("disk full");
          },
          close: () => Promise.resolve(),
        },
        { name: "rej", write: () => Promise.reject(new Error("nope")), close: () => Promise.resolve() },
        ok,
      ]);
      for (let i = 0; i < 3; i++) f.write({ type: "frame", frame: makeFrame(i) });
      await f.close();
      expect(f.counters().map((c) => [c.name, c.dropped])).toEqual([
        ["bad", 3],
        ["rej", 3],
        ["ok", 0],
      ]);
      expect(seqs(ok.got)).toEqual([0, 1, 2]);
      expect(lines.filter((l) => l.includes("bad: write failed (disk full)")).length).toBe(1);
    } finally {
      setLogWriter(prev);
    }
  });

  it("close() drains the queues (within its time limit) and ignores later writes", async () => {
    const slow = slowSink(5);
    const f = new Fanout([slow], { maxQueue: 100 });
    for (let i = 0; i < 20; i++) f.write({ type: "frame", frame: makeFrame(i) });
    await f.close();
    expect(seqs(slow.got)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    f.write({ type: "frame", frame: makeFrame(99) });
    expect(seqs(slow.got).length).toBe(20);
    const stuck = new Fanout([{ name: "stuck", write: () => new Promise<void>(() => undefined), close: () => Promise.resolve() }]);
    stuck.write({ type: "frame", frame: makeFrame(0) });
    stuck.write({ type: "frame", frame: makeFrame(1) });
    const t0 = Date.now();
    await stuck.close(100);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(stuck.counters()[0]?.dropped).toBe(1);
  });
});
