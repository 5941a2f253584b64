/**
 * WAV decoding: every PCM/float variant, plain and WAVE_FORMAT_EXTENSIBLE, written by the test's
 * own writer or by sox, must decode to exactly the source values scaled:
 *   8-bit unsigned u -> (u - 128) / 128, 16-bit v -> v / 32768, 24-bit v -> v / 8388608,
 *   32-bit v -> fround(v / 2147483648) (float32 keeps 24 bits), float32 as is, float64 -> fround.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeBytes, decodeFile } from "../../../src/audio/decode.js";
import { setLogWriter } from "../../../src/log.js";
import { BITS, pcmSignal, tempDir, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";
import type { WavEncoding } from "../../helpers/audio-files.js";
import { expectAllClose } from "../../helpers/close.js";

const dir = tempDir();

/** The exact float32 values a correct decoder must return for integer PCM of `bits`. */
function scaled(ints: ArrayLike<number>, bits: number): Float32Array {
  return Float32Array.from(ints, (v) => v / 2 ** (bits - 1));
}

function floatSignal(frames: number, channels: number): Float64Array[] {
  return Array.from({ length: channels }, (_, c) =>
    Float64Array.from({ length: frames }, (_x, i) => Math.sin(i * 0.01 * (c + 1)) * 0.9 + 1e-9 * i),
  );
}

describe("WAV variants decode exactly", () => {
  const cases: [WavEncoding, boolean, number][] = [];
  for (const enc of ["pcm8", "pcm16", "pcm24", "pcm32", "float32", "float64"] as const) {
    for (const extensible of [false, true]) for (const nc of [1, 2, 6]) cases.push([enc, extensible, nc]);
  }
  it.each(cases)("%s, extensible=%s, %i channel(s)", async (enc, extensible, nc) => {
    const frames = 1001;
    const isFloat = enc.startsWith("float");
    const src = isFloat ? floatSignal(frames, nc) : pcmSignal(frames, nc, BITS[enc], nc);
    const bytes = wavBytes({ sampleRateHz: 32000, encoding: enc, channels: src, extensible });
    const got = await decodeBytes(bytes, "mem.wav");
    expect(got.sampleRateHz).toBe(32000);
    expect(got.format).toBe(`wav/${isFloat ? "float" : "pcm"}${BITS[enc]}`);
    expect(got.channels.length).toBe(nc);
    got.channels.forEach((ch, c) => {
      const want = isFloat ? Float32Array.from(src[c] as ArrayLike<number>) : scaled(src[c] as ArrayLike<number>, BITS[enc]);
      expectAllClose(ch, want, 0, `${enc} channel ${c}`);
    });
  });

  it("reads WAVs written by sox (16, 24, 32-bit, float, 3 channels) exactly", async () => {
    const src = pcmSignal(4000, 3, 16, 5);
    const base = writeFile(dir, "src16.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: src }));
    // sox widens int16 exactly (v * 2^8, v * 2^16) and writes >2-channel / >16-bit files as WAVE_FORMAT_EXTENSIBLE.
    for (const [args, fmt] of [
      [["-b", "24"], "wav/pcm24"],
      [["-b", "32"], "wav/pcm32"],
      [["-e", "floating-point", "-b", "32"], "wav/float32"],
      [["-b", "16"], "wav/pcm16"],
    ] as const) {
      const out = join(dir, `sox-${args.join("")}.wav`);
      tool("sox", [base, ...args, out]);
      const got = await decodeFile(out);
      expect(got.format).toBe(fmt);
      got.channels.forEach((ch, c) => expectAllClose(ch, scaled(src[c] as Int32Array, 16), 0, `sox ${fmt} ch ${c}`));
    }
  });

  it("skips other chunks (odd-sized, padded) before the data chunk", async () => {
    const src = pcmSignal(300, 2, 16);
    const list = new Uint8Array(7).fill(65);
    const got = await decodeBytes(
      wavBytes({
        sampleRateHz: 8000,
        encoding: "pcm16",
        channels: src,
        chunksBeforeData: [
          ["LIST", list],
          ["JUNK", new Uint8Array(4096)],
        ],
      }),
      "x.wav",
    );
    got.channels.forEach((ch, c) => expectAllClose(ch, scaled(src[c] as Int32Array, 16), 0, `ch ${c}`));
  });

  it("reads RF64 (sizes in the ds64 chunk)", async () => {
    const src = pcmSignal(500, 2, 24);
    const got = await decodeBytes(wavBytes({ sampleRateHz: 48000, encoding: "pcm24", channels: src, rf64: true }), "x.wav");
    expect(got.channels[0]?.length).toBe(500);
    got.channels.forEach((ch, c) => expectAllClose(ch, scaled(src[c] as Int32Array, 24), 0, `ch ${c}`));
  });
});

describe("streaming placeholder data sizes read to the end of the file", () => {
  const src = pcmSignal(777, 2, 16);
  it.each([0, 0xffffffff])("declared data size 0x%s", async (declared) => {
    const got = await decodeBytes(
      wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: src, declaredDataSize: declared }),
      "stream.wav",
    );
    expect(got.channels[0]?.length).toBe(777);
    got.channels.forEach((ch, c) => expectAllClose(ch, scaled(src[c] as Int32Array, 16), 0, `ch ${c}`));
  });

  it("a WAV that sox wrote to a pipe (size 0x7FFFF000) decodes in full", async () => {
    // Generating to stdout, sox cannot seek back to fix the sizes and leaves its placeholder.
    const bytes = tool("sox", ["-n", "-r", "22050", "-b", "16", "-c", "1", "-t", "wav", "-", "synth", "0.05", "sine", "440"]);
    const dataAt = bytes.indexOf("data");
    expect(bytes.readUInt32LE(dataAt + 4)).toBe(0x7ffff000);
    const got = await decodeFile(writeFile(dir, "piped.wav", bytes));
    const frames = (bytes.length - dataAt - 8) / 2;
    expect(frames).toBe(1103); // 0.05 s at 22050 Hz, rounded up by sox
    const want = Float32Array.from({ length: frames }, (_, i) => bytes.readInt16LE(dataAt + 8 + 2 * i) / 32768);
    expectAllClose(got.channels[0] ?? [], want, 0, "piped");
  });
});

describe("non-finite float samples", () => {
  let restore: ((line: string) => void) | undefined;
  afterEach(() => {
    if (restore !== undefined) setLogWriter(restore);
  });
  it.each(["float32", "float64"] as const)("%s NaN/Inf become 0 with one warning", async (enc) => {
    const lines: string[] = [];
    restore = setLogWriter((l) => lines.push(l));
    const x = [0.5, NaN, -0.25, Infinity, -Infinity, 0.125, NaN];
    const got = await decodeBytes(wavBytes({ sampleRateHz: 8000, encoding: enc, channels: [x, x] }), "nan.wav");
    for (const ch of got.channels) expect(Array.from(ch)).toEqual([0.5, 0, -0.25, 0, 0, 0.125, 0]);
    const warnings = lines.filter((l) => l.includes("non-finite"));
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/nan\.wav: replaced 8 non-finite/);
  });
});
