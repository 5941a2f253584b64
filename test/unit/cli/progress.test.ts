/**
 * Progress off a terminal (src/cli/progress.ts progressLines): a background job's log gets one line
 * per tenth of the work, never two within the gap, none for short work, each with a sane estimate
 * of the time left; done() prints its summary.
 */
import { afterEach, describe, expect, it } from "vitest";
import { progressLines } from "../../../src/cli/progress.js";
import { setLogWriter, type LogWriter } from "../../../src/log.js";

let restore: LogWriter | undefined;
afterEach(() => {
  if (restore !== undefined) setLogWriter(restore);
  restore = undefined;
});

function capture(): string[] {
  const lines: string[] = [];
  restore = setLogWriter((l) => lines.push(l));
  return lines;
}

describe("progress lines off a terminal", () => {
  it("prints a line per tenth reached after the gap, with the time left, and the summary at the end", () => {
    const lines = capture();
    let t = 0;
    const p = progressLines("epoch 1/2", 1000, "windows", () => t, 30_000);
    // one window per second: 1000 s in all, a tenth every 100 s
    for (let i = 0; i < 1000; i++) {
      t += 1000;
      p.tick();
    }
    p.done("epoch 1: train loss 0.2");
    expect(lines).toEqual([
      "epoch 1/2: 10 % (100/1000 windows), 15m00s left",
      "epoch 1/2: 20 % (200/1000 windows), 13m20s left",
      "epoch 1/2: 30 % (300/1000 windows), 11m40s left",
      "epoch 1/2: 40 % (400/1000 windows), 10m00s left",
      "epoch 1/2: 50 % (500/1000 windows), 8m20s left",
      "epoch 1/2: 60 % (600/1000 windows), 6m40s left",
      "epoch 1/2: 70 % (700/1000 windows), 5m00s left",
      "epoch 1/2: 80 % (800/1000 windows), 3m20s left",
      "epoch 1/2: 90 % (900/1000 windows), 1m40s left",
      "epoch 1: train loss 0.2",
    ]);
  });

  it("stays silent for work shorter than the gap, and skips tenths that come too fast", () => {
    const lines = capture();
    let t = 0;
    const quick = progressLines("cache", 50, "tracks", () => t, 30_000);
    for (let i = 0; i < 50; i++) {
      t += 100;
      quick.tick();
    }
    quick.done();
    expect(lines).toEqual([]);
    // 20 s per tenth with a 30 s gap: every other tenth is printed
    const slow = progressLines("synth", 10, "tracks", () => t, 30_000);
    for (let i = 0; i < 10; i++) {
      t += 20_000;
      slow.tick(1, "T0001");
    }
    expect(lines.map((l) => l.split(" (")[0])).toEqual(["synth: 20 %", "synth: 40 %", "synth: 60 %", "synth: 80 %"]);
  });
});
