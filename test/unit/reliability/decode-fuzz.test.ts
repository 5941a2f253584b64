/**
 * Decoder fuzzing: seeded mutations of small valid WAV (16-bit, 24-bit, float), FLAC and MP3 files
 * made by sox / flac / lame — bit flips, truncations, header fields overwritten with random or
 * extreme values, random bytes inserted, regions zeroed or duplicated — 1,200 cases in all. Every
 * case must end in decoded audio (finite samples, equal channel lengths) or one InputFileError
 * naming the file in one line; never another exception, a crash, or a hang (each case runs in a
 * worker thread under a time limit, so a hang is reported as a failure instead of stalling the run).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { tsExecArgv } from "../../../src/pipeline/dev-ts-loader.js";
import { mulberry32 } from "../../../src/rng.js";
import { tempDir, toneInt16, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";
import type { FuzzCase, FuzzOutcome } from "../../helpers/decode-fuzz-worker.js";

const CASE_LIMIT_MS = 3000;
const dir = tempDir("timbrescope-fuzz-");

/** Small valid seed files: 0.3 s of a stereo tone + chirp. */
function seeds(): Record<string, Uint8Array> {
  const rate = 22050;
  const pcm = toneInt16(Math.round(0.3 * rate), 2, rate);
  const wav = writeFile(dir, "seed.wav", wavBytes({ sampleRateHz: rate, encoding: "pcm16", channels: pcm }));
  tool("sox", [wav, "-b", "24", join(dir, "seed24.wav")]);
  tool("sox", [wav, "-e", "floating-point", "-b", "32", join(dir, "seedf.wav")]);
  tool("flac", ["--silent", "--force", "-o", join(dir, "seed.flac"), wav]);
  tool("lame", ["--quiet", "-b", "64", wav, join(dir, "seed.mp3")]);
  const r = (n: string): Uint8Array => new Uint8Array(readFileSync(join(dir, n)));
  return { wav16: r("seed.wav"), wav24: r("seed24.wav"), wavf: r("seedf.wav"), flac: r("seed.flac"), mp3: r("seed.mp3") };
}

const MUTATIONS = ["bitflip", "truncate", "header-field", "insert", "zero", "duplicate"] as const;

/** Applies mutation `kind` to a copy of `b` with the generator `rnd`. */
function mutate(b: Uint8Array, kind: (typeof MUTATIONS)[number], rnd: () => number): Uint8Array {
  const at = (n: number): number => Math.floor(rnd() * n);
  switch (kind) {
    case "bitflip": {
      const out = b.slice();
      for (let k = 1 + at(16); k > 0; k--) {
        const i = at(out.length);
        out[i] = (out[i] as number) ^ (1 << at(8));
      }
      return out;
    }
    case "truncate":
      return b.slice(0, at(b.length));
    case "header-field": {
      // A 16- or 32-bit field in the first 64 bytes (sizes, channels, rates, bits) set to an extreme or random value.
      const out = b.slice();
      const dv = new DataView(out.buffer);
      const off = 2 * at(Math.min(30, (out.length >> 1) - 2));
      const extremes = [0, 1, 0xffff, 0xffffffff, 0x7fffffff, 0x80000000, 8, 192000, 1 << 24];
      const v = rnd() < 0.6 ? (extremes[at(extremes.length)] as number) : Math.floor(rnd() * 2 ** 32);
      if (rnd() < 0.5 && off + 4 <= out.length) dv.setUint32(off, v >>> 0, true);
      else dv.setUint16(off, v & 0xffff, true);
      return out;
    }
    case "insert": {
      const pos = at(b.length + 1);
      const chunk = Uint8Array.from({ length: 1 + at(512) }, () => at(256));
      const out = new Uint8Array(b.length + chunk.length);
      out.set(b.subarray(0, pos));
      out.set(chunk, pos);
      out.set(b.subarray(pos), pos + chunk.length);
      return out;
    }
    case "zero": {
      const out = b.slice();
      const pos = at(out.length);
      out.fill(0, pos, pos + 1 + at(256));
      return out;
    }
    case "duplicate": {
      const pos = at(b.length);
      const len = 1 + at(Math.min(1024, b.length - pos));
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, pos + len));
      out.set(b.subarray(pos), pos + len);
      return out;
    }
  }
}

class FuzzPool {
  private worker: Worker;
  constructor() {
    this.worker = FuzzPool.spawn();
  }
  private static spawn(): Worker {
    return new Worker(new URL("../../helpers/decode-fuzz-worker.ts", import.meta.url), {
      execArgv: [...process.execArgv, ...tsExecArgv()],
    });
  }
  /** Runs one case; a case that exceeds the limit kills the worker (replaced) and reports "hang". */
  run(c: FuzzCase): Promise<FuzzOutcome | { id: number; kind: "hang"; message: string }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.worker.removeAllListeners("message");
        void this.worker.terminate();
        this.worker = FuzzPool.spawn();
        resolve({ id: c.id, kind: "hang", message: `no answer within ${CASE_LIMIT_MS} ms` });
      }, CASE_LIMIT_MS);
      this.worker.once("message", (o: FuzzOutcome) => {
        clearTimeout(timer);
        resolve(o);
      });
      this.worker.postMessage(c);
    });
  }
  close(): Promise<number> {
    return this.worker.terminate();
  }
}

describe("decoder fuzzing", () => {
  const pool = new FuzzPool();
  afterAll(async () => {
    await pool.close();
  });

  it("1,200 mutated WAV / FLAC / MP3 files: each ends in audio or one clear InputFileError, never a crash or hang", async () => {
    const files = seeds();
    const perFormat = 240;
    const tally: Record<string, { audio: number; error: number }> = {};
    const failures: string[] = [];
    let id = 0;
    let slowestMs = 0;
    for (const [fmt, bytes] of Object.entries(files)) {
      const rnd = mulberry32(0x5eed + bytes.length);
      const t = { audio: 0, error: 0 };
      tally[fmt] = t;
      for (let k = 0; k < perFormat; k++) {
        const kind = MUTATIONS[k % MUTATIONS.length] ?? "bitflip";
        const name = `fuzz-${fmt}-${k}-${kind}`;
        const o = await pool.run({ id: id++, name, bytes: mutate(bytes, kind, rnd) });
        if (o.kind === "audio" || o.kind === "error") t[o.kind]++;
        if ("ms" in o) slowestMs = Math.max(slowestMs, o.ms);
        const bad =
          o.kind === "hang" || o.kind === "crash"
            ? `${o.kind}: ${o.message}`
            : o.kind === "error" && (!o.message.startsWith(`${name}: `) || o.message.includes("\n"))
              ? `unclear error: ${o.message}`
              : o.kind === "audio" && !o.sane
                ? `insane audio: ${o.message}`
                : undefined;
        if (bad !== undefined) failures.push(`${name}: ${bad}`);
      }
    }
    expect(failures, failures.slice(0, 10).join("\n")).toEqual([]);
    const total = Object.values(tally).reduce((s, t) => s + t.audio + t.error, 0);
    expect(total).toBe(5 * perFormat);
    // both outcomes occur for every format (the mutations reach headers and payloads alike)
    for (const [fmt, t] of Object.entries(tally)) {
      expect(t.audio, fmt).toBeGreaterThan(0);
      expect(t.error, fmt).toBeGreaterThan(0);
    }
    expect(slowestMs).toBeLessThan(CASE_LIMIT_MS);
  }, 120_000);
});
