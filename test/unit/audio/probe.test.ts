/**
 * probeAudio: header-only facts for WAV and FLAC that agree with a full decode, decode fallback
 * for MP3/Ogg, and the same InputFileErrors as decodeFile.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFile } from "../../../src/audio/decode.js";
import { probeAudio } from "../../../src/audio/probe.js";
import { InputFileError } from "../../../src/errors.js";
import { pcmSignal, tempDir, toneInt16, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";

const dir = tempDir();

/** probeAudio must report what a full decode finds. */
async function expectProbeMatchesDecode(path: string): Promise<void> {
  const probe = await probeAudio(path);
  const audio = await decodeFile(path);
  expect(probe).toEqual({
    sampleRateHz: audio.sampleRateHz,
    channels: audio.channels.length,
    frames: audio.channels[0]?.length,
    format: audio.format,
  });
}

describe("probeAudio agrees with decodeFile", () => {
  it.each([
    ["pcm16 stereo", { sampleRateHz: 44100, encoding: "pcm16", channels: pcmSignal(1234, 2, 16) }],
    [
      "float32 mono, extensible",
      { sampleRateHz: 48000, encoding: "float32", channels: [new Float64Array(777).fill(0.25)], extensible: true },
    ],
    ["pcm24 RF64", { sampleRateHz: 96000, encoding: "pcm24", channels: pcmSignal(500, 3, 24), rf64: true }],
    ["pcm16 with streaming size 0", { sampleRateHz: 22050, encoding: "pcm16", channels: pcmSignal(999, 1, 16), declaredDataSize: 0 }],
    [
      "pcm8 with a 200 kB chunk before data",
      { sampleRateHz: 8000, encoding: "pcm8", channels: pcmSignal(300, 2, 8), chunksBeforeData: [["JUNK", new Uint8Array(200_001)]] },
    ],
  ] as const)("WAV %s", async (name, spec) => {
    await expectProbeMatchesDecode(writeFile(dir, `${name.replace(/\W+/g, "-")}.wav`, wavBytes(spec)));
  });

  const src = writeFile(dir, "src.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: toneInt16(30000, 2, 44100) }));
  it("FLAC from STREAMINFO, and by decoding when STREAMINFO leaves the length unknown (0)", async () => {
    const flac = join(dir, "a.flac");
    tool("flac", ["--silent", "--force", "-o", flac, src]);
    await expectProbeMatchesDecode(flac);
    expect((await probeAudio(flac)).frames).toBe(30000);
    const b = readFileSync(flac);
    b[8 + 13] = (b[8 + 13] as number) & 0xf0; // total samples: 36 bits from the low nibble of byte 13
    b.fill(0, 8 + 14, 8 + 18);
    const unknown = writeFile(dir, "unknown-length.flac", b);
    await expectProbeMatchesDecode(unknown);
    expect((await probeAudio(unknown)).frames).toBe(30000);
  });

  it("MP3 and Ogg Vorbis by decoding", async () => {
    const mp3 = join(dir, "a.mp3");
    const ogg = join(dir, "a.ogg");
    tool("lame", ["--quiet", "-b", "128", src, mp3]);
    tool("oggenc", ["--quiet", "-q", "3", "-o", ogg, src]);
    await expectProbeMatchesDecode(mp3);
    await expectProbeMatchesDecode(ogg);
    expect((await probeAudio(ogg)).frames).toBe(30000);
  });

  it("reads only the header: a 1 GiB (sparse) WAV is probed from its header", async () => {
    const p = join(dir, "huge.wav");
    const header = wavBytes({ sampleRateHz: 48000, encoding: "pcm16", channels: [[], []], declaredDataSize: 2 ** 30 - 44 });
    const fd = openSync(p, "w");
    writeSync(fd, header);
    ftruncateSync(fd, 2 ** 30);
    closeSync(fd);
    const probe = await probeAudio(p);
    expect(probe).toEqual({ sampleRateHz: 48000, channels: 2, frames: (2 ** 30 - 44) / 4, format: "wav/pcm16" });
  });
});

describe("probeAudio errors", () => {
  it.each([
    ["missing", () => join(dir, "missing.wav"), /file not found/],
    ["truncated WAV", () => { const b = wavBytes({ sampleRateHz: 8000, encoding: "pcm16", channels: [new Array<number>(100).fill(1)] }); return writeFile(dir, "t.wav", b.subarray(0, 100)); }, /truncated WAV: the data chunk declares 200 bytes/], // prettier-ignore
    [
      "zero frames",
      () => writeFile(dir, "z.wav", wavBytes({ sampleRateHz: 8000, encoding: "pcm16", channels: [[]] })),
      /no audio samples \(0 frames/,
    ],
    ["empty", () => writeFile(dir, "e.mp3", new Uint8Array(0)), /empty file/],
    [
      "unsupported",
      () => writeFile(dir, "u.flac", new TextEncoder().encode("MThd this is MIDI")),
      /unsupported format .*starts with 4d 54 68 64/,
    ],
    ["directory", () => dir, /is a directory/],
  ] as const)("%s", async (_name, make, problem) => {
    const p = make();
    const err: unknown = await probeAudio(p).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message.startsWith(`${p}: `)).toBe(true);
    expect((err as Error).message).toMatch(problem);
  });
});
