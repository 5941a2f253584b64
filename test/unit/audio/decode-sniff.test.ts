/** Format detection by magic bytes (the file name never matters). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sniffFormat } from "../../../src/audio/decode-sniff.js";
import { decodeFile } from "../../../src/audio/decode.js";
import { probeAudio } from "../../../src/audio/probe.js";
import { tempDir, toneInt16, tool, wavBytes, writeFile } from "../../helpers/audio-files.js";

const dir = tempDir();
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p)));
/** An ID3v2.4 header for a body of `size` bytes (sync-safe size). */
const id3 = (size: number): number[] => [
  0x49,
  0x44,
  0x33,
  4,
  0,
  0,
  (size >> 21) & 0x7f,
  (size >> 14) & 0x7f,
  (size >> 7) & 0x7f,
  size & 0x7f,
];

describe("sniffFormat", () => {
  it("recognises each supported container", () => {
    expect(sniffFormat(bytes("RIFF", [0, 0, 0, 0], "WAVE")).kind).toBe("wav");
    expect(sniffFormat(bytes("RF64", [255, 255, 255, 255], "WAVE")).kind).toBe("wav");
    expect(sniffFormat(bytes("fLaC", [0, 0, 0, 34]))).toEqual({ kind: "flac", offset: 0 });
    expect(sniffFormat(bytes([0xff, 0xfb, 0x90, 0x64]))).toEqual({ kind: "mp3", offset: 0 });
    expect(sniffFormat(bytes(id3(20), new Array<number>(20).fill(0), [0, 0, 0], [0xff, 0xfb, 0x90, 0x64]))).toEqual({
      kind: "mp3",
      offset: 33,
    });
    expect(sniffFormat(bytes("OggS", new Array<number>(22).fill(0), [1, 30], "\x01vorbis")).kind).toBe("ogg-vorbis");
    expect(sniffFormat(bytes("OggS", new Array<number>(22).fill(0), [1, 30], "\x7fFLAC")).kind).toBe("ogg-flac");
  });

  it("names what it does not decode and shows the first bytes", () => {
    const riffAvi = sniffFormat(bytes("RIFF", [0, 0, 0, 0], "AVI LIST"));
    expect(riffAvi).toEqual({
      kind: "unsupported",
      problem: expect.stringMatching(
        /not WAV, FLAC, MP3 or OGG Vorbis\): looks like a RIFF file that is not WAVE.*starts with 52 49 46 46 00 00 00 00 \("RIFF\.\.\.\."\)/,
      ) as unknown,
    });
    expect(sniffFormat(bytes([0, 0, 0, 0x20], "ftypM4A ")).kind).toBe("unsupported");
    expect(JSON.stringify(sniffFormat(bytes([0, 0, 0, 0x20], "ftypM4A ")))).toContain("MP4/M4A");
    expect(JSON.stringify(sniffFormat(bytes([0xff, 0xf1, 0x50, 0x80])))).toContain("AAC (ADTS)");
    expect(JSON.stringify(sniffFormat(bytes(id3(4), [1, 2, 3, 4], "junk")))).toContain("ID3 tag followed by neither MPEG audio nor FLAC");
  });

  it("an MP3 behind a 100 kB ID3 tag decodes and probes (the tag is longer than the probe's first read)", async () => {
    const src = writeFile(dir, "s.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: toneInt16(20000, 1, 44100) }));
    const mp3 = join(dir, "s.mp3");
    tool("lame", ["--quiet", "-b", "96", src, mp3]);
    const tagged = writeFile(dir, "tagged.bin", new Uint8Array([...id3(100_000), ...new Uint8Array(100_000), ...readFileSync(mp3)]));
    const audio = await decodeFile(tagged);
    expect(audio.format).toBe("mp3");
    expect(audio.channels.length).toBe(1);
    expect(await probeAudio(tagged)).toEqual({ sampleRateHz: 44100, channels: 1, frames: audio.channels[0]?.length, format: "mp3" });
  });
});
