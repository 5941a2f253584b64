/**
 * Unusual but valid audio goes through the whole analysis (decode -> resample -> mel -> scorer ->
 * post) with finite scores: 8 kHz and 192 kHz, 1 to 8 channels, NaN/Inf float samples, digital
 * silence, hard clipping, in WAV, FLAC and MP3. Damaged files and headers that lie end in one clear
 * InputFileError (zero-length, truncated and corrupt files per format; absurd rates, channel counts
 * that disagree with the frame size, ID3 tags that claim more than the file holds).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFile } from "../../../src/audio/decode.js";
import { InputFileError } from "../../../src/errors.js";
import { setLogWriter } from "../../../src/log.js";
import { analyzeFile } from "../../../src/pipeline/offline.js";
import { tempDir, toneInt16, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { createScorer } from "../../helpers/fake-scorer.js";

const dir = tempDir("timbrescope-odd-audio-");
const scorer = createScorer({});

/** Analyses `path` at a 0.5 s hop; every raw and smoothed score must be finite. Returns the frame count. */
async function analyseFinite(path: string): Promise<number> {
  const r = await analyzeFile(path, scorer, { hopSec: 0.5 });
  for (const f of r.frames) {
    for (const v of [...f.raw, ...f.smoothed]) if (!Number.isFinite(v)) throw new Error(`${path}: non-finite score in frame ${f.index}`);
  }
  expect(Number.isFinite(r.trackRms)).toBe(true);
  return r.frames.length;
}

async function expectInputError(p: Promise<unknown>, problem: RegExp): Promise<void> {
  const err: unknown = await p.then(
    () => new Error("resolved"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputFileError);
  expect((err as Error).message).toMatch(problem);
  expect((err as Error).message).not.toContain("\n");
}

const quiet = <T>(fn: () => Promise<T>): Promise<T> => {
  const prev = setLogWriter(() => undefined);
  return fn().finally(() => setLogWriter(prev));
};

describe("unusual but valid audio is analysed", () => {
  it.each([8000, 192000])("%i Hz WAV, FLAC and MP3 (MP3 at 8 kHz only: MPEG has no 192 kHz)", async (rate) => {
    const wav = writeFile(
      dir,
      `r${rate}.wav`,
      wavBytes({ sampleRateHz: rate, encoding: "pcm16", channels: toneInt16(Math.round(2.2 * rate), 2, rate) }),
    );
    expect(await analyseFinite(wav)).toBe(3);
    const flac = join(dir, `r${rate}.flac`);
    tool("flac", ["--silent", "--force", "-o", flac, wav]);
    expect(await analyseFinite(flac)).toBe(3);
    if (rate === 8000) {
      const mp3 = join(dir, `r${rate}.mp3`);
      tool("lame", ["--quiet", "-b", "32", wav, mp3]);
      expect((await decodeFile(mp3)).sampleRateHz).toBe(8000);
      expect(await quiet(() => analyseFinite(mp3))).toBeGreaterThanOrEqual(3);
    }
  });

  it("1 to 8 channels (WAV and FLAC)", async () => {
    for (let ch = 1; ch <= 8; ch++) {
      const wav = writeFile(
        dir,
        `c${ch}.wav`,
        wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: toneInt16(22050 * 2, ch, 22050) }),
      );
      expect((await decodeFile(wav)).channels.length).toBe(ch);
      expect(await analyseFinite(wav), `${ch} ch`).toBe(3);
      const flac = join(dir, `c${ch}.flac`);
      tool("flac", ["--silent", "--force", "--channel-map=none", "-o", flac, wav]);
      expect((await decodeFile(flac)).channels.length).toBe(ch);
    }
  });

  it("NaN / Inf float samples (replaced by 0 with a warning), digital silence, and hard clipping", async () => {
    const n = 22050 * 2;
    const nan = Float32Array.from({ length: n }, (_, i) =>
      i % 97 === 0 ? Number.NaN : i % 101 === 0 ? Number.POSITIVE_INFINITY : i % 103 === 0 ? -Infinity : 0.3 * Math.sin(i / 5),
    );
    const lines: string[] = [];
    const prev = setLogWriter((l) => lines.push(l));
    try {
      expect(await analyseFinite(writeFile(dir, "nan.wav", wavBytes({ sampleRateHz: 22050, encoding: "float32", channels: [nan] })))).toBe(
        3,
      );
    } finally {
      setLogWriter(prev);
    }
    expect(lines.some((l) => /nan\.wav: replaced \d+ non-finite sample\(s\) \(NaN\/Inf\) with 0/.test(l))).toBe(true);
    expect(
      await analyseFinite(
        writeFile(dir, "silence.wav", wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: [new Int32Array(n)] })),
      ),
    ).toBe(3);
    const clipped = Float64Array.from({ length: n }, (_, i) => 40 * Math.sin(i / 7)); // 32 dB over full scale
    expect(
      await analyseFinite(writeFile(dir, "clip.wav", wavBytes({ sampleRateHz: 22050, encoding: "float64", channels: [clipped] }))),
    ).toBe(3);
    const square = Int32Array.from({ length: n }, (_, i) => (Math.sin(i / 7) >= 0 ? 32767 : -32768));
    expect(
      await analyseFinite(writeFile(dir, "square.wav", wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: [square] }))),
    ).toBe(3);
  });
});

describe("damaged files and lying headers are one clear error", () => {
  const base = (): Uint8Array => wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: toneInt16(4410, 2, 22050) });

  it("zero-length, truncated and corrupt FLAC and MP3", async () => {
    const wav = writeFile(dir, "z-src.wav", base());
    tool("flac", ["--silent", "--force", "-o", join(dir, "z.flac"), wav]);
    tool("lame", ["--quiet", "-b", "64", wav, join(dir, "z.mp3")]);
    const { readFileSync } = await import("node:fs");
    for (const ext of ["flac", "mp3"]) {
      const full = new Uint8Array(readFileSync(join(dir, `z.${ext}`)));
      await expectInputError(decodeFile(writeFile(dir, `empty.${ext}`, new Uint8Array(0))), /empty file \(0 bytes\)/);
      await expectInputError(decodeFile(writeFile(dir, `head.${ext}`, full.subarray(0, 10))), new RegExp(`head\\.${ext}: `));
      const garbage = full.slice();
      garbage.fill(0x55, ext === "flac" ? 42 : 1); // FLAC: STREAMINFO kept, frames gone; MP3: no frame sync left
      await expectInputError(
        quiet(() => decodeFile(writeFile(dir, `garbage.${ext}`, garbage))),
        /no audio could be decoded|unsupported format/,
      );
    }
  });

  it("headers that lie: absurd rates, channels that disagree with the frame size, sizes past the end", async () => {
    const set = (b: Uint8Array, at: number, v: number, bytes: 2 | 4): Uint8Array => {
      const out = b.slice();
      const dv = new DataView(out.buffer);
      if (bytes === 2) dv.setUint16(at, v, true);
      else dv.setUint32(at, v, true);
      return out;
    };
    // fmt body starts at byte 20: tag 20, channels 22, rate 24, byte rate 28, block align 32, bits 34; data size at 40
    await expectInputError(decodeFile(writeFile(dir, "rate0.wav", set(base(), 24, 0, 4))), /invalid WAV header: sample rate 0 Hz/);
    await expectInputError(
      decodeFile(writeFile(dir, "rate4g.wav", set(base(), 24, 0xffffffff, 4))),
      /unsupported sample rate 4294967295 Hz in the wav\/pcm16 header \(expected 1000\.\.768000 Hz/,
    );
    await expectInputError(decodeFile(writeFile(dir, "rate1.wav", set(base(), 24, 1, 4))), /unsupported sample rate 1 Hz/);
    await expectInputError(
      decodeFile(writeFile(dir, "ch7.wav", set(base(), 22, 7, 2))),
      /invalid WAV header: block align 4 bytes for 7 channel\(s\) of 16 bits/,
    );
    await expectInputError(decodeFile(writeFile(dir, "ch0.wav", set(base(), 22, 0, 2))), /invalid WAV header: 0 channels/);
    await expectInputError(
      decodeFile(writeFile(dir, "big.wav", set(base(), 40, 0x7ffffff0, 4))),
      /truncated WAV: the data chunk declares 2147483632 bytes/,
    );
    // a RIFF size that lies is harmless: chunks are walked by their own sizes
    expect((await decodeFile(writeFile(dir, "riff.wav", set(base(), 4, 12, 4)))).channels[0]!.length).toBe(4410);
    // a chunk before "data" whose size runs past the end of the file
    const list = wavBytes({
      sampleRateHz: 22050,
      encoding: "pcm16",
      channels: toneInt16(100, 1, 22050),
      chunksBeforeData: [["LIST", new Uint8Array(4)]],
    });
    await expectInputError(
      decodeFile(writeFile(dir, "list.wav", set(list, 40, 0xfffffff0, 4))),
      /truncated or malformed WAV: no data chunk before the end of the file/,
    );
    // an ID3 tag that claims more bytes than the file holds
    const id3 = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f, ...new Array<number>(50).fill(0)]);
    await expectInputError(decodeFile(writeFile(dir, "id3.mp3", id3)), /ID3 tag with no audio after it/);
  });
});
